// What each problem code means: the `type` of every problem+json answer is
// /api/v1/problems/<code>, and GET on it answers this explanation.
// Thread-safety: constant data.
#pragma once

#include <string_view>
#include <vector>

#include "api.hpp"

namespace sagsflow::server {

struct ProblemType {
  std::string_view code;
  int status;
  std::string_view title;
  std::string_view explanation;  // what it means and what the client can do
};

// Every code the server answers with (the core's error codes and the HTTP layer's own).
const std::vector<ProblemType>& problem_types();
const ProblemType* find_problem_type(std::string_view code);

// GET /api/v1/problems/{code} (public).
void add_problem_routes(std::vector<Route>& routes);

}  // namespace sagsflow::server
