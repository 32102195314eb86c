// One OpenID provider (sagsflow/server/oidc.hpp): discovery, JWKS cache, token endpoint; HTTP over Poco.
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>
#include <fmt/format.h>

#include <istream>
#include <memory>

#include "sagsflow/server/oidc.hpp"

namespace sagsflow::server::oidc {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxAnswerBytes = 1024 * 1024;

// The URL without its query (which may carry a hint): for messages.
std::string shown(const std::string& url) { return url.substr(0, url.find('?')); }

Result<HttpAnswer> exchange(const std::string& url, const std::string& method, const std::string& body,
                            const std::string& authorization, std::chrono::seconds timeout) {
  try {
    Poco::URI uri(url);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
      static const Poco::Net::Context::Ptr context =
          new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    } else if (uri.getScheme() == "http") {
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    } else {
      return InvalidArgument(fmt::format("{} is neither http nor https", shown(url)));
    }
    session->setTimeout(Poco::Timespan(static_cast<long>(timeout.count()), 0));
    Poco::Net::HTTPRequest request(method, uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json");
    if (!authorization.empty()) request.set("Authorization", authorization);
    if (method == Poco::Net::HTTPRequest::HTTP_POST) {
      request.setContentType("application/x-www-form-urlencoded");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      session->sendRequest(request) << body;
    } else {
      session->sendRequest(request);
    }
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    HttpAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      answer.body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (answer.body.size() > kMaxAnswerBytes) {
        return StorageError(fmt::format("{} answered more than {} bytes", shown(url), kMaxAnswerBytes));
      }
    }
    return answer;
  } catch (const Poco::Exception& e) {
    return StorageError(fmt::format("{} cannot be reached: {}", shown(url), e.displayText()));
  } catch (const std::exception& e) {
    return StorageError(fmt::format("{} cannot be reached: {}", shown(url), e.what()));
  }
}

std::string text_of(const json& j, const char* name) {
  return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
}

std::string with_query(const std::string& endpoint, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = endpoint;
  char sep = endpoint.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    out += sep;
    out += form_escape(k) + "=" + form_escape(v);
    sep = '&';
  }
  return out;
}

}  // namespace

Http poco_http(std::chrono::seconds timeout) {
  Http http;
  http.get = [timeout](const std::string& url) -> Result<std::string> {
    auto answer = exchange(url, Poco::Net::HTTPRequest::HTTP_GET, "", "", timeout);
    if (!answer.ok()) return answer.status();
    if (answer->status != 200) return StorageError(fmt::format("{} answered {}", shown(url), answer->status));
    return std::move(answer->body);
  };
  http.post_form = [timeout](const std::string& url, const std::string& form, const std::string& authorization) {
    return exchange(url, Poco::Net::HTTPRequest::HTTP_POST, form, authorization, timeout);
  };
  return http;
}

Provider::Provider(ProviderSettings settings, Http http) : settings_(std::move(settings)), http_(std::move(http)) {}

Result<Discovery> Provider::discovery() {
  {
    MutexLock lock(mutex_);
    if (discovery_ && std::chrono::steady_clock::now() - discovered_at_ < settings_.discovery_lifetime) {
      return *discovery_;
    }
  }
  std::string base = settings_.issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto text = http_.get(base + "/.well-known/openid-configuration");
  if (!text.ok()) {
    return StorageError(fmt::format("the {} sign-in provider's discovery document: {}", settings_.name,
                                    text.status().message()));
  }
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument(fmt::format("the {} sign-in provider's discovery document is not a JSON object",
                                       settings_.name));
  }
  Discovery d{text_of(doc, "issuer"), text_of(doc, "authorization_endpoint"), text_of(doc, "token_endpoint"),
              text_of(doc, "jwks_uri"), text_of(doc, "end_session_endpoint")};
  if (d.issuer != settings_.issuer) {
    return InvalidArgument(fmt::format("the {} sign-in provider's discovery document names the issuer '{}', not the "
                                       "configured '{}'",
                                       settings_.name, d.issuer.substr(0, 200), settings_.issuer));
  }
  for (const auto& [name, value] : {std::pair{"authorization_endpoint", d.authorization_endpoint},
                                    std::pair{"token_endpoint", d.token_endpoint}, std::pair{"jwks_uri", d.jwks_uri}}) {
    if (value.empty()) {
      return InvalidArgument(fmt::format("the {} sign-in provider's discovery document has no {}", settings_.name, name));
    }
  }
  MutexLock lock(mutex_);
  discovery_ = d;
  discovered_at_ = std::chrono::steady_clock::now();
  return d;
}

