// The service goals, the digital share's path and the per-area channel
// strategies of `channel_strategy:` (channel_goals.hpp), and their reading
// from the municipality file (channel_goals_parts.hpp).
#include "sagsflow/config/channel_goals.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <tuple>

#include "channel_goals_parts.hpp"

namespace sagsflow {
namespace {

constexpr std::array<Channel, 7> kAllChannels{Channel::kPersonalAttendance, Channel::kPhone,
                                              Channel::kLetter,             Channel::kEmail,
                                              Channel::kDigitalPost,        Channel::kDigitalSelfService,
                                              Channel::kAssistedSelfService};
constexpr std::array<GoalMeasure, 4> kMeasures{GoalMeasure::kAnswerWithinMinutes, GoalMeasure::kAnswerWithinDays,
                                               GoalMeasure::kDecisionAtOnce, GoalMeasure::kWaitingMinutes};

std::string all_channel_keys() {
  std::vector<std::string> keys;
  for (Channel ch : kAllChannels) keys.push_back(channel_key(ch));
  return fmt::format("{}", fmt::join(keys, ", "));
}

std::string channels_fitting(GoalMeasure m) {
  std::vector<std::string> keys;
  for (Channel ch : kAllChannels) {
    if (goal_fits_channel(m, ch)) keys.push_back(channel_key(ch));
  }
  return fmt::format("{}", fmt::join(keys, ", "));
}

std::string percent(double share) { return fmt::format("{:g} %", share * 100); }

std::optional<Channel> read_channel(Checker& c, const YAML::Node& n, const std::string& what) {
  const auto key = c.scalar(n, what);
  if (!key) return std::nullopt;
  if (auto ch = channel_from_key(*key)) return ch;
  c.error(n, fmt::format("{} is '{}', which is not a channel; use one of {}", what, *key, all_channel_keys()));
  return std::nullopt;
}

// A share between 0 and 1; false (reported) otherwise.
bool read_share(Checker& c, const YAML::Node& n, const std::string& what, double& out) {
  try {
    const double v = n.as<double>();
    if (v >= 0 && v <= 1) {
      out = v;
      return true;
    }
  } catch (const YAML::Exception&) {
  }
  c.error(n, what + " must be a share between 0 and 1 (0.8 is 80 %)");
  return false;
}

// A whole number from 1 to `max`; empty (reported) otherwise.
std::optional<int> read_amount(Checker& c, const YAML::Node& n, const std::string& what, int max) {
  int v = 0;
  try {
    v = n.as<int>();
  } catch (const YAML::Exception&) {
    c.error(n, what + " must be a whole number");
    return std::nullopt;
  }
  if (v < 1 || v > max) {
    c.error(n, fmt::format("{} must be between 1 and {}, got {}", what, max, v));
    return std::nullopt;
  }
  return v;
}

// One item of channel_strategy.goals; empty (reported) when it is wrong.
std::optional<ChannelGoal> read_goal(Checker& c, const YAML::Node& g, const std::string& what,
                                     const std::set<std::string>& areas) {
  c.check_keys(g, what, {"channel", "answer_within_minutes", "answer_within_days", "decision", "waiting_minutes",
                         "share", "area"});
  ChannelGoal goal;
  bool ok = true;
  std::optional<Channel> channel;
  if (!g["channel"]) {
    c.error(g, what + " has no 'channel'");
    ok = false;
  } else {
    channel = read_channel(c, g["channel"], what + ".channel");
    if (channel) goal.channel = *channel;
    else ok = false;
  }
  std::vector<GoalMeasure> found;
  for (GoalMeasure m : kMeasures) {
    if (g[goal_measure_key(m)]) found.push_back(m);
  }
  if (found.empty()) {
    c.error(g, what + " has no measure: give one of answer_within_minutes, answer_within_days, decision: at_once, "
                      "waiting_minutes");
    return std::nullopt;
  }
  if (found.size() > 1) {
    c.error(g[goal_measure_key(found[1])],
            fmt::format("{} has two measures ({} and {}); a goal measures one thing: write two goals", what,
                        goal_measure_key(found[0]), goal_measure_key(found[1])));
    return std::nullopt;
  }
  goal.measure = found.front();
  const YAML::Node measure = g[goal_measure_key(goal.measure)];
  const std::string measure_what = what + "." + goal_measure_key(goal.measure);
  switch (goal.measure) {
    case GoalMeasure::kDecisionAtOnce: {
      const auto v = c.scalar(measure, measure_what);
      if (!v) {
        ok = false;
      } else if (*v != "at_once") {
        c.error(measure, fmt::format("{} is '{}'; the one decision goal is 'at_once'", measure_what, *v));
        ok = false;
      }
      break;
    }
    case GoalMeasure::kAnswerWithinDays:
      if (auto n = read_amount(c, measure, measure_what, 365)) goal.amount = *n;
      else ok = false;
      break;
    case GoalMeasure::kAnswerWithinMinutes:
    case GoalMeasure::kWaitingMinutes:
      if (auto n = read_amount(c, measure, measure_what, 24 * 60)) goal.amount = *n;
      else ok = false;
      break;
  }
  if (channel && !goal_fits_channel(goal.measure, *channel)) {
    c.error(measure, fmt::format("{}: {} is not a goal for the {} channel; it is for {}", what,
                                 goal_measure_key(goal.measure), channel_key(*channel), channels_fitting(goal.measure)));
    ok = false;
  }
  if (g["share"] && !read_share(c, g["share"], what + ".share", goal.share)) ok = false;
  if (g["area"]) {
    const auto area = c.scalar(g["area"], what + ".area");
    if (!area) {
      ok = false;
    } else if (!areas.contains(*area)) {
      c.error(g["area"], fmt::format("{} is for area '{}', which is not declared under 'service_areas'", what, *area));
      ok = false;
    } else {
      goal.area = *area;
    }
  }
  if (!ok) return std::nullopt;
  return goal;
}

void read_goals(Checker& c, const YAML::Node& list, const std::set<std::string>& areas, ChannelStrategy& s) {
  std::set<std::tuple<Channel, GoalMeasure, std::string>> seen;
  int index = 0;
  c.each_item(list, "a goal of channel_strategy.goals", [&](const YAML::Node& g) {
    ++index;
    const std::string what = fmt::format("goal {} of channel_strategy.goals", index);
    auto goal = read_goal(c, g, what, areas);
    if (!goal) return;
    if (!seen.insert({goal->channel, goal->measure, goal->area.value_or("")}).second) {
      c.error(g, fmt::format("{} repeats an earlier goal: the same channel ({}), measure ({}) and area", what,
                             channel_key(goal->channel), goal_measure_key(goal->measure)));
      return;
    }
    s.goals.push_back(*goal);
  });
}

void read_path(Checker& c, const YAML::Node& list, ChannelStrategy& s) {
  const std::string what = "channel_strategy.digital_share_path";
  std::optional<DigitalShareStep> before;
  c.each_item(list, "a step of " + what, [&](const YAML::Node& p) {
    c.check_keys(p, what, {"by", "share"});
    DigitalShareStep step;
    bool ok = true;
    if (!p["by"]) {
      c.error(p, what + " has a step without 'by' (its date, YYYY-MM-DD)");
      ok = false;
    } else if (auto text = c.scalar(p["by"], what + ".by")) {
      auto day = parse_date(*text);
      if (day.ok()) {
        step.by = *day;
      } else {
        c.error(p["by"], fmt::format("{}: 'by' is '{}', which is not a date YYYY-MM-DD", what, *text));
        ok = false;
      }
    } else {
      ok = false;
    }
    if (!p["share"]) {
      c.error(p, what + " has a step without 'share'");
      ok = false;
    } else if (!read_share(c, p["share"], what + ".share", step.share)) {
      ok = false;
    }
    if (!ok) return;
    if (before && step.by <= before->by) {
      c.error(p["by"], fmt::format("{}: {} does not come after the step before it ({}); list the steps by date", what,
                                   format_date(step.by), format_date(before->by)));
      return;
    }
    if (before && step.share < before->share) {
      c.error(p["share"], fmt::format("{}: the share by {} ({}) is lower than by {} ({}); a target path may not go down",
                                      what, format_date(step.by), percent(step.share), format_date(before->by),
                                      percent(before->share)));
      return;
    }
    before = step;
    s.digital_share_path.push_back(step);
  });
}

void read_areas(Checker& c, const YAML::Node& map, const std::set<std::string>& areas, ChannelStrategy& s) {
  if (!c.expect_map(map, "channel_strategy.areas")) return;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      c.error(kv.first, "channel_strategy.areas has a key that is not a plain name");
      continue;
    }
    const std::string key = kv.first.Scalar();
    const std::string what = "channel_strategy.areas." + key;
    if (s.areas.contains(key)) {
      c.error(kv.first, fmt::format("channel_strategy.areas has '{}' twice", key));
      continue;
    }
    if (!areas.contains(key)) {
      c.error(kv.first, fmt::format("channel_strategy.areas has '{}', which is not declared under 'service_areas'", key));
      continue;
    }
    const YAML::Node& a = kv.second;
    if (!c.expect_map(a, what)) continue;
    c.check_keys(a, what, {"primary", "also", "note"});
    AreaChannelStrategy st;
    bool ok = true;
    if (!a["primary"]) {
      c.error(a, what + " has no 'primary' (the channel the area steers citizens to)");
      ok = false;
    } else if (auto ch = read_channel(c, a["primary"], what + ".primary")) {
      st.primary = *ch;
    } else {
      ok = false;
    }
    if (a["also"]) {
      if (!a["also"].IsSequence()) {
        c.error(a["also"], fmt::format("{}.also must be a list of channels", what));
        ok = false;
      } else {
        for (const auto& item : a["also"]) {
          auto ch = read_channel(c, item, what + ".also");
          if (!ch) {
            ok = false;
          } else if (a["primary"] && *ch == st.primary) {
            c.error(item, fmt::format("{}.also lists the primary channel {}", what, channel_key(*ch)));
            ok = false;
          } else if (std::find(st.also.begin(), st.also.end(), *ch) != st.also.end()) {
            c.error(item, fmt::format("{}.also lists {} twice", what, channel_key(*ch)));
            ok = false;
          } else {
            st.also.push_back(*ch);
          }
        }
      }
    }
    if (a["note"]) {
      st.note = c.scalar(a["note"], what + ".note").value_or("");
      if (st.note.size() > 1000) {
        c.error(a["note"], fmt::format("{}.note is {} characters long; at most 1,000", what, st.note.size()));
        ok = false;
      }
    }
    if (ok) s.areas[key] = st;
  }
}

