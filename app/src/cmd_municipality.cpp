// `sagsflow municipality validate FILE...`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/core/municipality.hpp"

namespace sagsflow::cli {
namespace {

int validate(const Context& ctx, const std::vector<std::string>& files) {
  nlohmann::json report = nlohmann::json::array();
  size_t errors = 0;
  for (const auto& f : files) {
    auto r = load_municipality_file(f);
    errors += r.errors.size();
    const nlohmann::json list = report_diagnostics(ctx, r.errors);
    report.push_back({{"file", f}, {"ok", r.ok()}, {"errors", list}});
    if (!ctx.json && r.ok()) {
      const auto& m = *r.config;
      std::cout << fmt::format("{}: ok ({} {}, {} model, {} units, {} staff, {} service areas)\n", f, m.code, m.name,
                               organisational_model_key(m.model), m.units.size(), m.staff.size(),
                               m.service_areas.size());
    }
  }
  if (ctx.json) print_json(report);
  if (errors > 0 && !ctx.json) std::cerr << errors << " error(s)\n";
  return errors == 0 ? kExitOk : kExitError;
}

}  // namespace

void add_municipality_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static std::vector<std::string> files;
  auto* m = app.add_subcommand("municipality", "Municipality configuration files");
  m->require_subcommand(1);
  auto* v = m->add_subcommand("validate", "Check municipality files; list every error with file:line:column");
  v->add_option("files", files, "Municipality YAML files")->required();
  v->callback([&] { exit_code = validate(ctx, files); });
}

}  // namespace sagsflow::cli
