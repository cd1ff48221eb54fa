#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

constexpr const char* kFlow = R"(
flow: t
start: account
nodes:
  account: {type: collect, prompt: 账号, variable: account, min_digits: 6, max_digits: 6,
            next: pin}
  pin: {type: collect, prompt: 密码, variable: pin, min_digits: 4, max_digits: 4, mask: true,
        next: check}
  check:
    type: lookup
    kind: account_by_pin
    keys: {account: account, pin: pin}
    store_as: acct
    timeout_ms: 2000
    found: balance
    not_found: wrong
  balance:
    type: play
    prompt: {zh: "余额{amount:acct.balance}", en: "Balance {amount:acct.balance}"}
    next: bye
  wrong: {type: hangup, reason: wrong}
  bye: {type: hangup, reason: bye}
)";

TEST(LookupNodeTest, EmitsKeysFromVariables) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("123456");
  auto lookups = OfType<Lookup>(d.Digits("4321"));
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].kind, "account_by_pin");
  EXPECT_EQ(lookups[0].keys,
            (std::map<std::string, std::string>{{"account", "123456"}, {"pin", "4321"}}));
}

TEST(LookupNodeTest, FoundFieldsAreStoredAndSpoken) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("123456");
  d.Digits("4321");
  d.Answer(true, {{"balance", "1234.5"}});
  EXPECT_EQ(d.session().variable("acct.balance"), "1234.5");
  EXPECT_EQ(d.LastPlayText(), "余额一千二百三十四元五角");
  EXPECT_EQ(d.Events("lookup"), (std::vector<std::string>{"lookup:check:found"}));
  d.FinishPlays();
  EXPECT_EQ(d.session().end_reason(), "bye");
}

TEST(LookupNodeTest, WrongPinIsNotFound) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("123456");
  d.Digits("0000");
  d.Answer(false);
  EXPECT_EQ(d.session().end_reason(), "wrong");
  EXPECT_FALSE(d.session().variable("acct.balance").has_value());
}

TEST(LookupNodeTest, NoAnswerTimesOutToNotFound) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("123456");
  d.Digits("4321");
  d.Wait(2000);
  EXPECT_EQ(d.session().end_reason(), "wrong");
  EXPECT_EQ(d.Events("lookup"), (std::vector<std::string>{"lookup:check:timeout"}));
}

TEST(LookupNodeTest, LateOrForeignAnswersAreIgnored) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("123456");
  auto lookups = OfType<Lookup>(d.Digits("4321"));
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_TRUE(d.session().OnLookupResult(lookups[0].token + 7, {true, {}}).empty());
  d.Wait(2000);  // timed out: the node is left
  EXPECT_TRUE(d.session().OnLookupResult(lookups[0].token, {true, {}}).empty());
}

TEST(LookupNodeTest, CallerLookupDefaultsToTheCallerNumber) {
  Driver d(MustLoad(R"(
flow: t
start: who
nodes:
  who: {type: lookup, kind: customer_by_caller, found: vip, not_found: bye}
  vip:
    type: branch
    cases: [{if: {var: customer.vip, equals: "true"}, next: vip_bye}]
    default: bye
  vip_bye: {type: hangup, reason: vip}
  bye: {type: hangup, reason: bye}
)"));
  auto lookups = OfType<Lookup>(d.Start());
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].keys.at("caller"), "13800000000");
  d.Answer(true, {{"vip", "true"}, {"name", "Wang"}});
  EXPECT_EQ(d.session().end_reason(), "vip");
  EXPECT_EQ(d.session().variable("customer.name"), "Wang");
}

}  // namespace
}  // namespace hotline::ivr::testing