Result<std::string> Provider::authorization_url(const std::string& redirect_uri, const std::string& state,
                                                const std::string& nonce, const std::string& code_challenge) {
  auto d = discovery();
  if (!d.ok()) return d.status();
  std::vector<std::pair<std::string, std::string>> params{{"response_type", "code"},
                                                          {"client_id", settings_.client_id},
                                                          {"redirect_uri", redirect_uri},
                                                          {"scope", settings_.scope},
                                                          {"state", state},
                                                          {"nonce", nonce},
                                                          {"code_challenge", code_challenge},
                                                          {"code_challenge_method", "S256"}};
  if (!settings_.acr.empty()) {
    const auto level = nsis_level(settings_.acr);
    const char* uri = !level ? settings_.acr.c_str() : *level == 1 ? kNsisLow : *level == 2 ? kNsisSubstantial : kNsisHigh;
    params.emplace_back("acr_values", uri);
  }
  return with_query(d->authorization_endpoint, params);
}

Result<std::string> Provider::redeem(const std::string& code, const std::string& code_verifier,
                                     const std::string& redirect_uri) {
  auto d = discovery();
  if (!d.ok()) return d.status();
  const std::string form = "grant_type=authorization_code&code=" + form_escape(code) +
                           "&redirect_uri=" + form_escape(redirect_uri) + "&code_verifier=" + form_escape(code_verifier);
  // client_secret_basic (RFC 6749 §2.3.1): id and secret form-encoded, then base64.
  const std::string credentials = form_escape(settings_.client_id) + ":" + form_escape(settings_.client_secret);
  std::string b64 = base64url_encode(credentials);
  for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4 != 0) b64 += '=';
  auto answer = http_.post_form(d->token_endpoint, form, "Basic " + b64);
  if (!answer.ok()) return StorageError(fmt::format("the {} sign-in provider's token endpoint: {}", settings_.name,
                                                    answer.status().message()));
  json doc = json::parse(answer->body, nullptr, false);
  if (answer->status != 200) {
    const std::string error = doc.is_object() ? text_of(doc, "error") : "";
    return Forbidden(fmt::format("the {} sign-in provider's token endpoint refused the code ({}{})", settings_.name,
                                 answer->status, error.empty() ? "" : ": " + error.substr(0, 100)));
  }
  if (doc.is_discarded() || !doc.is_object() || text_of(doc, "id_token").empty()) {
    return Forbidden(fmt::format("the {} sign-in provider's token endpoint answered no id_token", settings_.name));
  }
  return text_of(doc, "id_token");
}

Result<Jwks> Provider::keys_for(const std::string& kid, const std::string& kty, Timestamp now) {
  {
    MutexLock lock(mutex_);
    if (jwks_ && jwks_->find(kid, kty) != nullptr) return *jwks_;
    // Unknown kid: fetch again, unless the last fetch was too recent.
    if (jwks_ && jwks_fetched_at_ && now - *jwks_fetched_at_ < settings_.jwks_refetch_interval) return *jwks_;
    jwks_fetched_at_ = now;  // before fetching: concurrent callers do not fetch too
    ++jwks_fetches_;
  }
  auto d = discovery();
  if (!d.ok()) return d.status();
  auto text = http_.get(d->jwks_uri);
  Result<Jwks> parsed = text.ok() ? Jwks::parse(*text) : Result<Jwks>(text.status());
  MutexLock lock(mutex_);
  if (!parsed.ok()) {
    if (jwks_) return *jwks_;  // keep the last set
    return StorageError(fmt::format("the {} sign-in provider's keys (JWKS): {}", settings_.name,
                                    parsed.status().message()));
  }
  jwks_ = *parsed;
  return *parsed;
}

Result<json> Provider::verify(std::string_view id_token, const std::string& nonce, Timestamp now) {
  auto header = peek_header(id_token);
  if (!header.ok()) return header.status();
  const std::string kty = header->alg == "RS256" ? "RSA" : header->alg == "ES256" ? "EC" : "";
  Expectations expected;
  expected.issuer = settings_.issuer;
  expected.client_id = settings_.client_id;
  expected.nonce = nonce;
  expected.algorithms = settings_.algorithms;
  expected.acr = settings_.acr;
  if (kty.empty()) return verify_id_token(id_token, Jwks(), expected, now);  // refuses the alg, fetches nothing
  auto keys = keys_for(header->kid, kty, now);
  if (!keys.ok()) return keys.status();
  return verify_id_token(id_token, *keys, expected, now);
}

std::optional<std::string> Provider::end_session_url(const std::string& id_token_hint,
                                                     const std::string& post_logout_redirect_uri) {
  auto d = discovery();
  if (!d.ok() || d->end_session_endpoint.empty()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> params;
  if (!id_token_hint.empty()) params.emplace_back("id_token_hint", id_token_hint);
  params.emplace_back("post_logout_redirect_uri", post_logout_redirect_uri);
  params.emplace_back("client_id", settings_.client_id);
  return with_query(d->end_session_endpoint, params);
}

int Provider::jwks_fetches() const {
  MutexLock lock(mutex_);
  return jwks_fetches_;
}

}  // namespace sagsflow::server::oidc
