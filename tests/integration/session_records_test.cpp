// The store's sign-in records (migration 0017) on both backends: login
// attempts completed once and not after they expire, and sessions found by
// their id's hash, refreshed, ended and removed.
#include <gtest/gtest.h>

#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

class SessionRecordsTest : public DatabaseTest {};

db::LoginAttempt attempt(const std::string& state, const std::string& at, const std::string& until) {
  return {state, "citizen", "nonce-" + state, "verifier-" + state, "/#/my-cases", at, until};
}

db::SessionRecord session(const std::string& id, const std::string& idle_until, const std::string& until) {
  db::SessionRecord r;
  r.id_sha256 = id;
  r.kind = "staff";
  r.provider = "staff";
  r.municipality = "0999";
  r.person = "bo";
  r.unit = "bsc";
  r.roles = {"frontdesk", "caseworker"};
  r.name = "Bo Larsen";
  r.csrf_token = "csrf-" + id;
  r.id_token = "header.payload.signature";
  r.created_at = "2026-12-01T10:00:00Z";
  r.last_seen_at = r.created_at;
  r.idle_expires_at = idle_until;
  r.expires_at = until;
  return r;
}

TEST_P(SessionRecordsTest, ALoginAttemptIsTakenOnceAndNotAfterItExpired) {
  auto store = connect();
  ASSERT_TRUE(store->put_login_attempt(attempt("s1", "2026-12-01T10:00:00Z", "2026-12-01T10:10:00Z")).ok());
  ASSERT_TRUE(store->put_login_attempt(attempt("s2", "2026-12-01T10:00:00Z", "2026-12-01T10:10:00Z")).ok());
  EXPECT_EQ(store->put_login_attempt(attempt("s1", "2026-12-01T10:01:00Z", "2026-12-01T10:11:00Z")).code(),
            ErrorCode::kAlreadyExists);
  auto taken = store->take_login_attempt("s1", "2026-12-01T10:05:00Z");
  ASSERT_TRUE(taken.ok()) << taken.status().message();
  ASSERT_TRUE(*taken);
  EXPECT_EQ((*taken)->nonce, "nonce-s1");
  EXPECT_EQ((*taken)->code_verifier, "verifier-s1");
  EXPECT_EQ((*taken)->return_to, "/#/my-cases");
  EXPECT_FALSE(*store->take_login_attempt("s1", "2026-12-01T10:05:00Z")) << "used once";
  EXPECT_FALSE(*store->take_login_attempt("s2", "2026-12-01T10:10:00Z")) << "expired";
  EXPECT_FALSE(*store->take_login_attempt("s2", "2026-12-01T10:05:00Z")) << "an expired attempt is gone";
}

TEST_P(SessionRecordsTest, ASessionIsFoundByItsHashRefreshedEndedOnceAndRemovedWhenExpiredOrEnded) {
  auto store = connect();
  ASSERT_TRUE(store->put_session(session("h1", "2026-12-01T10:30:00Z", "2026-12-01T18:00:00Z")).ok());
  ASSERT_TRUE(store->put_session(session("h2", "2026-12-01T10:30:00Z", "2026-12-01T18:00:00Z")).ok());
  ASSERT_TRUE(store->put_session(session("h3", "2026-12-01T12:30:00Z", "2026-12-01T18:00:00Z")).ok());
  EXPECT_EQ(store->put_session(session("h1", "2026-12-01T10:30:00Z", "2026-12-01T18:00:00Z")).code(),
            ErrorCode::kAlreadyExists);
  auto found = store->session("h1");
  ASSERT_TRUE(found.ok() && *found) << found.status().message();
  EXPECT_EQ((*found)->roles, (std::vector<std::string>{"frontdesk", "caseworker"}));
  EXPECT_EQ((*found)->csrf_token, "csrf-h1");
  EXPECT_EQ((*found)->ended_at, "");
  EXPECT_FALSE(*store->session("unknown"));

  EXPECT_TRUE(*store->touch_session("h1", "2026-12-01T10:20:00Z", "2026-12-01T10:50:00Z"));
  EXPECT_EQ((*store->session("h1"))->idle_expires_at, "2026-12-01T10:50:00Z");
  EXPECT_TRUE(*store->end_session("h1", "2026-12-01T10:25:00Z"));
  EXPECT_FALSE(*store->end_session("h1", "2026-12-01T10:26:00Z")) << "ended once";
  EXPECT_FALSE(*store->touch_session("h1", "2026-12-01T10:27:00Z", "2026-12-01T10:57:00Z")) << "an ended session stays ended";
  EXPECT_EQ((*store->session("h1"))->ended_at, "2026-12-01T10:25:00Z");
  EXPECT_EQ((*store->session("h1"))->id_token, "") << "the logout hint goes with the session";

  // At 11:00: h1 is ended, h2 idle-expired, h3 lives.
  auto removed = store->remove_expired_sessions("2026-12-01T11:00:00Z", 100);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(*store->session("h1"));
  EXPECT_FALSE(*store->session("h2"));
  EXPECT_TRUE(*store->session("h3"));
  EXPECT_EQ(*store->remove_expired_sessions("2026-12-01T19:00:00Z", 100), 1) << "past its absolute expiry";
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionRecordsTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
