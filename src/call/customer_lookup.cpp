#include "call/customer_lookup.h"

#include <cstdio>

#include "common/log.h"

namespace hotline::call {

namespace {

std::string KeyOf(const ivr::Lookup& lookup, const std::string& name) {
  auto it = lookup.keys.find(name);
  return it == lookup.keys.end() ? "" : it->second;
}

ivr::LookupResult Found(const store::Customer& customer) {
  ivr::LookupResult result;
  result.found = true;
  result.fields["name"] = customer.name;
  result.fields["vip"] = customer.vip ? "true" : "false";
  result.fields["language"] = customer.language;
  result.fields["account"] = customer.account_number;
  result.fields["balance"] = FormatYuan(customer.balance_fen);
  result.fields["id"] = std::to_string(customer.id);
  return result;
}

}  // namespace

std::string FormatYuan(int64_t fen) {
  bool negative = fen < 0;
  uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  char text[32];
  snprintf(text, sizeof text, "%s%llu.%02llu", negative ? "-" : "",
           static_cast<unsigned long long>(magnitude / 100),
           static_cast<unsigned long long>(magnitude % 100));
  return text;
}

ivr::LookupResult CustomerLookup::Answer(const ivr::Lookup& lookup) {
  if (lookup.kind == "customer_by_caller") {
    auto customers = customers_.FindByPhone(KeyOf(lookup, "caller"));
    if (!customers) {
      HLOG_WARN("customer lookup failed: {}", customers.error().message);
      return {};
    }
    // Several customers may share a number: the first is spoken to; the agent desktop will
    // let the agent pick (screen pop).
    if (customers->empty()) return {};
    ivr::LookupResult result = Found(customers->front());
    result.fields["matches"] = std::to_string(customers->size());
    return result;
  }
  if (lookup.kind == "account_by_pin") {
    std::string account = KeyOf(lookup, "account");
    if (account.empty() || !customers_.VerifyPin(account, KeyOf(lookup, "pin"))) return {};
    auto customer = customers_.FindByAccount(account);
    if (!customer || !customer->has_value()) return {};
    return Found(**customer);
  }
  HLOG_WARN("IVR lookup of unknown kind {}", lookup.kind);
  return {};
}

}  // namespace hotline::call
