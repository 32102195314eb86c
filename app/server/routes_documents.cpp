// /api/v1/cases/{id}/documents: a case's documents for staff (upload, list,
// download) and /api/v1/me/cases/{id}/documents for the citizen whose case it
// is (list, download). The rules are app::documents' and the engine's; this
// file reads multipart bodies and answers HTTP.
//
// An upload runs outside the lanes (Lane::kOwn), each step where it belongs:
// the body is parsed and the bytes sniffed and hashed on the request thread;
// the checks that need the case and the plugins (who may act, the kind's
// allow-list, the scanners) on a writer, as one small item that stores
// nothing; the bytes are written and synced on the request thread; then one
// small unit on the writer stores the row and the event.
#include <Poco/MemoryStream.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Exception.h>
#include <fmt/format.h>

#include "api.hpp"
#include "sagsflow/app/documents.hpp"
#include "sagsflow/documents/media_type.hpp"
#include "sagsflow/domain/time.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

// What a multipart upload brought.
struct UploadForm {
  std::string kind;
  std::string file_name;  // as declared (sanitised later)
  std::string bytes;
  bool has_file = false;
};

Status malformed(Call& c, const std::string& field, const std::string& message) {
  return c.refuse_field(field, message);
}

// The boundary of a multipart/form-data Content-Type, or why there is none.
Result<std::string> boundary_of(const std::string& content_type) {
  std::string type;
  Poco::Net::NameValueCollection params;
  try {
    Poco::Net::MessageHeader::splitParameters(content_type, type, params);
  } catch (const Poco::Exception&) {
    return InvalidArgument("the Content-Type cannot be read");
  }
  for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (type != "multipart/form-data") {
    return InvalidArgument(fmt::format("the body must be multipart/form-data, not '{}'", type.substr(0, 100)));
  }
  const std::string boundary = params.get("boundary", "");
  // RFC 2046 §5.1.1: 1 to 70 characters.
  if (boundary.empty() || boundary.size() > 70) {
    return InvalidArgument("the multipart/form-data Content-Type needs a boundary of 1 to 70 characters");
  }
  return boundary;
}

// Reads at most `limit` bytes of `in`; false when there were more.
bool read_bounded(std::istream& in, std::string& out, std::size_t limit) {
  char chunk[65536];
  while (in) {
    in.read(chunk, sizeof chunk);
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    if (out.size() + n > limit) return false;
    out.append(chunk, n);
  }
  return true;
}

