// print: letters for citizens exempt from Digital Post, appended to the day's
// batch for the print provider: <folder>/<YYYY-MM-DD>/<letter_id>-<key
// hash>.pdf and a line in <folder>/<YYYY-MM-DD>/batch.csv (letter id, case
// number, recipient name, CPR number - the provider looks the address up in
// the CPR register - and the PDF's file name). At least once, delivered
// once: <folder>/.keys/<sha256 of the idempotency key> remembers the batch
// date of a letter (written before anything else) and then its receipt, so a
// letter that comes again, even after a crash half-way or on a later day,
// adds nothing and gets the same receipt ("print batch <date>, line N").
// Everything is fsynced before the answer; files 0600, folders 0700. Never
// logs the CPR number.
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <sys/file.h>

#include <sagsflow/plugin.hpp>
#include <sagsflow/plugin_helpers.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "durable_file.hpp"

namespace {
using sagsflow::sdk::DeliveryResult;
using nlohmann::json;
namespace files = sagsflow_plugins;

std::string sha256_hex(const std::string& s) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(s);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csv(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Today in Copenhagen, YYYY-MM-DD.
std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &utc);
  auto d = sagsflow::sdk::copenhagen_date(ts);
  return d ? sagsflow::sdk::format_date(*d) : std::string(ts, 10);
}

bool is_date(const std::string& s) { return sagsflow::sdk::parse_date(s).has_value(); }

class Print : public sagsflow::sdk::Plugin {
 public:
  using Plugin::Plugin;
  static constexpr bool kDeliversLetters = true;

  DeliveryResult deliver_letter(const json& letter, std::string_view pdf) override {
    const std::string folder = host().config("folder").value_or("");
    if (folder.empty()) return DeliveryResult::retry("print is not configured: set folder");
    const std::string key = letter.value("idempotency_key", "");
    if (key.empty()) return DeliveryResult::retry("the letter has no idempotency_key");
    const json& recipient = letter.contains("recipient") && letter.at("recipient").is_object() ? letter.at("recipient")
                                                                                               : json::object();
    const long long letter_id = letter.value("letter_id", 0LL);
    const std::string hash = sha256_hex(key);
    const std::string keys = folder + "/.keys";
    for (const auto& dir : {folder, keys}) {
      if (auto err = files::ensure_directory(dir); !err.empty()) return DeliveryResult::retry(err);
    }
    // The key's record: "<date>\n" while the letter is being added, "<date>\n<receipt>\n" after.
    std::string date;
    const std::string record_path = keys + "/" + hash;
    if (files::file_exists(record_path)) {
      std::istringstream record(read_file(record_path));
      std::string receipt;
      std::getline(record, date);
      std::getline(record, receipt);
      if (!receipt.empty()) return DeliveryResult::delivered(receipt);  // delivered before: nothing new
      if (!is_date(date)) return DeliveryResult::retry("the record of this letter in " + keys + " is damaged");
    } else {
      date = today();
      if (auto err = files::write_atomically(keys, hash, date + "\n"); !err.empty()) return DeliveryResult::retry(err);
    }
    const std::string batch = folder + "/" + date;
    if (auto err = files::ensure_directory(batch); !err.empty()) return DeliveryResult::retry(err);
    const std::string pdf_name = std::to_string(letter_id) + "-" + hash.substr(0, 16) + ".pdf";
    if (!files::file_exists(batch + "/" + pdf_name)) {
      if (auto err = files::write_atomically(batch, pdf_name, pdf); !err.empty()) return DeliveryResult::retry(err);
    }
    int line = 0;
    if (auto err = add_line(batch, pdf_name, letter, recipient, line); !err.empty()) return DeliveryResult::retry(err);
    const std::string receipt = "print batch " + date + ", line " + std::to_string(line);
    if (auto err = files::write_atomically(keys, hash, date + "\n" + receipt + "\n"); !err.empty()) {
      return DeliveryResult::retry(err);
    }
    host().log(SF_LOG_INFO, "letter " + std::to_string(letter_id) + " added to " + receipt);
    return DeliveryResult::delivered(receipt);
  }

 private:
  // The letter's line in batch.csv (added, unless a run that crashed added it already): its number, 1 for the first.
  static std::string add_line(const std::string& batch, const std::string& pdf_name, const json& letter,
                              const json& recipient, int& line) {
    const std::string path = batch + "/batch.csv";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return "opening " + path + ": " + std::strerror(errno);
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    if (::flock(fd, LOCK_EX) != 0) return "locking " + path + ": " + std::strerror(errno);  // other workers append too
    std::istringstream existing(read_file(path));
    std::string row;
    int rows = -1;  // the header is not a line of the batch
    bool any = false;
    while (std::getline(existing, row)) {
      any = true;
      ++rows;
      if (rows > 0 && row.size() > pdf_name.size() && row.compare(row.size() - pdf_name.size(), pdf_name.size(),
                                                                   pdf_name) == 0) {
        line = rows;  // added before a crash: not again
        return {};
      }
    }
    std::string text;
    const std::string so_far = read_file(path);
    if (!so_far.empty() && so_far.back() != '\n') text = "\n";  // a line torn by a crash stays on its own
    if (!any) {
      text = "letter_id,case_number,recipient_name,cpr,file\n";
      rows = 0;
    }
    text += std::to_string(letter.value("letter_id", 0LL)) + "," + csv(letter.value("case_number", "")) + "," +
            csv(recipient.value("name", "")) + "," + csv(recipient.value("cpr", "")) + "," + pdf_name + "\n";
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return "writing " + path + ": " + std::strerror(errno);
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return "syncing " + path + ": " + std::strerror(errno);
    if (auto err = files::fsync_directory(batch); !err.empty()) return err;
    line = rows + 1;
    return {};
  }
};

}  // namespace

SAGSFLOW_PLUGIN(Print)
