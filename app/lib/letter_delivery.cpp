#include "sagsflow/app/letter_delivery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sagsflow/app/documents.hpp"
#include "sagsflow/app/letter_templates.hpp"
#include "sagsflow/domain/blank_text.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/engine/letter_orders.hpp"
#include "sagsflow/letters/memo.hpp"

namespace sagsflow::app {

using nlohmann::json;

namespace {

constexpr const char* kDigitalPost = "digital_post";
constexpr const char* kPrint = "print";

Timestamp now_of(Installation& inst) { return inst.engine->options().clock(); }

// The file name of a letter's PDF: its kind and case number (or appointment number), nothing personal.
std::string file_name_of(const db::LetterRow& row, const CaseState& state) {
  if (state.case_number.empty() && row.appointment_id) return fmt::format("{}-{}.pdf", row.kind, *row.appointment_id);
  std::string number;
  for (char c : state.case_number) number += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '-';
  return fmt::format("{}-{}.pdf", row.kind, number.empty() ? std::to_string(row.case_id) : number);
}

const DeliveryChannelConfig* channel_config(const MunicipalityConfig* m, const std::string& channel) {
  if (m == nullptr) return nullptr;
  const auto& c = channel == kDigitalPost ? m->letters.digital_post : m->letters.print;
  return c ? &*c : nullptr;
}

std::chrono::seconds backoff(const LetterWorkOptions& o, int attempts) {
  auto wait = std::max<std::chrono::seconds>(std::chrono::seconds(1), o.first_retry);
  for (int i = 1; i < attempts && wait < o.max_retry; ++i) wait *= 2;
  return std::min(wait, std::max(o.max_retry, std::chrono::seconds(1)));
}

// At most `limit` bytes of `text`, never cutting a UTF-8 character, CPR numbers masked.
std::string bounded(const std::string& text, std::size_t limit = 1000) {
  std::string masked = mask_cpr_numbers(text);
  if (masked.size() <= limit) return masked;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(masked[end]) & 0xC0) == 0x80) --end;  // a continuation byte
  return masked.substr(0, end);
}

LetterValues values_of(const json& j) {
  LetterValues v;
  for (const auto& [k, val] : j.items()) {
    if (val.is_string()) v[k] = val.get<std::string>();
  }
  return v;
}

// Chooses the channel and the plugin of a job; sets not_now when neither can be had now.
void choose_channel(Installation& inst, LetterJob& job, const MunicipalityConfig* m) {
  std::string channel = job.letter.channel;
  // Until the letter is delivered the register decides: a citizen exempt since the first attempt gets print.
  if (channel == kDigitalPost && job.letter.rerouted_from.empty()) channel.clear();
  if (channel.empty()) {
    // Exempt from Digital Post or from mandatory digital self-service: physical post (SqlStore::served_on_paper).
    auto exempt = inst.store->served_on_paper(*job.state.citizen);
    if (!exempt.ok()) {
      job.not_now = exempt.status().message();
      return;
    }
    if (*exempt) {
      channel = kPrint;
    } else if (channel_config(m, kDigitalPost) != nullptr) {
      channel = kDigitalPost;
    } else {
      channel = kPrint;
    }
  }
  job.channel = channel;
  job.letter.channel = channel;
  const DeliveryChannelConfig* config = channel_config(m, channel);
  if (config == nullptr) {
    job.waits_for_configuration = true;
    job.not_now = fmt::format("municipality {} configures no {} channel for letters (letters.{} in the municipality "
                              "file)", job.letter.municipality, channel, channel);
    return;
  }
  job.plugin = config->plugin;
  if (inst.plugins->delivery_channel(config->plugin) != channel) {
    job.waits_for_configuration = true;
    job.not_now = fmt::format("the {} plugin '{}' is not installed, not enabled or does not deliver {} letters",
                              channel, config->plugin, channel);
  }
}

