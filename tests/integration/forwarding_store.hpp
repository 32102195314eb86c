// A CaseStore that hands every call to another store: tests derive from it
// and override the calls they watch (count, delay, synchronise).
#pragma once

#include "sagsflow/cases/case_store.hpp"

namespace sagsflow::testing {

class ForwardingStore : public CaseStore {
 public:
  explicit ForwardingStore(CaseStore& inner) : inner_(inner) {}

  Status append_event(const CaseState& s, const CaseEvent& e, const std::optional<CaseQueue>& q) override {
    return inner_.append_event(s, e, q);
  }
  using CaseStore::append_event;
  Result<long long> place_cases(const std::vector<CasePlacement>& p) override { return inner_.place_cases(p); }
  Status atomically(const std::function<Status()>& work) override { return inner_.atomically(work); }
  Result<CaseState> create_case(const std::string& m, int y, const CaseBuilder& b) override {
    return inner_.create_case(m, y, b);
  }
  Result<CaseState> load_case(long long id) override { return inner_.load_case(id); }
  Result<CaseState> find_case(const std::string& m, const std::string& n) override { return inner_.find_case(m, n); }
  Result<std::vector<CaseEvent>> load_history(long long id) override { return inner_.load_history(id); }
  Result<std::vector<CaseState>> list_cases(const CaseFilter& f) override { return inner_.list_cases(f); }
  Result<std::vector<long long>> cases_due_before(Date d) override { return inner_.cases_due_before(d); }
  Result<DeployOutcome> deploy_workflow(const std::string& id, const std::string& source, const std::string& sha,
                                        const std::string& file, const std::string& at) override {
    return inner_.deploy_workflow(id, source, sha, file, at);
  }
  Result<WorkflowRecord> load_workflow(const std::string& id, std::optional<int> v) override {
    return inner_.load_workflow(id, v);
  }
  Result<std::vector<WorkflowRecord>> list_workflows() override { return inner_.list_workflows(); }
  Status upsert_municipality(const std::string& c, const std::string& n) override {
    return inner_.upsert_municipality(c, n);
  }
  Result<std::string> municipality_name(const std::string& c) override { return inner_.municipality_name(c); }
  Result<std::vector<std::pair<std::string, std::string>>> list_municipalities() override {
    return inner_.list_municipalities();
  }
  Result<long long> record_access(const AccessRecord& r) override { return inner_.record_access(r); }
  Result<std::vector<AccessRecord>> list_access(const AccessFilter& f) override { return inner_.list_access(f); }
  Result<PluginDelivery> plugin_delivery(const std::string& p, long long id) override {
    return inner_.plugin_delivery(p, id);
  }
  Status save_plugin_delivery(const PluginDelivery& d) override { return inner_.save_plugin_delivery(d); }
  Result<std::vector<PluginDelivery>> pending_plugin_deliveries(const std::string& p, const std::string& w,
                                                                const std::string& now, int limit) override {
    return inner_.pending_plugin_deliveries(p, w, now, limit);
  }
  Result<std::vector<long long>> claim_plugin_outbox(const std::string& w, const std::string& h, const std::string& now,
                                                     const std::string& until, int limit) override {
    return inner_.claim_plugin_outbox(w, h, now, until, limit);
  }
  Status settle_plugin_outbox(const std::string& p, const std::vector<long long>& cases, const std::string& h) override {
    return inner_.settle_plugin_outbox(p, cases, h);
  }
  Status drop_plugin_outbox(const std::string& w) override { return inner_.drop_plugin_outbox(w); }
  Status enqueue_letters(const std::vector<QueuedLetter>& l) override { return inner_.enqueue_letters(l); }
  Status add_notifications(const std::vector<Notification>& n) override { return inner_.add_notifications(n); }

 protected:
  CaseStore& inner_;
};

}  // namespace sagsflow::testing
