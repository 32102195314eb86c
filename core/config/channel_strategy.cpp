#include "sagsflow/config/channel_strategy.hpp"

#include <date/iso_week.h>

#include <fmt/format.h>

#include <chrono>

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
  // "YYYY-Www", ww from 01 to 53.
  if (text.size() != 8 || text[4] != '-' || text[5] != 'W') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 7u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int week = (text[6] - '0') * 10 + (text[7] - '0');
  return week >= 1 && week <= 53;
}

}  // namespace sagsflow
