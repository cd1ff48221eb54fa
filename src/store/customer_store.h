// store/customer_store.h: the customers a call center recognises: names, phone numbers
// (several per customer, and a number may be shared by several customers), an optional
// unique account number with a hashed PIN (store/pin_hash.h), balance in fen, VIP flag,
// language preference and free-form tags. Tables customers, customer_phones and
// customer_tags of hotline.db (migration 2).
// Not thread-safe: a CustomerStore uses the SqliteDb it is given, which belongs to one
// thread; the caller keeps that SqliteDb alive for the store's lifetime.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

// One customer as stored. The PIN hash is never read out; has_pin says whether one is set.
struct Customer {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> phones;  // normalized (NormalizePhone), sorted
  std::string account_number;       // "" if none
  bool has_pin = false;
  int64_t balance_fen = 0;  // 1 yuan = 100 fen; negative when overdrawn
  bool vip = false;
  std::string language;           // "zh", "en", ... or "" for the flow's default
  std::vector<std::string> tags;  // sorted
  std::string created_time;       // ISO-8601 UTC
  int64_t created_ms = 0;
  std::string updated_time;
  int64_t updated_ms = 0;
};

// What Upsert writes. Phones and tags replace the stored ones entirely.
struct CustomerUpsert {
  // 0: update the customer holding account_number if there is one, else insert.
  // Otherwise the id of the customer to update (Error if none).
  int64_t id = 0;
  std::string name;  // required
  std::vector<std::string> phones;
  std::string account_number;  // "" for none; unique among customers
  // nullopt keeps the stored PIN; "" removes it; otherwise 4-12 digits, stored hashed.
  std::optional<std::string> pin;
  int64_t balance_fen = 0;
  bool vip = false;
  std::string language;
  std::vector<std::string> tags;
};

// Drops the separators people type or trunks add (spaces, '-', '.', '(', ')'); keeps digits,
// '+', '*' and '#'. Country prefixes are not touched: "+8613800138000" stays as it is.
std::string NormalizePhone(const std::string& number);

class CustomerStore {
 public:
  // REQUIRES: db carries HotlineMigrations() (see OpenHotlineDb) and outlives the store.
  explicit CustomerStore(SqliteDb& db) : db_(db) {}

  // Every customer with this number (after NormalizePhone), VIPs first, then by id. Empty
  // if none.
  Result<std::vector<Customer>> FindByPhone(const std::string& number);
  Result<std::optional<Customer>> FindByAccount(const std::string& account_number);
  Result<std::optional<Customer>> Get(int64_t id);

  // True only if the account exists, has a PIN, and `pin` matches it. Errors (logged) and
  // malformed PINs read as false. Does not count attempts: the caller limits guessing.
  bool VerifyPin(const std::string& account_number, const std::string& pin);

  // Inserts or updates one customer (see CustomerUpsert) in one transaction and returns its
  // id. Inside a transaction the caller opened, it joins that one, and a failure leaves
  // the caller to roll back. Hashing a new PIN costs a few milliseconds. Error for an empty name, a
  // malformed PIN, an empty phone number, an account number held by another customer, or an unknown
  // id.
  Result<int64_t> Upsert(const CustomerUpsert& customer, WallTime now);

  // Adds the demo customers (config/demo.yaml's SIP users 1001-1010 as their phones, plus
  // outside numbers such as 13800138000; accounts 6222020001...; two VIPs) that are not
  // there yet, leaving existing ones (and any changes made to them) alone. Returns how
  // many were added: 0 on a second run.
  Result<int> SeedDemoCustomers(WallTime now);

 private:
  // Runs a prepared SELECT of kCustomerColumns and reads every row with its lists.
  Result<std::vector<Customer>> ReadAll(Statement& query);
  Status LoadLists(Customer& customer);
  Result<std::optional<int64_t>> ExistingId(const CustomerUpsert& customer);
  Status WriteLists(int64_t id, const CustomerUpsert& customer);

  SqliteDb& db_;
};

}  // namespace hotline::store
