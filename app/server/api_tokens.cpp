// The server's TokenGate: its sources read the installation's store on a read lane.
#include "api.hpp"

namespace sagsflow::server {

Result<std::unique_ptr<TokenGate>> token_gate_for(Api& api, const std::string& key) {
  keep_crypto_initialised();
  TokenPolicy policy;
  policy.max_lifetime = std::chrono::hours(api.config.token_max_lifetime_hours);
  auto service = TokenService::create(key, policy);
  if (!service.ok()) return service.status();
  auto revoked = [&api](Timestamp now) -> Result<std::set<std::string>> {
    Result<std::vector<db::RevokedToken>> list = Internal("not read");
    if (auto st = api.lanes->read([&](app::Installation& i) { list = i.store->revoked_tokens(format_timestamp(now)); });
        !st.ok()) {
      return st;
    }
    if (!list.ok()) return list.status();
    std::set<std::string> out;
    for (const auto& r : *list) out.insert(r.jti);
    return out;
  };
  auto subjects = [&api](const std::string& municipality, const std::string& subject) -> Result<std::optional<Cpr>> {
    Result<std::optional<Cpr>> citizen = Internal("not read");
    if (auto st = api.lanes->read([&](app::Installation& i) { citizen = i.store->citizen_of_subject(municipality, subject); });
        !st.ok()) {
      return st;
    }
    return citizen;
  };
  auto gate = std::make_unique<TokenGate>(std::move(*service), std::move(revoked), std::move(subjects),
                                          std::chrono::seconds(api.config.revocation_refresh_seconds));
  if (auto st = gate->load_revocations(std::chrono::time_point_cast<std::chrono::seconds>(
          std::chrono::system_clock::now()));
      !st.ok()) {
    return st;
  }
  return gate;
}

}  // namespace sagsflow::server
