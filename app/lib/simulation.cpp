#include "sagsflow/app/simulation.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <deque>
#include <random>

#include "sagsflow/config/yaml_bounds.hpp"
#include "sagsflow/frontdesk/front_desk.hpp"

namespace sagsflow::app {

using nlohmann::json;

namespace {

// A refusal without the case it happened to, so alike refusals are counted together.
// "case NN.NN.NN-XNN-<digits>-NN" becomes "case ...". Linear, by hand.
std::string refusal_kind(const std::string& message) {
  const auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > message.size()) return false;
    for (std::size_t k = 0; k < n; ++k) {
      if (message[at + k] < '0' || message[at + k] > '9') return false;
    }
    return true;
  };
  // The length of a case number at `at`, or 0.
  const auto case_number_at = [&](std::size_t at) -> std::size_t {
    std::size_t p = at;
    for (int part = 0; part < 3; ++part) {
      if (!digits(p, 2)) return 0;
      p += 2;
      const char sep = part < 2 ? '.' : '-';
      if (p >= message.size() || message[p] != sep) return 0;
      ++p;
    }
    if (p >= message.size() || message[p] < 'A' || message[p] > 'Z' || !digits(p + 1, 2)) return 0;
    p += 3;
    if (p >= message.size() || message[p] != '-' || !digits(p + 1, 1)) return 0;
    ++p;
    while (digits(p, 1)) ++p;
    if (p >= message.size() || message[p] != '-' || !digits(p + 1, 2)) return 0;
    p += 3;
    return p - at;
  };
  std::string out;
  for (std::size_t i = 0; i < message.size() && out.size() < 200;) {
    if (message.compare(i, 5, "case ") == 0) {
      if (const std::size_t n = case_number_at(i + 5); n > 0) {
        out += "case ...";
        i += 5 + n;
        continue;
      }
    }
    out.push_back(message[i++]);
  }
  return out.substr(0, 200);
}

// "$today", "$today-3", "$today+7" -> a date; "$age" -> the citizen's age in
// whole years (from the full CPR number, which the simulation knows); other values stay.
json resolve_fields(const json& fields, Date today, const std::optional<Cpr>& citizen) {
  json out = json::object();
  for (const auto& [k, v] : fields.items()) {
    if (v == "$age" && citizen) {
      const std::chrono::year_month_day born = citizen->birth_date(), now{today};
      int age = static_cast<int>(now.year()) - static_cast<int>(born.year());
      if (now.month() < born.month() || (now.month() == born.month() && now.day() < born.day())) --age;
      out[k] = age;
    } else if (v.is_string() && v.get<std::string>().rfind("$today", 0) == 0) {
      out[k] = format_date(today + std::chrono::days(today_offset(v.get<std::string>()).value_or(0)));
    } else {
      out[k] = v;
    }
  }
  return out;
}

// A CPR number of someone born 1958-1999 (seventh digit 0-3: the 1900s; from
// 58 on the year alone says 19xx, so plugins that see only the masked number
// can still tell the applicant's age).
std::string random_cpr(std::mt19937& rng) {
  std::uniform_int_distribution<int> day(1, 28), month(1, 12), year(58, 99), seq(0, 3999);
  return fmt::format("{:02}{:02}{:02}-{:04}", day(rng), month(rng), year(rng), seq(rng));
}

struct PendingStep {
  long long case_id = 0;
  size_t area = 0;
  size_t step = 0;
};

}  // namespace

json SimulationSummary::to_json() const {
  json channels = json::object();
  for (const auto& [c, n] : inquiries) channels[channel_key(c)] = n;
  return {{"inquiries", total_inquiries}, {"by_channel", channels}, {"gave_up", gave_up},
          {"cases_opened", cases_opened}, {"steps_taken", steps_taken}, {"cases_closed", cases_closed},
          {"refusals", refusals}, {"deadline_events", deadline_events}, {"seconds", seconds},
          {"queues", queues_json(queues, queue_days)}, {"queue_contacts", queue_contacts},
          {"queue_seconds", queue_seconds}};
}

