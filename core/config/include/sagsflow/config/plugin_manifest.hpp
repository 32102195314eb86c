// The plugin manifest: everything a service-area plugin declares, readable
// without running plugin code. Installed as <id>.plugin.yaml beside the
// library; the library embeds the same text and the loader compares them.
//
// parse_plugin_manifest() never throws and reports every error with file,
// line and column. See docs/sdk.md for the format.
//
// Thread-safety: parsing and FormSpec::check keep no state and may run on any
// thread; the structs are plain values, safe to share read-only.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sagsflow/domain/deadline.hpp"
#include "sagsflow/config/workflow.hpp"
#include "sagsflow/domain/organisation_model.hpp"

namespace sagsflow {

struct PluginTask {
  std::string id;
  std::string title;
  std::vector<StageKind> stages;
  bool simple = true;  // can be resolved at first contact
  Responsibilities responsibilities;
};

enum class FieldType { kString, kInteger, kNumber, kBoolean, kDate, kCpr, kEnum };
const char* field_type_key(FieldType t);

// A text the citizen reads, in Danish and English (`{da: ..., en: ...}`,
// or one plain string, which is both). in("en") is the English text when
// there is one, else the Danish; any other language gets the Danish.
struct LocalText {
  std::string da, en;
  const std::string& in(std::string_view language) const { return language == "en" && !en.empty() ? en : da; }
  bool empty() const { return da.empty() && en.empty(); }
};

// One value of an enum field and its label (`values: [a, {value: b, label: {da, en}}]`).
struct EnumValue {
  std::string value;
  LocalText label;  // empty: the value itself is shown
};

struct FormField {
  std::string name;
  std::string label;       // the Danish label (or the plain one); letters name fields by it
  LocalText labels;        // label per language (labels.da == label)
  LocalText help;          // a help text under the field (`help: {da, en}`), may be empty
  FieldType type = FieldType::kString;
  bool required = false;
  std::optional<double> min, max;           // integer and number
  std::optional<size_t> max_length;         // string
  std::vector<std::string> values;          // enum
  std::vector<EnumValue> value_labels;      // enum: the same values, with their labels
};

// The media types a document of an attachment kind may have when none are declared.
inline const std::vector<std::string>& default_attachment_media_types() {
  static const std::vector<std::string> kDefault{"application/pdf", "image/jpeg", "image/png"};
  return kDefault;
}

struct FormAttachment {
  std::string name;
  std::string label;   // Danish (or plain)
  LocalText labels;
  LocalText help;
  bool required = true;
  // The media types an uploaded document of this kind may have, as libmagic
  // sniffs them from its bytes (`media_types:`); empty: PDF, JPEG and PNG.
  std::vector<std::string> media_types;
  // A lower size limit than the installation's for this kind (`max_bytes:`).
  std::optional<std::size_t> max_bytes;
  const std::vector<std::string>& allowed_media_types() const {
    return media_types.empty() ? default_attachment_media_types() : media_types;
  }
};

// One broken rule of a form: the field and what is wrong, in English (the
// message check() gives after "<field>: ") and in Danish (what a citizen reads).
struct FieldProblem {
  std::string field;
  std::string message;
  std::string message_da;
};

struct FormSpec {
  std::vector<FormField> fields;
  std::vector<FormAttachment> attachments;
  const FormField* field(std::string_view name) const;
  const FormAttachment* attachment(std::string_view name) const;
  // Every broken declarative rule of `fields`, in declaration order, on the
  // terms of check(); with `strict`, also a field the form does not declare
  // and a value that is not a JSON object (field "fields"). The rules the
  // browser runs from the form schema are these.
  std::vector<FieldProblem> problems(const nlohmann::json& fields, bool complete, bool strict = false) const;
  // One message per broken declarative rule of `fields` (a JSON object),
  // "<field>: <what is wrong>", in declaration order; empty when all hold.
  // A field that is absent, null or "" is not checked, except that with
  // `complete` a required one is reported. Fields not declared are ignored.
  std::vector<std::string> check(const nlohmann::json& fields, bool complete) const;
};

struct OwningAuthority {
  std::string kind;  // this_municipality, other_municipality or state
  std::string id;    // for state authorities: "udbetaling-danmark", "skattestyrelsen", "politiet" ...
  std::string name;
};

struct NamedDeadline {
  std::string name;
  DeadlineSpec deadline;
  std::string source;  // the rule it comes from
};

struct ComplaintRoute {
  bool reconsideration = true;  // the deciding authority reconsiders first
  std::string appeals_body;
  std::optional<DeadlineSpec> deadline;
};

struct PluginManifest {
  std::string id, name, version, vendor;
  int abi_major = 0, abi_minor = 0;
  std::string service_area;
  std::vector<std::string> kle_subjects, kle_facets;
  OwningAuthority owning_authority;
  std::vector<OrganisationalModel> models;
  std::vector<PluginTask> tasks;
  FormSpec form;
  std::string workflow_file;  // relative to the manifest
  std::vector<NamedDeadline> deadlines;
  ComplaintRoute complaints;
  std::vector<std::string> life_situations;
  // A delivery plugin's channel (`delivery: {channel: ...}`): "digital_post"
  // or "print"; empty for a service-area plugin. A delivery plugin has no
  // service area, KLE, owning authority, models, tasks, form or workflow.
  std::string delivery_channel;
  bool delivers_letters() const { return !delivery_channel.empty(); }

  nlohmann::json to_json() const;
};

struct PluginManifestParseResult {
  std::optional<PluginManifest> manifest;
  std::vector<Diagnostic> errors;
  bool ok() const { return manifest.has_value(); }
};

// `manifest` is set only when there are no errors.
PluginManifestParseResult parse_plugin_manifest(std::string_view yaml_text, std::string_view file_name);

}  // namespace sagsflow
