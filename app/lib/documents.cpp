#include "sagsflow/app/documents.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <set>

#include "sagsflow/documents/media_type.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow::app {

using nlohmann::json;

json CheckedDocument::metadata() const {
  return {{"case_id", case_id}, {"municipality", municipality}, {"kind", kind}, {"name", name},
          {"media_type", media_type}, {"size", size}, {"sha256", sha256}};
}

Result<CheckedDocument> describe_upload(const DocumentUpload& upload) {
  if (upload.kind.empty()) return InvalidArgument("a document needs its kind (an attachment name, or 'other')");
  if (upload.kind.size() > 100) return InvalidArgument("a document's kind is at most 100 characters");
  if (upload.bytes.empty()) return InvalidArgument("the document is empty");
  const std::size_t limit = std::min(upload.max_bytes, kDocumentMaxBytesCeiling);
  if (upload.bytes.size() > limit) {
    return InvalidArgument(fmt::format("the document has {} bytes; the limit is {}", upload.bytes.size(), limit));
  }
  auto type = documents::sniff_media_type(upload.bytes);
  if (!type.ok()) return type.status();
  CheckedDocument d;
  d.case_id = upload.case_id;
  d.kind = upload.kind;
  d.media_type = *type;
  d.name = documents::sanitise_file_name(upload.declared_name, d.media_type);
  d.sha256 = documents::sha256_hex(upload.bytes);
  d.size = static_cast<long long>(upload.bytes.size());
  return d;
}

Result<std::vector<DocumentKind>> document_kinds(Installation& installation, const CaseState& state) {
  auto wf = installation.engine->workflow(state.workflow_id, state.workflow_version);
  if (!wf.ok()) return wf.status();
  std::vector<DocumentKind> kinds;
  const auto add = [&](const std::string& name, const std::vector<std::string>& types, std::size_t max) {
    if (std::any_of(kinds.begin(), kinds.end(), [&](const DocumentKind& k) { return k.name == name; })) return;
    kinds.push_back({name, types, max});
  };
  // The plugin's manifest first: its attachments may narrow the media types and size.
  if (!(*wf)->plugin.empty() && installation.plugins) {
    if (const LoadedPlugin* p = installation.plugins->find((*wf)->plugin)) {
      for (const auto& a : p->info.manifest.form.attachments) {
        add(a.name, a.allowed_media_types(), a.max_bytes.value_or(0));
      }
    }
  }
  for (const auto& stage : (*wf)->stages) {
    for (const auto& action : stage.actions) {
      for (const auto& a : action.requires_.attachments) add(a, default_attachment_media_types(), 0);
    }
  }
  add(kOtherDocumentKind, default_attachment_media_types(), 0);
  return kinds;
}

namespace {
Status check_kind_and_scan(Installation& installation, const Result<CaseState>& state, CheckedDocument& document,
                           std::string_view bytes);
Result<AddedDocument> record(Installation& installation, const documents::DocumentStore& store,
                             const std::string& added_by, const CheckedDocument& document,
                             const documents::StagedContent& content,
                             const std::function<Result<CaseState>(const json&)>& event);
}  // namespace

Status check_upload(Installation& installation, const Actor& actor, CheckedDocument& document,
                    std::string_view bytes) {
  auto state = installation.store->load_case(document.case_id);
  if (!state.ok()) return state.status();
  if (auto st = installation.engine->may_add_document(*state, actor); !st.ok()) return st;
  return check_kind_and_scan(installation, state, document, bytes);
}

Status check_citizen_upload(Installation& installation, const Cpr& citizen, CheckedDocument& document,
                            std::string_view bytes) {
  auto state = installation.engine->citizen_case(document.case_id, citizen);
  if (!state.ok()) return state.status();
  auto may = installation.engine->citizen_may(*state);
  if (!may.ok()) return may.status();
  if (!may->upload) {
    return FailedPrecondition(fmt::format("case {} is closed; no document can be added to it", state->case_number));
  }
  return check_kind_and_scan(installation, state, document, bytes);
}

Result<AddedDocument> record_citizen_upload(Installation& installation, const documents::DocumentStore& store,
                                            const Cpr& citizen, const CheckedDocument& document,
                                            const documents::StagedContent& content) {
  return record(installation, store, kCitizenActorId, document, content, [&](const json& meta) {
    return installation.engine->citizen_document_added(document.case_id, citizen, meta, document.satisfies);
  });
}

