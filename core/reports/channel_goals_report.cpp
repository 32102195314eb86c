// The channel report's service goals, digital share path, KOMHEN matrix, hour
// profile and per-area strategies (channel_goals_report.hpp).
#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "sagsflow/domain/time.hpp"
#include "sagsflow/reports/channel_report.hpp"
#include "sagsflow/reports/csv.hpp"

namespace sagsflow {

using nlohmann::json;

namespace {

constexpr Channel kChannels[] = {Channel::kPersonalAttendance, Channel::kPhone,         Channel::kLetter,
                                 Channel::kEmail,              Channel::kDigitalPost,   Channel::kDigitalSelfService,
                                 Channel::kAssistedSelfService};
constexpr InquiryType kTypes[] = {InquiryType::kGeneralInformation, InquiryType::kCaseInformation,
                                  InquiryType::kTransaction};
constexpr const char* kWeekdays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
constexpr const char* kWeekdaysShort[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string percent(double share) { return fmt::format("{:.1f} %", share * 100); }

// The ISO week ("2026-W10") of a text starting YYYY-MM-DD; "" when it does not.
std::string week_of(const std::string& text) {
  const auto d = parse_date(text.substr(0, 10));
  if (!d.ok()) return "";
  const date::year_month_day ymd{*d};
  return iso_week_of(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

// The Copenhagen date of an ISO-8601 UTC instant; empty for other text.
std::optional<Date> local_day(const std::string& at) {
  auto t = parse_timestamp(at);
  if (!t.ok()) return std::nullopt;
  return copenhagen_date(*t);
}

// Judges the cases opened on the goal's channel (and area) against an
// answer-within-days or decision-at-once goal.
void judge_answers(GoalResult& g, const std::vector<const CaseAnswer*>& answers, std::optional<Date> today) {
  // Days allowed between the received day and the answered day (both Copenhagen dates).
  const int allowed = g.goal.measure == GoalMeasure::kDecisionAtOnce ? 0 : g.goal.amount;
  for (const CaseAnswer* a : answers) {
    if (a->channel != g.goal.channel) continue;
    if (g.goal.area && a->area != *g.goal.area) continue;
    const auto received = local_day(a->received_at);
    if (!received) continue;
    if (!a->answered_at.empty()) {
      const auto answered = local_day(a->answered_at);
      if (!answered) continue;
      ++g.counted;
      if ((*answered - *received).count() <= allowed) ++g.within;
    } else if (today && (*today - *received).count() > allowed) {
      ++g.counted;  // not answered, and the time has run out
    } else {
      ++g.pending;
    }
  }
  if (g.counted > 0) {
    g.measured = true;
    return;
  }
  g.not_measured_en = fmt::format("no case opened from a {} inquiry in the period has been answered or run out of time{}",
                                  channel_key(g.goal.channel),
                                  g.pending ? fmt::format(" ({} still within it)", g.pending) : "");
  g.not_measured_da = fmt::format("ingen sag oprettet fra en henvendelse via {} i perioden er besvaret eller over tiden{}",
                                  channel_label_da(g.goal.channel),
                                  g.pending ? fmt::format(" ({} er stadig inden for den)", g.pending) : "");
}

GoalResult judge(const ChannelGoal& goal, const std::vector<const CaseAnswer*>& answers,
                 const ChannelGoalInputs& in) {
  GoalResult g;
  g.goal = goal;
  switch (goal.measure) {
    case GoalMeasure::kAnswerWithinMinutes:
      g.not_measured_en = "Sagsflow does not register how long a call waits to be answered: take the answer times "
                          "from the telephone system";
      g.not_measured_da = "Sagsflow registrerer ikke, hvor længe et opkald venter på svar: tag svartiderne fra "
                          "telefonsystemet";
      break;
    case GoalMeasure::kWaitingMinutes:
      if (!in.counter_waiting) {
        g.not_measured_en = "no queue tickets were drawn in the period (waiting times at the counter come from them)";
        g.not_measured_da = "der blev ikke trukket køsedler i perioden (ventetider ved skranken måles på dem)";
      } else if (in.counter_waiting->within_minutes != goal.amount) {
        g.not_measured_en = fmt::format("the queue counts tickets called within {} minutes; the goal is {} minutes",
                                        in.counter_waiting->within_minutes, goal.amount);
        g.not_measured_da = fmt::format("køen tæller numre kaldt frem inden for {} minutter; målet er {} minutter",
                                        in.counter_waiting->within_minutes, goal.amount);
      } else if (in.counter_waiting->tickets == 0) {
        g.not_measured_en = "no queue tickets were drawn in the period";
        g.not_measured_da = "der blev ikke trukket køsedler i perioden";
      } else {
        g.measured = true;
        g.counted = in.counter_waiting->tickets;
        g.within = in.counter_waiting->called_within;
      }
      break;
    case GoalMeasure::kAnswerWithinDays:
    case GoalMeasure::kDecisionAtOnce:
      judge_answers(g, answers, in.today);
      break;
  }
  return g;
}

json goal_json(const GoalResult& g) {
  return {{"channel", channel_key(g.goal.channel)},
          {"label_da", channel_label_da(g.goal.channel)},
          {"measure", goal_measure_key(g.goal.measure)},
          {"amount", g.goal.amount},
          {"share", g.goal.share},
          {"area", g.goal.area ? json(*g.goal.area) : json()},
          {"goal_da", describe_goal_da(g.goal)},
          {"goal_en", describe_goal_en(g.goal)},
          {"measured", g.measured},
          {"measured_share", g.measured ? json(g.measured_share()) : json()},
          {"counted", g.counted},
          {"within", g.within},
          {"pending", g.pending},
          {"met", g.measured ? json(g.met()) : json()},
          {"not_measured", g.measured ? json() : json(g.not_measured_en)},
          {"not_measured_da", g.measured ? json() : json(g.not_measured_da)}};
}

}  // namespace

const char* komhen_type_key(InquiryType t) {
  switch (t) {
    case InquiryType::kGeneralInformation: return "general_information";
    case InquiryType::kCaseInformation: return "case_information";
    case InquiryType::kTransaction: return "transaction";
  }
  return "";
}

const char* komhen_type_label_da(InquiryType t) {
  switch (t) {
    case InquiryType::kGeneralInformation: return "generel information";
    case InquiryType::kCaseInformation: return "information om egen sag";
    case InquiryType::kTransaction: return "transaktion";
  }
  return "";
}

void add_channel_goals(ChannelReport& r, const ChannelGoalInputs& in) {
  ChannelGoalsReport& out = r.goals;
  const std::set<std::string> weeks(r.strategy.counting_weeks.begin(), r.strategy.counting_weeks.end());
  const auto counted = [&](const std::string& at) { return !r.request.counting_weeks_only || weeks.contains(week_of(at)); };

  if (auto to = parse_date(r.request.to); to.ok()) {
    out.digital_share_step = digital_share_step_for(r.strategy.digital_share_path, *to - std::chrono::days{1});
  }
  std::map<std::string, std::map<Channel, long long>> by_area;
  for (const auto& row : in.areas) {
    if (counted(row.day)) by_area[row.area][row.channel] += row.count;
  }
  for (const auto& [area, strategy] : r.strategy.areas) {
    if (r.request.area && *r.request.area != area) continue;
    AreaStrategyResult a;
    a.area = area;
    a.strategy = strategy;
    if (auto it = by_area.find(area); it != by_area.end()) {
      for (const auto& [channel, n] : it->second) {
        a.inquiries += n;
        if (channel == strategy.primary) a.through_primary += n;
        if (std::find(strategy.also.begin(), strategy.also.end(), channel) != strategy.also.end()) a.through_also += n;
      }
    }
    out.areas.push_back(a);
  }

  for (Channel c : kChannels) out.hours_by_channel[c] = {};
  try {
    for (const auto& row : in.hours) {
      if (!counted(row.utc_hour)) continue;
      auto t = parse_timestamp(row.utc_hour + ":00:00Z");
      if (!t.ok()) continue;
      const std::string local = format_copenhagen_time(*t);  // 2026-03-02T09:00:00+01:00
      const int hour = std::stoi(local.substr(11, 2));
      const unsigned weekday = date::weekday{std::chrono::sys_days{copenhagen_date(*t)}}.iso_encoding() - 1;
      out.hours[weekday][hour] += row.count;
      out.hours_by_channel[row.channel][hour] += row.count;
    }
    std::vector<const CaseAnswer*> answers;
    for (const auto& a : in.answers) {
      if (counted(a.received_at)) answers.push_back(&a);
    }
    for (const auto& goal : r.strategy.goals) {
      if (r.request.area && goal.area && *goal.area != *r.request.area) continue;
      out.goals.push_back(judge(goal, answers, in));
    }
  } catch (const std::exception& e) {
    out.time_zone_error = e.what();
    out.hours = {};
    out.goals.clear();
  }
}

void add_channel_goals_json(const ChannelReport& r, json& j) {
  const ChannelGoalsReport& g = r.goals;
  json goals = json::array();
  for (const auto& result : g.goals) goals.push_back(goal_json(result));
  j["service_goals"] = goals;

  if (g.digital_share_step) {
    json path = json::array();
    for (const auto& step : r.strategy.digital_share_path) {
      path.push_back({{"by", format_date(step.by)}, {"share", step.share}});
    }
    const double actual = r.digital_share();
    j["digital_share_path"] = {{"path", path},
                               {"in_force", {{"by", format_date(g.digital_share_step->by)},
                                             {"share", g.digital_share_step->share}}},
                               {"actual", actual},
                               {"met", actual >= g.digital_share_step->share}};
  } else {
    j["digital_share_path"] = nullptr;
  }

  json rows = json::array();
  json totals = {{"inquiries", r.inquiries}};
  for (InquiryType t : kTypes) totals[komhen_type_key(t)] = 0;
  for (const auto& [channel, per] : g.komhen) {
    json row = {{"channel", channel_key(channel)}, {"label_da", channel_label_da(channel)}};
    long long all = 0;
    for (const auto& [type, n] : per) all += n;
    json type_shares = json::object();
    for (InquiryType t : kTypes) {
      const long long n = per.count(t) ? per.at(t) : 0;
      row[komhen_type_key(t)] = n;
      type_shares[komhen_type_key(t)] = r.share(n, all);
      totals[komhen_type_key(t)] = totals[komhen_type_key(t)].get<long long>() + n;
    }
    row["inquiries"] = all;
    row["share"] = r.share(all, r.inquiries);
    row["type_shares"] = type_shares;
    rows.push_back(row);
  }
  json total_shares = json::object();
  for (InquiryType t : kTypes) total_shares[komhen_type_key(t)] = r.share(totals[komhen_type_key(t)].get<long long>(), r.inquiries);
  totals["type_shares"] = total_shares;
  json types = json::array();
  for (InquiryType t : kTypes) types.push_back({{"type", komhen_type_key(t)}, {"label_da", komhen_type_label_da(t)}});
  j["komhen"] = {{"types", types}, {"rows", rows}, {"totals", totals}};

  json hours = json::array();
  for (int hour = 0; hour < 24; ++hour) {
    json by_weekday = json::array();
    long long all = 0;
    for (int d = 0; d < 7; ++d) {
      by_weekday.push_back(g.hours[d][hour]);
      all += g.hours[d][hour];
    }
    hours.push_back({{"hour", hour}, {"by_weekday", by_weekday}, {"inquiries", all}});
  }
  json by_channel = json::object();
  for (const auto& [channel, per_hour] : g.hours_by_channel) by_channel[channel_key(channel)] = per_hour;
  j["hour_profile"] = {{"time_zone", "Europe/Copenhagen"},
                       {"weekdays", std::vector<std::string>(std::begin(kWeekdays), std::end(kWeekdays))},
                       {"hours", hours},
                       {"by_channel", by_channel},
                       {"error", g.time_zone_error.empty() ? json() : json(g.time_zone_error)}};

  json areas = json::array();
  for (const auto& a : g.areas) {
    json also = json::array();
    for (Channel c : a.strategy.also) also.push_back(channel_key(c));
    areas.push_back({{"area", a.area},
                     {"primary", channel_key(a.strategy.primary)},
                     {"primary_label_da", channel_label_da(a.strategy.primary)},
                     {"also", also},
                     {"note", a.strategy.note},
                     {"inquiries", a.inquiries},
                     {"through_primary", a.through_primary},
                     {"primary_share", r.share(a.through_primary, a.inquiries)},
                     {"through_also", a.through_also},
                     {"also_share", r.share(a.through_also, a.inquiries)}});
  }
  j["area_strategies"] = areas;
}

void write_channel_goals_csv(const ChannelReport& r, std::ostream& out) {
  const auto n = [](long long v) { return std::to_string(v); };
  const auto f4 = [](double v) { return fmt::format("{:.4f}", v); };
  const ChannelGoalsReport& g = r.goals;
  for (const auto& result : g.goals) {
    const std::string key = fmt::format("{}:{}:{}{}", channel_key(result.goal.channel), goal_measure_key(result.goal.measure),
                                        result.goal.measure == GoalMeasure::kDecisionAtOnce ? std::string("at_once")
                                                                                            : std::to_string(result.goal.amount),
                                        result.goal.area ? ":" + *result.goal.area : "");
    const std::string verdict = !result.measured ? "not_measured" : result.met() ? "met" : "not_met";
    out << csv_row({"goal", key, verdict, result.measured ? f4(result.measured_share()) : "", f4(result.goal.share)});
  }
  if (g.digital_share_step) {
    out << csv_row({"digital_share_path", format_date(g.digital_share_step->by), f4(g.digital_share_step->share),
                    f4(r.digital_share()), ""});
  }
  for (const auto& [channel, per] : g.komhen) {
    for (const auto& [type, count] : per) {
      out << csv_row({"komhen", fmt::format("{}:{}", channel_key(channel), komhen_type_key(type)), n(count),
                      f4(r.share(count, r.inquiries)), ""});
    }
  }
  for (int d = 0; d < 7; ++d) {
    for (int hour = 0; hour < 24; ++hour) {
      out << csv_row({"hour_profile", fmt::format("{}:{:02}", kWeekdays[d], hour), n(g.hours[d][hour]), "", ""});
    }
  }
  for (const auto& a : g.areas) {
    out << csv_row({"area_strategy", fmt::format("{}:{}", a.area, channel_key(a.strategy.primary)), n(a.through_primary),
                    f4(r.share(a.through_primary, a.inquiries)), ""});
  }
}

void write_channel_goals_table(const ChannelReport& r, std::ostream& out) {
  const ChannelGoalsReport& g = r.goals;
  if (!g.time_zone_error.empty()) out << "Service goals and hour profile not measured: " << g.time_zone_error << "\n";
  if (!g.goals.empty()) {
    out << fmt::format("{:<24} {:<52} {:>9}  {}\n", "GOAL CHANNEL", "GOAL", "MEASURED", "MET");
    for (const auto& result : g.goals) {
      out << fmt::format("{:<24} {:<52} {:>9}  {}\n", channel_key(result.goal.channel), describe_goal_en(result.goal),
                         result.measured ? percent(result.measured_share()) : "-",
                         !result.measured ? "not measured: " + result.not_measured_en
                         : result.met()   ? fmt::format("met ({} of {})", result.within, result.counted)
                                          : fmt::format("not met ({} of {})", result.within, result.counted));
    }
  }
  if (g.digital_share_step) {
    out << fmt::format("Digital share path       {} (target {} by {}: {})\n", percent(r.digital_share()),
                       percent(g.digital_share_step->share), format_date(g.digital_share_step->by),
                       r.digital_share() >= g.digital_share_step->share ? "met" : "not met");
  }
  out << fmt::format("KOMHEN {:<22} {:>12} {:>12} {:>12} {:>9}\n", "CHANNEL", "GENERAL", "CASE INFO", "TRANSACTION",
                     "ALL");
  for (const auto& [channel, per] : g.komhen) {
    long long all = 0;
    for (const auto& [type, n] : per) all += n;
    out << fmt::format("       {:<22} {:>12} {:>12} {:>12} {:>9}\n", channel_key(channel),
                       per.at(InquiryType::kGeneralInformation), per.at(InquiryType::kCaseInformation),
                       per.at(InquiryType::kTransaction), all);
  }
  long long any = 0;
  for (const auto& day : g.hours) {
    for (long long v : day) any += v;
  }
  if (any > 0) {
    out << "Inquiries by hour (Europe/Copenhagen):\n  HOUR";
    for (const char* d : kWeekdaysShort) out << fmt::format(" {:>7}", d);
    out << "\n";
    for (int hour = 0; hour < 24; ++hour) {
      long long row = 0;
      for (int d = 0; d < 7; ++d) row += g.hours[d][hour];
      if (row == 0) continue;
      out << fmt::format("  {:02}  ", hour);
      for (int d = 0; d < 7; ++d) out << fmt::format(" {:>7}", g.hours[d][hour]);
      out << "\n";
    }
  }
  for (const auto& a : g.areas) {
    out << fmt::format("Area {:<19} primary {} {} of {} ({}){}\n", a.area, channel_key(a.strategy.primary),
                       a.through_primary, a.inquiries, percent(r.share(a.through_primary, a.inquiries)),
                       a.strategy.note.empty() ? "" : "; " + a.strategy.note);
  }
}

}  // namespace sagsflow
