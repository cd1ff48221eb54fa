#include "store/customer_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/cdr_store.h"  // EpochMs
#include "store_test_support.h"

namespace hotline::store {
namespace {

using test_support::At;

class CustomerStoreTest : public test_support::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    db_ = OpenDb();
    ASSERT_NE(db_, nullptr);
    store_ = std::make_unique<CustomerStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    TempDirTest::TearDown();
  }

  std::unique_ptr<SqliteDb> db_;
  std::unique_ptr<CustomerStore> store_;
};

CustomerUpsert Sample() {
  CustomerUpsert c;
  c.name = "李明 Li Ming";
  c.phones = {"138-0013-8000", "1001"};
  c.account_number = "6222020001";
  c.pin = "1234";
  c.balance_fen = 12345;
  c.vip = true;
  c.language = "zh";
  c.tags = {"wealth", "early"};
  return c;
}

TEST_F(CustomerStoreTest, InsertThenFindByAccountAndPhone) {
  auto id = store_->Upsert(Sample(), At(0));
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto found = store_->FindByAccount("6222020001");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const Customer& c = **found;
  EXPECT_EQ(c.id, *id);
  EXPECT_EQ(c.name, "李明 Li Ming");
  EXPECT_EQ(c.phones, (std::vector<std::string>{"1001", "13800138000"}));
  EXPECT_TRUE(c.has_pin);
  EXPECT_EQ(c.balance_fen, 12345);
  EXPECT_TRUE(c.vip);
  EXPECT_EQ(c.language, "zh");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"early", "wealth"}));
  EXPECT_EQ(c.created_time, "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(c.updated_ms, c.created_ms);

  auto by_phone = store_->FindByPhone("138 0013 8000");
  ASSERT_TRUE(by_phone.ok());
  ASSERT_EQ(by_phone->size(), 1u);
  EXPECT_EQ((*by_phone)[0].id, *id);
  EXPECT_TRUE(store_->FindByPhone("13900000000")->empty());
  EXPECT_TRUE(store_->FindByPhone("")->empty());
  EXPECT_FALSE(store_->FindByAccount("0000")->has_value());
  EXPECT_FALSE(store_->FindByAccount("")->has_value());
  EXPECT_TRUE(store_->Get(*id)->has_value());
  EXPECT_FALSE(store_->Get(*id + 100)->has_value());
}

TEST_F(CustomerStoreTest, PinIsHashedAndVerified) {
  ASSERT_TRUE(store_->Upsert(Sample(), At(0)).ok());
  EXPECT_TRUE(store_->VerifyPin("6222020001", "1234"));
  EXPECT_FALSE(store_->VerifyPin("6222020001", "1235"));
  EXPECT_FALSE(store_->VerifyPin("6222020001", ""));
  EXPECT_FALSE(store_->VerifyPin("6222020001", "' OR '1'='1"));
  EXPECT_FALSE(store_->VerifyPin("6222029999", "1234"));
  EXPECT_FALSE(store_->VerifyPin("", "1234"));
  auto raw = db_->Prepare("SELECT pin_hash FROM customers");
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->Step().ok());
  EXPECT_EQ(raw->Text(0).find("1234$"), std::string::npos);
  EXPECT_EQ(raw->Text(0).rfind("pbkdf2-sha256$", 0), 0u);
}

TEST_F(CustomerStoreTest, UpsertByAccountUpdatesAndKeepsOrChangesThePin) {
  auto id = store_->Upsert(Sample(), At(0));
  ASSERT_TRUE(id.ok());
  CustomerUpsert update = Sample();
  update.pin.reset();  // keep
  update.balance_fen = 99;
  update.vip = false;
  update.phones = {"1002"};
  update.tags = {};
  auto again = store_->Upsert(update, At(60000));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *id);
  auto c = store_->FindByAccount("6222020001");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->balance_fen, 99);
  EXPECT_FALSE((*c)->vip);
  EXPECT_EQ((*c)->phones, std::vector<std::string>{"1002"});
  EXPECT_TRUE((*c)->tags.empty());
  EXPECT_EQ((*c)->created_ms, EpochMs(At(0)));
  EXPECT_EQ((*c)->updated_ms, EpochMs(At(60000)));
  EXPECT_TRUE(store_->VerifyPin("6222020001", "1234"));
  EXPECT_TRUE(store_->FindByPhone("1001")->empty());

  update.pin = "987654";
  ASSERT_TRUE(store_->Upsert(update, At(1)).ok());
  EXPECT_FALSE(store_->VerifyPin("6222020001", "1234"));
  EXPECT_TRUE(store_->VerifyPin("6222020001", "987654"));

  update.pin = "";  // remove
  ASSERT_TRUE(store_->Upsert(update, At(2)).ok());
  EXPECT_FALSE(store_->VerifyPin("6222020001", "987654"));
  EXPECT_FALSE((*store_->FindByAccount("6222020001"))->has_pin);
}

TEST_F(CustomerStoreTest, UpsertByIdCanChangeTheAccount) {
  auto id = store_->Upsert(Sample(), At(0));
  ASSERT_TRUE(id.ok());
  CustomerUpsert update = Sample();
  update.id = *id;
  update.account_number = "6222020999";
  update.pin.reset();
  ASSERT_TRUE(store_->Upsert(update, At(1)).ok());
  EXPECT_FALSE(store_->FindByAccount("6222020001")->has_value());
  EXPECT_TRUE(store_->VerifyPin("6222020999", "1234"));
  update.id = *id + 50;
  EXPECT_FALSE(store_->Upsert(update, At(2)).ok());
}

