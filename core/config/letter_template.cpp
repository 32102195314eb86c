#include "sagsflow/config/letter_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "yaml_checker.hpp"

namespace sagsflow {

namespace {

struct KindName {
  LetterKind kind;
  const char* key;
};
constexpr std::array<KindName, 12> kKinds{{{LetterKind::kReceipt, "receipt"},
                                          {LetterKind::kMissingItems, "missing_items"},
                                          {LetterKind::kDecision, "decision"},
                                          {LetterKind::kForwarding, "forwarding"},
                                          {LetterKind::kDelay, "delay"},
                                          {LetterKind::kAccessExtension, "access_extension"},
                                          {LetterKind::kAccessDecision, "access_decision"},
                                          {LetterKind::kHearing, "hearing"},
                                          {LetterKind::kMessage, "message"},
                                          {LetterKind::kAppointmentConfirmation, "appointment_confirmation"},
                                          {LetterKind::kAppointmentReminder, "appointment_reminder"},
                                          {LetterKind::kAppointmentCancelled, "appointment_cancelled"}}};

const std::vector<LetterField>& common_fields() {
  static const std::vector<LetterField> kCommon{
      {"municipality.name", "the municipality's name (the letterhead)"},
      {"authority.name", "the authority that acts and signs: the municipality, or another authority the centre acts for"},
      {"on_behalf_of", "the authority on whose behalf the acting one writes, when that is another (empty otherwise)"},
      {"case.number", "the case number (journal number), e.g. 05.04.02-G01-17-26"},
      {"case.title", "the case's title"},
      {"case.subject", "the KLE subject's title, when the KLE plan is imported (else its number)"},
      {"date", "the letter's date, written out (3. december 2026)"},
      {"citizen.name", "the recipient's name, when known"},
      {"sender.name", "the person who sends the letter"},
      {"sender.unit", "the unit the sender works in"},
      {"contact", "how to reach the sender's unit (phone, web), from the municipality file"},
  };
  return kCommon;
}

const std::vector<LetterField>& own_fields(LetterKind kind) {
  static const std::vector<LetterField> kReceipt{
      {"received.date", "the day the application or inquiry was received"},
      {"processing.deadline", "the published processing deadline of the service area (e.g. 4 uger)"},
      {"processing.expected_date", "the date a decision can be expected by, counted from receipt"},
  };
  static const std::vector<LetterField> kMissing{
      {"missing.items", "what is missing, one item a line"},
      {"missing.reply_by", "the date to send it by; the processing clock pauses until it comes"},
  };
  static const std::vector<LetterField> kDecision{
      {"decision.outcome", "the outcome in words (bevilget, afslået, delvis bevilget)"},
      {"decision.reasons", "the reasons (FVL §§22-24): the rules applied and the facts that decided"},
      {"decision.rules", "the legal basis, when the workflow or the caseworker names it"},
      {"complaint.guidance", "set when the decision does not grant everything asked for: the complaint guidance is due"},
      {"complaint.to", "the authority that receives the complaint (the one that decided)"},
      {"complaint.how", "how to complain (in writing, by Digital Post, at the citizen service centre)"},
      {"complaint.deadline", "the last day of the complaint deadline, counted from when the letter is received"},
      {"complaint.appeals_body", "the appeals body the complaint goes on to when the decision is upheld"},
  };
  static const std::vector<LetterField> kForwarding{
      {"forwarded.to", "the authority the inquiry was sent on to"},
      {"forwarded.contact", "that authority's address, phone and web"},
      {"forwarded.on", "the day it was sent on"},
      {"forwarded.reason", "why that authority is the right one"},
  };
  static const std::vector<LetterField> kDelay{
      {"deadline.original", "the processing deadline that will not be kept"},
      {"delay.reason", "why it cannot be kept"},
      {"delay.expected_date", "when a decision can be expected instead"},
  };
  static const std::vector<LetterField> kAccessExtension{
      {"access.received", "the day the access request was received"},
      {"extension.reason", "why 7 working days are not enough (offentlighedsloven §36(2))"},
      {"extension.expected_date", "when a decision can be expected"},
  };
  static const std::vector<LetterField> kAccessDecision{
      {"decision.outcome", "the outcome in words (imødekommet, delvist imødekommet, afslået)"},
      {"decision.reasons", "the reasons, with the provisions of offentlighedsloven relied on"},
      {"access.received", "the day the access request was received"},
      {"complaint.guidance", "set when the request is refused in whole or in part"},
      {"complaint.to", "the authority that decided (the complaint goes there first)"},
      {"complaint.forward_days", "the working days that authority has to forward an upheld decision (7)"},
      {"complaint.appeals_body", "the highest appeals body of the case the request concerns"},
      {"complaint.decide_days", "the working days the appeals body has to decide (20)"},
  };
  static const std::vector<LetterField> kHearing{
      {"hearing.facts", "the facts the decision may rest on that the citizen is not assumed to know"},
      {"hearing.reply_by", "the last day to comment"},
      {"hearing.purpose", "what is about to be decided"},
  };
  static const std::vector<LetterField> kMessage{
      {"message.subject", "the subject the sender gave the letter"},
      {"message.body", "the text the sender wrote"},
  };
  static const std::vector<LetterField> kAppointment{
      {"appointment.service", "what the appointment is for (the service area's title, e.g. Pas)"},
      {"appointment.when", "the day and time written out (torsdag den 3. december 2026 kl. 10:15)"},
      {"appointment.minutes", "how long it takes, in minutes"},
      {"appointment.place", "the unit that receives the citizen (e.g. Borgerservice)"},
      {"appointment.address", "the municipality's address from its letterhead, one line"},
      {"appointment.reference", "the booking's number, to quote when moving or cancelling it"},
      {"appointment.bring", "what to bring, from the municipality file (appointments.bring); may be empty"},
      {"appointment.change", "how to move or cancel it: Mine sager, the municipality's phone and web"},
      {"appointment.replaces", "confirmation of a moved appointment: the earlier time it replaces; else empty"},
      {"appointment.reason", "cancellation: why staff cancelled it, when they said so; may be empty"},
  };
  switch (kind) {
    case LetterKind::kAppointmentConfirmation:
    case LetterKind::kAppointmentReminder:
    case LetterKind::kAppointmentCancelled: return kAppointment;
    case LetterKind::kMessage: return kMessage;
    case LetterKind::kReceipt: return kReceipt;
    case LetterKind::kMissingItems: return kMissing;
    case LetterKind::kDecision: return kDecision;
    case LetterKind::kForwarding: return kForwarding;
    case LetterKind::kDelay: return kDelay;
    case LetterKind::kAccessExtension: return kAccessExtension;
    case LetterKind::kAccessDecision: return kAccessDecision;
    case LetterKind::kHearing: return kHearing;
  }
  return kReceipt;
}

bool has_field(LetterKind kind, std::string_view name) {
  const auto is = [&](const LetterField& f) { return f.name == name; };
  return std::any_of(common_fields().begin(), common_fields().end(), is) ||
         std::any_of(own_fields(kind).begin(), own_fields(kind).end(), is);
}

// A field reference in a text: its name and where in the text it starts.
struct Reference {
  std::string name;
  size_t at = 0;
};

// The `{{ name }}` references of `text`; an unclosed `{{` is reported at its offset.
std::vector<Reference> references_in(std::string_view text, std::optional<size_t>* unclosed) {
  std::vector<Reference> out;
  size_t at = 0;
  while ((at = text.find("{{", at)) != std::string_view::npos) {
    const size_t end = text.find("}}", at + 2);
    if (end == std::string_view::npos) {
      *unclosed = at;
      break;
    }
    std::string_view inner = text.substr(at + 2, end - at - 2);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    out.push_back({std::string(inner), at});
    at = end + 2;
  }
  return out;
}

class TemplateReader {
 public:
  TemplateReader(Checker& c, std::string_view source) : c_(c), source_(source) {}

