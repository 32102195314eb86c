#include "sagsflow/cases/case_state.hpp"

#include "sagsflow/domain/blank_text.hpp"

#include <fmt/format.h>

namespace sagsflow {
using nlohmann::json;

const char* case_status_key(CaseStatus s) { return s == CaseStatus::kOpen ? "open" : "closed"; }

bool CaseState::has_attachment(std::string_view name) const {
  for (const auto& a : attachments) {
    if (a.name == name) return true;
  }
  return false;
}

bool CaseState::has_field(std::string_view name) const {
  const auto it = fields.find(std::string(name));
  if (it == fields.end() || it->is_null()) return false;
  if (it->is_string()) return !is_blank_text(it->get<std::string>());
  return true;
}

namespace {

json optional_date(const std::optional<Date>& d) { return d ? json(format_date(*d)) : json(); }

Result<std::optional<Date>> read_optional_date(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::optional<Date>{};
  auto d = parse_date(j.at(key).get<std::string>());
  if (!d.ok()) return d.status();
  return std::optional<Date>{*d};
}

Result<Date> read_date(const json& j, const char* key) {
  if (!j.contains(key) || !j.at(key).is_string()) {
    return InvalidArgument(fmt::format("missing date '{}'", key));
  }
  return parse_date(j.at(key).get<std::string>());
}

json spec_json(const DeadlineSpec& s) {
  json j = {{"amount", s.amount}, {"unit", deadline_unit_key(s.unit)},
            {"roll_to_working_day", s.roll_to_working_day}};
  if (s.from_receipt) j["from_receipt"] = true;
  return j;
}

Result<DeadlineSpec> spec_from_json(const json& j) {
  DeadlineSpec s;
  const auto unit = deadline_unit_from_key(j.value("unit", ""));
  if (!unit) return InvalidArgument("deadline spec has an unknown unit");
  s.unit = *unit;
  s.amount = j.value("amount", 0);
  s.roll_to_working_day = j.value("roll_to_working_day", false);
  s.from_receipt = j.value("from_receipt", false);
  return s;
}

Status apply_clock(CaseState& s, const json& op) {
  const std::string kind = op.value("op", "");
  if (kind == "start") {
    auto clock = deadline_clock_from_json(op.at("clock"));
    if (!clock.ok()) return clock.status();
    s.clock = *clock;
  } else if (kind == "stop") {
    s.clock.reset();
  } else if (kind == "pause" || kind == "resume" || kind == "breach" || kind == "warn") {
    if (!s.clock) return InvalidArgument("clock operation '" + kind + "' on a case without a clock");
    if (kind == "breach") {
      s.clock->breached = true;
      return Status::Ok();
    }
    if (kind == "warn") {
      s.clock->warned = true;
      return Status::Ok();
    }
    auto on = read_date(op, "on");
    if (!on.ok()) return on.status();
    if (kind == "pause") {
      if (auto st = s.clock->pause(*on); !st.ok()) return st;
    } else {
      // The resume records the new due date so replay needs no calendar.
      auto due = read_date(op, "due");
      if (!due.ok()) return due.status();
      s.clock->paused_since.reset();
      s.clock->due = *due;
    }
  } else {
    return InvalidArgument("unknown clock operation '" + kind + "'");
  }
  return Status::Ok();
}

}  // namespace

json to_json(const DeadlineClock& c) {
  return {{"spec", spec_json(c.spec)},
          {"started", format_date(c.started)},
          {"due", format_date(c.due)},
          {"paused_since", optional_date(c.paused_since)},
          {"breached", c.breached},
          {"warned", c.warned}};
}

Result<DeadlineClock> deadline_clock_from_json(const json& j) {
  try {
    DeadlineClock c;
    auto spec = spec_from_json(j.at("spec"));
    if (!spec.ok()) return spec.status();
    c.spec = *spec;
    auto started = read_date(j, "started");
    auto due = read_date(j, "due");
    auto paused = read_optional_date(j, "paused_since");
    if (!started.ok()) return started.status();
    if (!due.ok()) return due.status();
    if (!paused.ok()) return paused.status();
    c.started = *started;
    c.due = *due;
    c.paused_since = *paused;
    c.breached = j.value("breached", false);
    c.warned = j.value("warned", false);
    return c;
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("malformed deadline clock: ") + e.what());
  }
}

