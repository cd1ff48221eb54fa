// call/customer_lookup.h: answers the IVR's data lookups from the customer store.
//   customer_by_caller  keys {caller}          -> name, vip, language, account, balance
//   account_by_pin      keys {account, pin}    -> found only when the PIN matches
// Field values are text as flows use them: vip "true"/"false", balance in yuan "1234.50".
// Runs on the control thread with its own read connection to the database.
#pragma once

#include "ivr/action.h"
#include "store/customer_store.h"

namespace hotline::call {

class CustomerLookup {
 public:
  explicit CustomerLookup(store::CustomerStore& customers) : customers_(customers) {}

  // Unknown kinds and store errors answer "not found" (and are logged).
  ivr::LookupResult Answer(const ivr::Lookup& lookup);

 private:
  store::CustomerStore& customers_;
};

// "1234.50" for 123450 fen; "-0.05" for -5.
std::string FormatYuan(int64_t fen);

}  // namespace hotline::call
