// Reading a simulation profile (simulation_profile.hpp).
#include "sagsflow/app/simulation_profile.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <set>

#include "sagsflow/config/yaml_bounds.hpp"
#include "sagsflow/domain/complaint_deadline.hpp"

namespace sagsflow::app {

namespace {

struct ProfileReader {
  std::string file;
  std::vector<Diagnostic> errors;
  void error(const YAML::Node& n, const std::string& message) {
    const auto m = n.Mark();
    errors.push_back({file, {m.line < 0 ? 0 : m.line + 1, m.column < 0 ? 0 : m.column + 1}, message});
  }
  void keys(const YAML::Node& map, const std::string& what, const std::set<std::string>& allowed) {
    if (!map.IsMap()) return error(map, what + " must be a mapping");
    for (const auto& kv : map) {
      if (!allowed.contains(kv.first.Scalar())) {
        error(kv.first, fmt::format("{} has an unknown key '{}' (allowed: {})", what, kv.first.Scalar(),
                                    fmt::join(allowed, ", ")));
      }
    }
  }
  double number(const YAML::Node& n, const std::string& what, double min, double max) {
    try {
      const double v = n.as<double>();
      if (v >= min && v <= max) return v;
    } catch (const YAML::Exception&) {
    }
    error(n, fmt::format("{} must be a number from {} to {}", what, min, max));
    return min;
  }
  std::map<Channel, double> channels(const YAML::Node& n, const std::string& what, double max) {
    std::map<Channel, double> out;
    if (!n.IsMap()) {
      error(n, what + " must map channels to numbers");
      return out;
    }
    for (const auto& kv : n) {
      const auto c = channel_from_key(kv.first.Scalar());
      if (!c) {
        error(kv.first, fmt::format("{}: '{}' is not a channel", what, kv.first.Scalar()));
        continue;
      }
      out[*c] = number(kv.second, what + "." + kv.first.Scalar(), 0, max);
    }
    return out;
  }
  // The channel of a key, or an error at it.
  std::optional<Channel> channel_key_at(const YAML::Node& key, const std::string& what) {
    const auto c = key.IsScalar() ? channel_from_key(key.Scalar()) : std::nullopt;
    if (!c) error(key, fmt::format("{}: '{}' is not a channel", what, key.IsScalar() ? key.Scalar() : std::string()));
    return c;
  }
  // A number above 0 and at most `max`.
  double positive(const YAML::Node& n, const std::string& what, double max) {
    try {
      const double v = n.as<double>();
      if (v > 0 && v <= max) return v;
    } catch (const YAML::Exception&) {
    }
    error(n, fmt::format("{} must be a number above 0 and at most {}", what, max));
    return 0;
  }
  // A channel's rules: [{days: [monday, ...], open: "HH:MM-HH:MM"}, ...].
  WeeklyHours hours(const YAML::Node& n, const std::string& what) {
    WeeklyHours out;
    if (!n.IsSequence()) {
      error(n, what + " must be a list of {days: [monday, ...], open: \"HH:MM-HH:MM\"}");
      return out;
    }
    for (const auto& rule : n) {
      keys(rule, what + " rule", {"days", "open"});
      if (!rule.IsMap()) continue;
      OpeningRule r;
      const auto days = rule["days"];
      if (!days) error(rule, what + ": a rule needs its 'days' (monday ... sunday)");
      else if (!days.IsSequence() || days.size() == 0) error(days, what + ".days must list weekdays (monday ... sunday)");
      else for (const auto& d : days) {
        const auto i = d.IsScalar() ? weekday_index_from_key(d.Scalar()) : std::nullopt;
        if (!i) error(d, fmt::format("{}.days: '{}' is not a weekday (monday ... sunday)", what, d.IsScalar() ? d.Scalar() : ""));
        else r.days[static_cast<size_t>(*i)] = true;
      }
      const auto open = rule["open"];
      const auto range = open && open.IsScalar() ? parse_clock_range(open.Scalar()) : std::nullopt;
      if (!open) error(rule, what + ": a rule needs its hours, open: \"HH:MM-HH:MM\"");
      else if (!range) {
        error(open, fmt::format("{}.open must be \"HH:MM-HH:MM\" (00:00 to 24:00) opening before it closes, not '{}'",
                                what, open.IsScalar() ? open.Scalar() : ""));
      } else {
        r.open = range->first;
        r.close = range->second;
      }
      out.push_back(r);
    }
    return out;
  }
};

bool staffed_channel(Channel c) {
  return c == Channel::kPersonalAttendance || c == Channel::kPhone || c == Channel::kAssistedSelfService;
}

// opening_hours, arrivals_by_hour, staffing, handling_minutes, patience_minutes
// and service_goal_minutes: one queue per channel with opening hours.
void read_queues(ProfileReader& r, const YAML::Node& root, SimulationProfile& p) {
  std::map<Channel, YAML::Node> where;  // the channel's key under opening_hours, for errors
  if (const auto oh = root["opening_hours"]) {
    if (!oh.IsMap()) r.error(oh, "opening_hours must map channels to their rules");
    else for (const auto& kv : oh) {
      const auto c = r.channel_key_at(kv.first, "opening_hours");
      if (!c) continue;
      if (!staffed_channel(*c)) {
        r.error(kv.first, fmt::format("opening_hours: {} has no opening hours (only personal_attendance, phone and "
                                      "assisted_self_service are staffed)", kv.first.Scalar()));
        continue;
      }
      if (kv.second.IsScalar() && kv.second.Scalar() == "municipality") {
        p.queues[*c].hours_from_municipality = true;  // resolved when the simulation runs (scenario_hours)
      } else if (kv.second.IsScalar()) {
        r.error(kv.second, fmt::format("opening_hours.{} must be a list of rules or 'municipality' (the municipality "
                                       "file's published hours), not '{}'",
                                       kv.first.Scalar(), kv.second.Scalar()));
      } else {
        p.queues[*c].hours = r.hours(kv.second, "opening_hours." + kv.first.Scalar());
      }
      where[*c] = kv.first;
    }
  }
  // Each of the other keys maps channels with opening hours to a value.
  const auto per_channel = [&](const char* key, const auto& read) {
    std::set<Channel> seen;
    if (const auto n = root[key]) {
      if (!n.IsMap()) r.error(n, fmt::format("{} must map channels to their values", key));
      else for (const auto& kv : n) {
        const auto c = r.channel_key_at(kv.first, key);
        if (!c) continue;
        if (!p.queues.contains(*c)) {
          r.error(kv.first, fmt::format("{}: {} has no opening_hours", key, kv.first.Scalar()));
          continue;
        }
        read(p.queues[*c], kv.second, fmt::format("{}.{}", key, kv.first.Scalar()));
        seen.insert(*c);
      }
    }
    return seen;
  };
  const auto require = [&](const char* key, const std::set<Channel>& seen) {
    for (const auto& [c, at] : where) {
      if (!seen.contains(c)) r.error(at, fmt::format("{} has opening_hours but no {}", channel_key(c), key));
    }
  };
  require("arrivals_by_hour", per_channel("arrivals_by_hour", [&](SimulationQueueChannel& q, const YAML::Node& n,
                                                                   const std::string& what) {
    if (!n.IsMap()) return r.error(n, what + " must map hours (0 to 23) to shares of the day's demand");
    double sum = 0;
    for (const auto& h : n) {
      int hour = -1;
      const std::string k = h.first.IsScalar() ? h.first.Scalar() : "";
      const auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), hour);
      if (ec != std::errc() || end != k.data() + k.size() || hour < 0 || hour > 23) {
        r.error(h.first, fmt::format("{}: '{}' is not an hour from 0 to 23", what, k));
        continue;
      }
      sum += q.arrivals_by_hour[static_cast<size_t>(hour)] = r.number(h.second, fmt::format("{}.{}", what, hour), 0, 1);
    }
    if (sum < 0.99 || sum > 1.01) r.error(n, fmt::format("{}: the shares add up to {:.3f}, not about 1", what, sum));
  }));
  require("staffing", per_channel("staffing", [&](SimulationQueueChannel& q, const YAML::Node& n, const std::string& what) {
    const double v = r.positive(n, what, 100000);
    if (v > 0 && v != std::floor(v)) r.error(n, what + " must be a whole number of agents or desks");
    q.staffing = static_cast<int>(v);
  }));
  require("handling_minutes", per_channel("handling_minutes", [&](SimulationQueueChannel& q, const YAML::Node& n,
                                                                   const std::string& what) {
    q.handling_minutes = r.positive(n, what, 1440);
  }));
  require("patience_minutes", per_channel("patience_minutes", [&](SimulationQueueChannel& q, const YAML::Node& n,
                                                                   const std::string& what) {
    q.patience_minutes = r.positive(n, what, 1440);
  }));
  per_channel("service_goal_minutes", [&](SimulationQueueChannel& q, const YAML::Node& n, const std::string& what) {
    q.service_goal_minutes = r.positive(n, what, 1440);
  });
  per_channel("booked_share", [&](SimulationQueueChannel& q, const YAML::Node& n, const std::string& what) {
    const auto counter = p.queues.find(Channel::kPersonalAttendance);
    if (counter == p.queues.end() || &counter->second != &q) {
      return r.error(n, what + ": only personal_attendance is booked ahead (appointments)");
    }
    q.booked_share = r.number(n, what, 0, 1);
  });
}

}  // namespace

