#include "sip/registrar.h"

#include <gtest/gtest.h>

namespace hotline::sip {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimePoint At(int64_t s) { return TimePoint(seconds(s)); }

const BindingSource kPhone{"192.168.1.20", 5062, "udp"};

RegisterRequest Req(const std::string& user, std::vector<ContactRequest> contacts,
                    std::optional<int> expires_header, const std::string& call_id, uint32_t cseq) {
  RegisterRequest r;
  r.user = user;
  r.contacts = std::move(contacts);
  r.expires_header = expires_header;
  r.call_id = call_id;
  r.cseq = cseq;
  r.source = kPhone;
  return r;
}

ContactRequest Contact(const std::string& uri, std::optional<int> expires = std::nullopt,
                       std::optional<double> q = std::nullopt) {
  return ContactRequest{uri, expires, q};
}

class RegistrarTest : public ::testing::Test {
 protected:
  RegistrarTest() {
    registrar_.SetListener([this](const std::string& user, bool registered) {
      events_.push_back((registered ? "+" : "-") + user);
    });
  }
  Registrar registrar_{RegistrarOptions{60, 3600, 3600, 3}};
  std::vector<std::string> events_;
};

TEST_F(RegistrarTest, RegisterAndLookup) {
  RegisterResult r = registrar_.Register(
      Req("1001", {Contact("sip:1001@192.168.1.20:5062")}, 600, "c1", 1), At(100));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].binding.contact_uri, "sip:1001@192.168.1.20:5062");
  EXPECT_EQ(r.bindings[0].expires_s, 600);
  EXPECT_EQ(r.bindings[0].binding.source, kPhone);
  EXPECT_EQ(r.bindings[0].binding.call_id, "c1");
  EXPECT_EQ(r.bindings[0].binding.cseq, 1u);
  EXPECT_EQ(r.bindings[0].binding.expires_at, At(700));

  std::vector<Binding> found = registrar_.Lookup("1001", At(200));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contact_uri, "sip:1001@192.168.1.20:5062");
  EXPECT_TRUE(registrar_.Lookup("1002", At(200)).empty());
  EXPECT_EQ(events_, std::vector<std::string>{"+1001"});
}

TEST_F(RegistrarTest, ContactExpiresOverridesHeaderAndDefaultApplies) {
  RegisterResult r = registrar_.Register(
      Req("1001", {Contact("sip:a@h", 120), Contact("sip:b@h")}, 300, "c1", 1), At(0));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.bindings.size(), 2u);
  EXPECT_EQ(r.bindings[0].expires_s, 120);
  EXPECT_EQ(r.bindings[1].expires_s, 300);

  r = registrar_.Register(Req("1002", {Contact("sip:c@h")}, std::nullopt, "c2", 1), At(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.bindings[0].expires_s, 3600);  // default

  Registrar small({60, 1800, 3600, 10});
  r = small.Register(Req("1003", {Contact("sip:d@h")}, std::nullopt, "c3", 1), At(0));
  EXPECT_EQ(r.bindings[0].expires_s, 1800);  // default clamped to max
}

TEST_F(RegistrarTest, ClampsAboveMax) {
  RegisterResult r =
      registrar_.Register(Req("1001", {Contact("sip:a@h", 86400)}, std::nullopt, "c", 1), At(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.bindings[0].expires_s, 3600);
  r = registrar_.Register(Req("1001", {Contact("sip:a@h")}, 7200, "c", 2), At(0));
  EXPECT_EQ(r.bindings[0].expires_s, 3600);
}

TEST_F(RegistrarTest, IntervalTooBriefIs423AndChangesNothing) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h")}, 600, "c", 1), At(0)).ok());
  RegisterResult r = registrar_.Register(
      Req("1001", {Contact("sip:b@h", 600), Contact("sip:a@h", 30)}, std::nullopt, "c", 2), At(10));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 423);
  EXPECT_EQ(r.reason, "Interval Too Brief");
  EXPECT_EQ(r.min_expires_s, 60);
  EXPECT_TRUE(r.bindings.empty());
  std::vector<Binding> found = registrar_.Lookup("1001", At(10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contact_uri, "sip:a@h");
  EXPECT_EQ(found[0].expires_at, At(600));

  r = registrar_.Register(Req("1002", {Contact("sip:x@h")}, 1, "d", 1), At(0));
  EXPECT_EQ(r.status, 423);
  r = registrar_.Register(Req("1002", {Contact("sip:x@h")}, 60, "d", 2), At(0));
  EXPECT_TRUE(r.ok());  // exactly the minimum is fine
  EXPECT_EQ(r.bindings[0].expires_s, 60);
}

