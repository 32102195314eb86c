// Over HTTP: the case list and the worklists answer keyset pages (after,
// limit, count=true), say when they are cut and where the next page starts,
// and refuse a parameter out of range with a 400 naming it.
#include <gtest/gtest.h>

#include <set>

#include "api_fixture.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

// Every page of `path` (with its own query, if any) at `limit` cases a page.
struct Paged {
  std::vector<long long> ids;
  int pages = 0;
  bool ok = true;
};

class ApiListPagesTest : public ApiTest {
 protected:
  Paged page_through(const std::string& path, const std::string& pattern, const std::string& token, int limit) {
    Paged out;
    long long after = 0;
    const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
    for (int n = 0; n < 200; ++n) {
      auto r = get(path + sep + "limit=" + std::to_string(limit) + "&after=" + std::to_string(after), token);
      if (r.status != 200) {
        ADD_FAILURE() << path << ": " << r.text;
        out.ok = false;
        return out;
      }
      if (n == 0) expect_documented("GET", pattern, r);
      ++out.pages;
      EXPECT_LE(r.body["cases"].size(), static_cast<size_t>(limit));
      for (const auto& c : r.body["cases"]) out.ids.push_back(c["id"].get<long long>());
      if (!r.body["cut"].get<bool>()) {
        EXPECT_TRUE(r.body["next_after"].is_null()) << r.text;
        return out;
      }
      EXPECT_GT(r.body["next_after"].get<long long>(), after) << r.text;
      after = r.body["next_after"].get<long long>();
    }
    ADD_FAILURE() << path << " did not end";
    out.ok = false;
    return out;
  }
  static void expect_ascending_once(const std::vector<long long>& ids) {
    for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]) << "oldest first, none twice";
  }
};

TEST_F(ApiListPagesTest, TheUnitWorklistAndTheCaseListComeInPagesThatShowEveryCaseOnce) {
  std::vector<long long> mine;
  for (int i = 0; i < 5; ++i) mine.push_back(passport_case_in_decision());
  const std::string carl = staff_token("carl");
  auto page = get("/api/v1/cases/" + std::to_string(mine.front()), carl);
  ASSERT_EQ(page.status, 200) << page.text;
  ASSERT_TRUE(page.body["queue"].is_object()) << page.text;
  const std::string unit = page.body["queue"]["id"];

  const std::string worklist = "/api/v1/worklists/units/" + unit;
  const Paged queue = page_through(worklist, "/api/v1/worklists/units/{unit}", carl, 2);
  ASSERT_TRUE(queue.ok);
  expect_ascending_once(queue.ids);
  const std::set<long long> in_queue(queue.ids.begin(), queue.ids.end());
  for (long long id : mine) EXPECT_TRUE(in_queue.count(id)) << "case " << id << " is on one of the pages";
  EXPECT_GE(queue.pages, 3);

  // The total, when asked, counts the whole list; the first page is cut.
  auto counted = get(worklist + "?limit=2&count=true", carl);
  ASSERT_EQ(counted.status, 200) << counted.text;
  expect_documented("GET", "/api/v1/worklists/units/{unit}", counted);
  EXPECT_EQ(counted.body["total"], static_cast<long long>(queue.ids.size()));
  EXPECT_TRUE(counted.body["cut"].get<bool>());
  EXPECT_EQ(counted.body["next_after"], queue.ids[1]);
  // Without count=true there is no total; a list that fits one page is not cut.
  auto whole = get(worklist + "?limit=1000", carl);
  ASSERT_EQ(whole.status, 200);
  EXPECT_FALSE(whole.body.contains("total"));
  EXPECT_FALSE(whole.body["cut"].get<bool>());
  EXPECT_TRUE(whole.body["next_after"].is_null());
  EXPECT_EQ(whole.body["cases"].size(), queue.ids.size());

  const Paged listed = page_through("/api/v1/cases?status=all", "/api/v1/cases", carl, 3);
  ASSERT_TRUE(listed.ok);
  expect_ascending_once(listed.ids);
  const std::set<long long> in_list(listed.ids.begin(), listed.ids.end());
  for (long long id : mine) EXPECT_TRUE(in_list.count(id));
  auto all = get("/api/v1/cases?status=all&limit=1000&count=true", carl);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body["total"], static_cast<long long>(listed.ids.size()));
}

TEST_F(ApiListPagesTest, APersonsClaimedCasesComeInPages) {
  const std::string tove = staff_token("tove");
  std::vector<long long> claimed;
  for (int i = 0; i < 3; ++i) {
    const long long id = passport_case_in_decision();
    ASSERT_EQ(post("/api/v1/cases/" + std::to_string(id) + "/claim", tove).status, 200);
    claimed.push_back(id);
  }
  const Paged mine = page_through("/api/v1/worklists/people/tove", "/api/v1/worklists/people/{person}", tove, 1);
  ASSERT_TRUE(mine.ok);
  expect_ascending_once(mine.ids);
  const std::set<long long> held(mine.ids.begin(), mine.ids.end());
  for (long long id : claimed) EXPECT_TRUE(held.count(id)) << "case " << id;
  EXPECT_EQ(mine.pages, static_cast<int>(mine.ids.size())) << "one case a page, and the last page is not cut";
}

TEST_F(ApiListPagesTest, APageParameterOutOfRangeIsA400NamingIt) {
  const std::string carl = staff_token("carl");
  struct Bad {
    const char* query;
    const char* field;
    const char* says;
  };
  const Bad bad[] = {
      {"limit=0", "limit", "limit: must be a whole number from 1 to 1000"},
      {"limit=1001", "limit", "limit: must be a whole number from 1 to 1000"},
      {"limit=ten", "limit", "limit: must be a whole number from 1 to 1000"},
      {"limit=-5", "limit", "limit: must be a whole number from 1 to 1000"},
      {"after=-1", "after", "after: must be a whole number from 0 to"},
      {"after=1.5", "after", "after: must be a whole number from 0 to"},
      {"after=99999999999999999999", "after", "after: must be a whole number from 0 to"},
      {"count=yes", "count", "count: must be true or false"},
  };
  for (const char* path : {"/api/v1/cases", "/api/v1/worklists/units/pas", "/api/v1/worklists/people/carl"}) {
    for (const auto& b : bad) {
      auto r = get(std::string(path) + "?" + b.query, carl);
      EXPECT_EQ(r.status, 400) << path << "?" << b.query << ": " << r.text;
      EXPECT_EQ(r.body.value("field", json()), b.field) << path << "?" << b.query;
      EXPECT_NE(r.body.value("detail", "").find(b.says), std::string::npos) << path << "?" << b.query << ": " << r.text;
    }
  }
  auto r = get("/api/v1/worklists/units/pas?limit=0", carl);
  expect_documented("GET", "/api/v1/worklists/units/{unit}", r);
  r = get("/api/v1/cases?after=x", carl);
  expect_documented("GET", "/api/v1/cases", r);
  // Past the end: an empty page, not cut.
  auto beyond = get("/api/v1/worklists/units/pas?after=9223372036854775807", carl);
  ASSERT_EQ(beyond.status, 200) << beyond.text;
  EXPECT_TRUE(beyond.body["cases"].empty());
  EXPECT_FALSE(beyond.body["cut"].get<bool>());
}

}  // namespace
}  // namespace sagsflow::testing
