#include "store/customer_store.h"

#include <optional>
#include <utility>

#include "common/log.h"
#include "store/cdr_store.h"
#include "store/pin_hash.h"

namespace hotline::store {

namespace {

const char* const kCustomerColumns =
    "c.id, c.name, c.account_number, c.pin_hash IS NOT NULL, c.balance_fen, c.vip, "
    "c.language, c.created_time, c.created_ms, c.updated_time, c.updated_ms";

Customer ReadCustomer(const Statement& s) {
  Customer c;
  c.id = s.Int(0);
  c.name = s.Text(1);
  c.account_number = s.Text(2);
  c.has_pin = s.Int(3) != 0;
  c.balance_fen = s.Int(4);
  c.vip = s.Int(5) != 0;
  c.language = s.Text(6);
  c.created_time = s.Text(7);
  c.created_ms = s.Int(8);
  c.updated_time = s.Text(9);
  c.updated_ms = s.Int(10);
  return c;
}

// Reads column 0 of every row as text.
Result<std::vector<std::string>> ReadTexts(Statement& query) {
  std::vector<std::string> texts;
  while (true) {
    auto row = query.Step();
    if (!row) return row.error();
    if (!*row) break;
    texts.push_back(query.Text(0));
  }
  return texts;
}

std::optional<std::string> NullIfEmpty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

struct DemoCustomer {
  const char* name;
  std::vector<std::string> phones;
  const char* account;  // "" for none
  const char* pin;      // "" for none
  int64_t balance_fen;
  bool vip;
  const char* language;
  std::vector<std::string> tags;
};

// Phones 1001-1010 are the demo softphones (config/demo.yaml), so a demo caller is
// recognised; 13800138000 is shared by two customers (a family line).
const std::vector<DemoCustomer>& DemoCustomers() {
  static const std::vector<DemoCustomer> kDemo = {
      {"李明 Li Ming",
       {"1001", "13800138000"},
       "6222020001",
       "1234",
       12345678,
       true,
       "zh",
       {"wealth"}},
      {"Alice Smith", {"1002", "13900139000"}, "6222020002", "2580", 50000, false, "en", {}},
      {"王秀英 Wang Xiuying",
       {"1003", "13700137000"},
       "6222020003",
       "1111",
       880,
       false,
       "zh",
       {"elderly"}},
      {"David Chen 陈大卫",
       {"1004", "02155550123"},
       "6222020004",
       "4321",
       88800000,
       true,
       "en",
       {"wealth", "corporate"}},
      {"张丽 Zhang Li", {"1005", "13800138000"}, "6222020005", "5678", 150000, false, "zh", {}},
      {"Maria Garcia", {"1006"}, "6222020006", "9999", -15000, false, "en", {"overdue"}},
      {"赵刚 Zhao Gang", {"1007", "18612345678"}, "", "", 0, false, "zh", {"prospect"}},
      {"孙悦 Sun Yue", {"1008"}, "6222020008", "2468", 320050, false, "zh", {}},
      {"John Brown", {"1009", "+14155550100"}, "6222020009", "1357", 99900, false, "en", {}},
      {"周婷 Zhou Ting", {"1010"}, "6222020010", "8642", 0, false, "", {"new"}},
  };
  return kDemo;
}

}  // namespace

std::string NormalizePhone(const std::string& number) {
  std::string normalized;
  for (char c : number) {
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') continue;
    normalized.push_back(c);
  }
  return normalized;
}

Result<std::vector<Customer>> CustomerStore::ReadAll(Statement& query) {
  std::vector<Customer> customers;
  while (true) {
    auto row = query.Step();
    if (!row) return row.error();
    if (!*row) break;
    customers.push_back(ReadCustomer(query));
  }
  query.Reset();
  for (Customer& customer : customers) {
    if (auto loaded = LoadLists(customer); !loaded.ok()) return Error{loaded.message()};
  }
  return customers;
}

Status CustomerStore::LoadLists(Customer& customer) {
  auto phones =
      db_.Prepare("SELECT number FROM customer_phones WHERE customer_id = ?1 ORDER BY number");
  if (!phones) return phones.error();
  auto phone_list = ReadTexts(phones->Bind(1, customer.id));
  if (!phone_list) return phone_list.error();
  customer.phones = std::move(phone_list).value();
  auto tags = db_.Prepare("SELECT tag FROM customer_tags WHERE customer_id = ?1 ORDER BY tag");
  if (!tags) return tags.error();
  auto tag_list = ReadTexts(tags->Bind(1, customer.id));
  if (!tag_list) return tag_list.error();
  customer.tags = std::move(tag_list).value();
  return Status::Ok();
}

Result<std::vector<Customer>> CustomerStore::FindByPhone(const std::string& number) {
  std::string normalized = NormalizePhone(number);
  if (normalized.empty()) return std::vector<Customer>{};
  auto query = db_.Prepare(std::string("SELECT ") + kCustomerColumns +
                           " FROM customers c JOIN customer_phones p ON p.customer_id = c.id "
                           "WHERE p.number = ?1 ORDER BY c.vip DESC, c.id");
  if (!query) return query.error();
  query->Bind(1, normalized);
  return ReadAll(*query);
}

Result<std::optional<Customer>> CustomerStore::FindByAccount(const std::string& account_number) {
  if (account_number.empty()) return std::optional<Customer>();
  auto query = db_.Prepare(std::string("SELECT ") + kCustomerColumns +
                           " FROM customers c WHERE c.account_number = ?1");
  if (!query) return query.error();
  query->Bind(1, account_number);
  auto found = ReadAll(*query);
  if (!found) return found.error();
  if (found->empty()) return std::optional<Customer>();
  return std::optional<Customer>(std::move(found->front()));
}

Result<std::optional<Customer>> CustomerStore::Get(int64_t id) {
  auto query =
      db_.Prepare(std::string("SELECT ") + kCustomerColumns + " FROM customers c WHERE c.id = ?1");
  if (!query) return query.error();
  query->Bind(1, id);
  auto found = ReadAll(*query);
  if (!found) return found.error();
  if (found->empty()) return std::optional<Customer>();
  return std::optional<Customer>(std::move(found->front()));
}

bool CustomerStore::VerifyPin(const std::string& account_number, const std::string& pin) {
  if (account_number.empty() || !IsValidPin(pin)) return false;
  auto query = db_.Prepare("SELECT pin_hash FROM customers WHERE account_number = ?1");
  if (!query) {
    HLOG_ERROR("VerifyPin: {}", query.error().message);
    return false;
  }
  auto row = query->Bind(1, account_number).Step();
  if (!row) {
    HLOG_ERROR("VerifyPin: {}", row.error().message);
    return false;
  }
  if (!*row || query->IsNull(0)) return false;
  return PinMatches(pin, query->Text(0));
}

Result<std::optional<int64_t>> CustomerStore::ExistingId(const CustomerUpsert& customer) {
  if (customer.id != 0) {
    auto query = db_.Prepare("SELECT id FROM customers WHERE id = ?1");
    if (!query) return query.error();
    auto row = query->Bind(1, customer.id).Step();
    if (!row) return row.error();
    if (!*row) return Error{"no customer with id " + std::to_string(customer.id)};
    return std::optional<int64_t>(customer.id);
  }
  if (customer.account_number.empty()) return std::optional<int64_t>();
  auto query = db_.Prepare("SELECT id FROM customers WHERE account_number = ?1");
  if (!query) return query.error();
  auto row = query->Bind(1, customer.account_number).Step();
  if (!row) return row.error();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(query->Int(0));
}

Status CustomerStore::WriteLists(int64_t id, const CustomerUpsert& customer) {
  auto clear = db_.Prepare("DELETE FROM customer_phones WHERE customer_id = ?1");
  if (!clear) return clear.error();
  if (auto run = clear->Bind(1, id).Run(); !run.ok()) return run;
  auto add_phone =
      db_.Prepare("INSERT OR IGNORE INTO customer_phones (customer_id, number) VALUES (?1, ?2)");
  if (!add_phone) return add_phone.error();
  for (const std::string& phone : customer.phones) {
    if (auto run = add_phone->Bind(1, id).Bind(2, NormalizePhone(phone)).Run(); !run.ok()) {
      return run;
    }
  }
  auto clear_tags = db_.Prepare("DELETE FROM customer_tags WHERE customer_id = ?1");
  if (!clear_tags) return clear_tags.error();
  if (auto run = clear_tags->Bind(1, id).Run(); !run.ok()) return run;
  auto add_tag =
      db_.Prepare("INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?1, ?2)");
  if (!add_tag) return add_tag.error();
  for (const std::string& tag : customer.tags) {
    if (auto run = add_tag->Bind(1, id).Bind(2, tag).Run(); !run.ok()) return run;
  }
  return Status::Ok();
}

Result<int64_t> CustomerStore::Upsert(const CustomerUpsert& customer, WallTime now) {
  if (customer.name.empty()) return Error{"a customer needs a name"};
  for (const std::string& phone : customer.phones) {
    if (NormalizePhone(phone).empty()) return Error{"empty phone number for " + customer.name};
  }
  for (const std::string& tag : customer.tags) {
    if (tag.empty()) return Error{"empty tag for " + customer.name};
  }
  // pin_hash: nullopt in `new_hash` keeps the stored one (COALESCE below) unless clearing.
  std::optional<std::string> new_hash;
  bool clear_pin = customer.pin.has_value() && customer.pin->empty();
  if (customer.pin.has_value() && !clear_pin) {
    auto hashed = HashPin(*customer.pin);
    if (!hashed) return Error{customer.name + ": " + hashed.error().message};
    new_hash = std::move(hashed).value();
  }

  // Join the caller's transaction (e.g. a storage-writer batch) or open our own.
  std::optional<Transaction> transaction;
  if (!db_.InTransaction()) {
    transaction.emplace(db_);
    if (auto begun = transaction->Begin(); !begun.ok()) return Error{begun.message()};
  }
  auto existing = ExistingId(customer);
  if (!existing) return existing.error();
  int64_t id = 0;
  if (existing->has_value()) {
    id = **existing;
    auto update = db_.Prepare(
        "UPDATE customers SET name = ?2, account_number = ?3, "
        "  pin_hash = CASE WHEN ?9 THEN NULL ELSE COALESCE(?4, pin_hash) END, "
        "  balance_fen = ?5, vip = ?6, language = ?7, updated_time = ?8, updated_ms = ?10 "
        "WHERE id = ?1");
    if (!update) return update.error();
    Status run = update->Bind(1, id)
                     .Bind(2, customer.name)
                     .Bind(3, NullIfEmpty(customer.account_number))
                     .Bind(4, new_hash)
                     .Bind(5, customer.balance_fen)
                     .Bind(6, customer.vip ? 1 : 0)
                     .Bind(7, customer.language)
                     .Bind(8, FormatIsoUtc(now))
                     .Bind(9, clear_pin ? 1 : 0)
                     .Bind(10, EpochMs(now))
                     .Run();
    if (!run.ok()) return Error{customer.name + ": " + run.message()};
  } else {
    auto insert = db_.Prepare(
        "INSERT INTO customers (name, account_number, pin_hash, balance_fen, vip, language, "
        "  created_time, created_ms, updated_time, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)");
    if (!insert) return insert.error();
    Status run = insert->Bind(1, customer.name)
                     .Bind(2, NullIfEmpty(customer.account_number))
                     .Bind(3, new_hash)
                     .Bind(4, customer.balance_fen)
                     .Bind(5, customer.vip ? 1 : 0)
                     .Bind(6, customer.language)
                     .Bind(7, FormatIsoUtc(now))
                     .Bind(8, EpochMs(now))
                     .Run();
    if (!run.ok()) return Error{customer.name + ": " + run.message()};
    id = sqlite3_last_insert_rowid(db_.handle());
  }
  if (auto lists = WriteLists(id, customer); !lists.ok()) return Error{lists.message()};
  if (transaction) {
    if (auto committed = transaction->Commit(); !committed.ok()) {
      return Error{committed.message()};
    }
  }
  return id;
}

Result<int> CustomerStore::SeedDemoCustomers(WallTime now) {
  int added = 0;
  for (const DemoCustomer& demo : DemoCustomers()) {
    bool exists = false;
    if (demo.account[0] != '\0') {
      auto found = FindByAccount(demo.account);
      if (!found) return found.error();
      exists = found->has_value();
    } else {
      auto found = FindByPhone(demo.phones.front());
      if (!found) return found.error();
      for (const Customer& customer : *found) exists = exists || customer.name == demo.name;
    }
    if (exists) continue;
    CustomerUpsert customer;
    customer.name = demo.name;
    customer.phones = demo.phones;
    customer.account_number = demo.account;
    if (demo.pin[0] != '\0') customer.pin = demo.pin;
    customer.balance_fen = demo.balance_fen;
    customer.vip = demo.vip;
    customer.language = demo.language;
    customer.tags = demo.tags;
    auto upserted = Upsert(customer, now);
    if (!upserted) return Error{"demo customers: " + upserted.error().message};
    ++added;
  }
  return added;
}

}  // namespace hotline::store
