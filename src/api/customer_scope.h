// api/customer_scope.h: which customers an agent may read. Supervisors and admins read every
// customer; an agent reads a customer only through its own calls:
//   - the call it is offered or talking on now (the caller's number), and
//   - the calls it handled within the last `window` (12 h by default: a shift),
// i.e. a customer one of whose phone numbers is the caller number of such a call. Customer
// searches by phone are allowed to an agent for those numbers only (no listing of customers),
// and the contact history shown with a customer keeps the notes and wrap-up code of the
// agent's own calls only. The agent's pick of a customer for a call (calls.customer_id) does
// not widen the scope: an agent can pick only a customer already in it.
// Pure: the caller gathers the agent's calls (store, control thread) and asks here.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/call_queries.h"
#include "store/customer_store.h"

namespace hotline::api {

class CustomerScope {
 public:
  // `live`: the agent's current call (offered or talking), if any; `recent`: calls it handled
  // (call records whose agent it is); those that started before now_ms - window are ignored.
  static CustomerScope ForAgent(const std::string& agent_id,
                                const std::optional<store::CallRecord>& live,
                                const std::vector<store::CallRecord>& recent, int64_t now_ms,
                                Duration window);

  // May search customers by this phone number.
  bool MaySeeNumber(const std::string& phone) const;
  bool MaySeeCustomer(const store::Customer& customer) const;
  const std::set<std::string>& numbers() const { return numbers_; }

 private:
  std::set<std::string> numbers_;  // normalized caller numbers of the calls in scope
};

// An agent's view of a customer's contact history: other agents' calls lose their notes and
// wrap-up code.
void RedactContactsForAgent(const std::string& agent_id, std::vector<store::CallRecord>& contacts);

}  // namespace hotline::api
