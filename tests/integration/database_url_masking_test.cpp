// What DatabaseUrl shows of a PostgreSQL connection string: libpq reads the
// string (PQconninfoParse), and every password is shown as ***, also when it
// is quoted, holds spaces or quotes, or sits in a postgresql:// URI.
#include <gtest/gtest.h>

#include "sagsflow/db/sql_store.hpp"

using namespace sagsflow;

namespace {
db::DatabaseUrl parsed(const std::string& url) {
  auto r = db::DatabaseUrl::parse(url);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : db::DatabaseUrl{};
}
}  // namespace

TEST(DatabaseUrlMasking, AQuotedPasswordWithSpacesAndAQuoteIsHiddenWhole) {
  const std::string url = R"(host=db.example dbname=sagsflow user=app password='my s\'ecret pw' sslmode=require)";
  const auto u = parsed(url);
  EXPECT_EQ(u.dialect, db::Dialect::kPostgresql);
  EXPECT_EQ(u.connect, url);  // libpq gets the string as it was given
  EXPECT_EQ(u.display, "user=app password=*** dbname=sagsflow host=db.example sslmode=require");
  for (const char* piece : {"my", "s'ecret", "ecret", "pw"}) {
    EXPECT_EQ(u.display.find(piece), std::string::npos) << piece << " in " << u.display;
  }
}

TEST(DatabaseUrlMasking, ASpacedEqualsSignAndAnEscapedBackslashAreHidden) {
  const auto u = parsed(R"(dbname=s password = 'a\\b c' host=h)");
  EXPECT_EQ(u.display, "password=*** dbname=s host=h");
}

TEST(DatabaseUrlMasking, APasswordInAUriIsHidden) {
  const auto u = parsed("postgresql://app:s%40cret%20pw@127.0.0.1:5432/sagsflow?sslmode=disable");
  EXPECT_EQ(u.dialect, db::Dialect::kPostgresql);
  EXPECT_EQ(u.display, "user=app password=*** dbname=sagsflow host=127.0.0.1 port=5432 sslmode=disable");
  EXPECT_EQ(u.display.find("cret"), std::string::npos) << u.display;
}

TEST(DatabaseUrlMasking, APasswordInAUriQueryIsHidden) {
  const auto u = parsed("postgres://db.example/sagsflow?user=app&password=topsecret");
  EXPECT_EQ(u.display.find("topsecret"), std::string::npos) << u.display;
  EXPECT_NE(u.display.find("password=***"), std::string::npos) << u.display;
}

TEST(DatabaseUrlMasking, WithoutAPasswordEverySettingIsShown) {
  EXPECT_EQ(parsed("host=127.0.0.1 port=5432 dbname=sagsflow user=app").display,
            "user=app dbname=sagsflow host=127.0.0.1 port=5432");
  EXPECT_EQ(parsed("postgresql://app@127.0.0.1/sagsflow").display, "user=app dbname=sagsflow host=127.0.0.1");
  EXPECT_EQ(parsed("dbname='my db'").display, "dbname='my db'");
}

TEST(DatabaseUrlMasking, AStringLibpqCannotReadIsRefusedWithoutRepeatingIt) {
  for (const char* url : {"host=h password='unterminated secret", "host=h nosuchoption=secret",
                          "postgresql://app:secret@[::1/sagsflow"}) {
    auto r = db::DatabaseUrl::parse(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().find("secret"), std::string::npos) << r.status().message();
  }
}

TEST(DatabaseUrlMasking, SqliteUrlsAreShownAsGiven) {
  const auto u = parsed("sqlite:/var/lib/sagsflow/sagsflow.db");
  EXPECT_EQ(u.dialect, db::Dialect::kSqlite);
  EXPECT_EQ(u.connect, "/var/lib/sagsflow/sagsflow.db");
  EXPECT_EQ(u.display, "sqlite:/var/lib/sagsflow/sagsflow.db");
}