TEST_F(RegistrarTest, ExpiresZeroRemovesOneBinding) {
  ASSERT_TRUE(
      registrar_.Register(Req("1001", {Contact("sip:a@h"), Contact("sip:b@h")}, 600, "c", 1), At(0))
          .ok());
  RegisterResult r = registrar_.Register(Req("1001", {Contact("sip:a@h", 0)}, 600, "c", 2), At(5));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].binding.contact_uri, "sip:b@h");
  EXPECT_EQ(r.bindings[0].expires_s, 595);
  EXPECT_EQ(events_, std::vector<std::string>{"+1001"});

  r = registrar_.Register(Req("1001", {Contact("sip:b@h")}, 0, "c", 3), At(6));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.bindings.empty());
  EXPECT_TRUE(registrar_.Lookup("1001", At(6)).empty());
  EXPECT_EQ(events_, (std::vector<std::string>{"+1001", "-1001"}));
  EXPECT_EQ(registrar_.user_count(), 0u);

  // Removing a binding that does not exist is fine and registers nothing.
  r = registrar_.Register(Req("1001", {Contact("sip:zzz@h")}, 0, "c", 4), At(7));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(RegistrarTest, WildcardRemovesAll) {
  ASSERT_TRUE(
      registrar_.Register(Req("1001", {Contact("sip:a@h"), Contact("sip:b@h")}, 600, "c", 1), At(0))
          .ok());
  RegisterRequest star = Req("1001", {}, 0, "other-call", 1);
  star.wildcard = true;
  RegisterResult r = registrar_.Register(star, At(1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.bindings.empty());
  EXPECT_TRUE(registrar_.Lookup("1001", At(1)).empty());
  EXPECT_EQ(events_, (std::vector<std::string>{"+1001", "-1001"}));

  // Nothing registered: still 200.
  EXPECT_TRUE(registrar_.Register(star, At(2)).ok());
}

TEST_F(RegistrarTest, WildcardMisuseIs400) {
  RegisterRequest star = Req("1001", {}, std::nullopt, "c", 1);
  star.wildcard = true;
  EXPECT_EQ(registrar_.Register(star, At(0)).status, 400);  // no Expires
  star.expires_header = 3600;
  EXPECT_EQ(registrar_.Register(star, At(0)).status, 400);  // Expires not 0
  star.expires_header = 0;
  star.contacts = {Contact("sip:a@h")};
  EXPECT_EQ(registrar_.Register(star, At(0)).status, 400);  // "*" with other contacts
}

TEST_F(RegistrarTest, OutOfOrderCSeqWithSameCallIdIsRejected) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h")}, 600, "c", 5), At(0)).ok());
  RegisterResult r = registrar_.Register(Req("1001", {Contact("sip:a@h")}, 0, "c", 5), At(1));
  EXPECT_EQ(r.status, 500);
  r = registrar_.Register(Req("1001", {Contact("sip:a@h")}, 0, "c", 4), At(1));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(registrar_.Lookup("1001", At(1)).size(), 1u);

  RegisterRequest star = Req("1001", {}, 0, "c", 3);
  star.wildcard = true;
  EXPECT_EQ(registrar_.Register(star, At(1)).status, 500);
  EXPECT_EQ(registrar_.Lookup("1001", At(1)).size(), 1u);

  // A higher CSeq refreshes.
  r = registrar_.Register(Req("1001", {Contact("sip:a@h")}, 900, "c", 6), At(2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.bindings[0].expires_s, 900);
  EXPECT_EQ(r.bindings[0].binding.cseq, 6u);
}

TEST_F(RegistrarTest, NewCallIdMayUseAnyCSeq) {
  // A rebooted phone starts a new Call-ID with CSeq 1.
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h")}, 600, "old", 50), At(0)).ok());
  RegisterResult r = registrar_.Register(Req("1001", {Contact("sip:a@h")}, 600, "new", 1), At(10));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].binding.call_id, "new");
  EXPECT_EQ(r.bindings[0].binding.cseq, 1u);
  EXPECT_EQ(r.bindings[0].binding.expires_at, At(610));
}

