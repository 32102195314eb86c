// Documents over real HTTP: staff upload a document as multipart/form-data,
// list it and download it with safe headers (every download an access
// record); the citizen lists and downloads the documents of their own case
// only; hostile or malformed bodies (no boundary, truncated, too many parts,
// huge part headers, too large, path-traversal names, an executable) get a
// clear 4xx problem and the server keeps serving.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "api_fixture.hpp"
#include "raw_http.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;

const std::string kBoundary = "sagsflow-test-boundary-7f3a";

std::string pdf(const std::string& text = "lease") {
  return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + text + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
}
std::string png() {
  const unsigned char b[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R',
                             0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89};
  return std::string(reinterpret_cast<const char*>(b), sizeof b);
}

struct Part {
  std::string name;
  std::string content;
  std::string file_name;  // empty: a text field
  std::string extra_headers;
};

std::string multipart(const std::vector<Part>& parts, bool close = true) {
  std::string body;
  for (const auto& p : parts) {
    body += "--" + kBoundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.file_name.empty()) body += "; filename=\"" + p.file_name + "\"";
    body += "\r\n";
    if (!p.file_name.empty()) body += "Content-Type: application/pdf\r\n";  // declared, never trusted
    body += p.extra_headers;
    body += "\r\n" + p.content + "\r\n";
  }
  if (close) body += "--" + kBoundary + "--\r\n";
  return body;
}

std::string header(const HttpResult& r, std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& [k, v] : r.headers) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == name) return v;
  }
  return {};
}

// A passport case in its check stage (frida may act on it).
long long passport_in_check(unsigned port, const std::string& frida, const std::string& cpr) {
  HttpRequest open{"POST", "/api/v1/cases", frida, json{{"workflow", "passport"}, {"citizen_cpr", cpr}}.dump()};
  auto opened = http(port, open);
  EXPECT_EQ(opened.status, 201) << opened.text;
  const long long id = opened.body.value("id", 0LL);
  HttpRequest reg{"POST", "/api/v1/cases/" + std::to_string(id) + "/actions/register", frida, "{}"};
  EXPECT_EQ(http(port, reg).status, 200);
  return id;
}

HttpResult upload_to(unsigned port, long long id, const std::string& body, const std::string& token,
                     const std::string& content_type = "multipart/form-data; boundary=" + kBoundary) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/cases/" + std::to_string(id) + "/documents";
  r.token = token;
  r.body = body;
  r.content_type = content_type;
  return http(port, r);
}

void expect_refused(const HttpResult& r, int status, const std::string& says, const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.text;
  EXPECT_EQ(r.content_type, "application/problem+json") << what;
  EXPECT_NE(r.body.value("detail", "").find(says), std::string::npos) << what << ": " << r.text;
}

