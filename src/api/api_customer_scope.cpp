// The customers an agent may read, gathered for api/customer_scope.h: the agent's live call
// from the control thread, then its call records of the last hours from the API's database.
#include "api/api.h"

namespace hotline::api {

void Api::WithCustomerScope(const store::User& user,
                            std::function<void(Result<std::optional<CustomerScope>>)> done) {
  if (user.role != "agent") return done(std::optional<CustomerScope>());
  if (user.agent_id.empty()) return done(std::optional<CustomerScope>(CustomerScope()));
  std::string agent = user.agent_id;
  control_.Ask(
      [agent](call::ControlPort& port) {
        auto live = port.Agent(agent);
        return live ? live->call_id : std::string();
      },
      [this, agent, done = std::move(done)](std::string live_call) {
        std::optional<store::CallRecord> live;
        if (!live_call.empty()) {
          auto record = calls_.GetCall(live_call);
          if (!record) return done(record.error());
          live = std::move(*record);
        }
        const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   clock_.WallNow().time_since_epoch())
                                   .count();
        store::CallFilter recent;
        recent.agent = agent;
        recent.from_ms = now_ms - options_.agent_customer_window.count();
        recent.limit = 500;
        auto handled = calls_.ListCalls(recent);
        if (!handled) return done(handled.error());
        done(std::optional<CustomerScope>(CustomerScope::ForAgent(agent, live, *handled, now_ms,
                                                                  options_.agent_customer_window)));
      });
}

}  // namespace hotline::api
