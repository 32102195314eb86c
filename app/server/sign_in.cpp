// Sign-in through OpenID Connect and sessions (sign_in.hpp).
#include "sign_in.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/server/token_records.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

Result<std::string> read_client_secret(const std::string& path, const std::string& key) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return InvalidArgument(fmt::format("{}: the file {} cannot be read", key, path));
  if ((st.st_mode & 077) != 0) {
    return InvalidArgument(fmt::format("{}: {} has mode {:04o}; a client secret must be readable by its owner only "
                                       "(chmod 600 {})",
                                       key, path, st.st_mode & 07777, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("{}: the file {} cannot be read", key, path));
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
  if (secret.empty()) return InvalidArgument(fmt::format("{}: {} is empty", key, path));
  return secret;
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A page of its own for the sign-in's outcomes that are not a redirect (Danish, like the web pages).
AuthAnswer page(int status, const std::string& title, const std::string& text) {
  AuthAnswer a;
  a.status = status;
  a.content_type = "text/html; charset=utf-8";
  a.body = "<!doctype html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Sagsflow – " +
           html_escape(title) + "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
           "<main id=\"main\">\n<h1>" + html_escape(title) + "</h1>\n<p>" + html_escape(mask_cpr_numbers(text)) +
           "</p>\n<p><a href=\"/\">Til forsiden</a></p>\n</main>\n</body>\n</html>\n";
  a.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'");
  return a;
}

AuthAnswer redirect(int status, const std::string& location) {
  AuthAnswer a;
  a.status = status;
  a.headers.emplace_back("Location", location);
  return a;
}

// Where a sign-in may return to: a path of this site ("/", "/#mine-sager"),
// never another site ("//evil", "https://...", "/\\evil"), nor anything that
// reads as a CPR number.
bool safe_return_to(const std::string& path) {
  if (path.empty() || path.size() > 512 || path[0] != '/') return false;
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  for (unsigned char c : path) {
    if (c < 0x21 || c > 0x7e || c == '\\') return false;
  }
  return mask_cpr_numbers(path) == path;
}

std::string claim_text(const json& claims, const std::string& name) {
  if (!claims.contains(name)) return {};
  const json& v = claims[name];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<long long>());
  return {};
}

std::vector<std::string> claim_list(const json& claims, const std::string& name) {
  std::vector<std::string> out;
  if (!claims.contains(name)) return out;
  const json& v = claims[name];
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array()) {
    for (const auto& g : v) {
      if (g.is_string()) out.push_back(g.get<std::string>());
    }
  }
  return out;
}

std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto path = url.find('/', scheme_end + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

Timestamp now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Why a sign-in was refused, for the log: masked, and never a token.
void log_refusal(const std::string& kind, const std::string& why) {
  logger()->info("sign-in ({}) refused: {}", kind, mask_cpr_numbers(why));
}

}  // namespace

Result<std::shared_ptr<SignIn>> SignIn::create(Api& api, oidc::Http http) {
  std::shared_ptr<SignIn> s(new SignIn(api));
  const ServerConfig& c = api.config;
  s->origin_ = origin_of(c.oidc_public_url);
  for (const auto& [name, p] : {std::pair{std::string("citizen"), &c.oidc_citizen},
                                std::pair{std::string("staff"), &c.oidc_staff}}) {
    if (!p->enabled()) continue;
    auto secret = read_client_secret(p->client_secret_file, "oidc." + name + ".client_secret_file");
    if (!secret.ok()) return secret.status();
    oidc::ProviderSettings settings;
    settings.name = name;
    settings.issuer = p->issuer;
    settings.client_id = p->client_id;
    settings.client_secret = *secret;
    settings.acr = p->acr;
    (name == "citizen" ? s->citizen_ : s->staff_) = std::make_unique<oidc::Provider>(settings, http);
  }
  auto roles = oidc::parse_group_roles(c.oidc_staff.group_roles);
  if (!roles.ok()) return InvalidArgument("oidc.staff.group_roles: " + roles.status().message());
  s->group_roles_ = std::move(*roles);
  return s;
}

