#include "sagsflow/server/token_records.hpp"

#include <fmt/format.h>

namespace sagsflow::server {

Result<std::string> citizen_token_subject(db::SqlStore& store, const std::string& municipality, const Cpr& cpr,
                                          Timestamp now) {
  // A fresh id collides with a stored one with odds of 2^-128; one more try covers the impossible.
  for (int attempt = 0;; ++attempt) {
    auto subject = store.citizen_subject(municipality, cpr, random_token_id(), format_timestamp(now));
    if (subject.ok() || subject.status().code() != ErrorCode::kAlreadyExists || attempt > 0) return subject;
  }
}

Status revoke_token_id(db::SqlStore& store, const std::string& jti, const std::string& by, const std::string& reason,
                       Timestamp expires, Timestamp now) {
  if (!is_token_id(jti)) {
    return InvalidArgument(fmt::format("'{}' is not a token id (the jti `sagsflow token issue` prints: up to 64 "
                                       "letters, digits, '-' and '_')",
                                       jti.substr(0, 80)));
  }
  db::RevokedToken record;
  record.jti = jti;
  record.revoked_by = by;
  record.revoked_at = format_timestamp(now);
  record.keep_until = format_timestamp(expires);
  record.reason = reason;
  return store.revoke_token(record);
}

}  // namespace sagsflow::server