std::string goal_text(const ChannelGoal& g, bool da) {
  const std::string who = g.share >= 1 ? (da ? "alle" : "all") : percent(g.share);
  std::string text;
  switch (g.measure) {
    case GoalMeasure::kAnswerWithinMinutes:
      text = da ? fmt::format("{} besvaret inden for {} minutter", who, g.amount)
                : fmt::format("{} answered within {} minutes", who, g.amount);
      break;
    case GoalMeasure::kAnswerWithinDays:
      text = da ? fmt::format("{} besvaret inden for {} dage", who, g.amount)
                : fmt::format("{} answered within {} days", who, g.amount);
      break;
    case GoalMeasure::kDecisionAtOnce:
      text = da ? fmt::format("{} afgjort straks (samme dag)", who)
                : fmt::format("{} decided at once (the same day)", who);
      break;
    case GoalMeasure::kWaitingMinutes:
      text = da ? fmt::format("{} kaldt frem inden for {} minutters ventetid", who, g.amount)
                : fmt::format("{} called within {} minutes of waiting", who, g.amount);
      break;
  }
  if (g.area) text += da ? fmt::format(" (område {})", *g.area) : fmt::format(" (area {})", *g.area);
  return text;
}

}  // namespace

const char* goal_measure_key(GoalMeasure m) {
  switch (m) {
    case GoalMeasure::kAnswerWithinMinutes: return "answer_within_minutes";
    case GoalMeasure::kAnswerWithinDays: return "answer_within_days";
    case GoalMeasure::kDecisionAtOnce: return "decision";
    case GoalMeasure::kWaitingMinutes: return "waiting_minutes";
  }
  return "";
}