oidc::Provider* SignIn::provider(const std::string& kind) const {
  if (kind == "citizen") return citizen_.get();
  if (kind == "staff") return staff_.get();
  return nullptr;
}

const OidcProviderConfig& SignIn::settings_of(const std::string& kind) const {
  return kind == "citizen" ? api_.config.oidc_citizen : api_.config.oidc_staff;
}

std::string SignIn::cookie_value(const std::string& header) {
  std::istringstream in(header);
  for (std::string part; std::getline(in, part, ';');) {
    const auto first = part.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    part = part.substr(first);
    const std::string prefix = std::string(kSessionCookie) + "=";
    if (part.rfind(prefix, 0) == 0) {
      std::string value = part.substr(prefix.size());
      while (!value.empty() && value.back() == ' ') value.pop_back();
      return value;
    }
  }
  return {};
}

Status SignIn::check_csrf(const SessionView& session, const std::string& csrf, const std::string& origin) const {
  if (csrf.empty()) {
    return Forbidden("a request that changes something must carry the session's X-CSRF-Token header (GET "
                     "/api/v1/session gives it)");
  }
  if (csrf.size() != session.csrf_token.size() ||
      CRYPTO_memcmp(csrf.data(), session.csrf_token.data(), csrf.size()) != 0) {
    return Forbidden("the X-CSRF-Token header is not this session's");
  }
  if (!origin.empty() && origin != origin_) {
    return Forbidden(fmt::format("the request comes from another site (Origin {}); only {} may send it",
                                 mask_cpr_numbers(origin.substr(0, 200)), origin_));
  }
  return Status::Ok();
}

AuthAnswer SignIn::login(const std::string& kind, const std::map<std::string, std::string>& query) {
  oidc::Provider* p = provider(kind);
  if (p == nullptr) {
    return page(404, "Log-ind findes ikke",
                kind == "citizen" || kind == "staff"
                    ? "Denne installation tilbyder ikke log-ind for " + std::string(kind == "citizen" ? "borgere" : "medarbejdere") + "."
                    : "Der er ingen log-ind af denne slags.");
  }
  std::string return_to = "/";
  if (const auto it = query.find("return_to"); it != query.end() && !it->second.empty()) {
    if (!safe_return_to(it->second)) {
      return page(400, "Ugyldig adresse",
                  "return_to skal være en sti på denne side (begynder med én '/'), ikke en anden adresse.");
    }
    return_to = it->second;
  }
  const Timestamp now = now_seconds();
  db::LoginAttempt attempt;
  const std::string state = oidc::random_base64url(32);
  attempt.state_sha256 = oidc::sha256_hex(state);
  attempt.provider = kind;
  attempt.nonce = oidc::random_base64url(32);
  attempt.code_verifier = oidc::random_base64url(32);
  attempt.return_to = return_to;
  attempt.created_at = format_timestamp(now);
  attempt.expires_at = format_timestamp(now + kAttemptLifetime);
  auto url = p->authorization_url(redirect_uri(), state, attempt.nonce, oidc::pkce_challenge(attempt.code_verifier));
  if (!url.ok()) {
    logger()->error("sign-in ({}): the provider cannot be used: {}", kind, url.status().message());
    return page(503, "Log-ind er ikke muligt lige nu",
                "Log-ind-tjenesten svarer ikke. Prøv igen om lidt; fortsætter det, så kontakt kommunen.");
  }
  Status stored = Internal("not run");
  Status committed = api_.lanes->write([&](app::Installation& i) { stored = i.store->put_login_attempt(attempt); });
  if (!committed.ok()) stored = committed;
  if (!stored.ok()) {
    logger()->error("sign-in ({}): the attempt could not be stored: {}", kind, stored.message());
    return page(503, "Log-ind er ikke muligt lige nu", "Databasen svarer ikke. Prøv igen om lidt.");
  }
  return redirect(302, *url);
}

