// `sagsflow municipality validate FILE...` and `sagsflow municipality explain FILE`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/organisation/organisation.hpp"

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
    if (r.ok()) {
      nlohmann::json warnings = nlohmann::json::array();
      std::vector<std::string> found = organisation_of_file(*r.config).gaps(r.config->code);
      // The workflows it uses: every complaint guidance must name its appeals body.
      std::vector<WorkflowDefinition> workflows;
      for (const auto& path : r.config->workflow_files) {
        auto wf = load_workflow_file(path);
        if (wf.ok()) workflows.push_back(*wf.definition);
        else found.push_back("workflow file " + path + " does not load: " + wf.errors.front().to_string());
      }
      for (auto& w : appeals_body_gaps(*r.config, workflows)) found.push_back(std::move(w));
      for (auto& w : letter_settings_gaps(*r.config)) found.push_back(std::move(w));
      for (auto& w : appointment_gaps(*r.config)) found.push_back(std::move(w));
      for (const auto& w : found) {
        warnings.push_back(w);
        if (!ctx.json) std::cerr << f << ": warning: " << w << "\n";
      }
      report.back()["warnings"] = warnings;
    }
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

// Where every task of every service area lies, as the core will apply it.
int explain(const Context& ctx, const std::string& file) {
  auto r = load_municipality_file(file);
  if (!r.ok()) {
    if (auto list = report_diagnostics(ctx, r.errors); ctx.json) print_json({{"errors", list}});
    return kExitError;
  }
  const Organisation org = organisation_of_file(*r.config);
  const auto& m = *org.find(r.config->code);
  const std::string code = m.code;
  auto table = app::placements_json(org, code);
  if (!table.ok()) return fail(ctx, table.status());
  if (ctx.json) {
    print_json({{"municipality", code}, {"uses_triage", org.uses_triage(code)}, {"tasks", (*table)["tasks"]}});
    return kExitOk;
  }
  std::cout << fmt::format("{} {}: {} model{}\n", code, m.name, organisational_model_key(m.model),
                           org.uses_triage(code) ? "; inquiries enter through a triage desk" : "");
  std::cout << fmt::format("{:<18} {:<10} {:<22} {:<10} {:<28} {:<28} {}\n", "AREA", "TASK", "MODEL", "SPLIT",
                           "RULES (professional)", "QUEUE (administrative)", "DECIDED BY");
  for (const auto& row : (*table)["tasks"]) {
    std::cout << fmt::format("{:<18} {:<10} {:<22} {:<10} {:<28} {:<28} {}\n", row["area"].get<std::string>(),
                             row["task"].get<std::string>(), row["model"].get<std::string>(),
                             row["split"].get<std::string>(), row["professional"].get<std::string>(),
                             row["administrative"].get<std::string>(), row["decided_by"].get<std::string>());
  }
  return kExitOk;
}

}  // namespace

void add_municipality_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static std::vector<std::string> files;
  auto* m = app.add_subcommand("municipality", "Municipality configuration files");
  m->require_subcommand(1);
  auto* v = m->add_subcommand("validate", "Check municipality files; list every error with file:line:column");
  v->add_option("files", files, "Municipality YAML files")->required();
  v->callback([&] { exit_code = validate(ctx, files); });
  static std::string file;
  auto* e = m->add_subcommand("explain", "Show where each task of each service area lies: model, split, whose rules, "
                                         "whose queue, who decides");
  e->add_option("file", file, "Municipality YAML file")->required();
  e->callback([&] { exit_code = explain(ctx, file); });
}

}  // namespace sagsflow::cli
