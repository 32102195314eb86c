// What changes when a workflow file is deployed over the running version:
// the lines that differ (a line diff, as an admin reads it before deploying)
// and the stages and actions that come, go or change.
//
// Pure functions of their arguments: safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/config/workflow.hpp"

namespace sagsflow {

struct DiffLine {
  char op = ' ';     // ' ' the same, '-' only in the running version, '+' only in the new one
  int old_line = 0;  // 1-based in the running version; 0 for '+'
  int new_line = 0;  // 1-based in the new file; 0 for '-'
  std::string text;
};

// The lines of `before` and `after` with what was removed and added, in
// order (a longest common subsequence of lines). Files of more than
// kMaxDiffLines lines each are shown as all removed and all added.
inline constexpr std::size_t kMaxDiffLines = 2000;
std::vector<DiffLine> line_diff(std::string_view before, std::string_view after);

// `diff` with only the changed lines and `context` unchanged lines around
// each (a hunk view); the lines left out are not marked.
std::vector<DiffLine> diff_hunks(const std::vector<DiffLine>& diff, int context = 3);

struct StageChange {
  std::string stage;
  std::string change;  // "added", "removed" or "changed"
  std::vector<std::string> details;  // e.g. "deadline: 5 working days -> 10 working days", "action approve added"
};

// The stages that were added, removed or changed (title, kind, deadline, and
// each action's next stage, roles, requirements, clock, decision, outcome),
// in the new file's order, removed ones last.
std::vector<StageChange> compare_workflows(const WorkflowDefinition& before, const WorkflowDefinition& after);

}  // namespace sagsflow