Result<db::SessionRecord> SignIn::session_for(const std::string& kind, const json& claims, const std::string& id_token,
                                              Timestamp now) {
  const OidcProviderConfig& cfg = settings_of(kind);
  db::SessionRecord r;
  r.kind = kind;
  r.provider = kind;
  r.created_at = format_timestamp(now);
  r.last_seen_at = r.created_at;
  r.idle_expires_at = format_timestamp(now + std::chrono::seconds(api_.config.session_idle_seconds));
  r.expires_at = format_timestamp(now + std::chrono::hours(api_.config.session_absolute_hours));
  r.csrf_token = oidc::random_base64url(32);
  std::optional<Cpr> cpr;
  std::string person;
  std::set<std::string> mapped;
  if (kind == "citizen") {
    auto parsed = Cpr::parse(claim_text(claims, cfg.cpr_claim));
    if (!parsed.ok()) {
      return Forbidden(fmt::format("the ID token's claim {} holds no valid CPR number", cfg.cpr_claim));
    }
    cpr = *parsed;
    std::string name = mask_cpr_numbers(claim_text(claims, cfg.name_claim));
    r.name = name.substr(0, 200);
    // The ID token carries the CPR number: it is not kept, so it never goes into a logout URL.
  } else {
    person = claim_text(claims, cfg.id_claim);
    if (person.empty()) return Forbidden(fmt::format("the ID token has no staff id in its claim {}", cfg.id_claim));
    for (const auto& g : claim_list(claims, cfg.groups_claim)) {
      const auto [from, to] = group_roles_.equal_range(g);
      for (auto it = from; it != to; ++it) mapped.insert(it->second);
    }
    r.id_token = id_token;
  }
  Status made = Internal("not run");
  Status committed = api_.lanes->write([&](app::Installation& i) {
    const Organisation* org = i.organisation.get();
    if (org == nullptr || org->empty()) {
      made = FailedPrecondition("no municipality file is loaded: run `sagsflow init --municipality-file FILE`");
      return;
    }
    std::string municipality = api_.config.oidc_municipality;
    if (municipality.empty()) {
      const auto all = org->all();
      if (all.size() != 1) {
        made = FailedPrecondition("the installation serves several municipalities: set oidc.municipality");
        return;
      }
      municipality = all.front()->code;
    } else if (!org->knows(municipality)) {
      made = FailedPrecondition(fmt::format("oidc.municipality {} is not loaded", municipality));
      return;
    }
    r.municipality = municipality;
    if (kind == "citizen") {
      auto subject = citizen_token_subject(*i.store, municipality, *cpr, now);
      if (!subject.ok()) {
        made = subject.status();
        return;
      }
      r.citizen_subject = *subject;
    } else {
      auto known = org->person(person, municipality);
      if (!known.ok() || known->municipality == nullptr || known->municipality->code != municipality) {
        made = NotFound(fmt::format("{} is not on the staff list of municipality {}", person.substr(0, 64),
                                    municipality));
        return;
      }
      std::vector<std::string> roles;
      for (const auto& role : known->staff->roles) {
        if (mapped.contains(role)) roles.push_back(role);
      }
      if (roles.empty()) {
        made = Forbidden(fmt::format("the groups of {} give none of the roles the staff list gives them", person));
        return;
      }
      // The core's check, as for a token: the person acts in these roles for this municipality.
      auto actor = org->actor_for({person, "", "", roles}, municipality);
      if (!actor.ok()) {
        made = actor.status();
        return;
      }
      r.person = person;
      r.unit = known->staff->unit;
      r.roles = roles;
      r.name = known->staff->name;
    }
    made = Status::Ok();
  });
  if (!committed.ok()) made = committed;
  if (!made.ok()) return made;
  return r;
}