TEST_F(ApiTest, DocumentsStaffUploadListAndDownloadADocumentWithSafeHeadersAndEveryDownloadIsOnRecord) {
  const long long id = passport_in_check(port(), staff_token("frida"), "010490-9989");
  const std::string frida = staff_token("frida");
  auto up = upload_to(port(), id, multipart({{"kind", "identity_document"}, {"file", pdf(), "../../etc/dåbsattest.pdf"}}), frida);
  ASSERT_EQ(up.status, 201) << up.text;
  expect_documented("POST", "/api/v1/cases/{id}/documents", up);
  const json doc = up.body["document"];
  EXPECT_EQ(doc["name"], "dåbsattest.pdf");
  EXPECT_EQ(doc["media_type"], "application/pdf");
  EXPECT_EQ(doc["kind"], "identity_document");
  EXPECT_EQ(doc["size"], pdf().size());
  EXPECT_EQ(doc["added_by"], "frida");

  auto listed = get("/api/v1/cases/" + std::to_string(id) + "/documents", frida);
  ASSERT_EQ(listed.status, 200) << listed.text;
  expect_documented("GET", "/api/v1/cases/{id}/documents", listed);
  ASSERT_EQ(listed.body["documents"].size(), 1u);
  EXPECT_EQ(listed.body["documents"][0]["id"], doc["id"]);
  // The received document is the attachment the check requires.
  auto attachments = get("/api/v1/cases/" + std::to_string(id) + "/attachments", frida);
  ASSERT_EQ(attachments.status, 200);
  EXPECT_EQ(attachments.body["attachments"][0]["name"], "identity_document");

  const std::string path = "/api/v1/cases/" + std::to_string(id) + "/documents/" + std::to_string(doc["id"].get<long long>());
  const size_t before = access_records(id).size();
  auto down = get(path, frida);
  ASSERT_EQ(down.status, 200) << down.text;
  EXPECT_EQ(down.text, pdf());
  EXPECT_EQ(down.content_type, "application/pdf");
  EXPECT_EQ(header(down, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(down, "Content-Disposition"),
            "attachment; filename=\"d_bsattest.pdf\"; filename*=UTF-8''d%C3%A5bsattest.pdf");
  const json records = access_records(id);
  ASSERT_EQ(records.size(), before + 1);
  bool found = false;
  for (const auto& r : records) found = found || (r.value("purpose", "") == "document" && r.value("actor", "") == "frida");
  EXPECT_TRUE(found) << records.dump();

  auto missing = get("/api/v1/cases/" + std::to_string(id) + "/documents/999999", frida);
  EXPECT_EQ(missing.status, 404);
}

TEST_F(ApiTest, DocumentsTheMediaTypeIsReadFromTheBytesAgainstTheKindsAllowList) {
  const long long id = passport_in_check(port(), staff_token("frida"), "010490-9989");
  const std::string frida = staff_token("frida");
  // A PNG named .pdf, declared application/pdf: it is a PNG, and a photo may be one.
  auto photo = upload_to(port(), id, multipart({{"file", png(), "photo.pdf"}, {"kind", "photo"}}), frida);
  ASSERT_EQ(photo.status, 201) << photo.text;
  EXPECT_EQ(photo.body["document"]["media_type"], "image/png");
  EXPECT_EQ(photo.body["document"]["name"], "photo.png");
  // A PDF is no passport photo (the manifest's media_types).
  expect_refused(upload_to(port(), id, multipart({{"file", pdf(), "photo.jpg"}, {"kind", "photo"}}), frida), 400,
                 "must be image/jpeg, image/png; this one is application/pdf", "a PDF as photo");
  // An executable, whatever it is called.
  std::string elf = std::string("\x7f" "ELF\x02\x01\x01\x00", 8) + std::string(56, '\0') + std::string(4000, 'A');
  auto exe = upload_to(port(), id, multipart({{"file", elf, "lejekontrakt.pdf"}, {"kind", "other"}}), frida);
  EXPECT_EQ(exe.status, 400) << exe.text;
  EXPECT_NE(exe.body.value("detail", "").find("must be application/pdf, image/jpeg, image/png"), std::string::npos)
      << exe.text;
  EXPECT_EQ(exe.body.value("field", ""), "file");
  expect_refused(upload_to(port(), id, multipart({{"file", pdf(), "x.pdf"}, {"kind", "tax_return"}}), frida), 400,
                 "cannot be of kind 'tax_return'", "an unknown kind");
  expect_refused(upload_to(port(), id, multipart({{"file", pdf(), "x.pdf"}, {"kind", "letter"}}), frida), 400,
                 "cannot be of kind 'letter'", "letters are never uploaded");
  expect_refused(upload_to(port(), id, multipart({{"file", "", "x.pdf"}, {"kind", "other"}}), frida), 400, "empty", "empty");
}

TEST_F(ApiTest, DocumentsHostileAndMalformedBodiesGetAClearProblemAndTheServerKeepsServing) {
  const long long id = passport_in_check(port(), staff_token("frida"), "010490-9989");
  const std::string frida = staff_token("frida");
  const std::string good = multipart({{"kind", "other"}, {"file", pdf(), "x.pdf"}});
  expect_refused(upload_to(port(), id, good, frida, "multipart/form-data"), 400, "needs a boundary", "no boundary");
  expect_refused(upload_to(port(), id, good, frida, "application/json"), 400, "must be multipart/form-data", "JSON type");
  expect_refused(upload_to(port(), id, good.substr(0, good.size() / 2), frida), 400, "truncated", "truncated");
  expect_refused(upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(), "x.pdf"}}, false), frida), 400, "truncated",
                 "no closing boundary");
  expect_refused(upload_to(port(), id, "--" + kBoundary + "--\r\n", frida), 400, "file", "no parts");
  std::vector<Part> many(9, Part{"kind", "other"});
  expect_refused(upload_to(port(), id, multipart(many), frida), 400, "more than 8 parts", "many parts");
  expect_refused(upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(), "x.pdf", "X-Filler: " + std::string(5000, 'a') + "\r\n"}}), frida),
                 400, "malformed", "a huge part header");
  std::string fields;
  for (int i = 0; i < 40; ++i) fields += "X-F" + std::to_string(i) + ": v\r\n";
  expect_refused(upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(), "x.pdf", fields}}), frida), 400, "malformed",
                 "many part headers");
  expect_refused(upload_to(port(), id, multipart({{"kind", "other"}, {"kind", "photo"}, {"file", pdf(), "x.pdf"}}), frida), 400,
                 "more than one part 'kind'", "two kinds");
  expect_refused(upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(), "a.pdf"}, {"file", pdf(), "b.pdf"}}), frida),
                 400, "more than one part 'file'", "two files");
  expect_refused(upload_to(port(), id, multipart({{"kind", "other"}, {"evil", "x"}, {"file", pdf(), "a.pdf"}}), frida), 400,
                 "has a part 'evil'", "an unknown part");
  expect_refused(upload_to(port(), id, "garbage without any structure --" + kBoundary + "--", frida), 400, "", "garbage");
  // Over the route's limit (limits.document_max_bytes + 64 KiB): 413 while reading.
  {
    RawConnection raw(port());
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw.send(raw_request("POST", "/api/v1/cases/" + std::to_string(id) + "/documents",
                                     "Authorization: Bearer " + frida + "\r\nContent-Type: multipart/form-data; boundary=" +
                                         kBoundary + "\r\nContent-Length: " + std::to_string(10 * 1024 * 1024 + 70 * 1024) +
                                         "\r\n")));
    const RawResponse huge = raw.read_response();
    EXPECT_EQ(huge.status, 413) << huge.body;
    EXPECT_EQ(huge.json.value("code", ""), "body_too_large") << huge.body;
  }
  // Over the document limit but within the body's.
  auto over = upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(std::string(10 * 1024 * 1024, 'z')), "big.pdf"}}), frida);
  EXPECT_EQ(over.status, 400) << over.text.substr(0, 300);
  EXPECT_NE(over.text.find("larger than the limit of 10485760 bytes"), std::string::npos) << over.text.substr(0, 300);

  // Nothing of it was stored; the server serves, and a good upload works.
  auto listed = get("/api/v1/cases/" + std::to_string(id) + "/documents", frida);
  ASSERT_EQ(listed.status, 200);
  EXPECT_TRUE(listed.body["documents"].empty());
  EXPECT_EQ(get("/healthz/live", "").status, 200);
  auto fine = upload_to(port(), id, multipart({{"file", pdf(), "../../etc/cron.d/x\x01y:z.pdf"}, {"kind", "other"}}), frida);
  ASSERT_EQ(fine.status, 201) << fine.text;
  EXPECT_EQ(fine.body["document"]["name"], "xy_z.pdf");
}

