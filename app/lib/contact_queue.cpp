// The contact queue of a staffed channel (contact_queue.hpp).
#include "sagsflow/app/contact_queue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <random>

namespace sagsflow::app {

using nlohmann::json;

namespace {

// splitmix64: spreads a seed's bits, so neighbouring dates get unrelated streams.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Uniform in (0, 1), from the top 53 bits.
double uniform(std::mt19937_64& rng) { return (double(rng() >> 11) + 0.5) * 0x1.0p-53; }

double draw(std::mt19937_64& rng, double mean, Spread spread) {
  if (std::isinf(mean)) return mean;
  const double u = uniform(rng);  // drawn for a fixed spread too, so the stream stays aligned
  return spread == Spread::kFixed ? mean : -mean * std::log(u);
}

bool is_open(const std::vector<OpenInterval>& open, double minute) {
  for (const auto& i : open) {
    if (minute >= i.from && minute < i.to) return true;
  }
  return false;
}

// A time while open, by the hours' shares of the demand weighted with their
// open minutes (evenly over the open minutes when those shares are all 0);
// by the shares alone when it is closed all day.
double time_while_open(std::mt19937_64& rng, const QueueModel& m, const std::vector<OpenInterval>& open) {
  std::array<double, 24> weight{};
  std::array<std::vector<OpenInterval>, 24> parts;
  double total = 0;
  for (int h = 0; h < 24; ++h) {
    for (const auto& i : open) {
      const int from = std::max(i.from, h * 60), to = std::min(i.to, h * 60 + 60);
      if (from < to) parts[static_cast<size_t>(h)].push_back({from, to});
    }
    double minutes = 0;
    for (const auto& p : parts[static_cast<size_t>(h)]) minutes += p.to - p.from;
    weight[static_cast<size_t>(h)] = open.empty() ? m.arrivals_by_hour[static_cast<size_t>(h)]
                                                  : m.arrivals_by_hour[static_cast<size_t>(h)] * minutes / 60;
    total += weight[static_cast<size_t>(h)];
  }
  if (total <= 0) {  // evenly over the open minutes (or the whole day)
    for (int h = 0; h < 24; ++h) {
      double minutes = 0;
      for (const auto& p : parts[static_cast<size_t>(h)]) minutes += p.to - p.from;
      weight[static_cast<size_t>(h)] = open.empty() ? 1 : minutes;
      total += weight[static_cast<size_t>(h)];
    }
  }
  double pick = uniform(rng) * total;
  size_t h = 0;
  while (h < 23 && pick >= weight[h]) pick -= weight[h++];
  const double u = uniform(rng);
  if (open.empty() || parts[h].empty()) return double(h) * 60 + u * 60;
  double minutes = 0;
  for (const auto& p : parts[h]) minutes += p.to - p.from;
  double at = u * minutes;
  for (const auto& p : parts[h]) {
    if (at < p.to - p.from) return p.from + at;
    at -= p.to - p.from;
  }
  return parts[h].back().to - 1e-6;
}

// Nearest rank: the smallest value with at least 90 % of the values at or below it.
double p90_of(std::vector<float> v) {
  if (v.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(0.9 * double(v.size())));
  auto nth = v.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(rank, 1) - 1);
  std::nth_element(v.begin(), nth, v.end());
  return *nth;
}

}  // namespace

std::vector<ContactOutcome> serve_in_order(const std::vector<Contact>& contacts, int servers) {
  std::vector<ContactOutcome> out;
  out.reserve(contacts.size());
  // When each server is next free; the earliest on top.
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (int i = 0; i < std::max(1, servers); ++i) free_at.push(-std::numeric_limits<double>::infinity());
  for (const auto& c : contacts) {
    const double start = std::max(c.arrival, free_at.top());
    const double wait = start - c.arrival;
    if (wait > c.patience) {
      out.push_back({false, c.patience});
      continue;
    }
    free_at.pop();
    free_at.push(start + c.handling);
    out.push_back({true, wait});
  }
  return out;
}

