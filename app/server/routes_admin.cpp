// /api/v1/admin: installed plugins, workflows and their versions, the
// municipality's model and responsibilities, and the access log. The core
// decides who administers (Organisation::may_administer: role "admin").
#include <fmt/format.h>

#include <limits>

#include "api.hpp"
#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "sagsflow/app/kle_import.hpp"
#include "sagsflow/app/simulation.hpp"
#include "sagsflow/app/views.hpp"
#include "sagsflow/config/municipality.hpp"
#include "sagsflow/config/workflow_diff.hpp"
#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/text_file.hpp"

namespace sagsflow::server {

using nlohmann::json;

namespace {

Result<json> plugins(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  auto installed = c.installation().store->installed_plugins();
  if (!installed.ok()) return installed.status();
  json out = json::array();
  for (const auto& p : *installed) {
    out.push_back({{"id", p.id},
                   {"version", p.version},
                   {"file_name", p.file_name},
                   {"sha256", p.sha256},
                   {"workflow", p.workflow_id},
                   {"enabled", p.enabled},
                   {"loaded", c.installation().plugins->find(p.id) != nullptr},
                   {"installed_at", p.installed_at},
                   // Why Sagsflow disabled it (repeated crashes), now or since this server started.
                   {"disabled_reason", p.disabled_reason.empty()
                                           ? c.installation().plugins->disabled_reason(p.id)
                                           : p.disabled_reason}});
  }
  return json{{"plugins", out}, {"warnings", c.installation().plugin_warnings}};
}

Result<json> workflows(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  auto all = c.installation().store->list_workflows();
  if (!all.ok()) return all.status();
  json out = json::array();
  for (const auto& w : *all) {
    out.push_back({{"id", w.id},
                   {"version", w.version},
                   {"sha256", w.sha256},
                   {"file_name", w.file_name},
                   {"deployed_at", w.deployed_at},
                   {"service_area", c.installation().organisation->area_of_workflow(w.id)}});
  }
  return json{{"workflows", out}};
}

Result<json> workflow(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  std::optional<int> version;
  auto v = c.query_number("version", 1, std::numeric_limits<int>::max());
  if (!v.ok()) return v.status();
  if (*v) version = static_cast<int>(**v);
  auto record = c.installation().store->load_workflow(c.params.at("id"), version);
  if (!record.ok()) return record.status();
  auto def = c.installation().engine->workflow(record->id, record->version);
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

// The source and file name of a workflow in the body ({source, file_name?}).
struct WorkflowUpload {
  std::string source;
  std::string file_name;
};
Result<WorkflowUpload> workflow_upload(Call& c) {
  auto source = c.text_unbounded("source");
  if (!source.ok()) return source.status();
  auto file_name = c.text("file_name", false);
  if (!file_name.ok()) return file_name.status();
  return WorkflowUpload{std::move(*source), file_name->empty() ? std::string("workflow.yaml") : *file_name};
}

json diff_json(const std::vector<DiffLine>& lines) {
  json out = json::array();
  for (const auto& l : lines) {
    out.push_back({{"op", std::string(1, l.op)},
                   {"old_line", l.old_line ? json(l.old_line) : json()},
                   {"new_line", l.new_line ? json(l.new_line) : json()},
                   {"text", l.text}});
  }
  return out;
}

// POST /api/v1/admin/workflows/preview {source, file_name?}: what deploying
// the file would change, before it is deployed: the validator's errors with
// their positions, or the diff against the running version, the stages and
// actions that change, and the open cases on each version (they stay on it).
Result<json> workflow_preview(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  auto upload = workflow_upload(c);
  if (!upload.ok()) return upload.status();
  auto parsed = parse_workflow(upload->source, upload->file_name);
  if (!parsed.ok()) {
    json errors = json::array();
    for (const auto& d : parsed.errors) {
      errors.push_back({{"line", d.pos.line}, {"column", d.pos.column}, {"message", d.message}, {"text", d.to_string()}});
    }
    return json{{"valid", false}, {"errors", errors}};
  }
  const WorkflowDefinition& def = *parsed.definition;
  json out{{"valid", true}, {"id", def.id}, {"title", def.title}, {"service_area", def.service_area}};
  auto running = c.installation().store->load_workflow(def.id, std::nullopt);
  if (!running.ok() && running.status().code() != ErrorCode::kNotFound) return running.status();
  if (!running.ok()) {
    out["new_workflow"] = true;
    out["running_version"] = nullptr;
    out["next_version"] = 1;
    out["unchanged"] = false;
    out["diff"] = diff_json(line_diff("", upload->source));
    out["changes"] = json::array();
    out["open_cases"] = json::array();
    return out;
  }
  const bool unchanged = running->sha256 == sha256_hex(upload->source);
  out["new_workflow"] = false;
  out["running_version"] = running->version;
  out["next_version"] = unchanged ? running->version : running->version + 1;
  out["unchanged"] = unchanged;
  out["diff"] = diff_json(diff_hunks(line_diff(running->source, upload->source)));
  json changes = json::array();
  if (auto old = c.installation().engine->workflow(running->id, running->version); old.ok()) {
    for (const auto& ch : compare_workflows(**old, def)) {
      changes.push_back({{"stage", ch.stage}, {"change", ch.change}, {"details", ch.details}});
    }
  }
  out["changes"] = changes;
  // Open cases stay on the version they were opened on; new cases take the new one.
  auto groups = c.installation().store->count_open_cases_by_day(c.municipality());
  if (!groups.ok()) return groups.status();
  std::map<int, long long> by_version;
  for (const auto& g : *groups) {
    if (g.workflow_id == def.id) by_version[g.workflow_version] += g.count;
  }
  json open = json::array();
  for (const auto& [version, count] : by_version) open.push_back({{"version", version}, {"count", count}});
  out["open_cases"] = open;
  return out;
}

// POST /api/v1/admin/workflows {source, file_name?, replaces_version?}: deploys
// the file as the workflow's next version (the same rules as `sagsflow
// workflow deploy`). With replaces_version, refused (409) when another
// version was deployed since the admin previewed.
Result<json> deploy_workflow(Call& c) {
  auto admin = c.admin();
  if (!admin.ok()) return admin.status();
  auto upload = workflow_upload(c);
  if (!upload.ok()) return upload.status();
  auto expected = c.whole_number("replaces_version", 0, std::numeric_limits<int>::max());
  if (!expected.ok()) return expected.status();
  auto parsed = parse_workflow(upload->source, upload->file_name);
  if (parsed.ok() && *expected) {
    auto running = c.installation().store->load_workflow(parsed.definition->id, std::nullopt);
    const long long now = running.ok() ? running->version : 0;
    if (!running.ok() && running.status().code() != ErrorCode::kNotFound) return running.status();
    if (now != **expected) {
      c.field = "replaces_version";
      return Conflict(fmt::format("workflow {} is at version {} now, not {}: someone deployed meanwhile; preview "
                                  "the file again", parsed.definition->id, now, **expected));
    }
  }
  auto out = c.installation().engine->deploy_workflow(upload->source, upload->file_name);
  if (!out.ok()) {
    c.field = "source";
    return out.status();
  }
  logger()->info("{} deployed workflow {} version {} ({})", admin->id, out->record.id, out->record.version,
           out->created ? "new" : "unchanged");
  if (out->created) c.status = 201;
  return json{{"id", out->record.id}, {"version", out->record.version}, {"created", out->created},
              {"deployed_at", out->record.deployed_at}};
}

Result<json> municipality(Call& c) {
  if (auto a = c.admin(); !a.ok()) return a.status();
  const auto& org = *c.installation().organisation;
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
  if (auto a = c.admin(); !a.ok()) return a.status();
  AccessFilter f;
  f.municipality = c.municipality();
  auto case_id = c.query_number("case", 1, std::numeric_limits<long long>::max());
  if (!case_id.ok()) return case_id.status();
  if (*case_id) f.case_id = **case_id;
  if (auto v = c.query_value("actor"); !v.empty()) f.actor = v;
  if (auto v = c.query_value("from"); !v.empty()) f.from = v;
  if (auto v = c.query_value("to"); !v.empty()) f.to = v;
  auto limit = c.query_number("limit", 1, 10000);
  if (!limit.ok()) return limit.status();
  if (*limit) f.limit = static_cast<int>(**limit);
  auto records = c.installation().engine->access_log(f);
  if (!records.ok()) return records.status();
  json out = json::array();
  for (const auto& r : *records) out.push_back(app::access_json(r));
  return json{{"records", out}};
}

Result<json> run_simulation_process(Jobs& jobs, const std::string& executable, const std::string& db_url, const std::string& plugin_dir,
                                    const std::string& municipality, const std::string& actor, const std::string& profile, double scale, int days,
                                    const Jobs::Progress& progress) {
  // The profile goes in on stdin and the database URL (it may hold a password)
  // in the environment, so neither shows in the process list or /tmp.
  std::vector<std::string> args{"--plugin-dir", plugin_dir, "--municipality", municipality, "--actor", actor, "--json",
                                "simulate", "-", "--scale", fmt::format("{}", scale), "--progress-lines"};
  if (days > 0) args.insert(args.end(), {"--days", std::to_string(days)});
  Poco::Process::Env env{{"SAGSFLOW_DB", db_url}};
  Poco::Pipe in_pipe, out_pipe, err_pipe;
  std::string output, errors;
  int code = -1;
  try {
    std::string program = executable;
    if (program.empty()) {
      std::error_code ec;
      program = std::filesystem::read_symlink("/proc/self/exe", ec).string();
      if (ec) return Internal("cannot find the sagsflow executable to simulate with: " + ec.message());
    }
    auto handle = Poco::Process::launch(program, args, "", &in_pipe, &out_pipe, &err_pipe, env);
    jobs.add_child(handle.id());
    {
      Poco::PipeOutputStream in_stream(in_pipe);
      in_stream << profile;
      in_stream.close();
    }
    Poco::PipeInputStream out_stream(out_pipe), err_stream(err_pipe);
    std::thread reader([&] { Poco::StreamCopier::copyToString(out_stream, output); });
    for (std::string line; std::getline(err_stream, line);) {
      int day = 0, total = 0;
      long long inquiries = 0;
      if (std::sscanf(line.c_str(), "progress %d %d %lld", &day, &total, &inquiries) == 3) {
        progress(day, total, fmt::format("day {} of {}: {} inquiries", day, total, inquiries));
      } else {
        errors += line + "\n";
      }
    }
    reader.join();
    code = handle.wait();
    jobs.remove_child(handle.id());
  } catch (const Poco::Exception& e) {
    return Internal("could not run the simulation: " + e.displayText());
  }
  if (code != 0) return FailedPrecondition("the simulation failed: " + (errors.empty() ? output : errors));
  json result = json::parse(output, nullptr, false);
  if (result.is_discarded()) return Internal("the simulation's answer is not JSON: " + output.substr(0, 200));
  return result;
}

// Starts importing KL's emneplan in the background; the answer is the job to follow.
Result<json> kle_import(Call& c) {
  auto actor = c.admin();
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
  auto started = api.jobs.start(c.installation(), job, [&api, name, text = std::move(*xml)](const Jobs::Progress& progress) -> Result<json> {
    const auto with_store = [&api](const std::function<Status(db::SqlStore&)>& work) {
      Status done = Internal("not run");
      Status committed = api.lanes->write([&](app::Installation& i) { done = work(*i.store); }, Lanes::Grouping::kAlone);
      return committed.ok() ? done : committed;
    };
    auto report = app::import_kle_plan(with_store, text, name, system_clock()(), progress);
    if (!report.ok()) return report.status();
    return json{{"file_name", report->file_name}, {"published", report->published},
                {"subjects", report->subjects}, {"warnings", report->warnings}};
  });
  if (!started.ok()) return started.status();
  c.status = 202;
  return job_json(*started);
}

// Simulates a year from a profile in a child `sagsflow simulate` (its own
// engine and plugins, so this server keeps answering); its progress lines
// become the job's progress.
Result<json> start_simulation(Call& c) {
  auto actor = c.admin();
  if (!actor.ok()) return actor.status();
  if (!c.api.config.allow_simulation) {
    return Forbidden("simulations write a simulated year into this installation's database; this server does not "
                     "allow them (simulation.allowed = true, or `sagsflow serve --allow-simulation`, on demo and "
                     "test installations only)");
  }
  auto profile = c.text_unbounded("profile");
  if (!profile.ok()) return profile.status();
  if (auto parsed = app::parse_simulation_profile(*profile, "profile"); !parsed.ok()) {
    c.field = "profile";
    return InvalidArgument(parsed.errors.front().to_string());
  }
  double scale = 0.01;
  if (c.body.contains("scale")) {
    if (!c.body["scale"].is_number() || !(c.body["scale"].get<double>() > 0) || !(c.body["scale"].get<double>() <= 1)) {
      return c.refuse_field("scale", "must be a number above 0 and at most 1");
    }
    scale = c.body["scale"].get<double>();
  }
  int days = 0;
  auto day_count = c.whole_number("days", 1, 366);
  if (!day_count.ok()) return day_count.status();
  if (*day_count) days = static_cast<int>(**day_count);
  Job job;
  job.kind = "simulation";
  job.municipality = c.municipality();
  job.started_by = actor->id;
  const auto& config = c.api.config;
  const std::string db_url = config.db_url;
  const std::string plugin_dir = app::plugin_directory_for(config.db_url, config.plugin_dir);
  const std::string municipality = c.municipality();
  const std::string admin = actor->id;  // the child checks the admin role again, as the CLI does
  const std::string executable = config.sagsflow_executable;
  Jobs& jobs = c.api.jobs;
  auto started = jobs.start(c.installation(), job, [=, &jobs, text = *profile](const Jobs::Progress& progress) -> Result<json> {
    return run_simulation_process(jobs, executable, db_url, plugin_dir, municipality, admin, text, scale, days, progress);
  });
  if (!started.ok()) return started.status();
  c.status = 202;
  return job_json(*started);
}

Result<json> job(Call& c) {
  auto actor = c.admin();
  if (!actor.ok()) return actor.status();
  auto id = c.id_param("id");
  if (!id.ok()) return id.status();
  // From the database: a job another node started is answered here too.
  auto found = c.installation().store->load_job(*id);
  if (!found.ok()) return found.status();
  if (!*found || (*found)->municipality != c.municipality()) return NotFound(fmt::format("there is no job {}", *id));
  return job_json(job_of(**found));
}

}  // namespace

void add_admin_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/v1/admin/kle-import", Access::kStaff, kle_import, 64 * 1024 * 1024});
  r.push_back({"POST", "/api/v1/admin/simulations", Access::kStaff, start_simulation});
  r.push_back({"GET", "/api/v1/admin/jobs/{id}", Access::kStaff, job});
  r.push_back({"GET", "/api/v1/admin/plugins", Access::kStaff, plugins});
  r.push_back({"GET", "/api/v1/admin/workflows", Access::kStaff, workflows});
  r.push_back({"POST", "/api/v1/admin/workflows", Access::kStaff, deploy_workflow, 1024 * 1024});
  r.push_back({"POST", "/api/v1/admin/workflows/preview", Access::kStaff, workflow_preview, 1024 * 1024});
  r.push_back({"GET", "/api/v1/admin/workflows/{id}", Access::kStaff, workflow});
  r.push_back({"GET", "/api/v1/admin/municipality", Access::kStaff, municipality});
  r.push_back({"GET", "/api/v1/admin/audit", Access::kStaff, audit});
}

}  // namespace sagsflow::server
