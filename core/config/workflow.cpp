#include "sagsflow/config/workflow.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "sagsflow/domain/case_number.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {

const char* stage_kind_key(StageKind k) {
  switch (k) {
    case StageKind::kReceipt: return "receipt";
    case StageKind::kCheck: return "check";
    case StageKind::kDecision: return "decision";
    case StageKind::kReferral: return "referral";
    case StageKind::kComplaint: return "complaint";
  }
  return "receipt";
}

std::optional<StageKind> stage_kind_from_key(std::string_view key) {
  for (auto k : {StageKind::kReceipt, StageKind::kCheck, StageKind::kDecision,
                 StageKind::kReferral, StageKind::kComplaint}) {
    if (key == stage_kind_key(k)) return k;
  }
  return std::nullopt;
}

const char* default_task(StageKind k) {
  switch (k) {
    case StageKind::kReceipt: return "receive";
    case StageKind::kCheck: return "check";
    case StageKind::kDecision: return "decide";
    case StageKind::kReferral: return "forward";
    case StageKind::kComplaint: return "complaint";
  }
  return "receive";
}

std::string WorkflowDefinition::task_of(const StageDefinition& stage, const ActionDefinition& action) const {
  if (!action.task.empty()) return action.task;
  // Receiving a complaint is a receipt, whoever decided the case.
  if (action.opens_complaint) return "receive";
  return default_task(stage.kind);
}

std::string Diagnostic::to_string() const {
  return fmt::format("{}:{}:{}: error: {}", file, pos.line, pos.column, message);
}

const ActionDefinition* StageDefinition::find_action(std::string_view action) const {
  for (const auto& a : actions) {
    if (a.name == action) return &a;
  }
  return nullptr;
}

const StageDefinition* WorkflowDefinition::find_stage(std::string_view stage) const {
  for (const auto& s : stages) {
    if (s.name == stage) return &s;
  }
  return nullptr;
}

