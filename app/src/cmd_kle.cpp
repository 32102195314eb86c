// `sagsflow kle import FILE` and `sagsflow kle show NUMBER`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <set>

#include "cli_context.hpp"
#include "sagsflow/app/kle_import.hpp"
#include "sagsflow/domain/kle.hpp"
#include "sagsflow/domain/text_file.hpp"

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
  auto store = ctx.open_store();
  if (!store.ok()) return fail(ctx, store.status());
  if (auto admin = require_admin(ctx, **store, "import a KLE emneplan"); !admin.ok()) return fail(ctx, admin.status());
  auto report = app::import_kle_plan([&](const auto& work) { return work(**store); }, *text, file,
                                     system_clock()());
  if (!report.ok()) return fail(ctx, report.status());
  if (ctx.json) {
    print_json({{"file", file}, {"published", report->published}, {"subjects", report->subjects},
                {"warnings", report->warnings}});
  } else {
    std::cout << fmt::format("imported {} KLE subjects (emneplan published {})\n", report->subjects,
                             report->published.empty() ? "?" : report->published);
    for (const auto& w : report->warnings) std::cerr << "warning: " << w << "\n";
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
  auto* i = k->add_subcommand("import", "Import KL's emneplan XML (replaces the previous import; role admin)");
  i->add_option("file", file, "The emneplan XML file")->required()->check(CLI::ExistingFile);
  i->callback([&] { exit_code = import_plan(ctx, file); });
  auto* s = k->add_subcommand("show", "Show a subject: title, groups, guidance, deletion deadline");
  s->add_option("number", number, "KLE subject, NN.NN.NN")->required();
  s->callback([&] { exit_code = show(ctx, number); });
}

}  // namespace sagsflow::cli
