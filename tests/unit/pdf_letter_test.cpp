// Letters laid out as PDF (core/letters), read back with poppler's
// pdftotext and pdfinfo as a citizen's PDF reader would: Danish text comes
// out as text, long letters wrap and run over numbered pages, text is never
// taken as markup, odd bytes do not stop a letter, and hostile sizes are
// refused with a reason.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "sagsflow/letters/pdf_letter.hpp"

namespace sagsflow::letters {
namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

class PdfLetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("command -v pdftotext").empty()) GTEST_SKIP() << "poppler-utils (pdftotext) is not installed";
    dir_ = std::filesystem::temp_directory_path() /
           ("sagsflow-pdf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string save(const std::string& pdf) {
    const auto path = (dir_ / "letter.pdf").string();
    std::ofstream(path, std::ios::binary) << pdf;
    return path;
  }
  std::string text_of(const std::string& pdf) { return run("pdftotext -enc UTF-8 " + save(pdf) + " -"); }
  std::string info_of(const std::string& pdf) { return run("pdfinfo -enc UTF-8 " + save(pdf)); }
  int pages_of(const std::string& pdf) {
    std::smatch m;
    const std::string info = info_of(pdf);
    return std::regex_search(info, m, std::regex("Pages:\\s+([0-9]+)")) ? std::stoi(m[1]) : -1;
  }

  static LetterDocument decision() {
    LetterDocument l;
    l.letterhead = {"Eksempel Kommune", "Borgerservice", {"Rådhuspladsen 1, 9999 Eksempelby", "Telefon 70 00 00 00",
                                                           "www.eksempel.dk"}, ""};
    l.recipient = {"Jens Ærø Østergård", "Åbrinken 7", "9999 Eksempelby"};
    l.references = {{"Dato", "3. december 2026"}, {"Sagsnr.", "05.04.02-G01-17-26"}, {"Afgørelse truffet af", "Borgerservice"}};
    l.title = "Afgørelse om pas";
    l.sections = {{"Afgørelse", {"Vi har givet afslag på din ansøgning om pas."}},
                  {"Begrundelse", {"Du har ikke dokumenteret din identitet (passloven § 2).\nSe også vejledningen."}},
                  {"Klagevejledning", {"Du kan klage til Politiet senest den 31. december 2026."}}};
    l.closing = {"Med venlig hilsen", "Carl Nielsen", "Pas og kørekort"};
    l.author = "Eksempel Kommune, Borgerservice";
    l.subject = "05.04.02-G01-17-26";
    return l;
  }

  std::filesystem::path dir_;
};