namespace {

bool is_id(const std::string& s) { return is_config_id(s); }

ActionDefinition parse_action(Checker& c, const YAML::Node& key, const YAML::Node& body,
                              const std::string& stage) {
  ActionDefinition a;
  a.name = key.Scalar();
  a.pos = position_of(key);
  const auto what = fmt::format("action '{}' of stage '{}'", a.name, stage);
  if (!is_id(a.name)) {
    c.error(key, fmt::format("{}: the name must be lower-case letters, digits, '_' or '-'", what));
  }
  if (!c.expect_map(body, what)) return a;
  c.check_keys(body, what,
               {"title", "next", "roles", "requires", "clock", "decision", "outcome", "complaint",
                "validate_form", "task", "complex", "extension"});
  if (body["title"]) a.title = c.scalar(body["title"], what + ".title").value_or("");
  if (!body["next"]) {
    c.error(key, fmt::format("{} has no 'next' (a stage name, or 'closed' to end the case)", what));
  } else {
    a.next = c.scalar(body["next"], what + ".next").value_or("");
  }
  if (body["roles"]) a.roles = c.string_list(body["roles"], what + ".roles");
  if (const auto req = body["requires"]) {
    if (c.expect_map(req, what + ".requires")) {
      c.check_keys(req, what + ".requires", {"fields", "attachments"});
      if (req["fields"]) a.requires_.fields = c.string_list(req["fields"], what + ".requires.fields");
      if (req["attachments"]) {
        a.requires_.attachments = c.string_list(req["attachments"], what + ".requires.attachments");
      }
    }
  }
  if (const auto clock = body["clock"]) {
    const auto v = c.scalar(clock, what + ".clock");
    if (v == "pause") a.clock = ClockEffect::kPause;
    else if (v == "resume") a.clock = ClockEffect::kResume;
    else if (v) c.error(clock, fmt::format("{}.clock must be 'pause' or 'resume', got '{}'", what, *v));
  }
  if (body["decision"]) a.decision = c.boolean(body["decision"], what + ".decision").value_or(false);
  if (body["outcome"]) {
    a.outcome = c.scalar(body["outcome"], what + ".outcome").value_or("");
    static const std::set<std::string> kOutcomes{"granted", "partly_granted", "refused", "dismissed"};
    if (!a.outcome.empty() && !kOutcomes.contains(a.outcome)) {
      c.error(body["outcome"], fmt::format("{}.outcome must be one of {}, got '{}'", what,
                                           fmt::join(kOutcomes, ", "), a.outcome));
    }
  }
  if (body["complaint"]) {
    a.opens_complaint = c.boolean(body["complaint"], what + ".complaint").value_or(false);
  }
  if (body["validate_form"]) {
    a.validate_form = c.boolean(body["validate_form"], what + ".validate_form").value_or(false);
  }
  if (body["task"]) {
    a.task = c.scalar(body["task"], what + ".task").value_or("");
    if (!a.task.empty() && !is_id(a.task)) {
      c.error(body["task"], fmt::format("{}.task '{}' must be lower-case letters, digits, '_' or '-'", what, a.task));
    }
  }
  if (body["complex"]) a.complex = c.boolean(body["complex"], what + ".complex").value_or(false);
  if (body["extension"]) a.extension = c.boolean(body["extension"], what + ".extension").value_or(false);
  return a;
}

StageDefinition parse_stage(Checker& c, const YAML::Node& key, const YAML::Node& body) {
  StageDefinition s;
  s.name = key.Scalar();
  s.pos = position_of(key);
  const auto what = fmt::format("stage '{}'", s.name);
  if (!is_id(s.name)) {
    c.error(key, fmt::format("{}: the name must be lower-case letters, digits, '_' or '-'", what));
  }
  if (s.name == kClosedStage) {
    c.error(key, "'closed' is reserved for the end of a case and cannot name a stage");
  }
  if (!c.expect_map(body, what)) return s;
  c.check_keys(body, what, {"title", "kind", "deadline", "actions"});
  if (body["title"]) s.title = c.scalar(body["title"], what + ".title").value_or("");
  if (!body["kind"]) {
    c.error(key, fmt::format("{} has no 'kind' (receipt, check, decision, referral or complaint)", what));
  } else if (auto k = c.scalar(body["kind"], what + ".kind")) {
    if (auto kind = stage_kind_from_key(*k)) {
      s.kind = *kind;
    } else {
      c.error(body["kind"], fmt::format("{} has kind '{}'; it must be receipt, check, decision, "
                                        "referral or complaint", what, *k));
    }
  }
  if (body["deadline"]) s.deadline = c.deadline(body["deadline"], what + ".deadline");
  const auto actions = body["actions"];
  if (!actions || (actions.IsMap() && actions.size() == 0)) {
    c.error(key, fmt::format("{} has no actions, so a case would be stuck there; "
                             "give it an action with 'next: closed' to end the case", what));
    return s;
  }
  if (!c.expect_map(actions, what + ".actions")) return s;
  check_duplicate_names(c, actions, what + ".actions");
  return s;
}

void check_graph(Checker& c, const WorkflowDefinition& wf, SourcePosition start_pos) {
  std::map<std::string, const StageDefinition*> by_name;
  for (const auto& s : wf.stages) by_name[s.name] = &s;

  if (!wf.start.empty() && !by_name.contains(wf.start)) {
    c.error(start_pos, fmt::format("start stage '{}' is not defined under 'stages'", wf.start));
  }
  bool has_complaint_stage = false;
  for (const auto& s : wf.stages) {
    has_complaint_stage |= s.kind == StageKind::kComplaint;
    for (const auto& a : s.actions) {
      const auto what = fmt::format("action '{}' of stage '{}'", a.name, s.name);
      const StageDefinition* target = nullptr;
      if (!a.next.empty() && a.next != kClosedStage) {
        auto it = by_name.find(a.next);
        if (it == by_name.end()) {
          c.error(a.pos, fmt::format("{} leads to stage '{}', which is not defined", what, a.next));
        } else {
          target = it->second;
        }
      }
      if (a.decision && s.kind != StageKind::kDecision && s.kind != StageKind::kComplaint) {
        c.error(a.pos, fmt::format("{} is a decision, but only decision and complaint stages "
                                   "decide (stage kind is {})", what, stage_kind_key(s.kind)));
      }
      if (a.validate_form && wf.plugin.empty()) {
        c.error(a.pos, fmt::format("{} asks for form validation, but the workflow names no 'plugin'", what));
      }
      if (!a.outcome.empty() && !a.decision) {
        c.error(a.pos, fmt::format("{} has an outcome but is not marked 'decision: true'", what));
      }
      if (a.opens_complaint && (target == nullptr || target->kind != StageKind::kComplaint)) {
        c.error(a.pos, fmt::format("{} opens a complaint, so it must lead to a stage of kind "
                                   "complaint", what));
      }
      if (a.clock != ClockEffect::kNone && target != nullptr && target != &s) {
        // Pausing happens while the case stays put waiting for the citizen.
        if (a.clock == ClockEffect::kPause) {
          c.error(a.pos, fmt::format("{} pauses the clock but moves the case to '{}'; a pause "
                                     "keeps the case in its stage (next: {})", what, a.next, s.name));
        }
      }
    }
  }
  if (has_complaint_stage && !wf.complaint_deadline) {
    c.error(SourcePosition{1, 1}, "the workflow has a complaint stage but no 'complaint_deadline'");
  }
  // Every stage must be reachable from the start.
  if (by_name.contains(wf.start)) {
    std::set<std::string> reached{wf.start};
    std::vector<std::string> todo{wf.start};
    while (!todo.empty()) {
      const auto* s = by_name[todo.back()];
      todo.pop_back();
      for (const auto& a : s->actions) {
        if (by_name.contains(a.next) && reached.insert(a.next).second) todo.push_back(a.next);
      }
    }
    for (const auto& s : wf.stages) {
      if (!reached.contains(s.name)) {
        c.error(s.pos, fmt::format("stage '{}' cannot be reached from the start stage '{}'",
                                   s.name, wf.start));
      }
    }
  }
}

}  // namespace

