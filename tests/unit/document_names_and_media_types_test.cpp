// What a document is comes from its bytes (libmagic), never from its name; a
// declared file name is made safe to store and to send in Content-Disposition.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "sagsflow/documents/document_store.hpp"
#include "sagsflow/documents/media_type.hpp"

namespace sagsflow::documents {
namespace {

const std::string kPdf = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";
const std::string kJpeg = std::string("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00", 29);

TEST(DocumentMediaTypes, AreSniffedFromTheBytes) {
  EXPECT_EQ(sniff_media_type(kPdf).value(), "application/pdf");
  EXPECT_EQ(sniff_media_type(kJpeg).value(), "image/jpeg");
  EXPECT_EQ(sniff_media_type(kPng).value(), "image/png");
  EXPECT_EQ(sniff_media_type("").value(), "application/x-empty");
  EXPECT_EQ(sniff_media_type("just some words\n").value(), "text/plain");
  const std::string elf = std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(57, '\0');
  EXPECT_NE(sniff_media_type(elf).value(), "application/pdf");
}

TEST(DocumentMediaTypes, AreSniffedOnManyThreadsAtOnceEachWithItsOwnDatabase) {
  std::vector<std::thread> threads;
  std::vector<int> right(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) right[t] += sniff_media_type(i % 2 ? kPng : kPdf).value() == (i % 2 ? "image/png" : "application/pdf");
    });
  }
  for (auto& th : threads) th.join();
  for (int r : right) EXPECT_EQ(r, 50);
}

TEST(DocumentFileNames, LosePathPartsControlCharactersAndUnsafeCharacters) {
  EXPECT_EQ(sanitise_file_name("../../etc/passwd", "application/pdf"), "passwd.pdf");
  EXPECT_EQ(sanitise_file_name("C:\\Users\\jens\\lejekontrakt.pdf", "application/pdf"), "lejekontrakt.pdf");
  EXPECT_EQ(sanitise_file_name("a\r\nSet-Cookie: x.pdf", "application/pdf"), "aSet-Cookie_ x.pdf");
  EXPECT_EQ(sanitise_file_name("\"quoted\".pdf", "application/pdf"), "_quoted_.pdf");
  EXPECT_EQ(sanitise_file_name("..", "application/pdf"), "document.pdf");
  EXPECT_EQ(sanitise_file_name("", "image/png"), "document.png");
  EXPECT_EQ(sanitise_file_name(".hidden.pdf", "application/pdf"), "hidden.pdf");
  EXPECT_EQ(sanitise_file_name("pas\xe2\x80\xae" "fdp.exe", "application/pdf"), "pas_fdp.exe.pdf");  // no right-to-left override
  EXPECT_EQ(sanitise_file_name("bad\xff\xfe.pdf", "application/pdf"), "bad__.pdf");
  EXPECT_EQ(sanitise_file_name("Pasfoto Ærø.JPEG", "image/jpeg"), "Pasfoto Ærø.JPEG");
}

TEST(DocumentFileNames, NameWhatTheBytesAreNotWhatTheClientSaid) {
  EXPECT_EQ(sanitise_file_name("photo.pdf", "image/png"), "photo.png");
  EXPECT_EQ(sanitise_file_name("scan.final", "application/pdf"), "scan.final.pdf");
  EXPECT_EQ(sanitise_file_name("tool.exe", "application/x-executable"), "tool.exe");
}

TEST(DocumentFileNames, AreBoundedOnACharacterBoundaryKeepingTheExtension) {
  std::string long_name;
  for (int i = 0; i < 100; ++i) long_name += "æ";
  const std::string out = sanitise_file_name(long_name + ".pdf", "application/pdf");
  EXPECT_LE(out.size(), kMaxFileNameBytes);
  EXPECT_EQ(out.substr(out.size() - 4), ".pdf");
  EXPECT_EQ((out.size() - 4) % 2, 0u) << "no æ cut in half";
}

TEST(DocumentFileNames, AreRenderedSafelyForContentDisposition) {
  EXPECT_EQ(ascii_file_name("Ærø \"x\".pdf"), "_r_ _x_.pdf");
  EXPECT_EQ(rfc8187_encode("Ærø x.pdf"), "%C3%86r%C3%B8%20x.pdf");
}

TEST(DocumentContent, IsAddressedByItsSha256) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace sagsflow::documents
