#include "sagsflow/config/workflow_diff.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sagsflow {

namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

std::string deadline_text(const std::optional<DeadlineSpec>& d) { return d ? d->describe() : std::string("none"); }

std::string list_text(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

const char* clock_text(ClockEffect c) {
  switch (c) {
    case ClockEffect::kPause: return "pause";
    case ClockEffect::kResume: return "resume";
    case ClockEffect::kNone: return "none";
  }
  return "none";
}

void compare_actions(const StageDefinition& before, const StageDefinition& after, std::vector<std::string>& out) {
  for (const auto& a : after.actions) {
    const ActionDefinition* old = before.find_action(a.name);
    if (old == nullptr) {
      out.push_back(fmt::format("action {} added (to {})", a.name, a.next));
      continue;
    }
    const auto differ = [&](const char* what, const std::string& x, const std::string& y) {
      if (x != y) out.push_back(fmt::format("action {}: {} {} -> {}", a.name, what, x, y));
    };
    differ("next", old->next, a.next);
    differ("title", old->title, a.title);
    differ("roles", list_text(old->roles), list_text(a.roles));
    differ("required fields", list_text(old->requires_.fields), list_text(a.requires_.fields));
    differ("required attachments", list_text(old->requires_.attachments), list_text(a.requires_.attachments));
    differ("clock", clock_text(old->clock), clock_text(a.clock));
    differ("decision", old->decision ? "yes" : "no", a.decision ? "yes" : "no");
    differ("outcome", old->outcome.empty() ? "none" : old->outcome, a.outcome.empty() ? "none" : a.outcome);
    differ("task", old->task.empty() ? "default" : old->task, a.task.empty() ? "default" : a.task);
    differ("complex", old->complex ? "yes" : "no", a.complex ? "yes" : "no");
  }
  for (const auto& a : before.actions) {
    if (after.find_action(a.name) == nullptr) out.push_back(fmt::format("action {} removed", a.name));
  }
}

}  // namespace

std::vector<DiffLine> line_diff(std::string_view before, std::string_view after) {
  const auto a = lines_of(before);
  const auto b = lines_of(after);
  std::vector<DiffLine> out;
  if (a.size() > kMaxDiffLines || b.size() > kMaxDiffLines) {
    for (std::size_t i = 0; i < a.size(); ++i) out.push_back({'-', static_cast<int>(i + 1), 0, a[i]});
    for (std::size_t j = 0; j < b.size(); ++j) out.push_back({'+', 0, static_cast<int>(j + 1), b[j]});
    return out;
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({' ', static_cast<int>(i + 1), static_cast<int>(j + 1), a[i]});
      ++i;
      ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {  // on a tie the removal first
      out.push_back({'+', 0, static_cast<int>(j + 1), b[j]});
      ++j;
    } else {
      out.push_back({'-', static_cast<int>(i + 1), 0, a[i]});
      ++i;
    }
  }
  return out;
}

std::vector<DiffLine> diff_hunks(const std::vector<DiffLine>& diff, int context) {
  std::vector<bool> keep(diff.size(), false);
  for (std::size_t k = 0; k < diff.size(); ++k) {
    if (diff[k].op == ' ') continue;
    const std::size_t from = k >= static_cast<std::size_t>(context) ? k - context : 0;
    const std::size_t to = std::min(diff.size(), k + context + 1);
    for (std::size_t x = from; x < to; ++x) keep[x] = true;
  }
  std::vector<DiffLine> out;
  for (std::size_t k = 0; k < diff.size(); ++k) {
    if (keep[k]) out.push_back(diff[k]);
  }
  return out;
}

std::vector<StageChange> compare_workflows(const WorkflowDefinition& before, const WorkflowDefinition& after) {
  std::vector<StageChange> out;
  for (const auto& s : after.stages) {
    const StageDefinition* old = before.find_stage(s.name);
    if (old == nullptr) {
      out.push_back({s.name, "added", {fmt::format("{} stage '{}'", stage_kind_key(s.kind), s.title)}});
      continue;
    }
    StageChange c{s.name, "changed", {}};
    if (old->title != s.title) c.details.push_back(fmt::format("title '{}' -> '{}'", old->title, s.title));
    if (old->kind != s.kind) c.details.push_back(fmt::format("kind {} -> {}", stage_kind_key(old->kind), stage_kind_key(s.kind)));
    if (!(old->deadline == s.deadline)) {
      c.details.push_back(fmt::format("deadline {} -> {}", deadline_text(old->deadline), deadline_text(s.deadline)));
    }
    compare_actions(*old, s, c.details);
    if (!c.details.empty()) out.push_back(std::move(c));
  }
  for (const auto& s : before.stages) {
    if (after.find_stage(s.name) == nullptr) out.push_back({s.name, "removed", {}});
  }
  return out;
}

}  // namespace sagsflow