json queues_json(const std::map<Channel, QueueFigures>& queues, const std::map<Channel, json>& days) {
  json out = json::object();
  for (const auto& [c, f] : queues) {
    out[channel_key(c)] = f.to_json();
    if (auto d = days.find(c); d != days.end()) out[channel_key(c)]["by_day"] = d->second;
  }
  return out;
}

Result<SimulationSummary> simulate(Installation& inst, Timestamp& clock_now, const SimulationProfile& profile,
                                   const SimulationOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const auto* m = inst.organisation->find(options.municipality);
  if (m == nullptr) return NotFound("no municipality " + options.municipality + " is configured");
  // Who does what: the first person on the staff list the organisation lets do it.
  std::vector<Actor> staff;
  for (const auto& s : m->staff) {
    Actor a{s.id, s.unit, "", s.roles};
    auto who = inst.organisation->identify(a, m->code);
    if (!who.ok()) continue;
    a.authority = who->authority;
    staff.push_back(a);
  }
  std::optional<Actor> front_desk;
  for (const auto& a : staff) {
    const auto* unit = m->unit(a.unit);
    if (unit && unit->kind == UnitKind::kCitizenServiceCentre && a.has_role("frontdesk")) {
      front_desk = a;
      break;
    }
  }
  if (!front_desk) return FailedPrecondition(m->name + " has nobody with the role frontdesk in its citizen-service centre");
  std::map<std::string, Actor> actor_for;  // "workflow/stage/action" -> who takes it
  const auto who_takes = [&](const CaseState& c, const std::string& action) -> std::optional<Actor> {
    const std::string key = c.workflow_id + "/" + c.stage + "/" + action;
    if (auto it = actor_for.find(key); it != actor_for.end()) return it->second;
    for (const auto& a : staff) {
      auto actions = inst.engine->available_actions(c.id, a);
      if (!actions.ok()) continue;
      for (const auto& def : *actions) {
        if (def.name == action) {
          actor_for.emplace(key, a);
          return a;
        }
      }
    }
    return std::nullopt;
  };

  // Yearly volumes after scale and the what-if.
  std::map<Channel, double> volumes;
  SimulationSummary sum;
  for (const auto& [c, v] : profile.volumes) volumes[c] += v * options.scale;
  // The queues: the as-is hours (the profile's, or this municipality's
  // published ones) decide the days of demand; the scenario is the what-if's.
  ScenarioSource as_is_source;
  as_is_source.municipality = m;
  auto as_is = scenario_hours(profile, as_is_source);
  if (!as_is.ok()) return as_is.status();
  ScenarioSource source = as_is_source;
  source.what_if_municipality = options.what_if_municipality;
  source.what_if_hours = options.what_if_hours;
  source.phone_close = options.phone_close;
  source.phone_factor = options.phone_hours;
  auto scenario = scenario_hours(profile, source);
  if (!scenario.ok()) return scenario.status();
  ContactQueues queues(profile, std::move(*as_is), std::move(*scenario), DanishCalendar(m->calendar));
  // Without phone hours in the profile, the what-if moves a fixed share of the year's calls.
  if (options.phone_hours < 1 && volumes.contains(Channel::kPhone) && !profile.queues.contains(Channel::kPhone)) {
    const double displaced = volumes[Channel::kPhone] * (1 - options.phone_hours);
    volumes[Channel::kPhone] -= displaced;
    double moved = 0;
    for (const auto& [c, share] : profile.phone_hours_moves_to) {
      volumes[c] += displaced * share;
      moved += displaced * share;
    }
    sum.gave_up = static_cast<long long>(displaced - moved);
  }

  const DanishCalendar& cal = inst.engine->calendar();
  const Date first = Date(std::chrono::year{profile.year} / std::chrono::January / 1);
  const Date last = Date(std::chrono::year{profile.year + 1} / std::chrono::January / 1);
  const int days = options.days > 0 ? options.days : static_cast<int>((last - first).count());
  // Days per month on which each kind of channel is open.
  std::array<int, 12> working{}, all{};
  for (Date d = first; d < last; d += std::chrono::days(1)) {
    const unsigned month = static_cast<unsigned>(std::chrono::year_month_day(d).month()) - 1;
    ++all[month];
    if (cal.is_working_day(d)) ++working[month];
  }
  double weight_sum = 0;
  for (double w : profile.seasonality) weight_sum += w;
  std::mt19937 rng(profile.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> area_cumulative;
  double acc = 0;
  for (const auto& a : profile.areas) area_cumulative.push_back(acc += a.share);

  std::map<int, std::vector<PendingStep>> due;           // day index -> steps
  std::map<std::string, std::deque<PendingStep>> limited;  // "area/step" -> waiting for capacity
  int seconds_today = 0;
  const auto tick = [&](Date d) {
    clock_now = std::chrono::sys_days(d) + std::chrono::hours(8) + std::chrono::seconds(seconds_today++ % 36000);
  };
  const auto take_step = [&](const PendingStep& p, Date today, int day) {
    const auto& area = profile.areas[p.area];
    const auto& step = area.steps[p.step];
    auto state = inst.engine->get_case(p.case_id);
    if (!state.ok() || state->status == CaseStatus::kClosed) return;
    auto actor = who_takes(*state, step.action);
    if (!actor) {
      ++sum.refusals[fmt::format("{}: nobody on the staff list may take '{}' in stage '{}'", area.id, step.action,
                                 state->stage)];
      return;
    }
    ActionRequest req;
    req.case_id = p.case_id;
    req.action = step.action;
    req.actor = *actor;
    req.fields = resolve_fields(step.fields, today, state->citizen);
    for (const auto& a : step.attachments) req.attachments.push_back({a, "simulated", ""});
    tick(today);
    auto done = inst.engine->act(req);
    if (!done.ok()) {
      ++sum.refusals[fmt::format("{} {}: {}", area.id, step.action, refusal_kind(done.status().message()))];
      return;
    }
    ++sum.steps_taken;
    if (done->status == CaseStatus::kClosed) ++sum.cases_closed;
    if (p.step + 1 < area.steps.size()) {
      due[day + area.steps[p.step + 1].after_days].push_back({p.case_id, p.area, p.step + 1});
    }
  };

  // One simulated day: its inquiries, the steps due on it, the deadline check.
  const auto run_day = [&](int day) -> Status {
    const Date today = first + std::chrono::days(day);
    const bool working_day = cal.is_working_day(today);
    seconds_today = 0;
    const unsigned month = static_cast<unsigned>(std::chrono::year_month_day(today).month()) - 1;
    // Today's queues (at the profile's own volumes), then today's inquiries:
    // a queued channel's are its answered contacts, scaled.
    ContactQueues::Day queued;
    if (!queues.empty()) {
      const auto queue_started = std::chrono::steady_clock::now();
      queued = queues.run_day(today);
      sum.queue_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - queue_started).count();
    }
    std::map<Channel, double> expected_today;
    for (const auto& [channel, yearly] : volumes) {
      if (profile.queues.contains(channel)) continue;
      const bool staffed = channel == Channel::kPersonalAttendance || channel == Channel::kPhone ||
                           channel == Channel::kAssistedSelfService;
      if (staffed && !working_day) continue;
      const int open_days = staffed ? working[month] : all[month];
      if (open_days == 0) continue;
      expected_today[channel] = yearly * (profile.seasonality[month] / weight_sum) / open_days;
    }
    for (const auto& [channel, n] : queued.answered) expected_today[channel] += double(n) * options.scale;
    for (const auto& [channel, n] : queued.moved_out) expected_today[channel] += double(n) * options.scale;
    for (const auto& [channel, expected] : expected_today) {
      long long n = static_cast<long long>(expected);
      if (unit(rng) < expected - double(n)) ++n;
      for (long long i = 0; i < n; ++i) {
        const double pick = unit(rng);
        size_t a = 0;
        while (a + 1 < area_cumulative.size() && pick > area_cumulative[a]) ++a;
        const auto& area = profile.areas[a];
        const bool general = unit(rng) < profile.general_share;
        InquiryRequest inq;
        inq.municipality = m->code;
        inq.channel = channel;
        inq.area = area.id;
        inq.actor = *front_desk;
        tick(today);
        if (general) {
          inq.type = InquiryType::kGeneralInformation;
          inq.service = Service::kGeneralGuidance;
          inq.resolved_on_the_spot = true;
        } else {
          inq.type = InquiryType::kTransaction;
          inq.service = Service::kReceiveAndForward;
          inq.with_form = channel == Channel::kLetter || channel == Channel::kPersonalAttendance;
          inq.citizen_cpr = random_cpr(rng);
          if (!area.workflow.empty()) {
            OpenCaseRequest open;
            open.municipality = m->code;
            open.workflow_id = area.workflow;
            open.citizen_cpr = inq.citizen_cpr;
            open.actor = *front_desk;
            auto opened = inst.engine->open_case(open);
            if (!opened.ok()) {
              ++sum.refusals[fmt::format("{} open: {}", area.id, refusal_kind(opened.status().message()))];
            } else {
              ++sum.cases_opened;
              inq.case_id = opened->id;
              if (!area.steps.empty()) due[day + area.steps[0].after_days].push_back({opened->id, a, 0});
            }
          }
        }
        auto registered = inst.front_desk->register_inquiry(inq);
        if (!registered.ok()) {
          ++sum.refusals[fmt::format("{} inquiry: {}", area.id, refusal_kind(registered.status().message()))];
          continue;
        }
        ++sum.inquiries[channel];
        ++sum.total_inquiries;
      }
    }
    // Steps due today (including those today's cases made due); limited ones queue for capacity.
    for (auto it = due.find(day); it != due.end(); it = due.find(day)) {
      const auto batch = std::move(it->second);
      due.erase(it);
      for (const auto& p : batch) {
        const auto& step = profile.areas[p.area].steps[p.step];
        if (step.per_working_day > 0) {
          limited[fmt::format("{}/{}", p.area, p.step)].push_back(p);
        } else {
          take_step(p, today, day);
        }
      }
    }
    if (working_day) {
      for (auto& [key, queue] : limited) {
        const size_t slash = key.find('/');
        const auto& step = profile.areas[std::stoul(key.substr(0, slash))].steps[std::stoul(key.substr(slash + 1))];
        // Capacity scales with the volumes, so a scaled run keeps the year's dynamics.
        const int capacity = std::max(1, static_cast<int>(step.per_working_day * options.scale + 0.5));
        for (int n = 0; n < capacity && !queue.empty(); ++n) {
          take_step(queue.front(), today, day);
          queue.pop_front();
        }
      }
    }
    if (working_day) {
      tick(today);
      auto recorded = inst.engine->check_deadlines();
      if (!recorded.ok()) return recorded.status();
      sum.deadline_events += *recorded;
    }
    return Status::Ok();
  };

  // Each day is one transaction (a group of the store's units, each under its
  // own savepoint, so a refused action is undone alone): one commit a day
  // instead of one for every inquiry, opening and step. A day that fails is
  // undone whole; the days before it stay stored.
  for (int day = 0; day < days; ++day) {
    if (auto begun = inst.store->begin_group(); !begun.ok()) return begun;
    if (Status ran = run_day(day); !ran.ok()) {
      if (auto undone = inst.store->abandon_group(); !undone.ok()) {
        return Status(ran.code(), ran.message() + "; undoing the day failed too: " + undone.message());
      }
      return ran;
    }
    if (auto committed = inst.store->end_group(); !committed.ok()) return committed;
    if (options.progress) options.progress(day + 1, days, sum.total_inquiries);
  }
  sum.queues = queues.totals();
  sum.queue_days = queues.days();
  sum.queue_contacts = queues.contacts();
  for (const auto& [c, f] : sum.queues) sum.gave_up += f.displaced_gave_up;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return sum;
}

}  // namespace sagsflow::app