// The parts of the body: "file" (the document, with its file name) and
// "kind" (a text field), nothing else, each once, within the limits.
Result<UploadForm> read_upload_form(Call& c) {
  const ServerConfig& config = c.api.config;
  auto boundary = boundary_of(c.request_content_type);
  if (!boundary.ok()) return Status(ErrorCode::kInvalidArgument, boundary.status().message());
  const std::string& body = *c.request_body;
  if (body.empty()) return malformed(c, "file", "the body is empty: send the document as the part 'file'");
  // The closing delimiter must be there: a truncated body is refused whole.
  const std::string closing = "--" + *boundary + "--";
  const auto last = body.rfind(closing);
  if (last == std::string::npos || body.find_first_not_of("\r\n \t", last + closing.size()) != std::string::npos) {
    return malformed(c, "file", "the multipart body is truncated: its closing boundary is missing");
  }
  // The parts are counted before any is read: a body of many small parts is refused at once.
  {
    const std::string delimiter = "--" + *boundary;
    long long delimiters = 0;
    for (auto at = body.find(delimiter); at != std::string::npos; at = body.find(delimiter, at + delimiter.size())) {
      if (++delimiters > config.document_max_parts + 1) {
        return malformed(c, "file", fmt::format("the body has more than {} parts", config.document_max_parts));
      }
    }
  }
  UploadForm form;
  bool has_kind = false;
  int parts = 0;
  try {
    Poco::MemoryInputStream in(body.data(), body.size());
    Poco::Net::MultipartReader reader(in, *boundary);
    while (reader.hasNextPart()) {
      if (++parts > config.document_max_parts) {
        return malformed(c, "file", fmt::format("the body has more than {} parts", config.document_max_parts));
      }
      Poco::Net::MessageHeader header;
      header.setFieldLimit(16);  // Poco refuses more (and names over 256, values over 8192 bytes)
      reader.nextPart(header);
      for (const auto& [field_name, value] : header) {
        if (field_name.size() > 100 || value.size() > 1000) {
          return malformed(c, "file", fmt::format("part {} has a header over 1000 bytes: the multipart body is "
                                                  "malformed", parts));
        }
      }
      std::istream& part = reader.stream();
      std::string disposition;
      Poco::Net::NameValueCollection params;
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
      const std::string name = params.get("name", "");
      if (disposition != "form-data" || name.empty()) {
        return malformed(c, "file", fmt::format("part {} has no Content-Disposition: form-data; name=\"...\"", parts));
      }
      if (name == "file") {
        if (form.has_file) return malformed(c, "file", "the body has more than one part 'file'");
        form.has_file = true;
        form.file_name = params.get("filename", "");
        if (!read_bounded(part, form.bytes, config.document_max_bytes)) {
          return malformed(c, "file", fmt::format("the document is larger than the limit of {} bytes",
                                                  config.document_max_bytes));
        }
      } else if (name == "kind") {
        if (has_kind) return malformed(c, "kind", "the body has more than one part 'kind'");
        has_kind = true;
        if (!read_bounded(part, form.kind, 100)) return malformed(c, "kind", "must be at most 100 characters");
      } else {
        return malformed(c, "file", fmt::format("the body has a part '{}'; an upload has the parts 'file' and 'kind'",
                                                mask_cpr_numbers(name.substr(0, 100))));
      }
    }
  } catch (const Poco::Exception& e) {
    return malformed(c, "file", "the multipart body is malformed: " + e.message().substr(0, 200));
  } catch (const std::exception& e) {
    return malformed(c, "file", std::string("the multipart body is malformed: ") + e.what());
  }
  if (!form.has_file) return malformed(c, "file", "the body has no part 'file' with the document");
  if (!has_kind) return malformed(c, "kind", "the body has no part 'kind' (an attachment name of the workflow, or 'other')");
  return form;
}

Status no_documents() {
  return StorageError("this installation cannot store documents (an in-memory database has no folder for them)");
}

// An upload as received, for staff and citizens alike: the case in the path,
// the form's parts, and the bytes described (size limit, sniffed media type);
// the field at fault is named.
struct ReceivedUpload {
  app::DocumentUpload upload;
  app::CheckedDocument document;
};

Result<ReceivedUpload> receive_upload(Call& c) {
  if (!c.api.documents) return no_documents();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto form = read_upload_form(c);
  if (!form.ok()) return form.status();
  app::DocumentUpload upload;
  upload.case_id = *id;
  upload.kind = form->kind;
  upload.declared_name = form->file_name;
  upload.max_bytes = c.api.config.document_max_bytes;
  upload.bytes = std::move(form->bytes);
  auto described = app::describe_upload(upload);
  if (!described.ok()) {
    if (described.status().code() == ErrorCode::kInvalidArgument) c.field = "file";
    return described.status();
  }
  return ReceivedUpload{std::move(upload), std::move(*described)};
}