double QueueFigures::p90_wait() const { return p90_of(waits); }

void QueueFigures::add(const QueueFigures& o) {
  offered += o.offered;
  answered += o.answered;
  abandoned += o.abandoned;
  displaced += o.displaced;
  for (const auto& [c, n] : o.displaced_to) displaced_to[c] += n;
  displaced_gave_up += o.displaced_gave_up;
  within_goal += o.within_goal;
  booked += o.booked;
  booked_overflow += o.booked_overflow;
  service_goal_minutes = o.service_goal_minutes;
  wait_sum += o.wait_sum;
  waits.insert(waits.end(), o.waits.begin(), o.waits.end());
  for (size_t h = 0; h < 24; ++h) {
    by_hour[h].offered += o.by_hour[h].offered;
    by_hour[h].answered += o.by_hour[h].answered;
    by_hour[h].abandoned += o.by_hour[h].abandoned;
    by_hour[h].displaced += o.by_hour[h].displaced;
    by_hour[h].wait_sum += o.by_hour[h].wait_sum;
  }
}

json QueueFigures::to_json() const {
  json to = json::object();
  for (const auto& [c, n] : displaced_to) to[channel_key(c)] = n;
  json hours = {{"offered", json::array()}, {"answered", json::array()}, {"abandoned", json::array()},
                {"displaced", json::array()}, {"mean_wait_minutes", json::array()}};
  for (const auto& h : by_hour) {
    hours["offered"].push_back(h.offered);
    hours["answered"].push_back(h.answered);
    hours["abandoned"].push_back(h.abandoned);
    hours["displaced"].push_back(h.displaced);
    hours["mean_wait_minutes"].push_back(h.answered > 0 ? h.wait_sum / double(h.answered) : 0.0);
  }
  json j = {{"offered", offered}, {"answered", answered}, {"abandoned", abandoned}, {"displaced", displaced},
            {"displaced_to", to}, {"displaced_gave_up", displaced_gave_up}, {"mean_wait_minutes", mean_wait()},
            {"p90_wait_minutes", p90_wait()}, {"by_hour", hours}};
  if (booked > 0 || booked_overflow > 0) {
    j["booked"] = booked;
    j["booked_overflow"] = booked_overflow;
  }
  if (service_goal_minutes > 0) {
    j["service_goal_minutes"] = service_goal_minutes;
    j["within_goal_share"] = within_goal_share();
  }
  return j;
}

