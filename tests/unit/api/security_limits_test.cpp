// The pure parts of the console/API hardening: the fair password-check queue, sign-in
// throttling per user+address, per address and per user, connection caps, the accept
// back-off, input limits and the agents' customer scope. Virtual time throughout.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/connection_limits.h"
#include "api/customer_scope.h"
#include "api/fair_queue.h"
#include "api/input_limits.h"
#include "api/security_headers.h"
#include "api/sign_in_guard.h"

namespace hotline::api {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(FairQueueTest, SourcesAreServedInTurn) {
  FairQueue<std::string> queue(100, 1000);
  // An attacker queues 50 checks, then the admin one: the admin's is served second, not 51st.
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(queue.Push("127.0.0.2", "bad" + std::to_string(i)), Admission::kQueued);
  }
  ASSERT_EQ(queue.Push("127.0.0.1", "admin"), Admission::kQueued);
  EXPECT_EQ(*queue.Pop(), "bad0");
  EXPECT_EQ(*queue.Pop(), "admin");
  EXPECT_EQ(*queue.Pop(), "bad1");
  EXPECT_EQ(queue.size(), 48u);
}

TEST(FairQueueTest, RoundRobinOverThreeSourcesKeepsEachSourcesOrder) {
  FairQueue<std::string> queue(10, 100);
  for (const char* job : {"a1", "a2", "a3"}) ASSERT_EQ(queue.Push("a", job), Admission::kQueued);
  for (const char* job : {"b1", "b2"}) ASSERT_EQ(queue.Push("b", job), Admission::kQueued);
  ASSERT_EQ(queue.Push("c", "c1"), Admission::kQueued);
  std::vector<std::string> order;
  while (auto job = queue.Pop()) order.push_back(*job);
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "b1", "c1", "a2", "b2", "a3"}));
  EXPECT_EQ(queue.sources(), 0u);
}

TEST(FairQueueTest, BoundedPerSourceAndInTotal) {
  FairQueue<int> queue(2, 3);
  EXPECT_EQ(queue.Push("x", 1), Admission::kQueued);
  EXPECT_EQ(queue.Push("x", 2), Admission::kQueued);
  EXPECT_EQ(queue.Push("x", 3), Admission::kSourceFull);
  EXPECT_EQ(queue.Push("y", 4), Admission::kQueued);
  EXPECT_EQ(queue.Push("z", 5), Admission::kFull);
  EXPECT_EQ(queue.queued("x"), 2u);
  queue.Pop();
  EXPECT_EQ(queue.Push("z", 5), Admission::kQueued) << "room again after a pop";
}

TEST(SignInGuardTest, ManyUsersFromOneAddressAreThrottledByAddress) {
  SignInLimits limits;
  limits.per_user_and_source = 5;
  limits.per_source = 10;
  limits.per_user = 50;
  SignInGuard guard(limits);
  TimePoint t{};
  for (int i = 0; i < 10; ++i) {
    std::string user = "user" + std::to_string(i);
    EXPECT_FALSE(guard.RetryAfter(user, "10.0.0.9", t).has_value()) << i;
    guard.Failed(user, "10.0.0.9", t);
  }
  auto wait = guard.RetryAfter("someone-else", "10.0.0.9", t + seconds(1));
  ASSERT_TRUE(wait.has_value()) << "the 11th username from the same address is refused";
  EXPECT_EQ(wait->count(), 299);
  EXPECT_FALSE(guard.RetryAfter("admin", "10.0.0.1", t + seconds(1)).has_value())
      << "other addresses are not affected";
  EXPECT_FALSE(guard.RetryAfter("someone-else", "10.0.0.9", t + minutes(5)).has_value())
      << "the window slides";
}