bool goal_fits_channel(GoalMeasure m, Channel c) {
  switch (m) {
    case GoalMeasure::kAnswerWithinMinutes: return c == Channel::kPhone;
    case GoalMeasure::kAnswerWithinDays:
      return c == Channel::kLetter || c == Channel::kEmail || c == Channel::kDigitalPost ||
             c == Channel::kDigitalSelfService || c == Channel::kAssistedSelfService;
    case GoalMeasure::kDecisionAtOnce:
      return c == Channel::kDigitalSelfService || c == Channel::kAssistedSelfService;
    case GoalMeasure::kWaitingMinutes: return c == Channel::kPersonalAttendance;
  }
  return false;
}

std::optional<DigitalShareStep> digital_share_step_for(const std::vector<DigitalShareStep>& path, Date last_day) {
  for (const auto& step : path) {
    if (step.by >= last_day) return step;
  }
  if (path.empty()) return std::nullopt;
  return path.back();
}

std::string describe_goal_da(const ChannelGoal& goal) { return goal_text(goal, true); }
std::string describe_goal_en(const ChannelGoal& goal) { return goal_text(goal, false); }

void read_channel_goals(Checker& c, const YAML::Node& cs, const std::set<std::string>& service_areas,
                        ChannelStrategy& strategy) {
  if (cs["goals"]) read_goals(c, cs["goals"], service_areas, strategy);
  if (cs["digital_share_path"]) read_path(c, cs["digital_share_path"], strategy);
  if (cs["areas"]) read_areas(c, cs["areas"], service_areas, strategy);
}

}  // namespace sagsflow