  // Checks the references of the scalar `n` (holding `text`) against `kind`'s fields.
  void check_text(const YAML::Node& n, const std::string& text, LetterKind kind, std::string_view what) {
    std::optional<size_t> unclosed;
    for (const auto& ref : references_in(text, &unclosed)) {
      if (has_field(kind, ref.name)) continue;
      c_.error(position_in_source(n, "{{", ref.name),
               fmt::format("{} uses the field '{}', which a {} letter does not have (see docs/letters.md for the "
                           "fields)",
                           what, ref.name, letter_kind_key(kind)));
    }
    if (unclosed) c_.error(n, fmt::format("{} has a '{{{{' without its '}}}}'", what));
  }

 private:
  // Where the reference to `name` is in the file: searched from the node's
  // own position (exact for plain and block text), else the node's position.
  SourcePosition position_in_source(const YAML::Node& n, std::string_view open, const std::string& name) {
    const YAML::Mark m = n.Mark();
    if (m.pos < 0 || static_cast<size_t>(m.pos) >= source_.size()) return position_of(n);
    size_t at = static_cast<size_t>(m.pos);
    while ((at = source_.find(open, at)) != std::string_view::npos) {
      size_t p = at + open.size();
      while (p < source_.size() && source_[p] == ' ') ++p;
      if (source_.compare(p, name.size(), name) == 0) break;
      at += open.size();
    }
    if (at == std::string_view::npos) return position_of(n);
    int line = 1, column = 1;
    for (size_t i = 0; i < at; ++i) {
      if (source_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return {line, column};
  }

  Checker& c_;
  std::string_view source_;
};

// A text's paragraphs: split at blank lines, each trimmed of the line breaks around it.
std::vector<std::string> paragraphs_of(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  size_t start = 0;
  const auto flush = [&] {
    while (!current.empty() && (current.back() == '\n' || current.back() == ' ')) current.pop_back();
    size_t lead = 0;
    while (lead < current.size() && current[lead] == '\n') ++lead;
    if (lead < current.size()) out.push_back(current.substr(lead));
    current.clear();
  };
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t") == std::string::npos) {
      flush();
    } else {
      if (!current.empty()) current += '\n';
      current += line;
    }
    start = end + 1;
  }
  flush();
  return out;
}

bool shown(const LetterValues& values, const std::string& when) {
  if (when.empty()) return true;
  auto it = values.find(when);
  return it != values.end() && !it->second.empty() && it->second != "false";
}

}  // namespace

const char* letter_kind_key(LetterKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.key;
  }
  return "receipt";
}