// POST /api/v1/cases/{id}/documents (Lane::kOwn).
Result<json> upload(Call& c) {
  auto received = receive_upload(c);
  if (!received.ok()) return received.status();
  app::DocumentUpload& upload = received->upload;
  app::CheckedDocument& document = received->document;

  // The checks and the scanners: on a writer (plugins are there), storing nothing.
  Result<Actor> actor = Internal("not run");
  Status checked = Internal("not run");
  Status ran = c.api.lanes->write(
      [&](app::Installation& i) {
        c.lane_installation = &i;
        actor = c.staff();
        c.lane_installation = nullptr;
        if (!actor.ok()) return;
        checked = app::check_upload(i, *actor, document, upload.bytes);
      },
      Lanes::Grouping::kAlone);
  if (!ran.ok()) return ran;
  if (!actor.ok()) return actor.status();
  if (!checked.ok()) {
    if (checked.code() == ErrorCode::kInvalidArgument) c.field = "file";
    return checked;
  }

  // The bytes, durable before anything references them: here, not on the writer.
  auto staged = c.api.documents->stage(std::move(upload.bytes));
  if (!staged.ok()) return staged.status();

  Result<app::AddedDocument> added = Internal("not run");
  Result<CaseView> view = Internal("not run");
  Status committed = c.api.lanes->write([&](app::Installation& i) {
    // The answer shows the case: a read, recorded with the change.
    view = i.engine->change_and_view(*actor, ReadPurpose::answer_to("add document", "api"), [&]() -> Result<CaseState> {
      added = app::record_upload(i, *c.api.documents, *actor, document, *staged);
      if (!added.ok()) return added.status();
      return added->state;
    });
  });
  if (!committed.ok()) return committed;
  if (!added.ok()) return added.status();
  if (!view.ok()) return view.status();
  c.status = 201;
  return json{{"document", app::document_json(added->row)},
              {"case", {{"id", view->state.id}, {"case_number", view->state.case_number},
                        {"version", view->state.version}, {"stage", view->state.stage}}}};
}

// POST /api/v1/me/cases/{id}/documents (Lane::kOwn): the citizen's own
// upload, with the staff upload's checks (kind, libmagic allow-list, sizes,
// scanners); one that answers a request for missing items resumes the clock
// (CaseEngine::citizen_document_added decides).
Result<json> my_upload(Call& c) {
  auto received = receive_upload(c);
  if (!received.ok()) return received.status();
  app::DocumentUpload& upload = received->upload;
  app::CheckedDocument& document = received->document;
  const Cpr citizen = *c.principal->citizen;
  Status checked = Internal("not run");
  Status ran = c.api.lanes->write(
      [&](app::Installation& i) { checked = app::check_citizen_upload(i, citizen, document, upload.bytes); },
      Lanes::Grouping::kAlone);
  if (!ran.ok()) return ran;
  if (!checked.ok()) {
    if (checked.code() == ErrorCode::kInvalidArgument) {
      c.field = checked.message().find("cannot be of kind") != std::string::npos ? "kind" : "file";
    }
    return checked;
  }
  auto staged = c.api.documents->stage(std::move(upload.bytes));
  if (!staged.ok()) return staged.status();
  Result<app::AddedDocument> added = Internal("not run");
  Status committed = c.api.lanes->write(
      [&](app::Installation& i) { added = app::record_citizen_upload(i, *c.api.documents, citizen, document, *staged); });
  if (!committed.ok()) return committed;
  if (!added.ok()) return added.status();
  c.status = 201;
  json doc = app::document_json(added->row);
  doc.erase("added_by");
  const CaseState& s = added->state;
  return json{{"document", doc},
              {"case", {{"id", s.id}, {"case_number", s.case_number}, {"stage", s.stage},
                        {"missing", s.missing},
                        {"clock_paused", s.clock ? s.clock->paused() : false},
                        {"due", s.clock ? json(format_date(s.clock->due)) : json()}}}};
}

json document_list(const std::vector<db::DocumentRow>& rows, bool for_citizen) {
  json out = json::array();
  for (const auto& r : rows) {
    json j = app::document_json(r);
    if (for_citizen) j.erase("added_by");  // a staff member's id is not the citizen's business
    out.push_back(std::move(j));
  }
  return out;
}

// GET /api/v1/cases/{id}/documents (read lane).
Result<json> list(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.case_param("id");
  if (!id.ok()) return id.status();
  auto state = c.installation().engine->get_case_for(*id, *actor, {kReadAttachments, "api"});
  if (!state.ok()) return state.status();
  auto rows = c.installation().store->list_documents(*id);
  if (!rows.ok()) return rows.status();
  return json{{"case_number", state->case_number}, {"documents", document_list(*rows, false)}};
}

