// `sagsflow case attach|documents|document` and `sagsflow documents gc`: a
// case's documents through the same rules as the API (app/documents.hpp).
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_context.hpp"
#include "sagsflow/app/documents.hpp"

namespace sagsflow::cli {
namespace {
using nlohmann::json;

struct DocumentArgs {
  std::string case_ref;
  std::string file;
  std::string kind = app::kOtherDocumentKind;
  std::string name;
  long long document = 0;
  std::string out;
  long long max_bytes = static_cast<long long>(app::kDefaultDocumentMaxBytes);
  int grace_minutes = 60;
};

// Reads at most `limit` bytes of the file (one more tells it is larger).
Result<std::string> read_file_bounded(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("--file {}: cannot be read ({})", path, std::strerror(errno)));
  std::string bytes;
  char chunk[65536];
  while (in) {
    in.read(chunk, sizeof chunk);
    bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > limit) {
      return InvalidArgument(fmt::format("--file {}: the document is larger than the limit of {} bytes", path, limit));
    }
  }
  return bytes;
}

int attach(const Context& ctx, const DocumentArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case_ref(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  const Actor actor = *me;
  auto store = documents::DocumentStore::open(ctx.db_url);
  if (!store.ok()) return fail(ctx, store.status());
  app::DocumentUpload upload;
  upload.case_id = found->id;
  upload.kind = a.kind;
  upload.max_bytes = static_cast<std::size_t>(a.max_bytes);
  upload.declared_name = a.name.empty() ? a.file : a.name;
  auto bytes = read_file_bounded(a.file, upload.max_bytes);
  if (!bytes.ok()) return fail(ctx, bytes.status());
  upload.bytes = std::move(*bytes);
  auto described = app::describe_upload(upload);
  if (!described.ok()) return fail(ctx, described.status());
  app::CheckedDocument document = std::move(*described);
  if (auto st = app::check_upload(*s, actor, document, upload.bytes); !st.ok()) return fail(ctx, st);
  auto staged = (*store)->stage(std::move(upload.bytes));  // durable before the unit that references it
  if (!staged.ok()) return fail(ctx, staged.status());
  Result<app::AddedDocument> added = Internal("not run");
  auto view = s->engine->change_and_view(actor, ReadPurpose::answer_to("add document", "cli"), [&]() -> Result<CaseState> {
    added = app::record_upload(*s, **store, actor, document, *staged);
    if (!added.ok()) return added.status();
    return added->state;
  });
  if (!view.ok()) return fail(ctx, view.status());
  if (!added.ok()) return fail(ctx, added.status());
  if (ctx.json) {
    print_json({{"document", app::document_json(added->row)}, {"case_number", view->state.case_number},
                {"version", view->state.version}});
  } else {
    std::cout << fmt::format("document {} added to case {}: {} ({}, {} bytes, kind {})\n", added->row.id,
                             view->state.case_number, added->row.name, added->row.media_type, added->row.size,
                             added->row.kind);
  }
  return kExitOk;
}

int list(const Context& ctx, const DocumentArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case_ref(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  auto state = s->engine->get_case_for(found->id, *me, {kReadAttachments, "cli"});
  if (!state.ok()) return fail(ctx, state.status());
  auto rows = s->store->list_documents(found->id);
  if (!rows.ok()) return fail(ctx, rows.status());
  if (ctx.json) {
    json out = json::array();
    for (const auto& r : *rows) out.push_back(app::document_json(r));
    print_json({{"case_number", state->case_number}, {"documents", out}});
    return kExitOk;
  }
  if (rows->empty()) std::cout << "case " << state->case_number << " has no documents\n";
  for (const auto& r : *rows) {
    std::cout << fmt::format("{:>6}  {:<12} {:<18} {:>10}  {}  {} ({})\n", r.id, r.kind, r.media_type, r.size,
                             r.added_at, r.name, r.added_by);
  }
  return kExitOk;
}

int download(const Context& ctx, const DocumentArgs& a) {
  auto s = open_session(ctx, false);
  if (!s.ok()) return fail(ctx, s.status());
  auto found = find_case_ref(*s->store, ctx, a.case_ref);
  if (!found.ok()) return fail(ctx, found.status());
  auto me = s->actor(ctx, found->municipality);
  if (!me.ok()) return fail(ctx, me.status());
  // The organisation's check and the access record of the download.
  auto state = s->engine->get_case_for(found->id, *me, {kReadDocument, "cli"});
  if (!state.ok()) return fail(ctx, state.status());
  auto row = s->store->load_document(found->id, a.document);
  if (!row.ok()) return fail(ctx, row.status());
  if (!row->has_value()) return fail(ctx, NotFound(fmt::format("case {} has no document {}", state->case_number, a.document)));
  auto store = documents::DocumentStore::open(ctx.db_url);
  if (!store.ok()) return fail(ctx, store.status());
  auto bytes = (*store)->read(*s->store, **row);
  if (!bytes.ok()) return fail(ctx, bytes.status());
  // A new file only (never over another), private to its owner: it is personal data.
  const int fd = ::open(a.out.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ctx, InvalidArgument(fmt::format("--out {}: cannot be created ({})", a.out, std::strerror(errno))));
  size_t done = 0;
  while (done < bytes->size()) {
    const ssize_t n = ::write(fd, bytes->data() + done, bytes->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return fail(ctx, StorageError(fmt::format("--out {}: writing failed ({})", a.out, std::strerror(errno))));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (ctx.json) print_json({{"document", app::document_json(**row)}, {"written_to", a.out}});
  else std::cout << fmt::format("document {} ({}, {} bytes) written to {}\n", (*row)->id, (*row)->media_type, (*row)->size, a.out);
  return kExitOk;
}

int gc(const Context& ctx, const DocumentArgs& a) {
  auto db = ctx.open_store();
  if (!db.ok()) return fail(ctx, db.status());
  auto store = documents::DocumentStore::open(ctx.db_url);
  if (!store.ok()) return fail(ctx, store.status());
  auto report = (*store)->collect_garbage(**db, std::chrono::minutes(a.grace_minutes));
  if (!report.ok()) return fail(ctx, report.status());
  if (ctx.json) {
    print_json({{"in_database", (*store)->in_database()}, {"folder", (*store)->folder()},
                {"examined", report->examined}, {"removed", report->removed},
                {"temporary_removed", report->temporary_removed}, {"kept_referenced", report->kept_referenced},
                {"kept_recent", report->kept_recent}});
  } else if ((*store)->in_database()) {
    std::cout << "documents are stored in the database: nothing to collect\n";
  } else {
    std::cout << fmt::format("{}: {} content files, {} referenced, {} orphaned removed, {} orphaned kept (younger "
                             "than {} minutes), {} temporary files removed\n",
                             (*store)->folder(), report->examined, report->kept_referenced, report->removed,
                             report->kept_recent, a.grace_minutes, report->temporary_removed);
  }
  return kExitOk;
}

}  // namespace

void add_case_document_commands(CLI::App& c, Context& ctx, int& exit_code) {
  static DocumentArgs a;
  auto* at = c.add_subcommand("attach", "Add a document (a file) to a case; its type is read from its bytes");
  at->add_option("case", a.case_ref, "Case id or case number")->required();
  at->add_option("--file", a.file, "The file to add")->required();
  at->add_option("--kind", a.kind,
                 "An attachment name of the case's workflow (e.g. photo), which the document then satisfies, or 'other'");
  at->add_option("--name", a.name, "The document's name (default: the file's name)");
  at->add_option("--max-bytes", a.max_bytes, "The size limit (default 10485760)")
      ->check(CLI::Range(1LL, static_cast<long long>(app::kDocumentMaxBytesCeiling)));
  at->callback([&] { exit_code = attach(ctx, a); });

  auto* ls = c.add_subcommand("documents", "List a case's documents");
  ls->add_option("case", a.case_ref, "Case id or case number")->required();
  ls->callback([&] { exit_code = list(ctx, a); });

  auto* dl = c.add_subcommand("document", "Write a document of a case to a new file (the download is on record)");
  dl->add_option("case", a.case_ref, "Case id or case number")->required();
  dl->add_option("document", a.document, "Document id")->required()->check(CLI::Range(1LL, 9223372036854775807LL));
  dl->add_option("--out", a.out, "The file to create")->required();
  dl->callback([&] { exit_code = download(ctx, a); });
}

void add_documents_command(CLI::App& app, Context& ctx, int& exit_code) {
  static DocumentArgs a;
  auto* d = app.add_subcommand("documents", "The document store");
  d->require_subcommand(1);
  auto* g = d->add_subcommand("gc", "Remove document files no stored document references (never a referenced one)");
  g->add_option("--grace-minutes", a.grace_minutes,
                "Keep orphans younger than this (an upload may be under way; default 60; 0 only when nothing uploads)")
      ->check(CLI::Range(0, 100000));
  g->callback([&] { exit_code = gc(ctx, a); });
}

}  // namespace sagsflow::cli
