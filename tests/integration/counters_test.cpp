// The counters /metrics reads and the daily aggregates the channel report
// reads (migration 11) give the figures a full recount of the rows gives:
// after opens, actions, closes, escalations and queue moves by a changed
// organisation, inquiries registered and forwarded; after units that roll
// back, alone or as a savepoint inside a group commit; and, filled by the
// migration from rows already stored, on an upgraded installation. The open
// cases per queue are also what /metrics computed before the counters: the
// engine's queue_of of every open case.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "example_municipalities.hpp"
#include "migrations.hpp"
#include "sagsflow/reports/channel_report.hpp"
#include "store_impl.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;
using Counting = db::SqlStore::Counting;
using QueueKey = std::tuple<std::string, std::string, std::string>;

template <typename Map>
long long value_of(const Map& m, const typename Map::key_type& key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

class CountersTest : public ExampleMunicipalitiesTest {
 protected:
  std::unique_ptr<soci::session> raw() {
    auto parsed = db::DatabaseUrl::parse(url());
    if (parsed->dialect == db::Dialect::kSqlite) {
      return std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=" + parsed->connect);
    }
    return std::make_unique<soci::session>(*soci::factory_postgresql(), parsed->connect);
  }

  CaseState open_passport(const std::string& code, const Actor& by) {
    OpenCaseRequest open{code, "passport", std::nullopt, "070761-4285", "", json::object(), std::nullopt, by};
    auto opened = engine_->open_case(open);
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    return opened.ok() ? *opened : CaseState{};
  }

  // Takes the case through the passport workflow to closed (register,
  // complete, grant), by whoever on the staff may; a decision another
  // person must draft first is drafted.
  void close(long long id, const std::string& code) {
    const std::vector<std::string> plan{"register", "complete", "grant"};
    for (int step = 0; step < 6; ++step) {
      auto state = store_->load_case(id);
      ASSERT_TRUE(state.ok());
      if (state->status != CaseStatus::kOpen) return;
      const auto try_acting = [&]() {
        for (const Actor& who : staff(code)) {
          auto actions = engine_->available_actions(*state, who);
          if (!actions.ok()) continue;
          for (const auto& a : *actions) {
            if (std::find(plan.begin(), plan.end(), a.name) == plan.end()) continue;
            ActionRequest req{id, a.name, who};
            if (a.name == "complete") {
              req.fields = {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}};
              req.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "passport", ""}};
            }
            if (engine_->act(req).ok()) return true;
          }
        }
        return false;
      };
      if (try_acting()) continue;
      for (const Actor& who : staff(code)) {
        if (engine_->draft_decision(id, who, "granted", "Alle betingelser er opfyldt").ok()) break;
      }
      state = store_->load_case(id);
      ASSERT_TRUE(state.ok());
      ASSERT_TRUE(try_acting()) << "nobody could act on case " << id << " in stage " << state->stage;
    }
    auto state = store_->load_case(id);
    ASSERT_TRUE(state.ok());
    ASSERT_EQ(state->status, CaseStatus::kClosed) << "case " << id << " in stage " << state->stage;
  }

  InquiryRecord inquiry(const std::string& code, const std::string& at, Channel channel, const std::string& unit,
                        const std::string& area) {
    InquiryRecord r;
    r.municipality = code;
    r.channel = channel;
    r.type = InquiryType::kTransaction;
    r.area = area;
    r.service = "general_guidance";
    r.handled_by = "frida";
    r.unit = unit;
    r.acting_authority = code;
    r.owning_authority = code;
    r.at = at;
    return r;
  }

  std::map<QueueKey, long long> queues(Counting how) {
    std::map<QueueKey, long long> out;
    auto counts = store_->count_open_cases_by_queue(how);
    EXPECT_TRUE(counts.ok()) << counts.status().to_string();
    if (counts.ok()) {
      for (const auto& c : *counts) out[{c.municipality, c.queue_kind, c.queue_id}] += c.count;
    }
    return out;
  }

  std::vector<InquiryCount> inquiries(const InquiryCountFilter& f, Counting how) {
    auto counts = store_->count_inquiries(f, how);
    EXPECT_TRUE(counts.ok()) << counts.status().to_string();
    return counts.ok() ? *counts : std::vector<InquiryCount>{};
  }

  // Every kept figure equals its recount; returns the kept figures.
  struct Figures {
    std::map<std::string, long long> events;
    std::map<QueueKey, long long> open;
    long long inquiries = 0;
  };
  Figures expect_kept_equal_recount(const std::string& when) {
    SCOPED_TRACE(when);
    Figures f;
    auto events = store_->count_events_by_action(Counting::kKept);
    auto recounted = store_->count_events_by_action(Counting::kRecount);
    EXPECT_TRUE(events.ok() && recounted.ok());
    if (events.ok() && recounted.ok()) {
      EXPECT_EQ(*events, *recounted);
      f.events = *events;
    }
    f.open = queues(Counting::kKept);
    EXPECT_EQ(f.open, queues(Counting::kRecount));
    const std::vector<InquiryCountFilter> filters{
        {kSupermarket, "2026-01-01", "2027-01-01", std::nullopt, std::nullopt},
        {kSupermarket, "2026-03-02", "2026-03-04", std::nullopt, std::nullopt},
        {kSupermarket, "2026-01-01", "2027-01-01", std::string("bsc"), std::nullopt},
        {kSupermarket, "2026-01-01", "2027-01-01", std::nullopt, std::string("passports")},
        {kHybrid, "2026-01-01", "2027-01-01", std::string("bsc"), std::string("moving")},
    };
    for (const auto& filter : filters) {
      SCOPED_TRACE(filter.municipality + " " + filter.from + ".." + filter.to);
      const auto kept = inquiries(filter, Counting::kKept);
      const auto recount = inquiries(filter, Counting::kRecount);
      EXPECT_EQ(kept.size(), recount.size());
      for (size_t i = 0; i < std::min(kept.size(), recount.size()); ++i) {
        const auto& a = kept[i];
        const auto& b = recount[i];
        EXPECT_EQ(std::tie(a.day, a.channel, a.type, a.resolved_on_the_spot, a.with_form, a.for_other_authority,
                           a.forwarded, a.count),
                  std::tie(b.day, b.channel, b.type, b.resolved_on_the_spot, b.with_form, b.for_other_authority,
                           b.forwarded, b.count))
            << "row " << i;
      }
      if (filter.from == "2026-01-01" && !filter.unit && !filter.area) {
        for (const auto& c : kept) f.inquiries += c.count;
      }
    }
    return f;
  }

  // What /metrics counted before the counters: the engine's queue of every open case.
  std::map<QueueKey, long long> open_cases_by_queue_of() {
    std::map<QueueKey, long long> out;
    CaseFilter open;
    open.status = CaseStatus::kOpen;
    open.limit = 100000;
    auto cases = store_->list_cases(open);
    EXPECT_TRUE(cases.ok());
    if (!cases.ok()) return out;
    for (const auto& c : *cases) {
      auto q = engine_->queue_of(c);
      ++out[{c.municipality, q.ok() ? q->kind : "", q.ok() ? q->id : ""}];
    }
    return out;
  }
};

