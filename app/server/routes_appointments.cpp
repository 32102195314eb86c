// Opening hours and appointments (docs/front-of-house.md). Every rule is the
// core's (open_on, AppointmentDesk); these handlers translate.
//
//  Public (no sign-in; no personal data):
//   GET  /api/v1/opening-hours                      published hours per channel and unit, the coming closing days
//   GET  /api/v1/appointments/slots?area=&from=&days=&deadline=&municipality=
//  Citizen (Access::kCitizen):
//   GET  /api/v1/me/appointments
//   POST /api/v1/me/appointments                    {area, starts_at, case_id?}
//   POST /api/v1/me/appointments/{id}/cancel
//   POST /api/v1/me/appointments/{id}/move          {starts_at}
//   GET  /api/v1/me/appointments/{id}/documents/{doc}   a letter's PDF (confirmation, reminder, cancellation)
//  Staff (Access::kStaff):
//   GET  /api/v1/appointments?date=&unit=           a day's appointments (access records)
//   GET  /api/v1/appointments/{id}
//   POST /api/v1/appointments                       {area, starts_at, cpr, channel, case_id?, deadline?}
//   POST /api/v1/appointments/{id}/cancel           {reason?} (the citizen gets a letter)
//   POST /api/v1/appointments/{id}/move             {starts_at}
//   GET  /api/v1/appointments/{id}/documents/{doc}  a letter's PDF (an access record)
// Each appointment lists its letters (kind, state, channel, delivered_at, document_id).
#include <fmt/format.h>

#include "api.hpp"
#include "sagsflow/app/letter_delivery.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

AppointmentDesk& desk(Call& c) { return *c.installation().appointments; }

json rules_json(const OpeningHours& hours) {
  json rules = json::array();
  for (const auto& r : hours.rules) {
    json days = json::array(), names = json::array();
    for (int d : r.weekdays) {
      days.push_back(weekday_key(d));
      names.push_back(weekday_name_da(d));
    }
    json weeks = nullptr;
    if (r.week_parity) weeks = *r.week_parity == 1 ? "odd" : "even";
    if (r.every > 1 && r.from) weeks = json{{"every", r.every}, {"from", format_date(*r.from)}};
    rules.push_back({{"days", days},
                     {"days_da", names},
                     {"opens", format_clock(r.opens)},
                     {"closes", format_clock(r.closes)},
                     {"weeks", weeks},
                     {"appointment_only", r.appointment_only}});
  }
  return rules;
}

// The next `n` days' opening of `hours`, with the reason on a day a rule covers but that is closed.
json week_json(const OpeningHours& hours, const DanishCalendar& calendar, Date today, int n) {
  json out = json::array();
  for (int i = 0; i < n; ++i) {
    const Date d = today + std::chrono::days(i);
    json open = json::array();
    for (const auto& iv : open_on(hours, d, calendar)) {
      open.push_back({{"opens", format_clock(iv.opens)}, {"closes", format_clock(iv.closes)},
                      {"appointment_only", iv.appointment_only}});
    }
    const auto closed = closed_exceptionally(hours, d, calendar);
    const int wd = static_cast<int>(std::chrono::weekday{d}.iso_encoding()) - 1;
    out.push_back({{"date", format_date(d)}, {"weekday_da", weekday_name_da(wd)}, {"open", open},
                   {"closed_because", closed ? json(*closed) : json()}});
  }
  return out;
}

Result<json> opening_hours(Call& c) {
  json municipalities = json::array();
  const Date today = copenhagen_date(c.installation().engine->now());
  if (const auto* org = c.installation().organisation.get()) {
    for (const auto* m : org->all()) {
      const DanishCalendar calendar(m->calendar);
      json channels = json::array();
      for (const auto& [channel, hours] : m->opening_hours) {
        channels.push_back({{"channel", channel_key(channel)}, {"label_da", channel_label_da(channel)},
                            {"rules", rules_json(hours)},
                            {"next_days", week_json(hours, calendar, today, 14)}});
      }
      json units = json::array();
      for (const auto& u : m->units) {
        const OpeningHours hours = m->hours_of(u);
        if (hours.empty()) continue;
        json areas = json::array();
        for (const auto& a : m->service_areas) {
          const auto* at = a.appointments ? m->appointment_unit(a.id) : nullptr;
          if (at != nullptr && at->id == u.id) areas.push_back(a.id);
        }
        units.push_back({{"id", u.id}, {"name", u.name}, {"kind", u.kind == UnitKind::kBooth ? "booth" : "unit"},
                         {"rules", rules_json(hours)}, {"appointments_for", areas},
                         {"next_days", week_json(hours, calendar, today, 14)}});
      }
      municipalities.push_back({{"code", m->code}, {"name", m->name}, {"channels", channels}, {"units", units}});
    }
  }
  return json{{"municipalities", municipalities}, {"time_zone", "Europe/Copenhagen"}};
}

