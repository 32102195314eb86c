// `sagsflow plugins list|inspect|install|enable|disable|remove`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::cli {
namespace {
namespace fs = std::filesystem;
using db::InstalledPlugin;
using nlohmann::json;

struct PluginArgs {
  std::string file;
  std::string id;
};

void print_manifest(const InspectedPlugin& p) {
  const auto& m = p.manifest;
  const auto row = [](const char* label, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("  {:<22}{}\n", label, value);
  };
  std::cout << fmt::format("Plugin {} {} ({})\n", m.id, m.version, p.library_path);
  row("Name", m.name);
  row("Vendor", m.vendor);
  row("Plugin ABI", fmt::format("{}.{}", m.abi_major, m.abi_minor));
  row("SHA-256", p.sha256);
  row("Delivers letters", m.delivery_channel);  // a delivery plugin (ABI 1.2): no service area, no workflow
  row("Service area", m.service_area);
  row("KLE subjects", fmt::format("{}", fmt::join(m.kle_subjects, ", ")));
  row("KLE facets", fmt::format("{}", fmt::join(m.kle_facets, ", ")));
  row("Owning authority", m.owning_authority.name.empty() ? m.owning_authority.kind
                                                          : m.owning_authority.name + " (" + m.owning_authority.kind + ")");
  std::vector<std::string> models;
  for (auto model : m.models) models.push_back(organisational_model_key(model));
  row("Organisational models", fmt::format("{}", fmt::join(models, ", ")));
  for (const auto& t : m.tasks) {
    std::vector<std::string> stages;
    for (auto s : t.stages) stages.push_back(stage_kind_key(s));
    row("Task", fmt::format("{} ({}; {}; professional: {}, administrative: {}, daily operations: {})", t.id,
                            t.simple ? "simple" : "complex", fmt::join(stages, "/"),
                            placement_key(t.responsibilities.professional),
                            placement_key(t.responsibilities.administrative),
                            placement_key(t.responsibilities.daily_operations)));
  }
  for (const auto& f : m.form.fields) {
    row("Form field", fmt::format("{}: {}{}", f.name, field_type_key(f.type), f.required ? ", required" : ""));
  }
  for (const auto& a : m.form.attachments) {
    row("Attachment", a.name + (a.required ? " (required)" : ""));
  }
  row("Workflow", m.workflow_file);
  for (const auto& d : m.deadlines) row("Deadline", fmt::format("{}: {} ({})", d.name, d.deadline.describe(), d.source));
  row("Complaints", fmt::format("{}appeals body {}{}", m.complaints.reconsideration ? "reconsideration, then " : "",
                                m.complaints.appeals_body,
                                m.complaints.deadline ? ", within " + m.complaints.deadline->describe() : ""));
  row("Life situations", fmt::format("{}", fmt::join(m.life_situations, ", ")));
}

int inspect(const Context& ctx, const PluginArgs& a) {
  auto p = inspect_plugin(a.file);
  if (!p.ok()) return fail(ctx, p.status());
  if (ctx.json) {
    json j = p->manifest.to_json();
    j["sha256"] = p->sha256;
    j["library"] = p->library_path;
    print_json(j);
  } else {
    print_manifest(*p);
  }
  return kExitOk;
}

// Copies `from` to `to` through a temporary file, so a reader never sees half a file.
Status copy_into_place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  const fs::path tmp = to.string() + ".installing";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, to, ec);
  if (ec) return StorageError(fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message()));
  return Status::Ok();
}

