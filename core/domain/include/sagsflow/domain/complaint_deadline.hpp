// When a citizen's complaint deadline ends: it runs from the day the citizen
// received the decision (docs/legal.md#complaint-deadlines-and-reconsideration).
//
// A letter through Digital Post counts as received the day it is sent. A
// letter by physical post counts as received a number of days after it is
// sent, by the weekday it is sent: the table the Ministry of Justice's
// guidance on computing complaint deadlines (2018) works with; Sagsflow's
// default is kDefaultPostDays and a municipality sets its own in its
// municipality file (post_delivery_days). The deadline then runs its period
// from the day of receipt and, ending on a day the calendar closes, runs to
// the next working day (the period's own roll setting does not matter: a
// citizen's deadline always rolls).
// Pure functions and plain values: any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/deadline.hpp"

namespace sagsflow {

enum class DeliveryChannel { kDigitalPost, kPhysicalPost };
const char* delivery_channel_key(DeliveryChannel c);  // "digital_post", "physical_post"
std::optional<DeliveryChannel> delivery_channel_from_key(std::string_view key);

// Days from sending to receipt of a physical letter, by the weekday it is
// sent: index 0 = Monday ... 6 = Sunday. Each 0..30.
struct PostDeliveryDays {
  std::array<int, 7> by_weekday{};
  friend bool operator==(const PostDeliveryDays&, const PostDeliveryDays&) = default;
};
// Monday 3, Tuesday 3, Wednesday 5, Thursday 5, Friday 5, Saturday 4,
// Sunday 3: a letter reaches the citizen on the third weekday (Monday to
// Friday) after the day
// it is posted. This is
// Sagsflow's reading of the guidance; a municipality that reads it
// differently sets its own table.
PostDeliveryDays default_post_delivery_days();
// "monday" ... "sunday" -> 0 ... 6.
std::optional<int> weekday_index_from_key(std::string_view key);
const char* weekday_key(int index);

// The day the citizen counts as having received a letter sent on `sent`.
Date letter_received_on(Date sent, DeliveryChannel channel, const PostDeliveryDays& post);

struct ComplaintDeadline {
  Date sent{};
  DeliveryChannel channel = DeliveryChannel::kDigitalPost;
  Date received{};
  Date due{};  // the last day a complaint is in time
};

// The complaint deadline of a decision sent on `sent` through `channel`,
// running `period` from receipt, rolled to a working day of `cal`.
ComplaintDeadline compute_complaint_deadline(Date sent, DeliveryChannel channel, const DeadlineSpec& period,
                                             const DanishCalendar& cal, const PostDeliveryDays& post);

}  // namespace sagsflow
