// Caller ID is not identity: which numbers are believed, and what an unverified caller's
// customer lookup may reveal.
#include "call/caller_identity.h"

#include <gtest/gtest.h>

namespace hotline::call {
namespace {

sip::IncomingInvite Invite(sip::CallerAuth auth, const std::string& from,
                           const std::string& asserted = "") {
  sip::IncomingInvite invite;
  invite.auth = auth;
  invite.from_user = from;
  invite.asserted_identity = asserted;
  if (auth == sip::CallerAuth::kUser) invite.authenticated_user = "1005";
  if (auth == sip::CallerAuth::kTrunk) invite.trunk_name = "carrier";
  return invite;
}

TEST(CallerIdentityTest, OnlyAuthenticatedUsersAndTrustedTrunksAreVerified) {
  auto spoofed = IdentifyCaller(Invite(sip::CallerAuth::kNone, "13800138000", "13800138000"));
  EXPECT_EQ(spoofed.number, "13800138000");  // still shown and looked up...
  EXPECT_FALSE(spoofed.verified);            // ...but never believed

  for (auto auth : {sip::CallerAuth::kBadPassword, sip::CallerAuth::kStale}) {
    EXPECT_FALSE(IdentifyCaller(Invite(auth, "13800138000")).verified);
  }

  auto user = IdentifyCaller(Invite(sip::CallerAuth::kUser, "13800138000", "13800138000"));
  EXPECT_EQ(user.number, "1005");  // the authenticated user, whatever From and PAI say
  EXPECT_TRUE(user.verified);

  auto trunk = IdentifyCaller(Invite(sip::CallerAuth::kTrunk, "anonymous", "13800138000"));
  EXPECT_EQ(trunk.number, "13800138000");  // P-Asserted-Identity from a trusted trunk wins
  EXPECT_TRUE(trunk.verified);

  auto trunk_from = IdentifyCaller(Invite(sip::CallerAuth::kTrunk, "13900139000"));
  EXPECT_EQ(trunk_from.number, "13900139000");
  EXPECT_TRUE(trunk_from.verified);
}

ivr::LookupResult VipCustomer() {
  ivr::LookupResult result;
  result.found = true;
  result.fields = {{"name", "王强"},          {"vip", "true"},         {"language", "zh"},
                   {"account", "6222020002"}, {"balance", "88000.00"}, {"id", "2"},
                   {"matches", "1"}};
  return result;
}

TEST(CallerIdentityTest, UnverifiedCallerGetsACandidateWithoutVipOrSensitiveFields) {
  auto unverified = ForCaller(VipCustomer(), false);
  EXPECT_TRUE(unverified.found);
  EXPECT_EQ(unverified.fields["verified"], "false");
  EXPECT_EQ(unverified.fields["name"], "王强");
  EXPECT_EQ(unverified.fields["id"], "2");
  EXPECT_EQ(unverified.fields["vip"], "false");  // no VIP routing on a spoofable number
  EXPECT_FALSE(unverified.fields.count("balance"));
  EXPECT_FALSE(unverified.fields.count("account"));

  auto verified = ForCaller(VipCustomer(), true);
  EXPECT_EQ(verified.fields["verified"], "true");
  EXPECT_EQ(verified.fields["vip"], "true");
  EXPECT_EQ(verified.fields["balance"], "88000.00");

  EXPECT_TRUE(ForCaller(ivr::LookupResult{}, false).fields.empty());  // not found stays so
}

}  // namespace
}  // namespace hotline::call