// Fills the letter's template for its channel and lays it out.
void compose(Installation& inst, LetterJob& job, const MunicipalityConfig* m,
             const std::vector<LetterTemplate>& templates) {
  const auto kind = letter_kind_from_key(job.letter.kind);
  if (!kind) {
    job.impossible = fmt::format("'{}' is not a kind of letter", job.letter.kind);
    return;
  }
  const LetterTemplate* tpl = choose_letter_template(templates, *kind, job.letter.language, job.letter.workflow,
                                                     job.letter.stage, job.letter.outcome);
  if (tpl == nullptr) {
    job.impossible = fmt::format("no {} letter template in '{}' fits workflow {}, stage {}", job.letter.kind,
                                 job.letter.language, job.letter.workflow, job.letter.stage);
    return;
  }
  LetterValues values = values_of(job.letter.values);
  const Timestamp now = now_of(inst);
  values["date"] = written_date(copenhagen_date(now), job.letter.language);
  if (*kind == LetterKind::kDecision && !values["complaint.guidance"].empty()) {
    const DeliveryChannel how = job.channel == kPrint ? DeliveryChannel::kPhysicalPost : DeliveryChannel::kDigitalPost;
    auto due = inst.engine->complaint_deadline_for(job.state, copenhagen_date(now), how);
    if (!due.ok()) {
      job.impossible = "the complaint deadline cannot be computed: " + due.status().message();
      return;
    }
    values["complaint.deadline"] = written_date(due->due, job.letter.language);
  }
  auto filled = fill_letter(*tpl, values);
  if (!filled.ok()) {
    job.impossible = filled.status().message();
    return;
  }
  static const Letterhead kNone;
  const Letterhead& head = m != nullptr ? m->letters.letterhead : kNone;
  job.document = compose_letter(*filled, values, head, job.letter.language);
  job.file_name = file_name_of(job.letter, job.state);
  // Digital Post addresses by the CPR number's ten digits.
  for (char ch : job.state.citizen->reveal()) {
    if (ch >= '0' && ch <= '9') job.recipient_cpr += ch;
  }
  job.sender_cvr = head.cvr;
  job.sender = {{"name", values["municipality.name"]},
                {"cvr", head.cvr},
                {"address", head.address},
                {"phone", head.phone},
                {"web", head.web}};
}

// The letter as its delivery plugin gets it (plugin_abi.h, deliver_letter).
json plugin_letter(const LetterJob& job) {
  json j = {{"letter_id", job.letter.id},
            {"idempotency_key", job.letter.idempotency_key},
            {"message_uuid", letters::memo_message_uuid(job.letter.idempotency_key)},
            {"municipality", job.letter.municipality},
            {"case_id", job.letter.case_id},
            {"appointment_id", job.letter.appointment_id ? json(*job.letter.appointment_id) : json()},
            {"case_number", job.state.case_number},
            {"kind", job.letter.kind},
            {"language", job.letter.language},
            {"title", job.document.title},
            {"channel", job.channel},
            {"recipient",
             {{"cpr", job.recipient_cpr},
              {"name", job.document.recipient.empty() ? std::string() : job.document.recipient.front()}}},
            {"sender", job.sender},
            {"document",
             {{"name", job.file_name},
              {"media_type", "application/pdf"},
              {"size", job.pdf.size},
              {"sha256", job.pdf.sha256}}}};
  if (job.channel == kDigitalPost) j["memo"] = job.memo;
  return j;
}

// "case 05.04.02-G01-17-26" or "appointment 12", for the log.
std::string subject_of(const LetterJob& job) {
  if (!job.state.case_number.empty()) return "case " + job.state.case_number;
  if (job.letter.appointment_id) return fmt::format("appointment {}", *job.letter.appointment_id);
  return fmt::format("case {}", job.letter.case_id);
}

bool appointment_kind(const std::string& kind) {
  return kind == letter_kind_key(LetterKind::kAppointmentConfirmation) ||
         kind == letter_kind_key(LetterKind::kAppointmentReminder);
}

class Sender {
 public:
  Sender(Installation& inst, const documents::DocumentStore& docs, const LetterWorkOptions& options,
         LetterRunReport& report)
      : inst_(inst), docs_(docs), options_(options), report_(report) {}