TEST_F(CustomerStoreTest, AccountNumbersAreUnique) {
  auto first = store_->Upsert(Sample(), At(0));
  ASSERT_TRUE(first.ok());
  CustomerUpsert other = Sample();
  other.name = "Someone Else";
  other.account_number = "6222020002";
  auto second = store_->Upsert(other, At(0));
  ASSERT_TRUE(second.ok());
  other.id = *second;
  other.account_number = "6222020001";  // taken by the first customer
  auto clash = store_->Upsert(other, At(1));
  EXPECT_FALSE(clash.ok());
  // The failed upsert left the second customer as it was.
  auto kept = store_->FindByAccount("6222020002");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->name, "Someone Else");
}

TEST_F(CustomerStoreTest, CustomersWithoutAccountsAndSharedNumbers) {
  CustomerUpsert a;
  a.name = "Alice Smith";
  a.phones = {"1002"};
  CustomerUpsert b;
  b.name = "Bob Smith";
  b.phones = {"1002", "1003"};
  b.vip = true;
  auto a_id = store_->Upsert(a, At(0));
  auto b_id = store_->Upsert(b, At(0));
  ASSERT_TRUE(a_id.ok() && b_id.ok());
  EXPECT_NE(*a_id, *b_id);  // no account: each upsert inserts
  auto found = store_->FindByPhone("1002");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].name, "Bob Smith");  // VIP first
  EXPECT_EQ((*found)[1].name, "Alice Smith");
  EXPECT_EQ((*found)[1].account_number, "");
  EXPECT_FALSE((*found)[1].has_pin);
}

TEST_F(CustomerStoreTest, BadInputIsRefused) {
  CustomerUpsert c = Sample();
  c.name = "";
  EXPECT_FALSE(store_->Upsert(c, At(0)).ok());
  c = Sample();
  c.pin = "12";
  EXPECT_FALSE(store_->Upsert(c, At(0)).ok());
  c = Sample();
  c.phones = {"1001", " - "};
  EXPECT_FALSE(store_->Upsert(c, At(0)).ok());
  c = Sample();
  c.tags = {""};
  EXPECT_FALSE(store_->Upsert(c, At(0)).ok());
  EXPECT_FALSE(store_->FindByAccount("6222020001")->has_value());

  c = Sample();
  c.name = "Robert'); DROP TABLE customers; -- 🎧";
  c.tags = {"%s {}", "'\""};
  ASSERT_TRUE(store_->Upsert(c, At(0)).ok());
  auto found = store_->FindByAccount("6222020001");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, c.name);
}

TEST_F(CustomerStoreTest, NormalizePhoneDropsSeparatorsOnly) {
  EXPECT_EQ(NormalizePhone("(021) 5555-0123"), "02155550123");
  EXPECT_EQ(NormalizePhone("+86 138.0013.8000"), "+8613800138000");
  EXPECT_EQ(NormalizePhone("*72#"), "*72#");
  EXPECT_EQ(NormalizePhone(" - "), "");
}

TEST_F(CustomerStoreTest, DemoCustomersAreSeededOnce) {
  auto added = store_->SeedDemoCustomers(At(0));
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_GE(*added, 5);
  auto again = store_->SeedDemoCustomers(At(1000));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, 0);

  // Every demo softphone is a known customer.
  for (int number = 1001; number <= 1010; ++number) {
    auto found = store_->FindByPhone(std::to_string(number));
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->empty()) << number;
  }
  auto family = store_->FindByPhone("13800138000");
  ASSERT_TRUE(family.ok());
  EXPECT_EQ(family->size(), 2u);
  EXPECT_TRUE(store_->VerifyPin("6222020001", "1234"));
  auto vips = db_->Prepare("SELECT COUNT(*) FROM customers WHERE vip = 1");
  ASSERT_TRUE(vips.ok());
  ASSERT_TRUE(vips->Step().ok());
  EXPECT_EQ(vips->Int(0), 2);

  // Seeding again leaves changes alone.
  CustomerUpsert changed;
  changed.name = "李明 Li Ming";
  changed.account_number = "6222020001";
  changed.phones = {"1001"};
  changed.balance_fen = 1;
  ASSERT_TRUE(store_->Upsert(changed, At(2000)).ok());
  ASSERT_TRUE(store_->SeedDemoCustomers(At(3000)).ok());
  EXPECT_EQ((*store_->FindByAccount("6222020001"))->balance_fen, 1);
}

TEST_F(CustomerStoreTest, CustomersSurviveReopening) {
  ASSERT_TRUE(store_->Upsert(Sample(), At(0)).ok());
  store_.reset();
  db_.reset();
  db_ = OpenDb();
  ASSERT_NE(db_, nullptr);
  CustomerStore reopened(*db_);
  EXPECT_TRUE(reopened.VerifyPin("6222020001", "1234"));
  EXPECT_EQ(reopened.FindByPhone("1001")->size(), 1u);
}

}  // namespace
}  // namespace hotline::store
