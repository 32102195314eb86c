// The queue of walk-in citizens on both databases, over the example
// municipality (Eksempel Kommune, 0999) and its `queue` section: numbers per
// group and Copenhagen day, many kiosks drawing at once (every number once),
// two employees calling at once (never the same ticket), who may call,
// serving registers the inquiry in the same unit, and the statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/frontdesk/queue_desk.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// One connection's queue: its store, engine, front desk and queue desk.
struct Desk {
  std::unique_ptr<db::SqlStore> store;
  std::unique_ptr<CaseEngine> engine;
  std::unique_ptr<FrontDesk> front;
  std::unique_ptr<QueueDesk> queue;
};

class QueueTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    *clock_.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + hours{9};  // 10:00 in Copenhagen
    auto parsed = load_municipality_file(std::string(SAGSFLOW_SOURCE_DIR) +
                                         "/examples/municipalities/eksempel-kommune.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front().to_string();
    for (const auto& f : parsed.config->workflow_files) {
      auto text = read_repo_file(f.substr(f.find("workflows/")));
      org_.add_workflow(*parse_workflow(text, f).definition);
    }
    auto store = connect();
    ASSERT_TRUE(store->upsert_municipality(parsed.config->code, parsed.config->name).ok());
    org_.add(std::move(*parsed.config));
    main_ = desk();
  }

  Desk desk() {
    Desk d;
    d.store = connect();
    EngineOptions options{DanishCalendar{}, clock_.clock(), nullptr};
    options.organisation = &org_;
    d.engine = std::make_unique<CaseEngine>(*d.store, options);
    d.front = std::make_unique<FrontDesk>(*d.store, org_, DanishCalendar{}, clock_.clock());
    d.queue = std::make_unique<QueueDesk>(*d.store, org_, *d.front, *d.engine, clock_.clock());
    return d;
  }

  Actor person(const std::string& id) const {
    auto who = org_.person(id, kMunicipality);
    EXPECT_TRUE(who.ok()) << who.status().message();
    return Actor{id, who->staff->unit, who->authority, who->staff->roles};
  }

  QueueTicket draw(const std::string& group) {
    auto t = main_.queue->draw({kMunicipality, group, std::nullopt, ""});
    EXPECT_TRUE(t.ok()) << t.status().to_string();
    return t.ok() ? *t : QueueTicket{};
  }

  QueueTicket call(const std::string& who, const std::string& desk = "skranke-1") {
    auto t = main_.queue->call_next(person(who), kMunicipality, desk);
    EXPECT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_TRUE(t.ok() && t->has_value()) << "someone should be waiting";
    return t.ok() && *t ? **t : QueueTicket{};
  }

  void at(int hour, int minute) {
    *clock_.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + hours{hour} + minutes{minute};
  }

  ManualClock clock_;
  Organisation org_;
  Desk main_;
};

TEST_P(QueueTest, NumbersRunPerGroupAndStartAgainAtOneTheNextCopenhagenDay) {
  EXPECT_EQ(draw("P").number, "P001");
  EXPECT_EQ(draw("P").number, "P002");
  EXPECT_EQ(draw("A").number, "A001");
  const QueueTicket third = draw("P");
  EXPECT_EQ(third.number, "P003");
  EXPECT_EQ(third.day, "2026-11-24");
  EXPECT_EQ(third.status, TicketStatus::kWaiting);
  EXPECT_TRUE(third.drawn_by.empty()) << "drawn at the kiosk, by no one";
  // 23:30 UTC is already the next day in Copenhagen.
  *clock_.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + hours{23} + minutes{30};
  const QueueTicket next_day = draw("P");
  EXPECT_EQ(next_day.number, "P001");
  EXPECT_EQ(next_day.day, "2026-11-25");
  // The triage desk draws by area; an unknown group or area is refused.
  auto triage = main_.queue->draw({kMunicipality, "", person("frida"), "moving"});
  ASSERT_TRUE(triage.ok()) << triage.status().to_string();
  EXPECT_EQ(triage->number, "A001");
  EXPECT_EQ(triage->drawn_by, "frida");
  EXPECT_EQ(main_.queue->draw({kMunicipality, "Z", std::nullopt, ""}).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(main_.queue->draw({kMunicipality, "", std::nullopt, "parking"}).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(main_.queue->draw({"0101", "P", std::nullopt, ""}).status().code(), ErrorCode::kNotFound);
}

TEST_P(QueueTest, ManyKiosksDrawingAtOnceNeverGetTheSameNumber) {
  constexpr int kThreads = 8;
  constexpr int kDraws = 10;
  std::vector<Desk> desks;
  for (int i = 0; i < kThreads; ++i) desks.push_back(desk());
  std::vector<std::vector<std::string>> numbers(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kDraws; ++n) {
        auto t = desks[i].queue->draw({kMunicipality, "P", std::nullopt, ""});
        if (t.ok()) numbers[i].push_back(t->number);
        else ADD_FAILURE() << t.status().to_string();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& list : numbers) all.insert(list.begin(), list.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kDraws)) << "a number was drawn twice";
  EXPECT_TRUE(all.contains("P001"));
  EXPECT_TRUE(all.contains(queue_ticket_number("P", kThreads * kDraws)));
}

TEST_P(QueueTest, TwoEmployeesCallingAtOnceNeverGetTheSameTicket) {
  constexpr int kTickets = 30;
  for (int i = 0; i < kTickets; ++i) draw(i % 2 ? "P" : "A");
  std::vector<Desk> desks;
  desks.push_back(desk());
  desks.push_back(desk());
  const std::vector<std::string> who{"bo", "frida"};  // both may serve P and A
  std::vector<std::vector<long long>> got(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        auto t = desks[i].queue->call_next(person(who[i]), kMunicipality, i ? "skranke-2" : "skranke-1");
        if (!t.ok()) {
          ADD_FAILURE() << t.status().to_string();
          return;
        }
        if (!*t) return;  // no one waits any more
        got[i].push_back((*t)->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<long long> all(got[0].begin(), got[0].end());
  for (long long id : got[1]) EXPECT_TRUE(all.insert(id).second) << "ticket " << id << " was called twice";
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kTickets));
  auto empty = main_.queue->call_next(person("bo"), kMunicipality, "skranke-1");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value()) << "no one waiting is an answer, not an error";
}