TEST_P(CountersTest, KeptCountersEqualAFullRecountAfterOpensActionsClosesQueueMovesAndRolledBackUnits) {
  if (not_ready()) return;
  const Actor aksel = person("aksel");
  std::vector<long long> supermarket, hybrid;
  for (int i = 0; i < 4; ++i) supermarket.push_back(open_passport(kSupermarket, front_desk(kSupermarket)).id);
  for (int i = 0; i < 3; ++i) hybrid.push_back(open_passport(kHybrid, aksel).id);
  const long long limited = open_passport(kLimited, person("peter")).id;
  expect_kept_equal_recount("after opening");

  // Actions, an escalation (a move to the specialist group's queue), closes.
  ASSERT_TRUE(engine_->escalate(hybrid[0], aksel, "a complex case").ok());
  close(supermarket[0], kSupermarket);
  close(hybrid[1], kHybrid);
  close(limited, kLimited);
  const Figures acted = expect_kept_equal_recount("after actions, an escalation and closes");
  EXPECT_EQ(acted.open, open_cases_by_queue_of()) << "the figures /metrics gave before the counters";
  EXPECT_FALSE(acted.events.empty());
  long long open_total = 0;
  for (const auto& [key, n] : acted.open) open_total += n;
  EXPECT_EQ(open_total, 5) << "8 opened, 3 closed";

  // A unit that rolls back changes no counter.
  const Status refused = engine_->atomically([&]() -> Status {
    EXPECT_TRUE(engine_->escalate(hybrid[2], aksel, "rolled back").ok());
    EXPECT_TRUE(store_->add_inquiry(inquiry(kSupermarket, "2026-03-02T08:00:00Z", Channel::kPhone, "bsc",
                                            "passports")).ok());
    return Conflict("rolled back on purpose");
  });
  ASSERT_FALSE(refused.ok());
  const Figures after_rollback = expect_kept_equal_recount("after a rolled-back unit");
  EXPECT_EQ(after_rollback.events, acted.events);
  EXPECT_EQ(after_rollback.open, acted.open);
  EXPECT_EQ(after_rollback.inquiries, 0);

  // In a group commit one unit fails (its savepoint rolls back) and one commits.
  ASSERT_TRUE(store_->begin_group().ok());
  EXPECT_FALSE(store_->atomically([&]() -> Status {
                       EXPECT_TRUE(engine_->escalate(hybrid[2], aksel, "rolled back in the group").ok());
                       return Conflict("this unit fails alone");
                     }).ok());
  EXPECT_TRUE(store_->atomically([&]() -> Status {
                      return store_->add_inquiry(inquiry(kSupermarket, "2026-03-03T10:00:00Z", Channel::kEmail,
                                                         "bsc", "passports")).status();
                    }).ok());
  ASSERT_TRUE(store_->end_group().ok());
  const Figures grouped = expect_kept_equal_recount("after a group commit with a failed unit");
  EXPECT_EQ(grouped.events, acted.events) << "the failed unit's escalation left no count";
  EXPECT_EQ(grouped.open, acted.open);
  EXPECT_EQ(grouped.inquiries, 1);

  // Queues moved by the store's placement (as after `sagsflow init` with a
  // changed organisation), and a case stored without a queue.
  auto moved = store_->load_case(supermarket[1]);
  ASSERT_TRUE(moved.ok());
  auto placed = store_->place_cases({{moved->id, moved->version, CaseQueue{"unit", "elsewhere"}}});
  ASSERT_TRUE(placed.ok()) << placed.status().to_string();
  EXPECT_EQ(*placed, 1);
  auto unplaced = store_->load_case(supermarket[2]);
  ASSERT_TRUE(unplaced.ok());
  CaseState next = *unplaced;
  ++next.version;
  CaseEvent note{next.id, next.version, next.updated_at, "frida", "bsc", kSupermarket, "note", next.stage,
                 next.stage, json::object()};
  ASSERT_TRUE(store_->append_event(next, note, std::nullopt).ok());
  const Figures placed_figures = expect_kept_equal_recount("after queue moves by placement");
  EXPECT_EQ(value_of(placed_figures.open, QueueKey{kSupermarket, "unit", "elsewhere"}), 1);
  EXPECT_EQ(value_of(placed_figures.open, QueueKey{kSupermarket, "", ""}), 1);
  EXPECT_EQ(value_of(placed_figures.events, std::string("note")), value_of(acted.events, std::string("note")) + 1);

  // Inquiries registered and forwarded, on several days and in two municipalities.
  std::vector<long long> ids;
  for (const auto& [code, at, channel, unit, area] :
       std::vector<std::tuple<std::string, std::string, Channel, std::string, std::string>>{
           {kSupermarket, "2026-03-02T08:00:00Z", Channel::kPhone, "bsc", "passports"},
           {kSupermarket, "2026-03-02T09:00:00Z", Channel::kPhone, "bsc", "passports"},
           {kSupermarket, "2026-03-03T23:59:59Z", Channel::kPersonalAttendance, "web", "moving"},
           {kSupermarket, "2026-03-04T00:00:00Z", Channel::kLetter, "bsc", "moving"},
           {kHybrid, "2026-06-01T12:00:00Z", Channel::kEmail, "bsc", "moving"},
       }) {
    auto id = store_->add_inquiry(inquiry(code, at, channel, unit, area));
    ASSERT_TRUE(id.ok()) << id.status().to_string();
    ids.push_back(*id);
  }
  ASSERT_TRUE(store_->mark_forwarded(ids[1], "udbetaling-danmark", "2026-03-02").ok());
  ASSERT_FALSE(store_->mark_forwarded(ids[1], "someone-else", "2026-03-03").ok()) << "forwarded once";
  const Figures registered = expect_kept_equal_recount("after inquiries and a forward");
  EXPECT_EQ(registered.inquiries, 5) << "the group's inquiry and four in 2026 in the supermarket model";
}

