// The municipality file's `letters:` section: the letterhead, the language and
// the delivery channels are read with positioned errors; the logo is read from
// beside the file (a real PNG file on disk) with the same care; a delivery
// plugin reads its channel's settings; validate's gaps name what letters lack.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sagsflow/config/municipality.hpp"
#include "sagsflow/organisation/organisation.hpp"

using namespace sagsflow;

namespace {

namespace fs = std::filesystem;

std::string errors_of(const MunicipalityParseResult& r) {
  std::string text;
  for (const auto& d : r.errors) text += d.to_string() + "\n";
  return text;
}

constexpr const char* kHead = "municipality: {code: \"0101\", name: Københavns Kommune}\n";

// The smallest PNG there is: signature, IHDR (1x1, grey), IDAT, IEND.
const std::string kTinyPng = std::string(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01"
    "\x08\x00\x00\x00\x00\x3a\x7e\x9b\x55\x00\x00\x00\x0a\x49\x44\x41\x54\x78\x9c\x63\x60\x00\x00\x00"
    "\x02\x00\x01\x48\xaf\xa4\x71\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    67);

class LetterFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sagsflow-letters-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

}  // namespace

TEST(MunicipalityLetters, ReadsTheLetterheadLanguageAndBothDeliveryChannels) {
  auto r = parse_municipality(std::string(kHead) + R"(letters:
  language: en
  letterhead:
    address: "Rådhuspladsen 1\n1550 København V"
    phone: "33 66 33 66"
    email: borgerservice@kk.dk
    web: "https://www.kk.dk"
    cvr: "64942212"
    logo: logo.png
  digital_post: {plugin: digital_post, settings: {mode: http, endpoint: "http://127.0.0.1:8099/memo"}}
  print: {plugin: print, settings: {folder: /var/lib/sagsflow/print}}
)", "/etc/sagsflow/kbh.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& l = r.config->letters;
  EXPECT_EQ(l.language, "en");
  EXPECT_EQ(l.letterhead.address, "Rådhuspladsen 1\n1550 København V");
  EXPECT_EQ(l.letterhead.phone, "33 66 33 66");
  EXPECT_EQ(l.letterhead.email, "borgerservice@kk.dk");
  EXPECT_EQ(l.letterhead.web, "https://www.kk.dk");
  EXPECT_EQ(l.letterhead.cvr, "64942212");
  EXPECT_EQ(l.letterhead.logo, "logo.png");
  EXPECT_TRUE(l.letterhead.logo_png.empty()) << "parsing alone reads no file";
  EXPECT_EQ(letterhead_logo_path(*r.config, "/etc/sagsflow/kbh.yaml"), "/etc/sagsflow/logo.png");
  ASSERT_TRUE(l.digital_post.has_value());
  EXPECT_EQ(l.digital_post->plugin, "digital_post");
  EXPECT_EQ(l.digital_post->settings.at("endpoint"), "http://127.0.0.1:8099/memo");
  ASSERT_TRUE(l.print.has_value());
  EXPECT_EQ(l.print->settings.at("folder"), "/var/lib/sagsflow/print");
  EXPECT_TRUE(letter_settings_gaps(*r.config).empty());
}

TEST(MunicipalityLetters, WithoutALettersSectionLettersAreDanishAndValidateNamesEveryGap) {
  auto r = parse_municipality(kHead, "m.yaml");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.config->letters.language, "da");
  EXPECT_FALSE(r.config->letters.digital_post.has_value());
  const auto gaps = letter_settings_gaps(*r.config);
  std::string text;
  for (const auto& g : gaps) text += g + "\n";
  ASSERT_EQ(gaps.size(), 4u) << text;
  EXPECT_NE(text.find("letters.digital_post.plugin"), std::string::npos) << text;
  EXPECT_NE(text.find("letters.print.plugin"), std::string::npos) << text;
  EXPECT_NE(text.find("letters.letterhead.address"), std::string::npos) << text;
  EXPECT_NE(text.find("letters.letterhead.cvr"), std::string::npos) << text;
}

TEST(MunicipalityLetters, EveryMistakeIsReportedWhereItIsWritten) {
  auto r = parse_municipality(std::string(kHead) + R"(letters:
  language: de
  letterhead: {adress: Torvet 1, cvr: "6494221", email: borgerservice.kk.dk, web: www.kk.dk}
  digital_post: {settings: {mode: http}}
  print: {plugin: print, settings: {folders: [a, b]}}
  fax: {plugin: fax}
)", "m.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = errors_of(r);
  EXPECT_NE(text.find("m.yaml:3:13: error: letters.language is 'de'; use da or en"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:4:16: error: letters.letterhead has an unknown key 'adress'"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:4:39: error: letters.letterhead.cvr '6494221' is not a CVR number"), std::string::npos)
      << text;
  EXPECT_NE(text.find("letters.letterhead.email 'borgerservice.kk.dk' is not an e-mail address"), std::string::npos)
      << text;
  EXPECT_NE(text.find("letters.letterhead.web 'www.kk.dk' is not a web address"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:5:17: error: letters.digital_post has no 'plugin'"), std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:6:46: error: letters.print.settings.folders must be a single value, found a list"),
            std::string::npos) << text;
  EXPECT_NE(text.find("m.yaml:7:3: error: letters has an unknown key 'fax'"), std::string::npos) << text;
}