ProfileParseResult parse_simulation_profile(std::string_view yaml, std::string_view file_name) {
  ProfileReader r{std::string(file_name), {}};
  ProfileParseResult out;
  YAML::Node root;
  if (auto passed = yaml_bounds_error(yaml, file_name)) {
    out.errors.push_back(*passed);
    return out;
  }
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    out.errors.push_back({std::string(file_name), {e.mark.line + 1, e.mark.column + 1}, e.msg});
    return out;
  }
  SimulationProfile p;
  r.keys(root, "the profile", {"name", "year", "volumes", "general_share", "seasonality", "areas", "what_if", "seed",
                                 "opening_hours", "arrivals_by_hour", "staffing", "handling_minutes", "patience_minutes",
                                 "service_goal_minutes", "booked_share"});
  if (!r.errors.empty()) return {std::nullopt, r.errors};
  p.name = root["name"] ? root["name"].as<std::string>("") : std::string(file_name);
  if (root["year"]) p.year = static_cast<int>(r.number(root["year"], "year", 2000, 2100));
  if (root["seed"]) p.seed = static_cast<unsigned>(r.number(root["seed"], "seed", 0, 4e9));
  if (!root["volumes"]) r.error(root, "the profile has no 'volumes' (inquiries a year per channel)");
  else p.volumes = r.channels(root["volumes"], "volumes", 1e9);
  if (root["general_share"]) p.general_share = r.number(root["general_share"], "general_share", 0, 1);
  if (root["seasonality"]) {
    if (!root["seasonality"].IsSequence() || root["seasonality"].size() != 12) {
      r.error(root["seasonality"], "seasonality must list 12 monthly weights");
    } else {
      for (size_t i = 0; i < 12; ++i) p.seasonality[i] = r.number(root["seasonality"][i], "a seasonality weight", 0, 100);
    }
  }
  double shares = 0;
  if (!root["areas"] || !root["areas"].IsMap()) {
    r.error(root, "the profile needs 'areas': each service area's share of the inquiries");
  } else {
    for (const auto& kv : root["areas"]) {
      SimulationArea a;
      a.id = kv.first.Scalar();
      const auto& n = kv.second;
      r.keys(n, "area " + a.id, {"share", "workflow", "steps"});
      if (!n.IsMap()) continue;
      a.share = n["share"] ? r.number(n["share"], a.id + ".share", 0, 1) : 0;
      shares += a.share;
      if (n["workflow"]) a.workflow = n["workflow"].as<std::string>("");
      if (n["steps"]) {
        // Only a list is walked: yaml-cpp's items of a mapping are not nodes.
        if (!n["steps"].IsSequence()) r.error(n["steps"], a.id + ".steps must be a list");
        else for (const auto& s : n["steps"]) {
          r.keys(s, a.id + " step", {"action", "after_days", "per_working_day", "fields", "attachments"});
          if (!s.IsMap()) continue;
          SimulationStep step;
          if (!s["action"]) r.error(s, a.id + ": a step needs its 'action'");
          else step.action = s["action"].as<std::string>("");
          if (s["after_days"]) step.after_days = static_cast<int>(r.number(s["after_days"], "after_days", 0, 365));
          if (s["per_working_day"]) {
            step.per_working_day = static_cast<int>(r.number(s["per_working_day"], "per_working_day", 0, 1e7));
          }
          if (s["fields"]) {
            if (!s["fields"].IsMap()) r.error(s["fields"], "fields must be a mapping");
            else for (const auto& f : s["fields"]) {
              const std::string v = f.second.as<std::string>("");
              if (v == "true" || v == "false") step.fields[f.first.Scalar()] = v == "true";
              else if (!v.empty() && v.size() < 18 && v.find_first_not_of("0123456789") == std::string::npos) step.fields[f.first.Scalar()] = std::stoll(v);
              else if (v.rfind("$today", 0) == 0 && !today_offset(v)) {
                r.error(f.second, fmt::format("{} must be $today, or $today followed by +N or -N days (N at most {})",
                                              f.first.Scalar(), kMaxTodayOffset));
              } else step.fields[f.first.Scalar()] = v;
            }
          }
          if (s["attachments"]) {
            if (!s["attachments"].IsSequence()) r.error(s["attachments"], "attachments must be a list");
            else for (const auto& att : s["attachments"]) step.attachments.push_back(att.as<std::string>(""));
          }
          a.steps.push_back(std::move(step));
        }
      }
      if (!a.steps.empty() && a.workflow.empty()) r.error(n, a.id + " has steps but no workflow");
      p.areas.push_back(std::move(a));
    }
    if (shares < 0.999 || shares > 1.001) {
      r.error(root["areas"], fmt::format("the areas' shares add up to {:.3f}, not 1", shares));
    }
  }
  read_queues(r, root, p);
  // keys() reports a what_if or phone_hours that is not a mapping; only a
  // mapping is looked into (yaml-cpp throws on a scalar's subscript).
  if (const auto w = root["what_if"]) {
    r.keys(w, "what_if", {"phone_hours", "opening_hours"});
    if (const auto hours = w.IsMap() ? w["phone_hours"] : YAML::Node()) {
      r.keys(hours, "what_if.phone_hours", {"moves_to"});
      if (const auto moves = hours.IsMap() ? hours["moves_to"] : YAML::Node()) {
        p.phone_hours_moves_to = r.channels(moves, "what_if.phone_hours.moves_to", 1);
        double moved = 0;
        for (const auto& [c, share] : p.phone_hours_moves_to) moved += share;
        if (moved > 1.001) r.error(moves, fmt::format("what_if.phone_hours.moves_to: the shares add up to {:.3f}, more than 1", moved));
      }
    }
    if (const auto oh = w.IsMap() ? w["opening_hours"] : YAML::Node()) {
      if (!oh.IsMap()) r.error(oh, "what_if.opening_hours must map channels to their rules");
      else for (const auto& kv : oh) {
        const auto c = r.channel_key_at(kv.first, "what_if.opening_hours");
        if (!c) continue;
        if (!p.queues.contains(*c)) {
          r.error(kv.first, fmt::format("what_if.opening_hours: {} has no opening_hours of its own", kv.first.Scalar()));
          continue;
        }
        p.what_if_opening_hours[*c] = r.hours(kv.second, "what_if.opening_hours." + kv.first.Scalar());
      }
    }
  }
  if (!r.errors.empty()) return {std::nullopt, r.errors};
  out.profile = std::move(p);
  return out;
}

// The days after "$today" in "$today", "$today+7", "$today-3" (|N| at most
// kMaxTodayOffset); nullopt for anything else.
std::optional<int> today_offset(const std::string& value) {
  if (value.rfind("$today", 0) != 0) return std::nullopt;
  const std::string rest = value.substr(6);
  if (rest.empty()) return 0;
  if ((rest[0] != '+' && rest[0] != '-') || rest.size() < 2 || rest.size() > 5) return std::nullopt;
  int n = 0;
  const auto [end, ec] = std::from_chars(rest.data() + 1, rest.data() + rest.size(), n);
  if (ec != std::errc() || end != rest.data() + rest.size() || n > kMaxTodayOffset) return std::nullopt;
  return rest[0] == '-' ? -n : n;
}


}  // namespace sagsflow::app