Status apply_event(CaseState& state, const CaseEvent& e) {
  if (e.seq != state.version + 1) {
    return InvalidArgument(fmt::format("event {} of case {} does not follow version {}", e.seq,
                                       e.case_id, state.version));
  }
  CaseState s = state;  // all or nothing
  try {
    const json& d = e.data;
    if (e.seq == 1) {
      s.id = e.case_id;
      s.municipality = d.at("municipality").get<std::string>();
      s.case_number = d.at("case_number").get<std::string>();
      s.subject = d.at("subject").get<std::string>();
      s.facet = d.at("facet").get<std::string>();
      s.title = d.value("title", "");
      s.workflow_id = d.at("workflow").at("id").get<std::string>();
      s.workflow_version = d.at("workflow").at("version").get<int>();
      s.owning_authority = d.at("owning_authority").get<std::string>();
      s.received_by = e.authority;
      s.opened_at = e.at;
      auto received = read_optional_date(d, "received_on");
      if (!received.ok()) return received.status();
      s.received_on = *received;
      if (d.contains("citizen") && d.at("citizen").is_string()) {
        auto cpr = Cpr::parse(d.at("citizen").get<std::string>());
        if (!cpr.ok()) return cpr.status();
        s.citizen = *cpr;
      }
    } else if (s.id != e.case_id) {
      return InvalidArgument(fmt::format("event for case {} applied to case {}", e.case_id, s.id));
    }
    s.acting_authority = e.authority;
    s.unit = e.unit;
    if (d.contains("fields")) {
      for (const auto& [k, v] : d.at("fields").items()) s.fields[k] = v;
    }
    if (d.contains("attachments")) {
      for (const auto& a : d.at("attachments")) {
        s.attachments.push_back({a.at("name").get<std::string>(), a.value("kind", ""), e.at});
      }
    }
    if (d.contains("clock")) {
      for (const auto& op : d.at("clock")) {
        if (auto st = apply_clock(s, op); !st.ok()) return st;
      }
    }
    if (d.contains("decision")) {
      const auto& dec = d.at("decision");
      auto on = read_date(dec, "date");
      auto due = read_optional_date(dec, "complaint_due");
      if (!on.ok()) return on.status();
      if (!due.ok()) return due.status();
      s.decided_on = *on;
      s.complaint_due = *due;
      s.outcome = dec.value("outcome", "");
      // Recorded by decisions since the late-complaint rule; older ones leave it empty (then: the owner).
      s.decided_by = dec.value("decided_by", "");
      s.complaint_deadline = dec.value("complaint_deadline", json());
      s.draft = nullptr;  // decided: a pending draft has been dealt with
      s.complaint = nullptr;  // a complaint is about the decision before this one
    }
    if (d.contains("delivered_decision")) {  // delivery decided when the citizen received it
      const auto& del = d.at("delivered_decision");
      auto due = read_date(del, "due");
      if (!due.ok()) return due.status();
      s.complaint_due = *due;
      s.complaint_deadline = del;
    }
    if (d.contains("hearing")) s.hearing = d.at("hearing");
    if (d.contains("hearing_ended")) s.hearing = nullptr;
    if (d.contains("journal")) s.journal = d.at("journal");
    if (d.contains("extension")) s.extension = d.at("extension");
    if (d.contains("escalation")) s.escalation = d.at("escalation");
    if (d.contains("draft")) s.draft = d.at("draft");
    if (d.contains("forwarded")) s.forwarded = d.at("forwarded");
    if (d.contains("complaint")) s.complaint = d.at("complaint");
    if (d.contains("withdrawn")) s.withdrawn = d.at("withdrawn");
    if (e.to_stage != e.from_stage) s.assignee = nullptr;  // back to the queue of the new stage
    if (d.contains("assignee")) s.assignee = d.at("assignee");
    if (d.contains("missing")) s.missing = d.at("missing");
    if (d.value("missing_received", false) || e.to_stage != e.from_stage) s.missing = nullptr;
    if (d.contains("incident")) s.incident = d.at("incident");
    if (d.value("incident_cleared", false)) s.incident = nullptr;
    if (d.contains("proposal")) s.proposal = d.at("proposal");
    s.stage = e.to_stage;
    s.status = e.to_stage == "closed" ? CaseStatus::kClosed : CaseStatus::kOpen;
  } catch (const json::exception& ex) {
    return InvalidArgument(fmt::format("event {} of case {} is malformed: {}", e.seq, e.case_id, ex.what()));
  }
  s.updated_at = e.at;
  s.version = e.seq;
  state = std::move(s);
  return Status::Ok();
}

Result<CaseState> replay(const std::vector<CaseEvent>& history) {
  CaseState s;
  for (const auto& e : history) {
    if (auto st = apply_event(s, e); !st.ok()) return st;
  }
  if (s.version == 0) return NotFound("no events to replay");
  return s;
}

