#include "sagsflow/app/notification_mail.hpp"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <fmt/format.h>

#include <algorithm>

#include "sagsflow/domain/log.hpp"

namespace sagsflow::app {

namespace {

const char* what_happened(const std::string& kind) {
  if (kind == "queue") return "er kommet i din enheds kø";
  if (kind == "assigned") return "er givet til dig";
  if (kind == "missing_received") return "har fået svar fra borgeren";
  if (kind == "deadline_near") return "nærmer sig sin frist";
  return "har brug for dig";
}

}  // namespace

MailText notification_mail_text(const Notification& n, const MailSettings& settings) {
  MailText t;
  t.subject = fmt::format("Sagsflow: sag {} {}", n.case_number, what_happened(n.kind));
  std::string link;
  if (!settings.public_url.empty()) {
    std::string base = settings.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    link = fmt::format("\r\n\r\nÅbn sagen: {}/#/case/{}", base, n.case_number);
  }
  t.body = fmt::format(
      "Sag {} {}.{}\r\n\r\nLog ind i Sagsflow for at se sagen. Denne besked indeholder ingen personoplysninger; "
      "svar ikke på den.\r\n",
      n.case_number, what_happened(n.kind), link);
  return t;
}

namespace {

// One mail to the relay; the error text when it failed.
std::string send_one(const Notification& n, const MailSettings& settings) {
  try {
    const MailText text = notification_mail_text(n, settings);
    Poco::Net::MailMessage message;
    message.setSender(settings.from);
    message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, n.email));
    message.setSubject(Poco::Net::MailMessage::encodeWord(text.subject, "UTF-8"));
    message.setContentType("text/plain; charset=UTF-8");
    message.setContent(text.body, Poco::Net::MailMessage::ENCODING_8BIT);
    Poco::Net::StreamSocket socket;
    const Poco::Timespan timeout(static_cast<long>(settings.timeout.count()), 0);
    socket.connect(Poco::Net::SocketAddress(settings.smtp_host, static_cast<Poco::UInt16>(settings.smtp_port)), timeout);
    Poco::Net::SMTPClientSession session(socket);
    session.setTimeout(timeout);
    session.login();
    session.sendMessage(message);
    session.close();
    return {};
  } catch (const Poco::Exception& e) {
    return e.displayText().empty() ? std::string("the mail relay failed") : e.displayText();
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

Result<MailRun> send_notification_mails(Installation& installation, const MailSettings& settings,
                                        const std::string& holder, Timestamp now) {
  MailRun run;
  if (!settings.enabled()) return run;
  auto& store = *installation.store;
  const auto lease = std::max(settings.timeout * (settings.batch + 1), std::chrono::seconds(60));
  auto mine = store.take_lease("notification_mail", holder, format_timestamp(now), format_timestamp(now + lease));
  if (!mine.ok()) return mine.status();
  if (!*mine) {
    run.held_elsewhere = true;
    return run;
  }
  auto due = store.due_notification_mails(format_timestamp(now), settings.batch);
  if (!due.ok()) return due.status();
  for (const auto& n : *due) {
    const std::string error = send_one(n, settings);
    if (error.empty()) {
      if (auto st = store.settle_notification_mail(n.id, true, "", ""); !st.ok()) return st;
      ++run.sent;
      continue;
    }
    const int attempts = n.mail_attempts + 1;
    std::string next;
    if (attempts < settings.max_attempts) {
      auto wait = settings.first_retry;
      for (int i = 1; i < attempts && wait < settings.max_retry; ++i) wait *= 2;
      next = format_timestamp(now + std::min(wait, settings.max_retry));
      ++run.retried;
    } else {
      ++run.failed;
    }
    // The address is personal to the staff member, the relay's answer is not logged with it.
    logger()->warn("notification mail {} (case {}) not sent, attempt {}: {}", n.id, n.case_number, attempts, error);
    if (auto st = store.settle_notification_mail(n.id, false, error, next); !st.ok()) return st;
  }
  return run;
}

}  // namespace sagsflow::app
