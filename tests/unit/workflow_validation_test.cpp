#include <gtest/gtest.h>

#include <algorithm>

#include "sagsflow/config/workflow.hpp"

using namespace sagsflow;

namespace {

constexpr const char* kValid = R"(id: sample
title: Sample
subject: 23.09.02
start: receipt
complaint_deadline: {weeks: 4}
stages:
  receipt:
    kind: receipt
    actions:
      register: {next: check, roles: [frontdesk]}
  check:
    kind: check
    deadline: {working_days: 5}
    actions:
      request_missing: {next: check, clock: pause}
      missing_received: {next: check, clock: resume}
      complete:
        next: decision
        requires: {fields: [name], attachments: [photo]}
  decision:
    kind: decision
    actions:
      refuse: {next: window, decision: true, outcome: refused}
  window:
    kind: decision
    actions:
      complain: {next: complaint, complaint: true}
      close: {next: closed}
  complaint:
    kind: complaint
    actions:
      uphold: {next: closed}
)";

// The diagnostic at (line, column) whose message contains `text`, if any.
const Diagnostic* find(const WorkflowParseResult& r, int line, int column, const std::string& text) {
  for (const auto& d : r.errors) {
    if (d.pos.line == line && d.pos.column == column && d.message.find(text) != std::string::npos) return &d;
  }
  return nullptr;
}

std::string all(const WorkflowParseResult& r) {
  std::string s;
  for (const auto& d : r.errors) s += d.to_string() + "\n";
  return s;
}

}  // namespace

TEST(WorkflowValidation, ValidDefinitionParsesWithEverything) {
  auto r = parse_workflow(kValid, "sample.yaml");
  ASSERT_TRUE(r.ok()) << all(r);
  const auto& wf = *r.definition;
  EXPECT_EQ(wf.id, "sample");
  EXPECT_EQ(wf.facet, "G01");
  ASSERT_EQ(wf.stages.size(), 5u);
  const auto* check = wf.find_stage("check");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->kind, StageKind::kCheck);
  EXPECT_EQ(check->deadline, (DeadlineSpec{5, DeadlineUnit::kWorkingDays}));
  const auto* complete = check->find_action("complete");
  ASSERT_NE(complete, nullptr);
  EXPECT_EQ(complete->requires_.fields, std::vector<std::string>{"name"});
  EXPECT_EQ(complete->requires_.attachments, std::vector<std::string>{"photo"});
  EXPECT_EQ(check->find_action("request_missing")->clock, ClockEffect::kPause);
  EXPECT_EQ(wf.find_stage("receipt")->actions.front().roles, std::vector<std::string>{"frontdesk"});
  EXPECT_TRUE(wf.find_stage("window")->find_action("complain")->opens_complaint);
}

TEST(WorkflowValidation, ReportsEveryErrorWithFileLineAndColumn) {
  constexpr const char* kBroken = R"(id: Sample
subject: 23.9.2
start: receipt
colour: blue
stages:
  receipt:
    kind: reception
    actions:
      register: {next: chek}
  check:
    kind: check
    deadline: {working_days: 0}
    actions:
      complete: {next: closed, decision: true}
  orphan:
    kind: referral
)";
  auto r = parse_workflow(kBroken, "broken.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.definition.has_value()) << "a broken definition must never be returned";
  const std::string text = all(r);
  EXPECT_TRUE(find(r, 1, 5, "id 'Sample'")) << text;
  EXPECT_TRUE(find(r, 2, 10, "not a KLE subject")) << text;
  EXPECT_TRUE(find(r, 4, 1, "unknown key 'colour'")) << text;
  EXPECT_TRUE(find(r, 7, 11, "kind 'reception'")) << text;
  EXPECT_TRUE(find(r, 9, 7, "leads to stage 'chek', which is not defined")) << text;
  EXPECT_TRUE(find(r, 10, 3, "cannot be reached")) << text;
  EXPECT_TRUE(find(r, 12, 30, "between 1 and 3650")) << text;
  EXPECT_TRUE(find(r, 14, 7, "only decision and complaint stages decide")) << text;
  EXPECT_TRUE(find(r, 15, 3, "stage 'orphan' has no actions")) << text;
  EXPECT_GE(r.errors.size(), 9u) << text;
  for (const auto& d : r.errors) {
    EXPECT_EQ(d.file, "broken.yaml");
    EXPECT_GT(d.pos.line, 0) << d.message;
    EXPECT_GT(d.pos.column, 0) << d.message;
  }
  // Sorted by position, printed like a compiler.
  EXPECT_TRUE(std::is_sorted(r.errors.begin(), r.errors.end(), [](const auto& a, const auto& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  }));
  EXPECT_EQ(r.errors.front().to_string().rfind("broken.yaml:1:5: error: ", 0), 0u) << text;
}