TEST(SignInGuardTest, OneUserFromManyAddressesIsThrottledByUserButNotAtItsOwnDesk) {
  SignInLimits limits;
  limits.per_user = 20;
  SignInGuard guard(limits);
  TimePoint t{};
  guard.Succeeded("admin", "10.0.0.1", t);  // the admin's usual desk
  for (int i = 0; i < 20; ++i) {
    std::string source = "10.1.0." + std::to_string(i);
    EXPECT_FALSE(guard.RetryAfter("admin", source, t).has_value()) << i;
    guard.Failed("admin", source, t + seconds(1));
  }
  EXPECT_TRUE(guard.RetryAfter("admin", "10.2.0.1", t + seconds(2)).has_value())
      << "a 21st address guessing the same user is refused";
  EXPECT_FALSE(guard.RetryAfter("admin", "10.0.0.1", t + seconds(2)).has_value())
      << "the address that signed in as admin before still may";
  EXPECT_FALSE(guard.RetryAfter("other", "10.2.0.1", t + seconds(2)).has_value());
}

TEST(SignInGuardTest, SuccessClearsOnlyThatUserAndAddress) {
  SignInLimits limits;
  limits.per_user_and_source = 3;
  limits.per_source = 4;
  SignInGuard guard(limits);
  TimePoint t{};
  for (int i = 0; i < 3; ++i) guard.Failed("1001", "10.0.0.5", t);
  EXPECT_TRUE(guard.RetryAfter("1001", "10.0.0.5", t).has_value());
  guard.Succeeded("1001", "10.0.0.5", t);
  EXPECT_FALSE(guard.RetryAfter("1001", "10.0.0.5", t).has_value());
  guard.Failed("1002", "10.0.0.5", t);  // the address's 4th failure
  EXPECT_TRUE(guard.RetryAfter("1003", "10.0.0.5", t).has_value())
      << "a good sign-in does not wash the address's record";
}

TEST(ConnectionLimiterTest, CapsPerSourceAndInTotalAndSlotsGiveBack) {
  auto limiter = std::make_shared<ConnectionLimiter>(3, 2);
  {
    ConnectionSlot a(limiter, "10.0.0.1");
    ASSERT_TRUE(limiter->TryAdd("10.0.0.1"));
    ConnectionSlot b(limiter, "10.0.0.1");
    ASSERT_TRUE(limiter->TryAdd("10.0.0.1"));
    EXPECT_FALSE(limiter->TryAdd("10.0.0.1")) << "third from the same address";
    ASSERT_TRUE(limiter->TryAdd("10.0.0.2"));
    ConnectionSlot c(limiter, "10.0.0.2");
    EXPECT_FALSE(limiter->TryAdd("10.0.0.3")) << "three in all";
    EXPECT_EQ(limiter->open(), 3u);
    ConnectionSlot moved = std::move(b);  // handed on (HTTP -> WebSocket): still counted once
    EXPECT_EQ(limiter->open_from("10.0.0.1"), 2u);
  }
  EXPECT_EQ(limiter->open(), 0u);
  EXPECT_EQ(limiter->open_from("10.0.0.1"), 0u);
  EXPECT_TRUE(limiter->TryAdd("10.0.0.3"));
}

TEST(ConnectionLimiterTest, DefaultCapIsBelowTheDescriptorLimit) {
  EXPECT_EQ(DefaultConnectionCap(1024), 256u);
  EXPECT_EQ(DefaultConnectionCap(64), 16u);
  EXPECT_EQ(DefaultConnectionCap(1 << 20), 4096u);
}

TEST(AcceptBackoffTest, OutOfDescriptorsWaitsLongerEachTimeAndLogsOncePerEpisode) {
  AcceptBackoff backoff;
  std::vector<int64_t> waits;
  int logged = 0;
  for (int i = 0; i < 8; ++i) {
    auto step = backoff.Failed(AcceptBackoff::Failure::kOutOfResources);
    waits.push_back(step.wait.count());
    logged += step.log ? 1 : 0;
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{100, 200, 400, 800, 1000, 1000, 1000, 1000}));
  EXPECT_EQ(logged, 1);
  auto ended = backoff.Succeeded();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, 8u);
  EXPECT_FALSE(backoff.Succeeded().has_value()) << "nothing to log when all is well";
  auto next = backoff.Failed(AcceptBackoff::Failure::kOutOfResources);
  EXPECT_TRUE(next.log) << "a new episode logs again";
  EXPECT_EQ(next.wait, milliseconds(100));
  EXPECT_GT(backoff.Failed(AcceptBackoff::Failure::kOther).wait.count(), 0) << "never spins";
}