TEST_F(ApiTest, DocumentsTheCitizenSeesAndDownloadsTheDocumentsOfTheirOwnCaseOnlyAndEachDownloadIsOnRecord) {
  const long long id = passport_in_check(port(), staff_token("frida"), "020385-1238");
  const long long other = passport_in_check(port(), staff_token("frida"), "030275-9982");
  const std::string frida = staff_token("frida");
  auto up = upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf("mine"), "kvittering.pdf"}}), frida);
  ASSERT_EQ(up.status, 201) << up.text;
  ASSERT_EQ(upload_to(port(), other, multipart({{"kind", "other"}, {"file", pdf("theirs"), "x.pdf"}}), frida).status, 201);
  const long long doc = up.body["document"]["id"].get<long long>();

  const std::string citizen = citizen_token("020385-1238");
  auto listed = get("/api/v1/me/cases/" + std::to_string(id) + "/documents", citizen);
  ASSERT_EQ(listed.status, 200) << listed.text;
  expect_documented("GET", "/api/v1/me/cases/{id}/documents", listed);
  ASSERT_EQ(listed.body["documents"].size(), 1u);
  EXPECT_EQ(listed.body["documents"][0]["name"], "kvittering.pdf");
  EXPECT_FALSE(listed.body["documents"][0].contains("added_by"));

  const size_t before = access_records(id).size();
  auto down = get("/api/v1/me/cases/" + std::to_string(id) + "/documents/" + std::to_string(doc), citizen);
  ASSERT_EQ(down.status, 200) << down.text;
  EXPECT_EQ(down.text, pdf("mine"));
  EXPECT_EQ(header(down, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(access_records(id).size(), before + 1);

  // Another citizen's case, or its document under this case: not found, the same way.
  EXPECT_EQ(get("/api/v1/me/cases/" + std::to_string(other) + "/documents", citizen).status, 404);
  auto theirs = get("/api/v1/me/cases/" + std::to_string(other) + "/documents", staff_token("frida"));
  EXPECT_EQ(theirs.status, 403) << "the citizen routes are for citizens";
  auto their_doc = get("/api/v1/cases/" + std::to_string(other) + "/documents", frida);
  ASSERT_EQ(their_doc.status, 200);
  const long long other_doc = their_doc.body["documents"][0]["id"].get<long long>();
  EXPECT_EQ(get("/api/v1/me/cases/" + std::to_string(id) + "/documents/" + std::to_string(other_doc), citizen).status, 404);
  // Staff routes refuse citizen tokens.
  EXPECT_EQ(get("/api/v1/cases/" + std::to_string(id) + "/documents/" + std::to_string(doc), citizen).status, 403);
  EXPECT_EQ(upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(), "x.pdf"}}), citizen).status, 403);
}

TEST_F(ApiTest, DocumentsNobodyAddsADocumentToACaseTheyMayNotActOn) {
  const long long id = passport_case_in_decision("040589-1235");
  // frida (front desk) holds no action on the decision.
  auto refused = upload_to(port(), id, multipart({{"kind", "other"}, {"file", pdf(), "x.pdf"}}), staff_token("frida"));
  EXPECT_EQ(refused.status, 403) << refused.text;
  EXPECT_NE(refused.body.value("detail", "").find("cannot add a document to it"), std::string::npos) << refused.text;
}

}  // namespace
}  // namespace sagsflow::testing