Result<AddedDocument> record_upload(Installation& installation, const documents::DocumentStore& store,
                                    const Actor& actor, const CheckedDocument& document,
                                    const documents::StagedContent& content) {
  return record(installation, store, actor.id, document, content, [&](const json& meta) {
    return installation.engine->add_document(document.case_id, actor, meta, document.satisfies);
  });
}

namespace {

Status check_kind_and_scan(Installation& installation, const Result<CaseState>& state, CheckedDocument& document,
                           std::string_view bytes) {
  document.municipality = state->municipality;
  auto kinds = document_kinds(installation, *state);
  if (!kinds.ok()) return kinds.status();
  const auto kind = std::find_if(kinds->begin(), kinds->end(),
                                 [&](const DocumentKind& k) { return k.name == document.kind; });
  if (kind == kinds->end()) {
    std::vector<std::string> names;
    for (const auto& k : *kinds) names.push_back(k.name);
    return InvalidArgument(fmt::format("a document of case {} cannot be of kind '{}'; its workflow takes {}",
                                       state->case_number, mask_cpr_numbers(document.kind.substr(0, 100)),
                                       fmt::join(names, ", ")));
  }
  if (std::find(kind->media_types.begin(), kind->media_types.end(), document.media_type) == kind->media_types.end()) {
    return InvalidArgument(fmt::format("a document of kind '{}' must be {}; this one is {} (read from its bytes, "
                                       "whatever its name or declared type)",
                                       kind->name, fmt::join(kind->media_types, ", "), document.media_type));
  }
  if (kind->max_bytes > 0 && document.size > static_cast<long long>(kind->max_bytes)) {
    return InvalidArgument(fmt::format("a document of kind '{}' may have at most {} bytes; this one has {}",
                                       kind->name, kind->max_bytes, document.size));
  }
  document.satisfies = document.kind == kOtherDocumentKind ? std::string() : document.kind;
  if (!installation.plugins) return Status::Ok();
  // Every scanner may reject it; one that fails refuses it too (nothing unscanned is kept).
  const json metadata = document.metadata();
  for (const auto& scanner : installation.plugins->scanners()) {
    auto verdict = installation.plugins->scan_document(scanner, metadata, bytes);
    if (!verdict.ok()) {
      return PluginFailed(fmt::format("the document could not be scanned by {}, so it was not stored: {}", scanner,
                                      verdict.status().message()));
    }
    if (!verdict->accept) {
      return GuardFailed(fmt::format("the document was rejected by the scanner {}: {}", scanner,
                                     mask_cpr_numbers(verdict->reason)));
    }
  }
  return Status::Ok();
}

Result<AddedDocument> record(Installation& installation, const documents::DocumentStore& store,
                             const std::string& added_by, const CheckedDocument& document,
                             const documents::StagedContent& content,
                             const std::function<Result<CaseState>(const json&)>& event) {
  if (content.sha256 != document.sha256 || content.size != document.size) {
    return Internal("the staged content is not the document that was checked");
  }
  AddedDocument added;
  Status done = installation.engine->atomically([&]() -> Status {
    db::DocumentRow row;
    row.case_id = document.case_id;
    row.municipality = document.municipality;
    row.kind = document.kind;
    row.name = document.name;
    row.media_type = document.media_type;
    row.added_by = added_by;
    row.added_at = format_timestamp(system_clock()());
    auto stored = store.record(*installation.store, row, content);
    if (!stored.ok()) return stored.status();
    added.row = *stored;
    json meta = {{"id", added.row.id},         {"kind", added.row.kind}, {"name", added.row.name},
                 {"media_type", added.row.media_type}, {"size", added.row.size}, {"sha256", added.row.sha256}};
    auto state = event(meta);
    if (!state.ok()) return state.status();
    added.state = *state;
    return Status::Ok();
  });
  if (!done.ok()) return done;
  return added;
}

}  // namespace

json document_json(const db::DocumentRow& row) {
  return {{"id", row.id},
          {"kind", row.kind},
          {"name", mask_cpr_numbers(row.name)},
          {"media_type", row.media_type},
          {"size", row.size},
          {"sha256", row.sha256},
          {"added_by", row.added_by},
          {"added_at", row.added_at}};
}

}  // namespace sagsflow::app