WorkflowParseResult parse_workflow(std::string_view yaml_text, std::string_view file_name) {
  Checker c{std::string(file_name)};
  WorkflowParseResult out;
  const YAML::Node root = load_yaml(c, yaml_text);
  if (c.has_errors()) {
    out.errors = c.take_errors();
    return out;
  }
  if (!root.IsMap()) {
    c.error(SourcePosition{1, 1}, "a workflow file must be a mapping with id, start and stages");
    out.errors = c.take_errors();
    return out;
  }
  c.check_keys(root, "the workflow", {"id", "title", "subject", "facet", "owning_authority",
                                      "plugin", "service_area", "start", "complaint_deadline", "appeals_body",
                                      "stages", "hearing_before_refusal", "undecided_complaint_after"});
  WorkflowDefinition wf;
  const auto required = [&](const char* key) -> std::string {
    if (!root[key]) {
      c.error(SourcePosition{1, 1}, fmt::format("the workflow has no '{}'", key));
      return {};
    }
    return c.scalar(root[key], key).value_or("");
  };
  wf.id = required("id");
  if (!wf.id.empty() && !is_id(wf.id)) {
    c.error(root["id"], fmt::format("id '{}' must be lower-case letters, digits, '_' or '-', "
                                    "starting with a letter", wf.id));
  }
  wf.subject = required("subject");
  if (!wf.subject.empty() && !is_kle_subject(wf.subject)) {
    c.error(root["subject"], fmt::format("subject '{}' is not a KLE subject number NN.NN.NN", wf.subject));
  }
  if (root["facet"]) {
    wf.facet = c.scalar(root["facet"], "facet").value_or("");
    if (!is_kle_facet(wf.facet)) {
      c.error(root["facet"], fmt::format("facet '{}' is not a KLE handling facet such as G01", wf.facet));
    }
  }
  if (root["title"]) wf.title = c.scalar(root["title"], "title").value_or("");
  if (root["owning_authority"]) {
    wf.owning_authority = c.scalar(root["owning_authority"], "owning_authority").value_or("");
  }
  if (root["plugin"]) wf.plugin = c.scalar(root["plugin"], "plugin").value_or("");
  if (root["service_area"]) {
    wf.service_area = c.scalar(root["service_area"], "service_area").value_or("");
    if (!wf.service_area.empty() && !is_id(wf.service_area)) {
      c.error(root["service_area"], fmt::format("service_area '{}' must be lower-case letters, digits, '_' or '-'",
                                                wf.service_area));
    }
  }
  if (wf.service_area.empty()) wf.service_area = wf.id;
  wf.start = required("start");
  if (root["appeals_body"]) wf.appeals_body = c.scalar(root["appeals_body"], "appeals_body").value_or("");
  if (root["complaint_deadline"]) {
    wf.complaint_deadline = c.deadline(root["complaint_deadline"], "complaint_deadline");
  }
  if (root["hearing_before_refusal"]) {
    wf.hearing_before_refusal = c.boolean(root["hearing_before_refusal"], "hearing_before_refusal").value_or(false);
  }
  if (root["undecided_complaint_after"]) {
    wf.undecided_complaint_after = c.deadline(root["undecided_complaint_after"], "undecided_complaint_after");
  }
  const auto stages = root["stages"];
  if (!stages) {
    c.error(SourcePosition{1, 1}, "the workflow has no 'stages'");
  } else if (c.expect_map(stages, "stages")) {
    check_duplicate_names(c, stages, "stages");
    for (const auto& kv : stages) {
      if (!kv.first.IsScalar()) continue;
      StageDefinition s = parse_stage(c, kv.first, kv.second);
      const auto actions = kv.second.IsMap() ? kv.second["actions"] : YAML::Node{};
      if (actions && actions.IsMap()) {
        for (const auto& akv : actions) {
          if (akv.first.IsScalar()) s.actions.push_back(parse_action(c, akv.first, akv.second, s.name));
        }
      }
      wf.stages.push_back(std::move(s));
    }
  }
  check_graph(c, wf, root["start"] ? position_of(root["start"]) : SourcePosition{1, 1});
  out.errors = c.take_errors();
  std::stable_sort(out.errors.begin(), out.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  if (out.errors.empty()) out.definition = std::move(wf);
  return out;
}

WorkflowParseResult load_workflow_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.ok()) {
    WorkflowParseResult r;
    r.errors.push_back({path, {}, text.status().message()});
    return r;
  }
  return parse_workflow(*text, path);
}

}  // namespace sagsflow
