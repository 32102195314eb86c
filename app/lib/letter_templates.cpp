#include "sagsflow/app/letter_templates.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <tuple>

#include "sagsflow/domain/log.hpp"

namespace sagsflow::app {
namespace {

// A stored template parsed, or nothing (with a warning in the log) when it no longer parses.
std::optional<LetterTemplate> parse_stored(const db::LetterTemplateRecord& r) {
  auto parsed = parse_letter_template(r.source, r.file_name);
  if (parsed.ok()) return std::move(*parsed.letter);
  logger()->warn("letter template {} of municipality {} no longer parses and is not used ({}); the built-in "
                 "template of its kind is used instead: install a corrected file with `sagsflow letter install`",
                 r.file_name, r.municipality, parsed.errors.front().to_string());
  return std::nullopt;
}

// The municipality must be configured and the actor must administer it.
Status check_admin(const Organisation& org, const Actor& actor, const std::string& municipality) {
  if (!org.knows(municipality)) {
    return NotFound(fmt::format("no municipality {} is configured in this installation (load its file with "
                                "`sagsflow init`)", municipality));
  }
  return org.may_administer(actor, municipality);
}

auto selectors(const LetterTemplateListing& l) {
  return std::tie(l.kind, l.language, l.workflow, l.stage, l.outcome);
}

}  // namespace

Result<std::vector<LetterTemplate>> letter_templates_for(db::SqlStore& store, const std::string& municipality) {
  auto records = store.letter_templates(municipality);
  if (!records.ok()) return records.status();
  std::vector<LetterTemplate> out = builtin_letter_templates();
  for (const auto& r : *records) {
    if (auto t = parse_stored(r)) out.push_back(std::move(*t));
  }
  return out;
}

Result<LetterTemplateInstall> install_letter_template(db::SqlStore& store, const Organisation& org, const Actor& actor,
                                                      const std::string& municipality, const std::string& path,
                                                      const std::string& source, const std::string& now) {
  if (auto st = check_admin(org, actor, municipality); !st.ok()) return st;
  const std::string name = std::filesystem::path(path).filename().string();
  if (name.empty() || name == "." || name == "..") {
    return InvalidArgument(fmt::format("'{}' names no file to install as a letter template", path));
  }
  LetterTemplateInstall out;
  auto parsed = parse_letter_template(source, path);
  if (!parsed.ok()) {
    out.errors = std::move(parsed.errors);
    return out;
  }
  auto existing = store.letter_templates(municipality);
  if (!existing.ok()) return existing.status();
  for (const auto& r : *existing) out.replaced = out.replaced || r.file_name == name;
  const LetterTemplate& t = *parsed.letter;
  out.record = {municipality, name, letter_kind_key(t.kind), t.language, t.workflow, t.stage, t.outcome,
                source, actor.id, now};
  if (auto st = store.put_letter_template(out.record); !st.ok()) return st;
  return out;
}

Status remove_letter_template(db::SqlStore& store, const Organisation& org, const Actor& actor,
                              const std::string& municipality, const std::string& file_name) {
  if (auto st = check_admin(org, actor, municipality); !st.ok()) return st;
  return store.remove_letter_template(municipality, file_name);
}

Result<std::vector<LetterTemplateListing>> list_letter_templates(db::SqlStore& store, const std::string& municipality) {
  auto records = store.letter_templates(municipality);
  if (!records.ok()) return records.status();
  std::vector<LetterTemplateListing> out;
  for (const auto& t : builtin_letter_templates()) {
    out.push_back({t.file, true, t.kind, t.language, t.workflow, t.stage, t.outcome, "", "", ""});
  }
  for (const auto& r : *records) {
    auto t = parse_stored(r);
    if (!t) continue;
    out.push_back({r.file_name, false, t->kind, t->language, t->workflow, t->stage, t->outcome, r.installed_by,
                   r.installed_at, ""});
  }
  // choose_letter_template takes the later of equally specific templates: a
  // later one with the same selectors is used wherever this one would be.
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = out.size(); j-- > i + 1;) {
      if (selectors(out[j]) == selectors(out[i])) {
        out[i].replaced_by = out[j].file;
        break;
      }
    }
  }
  return out;
}

}  // namespace sagsflow::app
