// `sagsflow kle import FILE` and `sagsflow kle show NUMBER`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <set>

#include "cli_context.hpp"
#include "sagsflow/core/kle.hpp"
#include "sagsflow/core/text_file.hpp"

namespace sagsflow::cli {
namespace {
using nlohmann::json;

json subject_json(const KleSubject& s) {
  return {{"number", s.number},
          {"title", s.title},
          {"group", s.group_title},
          {"main_group", s.main_group_title},
          {"guidance", s.guidance},
          {"preservation", s.preservation},
          {"deletion", s.deletion},
          {"retired_on", s.retired_on.empty() ? json() : json(s.retired_on)}};
}

int import_plan(const Context& ctx, const std::string& file) {
  auto text = read_text_file(file);
  if (!text.ok()) return fail(ctx, text.status());
  auto plan = parse_kle_emneplan(*text, file);
  if (!plan.ok()) return fail(ctx, plan.status());
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto st = (*store)->replace_kle_plan(*plan, file, format_timestamp(system_clock()())); !st.ok()) {
    return fail(ctx, st);
  }
  // Deployed workflows (and so the installed plugins) whose subject the plan lacks: a warning, not a failure.
  json warnings = json::array();
  auto workflows = (*store)->list_workflows();
  if (!workflows.ok()) return fail(ctx, workflows.status());
  std::set<std::string> seen;
  for (auto it = workflows->rbegin(); it != workflows->rend(); ++it) {
    if (!seen.insert(it->id).second) continue;
    auto record = (*store)->load_workflow(it->id, it->version);
    if (!record.ok()) continue;
    auto wf = parse_workflow(record->source, record->file_name);
    if (!wf.ok() || it->id == "access_request") continue;  // files under the concerned case's subject
    auto subject = (*store)->kle_subject(wf.definition->subject);
    if (!subject.ok()) return fail(ctx, subject.status());
    if (!*subject) {
      warnings.push_back(fmt::format("workflow {} uses KLE {}, which the imported emneplan does not have; its cases "
                                     "keep working but show no KLE title or deletion deadline",
                                     it->id, wf.definition->subject));
    } else if (!(*subject)->retired_on.empty()) {
      warnings.push_back(fmt::format("workflow {} uses KLE {}, which KL retired on {}; move it to the current "
                                     "number",
                                     it->id, wf.definition->subject, (*subject)->retired_on));
    }
  }
  if (ctx.json) {
    print_json({{"file", file}, {"published", plan->published}, {"subjects", plan->subjects.size()},
                {"warnings", warnings}});
  } else {
    std::cout << fmt::format("imported {} KLE subjects (emneplan published {})\n", plan->subjects.size(),
                             plan->published.empty() ? "?" : plan->published);
    for (const auto& w : warnings) std::cerr << "warning: " << w.get<std::string>() << "\n";
  }
  return kExitOk;
}

int show(const Context& ctx, const std::string& number) {
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  auto subject = (*store)->kle_subject(number);
  if (!subject.ok()) return fail(ctx, subject.status());
  if (!*subject) {
    auto published = (*store)->kle_published();
    return fail(ctx, NotFound(published.ok() && *published
                                  ? fmt::format("KLE {} is not in the imported emneplan", number)
                                  : "no KLE emneplan is imported yet: run `sagsflow kle import FILE`"));
  }
  const auto& s = **subject;
  if (ctx.json) {
    print_json(subject_json(s));
    return kExitOk;
  }
  std::cout << fmt::format("{} {}\n  {} / {}\n", s.number, s.title, s.main_group_title, s.group_title);
  if (!s.deletion.empty()) std::cout << "  Deletion (KLE recommends): " << describe_kle_duration(s.deletion) << "\n";
  if (!s.preservation.empty()) std::cout << "  Preservation code: " << s.preservation << "\n";
  if (!s.retired_on.empty()) std::cout << "  RETIRED on " << s.retired_on << "\n";
  if (!s.guidance.empty()) std::cout << "  " << s.guidance << "\n";
  return kExitOk;
}

}  // namespace

void add_kle_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static std::string file, number;
  auto* k = app.add_subcommand("kle", "KLE: import the municipality's emneplan, look up subjects");
  k->require_subcommand(1);
  auto* i = k->add_subcommand("import", "Import KL's emneplan XML (replaces the previous import)");
  i->add_option("file", file, "The emneplan XML file")->required()->check(CLI::ExistingFile);
  i->callback([&] { exit_code = import_plan(ctx, file); });
  auto* s = k->add_subcommand("show", "Show a subject: title, groups, guidance, deletion deadline");
  s->add_option("number", number, "KLE subject, NN.NN.NN")->required();
  s->callback([&] { exit_code = show(ctx, number); });
}

}  // namespace sagsflow::cli