  Status send(LetterJob& job) {
    if (!job.withdrawn.empty()) return withdraw(job);
    if (!job.impossible.empty()) return fail_for_good(job, job.impossible);
    if (!job.not_now.empty()) return retry_later(job, job.not_now);
    if (auto st = keep_document(job); !st.ok()) return retry_later(job, st.message());
    // Still ours? A claim that ran out may be another worker's by now: it delivers, not we.
    const Timestamp t = now();
    auto ours = inst_.store->renew_letter_claim(job.letter.id, options_.holder, format_timestamp(t),
                                                format_timestamp(t + options_.lease));
    if (!ours.ok()) return ours.status();
    if (!*ours) {
      logger()->warn("letter {}: the claim ran out before its delivery; another worker has it", job.letter.id);
      return Status::Ok();
    }
    if (auto st = record_handover(job); !st.ok()) return retry_later(job, st.message());
    auto answer = inst_.plugins->deliver_letter(job.plugin, plugin_letter(job), *job.pdf.bytes);
    if (!answer.ok()) return retry_later(job, answer.status().message());
    switch (answer->status) {
      case DeliveryStatus::kDelivered: return delivered(job, answer->receipt);
      case DeliveryStatus::kRetry:
        return retry_later(job, fmt::format("{} answered: try again later: {}", job.plugin, answer->reason));
      case DeliveryStatus::kRefused: return refused(job, answer->reason);
    }
    return retry_later(job, "unknown answer");
  }

 private:
  Timestamp now() const { return now_of(inst_); }

  // The PDF as a document of the case (kind "letter"), once per channel.
  Status keep_document(LetterJob& job) {
    if (job.letter.document_id) return Status::Ok();
    std::optional<long long> kept;
    Status done = inst_.engine->atomically([&]() -> Status {
      db::DocumentRow row;
      row.case_id = job.letter.case_id;
      row.appointment_id = job.letter.appointment_id;
      row.municipality = job.letter.municipality;
      row.kind = kLetterDocumentKind;
      row.name = job.file_name;
      row.media_type = "application/pdf";
      row.added_by = "sagsflow";
      row.added_at = format_timestamp(now());
      auto stored = docs_.record(*inst_.store, row, job.pdf);
      if (!stored.ok()) return stored.status();
      db::LetterRow with_document = job.letter;
      with_document.document_id = stored->id;
      if (auto st = inst_.store->save_letter(with_document, options_.holder, /*keep_claim=*/true); !st.ok()) return st;
      kept = stored->id;
      return Status::Ok();
    });
    if (done.ok()) job.letter.document_id = kept;  // only once it is stored
    return done;
  }

  // The recipient's CPR number goes to the plugin: a read of the case's personal data.
  Status record_handover(const LetterJob& job) {
    AccessRecord r;
    r.at = format_timestamp(now());
    r.municipality = job.letter.municipality;
    r.case_id = job.letter.case_id;
    r.appointment_id = job.letter.appointment_id.value_or(0);
    r.case_number = job.state.case_number;
    r.actor = "plugin:" + job.plugin;
    r.authority = job.state.owning_authority.empty() ? job.letter.municipality : job.state.owning_authority;
    r.purpose = fmt::format("letter delivery (letter {}, {})", job.letter.id, job.channel);
    r.via = "letters";
    return inst_.store->record_access(r).status();
  }

