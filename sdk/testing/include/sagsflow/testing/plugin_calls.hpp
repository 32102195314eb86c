// Calling a plugin's descriptor from a test, in JSON (header-only, GoogleTest).
//
//   NiceMock<MockHost> host;
//   const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
//   EXPECT_THAT(errors_of(d, a_case({{"kind", "renewal"}})),
//               Contains("previous_permit: a renewal must name the previous permit"));
//   EXPECT_EQ(proposal_of(d, a_case({{"income", 310000}}))["outcome"], "refused");
//
// CallJson(d, fn, text)     calls d->validate_form / propose_decision /
//                           on_case_event (any int(void*, const char*, char**))
//                           with `text`, frees the answer with d->free_string;
//                           returns {status code, answer text ("" for none)}.
// call_json(d, fn, j)       the same with JSON in, parsed JSON out; a failure
//                           (a code other than SF_OK, or an answer that is
//                           not JSON) is a test failure (ADD_FAILURE) and
//                           gives null.
// errors_of(d, c)           d->validate_form on the case `c`: its errors as
//                           "field: message" lines, in the plugin's order.
// proposal_of(d, c)         d->propose_decision on `c`: the proposal
//                           {outcome, reasons, details}, or null for none.
// event_to(d, e)            d->on_case_event with the event `e`: the status
//                           code; the error text (if any) goes to *error.
// delivery_of(d, l, pdf)    d->deliver_letter (ABI 1.2) with the letter `l`
//                           and the PDF's bytes: the answer {status,
//                           receipt|reason}; a code other than SF_OK, no
//                           deliver_letter or an answer that is not JSON is a
//                           test failure and gives null.
// a_case(fields, extra)     a case shaped as the host hands it to a plugin:
//                           id 1, citizen "070761-XXXX" (masked), opened and
//                           last changed 2026-11-23T09:00:00Z, not decided,
//                           no attachments, `fields`; then every key of
//                           `extra` replaces or adds to that.
// attachments(names)        {"attachments": [{"name": n}, ...]}, for `extra`.
// None of these keep state; use them from any test thread.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "sagsflow/plugin_abi.h"

namespace sagsflow::testing {

using PluginFunction = int (*)(void*, const char*, char**);

inline std::pair<int, std::string> CallJson(const sf_plugin_descriptor* d, PluginFunction fn,
                                            const std::string& input) {
  char* out = nullptr;
  const int rc = fn(d->instance, input.c_str(), &out);
  std::string text = out ? out : "";
  if (out) d->free_string(out);
  return {rc, text};
}

inline nlohmann::json call_json(const sf_plugin_descriptor* d, PluginFunction fn, const nlohmann::json& input) {
  const auto [rc, out] = CallJson(d, fn, input.dump());
  if (rc != SF_OK) {
    ADD_FAILURE() << "the plugin answered " << rc << " (not SF_OK): " << out;
    return nullptr;
  }
  auto answer = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    ADD_FAILURE() << "the plugin's answer is not JSON: " << out;
    return nullptr;
  }
  return answer;
}

inline std::vector<std::string> errors_of(const sf_plugin_descriptor* d, const nlohmann::json& c) {
  const nlohmann::json answer = call_json(d, d->validate_form, c);
  std::vector<std::string> lines;
  if (answer.is_null()) return lines;
  if (!answer.contains("errors") || !answer.at("errors").is_array()) {
    ADD_FAILURE() << "validate_form's answer has no \"errors\" list: " << answer.dump();
    return lines;
  }
  for (const auto& e : answer.at("errors")) {
    lines.push_back(e.value("field", "") + ": " + e.value("message", ""));
  }
  return lines;
}

inline nlohmann::json proposal_of(const sf_plugin_descriptor* d, const nlohmann::json& c) {
  return call_json(d, d->propose_decision, c);
}

inline int event_to(const sf_plugin_descriptor* d, const nlohmann::json& event, std::string* error = nullptr) {
  const auto [rc, out] = CallJson(d, d->on_case_event, event.dump());
  if (error) *error = out;
  return rc;
}

inline nlohmann::json delivery_of(const sf_plugin_descriptor* d, const nlohmann::json& letter,
                                  const std::string& pdf) {
  if (d->struct_size < SAGSFLOW_DESCRIPTOR_SIZE_1_1 + sizeof(void*) || d->deliver_letter == nullptr) {
    ADD_FAILURE() << "the plugin offers no deliver_letter (kDeliversLetters, abi minor 2)";
    return nullptr;
  }
  char* out = nullptr;
  const int rc = d->deliver_letter(d->instance, letter.dump().c_str(),
                                   reinterpret_cast<const unsigned char*>(pdf.data()), pdf.size(), &out);
  const std::string text = out ? out : "";
  if (out) d->free_string(out);
  if (rc != SF_OK) {
    ADD_FAILURE() << "the plugin answered " << rc << " (not SF_OK): " << text;
    return nullptr;
  }
  auto answer = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    ADD_FAILURE() << "the plugin's answer is not JSON: " << text;
    return nullptr;
  }
  return answer;
}

inline nlohmann::json a_case(nlohmann::json fields = nlohmann::json::object(),
                             const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json c = {{"id", 1},
                      {"citizen", "070761-XXXX"},
                      {"opened_at", "2026-11-23T09:00:00Z"},
                      {"updated_at", "2026-11-23T09:00:00Z"},
                      {"decided_on", nullptr},
                      {"attachments", nlohmann::json::array()},
                      {"fields", std::move(fields)}};
  c.update(extra);
  return c;
}

inline nlohmann::json attachments(std::initializer_list<std::string> names) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& n : names) list.push_back({{"name", n}});
  return {{"attachments", list}};
}

}  // namespace sagsflow::testing
