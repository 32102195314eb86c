// MockHost: GoogleMock stand-ins for every host function of the plugin ABI.
//
//   sagsflow::testing::MockHost host;
//   EXPECT_CALL(host, config("max_income")).WillOnce(Return("300000"));
//   const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
//   // ... call d->validate_form(d->instance, ...), or errors_of(d, a_case(...))
//   // and the other helpers of <sagsflow/testing/plugin_calls.hpp> (included).
//
// Link the plugin's code into the test with the NAME_code target that
// sagsflow_add_plugin() creates. Unset calls return "not found"/SF_ERROR.
// A MockHost is used from the test's thread only.
#pragma once

#include <gmock/gmock.h>

#include <cstring>
#include <optional>
#include <string>

#include "sagsflow/plugin_abi.h"
#include "sagsflow/testing/plugin_calls.hpp"

extern "C" const sf_plugin_descriptor* sagsflow_plugin_entry(const sf_host_api* host);

namespace sagsflow::testing {

class MockHost {
 public:
  MOCK_METHOD(void, log, (int level, const std::string& message));
  MOCK_METHOD(std::optional<std::string>, config, (const std::string& key));
  MOCK_METHOD(std::optional<std::string>, read_case, (int64_t case_id));
  MOCK_METHOD(int, add_note, (int64_t case_id, const std::string& text));
  MOCK_METHOD(int, add_event, (int64_t case_id, const std::string& kind, const std::string& data_json));

  MockHost() {
    api_.struct_size = sizeof(sf_host_api);
    api_.abi_major = SAGSFLOW_ABI_MAJOR;
    api_.abi_minor = SAGSFLOW_ABI_MINOR;
    api_.host = this;
    api_.log = [](void* h, int level, const char* m) { self(h)->log(level, m ? m : ""); };
    api_.config_get = [](void* h, const char* key, char* buf, size_t cap, size_t* needed) {
      return copy(self(h)->config(key ? key : ""), buf, cap, needed);
    };
    api_.case_read = [](void* h, int64_t id, char* buf, size_t cap, size_t* needed) {
      return copy(self(h)->read_case(id), buf, cap, needed);
    };
    api_.case_add_note = [](void* h, int64_t id, const char* text) { return self(h)->add_note(id, text ? text : ""); };
    api_.case_add_event = [](void* h, int64_t id, const char* kind, const char* data) {
      return self(h)->add_event(id, kind ? kind : "", data ? data : "");
    };
  }
  MockHost(const MockHost&) = delete;
  MockHost& operator=(const MockHost&) = delete;

  const sf_host_api* api() const { return &api_; }

 private:
  static MockHost* self(void* h) { return static_cast<MockHost*>(h); }
  static int copy(const std::optional<std::string>& value, char* buf, size_t cap, size_t* needed) {
    if (!value) return SF_NOT_FOUND;
    if (needed) *needed = value->size() + 1;
    if (buf == nullptr || cap < value->size() + 1) return SF_TOO_SMALL;
    std::memcpy(buf, value->c_str(), value->size() + 1);
    return SF_OK;
  }
  sf_host_api api_{};
};

}  // namespace sagsflow::testing