  Status delivered(LetterJob& job, const std::string& plugin_receipt) {
    const std::string receipt = bounded(plugin_receipt);
    const int failures = job.letter.attempts;
    const bool had_incident = job.letter.incident_open;
    job.letter.attempts += 1;
    job.letter.state = db::LetterState::kDelivered;
    job.letter.receipt = receipt;
    job.letter.delivered_at = format_timestamp(now());
    job.letter.incident_open = false;
    job.letter.last_error.clear();
    // First and alone: that it was delivered, so no later failure can send it again.
    if (auto st = inst_.store->save_letter(job.letter, options_.holder); !st.ok()) return st;
    ++report_.delivered;
    logger()->info("letter {} ({}) of {} delivered by {}", job.letter.id, job.letter.kind, subject_of(job),
                   job.plugin);
    if (job.letter.case_id == 0) return Status::Ok();  // an appointment's: the letter row is its record
    // Then the case's events. The case may have moved on meanwhile (a
    // caseworker acted): they are recorded on the newer state.
    Status done = Internal("not run");
    for (int attempt = 0; attempt < 5; ++attempt) {
      done = record_delivery(job, receipt, failures, had_incident);
      if (done.code() != ErrorCode::kConflict) break;
    }
    if (!done.ok()) {
      logger()->error("letter {} of case {} was delivered, but the case's event of it could not be stored: {}",
                      job.letter.id, job.state.case_number, done.message());
      if (done.code() == ErrorCode::kStorage) return done;
    }
    return Status::Ok();
  }

  Status record_delivery(LetterJob& job, const std::string& receipt, int failures, bool had_incident) {
    return inst_.engine->atomically([&]() -> Status {
      json letter = {{"id", job.letter.id},          {"kind", job.letter.kind},
                     {"channel", job.channel},       {"document", *job.letter.document_id},
                     {"receipt", receipt},           {"attempts", job.letter.attempts},
                     {"plugin", job.plugin}};
      if (failures > 0) letter["failed_attempts"] = failures;
      if (had_incident) letter["incident_closed"] = true;
      if (!job.letter.rerouted_from.empty()) letter["rerouted_from"] = job.letter.rerouted_from;
      auto recorded = inst_.engine->record_letter(job.letter.case_id, "letter_sent", letter);
      if (!recorded.ok()) return recorded.status();
      if (job.letter.kind == "decision" && recorded->decided_on) {
        // The complaint deadline runs from when the citizen receives it, which the channel decides.
        auto wf = inst_.engine->workflow(recorded->workflow_id, recorded->workflow_version);
        if (wf.ok() && (*wf)->complaint_deadline) {
          Actor system = Actor::system(recorded->owning_authority);
          system.unit = recorded->unit;
          auto sent = inst_.engine->record_decision_sent(
              job.letter.case_id, system, copenhagen_date(now()),
              job.channel == kPrint ? DeliveryChannel::kPhysicalPost : DeliveryChannel::kDigitalPost);
          if (!sent.ok() && (sent.status().code() == ErrorCode::kStorage ||
                             sent.status().code() == ErrorCode::kConflict)) {
            return sent.status();
          }
          if (!sent.ok()) logger()->warn("letter {}: the decision's sending was not recorded: {}", job.letter.id,
                                         sent.status().message());
        }
      }
      return Status::Ok();
    });
  }

  Status refused(LetterJob& job, const std::string& reason) {
    const MunicipalityConfig* m = inst_.organisation->find(job.letter.municipality);
    if (job.channel == kDigitalPost && channel_config(m, kPrint) != nullptr) {
      // Digital Post will not take it (the recipient is exempt, say): physical post, with its own PDF.
      job.letter.channel = kPrint;
      job.letter.rerouted_from = bounded(fmt::format("{}: {}", kDigitalPost, reason));
      job.letter.document_id.reset();
      job.letter.attempts += 1;
      job.letter.next_attempt_at = format_timestamp(now());
      if (auto st = inst_.store->save_letter(job.letter, options_.holder); !st.ok()) return st;
      ++report_.rerouted;
      logger()->info("letter {} of {}: {} refused it ({}); sent by print instead", job.letter.id, subject_of(job),
                     job.plugin, mask_cpr_numbers(reason));
      return Status::Ok();
    }
    return fail_for_good(job, fmt::format("{} refused the letter: {}", job.plugin, reason));
  }

  // The appointment went away first: nothing to send, nothing to fix.
  Status withdraw(LetterJob& job) {
    job.letter.state = db::LetterState::kWithdrawn;
    job.letter.last_error = bounded(job.withdrawn);
    job.letter.incident_open = false;
    if (auto st = inst_.store->save_letter(job.letter, options_.holder); !st.ok()) return st;
    ++report_.withdrawn;
    logger()->info("letter {} ({}) of {} withdrawn: {}", job.letter.id, job.letter.kind, subject_of(job),
                   job.letter.last_error);
    return Status::Ok();
  }