TEST(InputLimitsTest, LengthsCountCharactersAndNameTheField) {
  EXPECT_FALSE(limits::CheckLength("display_name", std::string(100, 'x'), 100).has_value());
  auto error = limits::CheckLength("display_name", std::string(101, 'x'), 100);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 400u);
  EXPECT_EQ(error->code, "invalid_field");
  EXPECT_EQ(error->extra["field"], "display_name");
  std::string chinese;
  for (int i = 0; i < 100; ++i) chinese += "赵";  // 300 bytes, 100 characters
  EXPECT_FALSE(limits::CheckLength("display_name", chinese, 100).has_value());
  auto many = limits::CheckCount("skills", 51, limits::kSkills);
  ASSERT_TRUE(many.has_value());
  EXPECT_EQ(many->extra["field"], "skills");
}

store::CallRecord CallOf(const std::string& agent, const std::string& from, int64_t start_ms,
                         const std::string& notes = "") {
  store::CallRecord call;
  call.id = "c-" + from + "-" + std::to_string(start_ms);
  call.agent = agent;
  call.from_number = from;
  call.start_ms = start_ms;
  call.notes = notes;
  call.wrapup_code = notes.empty() ? "" : "code";
  return call;
}

store::Customer CustomerWith(std::vector<std::string> phones) {
  store::Customer customer;
  customer.id = 7;
  customer.phones = std::move(phones);
  return customer;
}

TEST(CustomerScopeTest, AnAgentSeesTheCustomersOfItsLiveAndRecentCallsOnly) {
  const int64_t now = 100LL * 3600 * 1000;
  const Duration window = std::chrono::hours(12);
  std::vector<store::CallRecord> handled = {
      CallOf("1003", "13700137000", now - 3600 * 1000),             // an hour ago
      CallOf("1003", "13900139000", now - 13LL * 3600 * 1000),      // too long ago
      CallOf("1007", "13800138000", now - 60 * 1000, "VIP notes"),  // another agent's
  };
  auto live = std::optional<store::CallRecord>(CallOf("", "138-0013-8001", now));
  auto scope = CustomerScope::ForAgent("1003", live, handled, now, window);
  EXPECT_TRUE(scope.MaySeeNumber("13700137000"));
  EXPECT_TRUE(scope.MaySeeNumber("13800138001")) << "the offered call, normalized";
  EXPECT_FALSE(scope.MaySeeNumber("13900139000")) << "outside the window";
  EXPECT_FALSE(scope.MaySeeNumber("13800138000")) << "another agent's caller";
  EXPECT_FALSE(scope.MaySeeNumber(""));
  EXPECT_TRUE(scope.MaySeeCustomer(CustomerWith({"010-1234", "13700137000"})));
  EXPECT_FALSE(scope.MaySeeCustomer(CustomerWith({"13800138000"})));
  auto none = CustomerScope::ForAgent("", live, handled, now, window);
  EXPECT_FALSE(none.MaySeeNumber("13800138001")) << "a user without an agent sees nothing";
}

TEST(CustomerScopeTest, ContactsKeepOnlyTheAgentsOwnNotes) {
  std::vector<store::CallRecord> contacts = {CallOf("1003", "1", 1, "mine"),
                                             CallOf("1007", "1", 2, "not mine")};
  RedactContactsForAgent("1003", contacts);
  EXPECT_EQ(contacts[0].notes, "mine");
  EXPECT_EQ(contacts[0].wrapup_code, "code");
  EXPECT_EQ(contacts[1].notes, "");
  EXPECT_EQ(contacts[1].wrapup_code, "");
}

TEST(SecurityHeadersTest, FramingScriptsAndReferrerAreLockedDown) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : SecurityHeaders()) headers[std::string(name)] = value;
  EXPECT_NE(headers["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(headers["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(headers["Content-Security-Policy"].find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(headers["X-Frame-Options"], "DENY");
  EXPECT_EQ(headers["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(headers["X-Content-Type-Options"], "nosniff");
}

}  // namespace
}  // namespace hotline::api
