// The installation's records behind tokens: citizens' opaque subjects and
// the revocation list (SqlStore, migration 0006), as `sagsflow token issue`,
// `sagsflow token revoke` and tests use them.
//
// Thread-safety: as the store's (one store per thread).
#pragma once

#include <string>

#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/domain/time.hpp"
#include "sagsflow/server/tokens.hpp"

namespace sagsflow::server {

// The opaque subject a citizen's tokens carry for `municipality`: the stored
// one, or a new random one (random_token_id) stored at the first call. The
// store's errors.
Result<std::string> citizen_token_subject(db::SqlStore& store, const std::string& municipality, const Cpr& cpr,
                                          Timestamp now);

// Revokes token `jti` at `now`, recording `by` and `reason`, kept until
// `expires` (the token's expiry; when it is not known, now + the longest
// lifetime a token may have). kInvalidArgument when `jti` cannot be a token
// id; the store's kAlreadyExists when it is revoked already; kStorage.
Status revoke_token_id(db::SqlStore& store, const std::string& jti, const std::string& by, const std::string& reason,
                       Timestamp expires, Timestamp now);

}  // namespace sagsflow::server
