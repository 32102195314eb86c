// Letter templates: what a letter to a citizen says, per kind of letter
// (receipt, request for missing items, decision, forwarding, a deadline that
// will be missed, an access request's extension and decision, a hearing),
// language, and optionally workflow, stage and outcome. Sagsflow ships one
// Danish and one English template of each kind (workflows/letters/, built
// into the binary); a municipality may override any of them with its own file.
//
// Format (YAML):
//   kind: decision                # see letter_kind_key
//   language: da                  # da or en
//   workflow: passport            # optional: only for this workflow's cases
//   stage: decision               # optional: only for letters caused in this stage
//   outcome: refused              # optional (decisions): only for this outcome
//   title: "Afgørelse: {{case.title}}"
//   sections:
//     - heading: Begrundelse
//       text: "{{decision.reasons}}"
//     - heading: Klagevejledning
//       when: complaint.guidance   # the section appears only when this field has a value
//       text: >
//         Du kan klage til {{complaint.to}} ...
//   closing: ["Med venlig hilsen", "{{sender.name}}", "{{sender.unit}}"]
//
// `{{field}}` is replaced by the field's value. The fields a kind of letter
// may use are fixed (letter_fields): a template that names any other is an
// error with file, line and column, so a typo is found when the template is
// loaded, not when a citizen gets a letter with a hole in it. A section's
// text is split into paragraphs at blank lines; other line breaks are kept.
//
// Thread-safety: parsing and filling are pure functions; the built-in
// sources are immutable. All may be used from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/config/builtin_workflows.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/domain/result.hpp"

namespace sagsflow {

enum class LetterKind {
  kReceipt,          // kvittering: the case number and the published processing deadline
  kMissingItems,     // what is missing, and the reply-by date while the clock pauses
  kDecision,         // the outcome, the reasons (FVL §§22-24), complaint guidance (FVL §25)
  kForwarding,       // a written inquiry sent on to the right authority (FVL §7(2))
  kDelay,            // a processing deadline that will be missed (retssikkerhedsloven §3(2))
  kAccessExtension,  // an access request that takes longer than 7 working days (offentlighedsloven §36(2))
  kAccessDecision,   // the decision on an access request, with guidance (offentlighedsloven §37)
  kHearing,          // partshøring (FVL §19): the facts and the deadline for comments
  kMessage,          // a letter staff write themselves (`case letter`), or a plugin asks for
  // Appointments (tidsbestilling, docs/front-of-house.md#letters-about-appointments):
  kAppointmentConfirmation,  // a booking (or a move) confirmed: when, where, how long, what to bring
  kAppointmentReminder,      // the same, some hours before (appointments.remind_hours_before)
  kAppointmentCancelled,     // staff cancelled it (the citizen's own cancellation is confirmed on screen)
};
const char* letter_kind_key(LetterKind kind);  // "receipt", "missing_items", "decision", ...
std::optional<LetterKind> letter_kind_from_key(std::string_view key);
const std::vector<LetterKind>& all_letter_kinds();

struct LetterField {
  std::string name;         // "complaint.deadline"
  std::string description;  // what it holds, for admins writing templates (docs/letters.md)
};
// The fields a letter of `kind` may use: those every letter has (the
// municipality, the acting authority, the case, the date, the recipient, the
// sender) and the kind's own.
const std::vector<LetterField>& letter_fields(LetterKind kind);

struct LetterTemplateSection {
  std::string heading;  // may be empty
  std::string text;
  std::string when;     // a field; empty: always shown
  SourcePosition pos;
};

struct LetterTemplate {
  std::string file;
  LetterKind kind = LetterKind::kDecision;
  std::string language;  // "da" or "en"
  std::string workflow, stage, outcome;  // empty: any
  std::string title;
  std::vector<LetterTemplateSection> sections;
  std::vector<std::string> closing;
};

struct LetterTemplateParseResult {
  std::optional<LetterTemplate> letter;
  std::vector<Diagnostic> errors;
  bool ok() const { return letter.has_value(); }
};
// Errors, each with file, line and column: YAML that does not parse, a
// missing kind, language, title or sections, an unknown kind or language, an
// unknown key, a `{{` without its `}}`, a field the kind does not have (in
// the title, a heading, a text, the closing or a `when`), an outcome on a
// letter that is not a decision. `letter` is set only when there are none.
LetterTemplateParseResult parse_letter_template(std::string_view yaml, std::string_view file_name);

// A letter's text with every field filled in.
struct FilledSection {
  std::string heading;
  std::vector<std::string> paragraphs;
};
struct FilledLetter {
  std::string title;
  std::vector<FilledSection> sections;
  std::vector<std::string> closing;
};

// Field name -> value. A value may hold line breaks (a list of missing items).
using LetterValues = std::map<std::string, std::string>;

// Fills the template. A section whose `when` field is empty or absent in
// `values` is left out. kFailedPrecondition, naming the field and the
// template, when a shown part uses a field `values` has no value for: a
// letter is never sent with a blank where the law wants content.
Result<FilledLetter> fill_letter(const LetterTemplate& letter, const LetterValues& values);

// The template for a letter: among `templates` of `kind` and `language`,
// those whose workflow, stage and outcome are empty or equal the given ones;
// of those the most specific (workflow counts most, then stage, then
// outcome); on a tie the later in the list (so a municipality's own file,
// listed after the built-in ones, wins). nullptr when none fits.
const LetterTemplate* choose_letter_template(const std::vector<LetterTemplate>& templates, LetterKind kind,
                                             std::string_view language, std::string_view workflow,
                                             std::string_view stage, std::string_view outcome);

// The built-in templates (workflows/letters/*.yaml), as sources.
std::vector<BuiltinWorkflow> builtin_letter_template_sources();
// The built-in templates parsed (made once; immutable).
const std::vector<LetterTemplate>& builtin_letter_templates();

}  // namespace sagsflow
