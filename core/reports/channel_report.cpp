#include "sagsflow/reports/channel_report.hpp"

#include <date/iso_week.h>
#include <fmt/format.h>

#include <set>
#include <sstream>

#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/reports/csv.hpp"

namespace sagsflow {

using nlohmann::json;

namespace {

constexpr Channel kChannels[] = {Channel::kPersonalAttendance, Channel::kPhone,         Channel::kLetter,
                                 Channel::kEmail,              Channel::kDigitalPost,   Channel::kDigitalSelfService,
                                 Channel::kAssistedSelfService};

// The ISO week ("2026-W53") of a YYYY-MM-DD day. The store writes only such
// days; any other text is kept as it came rather than guessed at, so it is
// never a counting week.
std::string week_of_day(const std::string& day) {
  const auto d = parse_date(day);
  if (!d.ok()) return day;
  const iso_week::year_weeknum_weekday w{*d};
  return fmt::format("{}-W{:02}", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
}

std::string age_band(int days) {
  if (days <= 7) return "0-7";
  if (days <= 30) return "8-30";
  if (days <= 90) return "31-90";
  return "91+";
}

std::string percent(double share) { return fmt::format("{:.1f} %", share * 100); }

}  // namespace

Result<ChannelShift> parse_channel_shift(std::string_view text) {
  const std::string s(text);
  const auto a = s.find(':'), b = s.find(':', a == std::string::npos ? a : a + 1);
  if (a == std::string::npos || b == std::string::npos) {
    return InvalidArgument(fmt::format("a channel shift is FROM:TO:SHARE, e.g. phone:digital_self_service:0.2; got '{}'", s));
  }
  const auto from = channel_from_key(s.substr(0, a));
  const auto to = channel_from_key(s.substr(a + 1, b - a - 1));
  if (!from || !to) return InvalidArgument(fmt::format("the channel shift '{}' names an unknown channel", s));
  double share = -1;
  try {
    share = std::stod(s.substr(b + 1));
  } catch (const std::exception&) {
  }
  if (share < 0 || share > 1) return InvalidArgument(fmt::format("the share in '{}' must be between 0 and 1", s));
  return ChannelShift{*from, *to, share};
}

double ChannelReport::digital_share() const {
  long long digital = 0;
  for (const auto& [c, n] : by_channel) {
    if (is_digital(c)) digital += n;
  }
  return share(digital, inquiries);
}

double ChannelReport::digital_written_share() const {
  long long digital = 0, written = 0;
  for (const auto& [c, n] : by_channel) {
    if (!is_written_communication(c)) continue;
    written += n;
    if (is_digital(c)) digital += n;
  }
  return share(digital, written);
}

double ChannelReport::cost_kr() const {
  double total = 0;
  for (const auto& [c, n] : by_channel) {
    auto it = strategy.costs.find(c);
    if (it != strategy.costs.end()) total += it->second.kr * double(n);
  }
  return total;
}

ChannelReport build_channel_report(const ReportRequest& request, const ChannelStrategy& strategy,
                                   const std::vector<InquiryCount>& counts, const DeadlineCounts& deadlines,
                                   const std::vector<BacklogItem>& backlog) {
  ChannelReport r;
  r.request = request;
  r.strategy = strategy;
  r.deadlines = deadlines;
  for (Channel c : kChannels) {
    r.by_channel[c] = 0;
    for (InquiryType t : {InquiryType::kGeneralInformation, InquiryType::kCaseInformation, InquiryType::kTransaction}) {
      r.goals.komhen[c][t] = 0;
    }
  }
  const std::set<std::string> weeks(strategy.counting_weeks.begin(), strategy.counting_weeks.end());
  std::set<std::string> found;
  for (const auto& row : counts) {
    const std::string week = week_of_day(row.day);
    if (request.counting_weeks_only) {
      if (!weeks.contains(week)) continue;
      found.insert(week);
    }
    const std::string bucket = request.bucket == "week" ? week : row.day.substr(0, 7);
    r.inquiries += row.count;
    r.by_channel[row.channel] += row.count;
    r.trend[bucket][row.channel] += row.count;
    r.goals.komhen[row.channel][row.type] += row.count;
    if (row.type == InquiryType::kTransaction) {
      r.transactions += row.count;
      r.trend_transactions[bucket].first += row.count;
      if (row.channel == Channel::kDigitalSelfService) {
        r.self_service_transactions += row.count;
        r.trend_transactions[bucket].second += row.count;
      }
    }
    if (row.resolved_on_the_spot) r.resolved_first_contact += row.count;
    if (row.with_form) r.with_form += row.count;
    if (row.for_other_authority) r.for_other_authorities += row.count;
    if (row.forwarded) r.forwarded += row.count;
  }
  r.counting_weeks_found.assign(found.begin(), found.end());
  if (request.counting_weeks_only && !found.empty()) r.annual_factor = 52.0 / double(found.size());
  for (const auto& item : backlog) {
    r.backlog[item.queue][age_band(item.age_days)] += item.cases;
    r.backlog_oldest_days[item.queue] = std::max(r.backlog_oldest_days[item.queue], item.age_days);
  }
  return r;
}

json report_json(const ChannelReport& r) {
  json channels = json::array();
  for (const auto& [c, n] : r.by_channel) {
    const auto& cost = r.strategy.costs.at(c);
    channels.push_back({{"channel", channel_key(c)},
                        {"label_da", channel_label_da(c)},
                        {"inquiries", n},
                        {"share", r.share(n, r.inquiries)},
                        {"digital", is_digital(c)},
                        {"cost_per_inquiry_kr", cost.kr},
                        {"cost_kr", cost.kr * double(n)},
                        {"cost_source", cost.source}});
  }
  json trend = json::array();
  for (const auto& [bucket, per] : r.trend) {
    json row = {{"period", bucket}};
    long long total = 0, digital = 0;
    for (const auto& [c, n] : per) {
      row[channel_key(c)] = n;
      total += n;
      if (is_digital(c)) digital += n;
    }
    row["inquiries"] = total;
    row["digital_share"] = r.share(digital, total);
    const auto tx = r.trend_transactions.count(bucket) ? r.trend_transactions.at(bucket) : std::pair<long long, long long>{};
    row["self_service_rate"] = r.share(tx.second, tx.first);
    trend.push_back(row);
  }
  json backlog = json::array();
  for (const auto& [queue, bands] : r.backlog) {
    long long total = 0;
    for (const auto& [band, n] : bands) total += n;
    backlog.push_back({{"queue", queue}, {"cases", total}, {"by_age_days", bands},
                       {"oldest_days", r.backlog_oldest_days.at(queue)}});
  }
  json shifts = json::array();
  for (const auto& s : r.request.shifts) {
    const double moved = double(r.by_channel.at(s.from)) * s.share;
    const double saving = moved * (r.strategy.costs.at(s.from).kr - r.strategy.costs.at(s.to).kr);
    long long digital_after = 0;
    for (const auto& [c, n] : r.by_channel) {
      if (is_digital(c)) digital_after += n;
    }
    double digital = double(digital_after) + (is_digital(s.to) ? moved : 0) - (is_digital(s.from) ? moved : 0);
    shifts.push_back({{"from", channel_key(s.from)},
                      {"to", channel_key(s.to)},
                      {"share", s.share},
                      {"inquiries_moved", moved},
                      {"saving_kr", saving},
                      {"saving_kr_per_year", saving * r.annual_factor},
                      {"digital_share_after", r.inquiries == 0 ? 0.0 : digital / double(r.inquiries)}});
  }
  const long long kept = r.deadlines.closed_in_time;
  const long long breached = r.deadlines.closed_after_breach + r.deadlines.open_breached;
  json out = {
      {"municipality", r.request.municipality},
      {"from", r.request.from},
      {"to", r.request.to},
      {"unit", r.request.unit ? json(*r.request.unit) : json()},
      {"area", r.request.area ? json(*r.request.area) : json()},
      {"counting_weeks_only", r.request.counting_weeks_only},
      {"counting_weeks", r.counting_weeks_found},
      {"annual_factor", r.annual_factor},
      {"inquiries", r.inquiries},
      {"channels", channels},
      {"trend", trend},
      {"transactions", r.transactions},
      {"self_service_transactions", r.self_service_transactions},
      {"self_service_rate", r.self_service_rate()},
      {"resolved_first_contact", r.resolved_first_contact},
      {"first_contact_share", r.first_contact_share()},
      {"with_form", r.with_form},
      {"for_other_authorities", r.for_other_authorities},
      {"forwarded", r.forwarded},
      {"deadlines", {{"kept", kept},
                     {"breached", breached},
                     {"closed_in_time", r.deadlines.closed_in_time},
                     {"closed_after_breach", r.deadlines.closed_after_breach},
                     {"open_breached", r.deadlines.open_breached},
                     {"kept_share", r.share(kept, kept + breached)}}},
      {"backlog", backlog},
      {"targets", {{"digital_share", {{"target", r.strategy.digital_share_target}, {"actual", r.digital_share()}}},
                   {"digital_written_share",
                    {{"target", r.strategy.digital_written_share_target}, {"actual", r.digital_written_share()}}}}},
      {"cost_kr", r.cost_kr()},
      {"cost_kr_per_year", r.cost_kr() * r.annual_factor},
      {"shifts", shifts},
  };
  add_channel_goals_json(r, out);
  return out;
}

std::string report_csv(const ChannelReport& r) {
  const json j = report_json(r);
  const auto n = [](long long v) { return std::to_string(v); };
  const auto f0 = [](double v) { return fmt::format("{:.0f}", v); };
  const auto f4 = [](double v) { return fmt::format("{:.4f}", v); };
  std::ostringstream out;
  out << csv_row({"section", "key", "value", "share", "cost_kr"});
  out << csv_row({"summary", "inquiries", n(r.inquiries), "", f0(r.cost_kr())});
  out << csv_row({"summary", "self_service_rate", n(r.self_service_transactions), f4(r.self_service_rate()), ""});
  out << csv_row({"summary", "first_contact", n(r.resolved_first_contact), f4(r.first_contact_share()), ""});
  out << csv_row({"summary", "for_other_authorities", n(r.for_other_authorities), "", ""});
  out << csv_row({"summary", "forwarded", n(r.forwarded), "", ""});
  out << csv_row({"target", "digital_share", f4(r.strategy.digital_share_target), f4(r.digital_share()), ""});
  out << csv_row({"target", "digital_written_share", f4(r.strategy.digital_written_share_target),
                  f4(r.digital_written_share()), ""});
  for (const auto& c : j["channels"]) {
    out << csv_row({"channel", c["channel"].get<std::string>(), n(c["inquiries"].get<long long>()),
                    f4(c["share"].get<double>()), f0(c["cost_kr"].get<double>())});
  }
  for (const auto& t : j["trend"]) {
    out << csv_row({"trend", t["period"].get<std::string>(), n(t["inquiries"].get<long long>()),
                    f4(t["digital_share"].get<double>()), ""});
  }
  out << csv_row({"deadlines", "kept", n(j["deadlines"]["kept"].get<long long>()),
                  f4(j["deadlines"]["kept_share"].get<double>()), ""});
  out << csv_row({"deadlines", "breached", n(j["deadlines"]["breached"].get<long long>()), "", ""});
  for (const auto& b : j["backlog"]) {
    out << csv_row({"backlog", b["queue"].get<std::string>(), n(b["cases"].get<long long>()), "", ""});
  }
  for (const auto& s : j["shifts"]) {
    out << csv_row({"shift", s["from"].get<std::string>() + "->" + s["to"].get<std::string>(),
                    f0(s["inquiries_moved"].get<double>()), f4(s["share"].get<double>()), f0(s["saving_kr"].get<double>())});
  }
  write_channel_goals_csv(r, out);
  return out.str();
}

std::string report_table(const ChannelReport& r) {
  const json j = report_json(r);
  std::ostringstream out;
  out << fmt::format("Channel report for {} from {} to {}{}{}{}\n", r.request.municipality, r.request.from, r.request.to,
                     r.request.unit ? ", unit " + *r.request.unit : "", r.request.area ? ", area " + *r.request.area : "",
                     r.request.counting_weeks_only
                         ? fmt::format(" (counting weeks {}; x{:.1f} for a year)", fmt::join(r.counting_weeks_found, ", "),
                                       r.annual_factor)
                         : "");
  out << fmt::format("{:<24} {:>10} {:>8} {:>12}  {}\n", "CHANNEL", "INQUIRIES", "SHARE", "COST KR", "COST SOURCE");
  for (const auto& c : j["channels"]) {
    out << fmt::format("{:<24} {:>10} {:>8} {:>12.0f}  {}\n", c["channel"].get<std::string>(),
                       c["inquiries"].get<long long>(), percent(c["share"].get<double>()), c["cost_kr"].get<double>(),
                       c["cost_source"].get<std::string>());
  }
  out << fmt::format("{:<24} {:>10} {:>8} {:>12.0f}\n", "all", r.inquiries, "", r.cost_kr());
  out << fmt::format("Digital share            {} (target {})\n", percent(r.digital_share()),
                     percent(r.strategy.digital_share_target));
  out << fmt::format("Digital written share    {} (target {})\n", percent(r.digital_written_share()),
                     percent(r.strategy.digital_written_share_target));
  out << fmt::format("Self-service rate        {} ({} of {} transactions)\n", percent(r.self_service_rate()),
                     r.self_service_transactions, r.transactions);
  out << fmt::format("Resolved at first contact {} ({})\n", percent(r.first_contact_share()), r.resolved_first_contact);
  out << fmt::format("For other authorities    {}; forwarded {}\n", r.for_other_authorities, r.forwarded);
  out << fmt::format("Deadlines                {} kept, {} breached ({} kept)\n", j["deadlines"]["kept"].get<long long>(),
                     j["deadlines"]["breached"].get<long long>(), percent(j["deadlines"]["kept_share"].get<double>()));
  for (const auto& b : j["backlog"]) {
    out << fmt::format("Backlog {:<28} {} cases, oldest {} days, by age {}\n", b["queue"].get<std::string>(),
                       b["cases"].get<long long>(), b["oldest_days"].get<int>(), b["by_age_days"].dump());
  }
  for (const auto& s : j["shifts"]) {
    out << fmt::format("Shift {:.0f} % of {} to {}: {:.0f} inquiries, saving {:.0f} kr ({:.0f} kr a year); digital share "
                       "then {}\n",
                       s["share"].get<double>() * 100, s["from"].get<std::string>(), s["to"].get<std::string>(),
                       s["inquiries_moved"].get<double>(), s["saving_kr"].get<double>(),
                       s["saving_kr_per_year"].get<double>(), percent(s["digital_share_after"].get<double>()));
  }
  if (r.request.bucket.size() && !j["trend"].empty()) {
    out << fmt::format("Trend per {}:\n", r.request.bucket);
    for (const auto& t : j["trend"]) {
      out << fmt::format("  {:<9} {:>9} inquiries, digital {}, self-service rate {}\n", t["period"].get<std::string>(),
                         t["inquiries"].get<long long>(), percent(t["digital_share"].get<double>()),
                         percent(t["self_service_rate"].get<double>()));
    }
  }
  write_channel_goals_table(r, out);
  return out.str();
}

}  // namespace sagsflow
