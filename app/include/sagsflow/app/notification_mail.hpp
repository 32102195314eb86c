// E-mail for notifications (Notification in the case store): the mail
// outbox is the notifications with an address and mail_state "pending";
// send_notification_mails hands the due ones to the configured SMTP relay
// (Poco's SMTP client) and records each answer.
//
// The mail names only what the notification is about and the case number,
// with a link to the case page: never the citizen, a CPR number, the case's
// title or fields (docs/operations.md#notifications-by-e-mail).
//
// Delivery is at least once: a mail the relay took is marked sent; a failure
// is tried again after a backoff (first_retry, doubling up to max_retry) up
// to max_attempts, then marked failed. One node sends at a time (the lease
// "notification_mail"). A crash between the relay's answer and the record
// sends that mail again.
//
// Thread-safety: uses the installation from the calling thread, as
// Installation requires.
#pragma once

#include <chrono>
#include <string>

#include "sagsflow/app/installation.hpp"

namespace sagsflow::app {

struct MailSettings {
  std::string smtp_host;       // empty: no e-mail is sent (the pages still show notifications)
  unsigned smtp_port = 25;
  std::string from;            // the sender address
  std::string public_url;      // where staff open Sagsflow (links in the mail); may be empty
  std::chrono::seconds timeout{10};
  std::chrono::seconds first_retry{60};
  std::chrono::seconds max_retry{3600};
  int max_attempts = 8;
  int batch = 50;
  bool enabled() const { return !smtp_host.empty(); }
};

struct MailRun {
  long long sent = 0;
  long long retried = 0;  // failed now, tried again later
  long long failed = 0;   // failed for good
  bool held_elsewhere = false;  // another node holds the lease
};

// The subject and text of the mail for `n` (Danish; the case number and a link only).
struct MailText {
  std::string subject;
  std::string body;
};
MailText notification_mail_text(const Notification& n, const MailSettings& settings);

// Sends the notification mails due at `now` through the relay, as `holder`
// (a node name). kStorage when the outbox cannot be read or written; a relay
// that fails is no error of the run (each mail's failure is recorded).
Result<MailRun> send_notification_mails(Installation& installation, const MailSettings& settings,
                                        const std::string& holder, Timestamp now);

}  // namespace sagsflow::app