int install(const Context& ctx, const PluginArgs& a) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto admin = require_admin(ctx, **store, "install plugins"); !admin.ok()) return fail(ctx, admin.status());
  auto allowed = ctx.allow_list();
  if (!allowed.ok()) return fail(ctx, allowed.status());

  // Load it as the host would (every refusal applies), in a throwaway host.
  PluginHostOptions options;
  options.allowed_sha256 = *allowed;
  options.isolation = PluginIsolation::kChildProcess;  // a plugin that crashes while loading does not take the CLI along
  std::unique_ptr<PluginHost> trial = std::make_unique<PluginHost>(options);
  auto loaded = trial->load(a.file);
  if (!loaded.ok()) return fail(ctx, loaded.status());
  const InspectedPlugin info = (*loaded)->info;
  trial.reset();
  const auto& m = info.manifest;
  // A delivery plugin (ABI 1.2) has no workflow: its library and manifest are
  // copied and recorded (with no workflow id); nothing is deployed.
  const bool delivery = m.delivers_letters();
  fs::path workflow_source;
  std::string workflow_text;
  std::string workflow_id;
  if (!delivery) {
    workflow_source = fs::path(info.manifest_path).parent_path() / m.workflow_file;
    auto text = read_text_file(workflow_source.string());
    if (!text.ok()) return fail(ctx, text.status());
    workflow_text = std::move(*text);
    auto workflow = parse_workflow(workflow_text, workflow_source.string());
    if (!workflow.ok()) {
      for (const auto& d : workflow.errors) std::cerr << d.to_string() << "\n";
      return fail(ctx, InvalidArgument("the plugin's workflow has errors; nothing was installed"));
    }
    if (workflow.definition->plugin != m.id) {
      return fail(ctx, InvalidArgument(fmt::format("{}: the workflow's 'plugin' is '{}', it must be '{}'",
                                                   workflow_source.string(), workflow.definition->plugin, m.id)));
    }
    workflow_id = workflow.definition->id;
  }
  auto installed = (*store)->installed_plugins();
  if (!installed.ok()) return fail(ctx, installed.status());
  std::optional<InstalledPlugin> previous;
  for (const auto& p : *installed) {
    if (p.id == m.id) previous = p;
  }
  if (previous && previous->sha256 == info.sha256) {
    if (!ctx.json) std::cout << "plugin " << m.id << " " << m.version << " is already installed\n";
    else print_json({{"id", m.id}, {"version", m.version}, {"installed", false}});
    return kExitOk;
  }

  const fs::path dir = ctx.plugin_directory();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ctx, StorageError("cannot create the plugin directory " + dir.string() + ": " + ec.message()));
  const std::string file_name = m.id + ".so";
  std::vector<std::pair<fs::path, fs::path>> files{{fs::path(info.library_path), dir / file_name},
                                                   {fs::path(info.manifest_path), dir / (m.id + ".plugin.yaml")}};
  if (!delivery) files.emplace_back(workflow_source, dir / m.workflow_file);
  for (const auto& [from, to] : files) {
    if (auto st = copy_into_place(from, to); !st.ok()) return fail(ctx, st);
  }
  InstalledPlugin record{m.id, m.version, file_name, info.sha256, workflow_id, true, format_timestamp(system_clock()())};
  if (auto st = (*store)->record_plugin(record); !st.ok()) return fail(ctx, st);
  std::optional<DeployOutcome> deployed;
  nlohmann::json kle_warnings = nlohmann::json::array();
  if (!delivery) {
    CaseEngine engine(**store);
    auto outcome = engine.deploy_workflow(workflow_text, (dir / m.workflow_file).string());
    if (!outcome.ok()) return fail(ctx, outcome.status());
    deployed = *outcome;
    // A KLE number the imported emneplan does not know is a warning, not a failure.
    if (auto published = (*store)->kle_published(); published.ok() && *published) {
      for (const auto& number : m.kle_subjects) {
        auto subject = (*store)->kle_subject(number);
        if (subject.ok() && !*subject) {
          kle_warnings.push_back(fmt::format("plugin {} declares KLE {}, which the imported emneplan (published {}) "
                                             "does not have",
                                             m.id, number, **published));
        }
      }
    }
  }
  if (ctx.json) {
    json out = {{"id", m.id}, {"version", m.version}, {"sha256", info.sha256}, {"installed", true},
                {"kle_warnings", kle_warnings}, {"directory", dir.string()}};
    out["workflow"] = deployed ? json{{"id", deployed->record.id}, {"version", deployed->record.version}} : json();
    if (delivery) out["delivery_channel"] = m.delivery_channel;
    print_json(out);
    return kExitOk;
  }
  for (const auto& w : kle_warnings) std::cerr << "warning: " << w.get<std::string>() << "\n";
  std::cout << (previous ? fmt::format("upgraded plugin {} from {} to {}", m.id, previous->version, m.version)
                         : fmt::format("installed plugin {} {}", m.id, m.version))
            << " into " << dir.string() << " (sha256 " << info.sha256.substr(0, 12) << ")\n";
  if (deployed) {
    std::cout << "workflow " << deployed->record.id << " version " << deployed->record.version
              << (deployed->created ? " deployed\n" : " unchanged\n");
  } else {
    std::cout << "it delivers letters on the channel " << m.delivery_channel << " (no workflow)\n";
  }
  return kExitOk;
}

int list(const Context& ctx) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  // GET /api/v1/admin/plugins: the admins' view.
  if (auto admin = require_admin(ctx, **store, "list the installed plugins"); !admin.ok()) {
    return fail(ctx, admin.status());
  }
  auto installed = (*store)->installed_plugins();
  if (!installed.ok()) return fail(ctx, installed.status());
  json out = json::array();
  if (!ctx.json) {
    std::cout << fmt::format("{:<24} {:<10} {:<9} {:<24} {:>10}  {}\n", "PLUGIN", "VERSION", "ENABLED", "WORKFLOW",
                             "OPEN CASES", "SHA-256");
  }
  for (const auto& p : *installed) {
    auto open = (*store)->count_open_cases(p.workflow_id);
    if (!open.ok()) return fail(ctx, open.status());
    out.push_back({{"id", p.id}, {"version", p.version}, {"enabled", p.enabled}, {"workflow", p.workflow_id},
                   {"open_cases", *open}, {"sha256", p.sha256}, {"installed_at", p.installed_at},
                   {"disabled_reason", p.disabled_reason}});
    if (!ctx.json) {
      // A delivery plugin has no workflow (and no cases).
      std::cout << fmt::format("{:<24} {:<10} {:<9} {:<24} {:>10}  {}\n", p.id, p.version, p.enabled ? "yes" : "no",
                               p.workflow_id.empty() ? "-" : p.workflow_id, *open, p.sha256.substr(0, 12));
      if (!p.disabled_reason.empty()) std::cout << "  " << p.id << " is " << p.disabled_reason << "\n";
    }
  }
  if (ctx.json) print_json(out);
  return kExitOk;
}

