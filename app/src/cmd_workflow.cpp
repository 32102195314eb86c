// `sagsflow workflow validate|deploy|list`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/engine/engine.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::cli {
namespace {

struct WorkflowArgs {
  std::vector<std::string> files;
};

int validate(const Context& ctx, const WorkflowArgs& args) {
  nlohmann::json report = nlohmann::json::array();
  size_t errors = 0;
  for (const auto& f : args.files) {
    auto r = load_workflow_file(f);
    errors += r.errors.size();
    const nlohmann::json list = report_diagnostics(ctx, r.errors);
    report.push_back({{"file", f}, {"ok", r.ok()}, {"errors", list},
                      {"id", r.ok() ? nlohmann::json(r.definition->id) : nlohmann::json()}});
    if (!ctx.json && r.ok()) {
      std::cout << f << ": ok (" << r.definition->id << ", " << r.definition->stages.size() << " stages)\n";
    }
  }
  if (ctx.json) print_json(report);
  if (errors > 0 && !ctx.json) std::cerr << errors << " error(s)\n";
  return errors == 0 ? kExitOk : kExitError;
}

int deploy(const Context& ctx, const WorkflowArgs& args) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto admin = require_admin(ctx, **store, "deploy workflows"); !admin.ok()) return fail(ctx, admin.status());
  CaseEngine engine(**store);
  nlohmann::json report = nlohmann::json::array();
  for (const auto& f : args.files) {
    auto text = read_text_file(f);
    if (!text.ok()) return fail(ctx, text.status());
    auto out = engine.deploy_workflow(*text, f);
    if (!out.ok()) return fail(ctx, out.status());
    report.push_back({{"id", out->record.id}, {"version", out->record.version}, {"new", out->created}});
    if (!ctx.json) {
      std::cout << (out->created ? "deployed " : "unchanged ") << out->record.id << " version "
                << out->record.version << "\n";
    }
  }
  if (ctx.json) print_json(report);
  return kExitOk;
}

int list(const Context& ctx) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  // GET /api/v1/admin/workflows: the admins' view.
  if (auto admin = require_admin(ctx, **store, "list the deployed workflows"); !admin.ok()) {
    return fail(ctx, admin.status());
  }
  auto all = (*store)->list_workflows();
  if (!all.ok()) return fail(ctx, all.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : *all) {
    out.push_back({{"id", w.id}, {"version", w.version}, {"sha256", w.sha256},
                   {"file", w.file_name}, {"deployed_at", w.deployed_at}});
  }
  if (ctx.json) {
    print_json(out);
  } else {
    std::cout << fmt::format("{:<28} {:>7}  {:<20}  {}\n", "WORKFLOW", "VERSION", "DEPLOYED", "SHA-256");
    for (const auto& w : *all) {
      std::cout << fmt::format("{:<28} {:>7}  {:<20}  {}\n", w.id, w.version, w.deployed_at, w.sha256.substr(0, 12));
    }
  }
  return kExitOk;
}

}  // namespace

void add_workflow_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static WorkflowArgs args;
  auto* wf = app.add_subcommand("workflow", "Workflow definitions");
  wf->require_subcommand(1);
  auto* v = wf->add_subcommand("validate", "Check workflow files; list every error with file:line:column");
  v->add_option("files", args.files, "Workflow YAML files")->required();
  v->callback([&] { exit_code = validate(ctx, args); });
  auto* d = wf->add_subcommand("deploy", "Deploy workflow files (a changed file becomes a new version; role admin)");
  d->add_option("files", args.files, "Workflow YAML files")->required()->check(CLI::ExistingFile);
  d->callback([&] { exit_code = deploy(ctx, args); });
  wf->add_subcommand("list", "List deployed workflows and their versions (role admin)")->callback([&] { exit_code = list(ctx); });
}

}  // namespace sagsflow::cli
