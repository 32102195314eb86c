// /api/v1/admin: installed plugins, workflows and their versions, the
// municipality's model and responsibilities, and the access log. The core
// decides who administers (Organisation::may_administer: role "admin").
#include <fmt/format.h>

#include "api.hpp"
#include "sagsflow/app/kle_import.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/core/municipality.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

Result<Actor> admin(Call& c) {
  auto actor = c.staff();
  if (!actor.ok()) return actor.status();
  if (auto st = c.api.installation.organisation->may_administer(*actor, c.municipality()); !st.ok()) return st;
  return actor;
}

Result<json> plugins(Call& c) {
  if (auto a = admin(c); !a.ok()) return a.status();
  auto installed = c.api.installation.store->installed_plugins();
  if (!installed.ok()) return installed.status();
  json out = json::array();
  for (const auto& p : *installed) {
    out.push_back({{"id", p.id},
                   {"version", p.version},
                   {"file_name", p.file_name},
                   {"sha256", p.sha256},
                   {"workflow", p.workflow_id},
                   {"enabled", p.enabled},
                   {"loaded", c.api.installation.plugins->find(p.id) != nullptr},
                   {"installed_at", p.installed_at}});
  }
  return json{{"plugins", out}, {"warnings", c.api.installation.plugin_warnings}};
}

Result<json> workflows(Call& c) {
  if (auto a = admin(c); !a.ok()) return a.status();
  auto all = c.api.installation.store->list_workflows();
  if (!all.ok()) return all.status();
  json out = json::array();
  for (const auto& w : *all) {
    out.push_back({{"id", w.id},
                   {"version", w.version},
                   {"sha256", w.sha256},
                   {"file_name", w.file_name},
                   {"deployed_at", w.deployed_at},
                   {"service_area", c.api.installation.organisation->area_of_workflow(w.id)}});
  }
  return json{{"workflows", out}};
}

Result<json> workflow(Call& c) {
  if (auto a = admin(c); !a.ok()) return a.status();
  std::optional<int> version;
  if (auto v = c.query_value("version"); !v.empty()) {
    try {
      version = std::stoi(v);
    } catch (const std::exception&) {
      c.field = "version";
      return InvalidArgument("version must be a whole number");
    }
  }
  auto record = c.api.installation.store->load_workflow(c.params.at("id"), version);
  if (!record.ok()) return record.status();
  auto def = c.api.installation.engine->workflow(record->id, record->version);
  json stages = json::array();
  if (def.ok()) {
    for (const auto& s : (*def)->stages) {
      json actions = json::array();
      for (const auto& a : s.actions) actions.push_back({{"name", a.name}, {"next", a.next}, {"roles", a.roles}});
      stages.push_back({{"name", s.name}, {"title", s.title}, {"actions", actions}});
    }
  }
  return json{{"id", record->id},         {"version", record->version},     {"sha256", record->sha256},
              {"file_name", record->file_name}, {"deployed_at", record->deployed_at}, {"source", record->source},
              {"stages", stages}};
}

Result<json> municipality(Call& c) {
  if (auto a = admin(c); !a.ok()) return a.status();
  const auto& org = *c.api.installation.organisation;
  auto table = app::placements_json(org, c.municipality());
  if (!table.ok()) return table.status();
  const auto* m = org.find(c.municipality());
  json units = json::array();
  for (const auto& u : m->units) {
    units.push_back({{"id", u.id}, {"name", u.name}, {"area", u.area}, {"run_by", u.run_by}});
  }
  json staff = json::array();
  for (const auto& s : m->staff) {
    staff.push_back({{"id", s.id}, {"name", s.name}, {"unit", s.unit}, {"roles", s.roles},
                     {"layer", staff_layer_key(s.layer)}, {"area", s.area}});
  }
  json areas = json::array();
  for (const auto& a : m->service_areas) {
    areas.push_back({{"id", a.id}, {"plugin", a.plugin}, {"split", service_split_key(a.split)},
                     {"decided_by", org.authority_name(org.owning_authority(c.municipality(), a.id))}});
  }
  json out = *table;
  out["units"] = units;
  out["staff"] = staff;
  out["service_areas"] = areas;
  out["gaps"] = org.gaps(c.municipality());
  return out;
}

Result<json> audit(Call& c) {
  if (auto a = admin(c); !a.ok()) return a.status();
  AccessFilter f;
  f.municipality = c.municipality();
  if (auto v = c.query_value("case"); !v.empty()) {
    try {
      f.case_id = std::stoll(v);
    } catch (const std::exception&) {
      c.field = "case";
      return InvalidArgument("case must be a case id (a whole number)");
    }
  }
  if (auto v = c.query_value("actor"); !v.empty()) f.actor = v;
  if (auto v = c.query_value("from"); !v.empty()) f.from = v;
  if (auto v = c.query_value("to"); !v.empty()) f.to = v;
  if (auto v = c.query_value("limit"); !v.empty()) {
    try {
      f.limit = std::clamp(std::stoi(v), 1, 10000);
    } catch (const std::exception&) {
      c.field = "limit";
      return InvalidArgument("limit must be a whole number");
    }
  }
  auto records = c.api.installation.engine->access_log(f);
  if (!records.ok()) return records.status();
  json out = json::array();
  for (const auto& r : *records) out.push_back(app::access_json(r));
  return json{{"records", out}};
}

// Starts importing KL's emneplan in the background; the answer is the job to follow.
Result<json> kle_import(Call& c) {
  auto actor = admin(c);
  if (!actor.ok()) return actor.status();
  auto file_name = c.text("file_name", false);
  if (!file_name.ok()) return file_name.status();
  auto xml = c.text_unbounded("xml");
  if (!xml.ok()) return xml.status();
  Job job;
  job.kind = "kle_import";
  job.municipality = c.municipality();
  job.started_by = actor->id;
  Api& api = c.api;
  const std::string name = file_name->empty() ? "emneplan.xml" : *file_name;
  Job started = api.jobs.start(job, [&api, name, text = std::move(*xml)](const Jobs::Progress& progress) -> Result<json> {
    const auto with_store = [&api](const std::function<Status(db::SqlStore&)>& work) {
      std::lock_guard guard(api.lock);
      return work(*api.installation.store);
    };
    auto report = app::import_kle_plan(with_store, text, name, system_clock()(), progress);
    if (!report.ok()) return report.status();
    return json{{"file_name", report->file_name}, {"published", report->published},
                {"subjects", report->subjects}, {"warnings", report->warnings}};
  });
  c.status = 202;
  return job_json(started);
}

Result<json> job(Call& c) {
  auto actor = admin(c);
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  auto found = c.api.jobs.find(*id);
  if (!found || found->municipality != c.municipality()) return NotFound(fmt::format("there is no job {}", *id));
  return job_json(*found);
}

}  // namespace

void add_admin_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/v1/admin/kle-import", Access::kStaff, kle_import, 64 * 1024 * 1024});
  r.push_back({"GET", "/api/v1/admin/jobs/{id}", Access::kStaff, job});
  r.push_back({"GET", "/api/v1/admin/plugins", Access::kStaff, plugins});
  r.push_back({"GET", "/api/v1/admin/workflows", Access::kStaff, workflows});
  r.push_back({"GET", "/api/v1/admin/workflows/{id}", Access::kStaff, workflow});
  r.push_back({"GET", "/api/v1/admin/municipality", Access::kStaff, municipality});
  r.push_back({"GET", "/api/v1/admin/audit", Access::kStaff, audit});
}

}  // namespace sagsflow::server