std::optional<LetterKind> letter_kind_from_key(std::string_view key) {
  for (const auto& k : kKinds) {
    if (key == k.key) return k.kind;
  }
  return std::nullopt;
}

const std::vector<LetterKind>& all_letter_kinds() {
  static const std::vector<LetterKind> kAll = [] {
    std::vector<LetterKind> v;
    for (const auto& k : kKinds) v.push_back(k.kind);
    return v;
  }();
  return kAll;
}

const std::vector<LetterField>& letter_fields(LetterKind kind) {
  static const std::map<LetterKind, std::vector<LetterField>> kAll = [] {
    std::map<LetterKind, std::vector<LetterField>> m;
    for (const auto& k : kKinds) {
      auto fields = common_fields();
      const auto& own = own_fields(k.kind);
      fields.insert(fields.end(), own.begin(), own.end());
      m[k.kind] = std::move(fields);
    }
    return m;
  }();
  return kAll.at(kind);
}

LetterTemplateParseResult parse_letter_template(std::string_view yaml, std::string_view file_name) {
  LetterTemplateParseResult out;
  Checker c{std::string(file_name)};
  const YAML::Node root = load_yaml(c, yaml);
  if (c.has_errors()) {
    out.errors = c.take_errors();
    return out;
  }
  if (!c.expect_map(root, "the letter template")) {
    out.errors = c.take_errors();
    return out;
  }
  c.check_keys(root, "the letter template", {"kind", "language", "workflow", "stage", "outcome", "title", "sections",
                                             "closing"});
  LetterTemplate t;
  t.file = std::string(file_name);
  const std::string kind_key = c.required(root, "kind", "the letter template");
  const auto kind = letter_kind_from_key(kind_key);
  if (!kind_key.empty() && !kind) {
    std::vector<std::string> keys;
    for (const auto& k : kKinds) keys.emplace_back(k.key);
    c.error(root["kind"], fmt::format("kind '{}' is not a kind of letter ({})", kind_key, fmt::join(keys, ", ")));
  }
  t.kind = kind.value_or(LetterKind::kReceipt);
  t.language = c.required(root, "language", "the letter template");
  if (!t.language.empty() && t.language != "da" && t.language != "en") {
    c.error(root["language"], fmt::format("language '{}' is not da or en", t.language));
  }
  for (const auto& [key, field] : {std::pair{"workflow", &t.workflow}, std::pair{"stage", &t.stage},
                                   std::pair{"outcome", &t.outcome}}) {
    if (!root[key]) continue;
    *field = c.scalar(root[key], key).value_or("");
    if (!field->empty() && !is_config_id(*field)) {
      c.error(root[key], fmt::format("{} '{}' is not an identifier (lower-case letters, digits, '_' or '-')", key,
                                     *field));
    }
  }
  if (!t.outcome.empty() && kind && *kind != LetterKind::kDecision && *kind != LetterKind::kAccessDecision) {
    c.error(root["outcome"], fmt::format("outcome applies to decision letters only, not to a {} letter", kind_key));
  }
  TemplateReader reader(c, yaml);
  const bool check_fields = kind.has_value();
  t.title = c.required(root, "title", "the letter template");
  if (check_fields && root["title"]) reader.check_text(root["title"], t.title, t.kind, "the title");
  if (!root["sections"]) {
    c.error(root, "the letter template has no 'sections'");
  } else if (!root["sections"].IsSequence() || root["sections"].size() == 0) {
    c.error(root["sections"], "sections must be a list with at least one section");
  } else {
    int i = 0;
    c.each_item(root["sections"], "a section", [&](const YAML::Node& s) {
      ++i;
      const std::string what = fmt::format("section {}", i);
      c.check_keys(s, what, {"heading", "text", "when"});
      LetterTemplateSection section;
      section.pos = position_of(s);
      if (s["heading"]) {
        section.heading = c.scalar(s["heading"], what + ".heading").value_or("");
        if (check_fields) reader.check_text(s["heading"], section.heading, t.kind, what + "'s heading");
      }
      section.text = c.required(s, "text", what);
      if (check_fields && s["text"]) reader.check_text(s["text"], section.text, t.kind, what + "'s text");
      if (s["when"]) {
        section.when = c.scalar(s["when"], what + ".when").value_or("");
        if (check_fields && !has_field(t.kind, section.when)) {
          c.error(s["when"], fmt::format("{}'s when names the field '{}', which a {} letter does not have", what,
                                         section.when, kind_key));
        }
      }
      t.sections.push_back(std::move(section));
    });
  }
  if (root["closing"]) {
    if (!root["closing"].IsSequence()) {
      c.error(root["closing"], "closing must be a list of lines");
    } else {
      for (const auto& line : root["closing"]) {
        auto text = c.scalar(line, "a closing line");
        if (!text) continue;
        if (check_fields) reader.check_text(line, *text, t.kind, "the closing");
        t.closing.push_back(*text);
      }
    }
  }
  if (c.has_errors()) {
    out.errors = c.take_errors();
    return out;
  }
  out.letter = std::move(t);
  return out;
}