TEST(MunicipalityLetters, ACvrNumberIsEightDigitsWithAValidCheckDigit) {
  for (const char* bad : {"64942213", "6494221x", "649422120", "04942212"}) {
    auto r = parse_municipality(std::string(kHead) + "letters: {letterhead: {cvr: \"" + bad + "\"}}\n", "m.yaml");
    EXPECT_FALSE(r.ok()) << bad;
  }
  auto unquoted = parse_municipality(std::string(kHead) + "letters: {letterhead: {cvr: 29189846}}\n", "m.yaml");
  EXPECT_TRUE(unquoted.ok()) << errors_of(unquoted);  // Aarhus Kommune's
  auto nested = parse_municipality(std::string(kHead) + "letters: {letterhead: {cvr: [64942212]}}\n", "m.yaml");
  EXPECT_NE(errors_of(nested).find("letters.letterhead.cvr must be a single value"), std::string::npos);
}

TEST_F(LetterFolder, TheLogoIsReadFromBesideTheFileWhenItIsLoaded) {
  write("logo.png", kTinyPng);
  const std::string file = write("kommune.yaml", std::string(kHead) +
                                                     "letters:\n  letterhead: {address: Torvet 1, logo: logo.png}\n");
  auto r = load_municipality_file(file);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.config->letters.letterhead.logo_png, kTinyPng);
}

TEST_F(LetterFolder, AMissingLogoALogoThatIsNoPngAndAnOversizedOneAreErrorsAtTheLogoKey) {
  const std::string head = std::string(kHead) + "letters:\n  letterhead: {address: Torvet 1, logo: ";
  auto missing = load_municipality_file(write("a.yaml", head + "mangler.png}\n"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(errors_of(missing).find("a.yaml:3:41: error: letters.letterhead.logo: "), std::string::npos)
      << errors_of(missing);
  EXPECT_NE(errors_of(missing).find("mangler.png does not exist"), std::string::npos) << errors_of(missing);

  write("logo.jpg", "\xff\xd8\xff\xe0 a JPEG, not a PNG");
  auto jpeg = load_municipality_file(write("b.yaml", head + "logo.jpg}\n"));
  ASSERT_FALSE(jpeg.ok());
  EXPECT_NE(errors_of(jpeg).find("b.yaml:3:41: error: letters.letterhead.logo: "), std::string::npos) << errors_of(jpeg);
  EXPECT_NE(errors_of(jpeg).find("is not a PNG image"), std::string::npos) << errors_of(jpeg);

  write("stor.png", kTinyPng + std::string(kMaxLogoBytes, '\0'));
  auto big = load_municipality_file(write("c.yaml", head + "stor.png}\n"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(errors_of(big).find("at most 1048576 (1 MiB)"), std::string::npos) << errors_of(big);

  // Exactly the limit is allowed.
  write("graense.png", kTinyPng + std::string(kMaxLogoBytes - kTinyPng.size(), '\0'));
  EXPECT_TRUE(load_municipality_file(write("d.yaml", head + "graense.png}\n")).ok());
}

TEST(MunicipalityLetters, ADeliveryPluginReadsTheSettingsOfItsChannelForThatMunicipality) {
  Organisation org;
  auto kbh = parse_municipality(std::string(kHead) + R"(letters:
  digital_post: {plugin: digital_post, settings: {endpoint: "http://127.0.0.1:8099/memo"}}
  print: {plugin: print, settings: {folder: /srv/print/kbh}}
service_areas:
  passports: {plugin: passport, settings: {fee_kr: "627"}}
)", "kbh.yaml");
  auto aarhus = parse_municipality(R"(municipality: {code: "0751", name: Aarhus Kommune}
letters:
  print: {plugin: print, settings: {folder: /srv/print/aarhus}}
)", "aarhus.yaml");
  ASSERT_TRUE(kbh.ok() && aarhus.ok()) << errors_of(kbh) << errors_of(aarhus);
  org.add(*kbh.config);
  org.add(*aarhus.config);
  EXPECT_EQ(org.plugin_setting("digital_post", "0101", "endpoint"), "http://127.0.0.1:8099/memo");
  EXPECT_EQ(org.plugin_setting("print", "0101", "folder"), "/srv/print/kbh");
  EXPECT_EQ(org.plugin_setting("print", "0751", "folder"), "/srv/print/aarhus");
  EXPECT_EQ(org.plugin_setting("digital_post", "0751", "endpoint"), std::nullopt) << "Aarhus names no such channel";
  EXPECT_EQ(org.plugin_setting("passport", "0101", "fee_kr"), "627") << "service-area settings as before";
  EXPECT_EQ(org.plugin_setting("passport", "0101", "folder"), std::nullopt) << "not another plugin's channel";
}
