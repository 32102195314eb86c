// `sagsflow case open|act|show|history|list|check-deadlines`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <functional>
#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/domain/kle.hpp"

namespace sagsflow::cli {
namespace {
using nlohmann::json;

struct CaseArgs {
  std::string workflow;
  int workflow_version = 0;
  std::string cpr;
  std::string title;
  std::string facet;
  std::vector<std::string> fields;       // key=value or key:=json
  std::vector<std::string> attachments;  // name or name:kind
  std::string case_ref;
  std::string action;
  long long expect_version = 0;
  std::string note;
  bool accept_late = false;
  bool verify = false;
  std::string stage;
  std::string status;
  int limit = 100;
  long long after = 0;
  bool count = false;
  std::string unit;    // worklist: the unit's queue
  std::string person;  // worklist: the person's claimed cases
  std::string reason;
  std::string outcome;
  std::string subject;
  std::string received_on;      // open, access-request: YYYY-MM-DD
  std::string late_reason;      // act --accept-late-complaint
  std::string delivery_channel; // act: digital_post or physical_post
  std::string reply_by;         // hearing: YYYY-MM-DD
  std::string query;            // search
  std::string purpose;          // search: why (required for a CPR number)
  std::string area;             // list, worklist, search: a service area
  std::string due_before;       // list, worklist, search: YYYY-MM-DD
  bool newest = false;          // list, worklist: newest first
};

// An optional date option: empty text is none; otherwise parse_date's answer, naming the option.
Result<std::optional<Date>> date_option(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Date>{};
  auto d = parse_date(text);
  if (!d.ok()) return InvalidArgument(std::string(option) + ": " + d.status().message());
  return std::optional<Date>{*d};
}

// The filters of list, worklist and search from their options.
Result<CaseListFilters> list_filters(const CaseArgs& a) {
  CaseListFilters f;
  if (!a.stage.empty()) f.stage = a.stage;
  if (!a.area.empty()) f.service_area = a.area;
  auto due = date_option(a.due_before, "--due-before");
  if (!due.ok()) return due.status();
  f.due_before = *due;
  f.newest_first = a.newest;
  return f;
}

Result<json> parse_fields(const std::vector<std::string>& items) {
  json out = json::object();
  for (const auto& item : items) {
    const auto typed = item.find(":=");
    const auto eq = item.find('=');
    if (typed != std::string::npos && typed < eq) {
      // Bounded as the engine bounds field values (no tree deeper than it takes).
      auto v = parse_bounded_json(item.substr(typed + 2), {kFieldBytesLimit, kFieldDepthLimit});
      if (!v.ok()) {
        return InvalidArgument(fmt::format("--field {}: the value after ':=' is not accepted: {}",
                                           item.substr(0, typed), v.status().message()));
      }
      out[item.substr(0, typed)] = std::move(*v);
    } else if (eq != std::string::npos && eq > 0) {
      out[item.substr(0, eq)] = item.substr(eq + 1);
    } else {
      return InvalidArgument("--field '" + item + "' must be key=value or key:=json");
    }
  }
  return out;
}

// A case is named by its id or by its case number.
Result<CaseState> find_case(CaseStore& store, const Context& ctx, const std::string& ref) {
  long long id = 0;
  const auto [ptr, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
  // Ids are written without leading zeros; "0104909989" is no id (and is
  // not to be echoed back as one).
  if (ec == std::errc() && ptr == ref.data() + ref.size() && ref[0] != '0') return store.load_case(id);
  auto m = ctx.resolve_municipality(store);
  if (!m.ok()) return m.status();
  return store.find_case(*m, ref);
}

std::string clock_text(const DeadlineClock& c) {
  std::string s = fmt::format("due {} ({}, started {})", format_date(c.due), c.spec.describe(),
                              format_date(c.started));
  if (c.paused()) s += fmt::format(", paused since {} while waiting for the citizen", format_date(*c.paused_since));
  if (c.breached) s += ", DEADLINE PASSED";
  else if (c.warned) s += ", deadline near";
  return s;
}

void print_case(const CaseState& s, const std::vector<ActionDefinition>& actions) {
  std::cout << fmt::format("Case {}  (id {}, version {})\n", s.case_number, s.id, s.version);
  const auto row = [](const char* label, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("  {:<18} {}\n", label, value);
  };
  row("Title", s.title);
  row("Municipality", s.municipality);
  row("Workflow", fmt::format("{} v{}", s.workflow_id, s.workflow_version));
  row("Stage", fmt::format("{} ({})", s.stage, case_status_key(s.status)));
  row("Citizen", s.citizen ? s.citizen->masked() : "");
  row("Owning authority", s.owning_authority);
  row("Acting authority", s.acting_authority);
  row("Unit", s.unit);
  if (s.clock) row("Deadline", clock_text(*s.clock));
  if (!s.missing.is_null()) {
    std::vector<std::string> items;
    for (const auto& f : s.missing.value("fields", nlohmann::json::array())) items.push_back(f.get<std::string>());
    for (const auto& a : s.missing.value("attachments", nlohmann::json::array())) {
      items.push_back(a.get<std::string>() + " (attachment)");
    }
    row("Waiting for", fmt::format("{} (asked {})", items.empty() ? "nothing named" : fmt::format("{}", fmt::join(items, ", ")),
                                   s.missing.value("since", "?")));
  }
  if (!s.hearing.is_null()) {
    row("Party hearing", fmt::format("reply by {} (since {}): {}", s.hearing.value("reply_by", "?"),
                                     s.hearing.value("since", "?"), mask_cpr_numbers(s.hearing.value("facts", ""))));
  }
  if (s.received_on) row("Received", format_date(*s.received_on));
  if (!s.extension.is_null()) {
    row("Extended", fmt::format("decision expected {}: {}", s.extension.value("expected_date", "?"),
                                mask_cpr_numbers(s.extension.value("reason", ""))));
  }
  if (!s.escalation.is_null()) row("Escalated", s.escalation.value("reason", ""));
  if (!s.draft.is_null()) {
    row("Draft decision", fmt::format("{} by {}: {}", s.draft.value("outcome", "?"), s.draft.value("by_name", "?"),
                                      mask_cpr_numbers(s.draft.value("reasons", ""))));
  }
  if (!s.forwarded.is_null()) {
    row("Forwarded", fmt::format("to {} on {}", s.forwarded.value("name", "?"), s.forwarded.value("on", "?")));
  }
  if (s.decided_on) {
    row("Decision", fmt::format("{} on {}{}", s.outcome.empty() ? "decided" : s.outcome,
                                format_date(*s.decided_on),
                                s.complaint_due ? ", complaint by " + format_date(*s.complaint_due) : ""));
  }
  if (!s.proposal.is_null()) {
    std::vector<std::string> reasons;
    for (const auto& r : s.proposal.value("reasons", nlohmann::json::array())) reasons.push_back(r.get<std::string>());
    row("Proposal", fmt::format("{} ({})", s.proposal.value("outcome", "?"), fmt::join(reasons, "; ")));
  }
  if (!s.incident.is_null()) {
    row("INCIDENT", fmt::format("plugin {} failed in {} during '{}' at {}: {}", s.incident.value("plugin", "?"),
                                s.incident.value("operation", "?"), s.incident.value("action", "?"),
                                s.incident.value("at", "?"), s.incident.value("error", "?")));
  }
  for (const auto& [k, v] : s.fields.items()) {
    row(("Field " + k).c_str(), mask_cpr_numbers(v.is_string() ? v.get<std::string>() : v.dump()));
  }
  for (const auto& a : s.attachments) row("Attachment", a.name + (a.kind.empty() ? "" : " (" + a.kind + ")"));
  std::vector<std::string> names;
  for (const auto& a : actions) names.push_back(a.name);
  if (s.status == CaseStatus::kOpen) row("Next actions", names.empty() ? "none for you" : fmt::format("{}", fmt::join(names, ", ")));
}

json case_json(const CaseState& s, const std::vector<ActionDefinition>& actions) {
  json j = to_json(s, /*reveal_cpr=*/false);
  json names = json::array();
  for (const auto& a : actions) names.push_back(a.name);
  j["available_actions"] = names;
  return j;
}

// The KLE subject's title and KLE's recommended deletion deadline, when a plan is imported.
std::string kle_line(db::SqlStore& store, const std::string& number) {
  auto subject = store.kle_subject(number);
  if (!subject.ok() || !*subject) return {};
  std::string line = number + " " + (*subject)->title;
  if (!(*subject)->deletion.empty()) line += " (delete after " + describe_kle_duration((*subject)->deletion) + ")";
  return line;
}

int show_view(const Context& ctx, const CaseView& v, const std::string& kle = {}) {
  const CaseState& s = v.state;
  const Queue& q = v.queue;
  if (ctx.json) {
    json j = case_json(s, v.actions);
    if (!q.kind.empty()) j["queue"] = {{"kind", q.kind}, {"id", q.id}, {"name", q.name}};
    if (!kle.empty()) j["kle"] = kle;
    print_json(j);
  } else {
    print_case(s, v.actions);
    if (!kle.empty()) std::cout << fmt::format("  {:<18} {}\n", "KLE", kle);
    if (!q.kind.empty() && s.status == CaseStatus::kOpen) {
      std::cout << fmt::format("  {:<18} {}{}\n", "Queue", q.name,
                               q.kind == "authority" ? " (forward the case there)" : "");
    }
  }
  return kExitOk;
}

// Runs one change and prints the case as the person sees it afterwards; the
// core records that answer as a read, as it does for the API.
int show_change(const Context& ctx, CaseEngine& engine, const Actor& actor, const std::string& operation,
                const std::function<Result<CaseState>()>& change) {
  auto view = engine.change_and_view(actor, ReadPurpose::answer_to(operation, "cli"), change);
  if (!view.ok()) return fail(ctx, view.status());
  if (!ctx.json && view->state.citizen && !view->state.citizen->mod11_ok() && operation == "open") {
    std::cerr << "note: CPR number " << view->state.citizen->masked()
              << " has no valid modulus-11 check digit; accepted, as numbers issued since 2007 may lack one\n";
  }
  return show_view(ctx, *view);
}

int open(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto fields = parse_fields(a.fields);
  if (!fields.ok()) return fail(ctx, fields.status());
  OpenCaseRequest req;
  req.municipality = s->municipality;
  req.workflow_id = a.workflow;
  if (a.workflow_version > 0) req.workflow_version = a.workflow_version;
  if (!a.cpr.empty()) req.citizen_cpr = a.cpr;
  req.title = a.title;
  req.fields = *fields;
  if (!a.facet.empty()) req.facet = a.facet;
  auto received = date_option(a.received_on, "--received-on");
  if (!received.ok()) return fail(ctx, received.status());
  req.received_on = *received;
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  req.actor = *me;
  return show_change(ctx, *s->engine, req.actor, "open", [&] { return s->engine->open_case(req); });
}

int act(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto fields = parse_fields(a.fields);
  if (!fields.ok()) return fail(ctx, fields.status());
  ActionRequest req;
  req.case_id = found->id;
  req.action = a.action;
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  req.actor = *me;
  req.fields = *fields;
  for (const auto& att : a.attachments) {
    const auto colon = att.find(':');
    req.attachments.push_back({att.substr(0, colon), colon == std::string::npos ? "" : att.substr(colon + 1), ""});
  }
  if (a.expect_version > 0) req.expected_version = a.expect_version;
  req.note = a.note;
  req.accept_late_complaint = a.accept_late;
  req.late_reason = a.late_reason;
  if (!a.delivery_channel.empty()) {
    auto channel = delivery_channel_from_key(a.delivery_channel);
    if (!channel) {
      return fail(ctx, InvalidArgument("--delivery-channel must be digital_post or physical_post, got '" +
                                       a.delivery_channel.substr(0, 40) + "'"));
    }
    req.delivery_channel = *channel;
  }
  return show_change(ctx, *s->engine, req.actor, "act " + req.action, [&] { return s->engine->act(req); });
}

int show(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Actor actor = *me;
  auto visible = s->engine->view_case(found->id, actor, {kReadCase, "cli"});
  if (!visible.ok()) return fail(ctx, visible.status());
  return show_view(ctx, *visible, kle_line(*s->store, visible->state.subject));
}

int history(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto events = s->engine->history_for(found->id, *me, {kReadHistory, "cli"});
  if (!events.ok()) return fail(ctx, events.status());
  std::optional<bool> replay_matches;
  if (a.verify) {
    auto replayed = replay(*events);
    replay_matches = replayed.ok() && *replayed == *found;
  }
  if (ctx.json) {
    json list = json::array();
    for (const auto& e : *events) list.push_back(to_json(e, /*reveal_cpr=*/false));
    json out = {{"case_number", found->case_number}, {"events", list}};
    if (replay_matches) out["replay_matches_state"] = *replay_matches;
    print_json(out);
  } else {
    std::cout << "History of case " << found->case_number << "\n";
    for (const auto& e : *events) {
      std::cout << fmt::format("{:>3}  {}  {:<18} {} -> {}  by {} ({}, {})\n", e.seq, e.at,
                               e.action, e.from_stage.empty() ? "-" : e.from_stage, e.to_stage,
                               e.actor, e.unit.empty() ? "-" : e.unit, e.authority);
      if (e.data.contains("forwarded")) {
        std::cout << fmt::format("       forwarded to {} on {}\n", e.data["forwarded"].value("name", "?"),
                                 e.data["forwarded"].value("on", "?"));
      }
      if (e.data.contains("escalation")) {
        std::cout << "       escalated to the specialist group: " << e.data["escalation"].value("reason", "") << "\n";
      }
      if (e.data.contains("draft")) {
        std::cout << fmt::format("       draft decision by {} for {}: {}\n", e.data["draft"].value("by_name", "?"),
                                 e.data["draft"].value("for_authority", "?"), e.data["draft"].value("outcome", "?"));
      }
      if (e.data.contains("letter")) {
        std::cout << fmt::format("       letter from {}: {}\n", e.data["letter"].value("from_name", "?"),
                                 e.data["letter"].value("subject", ""));
      }
      if (e.data.contains("note")) {
        std::cout << "       note: " << mask_cpr_numbers(e.data["note"].get<std::string>()) << "\n";
      }
    }
    if (replay_matches) {
      std::cout << (*replay_matches ? "replay of the history matches the stored case\n"
                                    : "REPLAY DIFFERS from the stored case\n");
    }
  }
  return replay_matches.value_or(true) ? kExitOk : kExitError;
}

// What every list prints after its cases: whether it was cut and where the next page starts.
void print_page_end(bool cut, const std::optional<long long>& next_after, const std::optional<long long>& total,
                    bool total_capped, std::size_t shown) {
  if (total) std::cout << fmt::format("{} of {}{} case(s) shown\n", shown, total_capped ? "at least " : "", *total);
  if (cut) std::cout << fmt::format("list cut after {} case(s): more may follow with --after {}\n", shown, *next_after);
}

json page_json(json cases, bool cut, const std::optional<long long>& next_after, const std::optional<long long>& total,
               bool total_capped) {
  json out{{"cases", std::move(cases)}, {"cut", cut}, {"next_after", next_after ? json(*next_after) : json()}};
  if (total) {
    out["total"] = *total;
    out["total_capped"] = total_capped;
  }
  return out;
}

void print_case_rows(const std::vector<const CaseState*>& cases) {
  std::cout << fmt::format("{:>5}  {:<26} {:<20} {:<18} {:<8} {:<12} {}\n", "ID", "CASE NUMBER", "WORKFLOW",
                           "STAGE", "STATUS", "CITIZEN", "DUE");
  for (const CaseState* c : cases) {
    std::string due = c->clock ? format_date(c->clock->due) : "";
    if (c->clock && c->clock->paused()) due += " (paused)";
    if (c->clock && c->clock->breached) due += " (passed)";
    else if (c->clock && c->clock->warned) due += " (near)";
    std::cout << fmt::format("{:>5}  {:<26} {:<20} {:<18} {:<8} {:<12} {}\n", c->id, c->case_number,
                             fmt::format("{} v{}", c->workflow_id, c->workflow_version), c->stage,
                             case_status_key(c->status), c->citizen ? c->citizen->masked() : "-", due);
  }
}

int list(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  CaseFilter f;
  if (!ctx.municipality.empty()) f.municipality = ctx.municipality;
  auto filters = list_filters(a);
  if (!filters.ok()) return fail(ctx, filters.status());
  if (auto st = s->engine->apply_filters(*filters, f); !st.ok()) return fail(ctx, st);
  if (a.status == "open") f.status = CaseStatus::kOpen;
  if (a.status == "closed") f.status = CaseStatus::kClosed;
  f.limit = a.limit;
  f.after = a.after;
  const std::string municipality = ctx.municipality.empty() ? std::string() : ctx.municipality;
  auto me = s->actor(ctx, municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto page = s->engine->list_cases_page(f, *me, {kReadCaseList, "cli"}, a.count);
  if (!page.ok()) return fail(ctx, page.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& c : page->cases) out.push_back(to_json(c, false));
    print_json(page_json(std::move(out), page->cut, page->next_after, page->total, page->total_capped));
    return kExitOk;
  }
  std::vector<const CaseState*> rows;
  for (const auto& c : page->cases) rows.push_back(&c);
  print_case_rows(rows);
  print_page_end(page->cut, page->next_after, page->total, page->total_capped, rows.size());
  return kExitOk;
}

int worklist(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  if (a.unit.empty() == a.person.empty()) {
    return fail(ctx, InvalidArgument("case worklist: name --unit (a unit's queue) or --person (their claimed cases)"));
  }
  WorklistQuery q;
  q.municipality = s->municipality;
  if (!a.unit.empty()) q.unit = a.unit;
  if (!a.person.empty()) q.person = a.person;
  q.limit = a.limit;
  q.after = a.after;
  q.count = a.count;
  auto filters = list_filters(a);
  if (!filters.ok()) return fail(ctx, filters.status());
  q.filters = *filters;
  auto page = s->engine->worklist_page(q, *me, {kReadWorklist, "cli"});
  if (!page.ok()) return fail(ctx, page.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& item : page->items) {
      json j = to_json(item.state, false);
      j["queue"] = {{"kind", item.queue.kind}, {"id", item.queue.id}, {"name", item.queue.name}};
      out.push_back(std::move(j));
    }
    print_json(page_json(std::move(out), page->cut, page->next_after, page->total, page->total_capped));
    return kExitOk;
  }
  std::vector<const CaseState*> rows;
  for (const auto& item : page->items) rows.push_back(&item.state);
  print_case_rows(rows);
  print_page_end(page->cut, page->next_after, page->total, page->total_capped, rows.size());
  return kExitOk;
}

// case search TEXT [--purpose]: the staff search box (a CPR number, a case
// number, a KLE subject, or words), newest first.
int search(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, true);
  if (!s.ok()) return fail(ctx, s.status());
  auto me = s->actor(ctx, s->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto filters = list_filters(a);
  if (!filters.ok()) return fail(ctx, filters.status());
  CaseSearch q;
  q.municipality = s->municipality;
  q.text = a.query;
  q.purpose = a.purpose;
  q.limit = a.limit;
  q.after = a.after;
  q.count = a.count;
  q.filters = *filters;
  auto found = s->engine->search_cases(q, *me, "cli");
  if (!found.ok()) return fail(ctx, found.status());
  const CasePage& page = found->page;
  if (ctx.json) {
    json out = json::array();
    for (const auto& c : page.cases) out.push_back(to_json(c, false));
    json j = page_json(std::move(out), page.cut, page.next_after, page.total, page.total_capped);
    j["kind"] = search_kind_key(found->kind);
    print_json(j);
    return kExitOk;
  }
  std::vector<const CaseState*> rows;
  for (const auto& c : page.cases) rows.push_back(&c);
  print_case_rows(rows);
  print_page_end(page.cut, page.next_after, page.total, page.total_capped, rows.size());
  return kExitOk;
}

int propose(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Actor actor = *me;
  return show_change(ctx, *s->engine, actor, "propose", [&] { return s->engine->propose_decision(found->id, actor); });
}

int note(const Context& ctx, const CaseArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Actor actor = *me;
  return show_change(ctx, *s->engine, actor, "note", [&] { return s->engine->add_note(found->id, actor, a.note); });
}

// escalate, draft-decision and letter: one engine call on a found case.
template <typename F>
int on_case(const Context& ctx, const CaseArgs& a, const std::string& operation, F&& call) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Actor actor = *me;
  return show_change(ctx, *s->engine, actor, operation, [&] { return call(*s->engine, found->id, actor); });
}

int check_deadlines(const Context& ctx) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto n = s->engine->check_deadlines();
  if (!n.ok()) return fail(ctx, n.status());
  if (ctx.json) print_json({{"deadlines_passed", *n}});
  else std::cout << *n << " case(s) newly past or near their deadline\n";
  return kExitOk;
}

}  // namespace

