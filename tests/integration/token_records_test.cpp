// The store's token records (migration 0006) on both backends: revoked
// token ids, kept until their token's expiry, and citizens' opaque subjects.
#include <gtest/gtest.h>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

class TokenRecordsTest : public DatabaseTest {};

db::RevokedToken revoked(const std::string& jti, const std::string& at, const std::string& until) {
  return {jti, "anna", at, until, "laptop stolen"};
}

TEST_P(TokenRecordsTest, ARevokedIdIsListedUntilItsTokenExpiresAndRevokedOnlyOnce) {
  auto store = connect();
  ASSERT_TRUE(store->revoke_token(revoked("tokenA", "2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z")).ok());
  ASSERT_TRUE(store->revoke_token(revoked("tokenB", "2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z")).ok());
  auto again = store->revoke_token(revoked("tokenA", "2026-12-01T11:00:00Z", "2026-12-02T10:00:00Z"));
  EXPECT_EQ(again.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(again.message().find("at 2026-12-01T10:00:00Z by anna"), std::string::npos) << again.message();
  auto now = store->revoked_tokens("2026-12-01T11:00:00Z");
  ASSERT_TRUE(now.ok()) << now.status().message();
  ASSERT_EQ(now->size(), 2u);
  EXPECT_EQ((*now)[0].jti, "tokenA");
  EXPECT_EQ((*now)[0].reason, "laptop stolen");
  auto later = store->revoked_tokens("2026-12-01T13:00:00Z");
  ASSERT_EQ(later->size(), 1u) << "tokenB expired: nothing left to refuse";
  // The next revocation purges what is past its keep-until time.
  ASSERT_TRUE(store->revoke_token(revoked("tokenC", "2026-12-01T13:00:00Z", "2026-12-03T00:00:00Z")).ok());
  EXPECT_TRUE(store->revoke_token(revoked("tokenB", "2026-12-01T13:00:00Z", "2026-12-01T14:00:00Z")).ok())
      << "tokenB's record was purged, so it can be stored again";
}

TEST_P(TokenRecordsTest, ACitizenHasOneOpaqueSubjectPerMunicipality) {
  auto store = connect();
  const Cpr jens = *Cpr::parse("010490-9989");
  const Cpr other = *Cpr::parse("070761-4285");
  auto first = store->citizen_subject("0999", jens, "subjectOne", "2026-12-01T10:00:00Z");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(*first, "subjectOne");
  EXPECT_EQ(*store->citizen_subject("0999", jens, "subjectTwo", "2026-12-01T11:00:00Z"), "subjectOne")
      << "the stored subject stays";
  EXPECT_EQ(*store->citizen_subject("0991", jens, "subjectThree", "2026-12-01T11:00:00Z"), "subjectThree")
      << "another municipality, another subject";
  EXPECT_EQ(store->citizen_subject("0999", other, "subjectOne", "2026-12-01T11:00:00Z").status().code(),
            ErrorCode::kAlreadyExists);
  auto found = store->citizen_of_subject("0999", "subjectOne");
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->reveal(), "010490-9989");
  EXPECT_FALSE(*store->citizen_of_subject("0991", "subjectOne")) << "a subject belongs to one municipality";
  EXPECT_FALSE(*store->citizen_of_subject("0999", "nobody"));
}

INSTANTIATE_TEST_SUITE_P(Backends, TokenRecordsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
