// Letter delivery through plugins (ABI 1.2), in this process and in a
// supervised child: the host lists the plugins that deliver and their
// channels, hands a plugin the letter and the PDF's bytes with the letter's
// municipality as its settings' context, and reads its answer (delivered with
// a receipt, retry or refused with a reason); an exception, an error code, a
// crash or garbage is kPluginFailed; a plugin may not write to cases while it
// delivers. Plugins of ABI 1.0 and 1.1 keep loading beside it and deliver
// nothing. And the manifest of a delivery plugin: no service area or
// workflow, a channel, ABI 1.2 or later.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "sagsflow/config/plugin_manifest.hpp"
#include "sagsflow/plugins/plugin_host.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
using std::chrono::milliseconds;

std::string plugin_file(const std::string& name) { return std::string(SAGSFLOW_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

json a_letter(const std::string& title, std::string_view pdf) {
  return {{"letter_id", 17},
          {"idempotency_key", "letter-17-v1"},
          {"message_uuid", "6f1c8a52-0d4e-5b7a-9c3e-2a1b0c9d8e7f"},
          {"municipality", "0101"},
          {"case_id", 4},
          {"case_number", "0101-2026-000004"},
          {"kind", "decision"},
          {"language", "da"},
          {"title", title},
          {"channel", "digital_post"},
          {"recipient", {{"cpr", "0707614285"}, {"name", "Jens Hansen"}}},
          {"sender", {{"name", "Testkommune"}, {"cvr", "29189846"}, {"address", "Rådhuspladsen 1"},
                      {"phone", "33 66 33 66"}, {"web", "https://example.invalid"}}},
          {"document", {{"name", "afgoerelse.pdf"}, {"media_type", "application/pdf"}, {"size", pdf.size()},
                        {"sha256", std::string(64, '0')}}},
          {"memo", "<Message/>"}};
}

class PluginDeliveryTest : public ::testing::TestWithParam<PluginIsolation> {
 protected:
  void SetUp() override {
    PluginHostOptions o;
    o.isolation = GetParam();
    o.child_program = SAGSFLOW_PLUGIN_HOST_BIN;
    o.call_timeout = milliseconds(3000);
    o.delivery_timeout = milliseconds(5000);
    o.restart_backoff = milliseconds(0);
    o.restart_backoff_max = milliseconds(0);
    o.max_failures = 50;
    o.config = [this](const std::string& plugin, const std::string& municipality,
                      const std::string& key) -> std::optional<std::string> {
      asked_municipality_ = municipality;
      if (plugin == "delivering_letters" && municipality == "0101" && key == "receipt_prefix") return "dp-0101";
      return std::nullopt;
    };
    host_ = std::make_unique<PluginHost>(o);
  }
  bool child() const { return GetParam() == PluginIsolation::kChildProcess; }

  std::unique_ptr<PluginHost> host_;
  std::string asked_municipality_;
  const std::string pdf_ = std::string("%PDF-1.7\n\0\x01\xff binary\n%%EOF\n", 30);
};

TEST_P(PluginDeliveryTest, ADeliveryPluginIsListedWithItsChannelBesidePluginsOfAbi10And11) {
  ASSERT_TRUE(host_->load(plugin_file("good_permit")).ok());       // ABI 1.0
  ASSERT_TRUE(host_->load(plugin_file("scanning_permit")).ok());   // ABI 1.1
  auto d = host_->load(plugin_file("delivering_letters"));         // ABI 1.2
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  ASSERT_TRUE(host_->load(plugin_file("garbage_delivery")).ok());
  EXPECT_EQ(host_->deliverers(), (std::vector<std::string>{"delivering_letters", "garbage_delivery"}));
  EXPECT_EQ(host_->delivery_channel("delivering_letters"), "digital_post");
  EXPECT_EQ(host_->delivery_channel("garbage_delivery"), "print");
  EXPECT_EQ(host_->delivery_channel("scanning_permit"), "");
  EXPECT_EQ(host_->delivery_channel("good_permit"), "");
  EXPECT_EQ(host_->delivery_channel("no_such_plugin"), "");
  // The 1.1 plugin still scans; the older plugins deliver nothing.
  EXPECT_EQ(host_->scanners(), std::vector<std::string>{"scanning_permit"});
  auto scanned = host_->scan_document("scanning_permit", {{"name", "a.pdf"}, {"size", pdf_.size()}}, pdf_);
  ASSERT_TRUE(scanned.ok()) << scanned.status().to_string();
  EXPECT_TRUE(scanned->accept);
  for (const char* old : {"good_permit", "scanning_permit"}) {
    auto r = host_->deliver_letter(old, a_letter("hello", pdf_), pdf_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << old;
  }
  EXPECT_EQ(host_->deliver_letter("no_such_plugin", a_letter("hello", pdf_), pdf_).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(PluginDeliveryTest, TheHostReadsDeliverLetterOnlyWhenTheDescriptorsSizeCoversIt) {
  auto loaded = host_->load(plugin_file("short_delivery"));  // deliver_letter set, struct_size of ABI 1.1
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_TRUE(host_->deliverers().empty());
  EXPECT_EQ(host_->delivery_channel("short_delivery"), "");
  EXPECT_EQ(host_->deliver_letter("short_delivery", a_letter("fine", pdf_), pdf_).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(PluginDeliveryTest, TheLetterAndEveryByteOfThePdfReachThePluginWithTheLettersMunicipalityAsContext) {
  ASSERT_TRUE(host_->load(plugin_file("delivering_letters")).ok());
  auto r = host_->deliver_letter("delivering_letters", a_letter("Afgørelse", pdf_), pdf_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->status, DeliveryStatus::kDelivered);
  EXPECT_EQ(r->receipt, "dp-0101 letter 17, 30 bytes, key letter-17-v1");
  EXPECT_EQ(r->reason, "");
  EXPECT_EQ(asked_municipality_, "0101");
  // A PDF of several megabytes travels too (to the child as hex in one frame).
  std::string big(6 * 1024 * 1024, 'x');
  auto large = host_->deliver_letter("delivering_letters", a_letter("big", big), big);
  ASSERT_TRUE(large.ok()) << large.status().to_string();
  EXPECT_EQ(large->receipt, "dp-0101 letter 17, 6291456 bytes, key letter-17-v1");
}

TEST_P(PluginDeliveryTest, RetryAndRefusedComeBackWithTheirReasons) {
  ASSERT_TRUE(host_->load(plugin_file("delivering_letters")).ok());
  auto retry = host_->deliver_letter("delivering_letters", a_letter("RETRY", pdf_), pdf_);
  ASSERT_TRUE(retry.ok()) << retry.status().to_string();
  EXPECT_EQ(retry->status, DeliveryStatus::kRetry);
  EXPECT_EQ(retry->reason, "the receiver is busy");
  auto refused = host_->deliver_letter("delivering_letters", a_letter("REFUSE", pdf_), pdf_);
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  EXPECT_EQ(refused->status, DeliveryStatus::kRefused);
  EXPECT_EQ(refused->reason, "recipient exempt from Digital Post");
}

TEST_P(PluginDeliveryTest, APluginMayNotWriteToCasesWhileItDelivers) {
  ASSERT_TRUE(host_->load(plugin_file("delivering_letters")).ok());
  auto r = host_->deliver_letter("delivering_letters", a_letter("WRITE", pdf_), pdf_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->receipt, "writing was refused");
}

TEST_P(PluginDeliveryTest, AnExceptionIsPluginFailedAndTheNextLetterIsDelivered) {
  ASSERT_TRUE(host_->load(plugin_file("delivering_letters")).ok());
  auto r = host_->deliver_letter("delivering_letters", a_letter("THROW", pdf_), pdf_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(r.status().message().find("the receiver's client broke"), std::string::npos) << r.status().message();
  EXPECT_TRUE(host_->deliver_letter("delivering_letters", a_letter("next", pdf_), pdf_).ok());
}

TEST_P(PluginDeliveryTest, GarbageAnswersAreRefusedAsPluginFailed) {
  ASSERT_TRUE(host_->load(plugin_file("garbage_delivery")).ok());
  for (const char* title : {"NOT-JSON", "BAD-STATUS", "NO-RECEIPT", "NUMBER-REASON", "LONG-RECEIPT", "ERROR-CODE"}) {
    auto r = host_->deliver_letter("garbage_delivery", a_letter(title, pdf_), pdf_);
    ASSERT_FALSE(r.ok()) << title << " was accepted";
    EXPECT_EQ(r.status().code(), ErrorCode::kPluginFailed) << title;
  }
  auto limit = host_->deliver_letter("garbage_delivery", a_letter("LIMIT-RECEIPT", pdf_), pdf_);
  ASSERT_TRUE(limit.ok()) << limit.status().to_string();
  EXPECT_EQ(limit->receipt, std::string(1000, 'r'));
  auto ok = host_->deliver_letter("garbage_delivery", a_letter("fine", pdf_), pdf_);
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->receipt, "ok");
}

TEST_P(PluginDeliveryTest, ALetterWithoutAMunicipalityIsRefusedBeforeThePluginIsCalled) {
  ASSERT_TRUE(host_->load(plugin_file("delivering_letters")).ok());
  json letter = a_letter("hello", pdf_);
  letter.erase("municipality");
  auto r = host_->deliver_letter("delivering_letters", letter, pdf_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(host_->deliver_letter("delivering_letters", json::array(), pdf_).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(PluginDeliveryTest, ACrashInItsProcessIsPluginFailedAndTheProcessIsStartedAgain) {
  if (!child()) GTEST_SKIP() << "a crash in-process ends the test program";
  ASSERT_TRUE(host_->load(plugin_file("delivering_letters")).ok());
  auto r = host_->deliver_letter("delivering_letters", a_letter("CRASH", pdf_), pdf_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kPluginFailed);
  EXPECT_NE(r.status().message().find("crashed in deliver_letter"), std::string::npos) << r.status().message();
  auto again = host_->deliver_letter("delivering_letters", a_letter("again", pdf_), pdf_);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->status, DeliveryStatus::kDelivered);
  EXPECT_EQ(host_->process_starts("delivering_letters"), 2);
}

INSTANTIATE_TEST_SUITE_P(Isolation, PluginDeliveryTest,
                         ::testing::Values(PluginIsolation::kInProcess, PluginIsolation::kChildProcess),
                         [](const auto& info) {
                           return info.param == PluginIsolation::kInProcess ? "InProcess" : "ChildProcess";
                         });

// ---- the first-party delivery plugins, as the server loads them ----

TEST(FirstPartyDeliveryPlugins, DigitalPostAndPrintLoadInTheirOwnProcessesAndDeliverWithTheMunicipalitysSettings) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sagsflow-first-party-delivery-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  PluginHostOptions o;
  o.isolation = PluginIsolation::kChildProcess;
  o.child_program = SAGSFLOW_PLUGIN_HOST_BIN;
  o.config = [&](const std::string& plugin, const std::string& municipality,
                 const std::string& key) -> std::optional<std::string> {
    if (municipality != "0101") return std::nullopt;
    if (plugin == "digital_post" && key == "mode") return "folder";
    if (plugin == "digital_post" && key == "folder") return (dir / "digital-post").string();
    if (plugin == "print" && key == "folder") return (dir / "print").string();
    return std::nullopt;
  };
  PluginHost host(o);
  const std::string plugins = SAGSFLOW_FIRST_PARTY_PLUGIN_DIR;
  for (const char* id : {"digital_post", "print"}) {
    auto loaded = host.load(plugins + "/" + id + ".so");
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  }
  EXPECT_EQ(host.deliverers(), (std::vector<std::string>{"digital_post", "print"}));
  EXPECT_EQ(host.delivery_channel("digital_post"), "digital_post");
  EXPECT_EQ(host.delivery_channel("print"), "print");
  const std::string pdf = "%PDF-1.7 letter";
  json letter = a_letter("Afgørelse", pdf);
  auto dp = host.deliver_letter("digital_post", letter, pdf);
  ASSERT_TRUE(dp.ok()) << dp.status().to_string();
  EXPECT_EQ(dp->status, DeliveryStatus::kDelivered) << dp->reason;
  EXPECT_TRUE(fs::exists(dir / "digital-post" / "6f1c8a52-0d4e-5b7a-9c3e-2a1b0c9d8e7f.xml"));
  letter["channel"] = "print";
  letter.erase("memo");
  auto printed = host.deliver_letter("print", letter, pdf);
  ASSERT_TRUE(printed.ok()) << printed.status().to_string();
  EXPECT_EQ(printed->status, DeliveryStatus::kDelivered) << printed->reason;
  EXPECT_EQ(printed->receipt.rfind("print batch ", 0), 0u) << printed->receipt;
  auto again = host.deliver_letter("print", letter, pdf);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->receipt, printed->receipt);
  // Another municipality has not configured them: its letters wait.
  letter["municipality"] = "0147";
  auto unconfigured = host.deliver_letter("print", letter, pdf);
  ASSERT_TRUE(unconfigured.ok());
  EXPECT_EQ(unconfigured->status, DeliveryStatus::kRetry);
  fs::remove_all(dir);
}

// ---- the manifest of a delivery plugin ----

PluginManifestParseResult parse(const std::string& text) { return parse_plugin_manifest(text, "dp.plugin.yaml"); }

std::string errors_of(const PluginManifestParseResult& r) {
  std::string all;
  for (const auto& d : r.errors) all += d.to_string() + "\n";
  return all;
}

const char* kDeliveryManifest =
    "id: digital_post\nname: Digital Post\nversion: 1.0.0\nvendor: Sagsflow\nabi: {major: 1, minor: 2}\n"
    "delivery: {channel: digital_post}\n";

TEST(DeliveryPluginManifest, NeedsNoServiceAreaWorkflowOrTasks) {
  auto r = parse(kDeliveryManifest);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.manifest->delivery_channel, "digital_post");
  EXPECT_TRUE(r.manifest->delivers_letters());
  EXPECT_EQ(r.manifest->workflow_file, "");
  EXPECT_EQ(r.manifest->to_json()["delivery"]["channel"], "digital_post");
  auto print = parse(std::string(kDeliveryManifest).replace(std::string(kDeliveryManifest).find("channel: digital_post"),
                                                            21, "channel: print"));
  ASSERT_TRUE(print.ok()) << errors_of(print);
  EXPECT_EQ(print.manifest->delivery_channel, "print");
}

TEST(DeliveryPluginManifest, AServiceAreaPluginDeliversNothing) {
  auto r = parse(
      "id: p\nname: P\nversion: 1.0.0\nvendor: V\nabi: {major: 1, minor: 0}\nservice_area: x\n"
      "kle: {subjects: [23.09.02]}\nowning_authority: {kind: this_municipality}\norganisational_models: [hybrid]\n"
      "tasks:\n  - {id: t, complexity: simple}\nworkflow: p.yaml\n");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_FALSE(r.manifest->delivers_letters());
  EXPECT_TRUE(r.manifest->to_json()["delivery"].is_null());
}

TEST(DeliveryPluginManifest, AnUnknownChannelIsAnErrorAtItsPosition) {
  auto r = parse(std::string(kDeliveryManifest).replace(std::string(kDeliveryManifest).find("digital_post}"), 12,
                                                        "e_boks"));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_EQ(r.errors[0].to_string(),
            "dp.plugin.yaml:6:21: error: delivery.channel is 'e_boks'; use digital_post or print");
}

TEST(DeliveryPluginManifest, AChannelIsRequiredAndNothingElseIsAllowedInDelivery) {
  auto r = parse("id: dp\nname: D\nversion: 1.0.0\nvendor: V\nabi: {major: 1, minor: 2}\ndelivery: {via: x}\n");
  ASSERT_FALSE(r.ok());
  const std::string all = errors_of(r);
  EXPECT_NE(all.find("unknown key 'via'"), std::string::npos) << all;
  EXPECT_NE(all.find("channel"), std::string::npos) << all;
}

TEST(DeliveryPluginManifest, NeedsAbi12OrLater) {
  auto r = parse(std::string(kDeliveryManifest).replace(std::string(kDeliveryManifest).find("minor: 2"), 8,
                                                        "minor: 1"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errors_of(r).find("dp.plugin.yaml:5:6: error: a delivery plugin needs plugin ABI 1.2 or later"),
            std::string::npos)
      << errors_of(r);
}

TEST(DeliveryPluginManifest, AWorkflowOrAServiceAreaInADeliveryPluginIsAnError) {
  auto r = parse(std::string(kDeliveryManifest) + "workflow: dp.yaml\nservice_area: letters\n");
  ASSERT_FALSE(r.ok());
  const std::string all = errors_of(r);
  EXPECT_NE(all.find("dp.plugin.yaml:7:11: error: a delivery plugin (it has 'delivery:') has no 'workflow'"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("has no 'service_area'"), std::string::npos) << all;
}

}  // namespace
}  // namespace sagsflow::testing
