// Delivering the letter outbox: each queued letter (written with the event
// that caused it, see sagsflow/engine/letter_orders.hpp) is rendered to a PDF,
// kept as a document of its case (kind "letter"), and handed to the delivery
// plugin of its channel until one answers "delivered" (docs/letters.md#delivery).
//
// The channel: print when the citizen is exempt from Digital Post (the
// register, SqlStore::digital_post_exemption), else digital_post when the
// municipality configures it (`letters.digital_post`), else print. When the
// digital_post plugin refuses a letter for good (e.g. the recipient is
// exempt) it is rerouted to print at once. The PDF is made for its channel:
// a decision's complaint deadline counts from when the citizen receives the
// letter, which the channel decides (CaseEngine::complaint_deadline_for).
//
// Delivery is at least once, and once per idempotency key: the key (and the
// MeMo message UUID made from it) is the same on every attempt, so a receiver
// that got a letter whose answer was lost can tell the retry. A failed
// attempt (the plugin answers "retry", fails, crashes or times out; no
// channel is configured; the plugin is not loaded) is tried again after a
// backoff (first_retry, doubling up to max_retry) and opens an incident on
// the letter (the admin page's incidents); the delivery that follows clears
// it. After max_attempts, or when no channel will take it, the letter fails
// for good: a `letter_failed` event on the case, and the incident stays open
// until an admin retries it. A delivery is a `letter_sent` event on the case
// with the channel, the document and the receiver's receipt; a decision's is
// followed by `decision_sent`, which fixes the complaint deadline by channel.
// Handing the recipient's CPR number to a delivery plugin is recorded as a
// read of the case's personal data (purpose "letter delivery").
//
// A letter about an appointment (migration 21) goes to the appointment's
// citizen; its PDF is a document of the appointment (and of its case, if it
// has one), and only a letter with a case records events on it. A
// confirmation or reminder whose appointment was cancelled or has begun
// before it went is withdrawn (state withdrawn, no incident).
//
// Three steps, so that the server runs each where it belongs:
//  1. prepare_letters (a writer's installation): claims due letters for this
//     worker (a lease: several nodes never take the same letter), chooses
//     channel and plugin, fills the template;
//  2. render_letters (any thread, no installation): the PDFs, their bytes
//     staged in the document store, the MeMo messages;
//  3. send_letters (a writer's installation): records the documents, calls
//     the plugins, records each outcome.
// deliver_due_letters runs all three (the CLI's `sagsflow letters deliver`).
//
// Thread-safety: prepare_letters and send_letters use the installation from
// the calling thread, as Installation requires; render_letters touches only
// its jobs and the (thread-safe) document store.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "sagsflow/app/installation.hpp"
#include "sagsflow/config/letter_template.hpp"
#include "sagsflow/documents/document_store.hpp"
#include "sagsflow/letters/pdf_letter.hpp"

namespace sagsflow::app {

struct LetterWorkOptions {
  std::string holder = "sagsflow";       // this worker's name on the letters it claims
  int batch = 20;                         // letters per round
  // A claim not settled by then may be taken by another worker; renewed
  // before each letter is handed to its plugin, so it must only outlast one
  // rendering and one plugin call (the host's delivery timeout, 30 s).
  std::chrono::seconds lease{300};
  std::chrono::seconds first_retry{30};   // after the first failed attempt; doubling
  std::chrono::seconds max_retry{3600};
  int max_attempts = 20;                  // then the letter fails for good
};

// One letter on its way through the three steps.
struct LetterJob {
  db::LetterRow letter;
  CaseState state;
  std::string channel;  // digital_post or print; empty when none could be chosen
  std::string plugin;
  // Set by prepare when the attempt cannot be made now: retried later, with
  // this reason. waits_for_configuration: because of the municipality's
  // configuration (no channel, its plugin not installed): such waits do not
  // count as attempts, so a letter waits for its channel however long.
  std::string not_now;
  bool waits_for_configuration = false;
  // Set by prepare or render when the letter can never be made (no template
  // fits, a field the template shows has no value, the PDF's limits): it fails.
  std::string impossible;
  // Set by prepare when the letter is no longer to be sent: a confirmation or
  // reminder of an appointment that was cancelled or has begun. It is withdrawn.
  std::string withdrawn;
  letters::LetterDocument document;
  std::string file_name;  // "afgoerelse-05.04.02-G01-17-26.pdf"
  // Render's results.
  documents::StagedContent pdf;
  std::string memo;  // digital_post: the MeMo message with the PDF
  // The recipient's CPR number and the sender's CVR number, for the plugin.
  std::string recipient_cpr, sender_cvr;
  nlohmann::json sender = nlohmann::json::object();
  bool settled = false;  // send_letters stored its outcome already
};

struct LetterRunReport {
  size_t claimed = 0;
  size_t delivered = 0;
  size_t retried = 0;    // failed attempts left for later
  size_t rerouted = 0;   // refused by digital_post, on their way to print
  size_t failed = 0;     // failed for good
  size_t withdrawn = 0;  // no longer to be sent (their appointment was cancelled)
};

Result<std::vector<LetterJob>> prepare_letters(Installation& installation, const documents::DocumentStore& store,
                                               const LetterWorkOptions& options);
void render_letters(std::vector<LetterJob>& jobs, const documents::DocumentStore& store);
Result<LetterRunReport> send_letters(Installation& installation, const documents::DocumentStore& store,
                                     std::vector<LetterJob>& jobs, const LetterWorkOptions& options);
Result<LetterRunReport> deliver_due_letters(Installation& installation, const documents::DocumentStore& store,
                                            const LetterWorkOptions& options);

// A filled letter laid out for the PDF: the municipality's letterhead, the
// recipient, the reference block (date, case number, on whose behalf,
// contact), title, sections and closing. The same for delivered letters and
// `sagsflow letter preview`.
letters::LetterDocument compose_letter(const FilledLetter& filled, const LetterValues& values,
                                       const Letterhead& letterhead, const std::string& language);

// The register of exemptions from Digital Post (fritagelse for Digital Post):
// an exempt citizen's letters go by print. register_ needs a person on a
// municipality's staff list (kForbidden otherwise) and a reason that is not
// blank (kInvalidArgument); registering again replaces the reason.
// remove_ says whether there was one.
Result<db::DigitalPostExemption> register_digital_post_exemption(Installation& installation, const Actor& actor,
                                                                 const Cpr& cpr, const std::string& reason);
Result<bool> remove_digital_post_exemption(Installation& installation, const Actor& actor, const Cpr& cpr);
// The citizen's entry, or nothing. Each register use (register, remove,
// look up) needs the role frontdesk, caseworker or admin and is logged
// with the CPR number masked.
Result<std::optional<db::DigitalPostExemption>> digital_post_exemption_of(Installation& installation,
                                                                          const Actor& actor, const Cpr& cpr);

// The letter as the API and the CLI show it (no personal values: kind,
// channel, state, attempts, the document id, the receipt).
nlohmann::json letter_json(const db::LetterRow& row);

}  // namespace sagsflow::app
