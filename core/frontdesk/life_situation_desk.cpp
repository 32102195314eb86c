#include "sagsflow/frontdesk/life_situation_desk.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace sagsflow {

Result<LifeSituationOutcome> register_life_situation(CaseEngine& engine, FrontDesk& desk,
                                                     const LifeSituationRequest& req) {
  const LifeSituation* situation = find_life_situation(req.situation);
  if (situation == nullptr) {
    std::vector<std::string> ids;
    for (const auto& s : builtin_life_situations()) ids.push_back(s.id);
    return NotFound(fmt::format("there is no life situation '{}'; known: {}", req.situation, fmt::join(ids, ", ")));
  }
  if (auto cpr = Cpr::parse(req.citizen_cpr); !cpr.ok()) return cpr.status();
  LifeSituationOutcome out;
  out.situation = situation;
  out.information = situation->information;

  // The registration comes first: it checks who acts, and names the acting authority.
  std::vector<std::string> told;
  for (const auto& i : situation->information) told.push_back(fmt::format("{} ({})", i.area, i.kind));
  InquiryRequest inquiry;
  inquiry.municipality = req.municipality;
  inquiry.channel = req.channel;
  inquiry.type = situation->tasks.empty() ? InquiryType::kGeneralInformation : InquiryType::kTransaction;
  inquiry.area = situation->id;
  inquiry.service = Service::kGeneralGuidance;
  inquiry.citizen_cpr = req.citizen_cpr;
  inquiry.resolved_on_the_spot = true;
  inquiry.outcome = fmt::format("life situation {}: informed about {}", situation->id,
                                told.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(told, ", ")));
  inquiry.actor = req.actor;
  auto registered = desk.register_inquiry(inquiry);
  if (!registered.ok()) return registered.status();
  out.inquiry = registered->record;

  for (const auto& task : situation->tasks) {
    OpenCaseRequest open;
    open.municipality = req.municipality;
    open.workflow_id = task.workflow;
    open.citizen_cpr = req.citizen_cpr;
    open.title = task.title;
    open.fields = task.fields;
    open.actor = req.actor;
    auto opened = engine.open_case(open);
    if (opened.ok()) {
      out.opened.push_back(std::move(*opened));
    } else if (opened.status().code() == ErrorCode::kNotFound) {
      out.skipped.emplace_back(task, fmt::format("workflow {} is not deployed here", task.workflow));
    } else {
      out.skipped.emplace_back(task, opened.status().message());
    }
  }
  return out;
}

}  // namespace sagsflow
