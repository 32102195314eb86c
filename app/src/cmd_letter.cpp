// `sagsflow letter validate|fields|preview`: for admins writing their own
// letter templates (docs/letters.md). validate checks templates (every error
// with file:line:column); fields lists what a kind of letter may use; preview
// fills a template with example values and writes the PDF a citizen would get.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli_context.hpp"
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
};

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
  auto parsed = load_template(args.files.front());
  if (!parsed.ok()) {
    report_diagnostics(ctx, parsed.errors);
    return kExitError;
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
  letters::LetterDocument letter;
  letter.letterhead.name = values.count("municipality.name") ? values["municipality.name"] : "";
  letter.letterhead.unit = values.count("sender.unit") ? values["sender.unit"] : "";
  if (values.count("citizen.name")) letter.recipient.push_back(values["citizen.name"]);
  const bool english = parsed.letter->language == "en";
  if (values.count("date")) letter.references.push_back({english ? "Date" : "Dato", values["date"]});
  if (values.count("case.number")) letter.references.push_back({english ? "Case no." : "Sagsnr.", values["case.number"]});
  letter.title = filled->title;
  for (const auto& s : filled->sections) letter.sections.push_back({s.heading, s.paragraphs});
  letter.closing = filled->closing;
  letter.language = parsed.letter->language;
  letter.subject = values.count("case.number") ? values["case.number"] : "";
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
  p->add_option("file", args.files, "The letter template")->required()->expected(1)->check(CLI::ExistingFile);
  p->add_option("--values", args.values_file, "A JSON object: field name -> text")->required()->check(CLI::ExistingFile);
  p->add_option("--out", args.out, "The PDF to write")->required();
  p->callback([&] { exit_code = preview(ctx, args); });
}

}  // namespace sagsflow::cli
