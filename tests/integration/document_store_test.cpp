// The document store on both databases: identical content kept once, bytes
// durable in the folder before the unit that references them commits (SQLite),
// an orphan left by a unit that failed after its bytes were written removed by
// the garbage collector while committed documents survive it, damaged content
// refused; and the upload rules with a real case and a real scanning plugin in
// its own process (ABI 1.1): the media type read from the bytes (a PNG named
// .pdf is a PNG, an executable is refused), the kind's allow-list and size
// limit, a scanner that rejects, throws or crashes refuses the upload, and a
// document received as a required attachment satisfies the stage.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sagsflow/app/documents.hpp"
#include "sagsflow/documents/document_store.hpp"
#include "sagsflow/documents/media_type.hpp"
#include "sagsflow/domain/text_file.hpp"
#include "sagsflow/plugins/plugin_host.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

// The smallest documents libmagic recognises.
std::string pdf_bytes(const std::string& text = "hello") {
  return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + text + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
}
std::string png_bytes() {
  const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R',
                               0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
                               0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
  return std::string(reinterpret_cast<const char*>(png), sizeof png);
}
std::string elf_bytes() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::string bytes(8192, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

class DocumentStoreTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    engine_ = std::make_unique<CaseEngine>(*store_);
    ASSERT_TRUE(engine_->deploy_workflow(kCounterWorkflow, "counter.yaml").ok());
    auto docs = documents::DocumentStore::open(url());
    ASSERT_TRUE(docs.ok()) << docs.status().to_string();
    docs_ = std::move(*docs);
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    DatabaseTest::TearDown();
  }
  long long open_case() {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "counter";
    req.actor = frontdesk();
    auto s = engine_->open_case(req);
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return s.ok() ? s->id : 0;
  }
  db::DocumentRow row_for(long long case_id, const std::string& name) {
    db::DocumentRow r;
    r.case_id = case_id;
    r.municipality = kMunicipality;
    r.kind = "other";
    r.name = name;
    r.media_type = "application/pdf";
    r.added_by = "frida";
    r.added_at = "2026-11-23T09:00:00Z";
    return r;
  }
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
  std::unique_ptr<documents::DocumentStore> docs_;
};

TEST_P(DocumentStoreTest, IdenticalContentIsKeptOnceAndEachDocumentReadsItBack) {
  if (not_ready()) return;
  const long long a = open_case(), b = open_case();
  auto first = docs_->stage(pdf_bytes("same"));
  auto second = docs_->stage(pdf_bytes("same"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->sha256, documents::sha256_hex(pdf_bytes("same")));
  EXPECT_EQ(first->sha256, second->sha256);
  auto one = docs_->record(*store_, row_for(a, "a.pdf"), *first);
  auto two = docs_->record(*store_, row_for(b, "b.pdf"), *second);
  ASSERT_TRUE(one.ok()) << one.status().to_string();
  ASSERT_TRUE(two.ok()) << two.status().to_string();
  EXPECT_NE(one->id, two->id);
  // Read back through another connection (another node's, on PostgreSQL).
  auto other = connect();
  auto listed = other->list_documents(b);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "b.pdf");
  auto bytes = docs_->read(*other, (*listed)[0]);
  ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
  EXPECT_EQ(*bytes, pdf_bytes("same"));
  // Another case's document is not found under this case.
  auto wrong = other->load_document(a, two->id);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->has_value());
  if (!docs_->in_database()) {
    long long files = 0;
    for (const auto& e : fs::recursive_directory_iterator(docs_->folder())) files += e.is_regular_file();
    EXPECT_EQ(files, 1) << "identical content is one file";
  }
}

