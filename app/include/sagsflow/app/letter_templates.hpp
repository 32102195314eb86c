// A municipality's own letter templates, stored in the database (migration
// 16, `sagsflow letter install|list|remove`, docs/letters.md): the rules of
// installing, listing and removing them, and the templates a municipality's
// letters are chosen from (the built-in ones, then its own, so that
// choose_letter_template prefers its own on a tie).
//
// Thread-safety: each function uses the store it is given from the calling
// thread (SqlStore is not thread-safe); the Organisation is only read.
#pragma once

#include <string>
#include <vector>

#include "sagsflow/config/letter_template.hpp"
#include "sagsflow/db/sql_store.hpp"
#include "sagsflow/domain/domain.hpp"
#include "sagsflow/domain/result.hpp"
#include "sagsflow/organisation/organisation.hpp"

namespace sagsflow::app {

// builtin_letter_templates() followed by `municipality`'s own templates, in
// the order they were installed. A stored template that no longer parses
// (a newer Sagsflow dropped a field it names) is left out with a warning in
// the log naming it and the first error, never a failure: its kind's
// built-in template is used instead. kStorage.
Result<std::vector<LetterTemplate>> letter_templates_for(db::SqlStore& store, const std::string& municipality);

struct LetterTemplateInstall {
  // The template's errors, each with file:line:column (the file as given);
  // when there are any, nothing was stored.
  std::vector<Diagnostic> errors;
  db::LetterTemplateRecord record;  // what was stored
  bool replaced = false;            // a template of the same file name was replaced
};

// Installs `source`, read from `path`, as a template of `municipality`
// under the file's own name (without its folders), replacing one of that
// name; installed_by is the actor, installed_at `now` (ISO-8601 UTC).
// The template is parsed first: errors come back in `errors` (not a Status).
// Errors: kNotFound when `municipality` is not configured in `org`;
// kForbidden when `actor` may not administer it (Organisation::may_administer:
// role admin); kInvalidArgument for a path without a file name; kStorage.
Result<LetterTemplateInstall> install_letter_template(db::SqlStore& store, const Organisation& org, const Actor& actor,
                                                      const std::string& municipality, const std::string& path,
                                                      const std::string& source, const std::string& now);

// Removes the template `file_name` of `municipality`. kNotFound (unknown
// municipality, or no template of that name), kForbidden as above, kStorage.
Status remove_letter_template(db::SqlStore& store, const Organisation& org, const Actor& actor,
                              const std::string& municipality, const std::string& file_name);

// One template in a listing, and whether it is the one used for its letters.
struct LetterTemplateListing {
  std::string file;
  bool builtin = true;  // false: the municipality's own
  LetterKind kind = LetterKind::kDecision;
  std::string language, workflow, stage, outcome;  // '' for any
  std::string installed_by, installed_at;          // own templates only
  // The template listed later that applies to exactly the same letters
  // (kind, language, workflow, stage and outcome) and so is used instead of
  // this one; empty when this one is used. A later, more specific template
  // takes only its own letters and leaves this one in use for the others.
  std::string replaced_by;
};
// The templates letter_templates_for gives, in that order, with which wins.
Result<std::vector<LetterTemplateListing>> list_letter_templates(db::SqlStore& store, const std::string& municipality);

}  // namespace sagsflow::app
