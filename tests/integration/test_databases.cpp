#include "test_databases.hpp"

#include <sstream>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::testing {
namespace fs = std::filesystem;

void DatabaseTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  });
  if (GetParam() == "sqlite") {
    dir_ = (fs::temp_directory_path() / ("sagsflow-test-" + std::to_string(::getpid()) + "-" + name)).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    url_ = "sqlite:" + dir_ + "/cases.db";
  } else {
    const char* base = std::getenv("SAGSFLOW_TEST_POSTGRES");
    if (base == nullptr || *base == '\0') {
      const char* require = std::getenv("SAGSFLOW_REQUIRE_POSTGRES");
      if (require != nullptr && std::string(require) == "1") {
        FAIL() << "SAGSFLOW_REQUIRE_POSTGRES=1 but SAGSFLOW_TEST_POSTGRES is not set";
      }
      GTEST_SKIP() << "SAGSFLOW_TEST_POSTGRES is not set (./scripts/test sets it)";
    }
    schema_ = ("t_" + std::to_string(::getpid()) + "_" + name).substr(0, 60);
    soci::session admin(*soci::factory_postgresql(), base);
    admin << "SET client_min_messages TO WARNING";
    admin << "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE";
    admin << "CREATE SCHEMA " + schema_;
    url_ = std::string(base) + " options='-c search_path=" + schema_ + "'";
  }
  auto store = connect();
  auto migrated = store->migrate();
  ASSERT_TRUE(migrated.ok()) << migrated.status().to_string();
}

void DatabaseTest::TearDown() {
  if (!schema_.empty()) {
    try {
      soci::session admin(*soci::factory_postgresql(), std::getenv("SAGSFLOW_TEST_POSTGRES"));
      admin << "SET client_min_messages TO WARNING";
      admin << "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE";
    } catch (const std::exception&) {  // the server went away; the cluster is thrown away anyway
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::unique_ptr<db::SqlStore> DatabaseTest::connect() {
  auto store = db::SqlStore::open(url_);
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  return store.ok() ? std::move(*store) : nullptr;
}

std::unique_ptr<db::SqlStore> DatabaseTest::connect_seeded() {
  auto store = connect();
  if (store) seed_municipality(*store);
  return store;
}

void seed_municipality(CaseStore& store, const std::string& code) {
  ASSERT_TRUE(store.upsert_municipality(code, "Kommune " + code).ok());
}

std::string read_repo_file(const std::string& relative) {
  auto text = read_text_file(std::string(SAGSFLOW_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(text.ok()) << text.status().to_string();
  return text.ok() ? *text : std::string();
}

std::string without_plugin(const std::string& yaml) {
  std::istringstream in(yaml);
  std::string out, line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && (line.compare(first, 7, "plugin:") == 0 ||
                                       line.compare(first, 14, "validate_form:") == 0)) {
      continue;
    }
    out += line + "\n";
  }
  return out;
}

Actor frontdesk() { return {"frida", "bsc", kMunicipality, {"frontdesk"}}; }
Actor caseworker() { return {"carl", "pas", kMunicipality, {"caseworker"}}; }

}  // namespace sagsflow::testing