TEST_F(RegistrarTest, RefreshUpdatesSourceAfterNatRebinding) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h")}, 600, "c", 1), At(0)).ok());
  RegisterRequest again = Req("1001", {Contact("sip:a@h")}, 600, "c", 2);
  again.source = {"10.0.0.7", 40000, "tcp"};
  RegisterResult r = registrar_.Register(again, At(300));
  ASSERT_TRUE(r.ok());
  std::vector<Binding> found = registrar_.Lookup("1001", At(300));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].source, (BindingSource{"10.0.0.7", 40000, "tcp"}));
  EXPECT_EQ(found[0].expires_at, At(900));
  EXPECT_EQ(events_.size(), 1u);  // a refresh is not a new registration
}

TEST_F(RegistrarTest, LookupDropsExpiredBindings) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h", 60)}, 600, "c", 1), At(0)).ok());
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:b@h", 120)}, 600, "c", 2), At(0)).ok());
  EXPECT_EQ(registrar_.Lookup("1001", At(59)).size(), 2u);
  std::vector<Binding> found = registrar_.Lookup("1001", At(60));  // expires_at is exclusive
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contact_uri, "sip:b@h");
  EXPECT_EQ(registrar_.binding_count(), 1u);
  EXPECT_TRUE(registrar_.Lookup("1001", At(120)).empty());
  EXPECT_EQ(events_, (std::vector<std::string>{"+1001", "-1001"}));
}

TEST_F(RegistrarTest, ExpirePurgesAndNotifies) {
  ASSERT_TRUE(registrar_.Register(Req("a", {Contact("sip:a@h", 60)}, 0, "c", 1), At(0)).ok());
  ASSERT_TRUE(registrar_.Register(Req("b", {Contact("sip:b@h", 100)}, 0, "c", 1), At(0)).ok());
  ASSERT_TRUE(registrar_.Register(Req("b", {Contact("sip:b2@h", 300)}, 0, "c", 2), At(0)).ok());
  EXPECT_EQ(registrar_.NextExpiry(), At(60));
  EXPECT_EQ(registrar_.Expire(At(59)), 0u);
  EXPECT_EQ(registrar_.Expire(At(100)), 2u);
  EXPECT_EQ(registrar_.user_count(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 1u);
  EXPECT_EQ(registrar_.NextExpiry(), At(300));
  EXPECT_EQ(events_, (std::vector<std::string>{"+a", "+b", "-a"}));
  EXPECT_EQ(registrar_.Expire(At(1000)), 1u);
  EXPECT_EQ(events_.back(), "-b");
  EXPECT_FALSE(registrar_.NextExpiry().has_value());
}

TEST_F(RegistrarTest, ListenerMayCallBackDuringExpire) {
  Registrar registrar;
  std::vector<std::string> seen;
  registrar.SetListener([&](const std::string& user, bool registered) {
    if (!registered) {
      seen.push_back(user);
      // Re-entrant calls are safe: notifications come after the sweep.
      EXPECT_TRUE(registrar.Lookup(user, At(1000)).empty());
      registrar.Lookup("z", At(1000));
    }
  });
  for (const char* user : {"x", "y", "z"}) {
    ASSERT_TRUE(registrar.Register(Req(user, {Contact("sip:u@h", 60)}, 0, "c", 1), At(0)).ok());
  }
  EXPECT_EQ(registrar.Expire(At(1000)), 3u);
  EXPECT_EQ(seen, (std::vector<std::string>{"x", "y", "z"}));
}

TEST_F(RegistrarTest, LookupOrdersByQThenRecency) {
  ASSERT_TRUE(registrar_
                  .Register(Req("1001",
                                {Contact("sip:low@h", std::nullopt, 0.1),
                                 Contact("sip:old@h", std::nullopt, std::nullopt)},
                                600, "c", 1),
                            At(0))
                  .ok());
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:new@h")}, 600, "c", 2), At(10)).ok());
  std::vector<Binding> found = registrar_.Lookup("1001", At(20));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].contact_uri, "sip:new@h");
  EXPECT_EQ(found[1].contact_uri, "sip:old@h");
  EXPECT_EQ(found[2].contact_uri, "sip:low@h");
  EXPECT_EQ(found[2].q, 0.1);
}