AuthAnswer SignIn::callback(const std::map<std::string, std::string>& query, bool tls) {
  const auto value = [&](const char* k) {
    const auto it = query.find(k);
    return it == query.end() ? std::string() : it->second;
  };
  const std::string state = value("state");
  if (state.empty()) {
    return page(400, "Log-ind mislykkedes", "Svaret fra log-ind-tjenesten mangler sin state. Prøv at logge ind igen.");
  }
  const Timestamp now = now_seconds();
  Result<std::optional<db::LoginAttempt>> taken = Internal("not run");
  Status committed = api_.lanes->write(
      [&](app::Installation& i) { taken = i.store->take_login_attempt(oidc::sha256_hex(state), format_timestamp(now)); });
  if (!committed.ok()) taken = committed;
  if (!taken.ok()) {
    logger()->error("sign-in: the attempt could not be read: {}", taken.status().message());
    return page(503, "Log-ind er ikke muligt lige nu", "Databasen svarer ikke. Prøv igen om lidt.");
  }
  if (!*taken) {
    return page(400, "Log-ind mislykkedes",
                "Log-ind-forsøget er ukendt, brugt eller udløbet (det gælder i 10 minutter). Prøv at logge ind igen.");
  }
  const db::LoginAttempt attempt = std::move(**taken);
  const std::string kind = attempt.provider;
  oidc::Provider* p = provider(kind);
  if (p == nullptr) return page(400, "Log-ind mislykkedes", "Log-ind-tjenesten er ikke længere sat op.");
  if (const std::string error = value("error"); !error.empty()) {
    std::string code;
    for (char c : error.substr(0, 64)) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') code += c;
    }
    log_refusal(kind, "the provider answered the error " + code);
    const bool cancelled = code == "access_denied" || code == "login_required" || code == "consent_required";
    return page(cancelled ? 403 : 502, "Log-ind mislykkedes",
                cancelled ? "Du blev ikke logget ind: log-ind blev afbrudt eller afvist hos log-ind-tjenesten (" +
                                code + ")."
                          : "Log-ind-tjenesten meldte en fejl (" + code + "). Prøv igen om lidt.");
  }
  // RFC 9207: a provider that names itself must be the one the sign-in went to (no mix-up).
  if (const std::string iss = value("iss"); !iss.empty() && iss != settings_of(kind).issuer) {
    log_refusal(kind, "the answer came from another issuer than " + settings_of(kind).issuer);
    return page(403, "Log-ind mislykkedes", "Svaret kom fra en anden log-ind-tjeneste end den, log-ind begyndte hos.");
  }
  const std::string code = value("code");
  if (code.empty()) return page(400, "Log-ind mislykkedes", "Svaret fra log-ind-tjenesten mangler sin kode.");
  auto id_token = p->redeem(code, attempt.code_verifier, redirect_uri());
  if (!id_token.ok()) {
    log_refusal(kind, id_token.status().message());
    return page(id_token.status().code() == ErrorCode::kStorage ? 503 : 403, "Log-ind mislykkedes",
                "Log-ind-tjenesten bekræftede ikke log-ind. Prøv at logge ind igen.");
  }
  auto claims = p->verify(*id_token, attempt.nonce, now);
  if (!claims.ok()) {
    log_refusal(kind, claims.status().message());
    const bool level = claims.status().message().find("level of assurance") != std::string::npos;
    return page(claims.status().code() == ErrorCode::kStorage ? 503 : 403, "Log-ind mislykkedes",
                level ? "Dit log-ind har ikke det sikringsniveau, der kræves (NSIS " +
                            std::string(settings_of(kind).acr.empty() ? "" : settings_of(kind).acr) +
                            "). Log ind med MitID igen."
                      : "Log-ind kunne ikke bekræftes: " + claims.status().message() + ".");
  }
  auto record = session_for(kind, *claims, *id_token, now);
  if (!record.ok()) {
    log_refusal(kind, record.status().message());
    if (record.status().code() == ErrorCode::kNotFound) {
      return page(403, "Du kan ikke logge ind som medarbejder",
                  "Du står ikke på kommunens medarbejderliste. Kontakt kommunens administrator, hvis du skal have adgang.");
    }
    if (record.status().code() == ErrorCode::kStorage) {
      return page(503, "Log-ind er ikke muligt lige nu", "Databasen svarer ikke. Prøv igen om lidt.");
    }
    return page(403, "Log-ind mislykkedes", record.status().message() + ".");
  }
  const std::string session_id = oidc::random_base64url(32);
  record->id_sha256 = oidc::sha256_hex(session_id);
  Status stored = Internal("not run");
  committed = api_.lanes->write([&](app::Installation& i) { stored = i.store->put_session(*record); });
  if (!committed.ok()) stored = committed;
  if (!stored.ok()) {
    logger()->error("sign-in ({}): the session could not be stored: {}", kind, stored.message());
    return page(503, "Log-ind er ikke muligt lige nu", "Databasen svarer ikke. Prøv igen om lidt.");
  }
  logger()->info("sign-in ({}): session:{} of {} begins", kind, record->id_sha256.substr(0, 12),
                 kind == "staff" ? record->person : std::string("a citizen"));
  AuthAnswer a = redirect(303, attempt.return_to);
  a.headers.emplace_back("Set-Cookie", fmt::format("{}={}; HttpOnly; SameSite=Lax; Path=/{}", kSessionCookie,
                                                   session_id, tls ? "; Secure" : ""));
  return a;
}