// The municipality a public call is about: `municipality` in the query, or the only one.
Result<std::string> public_municipality(Call& c) {
  const std::string asked = c.query_value("municipality");
  const auto* org = c.installation().organisation.get();
  if (!asked.empty()) return asked;
  if (org != nullptr && org->all().size() == 1) return org->all().front()->code;
  return c.refuse_field("municipality", "name the municipality (its four-digit code)");
}

Result<std::optional<Date>> query_date(Call& c, const std::string& name) {
  const std::string text = c.query_value(name);
  if (text.empty()) return std::optional<Date>();
  auto d = parse_date(text);
  if (!d.ok()) return c.refuse_field(name, d.status().message());
  return std::optional<Date>(*d);
}

Result<std::optional<Date>> body_date(Call& c, const std::string& name) {
  if (!c.body.is_object() || !c.body.contains(name) || c.body[name].is_null()) return std::optional<Date>();
  auto text = c.text(name);
  if (!text.ok()) return text.status();
  auto d = parse_date(*text);
  if (!d.ok()) return c.refuse_field(name, d.status().message());
  return std::optional<Date>(*d);
}

json advice_json(const DeadlineAdvice& a) {
  return {{"deadline", format_date(a.deadline)}, {"first_free", a.first_free.empty() ? json() : json(a.first_free)},
          {"after_deadline", a.after_deadline}, {"offer", a.offer}, {"message", a.message}};
}

Result<json> slots(Call& c) {
  auto municipality = public_municipality(c);
  if (!municipality.ok()) return municipality.status();
  SlotQuery q;
  q.municipality = *municipality;
  q.area = c.query_value("area");
  if (q.area.empty()) return c.refuse_field("area", "name the service area to book time for");
  auto from = query_date(c, "from");
  if (!from.ok()) return from.status();
  q.from = *from;
  auto deadline = query_date(c, "deadline");
  if (!deadline.ok()) return deadline.status();
  q.deadline = *deadline;
  auto days = c.query_number("days", 1, 365);
  if (!days.ok()) return days.status();
  if (*days) q.days = static_cast<int>(**days);
  auto list = desk(c).slots(q);
  if (!list.ok()) {
    if (list.status().code() == ErrorCode::kInvalidArgument) c.field = "days";
    return list.status();
  }
  json out = json::array();
  for (const auto& s : list->slots) {
    out.push_back({{"starts_at", s.starts_at}, {"local_time", s.local_time}, {"day", s.day}, {"free", s.free},
                   {"after_deadline", s.after_deadline}});
  }
  return json{{"municipality", list->municipality}, {"area", list->area}, {"unit", list->unit},
              {"unit_name", list->unit_name}, {"minutes", list->minutes}, {"desks", list->desks}, {"slots", out},
              {"advice", list->advice ? advice_json(*list->advice) : json()}};
}

json appointment_json(const Appointment& a, bool staff) {
  const auto at = parse_timestamp(a.starts_at);
  return {{"id", a.id},
          {"municipality", a.municipality},
          {"area", a.area},
          {"unit", a.unit},
          {"starts_at", a.starts_at},
          {"local_time", at.ok() ? json(format_copenhagen_time(*at)) : json()},
          {"minutes", a.minutes},
          {"citizen", staff && a.citizen ? json(a.citizen->masked()) : json()},
          {"case_id", a.case_id ? json(*a.case_id) : json()},
          {"channel", channel_key(a.channel)},
          {"booked_by", a.booked_by},
          {"booked_at", a.booked_at},
          {"state", a.state},
          {"cancelled_at", a.cancelled_at.empty() ? json() : json(a.cancelled_at)},
          {"cancel_reason", a.cancel_reason.empty() ? json() : json(a.cancel_reason)}};
}

