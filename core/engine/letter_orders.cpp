#include "sagsflow/engine/letter_orders.hpp"

#include <fmt/format.h>

#include <array>

namespace sagsflow {

using nlohmann::json;

namespace {

bool english(std::string_view language) { return language == "en"; }

std::string text_of(const json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// A value of the case's fields as text (the event's own fields win).
std::string field_text(const CaseState& after, const CaseEvent& e, std::string_view name) {
  if (auto f = e.data.find("fields"); f != e.data.end() && f->is_object()) {
    if (auto t = text_of(*f, name); !t.empty()) return t;
  }
  return text_of(after.fields, name);
}

std::string written(const std::string& iso_date, std::string_view language) {
  auto d = parse_date(iso_date);
  return d.ok() ? written_date(*d, language) : iso_date;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (l.empty()) continue;
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

// The values every letter has.
LetterValues common_values(const CaseState& after, const LetterContext& ctx) {
  LetterValues v;
  v["municipality.name"] = ctx.municipality_name.empty() ? after.municipality : ctx.municipality_name;
  v["authority.name"] = ctx.authority_name.empty() ? v["municipality.name"] : ctx.authority_name;
  v["on_behalf_of"] = ctx.on_behalf_of;
  v["case.number"] = after.case_number;
  v["case.title"] = after.title;
  v["case.subject"] = ctx.subject_title.empty() ? after.subject : ctx.subject_title;
  v["date"] = written_date(ctx.today, ctx.language);
  v["citizen.name"] = ctx.citizen_name;
  v["sender.name"] = ctx.sender_name.empty() ? ctx.sender_unit : ctx.sender_name;
  v["sender.unit"] = ctx.sender_unit.empty() ? v["municipality.name"] : ctx.sender_unit;
  v["contact"] = ctx.contact;
  return v;
}

QueuedLetter order(LetterKind kind, const CaseState& after, const CaseEvent& e, const LetterContext& ctx,
                   LetterValues own, std::string outcome = {}) {
  QueuedLetter l;
  l.case_id = after.id;
  l.event_seq = e.seq;
  l.municipality = after.municipality;
  l.kind = letter_kind_key(kind);
  l.language = ctx.language;
  l.workflow = after.workflow_id;
  l.stage = e.from_stage.empty() ? e.to_stage : e.from_stage;
  l.outcome = std::move(outcome);
  l.idempotency_key = fmt::format("{}:{}:{}:{}", after.municipality, after.id, e.seq, l.kind);
  LetterValues values = common_values(after, ctx);
  for (auto& [k, val] : own) values[k] = std::move(val);
  l.values = json::object();
  for (const auto& [k, val] : values) l.values[k] = val;
  l.created_at = e.at;
  return l;
}

// The reasons of a decision: the decision's own, else the case's field `reasons`.
std::string reasons_of(const json& decision, const CaseState& after, const CaseEvent& e) {
  if (auto it = decision.find("reasons"); it != decision.end()) {
    if (it->is_string()) return it->get<std::string>();
    if (it->is_array()) {
      std::vector<std::string> lines;
      for (const auto& r : *it) {
        if (r.is_string()) lines.push_back(r.get<std::string>());
      }
      if (!lines.empty()) return join_lines(lines);
    }
  }
  return field_text(after, e, "reasons");
}

std::string missing_items(const json& missing, const std::map<std::string, std::string>& labels) {
  std::vector<std::string> lines;
  for (const char* part : {"fields", "attachments"}) {
    auto it = missing.find(part);
    if (it == missing.end() || !it->is_array()) continue;
    for (const auto& name : *it) {
      if (!name.is_string()) continue;
      const auto& key = name.get_ref<const std::string&>();
      auto label = labels.find(key);
      lines.push_back("- " + (label != labels.end() && !label->second.empty() ? label->second : key));
    }
  }
  return join_lines(lines);
}

}  // namespace

std::string written_date(Date day, std::string_view language) {
  static constexpr std::array<const char*, 12> kDa{"januar", "februar", "marts",     "april",   "maj",      "juni",
                                                   "juli",   "august",  "september", "oktober", "november", "december"};
  static constexpr std::array<const char*, 12> kEn{"January", "February", "March",     "April",   "May",      "June",
                                                   "July",    "August",   "September", "October", "November", "December"};
  const std::chrono::year_month_day ymd{day};
  const unsigned month = static_cast<unsigned>(ymd.month());
  const char* name = (english(language) ? kEn : kDa)[(month >= 1 && month <= 12 ? month : 1) - 1];
  if (english(language)) return fmt::format("{} {} {}", static_cast<unsigned>(ymd.day()), name, static_cast<int>(ymd.year()));
  return fmt::format("{}. {} {}", static_cast<unsigned>(ymd.day()), name, static_cast<int>(ymd.year()));
}

std::string outcome_in_words(std::string_view outcome, bool access_request, std::string_view language) {
  const bool en = english(language);
  if (outcome == "granted") return access_request ? (en ? "granted in full" : "imødekommet") : (en ? "granted" : "bevilget");
  if (outcome == "partly_granted") {
    return access_request ? (en ? "granted in part" : "delvist imødekommet") : (en ? "partly granted" : "delvis bevilget");
  }
  if (outcome == "refused") return en ? "refused" : "afslået";
  return std::string(outcome);
}

bool may_cause_letters(const CaseEvent& e) {
  static const std::array<const char*, 6> kActions{"open", "deadline_near", "deadline_passed", "hearing_started",
                                                   "letter", "plugin_event"};
  for (const char* a : kActions) {
    if (e.action == a) return true;
  }
  for (const char* key : {"missing", "forwarded", "decision", "extension", "plugin_event"}) {
    if (e.data.contains(key)) return true;
  }
  return false;
}

std::vector<QueuedLetter> letters_caused_by(const CaseState& before, const CaseEvent& e, const CaseState& after,
                                            const LetterContext& ctx) {
  std::vector<QueuedLetter> out;
  if (!after.citizen) return out;  // a letter needs a recipient
  const bool en = english(ctx.language);
  const std::string& lang = ctx.language;
  const bool access_request = ctx.workflow != nullptr && ctx.workflow->undecided_complaint_after.has_value() &&
                              !ctx.workflow->complaint_deadline.has_value();

  if (e.action == "open") {
    LetterValues v;
    v["received.date"] = written_date(after.received_on.value_or(ctx.today), lang);
    if (after.clock && !access_request) {
      v["processing.deadline"] = after.clock->spec.describe();
      if (!en) {
        // The spec's own words are English; a Danish letter says it in Danish.
        const auto& s = after.clock->spec;
        const char* unit = s.unit == DeadlineUnit::kWeeks         ? (s.amount == 1 ? "uge" : "uger")
                           : s.unit == DeadlineUnit::kWorkingDays ? (s.amount == 1 ? "arbejdsdag" : "arbejdsdage")
                                                                  : (s.amount == 1 ? "dag" : "dage");
        v["processing.deadline"] = fmt::format("{} {}", s.amount, unit);
      }
      v["processing.expected_date"] = written_date(after.clock->due, lang);
    } else {
      v["processing.deadline"] = "";
      v["processing.expected_date"] = "";
    }
    out.push_back(order(LetterKind::kReceipt, after, e, ctx, std::move(v)));
  }

  if (auto m = e.data.find("missing"); m != e.data.end() && m->is_object()) {
    LetterValues v;
    v["missing.items"] = missing_items(*m, ctx.labels);
    v["missing.reply_by"] = written(text_of(*m, "reply_by"), lang);
    if (!v["missing.items"].empty()) out.push_back(order(LetterKind::kMissingItems, after, e, ctx, std::move(v)));
  }

  if (auto f = e.data.find("forwarded"); f != e.data.end() && f->is_object()) {
    LetterValues v;
    v["forwarded.to"] = text_of(*f, "name").empty() ? text_of(*f, "to") : text_of(*f, "name");
    v["forwarded.contact"] = ctx.forwarded_contact;
    v["forwarded.on"] = written(text_of(*f, "on"), lang);
    v["forwarded.reason"] = text_of(*f, "reason");
    out.push_back(order(LetterKind::kForwarding, after, e, ctx, std::move(v)));
  }

  if (auto d = e.data.find("decision"); d != e.data.end() && d->is_object()) {
    const std::string outcome = text_of(*d, "outcome");
    LetterValues v;
    v["decision.outcome"] = outcome_in_words(outcome, access_request, lang);
    std::string reasons = reasons_of(*d, after, e);
    if (reasons.empty() && outcome == "granted") {
      reasons = access_request ? (en ? "You are granted access to the documents you asked for."
                                     : "Du får aktindsigt i de dokumenter, du har bedt om.")
                               : (en ? "You are granted what you applied for." : "Du har fået fuldt ud medhold i din ansøgning.");
    }
    v["decision.reasons"] = reasons;
    const json guidance = d->value("complaint_guidance", json());
    const bool guide = guidance.is_object() && outcome != "granted";
    v["complaint.guidance"] = guide ? "yes" : "";
    if (guide) v["complaint.to"] = text_of(guidance, "to");
    if (access_request) {
      v["access.received"] = written_date(after.received_on.value_or(ctx.today), lang);
      if (guide) {
        v["complaint.forward_days"] = "7";
        v["complaint.decide_days"] = "20";
        const std::string appeals = text_of(guidance, "appeals_body");
        std::string body = !appeals.empty() ? appeals : ctx.access_appeals_body;
        if (body.empty()) {
          // offentlighedsloven §37 stk. 1 names it by its place: the highest appeals body of the case concerned.
          body = en ? "the highest appeals body of the case the request concerns"
                    : "den øverste klageinstans for den sag, anmodningen angår";
        }
        v["complaint.appeals_body"] = body;
      }
      out.push_back(order(LetterKind::kAccessDecision, after, e, ctx, std::move(v), outcome));
    } else {
      v["decision.rules"] = field_text(after, e, "legal_basis");
      if (guide) {
        v["complaint.how"] = en ? "You can complain in writing, by Digital Post or by letter, or orally at the citizen "
                                  "service centre. Please give the case number."
                                : "Du kan klage skriftligt, med Digital Post eller med brev, eller mundtligt ved at "
                                  "henvende dig i Borgerservice. Oplys venligst sagsnummeret.";
        const std::string appeals = text_of(guidance, "appeals_body");
        v["complaint.appeals_body"] = !appeals.empty() ? appeals : ctx.appeals_body;
        // The date depends on how the letter reaches the citizen: the delivery adds it.
        v["complaint.deadline"] = "";
      }
      out.push_back(order(LetterKind::kDecision, after, e, ctx, std::move(v), outcome));
    }
  }

  // Warned of, or passed without a warning (the check did not run in time): the citizen is told (§3 stk. 2).
  const bool unwarned_breach = e.action == "deadline_passed" && before.clock && !before.clock->warned;
  if ((e.action == "deadline_near" || unwarned_breach) && after.clock && !access_request) {
    LetterValues v;
    v["deadline.original"] = written_date(after.clock->due, lang);
    v["delay.reason"] = en ? "The case is still being processed, and processing it takes longer than the deadline we "
                             "set for cases of this kind allows."
                           : "Sagen er stadig under behandling, og behandlingen tager længere tid end den frist, vi har "
                             "fastsat for denne type sager.";
    v["delay.expected_date"] = written_date(ctx.delay_expected, lang);
    out.push_back(order(LetterKind::kDelay, after, e, ctx, std::move(v)));
  }

  if (auto x = e.data.find("extension"); x != e.data.end() && x->is_object() && before.extension != after.extension) {
    LetterValues v;
    v["access.received"] = written_date(after.received_on.value_or(ctx.today), lang);
    v["extension.reason"] = text_of(*x, "reason");
    v["extension.expected_date"] = written(text_of(*x, "expected_date"), lang);
    out.push_back(order(LetterKind::kAccessExtension, after, e, ctx, std::move(v)));
  }

  if (auto h = e.data.find("hearing"); e.action == "hearing_started" && h != e.data.end() && h->is_object()) {
    LetterValues v;
    v["hearing.facts"] = text_of(*h, "facts");
    v["hearing.reply_by"] = written(text_of(*h, "reply_by"), lang);
    v["hearing.purpose"] = en ? fmt::format("your case «{}»", after.title) : fmt::format("din sag «{}»", after.title);
    out.push_back(order(LetterKind::kHearing, after, e, ctx, std::move(v)));
  }
  // A letter staff wrote (`case letter`), or one a plugin asks for with a
  // `letter_queued` event that brings its subject and body.
  const json* message = nullptr;
  if (auto l = e.data.find("letter"); e.action == "letter" && l != e.data.end() && l->is_object()) message = &*l;
  if (auto p = e.data.find("plugin_event"); p != e.data.end() && p->is_object() &&
      p->value("kind", std::string()) == "letter_queued") {
    if (auto d = p->find("data"); d != p->end() && d->is_object()) message = &*d;
  }
  if (message != nullptr && !text_of(*message, "subject").empty() && !text_of(*message, "body").empty()) {
    LetterValues v;
    v["message.subject"] = text_of(*message, "subject");
    v["message.body"] = text_of(*message, "body");
    out.push_back(order(LetterKind::kMessage, after, e, ctx, std::move(v)));
  }
  return out;
}

}  // namespace sagsflow