TEST_F(PdfLetterTest, ADanishDecisionLetterReadsBackAsTextWithItsPageNumberAndMetadata) {
  auto pdf = render_letter_pdf(decision());
  ASSERT_TRUE(pdf.ok()) << pdf.status().to_string();
  ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = text_of(*pdf);
  for (const char* expected : {"Eksempel Kommune", "Jens Ærø Østergård", "Åbrinken 7", "Sagsnr.: 05.04.02-G01-17-26",
                               "Afgørelse om pas", "Begrundelse", "passloven § 2", "Se også vejledningen.",
                               "Klagevejledning", "senest den 31. december 2026", "Med venlig hilsen", "Side 1 af 1"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << text;
  }
  const std::string info = info_of(*pdf);
  EXPECT_NE(info.find("Afgørelse om pas"), std::string::npos) << info;
  EXPECT_NE(info.find("Eksempel Kommune, Borgerservice"), std::string::npos) << info;
  EXPECT_NE(info.find("Sagsflow"), std::string::npos) << info;
  EXPECT_EQ(pages_of(*pdf), 1);
}

TEST_F(PdfLetterTest, ALongLetterWrapsRunsOverPagesAndNumbersEachOfThem) {
  LetterDocument l = decision();
  l.sections.clear();
  for (int s = 1; s <= 30; ++s) {
    Section section{"Afsnit " + std::to_string(s), {}};
    for (int p = 1; p <= 3; ++p) {
      section.paragraphs.push_back("Afsnit " + std::to_string(s) + " stykke " + std::to_string(p) +
                                   ": en lang sætning om sagens oplysninger, som skal ombrydes over flere linjer, "
                                   "fordi den er længere end én linje på en A4-side med almindelige margener.");
    }
    l.sections.push_back(section);
  }
  l.language = "en";
  auto pdf = render_letter_pdf(l);
  ASSERT_TRUE(pdf.ok()) << pdf.status().to_string();
  const int pages = pages_of(*pdf);
  ASSERT_GT(pages, 2);
  const std::string text = text_of(*pdf);
  for (int p = 1; p <= pages; ++p) {
    const std::string footer = "Page " + std::to_string(p) + " of " + std::to_string(pages);
    EXPECT_NE(text.find(footer), std::string::npos) << footer;
  }
  EXPECT_EQ(text.find("Page " + std::to_string(pages + 1) + " of"), std::string::npos) << "no empty page at the end";
  // Every paragraph is there, in order, none cut off at a page break.
  size_t at = 0;
  for (int s = 1; s <= 30; ++s) {
    for (int p = 1; p <= 3; ++p) {
      const std::string start = "Afsnit " + std::to_string(s) + " stykke " + std::to_string(p) + ":";
      const size_t found = text.find(start, at);
      ASSERT_NE(found, std::string::npos) << start;
      at = found;
    }
  }
  EXPECT_NE(text.find("Med venlig hilsen", at), std::string::npos) << "the closing comes after the body";
}

TEST_F(PdfLetterTest, TextIsNeverMarkupAndOddBytesAndControlCharactersDoNotStopALetter) {
  LetterDocument l = decision();
  l.recipient = {"<b>Jens</b> & <i>Co</i>", std::string("Bad \xff\xfe bytes\x01 and \x1b[31m escapes")};
  l.sections = {{"", {"A very long word: " + std::string(400, 'x') + " ends here."}}};
  auto pdf = render_letter_pdf(l);
  ASSERT_TRUE(pdf.ok()) << pdf.status().to_string();
  const std::string text = text_of(*pdf);
  EXPECT_NE(text.find("<b>Jens</b> & <i>Co</i>"), std::string::npos) << text;
  EXPECT_NE(text.find("Bad"), std::string::npos);
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << "a bad byte reads as U+FFFD";
  EXPECT_NE(text.find("ends here."), std::string::npos);
  // The long word is broken over lines without a hyphen added: all 400 x's, nothing else between them.
  std::string squeezed;
  for (char c : text) {
    if (c != '\n' && c != ' ') squeezed += c;
  }
  EXPECT_NE(squeezed.find(std::string(400, 'x') + "endshere."), std::string::npos);
}

TEST_F(PdfLetterTest, HostileSizesAndABadLogoAreRefusedNamingWhy) {
  LetterDocument big = decision();
  big.sections = {{"", {std::string(3 * 1024 * 1024, 'a')}}};
  auto refused = render_letter_pdf(big);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("bytes"), std::string::npos) << refused.status().message();

  LetterDocument endless = decision();
  endless.sections = {{"", std::vector<std::string>(400, "Et stykke.")}};
  PdfOptions few;
  few.max_pages = 3;
  auto too_long = render_letter_pdf(endless, few);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("more than 3 pages"), std::string::npos) << too_long.status().message();

  LetterDocument logo = decision();
  logo.letterhead.logo_png = "GIF89a not a png";
  auto bad_logo = render_letter_pdf(logo);
  ASSERT_FALSE(bad_logo.ok());
  EXPECT_NE(bad_logo.status().message().find("logo"), std::string::npos) << bad_logo.status().message();
}

TEST_F(PdfLetterTest, AValidPngLogoIsPlacedAndTheTextStaysReadable) {
  // A 2x2 red PNG.
  static const unsigned char kPng[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
      0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00,
      0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x44, 0x0c, 0x10, 0x0a, 0x00, 0x1f,
      0xee, 0x03, 0xfd, 0x8b, 0x5f, 0x14, 0xd4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
      0x82};
  LetterDocument l = decision();
  l.letterhead.logo_png.assign(reinterpret_cast<const char*>(kPng), sizeof(kPng));
  auto pdf = render_letter_pdf(l);
  ASSERT_TRUE(pdf.ok()) << pdf.status().to_string();
  EXPECT_NE(text_of(*pdf).find("Afgørelse om pas"), std::string::npos);
  EXPECT_NE(run("pdfimages -list " + save(*pdf)).find("rgb"), std::string::npos) << "the logo is in the PDF";
}

}  // namespace
}  // namespace sagsflow::letters
