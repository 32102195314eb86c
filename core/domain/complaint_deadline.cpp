#include "sagsflow/domain/complaint_deadline.hpp"

namespace sagsflow {
using namespace std::chrono;

const char* delivery_channel_key(DeliveryChannel c) {
  return c == DeliveryChannel::kPhysicalPost ? "physical_post" : "digital_post";
}

std::optional<DeliveryChannel> delivery_channel_from_key(std::string_view key) {
  if (key == "digital_post") return DeliveryChannel::kDigitalPost;
  if (key == "physical_post") return DeliveryChannel::kPhysicalPost;
  return std::nullopt;
}

PostDeliveryDays default_post_delivery_days() { return PostDeliveryDays{{3, 3, 5, 5, 5, 4, 3}}; }

namespace {
constexpr const char* kWeekdays[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
}

std::optional<int> weekday_index_from_key(std::string_view key) {
  for (int i = 0; i < 7; ++i) {
    if (key == kWeekdays[i]) return i;
  }
  return std::nullopt;
}

const char* weekday_key(int index) { return index >= 0 && index < 7 ? kWeekdays[index] : "monday"; }

Date letter_received_on(Date sent, DeliveryChannel channel, const PostDeliveryDays& post) {
  if (channel == DeliveryChannel::kDigitalPost) return sent;
  const unsigned iso = weekday{sent}.iso_encoding();  // 1 = Monday ... 7 = Sunday
  return sent + days{post.by_weekday[iso - 1]};
}

ComplaintDeadline compute_complaint_deadline(Date sent, DeliveryChannel channel, const DeadlineSpec& period,
                                             const DanishCalendar& cal, const PostDeliveryDays& post) {
  ComplaintDeadline d;
  d.sent = sent;
  d.channel = channel;
  d.received = letter_received_on(sent, channel, post);
  DeadlineSpec rolled = period;
  rolled.roll_to_working_day = true;
  d.due = rolled.due_from(d.received, cal);
  return d;
}

}  // namespace sagsflow
