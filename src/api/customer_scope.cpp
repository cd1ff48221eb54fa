#include "api/customer_scope.h"

namespace hotline::api {

CustomerScope CustomerScope::ForAgent(const std::string& agent_id,
                                      const std::optional<store::CallRecord>& live,
                                      const std::vector<store::CallRecord>& recent, int64_t now_ms,
                                      Duration window) {
  CustomerScope scope;
  if (agent_id.empty()) return scope;
  auto add = [&scope](const std::string& number) {
    std::string normalized = store::NormalizePhone(number);
    if (!normalized.empty()) scope.numbers_.insert(normalized);
  };
  if (live) add(live->from_number);
  const int64_t since_ms = now_ms - window.count();
  for (const auto& call : recent) {
    if (call.agent == agent_id && call.start_ms >= since_ms) add(call.from_number);
  }
  return scope;
}

bool CustomerScope::MaySeeNumber(const std::string& phone) const {
  std::string normalized = store::NormalizePhone(phone);
  return !normalized.empty() && numbers_.count(normalized) != 0;
}

bool CustomerScope::MaySeeCustomer(const store::Customer& customer) const {
  for (const auto& phone : customer.phones) {
    if (numbers_.count(store::NormalizePhone(phone)) != 0) return true;
  }
  return false;
}

void RedactContactsForAgent(const std::string& agent_id, std::vector<store::CallRecord>& contacts) {
  for (auto& call : contacts) {
    if (!agent_id.empty() && call.agent == agent_id) continue;
    call.notes.clear();
    call.wrapup_code.clear();
  }
}

}  // namespace hotline::api
