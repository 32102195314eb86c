// Reading a simulation profile (simulation_profile.hpp).
#include "sagsflow/app/simulation_profile.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>

#include "sagsflow/config/yaml_bounds.hpp"

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
};

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
  r.keys(root, "the profile", {"name", "year", "volumes", "general_share", "seasonality", "areas", "what_if", "seed"});
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
  // keys() reports a what_if or phone_hours that is not a mapping; only a
  // mapping is looked into (yaml-cpp throws on a scalar's subscript).
  if (const auto w = root["what_if"]) {
    r.keys(w, "what_if", {"phone_hours"});
    if (const auto hours = w.IsMap() ? w["phone_hours"] : YAML::Node()) {
      r.keys(hours, "what_if.phone_hours", {"moves_to"});
      if (const auto moves = hours.IsMap() ? hours["moves_to"] : YAML::Node()) {
        p.phone_hours_moves_to = r.channels(moves, "what_if.phone_hours.moves_to", 1);
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