Result<InstalledPlugin> find_installed(db::SqlStore& store, const std::string& id) {
  auto installed = store.installed_plugins();
  if (!installed.ok()) return installed.status();
  for (const auto& p : *installed) {
    if (p.id == id) return p;
  }
  return NotFound("plugin '" + id + "' is not installed (see `sagsflow plugins list`)");
}

int set_enabled(const Context& ctx, const PluginArgs& a, bool enabled) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto admin = require_admin(ctx, **store, enabled ? "enable plugins" : "disable plugins"); !admin.ok()) {
    return fail(ctx, admin.status());
  }
  auto p = find_installed(**store, a.id);
  if (!p.ok()) return fail(ctx, p.status());
  if (auto st = (*store)->set_plugin_enabled(a.id, enabled); !st.ok()) return fail(ctx, st);
  auto open = (*store)->count_open_cases(p->workflow_id);
  if (!open.ok()) return fail(ctx, open.status());
  if (ctx.json) {
    print_json({{"id", a.id}, {"enabled", enabled}, {"open_cases", *open}});
  } else if (enabled) {
    std::cout << "enabled plugin " << a.id << "\n";
  } else {
    std::cout << "disabled plugin " << a.id << ".";
    if (*open > 0) {
      std::cout << " Its " << *open << " open case(s) on workflow " << p->workflow_id
                << " stay readable; actions that need the plugin are refused with an incident on the case until "
                   "it is enabled again.";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

int remove(const Context& ctx, const PluginArgs& a) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto admin = require_admin(ctx, **store, "remove plugins"); !admin.ok()) return fail(ctx, admin.status());
  auto p = find_installed(**store, a.id);
  if (!p.ok()) return fail(ctx, p.status());
  auto open = (*store)->count_open_cases(p->workflow_id);
  if (!open.ok()) return fail(ctx, open.status());
  if (*open > 0) {
    return fail(ctx, FailedPrecondition(fmt::format(
                         "plugin {} has {} open case(s) on workflow {}; close them first, or disable the plugin "
                         "(`sagsflow plugins disable {}`) to keep them readable", a.id, *open, p->workflow_id, a.id)));
  }
  if (auto st = (*store)->forget_plugin(a.id); !st.ok()) return fail(ctx, st);
  std::error_code ec;
  const fs::path dir = ctx.plugin_directory();
  fs::remove(dir / p->file_name, ec);
  fs::remove(dir / (a.id + ".plugin.yaml"), ec);
  if (ctx.json) print_json({{"id", a.id}, {"removed", true}});
  else std::cout << "removed plugin " << a.id << " (closed cases and the deployed workflow versions are kept)\n";
  return kExitOk;
}

}  // namespace

void add_plugin_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static PluginArgs a;
  auto* p = app.add_subcommand("plugins", "Service-area plugins of this installation");
  p->require_subcommand(1);
  p->add_subcommand("list", "Installed plugins, whether enabled, and their open cases (role admin)")->callback([&] {
    exit_code = list(ctx);
  });
  auto* i = p->add_subcommand("inspect", "Show what a plugin declares, without running its code");
  i->add_option("file", a.file, "The plugin library (NAME.so, with NAME.plugin.yaml beside it)")->required();
  i->callback([&] { exit_code = inspect(ctx, a); });
  auto* in = p->add_subcommand("install", "Check, copy into the plugin directory, record its SHA-256, deploy its workflow (role admin)");
  in->add_option("file", a.file, "The plugin library (NAME.so, with NAME.plugin.yaml beside it)")->required();
  in->callback([&] { exit_code = install(ctx, a); });
  auto* e = p->add_subcommand("enable", "Enable an installed plugin (role admin)");
  e->add_option("id", a.id, "Plugin id")->required();
  e->callback([&] { exit_code = set_enabled(ctx, a, true); });
  auto* d = p->add_subcommand("disable", "Disable a plugin; its open cases stay readable (role admin)");
  d->add_option("id", a.id, "Plugin id")->required();
  d->callback([&] { exit_code = set_enabled(ctx, a, false); });
  auto* r = p->add_subcommand("remove", "Remove a plugin that has no open cases (role admin)");
  r->add_option("id", a.id, "Plugin id")->required();
  r->callback([&] { exit_code = remove(ctx, a); });
}

}  // namespace sagsflow::cli