QueueFigures simulate_queue_day(const QueueModel& m, const std::vector<OpenInterval>& open, double demand,
                                long long moved_in, std::uint64_t seed, const std::map<Channel, double>& moves_to,
                                Channel self) {
  QueueFigures f;
  f.service_goal_minutes = m.service_goal_minutes;
  std::mt19937_64 rng(mix(seed)), moved(mix(seed ^ 0x6d6f766564ULL));
  std::vector<Contact> contacts;
  long long displaced = 0;
  const auto arrive = [&](double at, std::mt19937_64& stream) {
    Contact c{at, draw(stream, m.handling_minutes, m.handling), draw(stream, m.patience_minutes, m.patience)};
    if (is_open(open, at)) contacts.push_back(c);
    else {
      ++displaced;
      ++f.by_hour[static_cast<size_t>(std::clamp(int(at / 60), 0, 23))].displaced;
    }
  };
  // The day's own demand over all its hours; displaced ones counted by hour.
  for (int h = 0; h < 24 && demand > 0; ++h) {
    const double expected = demand * m.arrivals_by_hour[static_cast<size_t>(h)];
    if (expected <= 0) continue;
    if (m.even_arrivals) {
      const long long n = std::llround(expected);
      for (long long k = 0; k < n; ++k) arrive(h * 60 + 60.0 * double(k) / double(n), rng);
      continue;
    }
    const double mean_gap = 60 / expected;
    for (double t = h * 60 + draw(rng, mean_gap, Spread::kExponential); t < h * 60 + 60;
         t += draw(rng, mean_gap, Spread::kExponential)) {
      arrive(t, rng);
    }
  }
  for (long long k = 0; k < moved_in; ++k) arrive(time_while_open(moved, m, open), moved);
  // The displaced move by their shares: to this channel itself (calling again while open), elsewhere, or nowhere.
  f.displaced = displaced;
  for (long long k = 0; k < displaced; ++k) {
    double pick = uniform(moved);
    std::optional<Channel> to;
    for (const auto& [c, share] : moves_to) {
      if (pick < share) {
        to = c;
        break;
      }
      pick -= share;
    }
    if (to && *to == self && !open.empty()) {
      ++f.displaced_to[self];
      const double at = time_while_open(moved, m, open);
      contacts.push_back({at, draw(moved, m.handling_minutes, m.handling), draw(moved, m.patience_minutes, m.patience)});
    } else if (to && *to != self) {
      ++f.displaced_to[*to];
    } else {
      ++f.displaced_gave_up;
    }
  }
  std::sort(contacts.begin(), contacts.end(), [](const Contact& a, const Contact& b) { return a.arrival < b.arrival; });
  const auto outcomes = serve_in_order(contacts, m.servers);
  f.waits.reserve(contacts.size());
  for (size_t i = 0; i < contacts.size(); ++i) {
    auto& hour = f.by_hour[static_cast<size_t>(std::clamp(int(contacts[i].arrival / 60), 0, 23))];
    ++f.offered;
    ++hour.offered;
    if (!outcomes[i].answered) {
      ++f.abandoned;
      ++hour.abandoned;
      continue;
    }
    ++f.answered;
    ++hour.answered;
    f.wait_sum += outcomes[i].wait;
    hour.wait_sum += outcomes[i].wait;
    f.waits.push_back(static_cast<float>(outcomes[i].wait));
    if (m.service_goal_minutes > 0 && outcomes[i].wait <= m.service_goal_minutes) ++f.within_goal;
  }
  return f;
}

QueueModel queue_model(const SimulationQueueChannel& c) {
  QueueModel m;
  m.servers = std::max(1, c.staffing);
  m.handling_minutes = c.handling_minutes;
  m.patience_minutes = c.patience_minutes;
  m.service_goal_minutes = c.service_goal_minutes;
  m.arrivals_by_hour = c.arrivals_by_hour;
  return m;
}

namespace {

int weekday_of(Date d) { return static_cast<int>(std::chrono::weekday{d}.iso_encoding()) - 1; }  // 0 = Monday

// A public holiday, or a closing day of the municipality on a weekday.
bool closed_all_day(const DanishCalendar& cal, Date d) {
  return cal.holiday_name(d).has_value() || (weekday_of(d) < 5 && !cal.is_working_day(d));
}

unsigned month_of(Date d) { return static_cast<unsigned>(std::chrono::year_month_day{d}.month()) - 1; }

}  // namespace

std::vector<OpenInterval> ChannelHours::walk_in(Date day, const DanishCalendar& calendar) const {
  if (!published) return closed_all_day(calendar, day) ? std::vector<OpenInterval>{} : open_intervals(weekly, weekday_of(day));
  std::vector<OpenInterval> out;
  for (const auto& i : open_on(*published, day, calendar)) {
    if (i.appointment_only) continue;
    if (!out.empty() && i.opens <= out.back().to) out.back().to = std::max(out.back().to, i.closes);
    else out.push_back({i.opens, i.closes});
  }
  return out;
}

bool ChannelHours::opens(Date day, const DanishCalendar& calendar) const {
  if (!published) return !closed_all_day(calendar, day) && opens_on(weekly, weekday_of(day));
  return !open_on(*published, day, calendar).empty();
}

