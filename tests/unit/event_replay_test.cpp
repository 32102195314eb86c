#include <gtest/gtest.h>

#include "sagsflow/cases/case_state.hpp"

using namespace sagsflow;
using nlohmann::json;

namespace {

CaseEvent opening() {
  CaseEvent e;
  e.case_id = 7;
  e.seq = 1;
  e.at = "2026-11-23T09:00:00Z";
  e.actor = "anne";
  e.unit = "bsc";
  e.authority = "0999";
  e.action = "open";
  e.to_stage = "check";
  e.data = {{"municipality", "0999"},
            {"case_number", "23.09.02-G01-1-26"},
            {"subject", "23.09.02"},
            {"facet", "G01"},
            {"title", "Pas"},
            {"workflow", {{"id", "passport"}, {"version", 1}}},
            {"owning_authority", "0999"},
            {"citizen", "070761-4285"},
            {"fields", {{"full_name", "Jens"}}},
            {"clock", json::array({{{"op", "start"},
                                    {"clock", {{"spec", {{"amount", 5}, {"unit", "working_days"}}},
                                               {"started", "2026-11-23"},
                                               {"due", "2026-11-30"},
                                               {"paused_since", nullptr},
                                               {"breached", false}}}}})}};
  return e;
}

CaseEvent next(const CaseEvent& prev, std::string action, json data, std::string to) {
  CaseEvent e = prev;
  e.seq = prev.seq + 1;
  e.action = std::move(action);
  e.from_stage = prev.to_stage;
  e.to_stage = std::move(to);
  e.data = std::move(data);
  e.at = "2026-11-2" + std::to_string(3 + e.seq) + "T10:00:00Z";
  return e;
}

}  // namespace

TEST(EventReplay, FoldsEveryEffectIntoTheState) {
  std::vector<CaseEvent> h{opening()};
  h.push_back(next(h.back(), "request_missing", {{"clock", json::array({{{"op", "pause"}, {"on", "2026-11-24"}}})}}, "check"));
  h.push_back(next(h.back(), "missing_received",
                   {{"attachments", json::array({{{"name", "photo"}, {"kind", "image/jpeg"}}})},
                    {"clock", json::array({{{"op", "resume"}, {"on", "2026-11-26"}, {"due", "2026-12-02"}}})}},
                   "check"));
  h.push_back(next(h.back(), "refuse",
                   {{"fields", {{"reasons", "no"}}},
                    {"clock", json::array({{{"op", "stop"}}})},
                    {"decision", {{"date", "2026-11-27"}, {"outcome", "refused"}, {"complaint_due", "2026-12-25"}}}},
                   "closed"));
  auto s = replay(h);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->id, 7);
  EXPECT_EQ(s->version, 4);
  EXPECT_EQ(s->status, CaseStatus::kClosed);
  EXPECT_EQ(s->citizen->masked(), "070761-XXXX");
  EXPECT_EQ(s->fields, (json{{"full_name", "Jens"}, {"reasons", "no"}}));
  ASSERT_EQ(s->attachments.size(), 1u);
  EXPECT_EQ(s->attachments[0].name, "photo");
  EXPECT_FALSE(s->clock);
  EXPECT_EQ(s->outcome, "refused");
  EXPECT_EQ(format_date(*s->complaint_due), "2026-12-25");
  EXPECT_EQ(s->opened_at, "2026-11-23T09:00:00Z");

  // The state survives its own JSON form (which is how it is stored).
  auto back = case_state_from_json(to_json(*s, /*reveal_cpr=*/true));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *s);
}

TEST(EventReplay, PauseIsReplayed) {
  std::vector<CaseEvent> h{opening()};
  h.push_back(next(h.back(), "request_missing", {{"clock", json::array({{{"op", "pause"}, {"on", "2026-11-24"}}})}}, "check"));
  auto s = replay(h);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->clock);
  EXPECT_TRUE(s->clock->paused());
}

TEST(EventReplay, EventOutOfSequenceIsRefusedAndStateUntouched) {
  CaseState s;
  ASSERT_TRUE(apply_event(s, opening()).ok());
  const CaseState before = s;
  CaseEvent skip = next(opening(), "x", json::object(), "check");
  skip.seq = 3;
  EXPECT_FALSE(apply_event(s, skip).ok());
  EXPECT_EQ(s, before);
}

TEST(EventReplay, MalformedEventIsRefusedAndStateUntouched) {
  CaseState s;
  ASSERT_TRUE(apply_event(s, opening()).ok());
  const CaseState before = s;
  auto bad = next(opening(), "x", {{"clock", json::array({{{"op", "explode"}}})}}, "check");
  auto st = apply_event(s, bad);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("explode"), std::string::npos);
  EXPECT_EQ(s, before);
}

TEST(EventReplay, HistoryJsonMasksTheCitizen) {
  const json j = to_json(opening(), /*reveal_cpr=*/false);
  EXPECT_EQ(j["data"]["citizen"], "070761-XXXX");
  EXPECT_EQ(j.dump().find("4285"), std::string::npos);
}

TEST(EventReplay, CprNumbersInFormFieldsAreMaskedWhereverShown) {
  CaseEvent e = opening();
  e.data["fields"]["partner_cpr"] = "0104909989";
  e.data["fields"]["notes"] = json::array({"spouse 010490-9989"});
  CaseState s;
  ASSERT_TRUE(apply_event(s, e).ok());
  const std::string shown = to_json(s, /*reveal_cpr=*/false).dump() + to_json(e, false).dump();
  EXPECT_EQ(shown.find("9989"), std::string::npos) << shown;
  EXPECT_NE(shown.find("010490-XXXX"), std::string::npos);
  EXPECT_EQ(to_json(s, /*reveal_cpr=*/true)["fields"]["partner_cpr"], "0104909989") << "storage keeps it";
}