TEST(WorkflowValidation, YamlSyntaxErrorHasItsPosition) {
  auto r = parse_workflow("id: x\nstages:\n  a: [unclosed\n", "syntax.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("YAML syntax"), std::string::npos);
  EXPECT_EQ(r.errors[0].pos.line, 4);
}

TEST(WorkflowValidation, DuplicateKeysAreErrors) {
  auto r = parse_workflow(R"(id: dup
subject: 23.09.02
start: a
stages:
  a:
    kind: receipt
    actions:
      go: {next: closed}
      go: {next: a}
  a:
    kind: check
    actions:
      x: {next: closed}
)", "dup.yaml");
  EXPECT_TRUE(find(r, 9, 7, "has 'go' twice")) << all(r);
  EXPECT_TRUE(find(r, 10, 3, "has 'a' twice")) << all(r);
}

TEST(WorkflowValidation, ComplaintStageNeedsAComplaintDeadline) {
  std::string text = kValid;
  text.erase(text.find("complaint_deadline: {weeks: 4}\n"), 31);
  auto r = parse_workflow(text, "x.yaml");
  EXPECT_TRUE(find(r, 1, 1, "no 'complaint_deadline'")) << all(r);
}

TEST(WorkflowValidation, ComplaintActionMustLeadToAComplaintStage) {
  std::string text = kValid;
  text.replace(text.find("complain: {next: complaint"), 26, "complain: {next: decision");
  auto r = parse_workflow(text, "x.yaml");
  EXPECT_TRUE(find(r, 27, 7, "must lead to a stage of kind complaint")) << all(r);
}

TEST(WorkflowValidation, DeadlineNeedsExactlyOneUnit) {
  std::string text = kValid;
  text.replace(text.find("{working_days: 5}"), 17, "{days: 3, weeks: 1}");
  auto r = parse_workflow(text, "x.yaml");
  EXPECT_TRUE(find(r, 13, 15, "exactly one of days, weeks or working_days")) << all(r);
}

TEST(WorkflowValidation, MissingRequiredKeysAndNonMappingRoot) {
  auto r = parse_workflow("title: only a title\n", "empty.yaml");
  const std::string text = all(r);
  EXPECT_NE(text.find("has no 'id'"), std::string::npos) << text;
  EXPECT_NE(text.find("has no 'subject'"), std::string::npos) << text;
  EXPECT_NE(text.find("has no 'start'"), std::string::npos) << text;
  EXPECT_NE(text.find("has no 'stages'"), std::string::npos) << text;
  auto list = parse_workflow("- a\n- b\n", "list.yaml");
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_NE(list.errors[0].message.find("must be a mapping"), std::string::npos);
}

TEST(WorkflowValidation, ShippedWorkflowsAreValid) {
  for (const char* f : {"passport.yaml", "moving.yaml"}) {
    auto r = load_workflow_file(std::string(SAGSFLOW_SOURCE_DIR) + "/workflows/" + f);
    EXPECT_TRUE(r.ok()) << f << "\n" << all(r);
  }
}

TEST(WorkflowValidation, MissingFileIsAnError) {
  auto r = load_workflow_file("/nonexistent/wf.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("cannot open"), std::string::npos);
}