Result<FilledLetter> fill_letter(const LetterTemplate& t, const LetterValues& values) {
  const auto fill = [&](const std::string& text, std::string_view where) -> Result<std::string> {
    std::string out;
    std::optional<size_t> unclosed;
    size_t last = 0;
    for (const auto& ref : references_in(text, &unclosed)) {
      out.append(text, last, ref.at - last);
      auto it = values.find(ref.name);
      if (it == values.end() || it->second.empty()) {
        return FailedPrecondition(fmt::format("the {} letter ({}) needs '{}' in {}, and this case has no value for it",
                                              letter_kind_key(t.kind), t.file, ref.name, where));
      }
      out += it->second;
      last = text.find("}}", ref.at) + 2;
    }
    out.append(text, last, std::string::npos);
    return out;
  };
  FilledLetter out;
  auto title = fill(t.title, "its title");
  if (!title.ok()) return title.status();
  out.title = *title;
  for (const auto& s : t.sections) {
    if (!shown(values, s.when)) continue;
    FilledSection section;
    auto heading = fill(s.heading, "a heading");
    if (!heading.ok()) return heading.status();
    section.heading = *heading;
    auto text = fill(s.text, s.heading.empty() ? std::string("a section") : "the section " + s.heading);
    if (!text.ok()) return text.status();
    section.paragraphs = paragraphs_of(*text);
    out.sections.push_back(std::move(section));
  }
  for (const auto& line : t.closing) {
    auto filled = fill(line, "its closing");
    if (!filled.ok()) return filled.status();
    out.closing.push_back(*filled);
  }
  return out;
}

const LetterTemplate* choose_letter_template(const std::vector<LetterTemplate>& templates, LetterKind kind,
                                             std::string_view language, std::string_view workflow,
                                             std::string_view stage, std::string_view outcome) {
  const LetterTemplate* best = nullptr;
  int best_score = -1;
  for (const auto& t : templates) {
    if (t.kind != kind || t.language != language) continue;
    if (!t.workflow.empty() && t.workflow != workflow) continue;
    if (!t.stage.empty() && t.stage != stage) continue;
    if (!t.outcome.empty() && t.outcome != outcome) continue;
    const int score = (t.workflow.empty() ? 0 : 4) + (t.stage.empty() ? 0 : 2) + (t.outcome.empty() ? 0 : 1);
    if (score >= best_score) {
      best = &t;
      best_score = score;
    }
  }
  return best;
}

const std::vector<LetterTemplate>& builtin_letter_templates() {
  static const std::vector<LetterTemplate> kBuiltin = [] {
    std::vector<LetterTemplate> out;
    for (const auto& source : builtin_letter_template_sources()) {
      auto parsed = parse_letter_template(source.yaml, source.file_name);
      // The build's own test (letter_template_test) proves every built-in template parses.
      if (parsed.ok()) out.push_back(std::move(*parsed.letter));
    }
    return out;
  }();
  return kBuiltin;
}

}  // namespace sagsflow
