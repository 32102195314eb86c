// A document scanner (plugin ABI 1.1) written with the SDK's C++ wrapper: it
// rejects a document holding the EICAR anti-virus test signature, throws on
// one holding SCANNER-THROWS, and crashes its process on SCANNER-CRASHES.
#include <sagsflow/plugin.hpp>

#include <cstdlib>
#include <string>

class ScanningPermit : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;
  static constexpr bool kScansDocuments = true;

  sagsflow::sdk::ScanVerdict scan_document(const nlohmann::json& metadata, std::string_view content) override {
    if (content.find("SCANNER-CRASHES") != std::string_view::npos) std::abort();
    if (content.find("SCANNER-THROWS") != std::string_view::npos) throw std::runtime_error("the scanner broke");
    if (content.find("EICAR-STANDARD-ANTIVIRUS-TEST-FILE") != std::string_view::npos) {
      return sagsflow::sdk::ScanVerdict::rejected("the EICAR test signature was found in " +
                                                  metadata.value("name", std::string("the document")));
    }
    if (metadata.value("size", -1LL) != static_cast<long long>(content.size())) {
      return sagsflow::sdk::ScanVerdict::rejected("the metadata's size is not the content's");
    }
    return sagsflow::sdk::ScanVerdict::accepted();
  }
};

SAGSFLOW_PLUGIN(ScanningPermit)
