// digital_post: delivers letters as MeMo messages (letter["memo"], built by
// the host) either into a folder, one <MessageUUID>.xml per letter, for a
// gateway that forwards them to Digital Post, or by HTTP POST to a receiver.
// At least once, delivered once: a letter that comes again (same
// idempotency key, same MessageUUID) is not written or sent twice in folder
// mode, and in http mode carries the same Idempotency-Key header so the
// receiver can recognise it. Never logs the recipient's CPR number.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <sagsflow/plugin.hpp>

#include <cctype>
#include <optional>
#include <sstream>
#include <string>

#include "durable_file.hpp"

namespace {
using sagsflow::sdk::DeliveryResult;
using nlohmann::json;

constexpr size_t kMaxText = 1000;  // the host takes receipts and reasons of at most 1000 bytes

// At most kMaxText bytes, cut before a UTF-8 continuation byte.
std::string bounded(std::string s) {
  if (s.size() <= kMaxText) return s;
  size_t n = kMaxText;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

std::string trimmed(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// 8-4-4-4-12 hex digits: safe as a file name.
bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool mentions_exemption(std::string body) {
  for (auto& ch : body) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return body.find("exempt") != std::string::npos || body.find("fritaget") != std::string::npos;
}

class DigitalPost : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;
  static constexpr bool kDeliversLetters = true;

  DeliveryResult deliver_letter(const json& letter, std::string_view /*pdf: inside the MeMo message*/) override {
    const json memo = letter.value("memo", json());
    if (!memo.is_string() || memo.get_ref<const std::string&>().empty()) {
      return DeliveryResult::refused(
          "the letter has no MeMo message (\"memo\"): Digital Post takes only MeMo; the host builds it for the "
          "digital_post channel");
    }
    const std::string uuid = letter.value("message_uuid", "");
    if (!is_uuid(uuid)) {
      return DeliveryResult::retry("the letter's message_uuid is not a UUID (8-4-4-4-12 hex digits)");
    }
    const std::string mode = host().config("mode").value_or("");
    if (mode == "folder") return to_folder(letter, uuid, memo.get_ref<const std::string&>());
    if (mode == "http") return to_receiver(letter, uuid, memo.get_ref<const std::string&>());
    return DeliveryResult::retry(mode.empty() ? "digital_post is not configured: set mode (folder or http)"
                                              : "digital_post's mode is '" + bounded(mode) + "'; use folder or http");
  }

 private:
  DeliveryResult to_folder(const json& letter, const std::string& uuid, const std::string& memo) {
    const std::string folder = host().config("folder").value_or("");
    if (folder.empty()) return DeliveryResult::retry("digital_post in mode folder needs the setting folder");
    const std::string name = uuid + ".xml";
    const std::string receipt = "digital post folder: " + name;
    if (sagsflow_plugins::file_exists(folder + "/" + name)) return DeliveryResult::delivered(receipt);  // again
    if (auto err = sagsflow_plugins::ensure_directory(folder); !err.empty()) return DeliveryResult::retry(bounded(err));
    if (auto err = sagsflow_plugins::write_atomically(folder, name, memo); !err.empty()) {
      return DeliveryResult::retry(bounded(err));
    }
    host().log(SF_LOG_INFO, "letter " + std::to_string(letter.value("letter_id", 0LL)) + " written as " + name);
    return DeliveryResult::delivered(receipt);
  }

  DeliveryResult to_receiver(const json& letter, const std::string& uuid, const std::string& memo) {
    const std::string endpoint = host().config("endpoint").value_or("");
    if (endpoint.empty()) return DeliveryResult::retry("digital_post in mode http needs the setting endpoint");
    Poco::URI uri;
    try {
      uri = Poco::URI(endpoint);
    } catch (const Poco::Exception&) {
      return DeliveryResult::retry("digital_post's endpoint is not a URL");
    }
    if (uri.getScheme() != "http" || uri.getHost().empty()) {
      return DeliveryResult::retry("digital_post's endpoint must be an http:// URL (a local gateway does TLS)");
    }
    int timeout = 10;
    if (auto t = host().config("timeout_seconds")) {
      try {
        timeout = std::stoi(*t);
      } catch (const std::exception&) {
        timeout = 0;
      }
      if (timeout < 1 || timeout > 300) return DeliveryResult::retry("timeout_seconds must be from 1 to 300");
    }
    const std::string key = letter.value("idempotency_key", "");
    int status = 0;
    std::string body;
    try {
      Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
      session.setTimeout(Poco::Timespan(timeout, 0));
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery().empty() ? "/"
                                                                                                       : uri.getPathAndQuery(),
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setContentType("application/xml");
      request.setContentLength(static_cast<std::streamsize>(memo.size()));
      request.set("Idempotency-Key", key);
      request.set("X-MessageUUID", uuid);
      std::ostream& out = session.sendRequest(request);
      out.write(memo.data(), static_cast<std::streamsize>(memo.size()));
      Poco::Net::HTTPResponse response;
      std::istream& in = session.receiveResponse(response);
      std::ostringstream text;
      Poco::StreamCopier::copyStream(in, text, 8192);
      status = static_cast<int>(response.getStatus());
      body = text.str().substr(0, 64 * 1024);
    } catch (const Poco::TimeoutException&) {
      return DeliveryResult::retry("the Digital Post receiver did not answer within " + std::to_string(timeout) + " s");
    } catch (const Poco::Exception& e) {
      return DeliveryResult::retry(bounded("the Digital Post receiver could not be reached: " + e.displayText()));
    } catch (const std::exception& e) {
      return DeliveryResult::retry(bounded(std::string("the Digital Post receiver could not be reached: ") + e.what()));
    }
    const json answer = json::parse(body, nullptr, false);
    const auto member = [&](const char* name) -> std::optional<std::string> {
      if (!answer.is_object() || !answer.contains(name) || !answer.at(name).is_string()) return std::nullopt;
      return answer.at(name).get<std::string>();
    };
    if (status >= 200 && status < 300) {
      std::string receipt = member("receipt").value_or(trimmed(body));
      if (receipt.empty()) receipt = "HTTP " + std::to_string(status);
      host().log(SF_LOG_INFO, "letter " + std::to_string(letter.value("letter_id", 0LL)) + " (" + uuid +
                                  ") accepted by the Digital Post receiver");
      return DeliveryResult::delivered(bounded(receipt));
    }
    if (status >= 400 && status < 500) {
      if (auto refused = member("refused")) return DeliveryResult::refused(bounded(*refused));
      if (mentions_exemption(body)) return DeliveryResult::refused(bounded("HTTP " + std::to_string(status) + ": " +
                                                                           trimmed(body)));
    }
    return DeliveryResult::retry(bounded("the Digital Post receiver answered HTTP " + std::to_string(status) +
                                         (trimmed(body).empty() ? "" : ": " + trimmed(body))));
  }
};

}  // namespace

SAGSFLOW_PLUGIN(DigitalPost)