int appointment_seats_on(const MunicipalityConfig& m, Date day, const DanishCalendar& calendar) {
  int seats = 0;
  for (const auto& area : m.service_areas) {
    if (!area.appointments) continue;
    const auto* unit = m.appointment_unit(area.id);
    if (unit == nullptr) continue;
    seats += static_cast<int>(slot_starts(open_on(m.hours_of(*unit), day, calendar), area.appointments->minutes).size()) *
             area.appointments->desks;
  }
  return seats;
}

ContactQueues::ContactQueues(const SimulationProfile& profile, Scenario as_is, Scenario run, DanishCalendar calendar)
    : profile_(profile), as_is_(std::move(as_is)), run_(std::move(run)), calendar_(std::move(calendar)),
      demand_year_(profile.year) {
  for (const auto& [c, q] : profile_.queues) {
    if (!as_is_.hours.contains(c)) as_is_.hours[c].weekly = q.hours;
    if (!run_.hours.contains(c)) run_.hours[c] = as_is_.hours[c];
  }
  for (double w : profile_.seasonality) weight_sum_ += w;
  const Date first = Date(std::chrono::year{demand_year_} / std::chrono::January / 1);
  const Date last = Date(std::chrono::year{demand_year_ + 1} / std::chrono::January / 1);
  for (const auto& [c, q] : profile_.queues) {
    auto& per_month = demand_days_[c];
    per_month.fill(0);
    for (Date d = first; d < last; d += std::chrono::days(1)) {
      if (demand_day(c, d)) ++per_month[month_of(d)];
    }
  }
}

bool ContactQueues::demand_day(Channel c, Date d) const {
  const auto h = as_is_.hours.find(c);
  return profile_.queues.contains(c) && h != as_is_.hours.end() && h->second.opens(d, calendar_);
}

ContactQueues::Day ContactQueues::run_day(Date date) {
  Day out;
  std::vector<Channel> order;  // the phone first: its displaced callers may move to the others
  if (profile_.queues.contains(Channel::kPhone)) order.push_back(Channel::kPhone);
  for (const auto& [c, q] : profile_.queues) {
    if (c != Channel::kPhone) order.push_back(c);
  }
  std::map<Channel, long long> moved_in;
  const std::map<Channel, double> no_moves;
  const unsigned month = month_of(date);
  for (const Channel c : order) {
    const auto& q = profile_.queues.at(c);
    double demand = 0;
    const auto volume = profile_.volumes.find(c);
    if (volume != profile_.volumes.end() && demand_day(c, date) && weight_sum_ > 0 && demand_days_[c][month] > 0) {
      demand = volume->second * (profile_.seasonality[month] / weight_sum_) / demand_days_[c][month];
    }
    // Booked visits: served at their time while the day has seats; the rest come as walk-ins.
    long long booked = 0, overflow = 0;
    if (q.booked_share > 0 && demand > 0) {
      const long long wanted = std::llround(demand * q.booked_share);
      const long long seats = run_.appointments ? appointment_seats_on(*run_.appointments, date, calendar_) : 0;
      booked = std::min(wanted, seats);
      overflow = wanted - booked;
      demand -= double(wanted);
      moved_in[c] += overflow;
    }
    if (demand <= 0 && moved_in[c] == 0 && booked == 0) continue;
    const auto open = run_.hours[c].walk_in(date, calendar_);
    const std::uint64_t seed = (std::uint64_t(profile_.seed) << 32) ^
                               (std::uint64_t(static_cast<int>(c) + 1) << 24) ^
                               std::uint64_t(date.time_since_epoch().count());
    auto f = simulate_queue_day(queue_model(q), open, std::max(demand, 0.0), moved_in[c], seed,
                                c == Channel::kPhone ? profile_.phone_hours_moves_to : no_moves, c);
    f.booked = booked;
    f.booked_overflow = overflow;
    for (const auto& [to, n] : f.displaced_to) {
      if (to == c) continue;
      if (profile_.queues.contains(to)) moved_in[to] += n;
      else out.moved_out[to] += n;
    }
    out.answered[c] = f.answered + booked;
    json day = {{"date", format_date(date)}, {"offered", f.offered}, {"answered", f.answered},
                {"abandoned", f.abandoned}, {"displaced", f.displaced},
                {"mean_wait_minutes", f.mean_wait()}, {"p90_wait_minutes", f.p90_wait()},
                {"within_goal_share", f.within_goal_share()}};
    if (q.booked_share > 0) {
      day["booked"] = booked;
      day["booked_overflow"] = overflow;
    }
    days_[c].push_back(std::move(day));
    totals_[c].add(f);
  }
  return out;
}

