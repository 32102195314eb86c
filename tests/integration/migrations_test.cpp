// Numbered migrations: applied once, a newer database refused, events append-only.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

#include "store_impl.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

class MigrationsTest : public DatabaseTest {
 protected:
  // A raw SOCI session on the same database, bypassing the store.
  std::unique_ptr<soci::session> raw() {
    auto url = db::DatabaseUrl::parse(this->url());
    if (url->dialect == db::Dialect::kSqlite) {
      return std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=" + url->connect);
    }
    return std::make_unique<soci::session>(*soci::factory_postgresql(), url->connect);
  }
};

TEST_P(MigrationsTest, AppliesEveryMigrationOnceAndThenNothing) {
  auto store = connect();
  EXPECT_EQ(*store->schema_version(), db::latest_schema_version());
  EXPECT_TRUE(store->check_schema().ok());
  auto again = store->migrate();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, again->to_version);
}

TEST_P(MigrationsTest, ADatabaseNewerThanTheBinaryIsRefusedAndLeftUntouched) {
  {
    auto store = connect();
    seed_municipality(*store);
  }
  auto session = raw();
  *session << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')";
  auto store = connect();
  auto migrated = store->migrate();
  ASSERT_EQ(migrated.status().code(), ErrorCode::kSchemaTooNew);
  EXPECT_NE(migrated.status().message().find("schema version 999, newer than this sagsflow"), std::string::npos)
      << migrated.status().message();
  EXPECT_EQ(store->check_schema().code(), ErrorCode::kSchemaTooNew);
  EXPECT_TRUE(store->municipality_name(kMunicipality).ok()) << "data must be untouched";
}

TEST_P(MigrationsTest, EventsCannotBeChangedOrDeletedEvenBySql) {
  auto store = connect();
  seed_municipality(*store);
  CaseEngine engine(*store);
  ASSERT_TRUE(engine.deploy_workflow(read_repo_file("workflows/moving.yaml"), "moving.yaml").ok());
  OpenCaseRequest r;
  r.municipality = kMunicipality;
  r.workflow_id = "moving";
  r.actor = frontdesk();
  auto c = engine.open_case(r);
  ASSERT_TRUE(c.ok());
  auto session = raw();
  EXPECT_THROW(*session << "UPDATE case_events SET actor = 'someone else'", soci::soci_error);
  EXPECT_THROW(*session << "DELETE FROM case_events", soci::soci_error);
  EXPECT_EQ(engine.history(c->id)->front().actor, "frida");
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest, AllBackends());

TEST(Migrations, AnUnmigratedDatabaseAsksForMigrate) {
  const auto path = std::filesystem::temp_directory_path() / ("sagsflow-unmigrated-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = db::SqlStore::open("sqlite:" + path.string());
  ASSERT_TRUE(store.ok());
  auto st = (*store)->check_schema();
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("run `sagsflow db migrate`"), std::string::npos);
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST(Migrations, DialectSectionsAndStatementSplitting) {
  const std::string sql =
      "-- comment\nCREATE TABLE a (\n  x TEXT\n);\n-- @dialect sqlite\nCREATE TRIGGER t BEGIN SELECT 1; END;\n"
      "-- @dialect postgresql\nCREATE FUNCTION f() AS $$ BEGIN END $$;\n-- @dialect all\nCREATE INDEX i ON a (x);\n";
  const auto lite = db::migration_statements(sql, db::Dialect::kSqlite);
  ASSERT_EQ(lite.size(), 3u);
  EXPECT_EQ(lite[0], "CREATE TABLE a (\n  x TEXT\n)");
  EXPECT_EQ(lite[1], "CREATE TRIGGER t BEGIN SELECT 1; END");
  EXPECT_EQ(lite[2], "CREATE INDEX i ON a (x)");
  const auto pg = db::migration_statements(sql, db::Dialect::kPostgresql);
  ASSERT_EQ(pg.size(), 3u);
  EXPECT_EQ(pg[1], "CREATE FUNCTION f() AS $$ BEGIN END $$");
}

TEST(DatabaseUrl, RecognisesBothDatabasesAndHidesPasswords) {
  EXPECT_EQ(db::DatabaseUrl::parse("sqlite:/var/lib/sagsflow.db")->dialect, db::Dialect::kSqlite);
  auto pg = db::DatabaseUrl::parse("postgresql://app:secret@127.0.0.1:5432/sagsflow");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->dialect, db::Dialect::kPostgresql);
  EXPECT_EQ(pg->display.find("secret"), std::string::npos) << pg->display;
  auto kw = db::DatabaseUrl::parse("host=127.0.0.1 dbname=s password=secret");
  EXPECT_EQ(kw->display.find("secret"), std::string::npos) << kw->display;
  EXPECT_FALSE(db::DatabaseUrl::parse("mysql://x").ok());
  EXPECT_FALSE(db::DatabaseUrl::parse("sqlite:").ok());
}

TEST(SqliteDurability, RunsInWalModeWithFullSync) {
  const auto path = std::filesystem::temp_directory_path() / ("sagsflow-wal-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto store = db::SqlStore::open("sqlite:" + path.string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->migrate().ok());
    auto info = (*store)->info();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->journal_mode, "wal");
    EXPECT_EQ(info->synchronous, "FULL") << "an acknowledged action must survive a power cut";
    auto relaxed = db::SqlStore::open("sqlite:" + path.string(), {"NORMAL", 1000});
    EXPECT_EQ((*relaxed)->info()->synchronous, "NORMAL");
  }
  EXPECT_FALSE(db::SqlStore::open("sqlite:" + path.string(), {"SOMETIMES", 1000}).ok());
  for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace sagsflow::testing