TEST_P(CountersTest, TheMigrationFillsTheCountersFromTheRowsAlreadyStored) {
  if (not_ready()) return;
  const long long a = open_passport(kSupermarket, front_desk(kSupermarket)).id;
  open_passport(kHybrid, person("aksel"));
  close(a, kSupermarket);
  ASSERT_TRUE(store_->add_inquiry(inquiry(kSupermarket, "2026-03-02T08:00:00Z", Channel::kPhone, "bsc", "passports"))
                  .ok());
  const Figures before = expect_kept_equal_recount("as stored");

  // An installation upgraded from schema 10: the rows, no counters; then the
  // statements of migration 11 that fill them.
  auto sql = raw();
  *sql << "DELETE FROM case_action_counts";
  *sql << "DELETE FROM open_case_counts";
  *sql << "DELETE FROM inquiry_day_counts";
  *sql << "DELETE FROM inquiry_day_totals";
  EXPECT_TRUE(store_->count_events_by_action(Counting::kKept)->empty());
  const auto& all = db::migrations();
  const auto m11 = std::find_if(all.begin(), all.end(), [](const db::Migration& m) { return m.version == 11; });
  ASSERT_NE(m11, all.end());
  int fills = 0;
  for (const auto& statement : db::migration_statements(m11->sql, store_->dialect())) {
    if (statement.rfind("INSERT INTO", 0) != 0) continue;
    *sql << statement;
    ++fills;
  }
  EXPECT_EQ(fills, 4);
  const Figures filled = expect_kept_equal_recount("filled by the migration");
  EXPECT_EQ(filled.events, before.events);
  EXPECT_EQ(filled.open, before.open);
  EXPECT_EQ(filled.inquiries, before.inquiries);
}

INSTANTIATE_TEST_SUITE_P(Backends, CountersTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