json to_json(const CaseState& s, bool reveal_cpr) {
  json attachments = json::array();
  for (const auto& a : s.attachments) {
    attachments.push_back({{"name", a.name}, {"kind", a.kind}, {"added_at", a.added_at}});
  }
  json citizen;
  if (s.citizen) citizen = reveal_cpr ? s.citizen->reveal() : s.citizen->masked();
  json out = {{"id", s.id},
          {"municipality", s.municipality},
          {"case_number", s.case_number},
          {"subject", s.subject},
          {"facet", s.facet},
          {"title", s.title},
          {"workflow", {{"id", s.workflow_id}, {"version", s.workflow_version}}},
          {"stage", s.stage},
          {"status", case_status_key(s.status)},
          {"citizen", citizen},
          {"owning_authority", s.owning_authority},
          {"received_by", s.received_by},
          {"acting_authority", s.acting_authority},
          {"unit", s.unit},
          {"fields", s.fields},
          {"attachments", attachments},
          {"clock", s.clock ? to_json(*s.clock) : json()},
          {"decided_on", optional_date(s.decided_on)},
          {"outcome", s.outcome},
          {"complaint_due", optional_date(s.complaint_due)},
          {"received_on", optional_date(s.received_on)},
          {"decided_by", s.decided_by},
          {"complaint_deadline", s.complaint_deadline},
          {"hearing", s.hearing},
          {"journal", s.journal},
          {"extension", s.extension},
          {"incident", s.incident},
          {"proposal", s.proposal},
          {"escalation", s.escalation},
          {"draft", s.draft},
          {"forwarded", s.forwarded},
          {"assignee", s.assignee},
          {"missing", s.missing},
          {"complaint", s.complaint},
          {"withdrawn", s.withdrawn},
          {"opened_at", s.opened_at},
          {"updated_at", s.updated_at},
          {"version", s.version}};
  // Every string and key (titles, fields and their names, attachment kinds,
  // escalation reasons, drafts, outcomes, incidents) in one linear pass.
  if (!reveal_cpr) mask_cpr_numbers_in(out);
  return out;
}

Result<CaseState> case_state_from_json(const json& j) {
  try {
    CaseState s;
    s.id = j.at("id").get<long long>();
    s.municipality = j.at("municipality").get<std::string>();
    s.case_number = j.at("case_number").get<std::string>();
    s.subject = j.at("subject").get<std::string>();
    s.facet = j.at("facet").get<std::string>();
    s.title = j.value("title", "");
    s.workflow_id = j.at("workflow").at("id").get<std::string>();
    s.workflow_version = j.at("workflow").at("version").get<int>();
    s.stage = j.at("stage").get<std::string>();
    s.status = j.at("status").get<std::string>() == "closed" ? CaseStatus::kClosed : CaseStatus::kOpen;
    if (j.at("citizen").is_string()) {
      auto cpr = Cpr::parse(j.at("citizen").get<std::string>());
      if (!cpr.ok()) return cpr.status();
      s.citizen = *cpr;
    }
    s.owning_authority = j.at("owning_authority").get<std::string>();
    s.acting_authority = j.at("acting_authority").get<std::string>();
    s.received_by = j.value("received_by", s.acting_authority);
    s.unit = j.at("unit").get<std::string>();
    s.fields = j.at("fields");
    for (const auto& a : j.at("attachments")) {
      s.attachments.push_back({a.at("name").get<std::string>(), a.value("kind", ""),
                               a.value("added_at", "")});
    }
    if (!j.at("clock").is_null()) {
      auto c = deadline_clock_from_json(j.at("clock"));
      if (!c.ok()) return c.status();
      s.clock = *c;
    }
    auto decided = read_optional_date(j, "decided_on");
    auto due = read_optional_date(j, "complaint_due");
    if (!decided.ok()) return decided.status();
    if (!due.ok()) return due.status();
    s.decided_on = *decided;
    s.complaint_due = *due;
    s.outcome = j.value("outcome", "");
    auto received = read_optional_date(j, "received_on");
    if (!received.ok()) return received.status();
    s.received_on = *received;
    s.decided_by = j.value("decided_by", "");
    s.complaint_deadline = j.value("complaint_deadline", json());
    s.hearing = j.value("hearing", json());
    s.journal = j.value("journal", json());
    s.extension = j.value("extension", json());
    s.incident = j.value("incident", json());
    s.proposal = j.value("proposal", json());
    s.escalation = j.value("escalation", json());
    s.draft = j.value("draft", json());
    s.forwarded = j.value("forwarded", json());
    s.assignee = j.value("assignee", json());
    s.missing = j.value("missing", json());
    s.complaint = j.value("complaint", json());
    s.withdrawn = j.value("withdrawn", json());
    s.opened_at = j.value("opened_at", "");
    s.updated_at = j.value("updated_at", "");
    s.version = j.at("version").get<long long>();
    return s;
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("malformed stored case state: ") + e.what());
  }
}

json to_json(const CaseEvent& e, bool reveal_cpr) {
  json out = {{"case_id", e.case_id}, {"seq", e.seq},         {"at", e.at},
              {"actor", e.actor},     {"unit", e.unit},       {"authority", e.authority},
              {"action", e.action},   {"from_stage", e.from_stage}, {"to_stage", e.to_stage},
              {"data", e.data}};
  if (!reveal_cpr) mask_cpr_numbers_in(out);  // the citizen's number included
  return out;
}

}  // namespace sagsflow