TEST_P(QueueTest, OnlyStaffAllowedInAGroupCallItsTicketsAndTheOldestComesFirst) {
  draw("A");
  const QueueTicket p1 = draw("P");
  draw("P");
  // Erna (social, not in the centre) and Anna (admin only) may serve no group.
  EXPECT_EQ(main_.queue->call_next(person("erna"), kMunicipality, "skranke-1").status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(main_.queue->call_next(person("anna"), kMunicipality, "skranke-1").status().code(), ErrorCode::kForbidden);
  EXPECT_EQ(main_.queue->call_next(person("bo"), kMunicipality, "skranke-9").status().code(), ErrorCode::kNotFound);
  // Carl serves passports only: he gets P001, though A001 was drawn first.
  const QueueTicket called = call("carl", "skranke-2");
  EXPECT_EQ(called.id, p1.id);
  EXPECT_EQ(called.number, "P001");
  EXPECT_EQ(called.status, TicketStatus::kCalled);
  EXPECT_EQ(called.desk, "skranke-2");
  EXPECT_EQ(called.called_by, "carl");
  call("carl");
  auto none = main_.queue->call_next(person("carl"), kMunicipality, "skranke-2");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "A001 waits, but Carl may not serve group A";
  // Nor may he serve or mark an A ticket.
  const QueueTicket a1 = call("bo");
  EXPECT_EQ(a1.number, "A001");
  EXPECT_EQ(main_.queue->no_show(person("carl"), a1.id).status().code(), ErrorCode::kForbidden);
  EXPECT_TRUE(main_.queue->no_show(person("frida"), a1.id).ok()) << "a colleague in the group may";
  EXPECT_EQ(main_.queue->no_show(person("bo"), a1.id).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(main_.queue->groups_of(person("carl"), kMunicipality).value(), std::vector<std::string>{"P"});
}

TEST_P(QueueTest, ServingRegistersThePersonalAttendanceInquiryInTheSameUnit) {
  draw("P");
  const QueueTicket waiting = draw("P");
  ServeRequest inquiry;
  inquiry.type = InquiryType::kTransaction;
  inquiry.outcome = "Pas bestilt";
  inquiry.citizen_cpr = "070761-4285";
  EXPECT_EQ(main_.queue->serve(person("bo"), waiting.id, inquiry).status().code(), ErrorCode::kFailedPrecondition)
      << "a ticket is called before it is served";
  const QueueTicket called = call("bo");
  // A refused inquiry (a CPR number that is not one) leaves the ticket called and stores nothing.
  ServeRequest bad = inquiry;
  bad.citizen_cpr = "not a number";
  EXPECT_FALSE(main_.queue->serve(person("bo"), called.id, bad).ok());
  EXPECT_EQ(main_.store->load_ticket(called.id)->status, TicketStatus::kCalled);
  EXPECT_TRUE(main_.store->list_inquiries({std::string(kMunicipality), std::nullopt, 10})->empty());

  *clock_.now += minutes{4};
  auto served = main_.queue->serve(person("bo"), called.id, inquiry);
  ASSERT_TRUE(served.ok()) << served.status().to_string();
  EXPECT_EQ(served->ticket.status, TicketStatus::kServed);
  ASSERT_TRUE(served->ticket.inquiry_id.has_value());
  const auto stored = main_.store->load_ticket(called.id);
  EXPECT_EQ(stored->status, TicketStatus::kServed);
  EXPECT_EQ(stored->inquiry_id, served->inquiry.record.id);
  EXPECT_EQ(stored->finished_at, "2026-11-24T09:04:00Z");
  auto register_ = main_.store->list_inquiries({std::string(kMunicipality), std::nullopt, 10});
  ASSERT_EQ(register_->size(), 1u);
  const InquiryRecord& r = register_->front();
  EXPECT_EQ(r.id, *served->ticket.inquiry_id);
  EXPECT_EQ(r.channel, Channel::kPersonalAttendance);
  EXPECT_EQ(r.type, InquiryType::kTransaction);
  EXPECT_EQ(r.area, "passports") << "the group's area";
  EXPECT_EQ(r.handled_by, "bo");
  EXPECT_EQ(r.outcome, "Pas bestilt");
  ASSERT_TRUE(r.citizen.has_value());
  EXPECT_EQ(r.citizen->reveal(), "070761-4285");
  EXPECT_EQ(main_.queue->serve(person("bo"), called.id, inquiry).status().code(), ErrorCode::kFailedPrecondition)
      << "served once";
  EXPECT_EQ(main_.store->list_inquiries({std::string(kMunicipality), std::nullopt, 10})->size(), 1u);
}

TEST_P(QueueTest, TheScreenShowsTheLastCalledWithDeskNamesAndHowManyWait) {
  draw("P");
  draw("P");
  draw("A");
  draw("A");
  draw("A");
  call("carl", "skranke-2");
  *clock_.now += minutes{1};
  call("bo", "skranke-1");  // P002: drawn before A001
  auto s = main_.queue->screen(kMunicipality);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  ASSERT_EQ(s->called.size(), 2u);
  EXPECT_EQ(s->called[0].number, "P002");
  EXPECT_EQ(s->called[0].desk_name, "Skranke 1");
  EXPECT_EQ(s->called[1].number, "P001");
  EXPECT_EQ(s->called[1].desk_name, "Skranke 2");
  ASSERT_EQ(s->groups.size(), 2u);
  EXPECT_EQ(s->groups[0].group, "P");
  EXPECT_EQ(s->groups[0].waiting, 0);
  EXPECT_EQ(s->groups[1].group, "A");
  EXPECT_EQ(s->groups[1].name, "Øvrige henvendelser");
  EXPECT_EQ(s->groups[1].waiting, 3);
}

TEST_P(QueueTest, StatisticsPerGroupAndCopenhagenHourMatchTheFiguresWorkedByHand) {
  // Group P: three drawn 10:00-10:02 Copenhagen time (09:00-09:02 UTC), one at 11:15.
  at(9, 0);
  draw("P");
  at(9, 1);
  draw("P");
  at(9, 2);
  draw("P");
  at(9, 5);
  const QueueTicket p1 = call("carl");  // waited 5:00
  at(9, 10);
  ASSERT_TRUE(main_.queue->serve(person("carl"), p1.id, {}).ok());  // served in 5:00
  const QueueTicket p2 = call("carl");  // waited 9:00
  at(9, 12);
  ASSERT_TRUE(main_.queue->no_show(person("carl"), p2.id).ok());
  at(9, 20);
  const QueueTicket p3 = call("carl");  // waited 18:00
  at(9, 30);
  ASSERT_TRUE(main_.queue->serve(person("carl"), p3.id, {}).ok());  // served in 10:00
  at(10, 15);
  draw("P");  // 11:15, not called
  draw("A");

  auto stats = main_.queue->statistics(person("bo"), kMunicipality, "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z");
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  ASSERT_EQ(stats->rows.size(), 3u);
  const QueueHourFigures& ten = stats->rows[0];
  EXPECT_EQ(ten.group, "P");
  EXPECT_EQ(ten.hour, 10);
  EXPECT_EQ(ten.tickets, 3);
  EXPECT_EQ(ten.served, 2);
  EXPECT_EQ(ten.no_shows, 1);
  EXPECT_EQ(ten.called, 3);
  EXPECT_DOUBLE_EQ(*ten.mean_wait_seconds, (300.0 + 540.0 + 1080.0) / 3);
  EXPECT_EQ(*ten.p90_wait_seconds, 1080) << "nearest rank: the ceil(0.9 * 3) = 3rd of 300, 540, 1080";
  EXPECT_DOUBLE_EQ(*ten.mean_service_seconds, (300.0 + 600.0) / 2);
  const QueueHourFigures& eleven = stats->rows[1];
  EXPECT_EQ(eleven.group, "P");
  EXPECT_EQ(eleven.hour, 11);
  EXPECT_EQ(eleven.tickets, 1);
  EXPECT_EQ(eleven.called, 0);
  EXPECT_FALSE(eleven.mean_wait_seconds.has_value());
  EXPECT_EQ(stats->rows[2].group, "A");
  ASSERT_EQ(stats->totals.size(), 2u);
  EXPECT_EQ(stats->totals[0].tickets, 4);
  EXPECT_EQ(stats->totals[0].served, 2);
  EXPECT_EQ(*stats->totals[0].p90_wait_seconds, 1080);
  EXPECT_EQ(stats->totals[1].tickets, 1);
  // Another period holds none of them; a reversed one is refused.
  auto before = main_.queue->statistics(person("bo"), kMunicipality, "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->rows.empty());
  EXPECT_EQ(main_.queue->statistics(person("bo"), kMunicipality, "2026-11-25T00:00:00Z", "2026-11-24T00:00:00Z")
                .status().code(), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