Result<long long> document_param(Call& c) { return c.id_param("doc"); }

// GET /api/v1/cases/{id}/documents/{doc} (read lane): staff who may see the case.
Result<json> download(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  auto id = c.case_param("id");
  if (!id.ok()) return id.status();
  auto doc = document_param(c);
  if (!doc.ok()) return doc.status();
  // The organisation's check and the access record (stored before the answer).
  auto state = c.installation().engine->get_case_for(*id, *actor, {kReadDocument, "api"});
  if (!state.ok()) return state.status();
  auto row = c.installation().store->load_document(*id, *doc);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFound(fmt::format("case {} has no document {}", state->case_number, *doc));
  return send_document(c, **row);
}

Result<CaseState> own_case(Call& c) {
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  return c.installation().engine->citizen_case(*id, *c.principal->citizen);
}

// GET /api/v1/me/cases/{id}/documents (read lane): the citizen's own case.
Result<json> my_documents(Call& c) {
  auto state = own_case(c);
  if (!state.ok()) return state.status();
  auto rows = c.installation().store->list_documents(state->id);
  if (!rows.ok()) return rows.status();
  return json{{"case_number", state->case_number}, {"documents", document_list(*rows, true)}};
}

// GET /api/v1/me/cases/{id}/documents/{doc} (read lane): the citizen's own
// case; the download is on record like every other (who: the citizen).
Result<json> my_download(Call& c) {
  auto state = own_case(c);
  if (!state.ok()) return state.status();
  auto doc = document_param(c);
  if (!doc.ok()) return doc.status();
  auto row = c.installation().store->load_document(state->id, *doc);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFound(fmt::format("case {} has no document {}", state->case_number, *doc));
  AccessRecord record;
  record.at = format_timestamp(system_clock()());
  record.municipality = state->municipality;
  record.case_id = state->id;
  record.case_number = state->case_number;
  record.actor = "citizen";
  record.authority = "citizen";
  record.purpose = kReadDocument;
  record.via = "api";
  if (auto st = c.installation().store->record_access(record); !st.ok()) return st.status();
  return send_document(c, **row);
}

}  // namespace

void add_document_routes(std::vector<Route>& r) {
  Route up{"POST", "/api/v1/cases/{id}/documents", Access::kStaff, upload};
  up.lane = Lane::kOwn;
  up.raw_body = true;
  r.push_back(up);
  r.push_back({"GET", "/api/v1/cases/{id}/documents", Access::kStaff, list});
  r.push_back({"GET", "/api/v1/cases/{id}/documents/{doc}", Access::kStaff, download});
  Route mine{"POST", "/api/v1/me/cases/{id}/documents", Access::kCitizen, my_upload};
  mine.lane = Lane::kOwn;
  mine.raw_body = true;
  r.push_back(mine);
  r.push_back({"GET", "/api/v1/me/cases/{id}/documents", Access::kCitizen, my_documents});
  r.push_back({"GET", "/api/v1/me/cases/{id}/documents/{doc}", Access::kCitizen, my_download});
}

// Sends a stored document as a download (declared in api.hpp).
Result<json> send_document(Call& c, const db::DocumentRow& row) {
  if (!c.api.documents) return no_documents();
  auto bytes = c.api.documents->read(*c.installation().store, row);
  if (!bytes.ok()) return bytes.status();
  c.raw_body = std::move(*bytes);
  c.raw_binary = true;
  c.raw_content_type = row.media_type;
  // Shown as a download, never rendered in the page's origin; the name is sanitised already.
  c.response_headers.emplace_back(
      "Content-Disposition", fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}",
                                         documents::ascii_file_name(row.name), documents::rfc8187_encode(row.name)));
  c.response_headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  return json();
}

}  // namespace sagsflow::server
