// The `queue` section of a municipality file: desks and groups, each error
// at its file:line:column, and who may serve a group.
#include <gtest/gtest.h>

#include "sagsflow/config/municipality.hpp"

using namespace sagsflow;

namespace {

// A small municipality with the queue section `queue` (a YAML block starting "queue:"), from line 17 on.
std::string with_queue(const std::string& queue) {
  return R"(municipality: {code: "0101", name: Kbh}
organisational_model: cooperation
units:
  - {id: bsc, name: Borgerservice, kind: citizen_service_centre, has_chief: true}
  - {id: pas, name: Pas, kind: department, area: passports}
staff:
  - {id: frida, name: Frida, unit: bsc, roles: [frontdesk]}
  - {id: bo, name: Bo, unit: bsc, roles: [frontdesk, caseworker]}
  - {id: anna, name: Anna, unit: bsc, roles: [admin]}
  - {id: carl, name: Carl, unit: pas, roles: [caseworker], layer: specialist_group, area: passports}
service_areas:
  passports: {}
  moving: {}
  housing_support: {}
workflows: []
# the queue
)" + queue;
}

std::string errors_of(const MunicipalityParseResult& r) {
  std::string text;
  for (const auto& d : r.errors) text += d.to_string() + "\n";
  return text;
}

}  // namespace

TEST(QueueSettings, ReadsDesksAndGroupsWithTheirAreasAndStaff) {
  auto r = parse_municipality(with_queue(R"(queue:
  desks: [{id: skranke-1, name: "Skranke 1"}, {id: skranke-2, name: "Skranke 2"}]
  groups:
    - {id: P, name: "Pas og kørekort", areas: [passports], staff: [carl, bo]}
    - {id: A, name: "Øvrige henvendelser", areas: [moving, housing_support]}
)"), "kbh.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const QueueSettings& q = r.config->queue;
  ASSERT_TRUE(q.enabled());
  ASSERT_EQ(q.desks.size(), 2u);
  EXPECT_EQ(q.desk("skranke-2")->name, "Skranke 2");
  EXPECT_EQ(q.desk("skranke-9"), nullptr);
  ASSERT_EQ(q.groups.size(), 2u);
  EXPECT_EQ(q.group("P")->name, "Pas og kørekort");
  EXPECT_EQ(q.group_for_area("housing_support")->id, "A");
  EXPECT_EQ(q.group_for_area("parking"), nullptr);
}

TEST(QueueSettings, AGroupWithoutStaffIsServedByFrontDeskAndCaseworkersOfTheCentre) {
  auto r = parse_municipality(with_queue(R"(queue:
  desks: [{id: skranke-1, name: "Skranke 1"}]
  groups:
    - {id: P, name: Pas, areas: [passports], staff: [carl]}
    - {id: A, name: Andet, areas: [moving]}
)"), "kbh.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& m = *r.config;
  const QueueGroup& p = *m.queue.group("P");
  const QueueGroup& a = *m.queue.group("A");
  EXPECT_TRUE(may_serve(m, p, "carl"));
  EXPECT_FALSE(may_serve(m, p, "bo")) << "a group that names its staff is served by them only";
  EXPECT_TRUE(may_serve(m, a, "frida"));
  EXPECT_TRUE(may_serve(m, a, "bo"));
  EXPECT_FALSE(may_serve(m, a, "anna")) << "an admin without frontdesk or caseworker";
  EXPECT_FALSE(may_serve(m, a, "carl")) << "not at the citizen-service centre";
  EXPECT_FALSE(may_serve(m, a, "nobody"));
}

TEST(QueueSettings, NoQueueSectionMeansNoQueue) {
  auto r = parse_municipality(with_queue(""), "kbh.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_FALSE(r.config->queue.enabled());
}

TEST(QueueSettings, EveryErrorIsReportedAtItsLineAndColumn) {
  auto r = parse_municipality(with_queue(R"(queue:
  desks:
    - {id: skranke-1, name: "Skranke 1"}
    - {id: skranke-1, name: "Skranke 1 igen"}
    - {id: Skranke 2, name: "Skranke 2"}
  groups:
    - {id: P, name: Pas, areas: [passports, parking], staff: [carl, zorro]}
    - {id: P, name: Igen, areas: [moving]}
    - {id: pas, name: Små, areas: [moving]}
    - {id: ABC, name: Lang, areas: [moving], colour: red}
    - {id: B, name: Ingen}
  screens: 2
)"), "kbh.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  // Line 17 is "queue:".
  EXPECT_NE(text.find("kbh.yaml:20:12: error: queue desk 'skranke-1' is declared twice"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:21:12: error: queue desk id 'Skranke 2' must be lower-case"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:23:45: error: queue group 'P' serves area 'parking', which is not declared under "
                      "'service_areas'"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:23:69: error: queue group 'P' names staff member 'zorro', who is not on the staff list"),
            std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:24:12: error: queue group 'P' is declared twice"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:25:12: error: queue group id 'pas' must be one or two capital letters"),
            std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:26:12: error: queue group id 'ABC' must be one or two capital letters"),
            std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:26:46: error: a queue group has an unknown key 'colour'"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:27:7: error: queue group 'B' has no 'areas'"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:28:3: error: queue has an unknown key 'screens'"), std::string::npos) << text;
}

TEST(QueueSettings, AQueueNeedsDesksAndGroups) {
  auto r = parse_municipality(with_queue("queue: {groups: []}\n"), "kbh.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  EXPECT_NE(text.find("kbh.yaml:17:8: error: queue has no 'desks'"), std::string::npos) << text;
  EXPECT_NE(text.find("kbh.yaml:17:17: error: queue.groups is empty"), std::string::npos) << text;
}

TEST(QueueSettings, TheShippedExampleHasAPassportGroupAndOneForTheRest) {
  auto r = load_municipality_file(std::string(SAGSFLOW_SOURCE_DIR) + "/examples/municipalities/eksempel-kommune.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& q = r.config->queue;
  ASSERT_TRUE(q.enabled());
  EXPECT_EQ(q.group_for_area("passports")->id, "P");
  EXPECT_EQ(q.group_for_area("moving")->id, "A");
  EXPECT_TRUE(may_serve(*r.config, *q.group("P"), "frida"));
  EXPECT_FALSE(may_serve(*r.config, *q.group("P"), "erna"));
}