  Status retry_later(LetterJob& job, const std::string& reason) {
    // A letter that waits for the municipality's configuration (no channel,
    // its plugin not installed) waits with an incident, however long: the
    // attempts count only tries to deliver.
    const bool same_wait = job.waits_for_configuration && job.letter.last_error == bounded(reason);
    if (!job.waits_for_configuration) job.letter.attempts += 1;
    if (job.letter.attempts >= std::max(1, options_.max_attempts)) {
      return fail_for_good(job, fmt::format("{} attempts failed; the last: {}", job.letter.attempts, reason));
    }
    job.letter.last_error = bounded(reason);
    job.letter.incident_open = true;
    job.letter.next_attempt_at =
        format_timestamp(now() + (!job.waits_for_configuration ? backoff(options_, job.letter.attempts)
                                  : same_wait                   ? std::max(options_.max_retry, std::chrono::seconds(1))
                                                                : std::max(options_.first_retry, std::chrono::seconds(1))));
    if (auto st = inst_.store->save_letter(job.letter, options_.holder); !st.ok()) return st;
    ++report_.retried;
    logger()->warn("letter {} of {}: attempt {} failed ({}); next at {}", job.letter.id, subject_of(job),
                   job.letter.attempts, job.letter.last_error, job.letter.next_attempt_at);
    return Status::Ok();
  }

  Status fail_for_good(LetterJob& job, const std::string& reason) {
    job.letter.state = db::LetterState::kFailed;
    job.letter.last_error = bounded(reason);
    job.letter.incident_open = true;
    Status done = Internal("not run");
    for (int attempt = 0; attempt < 5; ++attempt) {
      done = inst_.engine->atomically([&]() -> Status {
        if (auto st = inst_.store->save_letter(job.letter, options_.holder); !st.ok()) return st;
        if (job.state.id == 0) return Status::Ok();
        return inst_.engine
            ->record_letter(job.letter.case_id, "letter_failed",
                            {{"id", job.letter.id}, {"kind", job.letter.kind}, {"reason", job.letter.last_error}})
            .status();
      });
      if (done.code() != ErrorCode::kConflict) break;
    }
    if (!done.ok()) return done;
    ++report_.failed;
    logger()->error("letter {} of {} failed: {}", job.letter.id, subject_of(job), job.letter.last_error);
    return Status::Ok();
  }

  Installation& inst_;
  const documents::DocumentStore& docs_;
  const LetterWorkOptions& options_;
  LetterRunReport& report_;
};

}  // namespace

