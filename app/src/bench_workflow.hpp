// The workflow the engine benchmarks run (`sagsflow bench`, `bench worklist`):
// one check stage with a deadline, an action that stays in it and one that
// closes the case. Pure; any thread.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace sagsflow::cli {

inline std::string bench_workflow_yaml(std::string_view id, std::string_view title) {
  return fmt::format(R"(id: {}
title: {}
subject: 23.09.02
start: work
stages:
  work:
    kind: check
    deadline: {{working_days: 10}}
    actions:
      note: {{next: work}}
      finish: {{next: closed}}
)",
                     id, title);
}

}  // namespace sagsflow::cli