TEST_F(RegistrarTest, QueryWithoutContactsListsBindings) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h")}, 600, "c", 1), At(0)).ok());
  RegisterResult r = registrar_.Register(Req("1001", {}, std::nullopt, "q", 1), At(100));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].expires_s, 500);
  EXPECT_EQ(r.bindings[0].binding.call_id, "c");
  r = registrar_.Register(Req("1002", {}, std::nullopt, "q", 1), At(100));
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.bindings.empty());
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(RegistrarTest, RemainingSecondsRoundUp) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h")}, 60, "c", 1), At(0)).ok());
  RegisterResult r =
      registrar_.Register(Req("1001", {}, std::nullopt, "q", 1), TimePoint(milliseconds(1500)));
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].expires_s, 59);
  r = registrar_.Register(Req("1001", {}, std::nullopt, "q", 2), TimePoint(milliseconds(59999)));
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].expires_s, 1);
}

TEST_F(RegistrarTest, TooManyContactsIs403) {
  ASSERT_TRUE(
      registrar_
          .Register(Req("1001", {Contact("sip:a@h"), Contact("sip:b@h"), Contact("sip:c@h")}, 600,
                        "c", 1),
                    At(0))
          .ok());
  RegisterResult r = registrar_.Register(Req("1001", {Contact("sip:d@h")}, 600, "c", 2), At(0));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(registrar_.Lookup("1001", At(0)).size(), 3u);
  // Replacing within the same request keeps the count.
  r = registrar_.Register(Req("1001", {Contact("sip:a@h", 0), Contact("sip:d@h")}, 600, "c", 3),
                          At(0));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.bindings.size(), 3u);
}

TEST_F(RegistrarTest, BadRequests) {
  EXPECT_EQ(registrar_.Register(Req("", {Contact("sip:a@h")}, 600, "c", 1), At(0)).status, 400);
  EXPECT_EQ(registrar_.Register(Req("u", {Contact("sip:a@h")}, 600, "", 1), At(0)).status, 400);
  EXPECT_EQ(registrar_.Register(Req("u", {Contact("")}, 600, "c", 1), At(0)).status, 400);
  EXPECT_EQ(registrar_.Register(Req("u", {Contact("sip:a@h", -5)}, 600, "c", 1), At(0)).status,
            400);
  EXPECT_EQ(registrar_.Register(Req("u", {Contact("sip:a@h")}, -1, "c", 1), At(0)).status, 400);
  EXPECT_EQ(
      registrar_.Register(Req("u", {Contact("sip:a@h", 600, 1.5)}, 600, "c", 1), At(0)).status,
      400);
  EXPECT_EQ(
      registrar_.Register(Req("u", {Contact("sip:a@h", 600, -0.1)}, 600, "c", 1), At(0)).status,
      400);
  EXPECT_EQ(registrar_.user_count(), 0u);
  EXPECT_TRUE(events_.empty());
}

TEST_F(RegistrarTest, ExpiredBindingsOfTheUserArePurgedOnRegister) {
  ASSERT_TRUE(registrar_.Register(Req("1001", {Contact("sip:a@h", 60)}, 0, "c", 1), At(0)).ok());
  RegisterResult r = registrar_.Register(Req("1001", {Contact("sip:b@h", 60)}, 0, "c", 2), At(61));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.bindings.size(), 1u);
  EXPECT_EQ(r.bindings[0].binding.contact_uri, "sip:b@h");
  EXPECT_EQ(events_, (std::vector<std::string>{"+1001", "-1001", "+1001"}));
}

TEST_F(RegistrarTest, DefaultOptionsMatchConfigDefaults) {
  Registrar registrar;
  EXPECT_EQ(registrar.options().min_expires_s, 60);
  EXPECT_EQ(registrar.options().max_expires_s, 3600);
}

}  // namespace
}  // namespace hotline::sip