TEST_P(DocumentStoreTest, AUnitThatFailsAfterTheBytesWereWrittenLeavesAnOrphanThatGcRemovesWhileCommittedOnesStay) {
  if (not_ready()) return;
  const long long id = open_case();
  auto kept = docs_->stage(pdf_bytes("kept"));
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(docs_->record(*store_, row_for(id, "kept.pdf"), *kept).ok());

  auto lost = docs_->stage(pdf_bytes("lost"));
  ASSERT_TRUE(lost.ok());
  if (!docs_->in_database()) {
    EXPECT_TRUE(fs::exists(docs_->path_of(lost->sha256))) << "the bytes are durable before the unit begins";
  }
  // The unit records the row and then fails: nothing of it is kept.
  Status failed = engine_->atomically([&]() -> Status {
    auto row = docs_->record(*store_, row_for(id, "lost.pdf"), *lost);
    if (!row.ok()) return row.status();
    return FailedPrecondition("the event that would reference it was refused");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kFailedPrecondition);
  auto listed = store_->list_documents(id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "kept.pdf");

  // Young orphans are kept (an upload may be under way) ...
  auto young = docs_->collect_garbage(*store_, std::chrono::hours(1));
  ASSERT_TRUE(young.ok()) << young.status().to_string();
  EXPECT_EQ(young->removed, 0);
  // ... and removed once past the grace period; the committed document stays.
  auto gc = docs_->collect_garbage(*store_, std::chrono::seconds(0));
  ASSERT_TRUE(gc.ok());
  if (!docs_->in_database()) {
    EXPECT_EQ(young->kept_recent, 1);
    EXPECT_EQ(gc->removed, 1);
    EXPECT_EQ(gc->kept_referenced, 1);
    EXPECT_FALSE(fs::exists(docs_->path_of(lost->sha256)));
    EXPECT_TRUE(fs::exists(docs_->path_of(kept->sha256)));
  }
  auto bytes = docs_->read(*store_, (*listed)[0]);
  ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
  EXPECT_EQ(*bytes, pdf_bytes("kept"));
}

TEST_P(DocumentStoreTest, StagedFilesArePrivateCompleteAndLeaveNoTemporaryFileAndALeftoverOneIsCollected) {
  if (not_ready() || is_postgres()) return;
  auto staged = docs_->stage(png_bytes());
  ASSERT_TRUE(staged.ok());
  const std::string path = docs_->path_of(staged->sha256);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(png_bytes().size()));
  ASSERT_EQ(::stat(docs_->folder().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const auto& e : fs::recursive_directory_iterator(docs_->folder())) {
    EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos) << e.path();
  }
  // A write killed between its temporary file and the rename leaves one behind.
  const std::string leftover = fs::path(path).parent_path() / (".tmp-" + staged->sha256 + "-dead");
  std::ofstream(leftover) << "half";
  auto gc = docs_->collect_garbage(*store_, std::chrono::seconds(0));
  ASSERT_TRUE(gc.ok());
  EXPECT_EQ(gc->temporary_removed, 1);
  EXPECT_FALSE(fs::exists(leftover));
}

TEST_P(DocumentStoreTest, ContentThatNoLongerMatchesItsSha256IsRefusedNotServed) {
  if (not_ready() || is_postgres()) return;
  const long long id = open_case();
  auto staged = docs_->stage(pdf_bytes("original"));
  ASSERT_TRUE(staged.ok());
  auto row = docs_->record(*store_, row_for(id, "x.pdf"), *staged);
  ASSERT_TRUE(row.ok());
  fs::permissions(docs_->path_of(staged->sha256), fs::perms::owner_read | fs::perms::owner_write);
  std::ofstream(docs_->path_of(staged->sha256), std::ios::binary | std::ios::trunc) << pdf_bytes("tampered");
  auto bytes = docs_->read(*store_, *row);
  EXPECT_EQ(bytes.status().code(), ErrorCode::kStorage);
  EXPECT_NE(bytes.status().message().find("does not match its SHA-256"), std::string::npos);
}

TEST_P(DocumentStoreTest, AContentRowIsNotReusedForBytesOfAnotherSize) {
  if (not_ready()) return;
  const long long id = open_case();
  auto staged = docs_->stage(pdf_bytes());
  ASSERT_TRUE(staged.ok());
  documents::StagedContent lie = *staged;
  ASSERT_TRUE(docs_->record(*store_, row_for(id, "a.pdf"), *staged).ok());
  lie.size += 1;
  if (docs_->in_database()) lie.bytes = std::make_shared<const std::string>(*staged->bytes + "x");
  auto again = docs_->record(*store_, row_for(id, "b.pdf"), lie);
  EXPECT_EQ(again.status().code(), ErrorCode::kInternal) << again.status().to_string();
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentStoreTest, AllBackends());

// ---- the upload rules, with a scanning plugin in its own process ----

class DocumentUploadTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    inst_.store = connect_seeded();
    PluginHostOptions o;
    o.isolation = PluginIsolation::kChildProcess;
    o.child_program = SAGSFLOW_PLUGIN_HOST_BIN;
    o.call_timeout = std::chrono::milliseconds(3000);
    o.restart_backoff = std::chrono::milliseconds(10);
    o.restart_backoff_max = std::chrono::milliseconds(20);
    o.max_failures = 50;
    inst_.plugins = std::make_unique<PluginHost>(o);
    auto loaded = inst_.plugins->load(std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/scanning_permit.so");
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    // An ABI 1.0 plugin loads beside it, and is no scanner.
    ASSERT_TRUE(inst_.plugins->load(std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/good_permit.so").ok());
    inst_.engine = std::make_unique<CaseEngine>(*inst_.store, EngineOptions{DanishCalendar{}, system_clock(),
                                                                          inst_.plugins.get()});
    const auto& info = (*loaded)->info;
    const auto wf = (fs::path(info.manifest_path).parent_path() / info.manifest.workflow_file).string();
    ASSERT_TRUE(inst_.engine->deploy_workflow(read_text_file(wf).value(), wf).ok());
    auto docs = documents::DocumentStore::open(url());
    ASSERT_TRUE(docs.ok());
    docs_ = std::move(*docs);
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "scanning_permit";
    req.fields = {{"applicant", "Jens Hansen"}, {"income", 100}};
    req.actor = frontdesk();
    auto opened = inst_.engine->open_case(req);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    ActionRequest reg{opened->id, "register", frontdesk()};
    ASSERT_TRUE(inst_.engine->act(reg).ok());
    case_id_ = opened->id;
  }
  void TearDown() override {
    inst_.engine.reset();
    inst_.plugins.reset();
    inst_.store.reset();
    DatabaseTest::TearDown();
  }
  // The four steps, as the API and the CLI run them.
  Result<app::AddedDocument> add(const std::string& kind, const std::string& name, std::string bytes,
                                 std::size_t max_bytes = app::kDefaultDocumentMaxBytes) {
    app::DocumentUpload up{case_id_, kind, name, std::move(bytes), max_bytes};
    auto d = app::describe_upload(up);
    if (!d.ok()) return d.status();
    if (auto st = app::check_upload(inst_, frontdesk(), *d, up.bytes); !st.ok()) return st;
    auto staged = docs_->stage(std::move(up.bytes));
    if (!staged.ok()) return staged.status();
    return app::record_upload(inst_, *docs_, frontdesk(), *d, *staged);
  }
  app::Installation inst_;
  std::unique_ptr<documents::DocumentStore> docs_;
  long long case_id_ = 0;
};

TEST_P(DocumentUploadTest, APngNamedPdfIsStoredAsAPngAndSatisfiesTheRequiredPhoto) {
  if (not_ready()) return;
  EXPECT_EQ(inst_.plugins->scanners(), std::vector<std::string>{"scanning_permit"});
  auto added = add("photo", "../../etc/passwd/photo.pdf", png_bytes());
  ASSERT_TRUE(added.ok()) << added.status().to_string();
  EXPECT_EQ(added->row.media_type, "image/png");
  EXPECT_EQ(added->row.name, "photo.png");
  EXPECT_TRUE(added->state.has_attachment("photo"));
  auto history = inst_.store->load_history(case_id_);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().action, "document_added");
  EXPECT_EQ(history->back().data.at("document").at("id"), added->row.id);
  auto replayed = replay(*history);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, added->state);
  // The stage that requires the photo is met without --attach.
  ActionRequest complete{case_id_, "complete", frontdesk()};
  EXPECT_TRUE(inst_.engine->act(complete).ok());
}

TEST_P(DocumentUploadTest, AnExecutableIsRefusedWhateverItsNameAndNothingIsStored) {
  if (not_ready()) return;
  auto added = add("other", "invoice.pdf", elf_bytes());
  EXPECT_EQ(added.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(added.status().message().find("application/pdf, image/jpeg, image/png"), std::string::npos)
      << added.status().message();
  EXPECT_NE(added.status().message().find("this one is application/x-"), std::string::npos) << added.status().message();
  auto listed = inst_.store->list_documents(case_id_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_P(DocumentUploadTest, KindsSizeLimitsAndEmptyDocumentsAreRefusedClearly) {
  if (not_ready()) return;
  auto kind = add("passport_scan", "a.pdf", pdf_bytes());
  EXPECT_EQ(kind.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(kind.status().message().find("photo"), std::string::npos) << kind.status().message();
  auto letter = add("letter", "a.pdf", pdf_bytes());
  EXPECT_EQ(letter.status().code(), ErrorCode::kInvalidArgument) << "letters are Sagsflow's, never uploaded";
  auto big = add("other", "a.pdf", pdf_bytes(std::string(3000, 'x')), 2048);
  EXPECT_EQ(big.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("limit is 2048"), std::string::npos) << big.status().message();
  auto empty = add("other", "a.pdf", "");
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(add("other", "a.pdf", pdf_bytes()).ok());
}

TEST_P(DocumentUploadTest, AScannerThatRejectsThrowsOrCrashesRefusesTheUploadAndTheNextOneStillWorks) {
  if (not_ready()) return;
  auto rejected = add("other", "virus.pdf", pdf_bytes("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"));
  EXPECT_EQ(rejected.status().code(), ErrorCode::kGuardFailed);
  EXPECT_NE(rejected.status().message().find("EICAR test signature was found in virus.pdf"), std::string::npos)
      << rejected.status().message();
  auto thrown = add("other", "x.pdf", pdf_bytes("SCANNER-THROWS"));
  EXPECT_EQ(thrown.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(thrown.status().message().find("was not stored"), std::string::npos) << thrown.status().message();
  auto crashed = add("other", "x.pdf", pdf_bytes("SCANNER-CRASHES"));
  EXPECT_EQ(crashed.status().code(), ErrorCode::kPluginFailed) << crashed.status().to_string();
  auto listed = inst_.store->list_documents(case_id_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the restart backoff
  auto fine = add("other", "fine.pdf", pdf_bytes("clean"));
  ASSERT_TRUE(fine.ok()) << fine.status().to_string();
  EXPECT_GE(inst_.plugins->process_starts("scanning_permit"), 2);
}

TEST_P(DocumentUploadTest, ALargeDocumentReachesTheScannerInItsProcessWhole) {
  if (not_ready()) return;
  // Over the 4 MiB frame limit of the plugin's answers: calls may be larger.
  auto added = add("other", "big.pdf", pdf_bytes(std::string(6 * 1024 * 1024, 'y')));
  ASSERT_TRUE(added.ok()) << added.status().to_string();
  EXPECT_GT(added->row.size, 6 * 1024 * 1024);
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentUploadTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