Result<CaseState> find_case_ref(CaseStore& store, const Context& ctx, const std::string& ref) {
  return find_case(store, ctx, ref);
}

void add_case_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static CaseArgs a;
  auto* c = app.add_subcommand("case", "Cases: open, act, show, history, list, worklist");
  c->require_subcommand(1);

  auto* o = c->add_subcommand("open", "Open a case on a deployed workflow");
  o->add_option("--workflow,-w", a.workflow, "Workflow id")->required();
  o->add_option("--workflow-version", a.workflow_version, "Workflow version (default: latest)")
      ->check(CLI::Range(1, 1000000));
  o->add_option("--cpr", a.cpr, "The citizen's CPR number, DDMMYY-SSSS");
  o->add_option("--title", a.title, "Case title (default: the workflow's)");
  o->add_option("--facet", a.facet, "KLE handling facet (default: the workflow's)");
  o->add_option("--field,-f", a.fields, "Form field, key=value or key:=json (repeatable)");
  o->add_option("--received-on", a.received_on, "The day the inquiry was received, YYYY-MM-DD (default: today)");
  o->callback([&] { exit_code = open(ctx, a); });

  auto* t = c->add_subcommand("act", "Perform an action of the case's current stage");
  t->add_option("case", a.case_ref, "Case id or case number")->required();
  t->add_option("action", a.action, "Action name")->required();
  t->add_option("--field,-f", a.fields, "Form field, key=value or key:=json (repeatable)");
  t->add_option("--attach", a.attachments, "Attachment received, name[:kind] (repeatable)");
  t->add_option("--expect-version", a.expect_version,
                "Refuse with a conflict unless the case is still at this version")
      ->check(CLI::Range(0LL, 1000000000000LL));
  t->add_option("--note", a.note, "Note recorded with the action");
  t->add_flag("--accept-late-complaint", a.accept_late, "The authority hears a complaint after its deadline");
  t->add_option("--late-reason", a.late_reason, "Why the late complaint is heard (needed with --accept-late-complaint)");
  t->add_option("--delivery-channel", a.delivery_channel,
                "How a decision reaches the citizen: digital_post (default) or physical_post");
  t->callback([&] { exit_code = act(ctx, a); });

  auto* s = c->add_subcommand("show", "Show a case, its deadline and the actions you may take");
  s->add_option("case", a.case_ref, "Case id or case number")->required();
  s->callback([&] { exit_code = show(ctx, a); });

  auto* h = c->add_subcommand("history", "Show a case's event history in order");
  h->add_option("case", a.case_ref, "Case id or case number")->required();
  h->add_flag("--verify", a.verify, "Replay the history and compare with the stored case");
  h->callback([&] { exit_code = history(ctx, a); });

  auto* l = c->add_subcommand("list", "List cases");
  l->add_option("--stage", a.stage, "Only cases in this stage");
  l->add_option("--status", a.status, "open or closed")->check(CLI::IsMember({"open", "closed"}));
  l->add_option("--limit", a.limit, "At most this many (default 100)")->check(CLI::Range(1, 100000));
  l->add_option("--after", a.after, "Only cases with a greater id (the cursor a cut list printed)")
      ->check(CLI::Range(0LL, 9223372036854775807LL));
  l->add_flag("--count", a.count, "Also count the whole list (reads every case of it)");
  const auto add_filters = [&](CLI::App* cmd, bool with_sort) {
    cmd->add_option("--area", a.area, "Only cases of this service area");
    cmd->add_option("--due-before", a.due_before, "Only open cases whose running deadline falls before this day (YYYY-MM-DD)");
    if (with_sort) cmd->add_flag("--newest", a.newest, "Newest first (default: oldest first)");
  };
  add_filters(l, true);
  l->callback([&] { exit_code = list(ctx, a); });

  auto* se = c->add_subcommand("search", "Find cases by CPR number (with --purpose), case number, KLE subject, "
                                          "name or words (Danish stemming: 'flytning' finds 'flytninger'); newest first");
  se->add_option("query", a.query, "What to look for")->required();
  se->add_option("--purpose", a.purpose, "Why you search (required for a CPR number; recorded in the access log)");
  se->add_option("--stage", a.stage, "Only cases in this stage");
  se->add_option("--limit", a.limit, "At most this many (default 100)")->check(CLI::Range(1, 1000));
  se->add_option("--after", a.after, "Only cases with a smaller id (the cursor a cut list printed)")
      ->check(CLI::Range(0LL, 9223372036854775807LL));
  se->add_flag("--count", a.count, "Also count every match");
  add_filters(se, false);
  se->callback([&] { exit_code = search(ctx, a); });

  auto* wl = c->add_subcommand("worklist", "A unit's queue or a person's claimed cases, oldest first");
  auto* wl_unit = wl->add_option("--unit", a.unit, "The unit whose queue to list");
  auto* wl_person = wl->add_option("--person", a.person, "The person whose claimed cases to list");
  wl_unit->excludes(wl_person);
  wl->add_option("--limit", a.limit, "At most this many (default 100)")->check(CLI::Range(1, 1000));
  wl->add_option("--after", a.after, "Only cases with a greater id (the cursor a cut list printed)")
      ->check(CLI::Range(0LL, 9223372036854775807LL));
  wl->add_flag("--count", a.count, "Also count the whole list (reads every case of it)");
  wl->add_option("--stage", a.stage, "Only cases in this stage");
  add_filters(wl, true);
  wl->callback([&] { exit_code = worklist(ctx, a); });

  auto* p = c->add_subcommand("propose", "Ask the case's plugin for a decision proposal with reasons");
  p->add_option("case", a.case_ref, "Case id or case number")->required();
  p->callback([&] { exit_code = propose(ctx, a); });

  auto* n = c->add_subcommand("note", "Add a note to a case");
  n->add_option("case", a.case_ref, "Case id or case number")->required();
  n->add_option("text", a.note, "The note")->required();
  n->callback([&] { exit_code = note(ctx, a); });

  auto* e = c->add_subcommand("escalate", "Hand a complex case to the specialist group of its area");
  e->add_option("case", a.case_ref, "Case id or case number")->required();
  e->add_option("--reason", a.reason, "What makes the case complex")->required();
  e->callback([&] {
    exit_code = on_case(ctx, a, "escalate", [&](CaseEngine& en, long long id, const Actor& who) {
      return en.escalate(id, who, a.reason);
    });
  });

  auto* d = c->add_subcommand("draft-decision",
                              "Draft the decision for the municipality that decides (under an agreement)");
  d->add_option("case", a.case_ref, "Case id or case number")->required();
  d->add_option("--outcome", a.outcome, "granted, partly_granted, refused or dismissed")->required();
  d->add_option("--reasons", a.reason, "The reasons")->required();
  d->callback([&] {
    exit_code = on_case(ctx, a, "draft-decision", [&](CaseEngine& en, long long id, const Actor& who) {
      return en.draft_decision(id, who, a.outcome, a.reason);
    });
  });

  auto* ar = c->add_subcommand("access-request",
                               "Register a request for access to a case's file (aktindsigt: facet A53, 7 working days)");
  ar->add_option("case", a.case_ref, "The case the request concerns (id or case number)")->required();
  ar->add_option("--requester", a.subject, "Who asks")->required();
  ar->add_option("--note", a.note, "Note");
  ar->add_option("--received-on", a.received_on, "The day the request was received, YYYY-MM-DD (default: today)");
  ar->callback([&] {
    exit_code = on_case(ctx, a, "access-request", [&](CaseEngine& en, long long id, const Actor& who) -> Result<CaseState> {
      auto received = date_option(a.received_on, "--received-on");
      if (!received.ok()) return received.status();
      return en.open_access_request(id, who, a.subject, a.note, *received);
    });
  });

  auto* hs = c->add_subcommand("hearing", "Hear the citizen on facts they may not know (partshøring, FVL §19); "
                                          "the deadline clock stands still until the reply or the reply date");
  hs->add_option("case", a.case_ref, "Case id or case number")->required();
  hs->add_option("--facts", a.note, "The facts the citizen is heard on")->required();
  hs->add_option("--reply-by", a.reply_by, "Reply date, YYYY-MM-DD (default: 14 days, rolled to a working day)");
  hs->callback([&] {
    exit_code = on_case(ctx, a, "hearing", [&](CaseEngine& en, long long id, const Actor& who) -> Result<CaseState> {
      auto until = date_option(a.reply_by, "--reply-by");
      if (!until.ok()) return until.status();
      return en.start_hearing(id, who, a.note, *until);
    });
  });

  auto* hr = c->add_subcommand("hearing-reply", "Record the citizen's reply to a party hearing (the clock runs again)");
  hr->add_option("case", a.case_ref, "Case id or case number")->required();
  hr->add_option("--reply", a.note, "What the citizen replied (or where the reply is filed)");
  hr->callback([&] {
    exit_code = on_case(ctx, a, "hearing-reply", [&](CaseEngine& en, long long id, const Actor& who) {
      return en.record_hearing_reply(id, who, a.note);
    });
  });

  auto* w = c->add_subcommand("letter", "Record a letter to the citizen (it names the acting authority)");
  w->add_option("case", a.case_ref, "Case id or case number")->required();
  w->add_option("--subject", a.subject, "Subject")->required();
  w->add_option("--body", a.note, "Text")->required();
  w->callback([&] {
    exit_code = on_case(ctx, a, "letter", [&](CaseEngine& en, long long id, const Actor& who) {
      return en.send_letter(id, who, a.subject, a.note);
    });
  });

  c->add_subcommand("check-deadlines", "Record every running deadline that has passed")
      ->callback([&] { exit_code = check_deadlines(ctx); });

  add_case_document_commands(*c, ctx, exit_code);
}

}  // namespace sagsflow::cli
