#include "plugin_library.hpp"

#include <fmt/format.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/thread_annotations.hpp"
#include "sagsflow/plugin_abi.h"

namespace sagsflow::detail {

namespace {

// The size of a version 1.0 descriptor: anything smaller is not one.
constexpr size_t kMinDescriptorSize = offsetof(sf_plugin_descriptor, shutdown) + sizeof(void*);

// Libraries are never unloaded (a plugin's objects must keep its code loaded).
struct Libraries {
  Mutex mutex;
  std::vector<boost::dll::shared_library> kept GUARDED_BY(mutex);
};
Libraries& libraries() {
  static auto* l = new Libraries();  // intentionally never destroyed
  return *l;
}

int copy_out(const std::string& text, char* buf, size_t cap, size_t* needed) {
  if (needed) *needed = text.size() + 1;
  if (buf == nullptr || cap < text.size() + 1) return SF_TOO_SMALL;
  std::memcpy(buf, text.c_str(), text.size() + 1);
  return SF_OK;
}

}  // namespace

int sf_code(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kOk: return SF_OK;
    case ErrorCode::kNotFound: return SF_NOT_FOUND;
    case ErrorCode::kForbidden: return SF_FORBIDDEN;
    default: return SF_ERROR;
  }
}

struct PluginLibrary::HostTable {
  sf_host_api api{};
  PluginServices* services = nullptr;
};

namespace {

PluginServices& svc(void* h) { return *static_cast<PluginLibrary::HostTable*>(h)->services; }

void host_log(void* h, int level, const char* message) {
  try {
    svc(h).log(level, message ? message : "");
  } catch (...) {
  }
}

int host_config_get(void* h, const char* key, char* buf, size_t cap, size_t* needed) {
  try {
    if (!key) return SF_ERROR;
    auto value = svc(h).config_get(key);
    if (!value.ok()) return sf_code(value.status());
    return copy_out(*value, buf, cap, needed);
  } catch (...) {
    return SF_ERROR;
  }
}

int host_case_read(void* h, int64_t case_id, char* buf, size_t cap, size_t* needed) {
  try {
    auto text = svc(h).case_read(case_id);
    if (!text.ok()) return sf_code(text.status());
    return copy_out(*text, buf, cap, needed);
  } catch (...) {
    return SF_ERROR;
  }
}

int host_case_add_note(void* h, int64_t case_id, const char* text) {
  try {
    return sf_code(svc(h).case_add_note(case_id, text ? text : ""));
  } catch (...) {
    return SF_ERROR;
  }
}

int host_case_add_event(void* h, int64_t case_id, const char* kind, const char* data_json) {
  try {
    return sf_code(svc(h).case_add_event(case_id, kind ? kind : "", data_json ? data_json : "null"));
  } catch (...) {
    return SF_ERROR;
  }
}

}  // namespace

Result<std::unique_ptr<PluginLibrary>> PluginLibrary::load(const InspectedPlugin& info, PluginServices& services) {
  const auto& m = info.manifest;
  boost::dll::shared_library lib;
  try {
    lib.load(info.library_path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("it is not a loadable shared library: ") + e.what());
  }
  {
    auto& kept = libraries();
    MutexLock lock(kept.mutex);
    kept.kept.push_back(lib);  // never unloaded from here on
  }
  if (!lib.has(SAGSFLOW_PLUGIN_ENTRY_NAME)) {
    return InvalidArgument(std::string("it has no entry point '") + SAGSFLOW_PLUGIN_ENTRY_NAME + "'");
  }
  auto entry = lib.get<const sf_plugin_descriptor*(const sf_host_api*)>(SAGSFLOW_PLUGIN_ENTRY_NAME);

  std::unique_ptr<PluginLibrary> loaded(new PluginLibrary());
  loaded->id_ = m.id;
  loaded->table_ = std::make_unique<HostTable>();
  auto& api = loaded->table_->api;
  loaded->table_->services = &services;
  api.struct_size = sizeof(sf_host_api);
  api.abi_major = kHostAbiMajor;
  api.abi_minor = kHostAbiMinor;
  api.host = loaded->table_.get();
  api.log = &host_log;
  api.config_get = &host_config_get;
  api.case_read = &host_case_read;
  api.case_add_note = &host_case_add_note;
  api.case_add_event = &host_case_add_event;

  const sf_plugin_descriptor* d = nullptr;
  try {
    d = entry(&api);
  } catch (...) {
    return InvalidArgument("its entry point threw an exception");
  }
  if (d == nullptr) {
    return InvalidArgument("its entry point returned no descriptor (the plugin refused to start; see its log lines)");
  }
  if (d->struct_size < kMinDescriptorSize) {
    return InvalidArgument(fmt::format("its descriptor is {} bytes, smaller than a version {}.0 descriptor ({})",
                                       d->struct_size, kHostAbiMajor, kMinDescriptorSize));
  }
  if (d->abi_major != kHostAbiMajor || d->abi_minor > kHostAbiMinor) {
    return InvalidArgument(fmt::format("the library reports plugin ABI {}.{}, this Sagsflow speaks {}.{}",
                                       d->abi_major, d->abi_minor, kHostAbiMajor, kHostAbiMinor));
  }
  if (d->abi_major != m.abi_major || d->abi_minor != m.abi_minor) {
    return InvalidArgument(fmt::format("manifest and library disagree: manifest says ABI {}.{}, library {}.{}",
                                       m.abi_major, m.abi_minor, d->abi_major, d->abi_minor));
  }
  const auto str = [](const char* s) { return s ? std::string(s) : std::string("(none)"); };
  if (str(d->id) != m.id || str(d->version) != m.version) {
    return InvalidArgument(fmt::format("manifest and library disagree: manifest says {} {}, library {} {}", m.id,
                                       m.version, str(d->id), str(d->version)));
  }
  if (d->manifest == nullptr || info.manifest_text != d->manifest) {
    return InvalidArgument(
        "manifest and library disagree: the installed manifest is not the one the library was built with");
  }
  loaded->descriptor_ = d;
  return loaded;
}