long long ContactQueues::contacts() const {
  long long n = 0;
  for (const auto& [c, f] : totals_) n += f.offered + f.displaced + f.booked;
  return n;
}

namespace {

// The what-if edits on a municipality's published rules, as on weekly ones.
OpeningHours closing_by(OpeningHours hours, int minute) {
  std::vector<sagsflow::OpeningRule> kept;
  for (auto r : hours.rules) {
    r.closes = std::min(r.closes, minute);
    if (r.opens < r.closes) kept.push_back(r);
  }
  hours.rules = std::move(kept);
  return hours;
}

OpeningHours shortened(OpeningHours hours, double factor) {
  for (auto& r : hours.rules) {
    r.closes = r.opens + std::max(1, static_cast<int>(std::lround((r.closes - r.opens) * std::clamp(factor, 0.0, 1.0))));
  }
  return hours;
}

}  // namespace

Result<Scenario> scenario_hours(const SimulationProfile& profile, const ScenarioSource& source) {
  Scenario out;
  out.appointments = source.what_if_municipality ? source.what_if_municipality : source.municipality;
  for (const auto& [c, q] : profile.queues) {
    auto& h = out.hours[c];
    h.weekly = q.hours;
    if (q.hours_from_municipality) {
      const auto* m = source.municipality;
      if (m == nullptr) {
        return InvalidArgument(fmt::format("opening_hours.{}: the profile takes the municipality's hours, and no "
                                           "municipality file is given",
                                           channel_key(c)));
      }
      const auto published = m->opening_hours.find(c);
      if (published == m->opening_hours.end() || published->second.empty()) {
        return InvalidArgument(fmt::format("opening_hours.{}: the profile takes the municipality's hours, and {} "
                                           "publishes none for {} (opening_hours.{} in its file)",
                                           channel_key(c), m->name, channel_key(c), channel_key(c)));
      }
      h.published = published->second;
    }
    if (source.what_if_municipality) {
      const auto published = source.what_if_municipality->opening_hours.find(c);
      if (published != source.what_if_municipality->opening_hours.end() && !published->second.empty()) {
        h.published = published->second;
      }
    }
    if (q.booked_share > 0 && out.appointments == nullptr) {
      return InvalidArgument(fmt::format("booked_share.{}: booked visits need a municipality file whose service "
                                         "areas take appointments",
                                         channel_key(c)));
    }
  }
  if (source.what_if_hours) {
    for (const auto& [c, weekly] : profile.what_if_opening_hours) out.hours[c] = {weekly, std::nullopt};
  }
  if (auto phone = out.hours.find(Channel::kPhone); phone != out.hours.end()) {
    auto& h = phone->second;
    if (source.phone_close >= 0) {
      if (h.published) h.published = closing_by(*h.published, source.phone_close);
      else h.weekly = app::closing_by(h.weekly, source.phone_close);
    }
    if (source.phone_factor < 1) {
      if (h.published) h.published = shortened(*h.published, source.phone_factor);
      else h.weekly = app::shortened(h.weekly, source.phone_factor);
    }
  }
  return out;
}

}  // namespace sagsflow::app
