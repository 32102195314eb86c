#include "sagsflow/config/plugin_manifest.hpp"

#include <array>

#include "config_parts.hpp"
#include "sagsflow/domain/blank_text.hpp"
#include "sagsflow/domain/calendar.hpp"
#include "sagsflow/domain/case_number.hpp"
#include "sagsflow/domain/cpr.hpp"
#include "yaml_checker.hpp"

namespace sagsflow {
using nlohmann::json;

namespace {
constexpr std::array<std::pair<FieldType, const char*>, 7> kFieldTypes{{
    {FieldType::kString, "string"},
    {FieldType::kInteger, "integer"},
    {FieldType::kNumber, "number"},
    {FieldType::kBoolean, "boolean"},
    {FieldType::kDate, "date"},
    {FieldType::kCpr, "cpr"},
    {FieldType::kEnum, "enum"},
}};
}  // namespace

const char* field_type_key(FieldType t) { return to_key(kFieldTypes, t); }

const FormField* FormSpec::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FormAttachment* FormSpec::attachment(std::string_view name) const {
  for (const auto& a : attachments) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

namespace {
std::string number_text(double d) {
  if (d == static_cast<double>(static_cast<long long>(d))) return std::to_string(static_cast<long long>(d));
  return fmt::format("{}", d);
}
}  // namespace

std::vector<FieldProblem> FormSpec::problems(const json& values, bool complete, bool strict) const {
  std::vector<FieldProblem> out;
  if (!values.is_object()) {
    if (strict || !values.is_null()) out.push_back({"fields", "must be a JSON object of field values",
                                                    "skal være et JSON-objekt med feltværdier"});
    return out;
  }
  for (const auto& f : fields) {
    const bool present = values.contains(f.name) && !values.at(f.name).is_null() &&
                         !(values.at(f.name).is_string() && values.at(f.name).get<std::string>().empty());
    if (!present) {
      if (complete && f.required) out.push_back({f.name, "is required", "skal udfyldes"});
      continue;
    }
    const json& v = values.at(f.name);
    const auto bad = [&](std::string en, std::string da) { out.push_back({f.name, std::move(en), std::move(da)}); };
    switch (f.type) {
      case FieldType::kString:
        if (!v.is_string())
          bad("must be text", "skal være tekst");
        else if (f.max_length && v.get<std::string>().size() > *f.max_length)
          bad(fmt::format("at most {} characters", *f.max_length), fmt::format("højst {} tegn", *f.max_length));
        break;
      case FieldType::kInteger:
      case FieldType::kNumber: {
        const bool ok_type = f.type == FieldType::kInteger ? v.is_number_integer() : v.is_number();
        if (!ok_type) {
          if (f.type == FieldType::kInteger)
            bad("must be a whole number", "skal være et helt tal");
          else
            bad("must be a number", "skal være et tal");
          break;
        }
        const double d = v.get<double>();
        if (f.min && d < *f.min) bad(fmt::format("must be at least {}", *f.min), "skal være mindst " + number_text(*f.min));
        if (f.max && d > *f.max) bad(fmt::format("must be at most {}", *f.max), "må højst være " + number_text(*f.max));
        break;
      }
      case FieldType::kBoolean:
        if (!v.is_boolean()) bad("must be true or false", "skal være ja eller nej");
        break;
      case FieldType::kDate:
        if (!v.is_string() || !parse_date(v.get<std::string>()).ok())
          bad("must be a date YYYY-MM-DD", "skal være en dato (ÅÅÅÅ-MM-DD)");
        break;
      case FieldType::kCpr:
        if (!v.is_string())
          bad("must be a CPR number DDMMYY-SSSS", "skal være et CPR-nummer (DDMMÅÅ-XXXX)");
        else if (auto c = Cpr::parse(v.get<std::string>()); !c.ok())
          bad(c.status().message(), "er ikke et gyldigt CPR-nummer (DDMMÅÅ-XXXX)");
        break;
      case FieldType::kEnum:
        if (!v.is_string() || std::find(f.values.begin(), f.values.end(), v.get<std::string>()) == f.values.end()) {
          bad(fmt::format("must be one of {}", fmt::join(f.values, ", ")),
              fmt::format("skal være en af: {}", fmt::join(f.values, ", ")));
        }
        break;
    }
  }
  if (strict) {
    for (const auto& [name, v] : values.items()) {
      (void)v;
      if (field(name) == nullptr) {
        out.push_back({name.substr(0, 100), "is not a field of this form", "er ikke et felt i denne blanket"});
      }
    }
  }
  return out;
}

std::vector<std::string> FormSpec::check(const json& values, bool complete) const {
  std::vector<std::string> out;
  for (const auto& p : problems(values, complete)) out.push_back(p.field + ": " + p.message);
  return out;
}

json PluginManifest::to_json() const {
  json tasks_json = json::array();
  for (const auto& t : tasks) {
    json stages_json = json::array();
    for (auto s : t.stages) stages_json.push_back(stage_kind_key(s));
    tasks_json.push_back({{"id", t.id},
                          {"title", t.title},
                          {"stages", stages_json},
                          {"complexity", t.simple ? "simple" : "complex"},
                          {"responsibilities",
                           {{"professional", placement_key(t.responsibilities.professional)},
                            {"administrative", placement_key(t.responsibilities.administrative)},
                            {"daily_operations", placement_key(t.responsibilities.daily_operations)}}}});
  }
  json fields_json = json::array();
  for (const auto& f : form.fields) {
    json j = {{"name", f.name}, {"label", f.label}, {"type", field_type_key(f.type)}, {"required", f.required}};
    j["labels"] = {{"da", f.labels.da}, {"en", f.labels.en}};
    if (!f.help.empty()) j["help"] = {{"da", f.help.da}, {"en", f.help.en}};
    if (f.min) j["min"] = *f.min;
    if (f.max) j["max"] = *f.max;
    if (f.max_length) j["max_length"] = *f.max_length;
    if (!f.values.empty()) j["values"] = f.values;
    fields_json.push_back(j);
  }
  json attachments_json = json::array();
  for (const auto& a : form.attachments) {
    json entry = {{"name", a.name}, {"label", a.label}, {"required", a.required},
                  {"media_types", a.allowed_media_types()}};
    entry["labels"] = {{"da", a.labels.da}, {"en", a.labels.en}};
    if (!a.help.empty()) entry["help"] = {{"da", a.help.da}, {"en", a.help.en}};
    if (a.max_bytes) entry["max_bytes"] = *a.max_bytes;
    attachments_json.push_back(entry);
  }
  json models_json = json::array();
  for (auto m : models) models_json.push_back(organisational_model_key(m));
  json deadlines_json = json::array();
  for (const auto& d : deadlines) {
    deadlines_json.push_back({{"name", d.name}, {"deadline", d.deadline.describe()}, {"source", d.source}});
  }
  return {{"id", id},
          {"name", name},
          {"version", version},
          {"vendor", vendor},
          {"abi", {{"major", abi_major}, {"minor", abi_minor}}},
          {"service_area", service_area},
          {"kle", {{"subjects", kle_subjects}, {"facets", kle_facets}}},
          {"owning_authority",
           {{"kind", owning_authority.kind}, {"id", owning_authority.id}, {"name", owning_authority.name}}},
          {"organisational_models", models_json},
          {"tasks", tasks_json},
          {"form", {{"fields", fields_json}, {"attachments", attachments_json}}},
          {"workflow", workflow_file},
          {"deadlines", deadlines_json},
          {"complaints",
           {{"reconsideration", complaints.reconsideration},
            {"appeals_body", complaints.appeals_body},
            {"deadline", complaints.deadline ? complaints.deadline->describe() : ""}}},
          {"life_situations", life_situations},
          {"delivery", delivery_channel.empty() ? json(nullptr) : json{{"channel", delivery_channel}}}};
}

namespace {

std::optional<double> number(Checker& c, const YAML::Node& n, std::string_view what) {
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    c.error(n, fmt::format("{} must be a number", what));
    return std::nullopt;
  }
}

// A text per language: one plain string (both languages), or {da: ..., en: ...}
// with the Danish required.
LocalText local_text(Checker& c, const YAML::Node& n, const std::string& what) {
  LocalText t;
  if (n.IsScalar()) {
    t.da = c.scalar(n, what).value_or("");
    return t;
  }
  if (!c.expect_map(n, what)) return t;
  c.check_keys(n, what, {"da", "en"});
  if (n["da"]) t.da = c.scalar(n["da"], what + ".da").value_or("");
  if (n["en"]) t.en = c.scalar(n["en"], what + ".en").value_or("");
  if (is_blank_text(t.da)) c.error(n, what + " needs its Danish text (da:)");
  if (t.da.size() > 2000 || t.en.size() > 2000) c.error(n, what + " is longer than 2000 characters");
  return t;
}

// values: [a, b] or [{value: a, label: {da, en}}, ...]
void enum_values(Checker& c, const YAML::Node& n, const std::string& what, FormField& field) {
  if (!n.IsSequence()) {
    c.error(n, what + " must be a list of values");
    return;
  }
  for (const auto& item : n) {
    EnumValue v;
    if (item.IsMap()) {
      c.check_keys(item, what, {"value", "label"});
      v.value = c.required(item, "value", what);
      if (item["label"]) v.label = local_text(c, item["label"], fmt::format("{} '{}'.label", what, v.value));
    } else {
      v.value = c.scalar(item, what).value_or("");
    }
    if (v.value.empty()) continue;
    if (std::find(field.values.begin(), field.values.end(), v.value) != field.values.end()) {
      c.error(item, fmt::format("{} lists '{}' twice", what, v.value));
      continue;
    }
    field.values.push_back(v.value);
    field.value_labels.push_back(std::move(v));
  }
}

void parse_form(Checker& c, const YAML::Node& form, FormSpec& out) {
  if (!c.expect_map(form, "form")) return;
  c.check_keys(form, "form", {"fields", "attachments"});
  c.each_item(form["fields"], "a form field", [&](const YAML::Node& f) {
    c.check_keys(f, "a form field",
                 {"name", "label", "help", "type", "required", "min", "max", "max_length", "values"});
    FormField field;
    field.name = c.required(f, "name", "a form field");
    const auto what = fmt::format("form field '{}'", field.name);
    if (f["label"]) field.labels = local_text(c, f["label"], what + ".label");
    field.label = field.labels.da;
    if (f["help"]) field.help = local_text(c, f["help"], what + ".help");
    const std::string type = c.required(f, "type", what);
    if (auto t = from_key(kFieldTypes, type))
      field.type = *t;
    else if (!type.empty())
      c.error(f["type"], fmt::format("{} has type '{}'; use one of {}", what, type, all_keys(kFieldTypes)));
    if (f["required"]) field.required = c.boolean(f["required"], what + ".required").value_or(false);
    if (f["min"]) field.min = number(c, f["min"], what + ".min");
    if (f["max"]) field.max = number(c, f["max"], what + ".max");
    if (f["max_length"]) {
      if (auto n = number(c, f["max_length"], what + ".max_length"); n && *n > 0)
        field.max_length = static_cast<size_t>(*n);
    }
    if (f["values"]) enum_values(c, f["values"], what + ".values", field);
    if (field.type == FieldType::kEnum && field.values.empty()) {
      c.error(f, fmt::format("{} is an enum and needs 'values'", what));
    }
    out.fields.push_back(std::move(field));
  });
  c.each_item(form["attachments"], "a form attachment", [&](const YAML::Node& a) {
    c.check_keys(a, "a form attachment", {"name", "label", "help", "required", "media_types", "max_bytes"});
    FormAttachment att;
    att.name = c.required(a, "name", "a form attachment");
    if (a["label"]) att.labels = local_text(c, a["label"], fmt::format("form attachment '{}'.label", att.name));
    att.label = att.labels.da;
    if (a["help"]) att.help = local_text(c, a["help"], fmt::format("form attachment '{}'.help", att.name));
    if (a["required"]) att.required = c.boolean(a["required"], "attachment required").value_or(true);
    const auto what = fmt::format("form attachment '{}'", att.name);
    if (a["media_types"]) {
      att.media_types = c.string_list(a["media_types"], what + ".media_types");
      if (att.media_types.empty()) c.error(a["media_types"], what + ".media_types must name at least one media type");
      for (const auto& t : att.media_types) {
        const auto slash = t.find('/');
        const bool ok = slash != std::string::npos && slash > 0 && slash + 1 < t.size() && t.size() <= 100 &&
                        t.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.+-/") == std::string::npos &&
                        t.find('/', slash + 1) == std::string::npos;
        if (!ok) {
          c.error(a["media_types"], fmt::format("{}.media_types: '{}' is not a media type such as application/pdf "
                                                "(lower case, type/subtype)", what, t));
        }
      }
    }
    if (a["max_bytes"]) {
      if (auto n = number(c, a["max_bytes"], what + ".max_bytes"); n) {
        if (*n < 1 || *n != static_cast<double>(static_cast<long long>(*n))) {
          c.error(a["max_bytes"], what + ".max_bytes must be a whole number of bytes, at least 1");
        } else {
          att.max_bytes = static_cast<std::size_t>(*n);
        }
      }
    }
    out.attachments.push_back(std::move(att));
  });
}

}  // namespace

static Placement placement(Checker& c, const YAML::Node& n, std::string_view what, Placement fallback) {
  if (!n) return fallback;
  const auto v = c.scalar(n, what).value_or("");
  if (auto p = placement_from_key(v)) return *p;
  c.error(n, fmt::format("{} is '{}'; use one of {}", what, v, all_placement_keys()));
  return fallback;
}

std::optional<OrganisationalModel> read_model(Checker& c, const YAML::Node& n, std::string_view what) {
  const auto key = c.scalar(n, what);
  if (!key) return std::nullopt;
  if (auto m = organisational_model_from_key(*key)) return m;
  c.error(n, fmt::format("{} '{}' is unknown; use {}", what, *key, all_organisational_model_keys()));
  return std::nullopt;
}

Responsibilities read_responsibilities(Checker& c, const YAML::Node& r, std::string_view what, Responsibilities out) {
  const std::string w(what);
  if (!c.expect_map(r, w)) return out;
  c.check_keys(r, w, {"professional", "administrative", "daily_operations"});
  out.professional = placement(c, r["professional"], w + ".professional", out.professional);
  out.administrative = placement(c, r["administrative"], w + ".administrative", out.administrative);
  out.daily_operations = placement(c, r["daily_operations"], w + ".daily_operations", out.daily_operations);
  return out;
}

PluginManifestParseResult parse_plugin_manifest(std::string_view yaml_text, std::string_view file_name) {
  Checker c{std::string(file_name)};
  PluginManifestParseResult out;
  const YAML::Node root = load_yaml(c, yaml_text);
  if (!c.has_errors() && !root.IsMap()) c.error(SourcePosition{1, 1}, "a plugin manifest must be a mapping");
  if (c.has_errors()) {
    out.errors = c.take_errors();
    return out;
  }
  c.check_keys(root, "the manifest",
               {"id", "name", "version", "vendor", "abi", "service_area", "kle", "owning_authority",
                "organisational_models", "tasks", "form", "workflow", "deadlines", "complaints", "life_situations",
                "delivery"});
  PluginManifest m;
  // A delivery plugin (ABI 1.2) delivers letters on one channel and has no
  // service area: the sections of a service-area plugin are errors in it.
  const bool delivery = static_cast<bool>(root["delivery"]);
  if (delivery) {
    const auto d = root["delivery"];
    if (c.expect_map(d, "delivery")) {
      c.check_keys(d, "delivery", {"channel"});
      m.delivery_channel = c.required(d, "channel", "delivery");
      if (!m.delivery_channel.empty() && m.delivery_channel != "digital_post" && m.delivery_channel != "print") {
        c.error(d["channel"], fmt::format("delivery.channel is '{}'; use digital_post or print", m.delivery_channel));
      }
    }
    for (const char* key : {"service_area", "kle", "owning_authority", "organisational_models", "tasks", "form",
                            "workflow", "deadlines", "complaints", "life_situations"}) {
      if (root[key]) {
        c.error(root[key], fmt::format("a delivery plugin (it has 'delivery:') has no '{}': it delivers letters and "
                                       "runs no cases; remove '{}' or make it a service-area plugin", key, key));
      }
    }
  }
  m.id = c.required(root, "id", "the manifest");
  if (!m.id.empty() && !is_config_id(m.id)) {
    c.error(root["id"], fmt::format("id '{}' must be lower-case letters, digits, '_' or '-'", m.id));
  }
  m.name = c.required(root, "name", "the manifest");
  m.version = c.required(root, "version", "the manifest");
  m.vendor = c.required(root, "vendor", "the manifest");
  if (const auto abi = root["abi"]; !abi) {
    c.error(SourcePosition{1, 1}, "the manifest has no 'abi' (e.g. abi: {major: 1, minor: 0})");
  } else if (c.expect_map(abi, "abi")) {
    c.check_keys(abi, "abi", {"major", "minor"});
    m.abi_major = static_cast<int>(number(c, abi["major"], "abi.major").value_or(0));
    m.abi_minor = static_cast<int>(number(c, abi["minor"], "abi.minor").value_or(0));
    if (delivery && m.abi_major == 1 && m.abi_minor < 2) {
      c.error(abi, fmt::format("a delivery plugin needs plugin ABI 1.2 or later (deliver_letter), the manifest "
                               "says {}.{}: use abi: {{major: 1, minor: 2}}", m.abi_major, m.abi_minor));
    }
  }
  if (delivery) {  // the rest describes a service area
    out.errors = c.take_errors();
    if (out.errors.empty()) out.manifest = std::move(m);
    return out;
  }
  m.service_area = c.required(root, "service_area", "the manifest");
  if (const auto kle = root["kle"]; !kle) {
    c.error(SourcePosition{1, 1}, "the manifest has no 'kle' (subjects and facets)");
  } else if (c.expect_map(kle, "kle")) {
    c.check_keys(kle, "kle", {"subjects", "facets"});
    if (kle["subjects"]) m.kle_subjects = c.string_list(kle["subjects"], "kle.subjects");
    if (kle["facets"]) m.kle_facets = c.string_list(kle["facets"], "kle.facets");
    for (const auto& s : m.kle_subjects) {
      if (!is_kle_subject(s)) c.error(kle["subjects"], fmt::format("kle subject '{}' is not NN.NN.NN", s));
    }
    for (const auto& f : m.kle_facets) {
      if (!is_kle_facet(f)) c.error(kle["facets"], fmt::format("kle facet '{}' is not a facet such as G01", f));
    }
    if (m.kle_subjects.empty()) c.error(kle, "kle needs at least one subject");
  }
  if (const auto owner = root["owning_authority"]; !owner) {
    c.error(SourcePosition{1, 1}, "the manifest has no 'owning_authority'");
  } else if (c.expect_map(owner, "owning_authority")) {
    c.check_keys(owner, "owning_authority", {"kind", "id", "name"});
    m.owning_authority.kind = c.required(owner, "kind", "owning_authority");
    if (owner["id"]) m.owning_authority.id = c.scalar(owner["id"], "owning_authority.id").value_or("");
    if (owner["name"]) m.owning_authority.name = c.scalar(owner["name"], "owning_authority.name").value_or("");
    const auto& k = m.owning_authority.kind;
    if (k != "this_municipality" && k != "other_municipality" && k != "state" && !k.empty()) {
      c.error(owner["kind"],
              "owning_authority.kind '" + k + "' must be this_municipality, other_municipality or state");
    }
    if (k == "state" && (m.owning_authority.id.empty() || m.owning_authority.name.empty())) {
      c.error(owner, "a state authority needs an id and a name (e.g. udbetaling-danmark, Udbetaling Danmark)");
    }
  }
  if (const auto models = root["organisational_models"]) {
    if (!models.IsSequence()) {
      c.error(models, "organisational_models must be a list");
    } else {
      for (const auto& item : models) {
        if (auto model = read_model(c, item, "organisational model")) m.models.push_back(*model);
      }
    }
  } else {
    c.error(SourcePosition{1, 1}, "the manifest has no 'organisational_models'");
  }
  if (const auto tasks = root["tasks"]; !tasks || !tasks.IsSequence() || tasks.size() == 0) {
    c.error(tasks ? tasks : root, "the manifest needs a list of 'tasks'");
  } else {
    for (const auto& t : tasks) {
      if (!c.expect_map(t, "a task")) continue;
      c.check_keys(t, "a task", {"id", "title", "stages", "complexity", "responsibilities"});
      PluginTask task;
      task.id = c.required(t, "id", "a task");
      const auto what = fmt::format("task '{}'", task.id);
      if (t["title"]) task.title = c.scalar(t["title"], what + ".title").value_or("");
      if (t["stages"]) {
        for (const auto& s : c.string_list(t["stages"], what + ".stages")) {
          if (auto k = stage_kind_from_key(s))
            task.stages.push_back(*k);
          else
            c.error(
                t["stages"],
                fmt::format("{} has stage kind '{}'; use receipt, check, decision, referral or complaint", what, s));
        }
      }
      const std::string complexity = c.required(t, "complexity", what);
      if (complexity == "complex")
        task.simple = false;
      else if (complexity != "simple" && !complexity.empty())
        c.error(t["complexity"], what + ".complexity must be simple or complex");
      if (const auto r = t["responsibilities"]) {
        task.responsibilities = read_responsibilities(c, r, what + ".responsibilities", task.responsibilities);
      }
      m.tasks.push_back(std::move(task));
    }
  }
  if (const auto form = root["form"]) parse_form(c, form, m.form);
  m.workflow_file = c.required(root, "workflow", "the manifest");
  c.each_item(root["deadlines"], "a deadline", [&](const YAML::Node& d) {
    c.check_keys(d, "a deadline", {"name", "deadline", "source"});
    NamedDeadline nd;
    nd.name = c.required(d, "name", "a deadline");
    if (d["source"]) nd.source = c.scalar(d["source"], "deadline source").value_or("");
    if (!d["deadline"])
      c.error(d, fmt::format("deadline '{}' has no 'deadline'", nd.name));
    else if (auto spec = c.deadline(d["deadline"], fmt::format("deadline '{}'", nd.name)))
      nd.deadline = *spec;
    m.deadlines.push_back(std::move(nd));
  });
  if (const auto cr = root["complaints"]) {
    if (c.expect_map(cr, "complaints")) {
      c.check_keys(cr, "complaints", {"reconsideration", "appeals_body", "deadline"});
      if (cr["reconsideration"])
        m.complaints.reconsideration = c.boolean(cr["reconsideration"], "complaints.reconsideration").value_or(true);
      if (cr["appeals_body"])
        m.complaints.appeals_body = c.scalar(cr["appeals_body"], "complaints.appeals_body").value_or("");
      if (cr["deadline"]) m.complaints.deadline = c.deadline(cr["deadline"], "complaints.deadline");
    }
  }
  if (root["life_situations"]) m.life_situations = c.string_list(root["life_situations"], "life_situations");
  out.errors = c.take_errors();
  if (out.errors.empty()) out.manifest = std::move(m);
  return out;
}

}  // namespace sagsflow