letters::LetterDocument compose_letter(const FilledLetter& filled, const LetterValues& values,
                                       const Letterhead& letterhead, const std::string& language) {
  auto value = [&](const char* name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
  const bool en = language == "en";
  letters::LetterDocument letter;
  letter.letterhead.name = value("municipality.name");
  letter.letterhead.unit = value("sender.unit");
  std::string line;
  for (char ch : letterhead.address + "\n") {  // the address keeps its lines
    if (ch != '\n') {
      line += ch;
      continue;
    }
    if (!line.empty()) letter.letterhead.lines.push_back(line);
    line.clear();
  }
  if (!letterhead.phone.empty()) letter.letterhead.lines.push_back((en ? "Phone " : "Tlf. ") + letterhead.phone);
  if (!letterhead.email.empty()) letter.letterhead.lines.push_back(letterhead.email);
  if (!letterhead.web.empty()) letter.letterhead.lines.push_back(letterhead.web);
  if (!letterhead.cvr.empty()) letter.letterhead.lines.push_back("CVR " + letterhead.cvr);
  letter.letterhead.logo_png = letterhead.logo_png;
  if (!value("citizen.name").empty()) letter.recipient.push_back(value("citizen.name"));
  if (!value("date").empty()) letter.references.push_back({en ? "Date" : "Dato", value("date")});
  if (!value("case.number").empty()) letter.references.push_back({en ? "Case no." : "Sagsnr.", value("case.number")});
  if (!value("authority.name").empty() && value("authority.name") != value("municipality.name")) {
    letter.references.push_back({en ? "Authority" : "Myndighed", value("authority.name")});
  }
  if (!value("on_behalf_of").empty()) letter.references.push_back({en ? "On behalf of" : "På vegne af", value("on_behalf_of")});
  if (!value("contact").empty()) letter.references.push_back({en ? "Contact" : "Kontakt", value("contact")});
  letter.title = filled.title;
  for (const auto& s : filled.sections) letter.sections.push_back({s.heading, s.paragraphs});
  letter.closing = filled.closing;
  letter.language = en ? "en" : "da";
  letter.author = value("authority.name");
  letter.subject = value("case.number");
  return letter;
}

Result<std::vector<LetterJob>> prepare_letters(Installation& inst, const documents::DocumentStore& docs,
                                               const LetterWorkOptions& options) {
  const Timestamp now = now_of(inst);
  auto claimed = inst.store->claim_letters(options.holder, format_timestamp(now), format_timestamp(now + options.lease),
                                           std::max(1, options.batch));
  if (!claimed.ok()) return claimed.status();
  std::map<std::string, std::vector<LetterTemplate>> templates;  // per municipality, this round
  std::vector<LetterJob> jobs;
  for (auto& row : *claimed) {
    LetterJob job;
    job.letter = std::move(row);
    std::optional<Appointment> appointment;
    if (job.letter.appointment_id) {
      auto found = inst.store->load_appointment(*job.letter.appointment_id);
      if (!found.ok()) {
        (found.status().code() == ErrorCode::kNotFound ? job.impossible : job.not_now) = found.status().message();
        jobs.push_back(std::move(job));
        continue;
      }
      appointment = std::move(*found);
      auto starts = parse_timestamp(appointment->starts_at);
      if (appointment_kind(job.letter.kind) && appointment->state != "booked") {
        job.withdrawn = fmt::format("appointment {} was {}", appointment->id, appointment->cancel_reason.empty()
                                                                              ? std::string("cancelled")
                                                                              : appointment->cancel_reason);
      } else if (appointment_kind(job.letter.kind) && starts.ok() && *starts <= now) {
        job.withdrawn = fmt::format("appointment {} began before the letter could go", appointment->id);
      }
      if (!job.withdrawn.empty()) {
        jobs.push_back(std::move(job));
        continue;
      }
    }
    if (job.letter.case_id != 0) {
      auto state = inst.store->load_case(job.letter.case_id);
      if (!state.ok()) {
        job.not_now = state.status().message();
        jobs.push_back(std::move(job));
        continue;
      }
      job.state = std::move(*state);
    } else if (appointment) {
      // No case: the letter goes to the appointment's citizen.
      job.state.municipality = appointment->municipality;
      job.state.citizen = appointment->citizen;
    }
    if (!job.state.citizen) {
      job.impossible = "the case has no citizen to write to";
      jobs.push_back(std::move(job));
      continue;
    }
    const MunicipalityConfig* m = inst.organisation->find(job.letter.municipality);
    choose_channel(inst, job, m);
    if (job.not_now.empty()) {
      auto it = templates.find(job.letter.municipality);
      if (it == templates.end()) {
        auto list = letter_templates_for(*inst.store, job.letter.municipality);
        if (!list.ok()) {
          job.not_now = list.status().message();
          jobs.push_back(std::move(job));
          continue;
        }
        it = templates.emplace(job.letter.municipality, std::move(*list)).first;
      }
      compose(inst, job, m, it->second);
    }
    if (job.not_now.empty() && job.impossible.empty() && job.letter.document_id) {
      // A retry on the same channel sends the PDF already kept, byte for byte;
      // but a decision states its complaint deadline from the day it is sent:
      // one kept from an earlier day is made again.
      Result<std::optional<db::DocumentRow>> doc = std::optional<db::DocumentRow>();
      if (job.letter.case_id != 0) {
        doc = inst.store->load_document(job.letter.case_id, *job.letter.document_id);
      } else if (job.letter.appointment_id) {
        auto rows = inst.store->appointment_documents(*job.letter.appointment_id);
        if (!rows.ok()) {
          doc = rows.status();
        } else {
          for (auto& r : *rows) {
            if (r.id == *job.letter.document_id) doc = std::optional<db::DocumentRow>(r);
          }
        }
      }
      const bool stale = doc.ok() && *doc && job.letter.kind == "decision" &&
                         (*doc)->added_at.substr(0, 10) != format_timestamp(now_of(inst)).substr(0, 10);
      Result<std::string> bytes = stale           ? Result<std::string>(FailedPrecondition("made on an earlier day"))
                                  : doc.ok() && *doc ? docs.read(*inst.store, **doc)
                                                     : Result<std::string>(NotFound("the letter's document is gone"));
      if (bytes.ok()) {
        job.pdf.sha256 = (*doc)->sha256;
        job.pdf.size = (*doc)->size;
        job.pdf.bytes = std::make_shared<const std::string>(std::move(*bytes));
      } else {
        if (!stale) {
          logger()->warn("letter {}: its kept PDF cannot be read ({}); it is made again", job.letter.id,
                         bytes.status().message());
        }
        job.letter.document_id.reset();
      }
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

void render_letters(std::vector<LetterJob>& jobs, const documents::DocumentStore& store) {
  for (auto& job : jobs) {
    if (!job.impossible.empty() || !job.not_now.empty() || !job.withdrawn.empty()) continue;
    if (!job.pdf.bytes) {  // else: the kept PDF of an earlier attempt
      auto pdf = letters::render_letter_pdf(job.document);
      if (!pdf.ok()) {
        job.impossible = "the PDF could not be made: " + pdf.status().message();
        continue;
      }
      auto staged = store.stage(std::move(*pdf));
      if (!staged.ok()) {
        job.not_now = staged.status().message();
        continue;
      }
      job.pdf = std::move(*staged);
    }
    if (job.channel != kDigitalPost) continue;
    letters::MemoMessage message;
    message.idempotency_key = job.letter.idempotency_key;
    message.label = job.document.title;
    message.sender_cvr = job.sender_cvr;
    message.sender_label = job.document.letterhead.name;
    message.recipient_cpr = job.recipient_cpr;
    message.recipient_label = job.document.recipient.empty() ? std::string() : job.document.recipient.front();
    message.created_at = job.letter.created_at;
    message.main_document = {job.document.title, job.file_name, "application/pdf", job.letter.language, *job.pdf.bytes};
    auto memo = letters::build_memo_xml(message);
    if (!memo.ok()) {
      job.not_now = "the MeMo message could not be made: " + memo.status().message();
      continue;
    }
    job.memo = std::move(*memo);
  }
}

Result<LetterRunReport> send_letters(Installation& inst, const documents::DocumentStore& store,
                                     std::vector<LetterJob>& jobs, const LetterWorkOptions& options) {
  LetterRunReport report;
  report.claimed = jobs.size();
  Sender sender(inst, store, options, report);
  // Letters that wait (no channel yet) or cannot be made call no plugin: their
  // outcomes are stored in one unit, not one transaction (and sync) each.
  Status waiting = inst.engine->atomically([&]() -> Status {
    for (auto& job : jobs) {
      if (job.not_now.empty() && job.impossible.empty() && job.withdrawn.empty()) continue;
      if (auto st = sender.send(job); !st.ok() && st.code() == ErrorCode::kStorage) return st;
      job.settled = true;
    }
    return Status::Ok();
  });
  if (!waiting.ok()) return waiting;
  for (auto& job : jobs) {
    if (job.settled) continue;
    if (auto st = sender.send(job); !st.ok()) {
      // Storing the outcome failed: the claim runs out and the letter is tried again (at least once).
      logger()->error("letter {}: its delivery state could not be stored: {}", job.letter.id, st.message());
      if (st.code() == ErrorCode::kStorage) return st;
    }
  }
  return report;
}

Result<LetterRunReport> deliver_due_letters(Installation& inst, const documents::DocumentStore& store,
                                            const LetterWorkOptions& options) {
  auto jobs = prepare_letters(inst, store, options);
  if (!jobs.ok()) return jobs.status();
  render_letters(*jobs, store);
  return send_letters(inst, store, *jobs, options);
}

namespace {

Status check_registrar(Installation& inst, const Actor& actor) {
  if (inst.organisation == nullptr || inst.organisation->empty()) {
    return FailedPrecondition("no municipality file is loaded: run `sagsflow init --municipality-file FILE`");
  }
  auto known = inst.organisation->identify(actor);
  if (!known.ok()) return Forbidden("the register of exemptions from Digital Post is kept by staff: " +
                                    known.status().message());
  if (!actor.has_role("frontdesk") && !actor.has_role("caseworker") && !actor.has_role("admin")) {
    return Forbidden(fmt::format("{} holds none of the roles that keep the register of exemptions from Digital Post "
                                 "(frontdesk, caseworker, admin)", actor.id));
  }
  return Status::Ok();
}

// Who used the register, in the log (the CPR number masked): the access log
// records reads of cases and inquiries, which this is not.
void log_register_use(const Actor& actor, const Cpr& cpr, const std::string& what) {
  logger()->info("{} {} the exemption from Digital Post of {}", actor.id, what, cpr.masked());
}

}  // namespace

Result<db::DigitalPostExemption> register_digital_post_exemption(Installation& inst, const Actor& actor,
                                                                 const Cpr& cpr, const std::string& reason) {
  if (auto st = check_registrar(inst, actor); !st.ok()) return st;
  if (is_blank_text(reason)) {
    return InvalidArgument("an exemption from Digital Post needs its reason (e.g. the citizen's application, "
                           "the register's answer); blank text is none");
  }
  if (reason.size() > 1000) return InvalidArgument("the reason of an exemption is limited to 1000 bytes");
  db::DigitalPostExemption e{cpr, mask_cpr_numbers(reason), actor.id, format_timestamp(now_of(inst))};
  if (auto st = inst.store->put_digital_post_exemption(e); !st.ok()) return st;
  log_register_use(actor, cpr, "registered");
  return e;
}

Result<bool> remove_digital_post_exemption(Installation& inst, const Actor& actor, const Cpr& cpr) {
  if (auto st = check_registrar(inst, actor); !st.ok()) return st;
  auto removed = inst.store->remove_digital_post_exemption(cpr);
  if (removed.ok() && *removed) log_register_use(actor, cpr, "removed");
  return removed;
}

Result<std::optional<db::DigitalPostExemption>> digital_post_exemption_of(Installation& inst, const Actor& actor,
                                                                          const Cpr& cpr) {
  if (auto st = check_registrar(inst, actor); !st.ok()) return st;
  auto found = inst.store->digital_post_exemption(cpr);
  if (found.ok()) log_register_use(actor, cpr, "looked up");
  return found;
}

json letter_json(const db::LetterRow& row) {
  json j = {{"id", row.id},
            {"case_id", row.case_id != 0 ? json(row.case_id) : json()},
            {"appointment_id", row.appointment_id ? json(*row.appointment_id) : json()},
            {"kind", row.kind},
            {"language", row.language},
            {"state", db::letter_state_key(row.state)},
            {"channel", row.channel.empty() ? json() : json(row.channel)},
            {"attempts", row.attempts},
            {"incident", row.incident_open},
            {"created_at", row.created_at}};
  if (row.document_id) j["document_id"] = *row.document_id;
  if (!row.receipt.empty()) j["receipt"] = mask_cpr_numbers(row.receipt);
  if (!row.delivered_at.empty()) j["delivered_at"] = row.delivered_at;
  if (!row.last_error.empty()) j["last_error"] = mask_cpr_numbers(row.last_error);
  if (!row.rerouted_from.empty()) j["rerouted_from"] = mask_cpr_numbers(row.rerouted_from);
  if (row.state == db::LetterState::kQueued) j["next_attempt_at"] = row.next_attempt_at;
  return j;
}

}  // namespace sagsflow::app