PluginLibrary::~PluginLibrary() { shutdown(); }

void PluginLibrary::shutdown() {
  if (shut_down_ || descriptor_ == nullptr) return;
  shut_down_ = true;
  if (descriptor_->shutdown == nullptr) return;
  try {
    descriptor_->shutdown(descriptor_->instance);
  } catch (...) {
    logger()->error("plugin {} threw during shutdown", id_);
  }
}

namespace {
using CallFn = int (*)(void*, const char*, char**);
CallFn function_for(const sf_plugin_descriptor* d, const std::string& operation) {
  if (d == nullptr) return nullptr;
  if (operation == "validate_form") return d->validate_form;
  if (operation == "propose_decision") return d->propose_decision;
  if (operation == "on_case_event") return d->on_case_event;
  return nullptr;
}
}  // namespace

namespace {
// The scan function, when the descriptor is of ABI 1.1 or later and has one.
using ScanFn = int (*)(void*, const char*, const unsigned char*, size_t, char**);
ScanFn scan_function(const sf_plugin_descriptor* d) {
  if (d == nullptr || d->abi_minor < 1 ||
      d->struct_size < offsetof(sf_plugin_descriptor, scan_document) + sizeof(ScanFn)) {
    return nullptr;
  }
  return d->scan_document;
}

// The delivery function, when the descriptor is of ABI 1.2 or later and has one.
using DeliverFn = int (*)(void*, const char*, const unsigned char*, size_t, char**);
DeliverFn deliver_function(const sf_plugin_descriptor* d) {
  if (d == nullptr || d->abi_minor < 2 ||
      d->struct_size < offsetof(sf_plugin_descriptor, deliver_letter) + sizeof(DeliverFn)) {
    return nullptr;
  }
  return d->deliver_letter;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string scan_input(const std::string& metadata_json, std::string_view content) {
  static const char* kDigits = "0123456789abcdef";
  std::string hex(content.size() * 2, '\0');
  for (size_t i = 0; i < content.size(); ++i) {
    const auto b = static_cast<unsigned char>(content[i]);
    hex[2 * i] = kDigits[b >> 4];
    hex[2 * i + 1] = kDigits[b & 15];
  }
  return nlohmann::json{{"metadata", metadata_json}, {"content_hex", std::move(hex)}}.dump();
}

std::string deliver_input(const std::string& letter_json, std::string_view pdf) { return scan_input(letter_json, pdf); }

namespace {
// scan_input's parts back: the metadata text and the bytes; false when malformed.
bool read_scan_input(const std::string& input, std::string& metadata, std::string& content) {
  auto j = nlohmann::json::parse(input, nullptr, false);
  if (!j.is_object() || !j.contains("metadata") || !j["metadata"].is_string() || !j.contains("content_hex") ||
      !j["content_hex"].is_string()) {
    return false;
  }
  metadata = j["metadata"].get<std::string>();
  const auto& hex = j["content_hex"].get_ref<const std::string&>();
  if (hex.size() % 2 != 0) return false;
  content.assign(hex.size() / 2, '\0');
  for (size_t i = 0; i < content.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    content[i] = static_cast<char>(hi * 16 + lo);
  }
  return true;
}
}  // namespace

bool PluginLibrary::offers(const std::string& operation) const {
  if (operation == "scan_document") return scan_function(descriptor_) != nullptr;
  if (operation == "deliver_letter") return deliver_function(descriptor_) != nullptr;
  return function_for(descriptor_, operation) != nullptr;
}

RawAnswer PluginLibrary::call(const std::string& operation, const std::string& input) const {
  RawAnswer answer;
  if (operation == "scan_document" || operation == "deliver_letter") {
    // Both take a JSON text and bytes (scan_input / deliver_input) and have the same signature.
    const bool scanning = operation == "scan_document";
    ScanFn scan = scanning ? scan_function(descriptor_) : deliver_function(descriptor_);
    std::string metadata, content;
    if (scan == nullptr) {
      answer.out = "the plugin does not offer " + operation;
      return answer;
    }
    if (!read_scan_input(input, metadata, content)) {
      answer.out = scanning ? "the document to scan was garbled on its way to the plugin"
                            : "the letter to deliver was garbled on its way to the plugin";
      return answer;
    }
    char* out = nullptr;
    try {
      answer.rc = scan(descriptor_->instance, metadata.c_str(), reinterpret_cast<const unsigned char*>(content.data()),
                       content.size(), &out);
    } catch (const std::exception& e) {
      answer.thrown = *e.what() ? e.what() : "an exception without a message";
    } catch (...) {
      answer.thrown = "an unknown exception";
    }
    answer.out = out ? std::string(out) : std::string();
    if (out && descriptor_->free_string) descriptor_->free_string(out);
    return answer;
  }
  CallFn fn = function_for(descriptor_, operation);
  if (fn == nullptr) {
    answer.out = "the plugin does not offer " + operation;
    return answer;
  }
  char* out = nullptr;
  try {
    answer.rc = fn(descriptor_->instance, input.c_str(), &out);
  } catch (const std::exception& e) {
    answer.thrown = *e.what() ? e.what() : "an exception without a message";
  } catch (...) {
    answer.thrown = "an unknown exception";
  }
  answer.out = out ? std::string(out) : std::string();
  if (out && descriptor_->free_string) descriptor_->free_string(out);
  return answer;
}

}  // namespace sagsflow::detail
