// `sagsflow letter validate|fields|preview|install|list|remove`: for admins
// writing their own letter templates (docs/letters.md). validate checks
// templates (every error with file:line:column); fields lists what a kind of
// letter may use; preview fills a template with example values and writes the
// PDF a citizen would get; install, list and remove manage a municipality's
// own templates in the database (app/letter_templates.hpp; role admin).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli_context.hpp"
#include "sagsflow/app/letter_delivery.hpp"
#include "sagsflow/app/letter_templates.hpp"
#include "sagsflow/config/letter_template.hpp"
#include "sagsflow/domain/bounded_json.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/letters/pdf_letter.hpp"

namespace sagsflow::cli {
namespace {

struct LetterArgs {
  std::vector<std::string> files;
  std::string kind;
  std::string values_file;
  std::string out;
  std::string municipality;  // the subcommand's --municipality (else the global one)
  std::string language, workflow, stage, outcome;  // preview by kind
  std::string name;  // remove
};

// The installation's store and organisation, the municipality (--municipality
// after the subcommand, before it, or the database's only one), which must be configured.
struct Configured {
  std::unique_ptr<db::SqlStore> store;
  std::unique_ptr<Organisation> organisation;
  std::string municipality;
};
Result<Configured> open_configured(const Context& ctx, const LetterArgs& args) {
  Configured c;
  auto store = ctx.open_store();
  if (!store.ok()) return store.status();
  c.store = std::move(*store);
  Context scoped = ctx;
  if (!args.municipality.empty()) scoped.municipality = args.municipality;
  auto m = scoped.resolve_municipality(*c.store);
  if (!m.ok()) return m.status();
  c.municipality = *m;
  auto org = load_organisation(*c.store);
  if (!org.ok()) return org.status();
  c.organisation = std::move(*org);
  if (!c.organisation->knows(c.municipality)) {
    return NotFound(fmt::format("no municipality {} is configured in this installation (load its file with "
                                "`sagsflow init`)", c.municipality));
  }
  return c;
}

LetterTemplateParseResult load_template(const std::string& file) {
  auto text = read_text_file(file);
  if (!text.ok()) {
    LetterTemplateParseResult r;
    r.errors.push_back({file, {}, text.status().message()});
    return r;
  }
  return parse_letter_template(*text, file);
}

int validate(const Context& ctx, const LetterArgs& args) {
  nlohmann::json report = nlohmann::json::array();
  size_t errors = 0;
  for (const auto& f : args.files) {
    auto r = load_template(f);
    errors += r.errors.size();
    const nlohmann::json list = report_diagnostics(ctx, r.errors);
    report.push_back({{"file", f}, {"ok", r.ok()}, {"errors", list},
                      {"kind", r.ok() ? nlohmann::json(letter_kind_key(r.letter->kind)) : nlohmann::json()}});
    if (!ctx.json && r.ok()) {
      std::cout << f << ": ok (" << letter_kind_key(r.letter->kind) << ", " << r.letter->language << ", "
                << r.letter->sections.size() << " sections)\n";
    }
  }
  if (ctx.json) print_json(report);
  if (errors > 0 && !ctx.json) std::cerr << errors << " error(s)\n";
  return errors == 0 ? kExitOk : kExitError;
}

int fields(const Context& ctx, const LetterArgs& args) {
  std::vector<LetterKind> kinds;
  if (args.kind.empty()) {
    kinds = all_letter_kinds();
  } else if (auto k = letter_kind_from_key(args.kind)) {
    kinds.push_back(*k);
  } else {
    return fail(ctx, InvalidArgument(fmt::format("'{}' is not a kind of letter", args.kind)));
  }
  nlohmann::json out = nlohmann::json::object();
  for (LetterKind k : kinds) {
    nlohmann::json list = nlohmann::json::array();
    if (!ctx.json) std::cout << letter_kind_key(k) << ":\n";
    for (const auto& f : letter_fields(k)) {
      list.push_back({{"name", f.name}, {"description", f.description}});
      if (!ctx.json) std::cout << fmt::format("  {:<26} {}\n", f.name, f.description);
    }
    out[letter_kind_key(k)] = list;
  }
  if (ctx.json) print_json(out);
  return kExitOk;
}

int preview(const Context& ctx, const LetterArgs& args) {
  // With a municipality (--municipality before or after `preview`): its letterhead, and
  // without a FILE the template its letters of --kind would use.
  std::optional<Configured> configured;
  if (!args.municipality.empty() || !ctx.municipality.empty() || args.files.empty()) {
    if (args.files.empty() && args.kind.empty()) {
      return fail(ctx, InvalidArgument("give a template FILE, or --kind to preview the template the municipality's "
                                       "letters of that kind use"));
    }
    auto c = open_configured(ctx, args);
    if (!c.ok()) return fail(ctx, c.status());
    configured = std::move(*c);
  }
  LetterTemplateParseResult parsed;
  if (!args.files.empty()) {
    parsed = load_template(args.files.front());
    if (!parsed.ok()) {
      report_diagnostics(ctx, parsed.errors);
      return kExitError;
    }
  } else {
    const auto kind = letter_kind_from_key(args.kind);
    if (!kind) return fail(ctx, InvalidArgument(fmt::format("'{}' is not a kind of letter", args.kind)));
    auto templates = app::letter_templates_for(*configured->store, configured->municipality);
    if (!templates.ok()) return fail(ctx, templates.status());
    const MunicipalityConfig* m = configured->organisation->find(configured->municipality);
    const std::string language = !args.language.empty() ? args.language : m->letters.language;
    const LetterTemplate* chosen =
        choose_letter_template(*templates, *kind, language, args.workflow, args.stage, args.outcome);
    if (chosen == nullptr) {
      return fail(ctx, NotFound(fmt::format("no {} template in {} fits", args.kind, language)));
    }
    if (!ctx.json) std::cerr << "template: " << chosen->file << "\n";
    parsed.letter = *chosen;
  }
  auto text = read_text_file(args.values_file);
  if (!text.ok()) return fail(ctx, text.status());
  auto doc = parse_bounded_json(*text, {1024 * 1024, 8});
  if (!doc.ok()) return fail(ctx, InvalidArgument(args.values_file + ": " + doc.status().message()));
  if (!doc->is_object()) return fail(ctx, InvalidArgument(args.values_file + ": must be a JSON object of field: text"));
  LetterValues values;
  for (const auto& [name, value] : doc->items()) {
    if (!value.is_string()) {
      return fail(ctx, InvalidArgument(fmt::format("{}: the value of '{}' must be text", args.values_file, name)));
    }
    values[name] = value.get<std::string>();
  }
  auto filled = fill_letter(*parsed.letter, values);
  if (!filled.ok()) return fail(ctx, filled.status());
  // Laid out as delivered letters are (app::compose_letter): with a
  // municipality its letterhead (address, phone, e-mail, web, CVR, logo).
  static const Letterhead kNoLetterhead;
  const MunicipalityConfig* m = configured ? configured->organisation->find(configured->municipality) : nullptr;
  letters::LetterDocument letter =
      app::compose_letter(*filled, values, m != nullptr ? m->letters.letterhead : kNoLetterhead, parsed.letter->language);
  if (m != nullptr) letter.letterhead.name = m->name;
  auto pdf = letters::render_letter_pdf(letter);
  if (!pdf.ok()) return fail(ctx, pdf.status());
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  out << *pdf;
  out.close();
  if (!out) return fail(ctx, Internal("could not write " + args.out));
  if (ctx.json) {
    print_json({{"file", args.out}, {"bytes", pdf->size()}});
  } else {
    std::cout << "wrote " << args.out << " (" << pdf->size() << " bytes)\n";
  }
  return kExitOk;
}

int install(const Context& ctx, const LetterArgs& args) {
  auto c = open_configured(ctx, args);
  if (!c.ok()) return fail(ctx, c.status());
  auto me = require_admin(ctx, *c->organisation, c->municipality, "install letter templates");
  if (!me.ok()) return fail(ctx, me.status());
  auto source = read_text_file(args.files.front());
  if (!source.ok()) return fail(ctx, source.status());
  auto done = app::install_letter_template(*c->store, *c->organisation, *me, c->municipality, args.files.front(),
                                           *source, format_timestamp(system_clock()()));
  if (!done.ok()) return fail(ctx, done.status());
  if (!done->errors.empty()) {
    const auto list = report_diagnostics(ctx, done->errors);
    if (ctx.json) print_json({{"errors", list}});
    return fail(ctx, InvalidArgument(fmt::format("{} has {} error(s); nothing was installed", args.files.front(),
                                                 done->errors.size())));
  }
  const auto& r = done->record;
  if (ctx.json) {
    print_json({{"municipality", r.municipality}, {"file", r.file_name}, {"kind", r.kind}, {"language", r.language},
                {"workflow", r.workflow}, {"stage", r.stage}, {"outcome", r.outcome}, {"replaced", done->replaced}});
  } else {
    std::cout << fmt::format("{} {} letter template {} ({}, {}) for {}\n", done->replaced ? "replaced" : "installed",
                             r.kind, r.file_name, r.language,
                             r.workflow.empty() ? "every workflow" : "workflow " + r.workflow, r.municipality);
  }
  return kExitOk;
}

int list(const Context& ctx, const LetterArgs& args) {
  auto c = open_configured(ctx, args);
  if (!c.ok()) return fail(ctx, c.status());
  auto listed = app::list_letter_templates(*c->store, c->municipality);
  if (!listed.ok()) return fail(ctx, listed.status());
  if (ctx.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& l : *listed) {
      out.push_back({{"file", l.file}, {"origin", l.builtin ? "builtin" : "municipality"},
                     {"kind", letter_kind_key(l.kind)}, {"language", l.language}, {"workflow", l.workflow},
                     {"stage", l.stage}, {"outcome", l.outcome}, {"installed_by", l.installed_by},
                     {"installed_at", l.installed_at}, {"used", l.replaced_by.empty()},
                     {"replaced_by", l.replaced_by}});
    }
    print_json(out);
    return kExitOk;
  }
  const auto any = [](const std::string& v) { return v.empty() ? std::string("*") : v; };
  std::cout << fmt::format("{:<34} {:<12} {:<16} {:<4} {:<16} {:<12} {:<10} {}\n", "FILE", "ORIGIN", "KIND", "LANG",
                           "WORKFLOW", "STAGE", "OUTCOME", "USED");
  for (const auto& l : *listed) {
    std::cout << fmt::format("{:<34} {:<12} {:<16} {:<4} {:<16} {:<12} {:<10} {}\n", l.file,
                             l.builtin ? "built-in" : "own", letter_kind_key(l.kind), l.language, any(l.workflow),
                             any(l.stage), any(l.outcome),
                             l.replaced_by.empty() ? std::string("yes") : "no, " + l.replaced_by + " wins");
  }
  return kExitOk;
}

int remove(const Context& ctx, const LetterArgs& args) {
  auto c = open_configured(ctx, args);
  if (!c.ok()) return fail(ctx, c.status());
  auto me = require_admin(ctx, *c->organisation, c->municipality, "remove letter templates");
  if (!me.ok()) return fail(ctx, me.status());
  if (auto st = app::remove_letter_template(*c->store, *c->organisation, *me, c->municipality, args.name); !st.ok()) {
    return fail(ctx, st);
  }
  if (ctx.json) {
    print_json({{"municipality", c->municipality}, {"removed", args.name}});
  } else {
    std::cout << "removed letter template " << args.name << " of " << c->municipality << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_letter_commands(CLI::App& app, Context& ctx, int& exit_code) {
  static LetterArgs args;
  auto* letter = app.add_subcommand("letter", "Letter templates: check them, list their fields, preview a PDF");
  letter->require_subcommand(1);
  auto* v = letter->add_subcommand("validate", "Check letter templates; list every error with file:line:column");
  v->add_option("files", args.files, "Letter template YAML files")->required();
  v->callback([&] { exit_code = validate(ctx, args); });
  auto* f = letter->add_subcommand("fields", "The fields each kind of letter may use");
  f->add_option("kind", args.kind, "receipt, missing_items, decision, forwarding, delay, access_extension, "
                                   "access_decision or hearing (default: all)");
  f->callback([&] { exit_code = fields(ctx, args); });
  auto* p = letter->add_subcommand("preview", "Fill a template with example values and write the PDF");
  p->add_option("file", args.files, "The letter template (default: the one the municipality's letters of --kind use)")
      ->expected(1)
      ->check(CLI::ExistingFile);
  p->add_option("--values", args.values_file, "A JSON object: field name -> text")->required()->check(CLI::ExistingFile);
  p->add_option("--out", args.out, "The PDF to write")->required();
  p->add_option("--municipality", args.municipality,
                "Use this municipality's letterhead and templates (stored in the database)");
  p->add_option("--kind", args.kind, "Without FILE: the kind of letter whose template to use");
  p->add_option("--language", args.language, "Without FILE: da or en (default: the municipality's letters.language)");
  p->add_option("--workflow", args.workflow, "Without FILE: the letter's workflow");
  p->add_option("--stage", args.stage, "Without FILE: the stage that causes the letter");
  p->add_option("--outcome", args.outcome, "Without FILE: a decision's outcome");
  p->callback([&] { exit_code = preview(ctx, args); });

  auto* i = letter->add_subcommand("install", "Install a municipality's own letter template (role admin); replaces "
                                              "its template of the same file name");
  i->add_option("file", args.files, "The letter template YAML")->required()->expected(1)->check(CLI::ExistingFile);
  i->add_option("--municipality", args.municipality, "The municipality (default: the only one)");
  i->callback([&] { exit_code = install(ctx, args); });
  auto* l = letter->add_subcommand("list", "The letter templates of a municipality: built-in and its own, and which "
                                           "is used");
  l->add_option("--municipality", args.municipality, "The municipality (default: the only one)");
  l->callback([&] { exit_code = list(ctx, args); });
  auto* r = letter->add_subcommand("remove", "Remove a municipality's own letter template (role admin)");
  r->add_option("name", args.name, "The template's file name, as `letter list` shows it")->required();
  r->add_option("--municipality", args.municipality, "The municipality (default: the only one)");
  r->callback([&] { exit_code = remove(ctx, args); });
}

}  // namespace sagsflow::cli