// The appointment with its letters (no personal values): staff see each
// letter's delivery as on a case (letter_json: attempts, receipt, incident);
// the citizen its kind, state, channel, delivery and document.
Result<json> with_letters(Call& c, const Appointment& a, bool staff) {
  json j = appointment_json(a, staff);
  db::LetterFilter filter;
  filter.appointment_id = a.id;
  filter.limit = 50;
  auto rows = c.installation().store->list_letters(filter);
  if (!rows.ok()) return rows.status();
  json letters = json::array();
  for (auto it = rows->rbegin(); it != rows->rend(); ++it) {  // oldest first
    if (staff) {
      letters.push_back(app::letter_json(*it));
      continue;
    }
    letters.push_back({{"id", it->id},
                       {"kind", it->kind},
                       {"state", db::letter_state_key(it->state)},
                       {"channel", it->channel.empty() ? json() : json(it->channel)},
                       {"delivered_at", it->delivered_at.empty() ? json() : json(it->delivered_at)},
                       {"document_id", it->document_id ? json(*it->document_id) : json()}});
  }
  j["letters"] = std::move(letters);
  return j;
}

Result<json> one_answer(Call& c, const Result<Appointment>& a, bool staff) {
  if (!a.ok()) return a.status();
  auto j = with_letters(c, *a, staff);
  if (!j.ok()) return j.status();
  return json{{"appointment", std::move(*j)}};
}

// A letter's PDF of the appointment (its documents, migration 21).
Result<json> send_letter_pdf(Call& c, const Appointment& a) {
  auto doc = c.id_param("doc");
  if (!doc.ok()) return doc.status();
  auto rows = c.installation().store->appointment_documents(a.id);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    if (row.id == *doc) return send_document(c, row);
  }
  return NotFound(fmt::format("appointment {} has no document {}", a.id, *doc));
}

const Cpr& me(Call& c) { return *c.principal->citizen; }

// The booking's common members: area, starts_at, case_id.
Result<BookingRequest> booking_of(Call& c) {
  BookingRequest r;
  r.municipality = c.municipality();
  auto area = c.text("area");
  if (!area.ok()) return area.status();
  r.area = *area;
  auto starts = c.text("starts_at");
  if (!starts.ok()) return starts.status();
  r.starts_at = *starts;
  auto case_id = c.whole_number("case_id", 1, std::numeric_limits<long long>::max());
  if (!case_id.ok()) return case_id.status();
  if (*case_id) r.case_id = **case_id;
  return r;
}

// The field at fault for a refusal of the core.
Result<json> refused(Call& c, const Status& st) {
  if (st.code() == ErrorCode::kInvalidArgument) {
    const auto& m = st.message();
    c.field = m.rfind("cpr", 0) == 0 ? "cpr" : m.rfind("channel", 0) == 0 ? "channel" : "starts_at";
  }
  return st;
}

Result<json> my_appointments(Call& c) {
  auto list = desk(c).of_citizen(c.municipality(), me(c));
  if (!list.ok()) return list.status();
  json out = json::array();
  for (const auto& a : *list) {
    auto j = with_letters(c, a, false);
    if (!j.ok()) return j.status();
    out.push_back(std::move(*j));
  }
  return json{{"appointments", out}};
}

// The citizen's own appointment's letter: their own data, like the appointment list (no access record).
Result<json> my_letter_pdf(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto list = desk(c).of_citizen(c.municipality(), me(c));
  if (!list.ok()) return list.status();
  for (const auto& a : *list) {
    if (a.id == *id) return send_letter_pdf(c, a);
  }
  return NotFound(fmt::format("you have no appointment {}", *id));
}

Result<json> letter_pdf_for(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto a = desk(c).get_as_staff(*actor, *id, *c.installation().engine, {kReadDocument, "api"});
  if (!a.ok()) return a.status();
  return send_letter_pdf(c, *a);
}