AuthAnswer SignIn::logout(const SessionView& session) {
  std::string id_token;
  {
    MutexLock lock(mutex_);
    if (const auto it = cache_.find(session.id_sha256); it != cache_.end()) {
      id_token = it->second.record.id_token;
      cache_.erase(it);
    }
  }
  const Timestamp now = now_seconds();
  Result<bool> ended = Internal("not run");
  Status committed = api_.lanes->write([&](app::Installation& i) {
    if (id_token.empty()) {
      if (auto r = i.store->session(session.id_sha256); r.ok() && *r) id_token = (*r)->id_token;
    }
    ended = i.store->end_session(session.id_sha256, format_timestamp(now));
  });
  if (!committed.ok()) ended = committed;
  AuthAnswer a;
  a.content_type = "application/json";
  if (!ended.ok()) {
    logger()->error("sign-out: the session could not be ended: {}", ended.status().message());
    a.status = 503;
    a.content_type = "application/problem+json";
    a.body = json{{"type", "/api/v1/problems/storage"}, {"title", "Storage unavailable"}, {"status", 503},
                  {"code", "storage"}, {"detail", "the session could not be ended; try again"}}
                 .dump();
    return a;
  }
  {
    MutexLock lock(mutex_);
    cache_.erase(session.id_sha256);
  }
  logger()->info("sign-out: session:{} ended", session.id_sha256.substr(0, 12));
  std::string next = "/";
  if (oidc::Provider* p = provider(session.provider)) {
    if (auto url = p->end_session_url(id_token, api_.config.oidc_public_url + "/")) next = *url;
  }
  a.body = json{{"redirect", next}}.dump();
  a.headers.emplace_back("Set-Cookie", fmt::format("{}=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/", kSessionCookie));
  return a;
}

