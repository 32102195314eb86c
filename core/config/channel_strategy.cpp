#include "sagsflow/config/channel_strategy.hpp"

#include <date/iso_week.h>

#include <fmt/format.h>

#include <chrono>
#include <regex>

namespace sagsflow {

std::map<Channel, ChannelCost> default_channel_costs() {
  const std::string kl = "KL 2011 benchmark (docs/legal.md#channel-costs)";
  const std::string example = "example value, not sourced: set costs_kr for your municipality";
  return {
      {Channel::kPersonalAttendance, {75, kl}},
      {Channel::kDigitalSelfService, {20, kl}},
      {Channel::kPhone, {45, example}},
      {Channel::kLetter, {60, example}},
      {Channel::kEmail, {40, example}},
      {Channel::kDigitalPost, {25, example}},
      {Channel::kAssistedSelfService, {50, example}},
  };
}

ChannelStrategy default_channel_strategy() {
  ChannelStrategy s;
  s.costs = default_channel_costs();
  return s;
}

bool is_digital(Channel c) {
  return c == Channel::kDigitalSelfService || c == Channel::kDigitalPost || c == Channel::kEmail;
}

bool is_written_communication(Channel c) { return c == Channel::kLetter || is_digital(c); }

std::string iso_week_of(int y, unsigned m, unsigned d) {
  const iso_week::year_weeknum_weekday w{date::year_month_day{date::year{y}, date::month{m}, date::day{d}}};
  return fmt::format("{}-W{:02}", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
}

bool is_iso_week_name(const std::string& text) {
  static const std::regex pattern(R"(^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$)");
  return std::regex_match(text, pattern);
}

}  // namespace sagsflow