Result<json> book_mine(Call& c) {
  auto r = booking_of(c);
  if (!r.ok()) return r.status();
  auto a = desk(c).book_as_citizen(me(c), *r, *c.installation().engine);
  if (!a.ok()) return refused(c, a.status());
  c.status = 201;
  return one_answer(c, a, false);
}

Result<json> cancel_mine(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  return one_answer(c, desk(c).cancel_as_citizen(me(c), *id), false);
}

Result<json> move_mine(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto starts = c.text("starts_at");
  if (!starts.ok()) return starts.status();
  auto a = desk(c).move_as_citizen(me(c), *id, *starts, *c.installation().engine);
  if (!a.ok()) return refused(c, a.status());
  return one_answer(c, a, false);
}

Result<json> day_list(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto day = query_date(c, "date");
  if (!day.ok()) return day.status();
  const Date d = day->value_or(copenhagen_date(c.installation().engine->now()));
  auto list = desk(c).day_list(*actor, c.municipality(), c.query_value("unit"), d, *c.installation().engine,
                               {"appointments of the day", "api"});
  if (!list.ok()) return list.status();
  json out = json::array();
  for (const auto& a : *list) out.push_back(appointment_json(a, true));
  return json{{"date", format_date(d)}, {"appointments", out}};
}

Result<json> one(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  return one_answer(c, desk(c).get_as_staff(*actor, *id, *c.installation().engine, {"appointment", "api"}), true);
}

Result<json> book_for(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto r = booking_of(c);
  if (!r.ok()) return r.status();
  auto cpr = c.text("cpr");
  if (!cpr.ok()) return cpr.status();
  r->citizen_cpr = *cpr;
  auto channel = c.text("channel", false);
  if (!channel.ok()) return channel.status();
  const std::string key = channel->empty() ? "phone" : *channel;
  const auto ch = channel_from_key(key);
  if (!ch) return c.refuse_field("channel", "must be phone or personal_attendance");
  r->channel = *ch;
  auto deadline = body_date(c, "deadline");
  if (!deadline.ok()) return deadline.status();
  r->deadline = *deadline;
  auto a = desk(c).book_as_staff(*actor, *r, *c.installation().engine);
  if (!a.ok()) return refused(c, a.status());
  c.status = 201;
  return one_answer(c, a, true);
}

Result<json> cancel_for(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto reason = c.text("reason", false);
  if (!reason.ok()) return reason.status();
  auto a = desk(c).cancel_as_staff(*actor, *id, *c.installation().engine, *reason);
  if (!a.ok() && a.status().code() == ErrorCode::kInvalidArgument) c.field = "reason";
  return one_answer(c, a, true);
}

Result<json> move_for(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto starts = c.text("starts_at");
  if (!starts.ok()) return starts.status();
  auto a = desk(c).move_as_staff(*actor, *id, *starts, *c.installation().engine);
  if (!a.ok()) return refused(c, a.status());
  return one_answer(c, a, true);
}

}  // namespace

void add_appointment_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/v1/opening-hours", Access::kPublic, opening_hours});
  r.push_back({"GET", "/api/v1/appointments/slots", Access::kPublic, slots});
  r.push_back({"GET", "/api/v1/me/appointments", Access::kCitizen, my_appointments});
  r.push_back({"POST", "/api/v1/me/appointments", Access::kCitizen, book_mine});
  r.push_back({"POST", "/api/v1/me/appointments/{id}/cancel", Access::kCitizen, cancel_mine});
  r.push_back({"POST", "/api/v1/me/appointments/{id}/move", Access::kCitizen, move_mine});
  r.push_back({"GET", "/api/v1/me/appointments/{id}/documents/{doc}", Access::kCitizen, my_letter_pdf});
  r.push_back({"GET", "/api/v1/appointments", Access::kStaff, day_list});
  r.push_back({"GET", "/api/v1/appointments/{id}", Access::kStaff, one});
  r.push_back({"POST", "/api/v1/appointments", Access::kStaff, book_for});
  r.push_back({"POST", "/api/v1/appointments/{id}/cancel", Access::kStaff, cancel_for});
  r.push_back({"POST", "/api/v1/appointments/{id}/move", Access::kStaff, move_for});
  r.push_back({"GET", "/api/v1/appointments/{id}/documents/{doc}", Access::kStaff, letter_pdf_for});
}

}  // namespace sagsflow::server