Result<SignIn::Signed> SignIn::authenticate(const std::string& session_id, Timestamp now) {
  if (session_id.size() != 43 || !oidc::base64url_decode(session_id)) {
    return Forbidden("the session cookie is not one this server set; sign in again");
  }
  const std::string hash = oidc::sha256_hex(session_id);
  std::optional<Cached> found;
  {
    MutexLock lock(mutex_);
    if (const auto it = cache_.find(hash); it != cache_.end()) {
      if (std::chrono::steady_clock::now() - it->second.read_at < kCacheFor) {
        found = it->second;
      } else {
        cache_.erase(it);
      }
    }
  }
  if (!found) {
    Result<std::optional<db::SessionRecord>> read = Internal("not run");
    Status ran = api_.lanes->read([&](app::Installation& i) { read = i.store->session(hash); });
    if (!ran.ok()) read = ran;
    if (!read.ok()) return StorageError("the session cannot be read: " + read.status().message());
    if (!*read) return Forbidden("the session is unknown (it ended or was never made); sign in again");
    found = Cached{std::move(**read), std::nullopt, std::chrono::steady_clock::now()};
  }
  db::SessionRecord& r = found->record;
  const std::string at = format_timestamp(now);
  if (!r.ended_at.empty()) return Forbidden("the session was ended by signing out; sign in again");
  if (r.expires_at <= at) {
    return Forbidden(fmt::format("the session has expired: a session lasts at most {} hours; sign in again",
                                 api_.config.session_absolute_hours));
  }
  if (r.idle_expires_at <= at) {
    const int idle = api_.config.session_idle_seconds;
    return Forbidden(fmt::format("the session has expired after {} without use; sign in again",
                                 idle % 60 == 0 ? fmt::format("{} minutes", idle / 60) : fmt::format("{} s", idle)));
  }
  // Use slides the idle expiry, stored at most once a minute (a quarter of the idle time when shorter).
  const auto idle = std::chrono::seconds(api_.config.session_idle_seconds);
  const auto every = std::min<std::chrono::seconds>(std::chrono::seconds(60), idle / 4);
  auto last_seen = parse_timestamp(r.last_seen_at);
  if (!last_seen.ok() || now - *last_seen >= every) {
    Result<bool> touched = Internal("not run");
    const std::string idle_until = format_timestamp(now + idle);
    Status committed =
        api_.lanes->write([&](app::Installation& i) { touched = i.store->touch_session(hash, at, idle_until); });
    if (!committed.ok()) touched = committed;
    if (touched.ok() && *touched) {
      r.last_seen_at = at;
      r.idle_expires_at = idle_until;
    } else if (touched.ok()) {
      return Forbidden("the session was ended by signing out; sign in again");
    } else {
      logger()->warn("a session's last use could not be stored: {}", touched.status().message());
    }
  }
  if (r.kind == "citizen" && !found->citizen) {
    auto cpr = api_.tokens->citizen_of(r.municipality, r.citizen_subject);
    if (!cpr.ok()) return cpr.status();
    found->citizen = *cpr;
  }
  Signed out;
  Principal& p = out.principal;
  p.kind = r.kind == "citizen" ? PrincipalKind::kCitizen : PrincipalKind::kStaff;
  p.person = r.person;
  p.municipality = r.municipality;
  p.unit = r.unit;
  p.roles = r.roles;
  p.citizen_subject = r.citizen_subject;
  p.citizen = found->citizen;
  p.token_id = "session:" + hash.substr(0, 12);
  if (auto t = parse_timestamp(r.created_at); t.ok()) p.issued = *t;
  if (auto t = parse_timestamp(r.expires_at); t.ok()) p.expires = *t;
  SessionView& v = out.session;
  v.id_sha256 = hash;
  v.kind = r.kind;
  v.provider = r.provider;
  v.name = r.name;
  v.csrf_token = r.csrf_token;
  if (auto t = parse_timestamp(r.idle_expires_at); t.ok()) v.idle_expires = *t;
  v.expires = p.expires;
  {
    MutexLock lock(mutex_);
    if (cache_.size() >= 10000) cache_.clear();
    // A fresh read restarts the cache time; one from the cache keeps its own.
    cache_.insert_or_assign(hash, *found);
  }
  return out;
}

// GET /api/v1/session: who is signed in, for the web pages.
void add_session_routes(std::vector<Route>& routes) {
  Route r{"GET", "/api/v1/session", Access::kPublic, [](Call& c) -> Result<json> {
            const SignIn* s = c.api.sign_in.get();
            if (!c.principal) {
              return json{{"signed_in", false},
                          {"sign_in", {{"citizen", s != nullptr && s->offers("citizen")},
                                       {"staff", s != nullptr && s->offers("staff")}}}};
            }
            const Principal& p = *c.principal;
            const bool citizen = p.kind == PrincipalKind::kCitizen;
            json out{{"signed_in", true},
                     {"kind", citizen ? "citizen" : "staff"},
                     {"person", citizen ? json() : json(p.person)},
                     {"name", c.session && !c.session->name.empty() ? json(c.session->name) : json()},
                     {"municipality", p.municipality},
                     {"roles", p.roles},
                     {"via", c.session ? "session" : "token"},
                     {"csrf_token", c.session ? json(c.session->csrf_token) : json()},
                     {"idle_expires_at", c.session ? json(format_timestamp(c.session->idle_expires)) : json()},
                     {"expires_at", format_timestamp(p.expires)}};
            return out;
          }};
  r.lane = Lane::kOwn;
  routes.push_back(std::move(r));
}

}  // namespace sagsflow::server
