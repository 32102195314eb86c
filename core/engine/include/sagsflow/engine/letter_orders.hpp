// Which letters an event causes, and what their templates are filled with.
//
// The rules (docs/letters.md#which-events-send-letters):
//  - opening a case with a citizen: a receipt (kvittering) with the case
//    number, the day of receipt and, when the case's first stage has a
//    processing deadline, that deadline and the date a decision can be
//    expected by (retssikkerhedsloven §3);
//  - asking the citizen for missing items (`missing` in the event): what is
//    missing and the reply-by date, while the clock pauses;
//  - sending an inquiry on to another authority (`forwarded`, FVL §7(2));
//  - a decision: an access request's decision (offentlighedsloven §37), else
//    a decision letter with the outcome, the reasons (FVL §§22-24) and, when
//    not everything asked for is granted, the complaint guidance (FVL §25)
//    naming the appeals body; the complaint deadline's date depends on the
//    channel and is added when the letter is delivered (delivery_values);
//  - a deadline warning (`deadline_near`): a letter that the processing
//    deadline will be missed, with the reason and the expected date
//    (retssikkerhedsloven §3 stk. 2);
//  - an access request's extension (`extension`, offentlighedsloven §36 stk. 2);
//  - a party hearing (`hearing_started`, FVL §19).
// No letter goes to a case without a citizen, and none for events of a
// closed workflow's history replay: letters are only made as events commit.
//
// Thread-safety: pure functions of their arguments; any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/cases/case_store.hpp"
#include "sagsflow/config/letter_template.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow {

// What the engine knows about the letter's sender and the case beyond its state.
struct LetterContext {
  std::string language = "da";        // the municipality's letter language (da or en)
  std::string municipality_name;
  std::string authority_name;         // the acting authority (the one that signs)
  std::string on_behalf_of;           // the owning authority's name when another acts for it; else empty
  std::string sender_name;            // the person who acted; for the system: the unit's name
  std::string sender_unit;
  std::string contact;                // phone and web of the municipality, one line
  std::string subject_title;          // the KLE subject's title, else its number
  std::string citizen_name;           // from the case's fields, when known
  const WorkflowDefinition* workflow = nullptr;
  std::string appeals_body;           // of the case's area (workflow or municipality file); may be empty
  std::string access_appeals_body;    // access requests: the appeals body of the case the request concerns
  std::string forwarded_contact;      // forwarding: the receiving authority's address, phone, web
  // Labels of the workflow's form fields and attachments (the plugin
  // manifest's), so a request for missing items names them in words.
  std::map<std::string, std::string> labels;
  Date today{};
  // The expected date of a delay letter (the caller computes it with the municipality's calendar).
  Date delay_expected{};
};

// The letters `event` causes when it turns `before` into `after` (before is
// the empty state for the opening event). Each has its idempotency key
// "<municipality>:<case id>:<event seq>:<kind>".
std::vector<QueuedLetter> letters_caused_by(const CaseState& before, const CaseEvent& event, const CaseState& after,
                                            const LetterContext& context);

// Whether `event` is of a kind that can cause a letter at all (a cheap test
// before the context is gathered; letters_caused_by decides).
bool may_cause_letters(const CaseEvent& event);

// "3. december 2026" (da) or "3 December 2026" (en).
std::string written_date(Date day, std::string_view language);
// An outcome key in words: granted -> "bevilget" / "granted"; for an access
// request "imødekommet" / "granted in full".
std::string outcome_in_words(std::string_view outcome, bool access_request, std::string_view language);

}  // namespace sagsflow
