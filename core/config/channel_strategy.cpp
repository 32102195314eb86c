#include "sagsflow/config/channel_strategy.hpp"

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

std::string iso_week_of(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  const sys_days d{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
  const weekday wd{d};
  const int iso_wd = wd.iso_encoding();            // Monday 1 .. Sunday 7
  const sys_days thursday = d + days{4 - iso_wd};  // the week belongs to its Thursday's year
  const year_month_day t{thursday};
  const sys_days jan1{t.year() / January / 1};
  const int week = static_cast<int>((thursday - jan1).count() / 7) + 1;
  return fmt::format("{}-W{:02}", static_cast<int>(t.year()), week);
}

bool is_iso_week_name(const std::string& text) {
  static const std::regex pattern(R"(^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$)");
  return std::regex_match(text, pattern);
}

}  // namespace sagsflow
