#include "call/caller_identity.h"

#include <initializer_list>
#include <utility>

namespace hotline::call {

CallerIdentity IdentifyCaller(const sip::IncomingInvite& invite) {
  CallerIdentity identity;
  identity.number = invite.from_user;
  switch (invite.auth) {
    case sip::CallerAuth::kUser:
      // An authenticated user calls as itself: the From user cannot spoof another number.
      identity.number = invite.authenticated_user;
      identity.verified = !identity.number.empty();
      break;
    case sip::CallerAuth::kTrunk:
      if (!invite.asserted_identity.empty()) identity.number = invite.asserted_identity;
      identity.verified = !identity.number.empty();
      break;
    case sip::CallerAuth::kNone:
    case sip::CallerAuth::kBadPassword:
    case sip::CallerAuth::kStale:
      break;  // the From number as sent, never believed; P-Asserted-Identity ignored
  }
  return identity;
}

ivr::LookupResult ForCaller(ivr::LookupResult result, bool caller_verified) {
  if (!result.found) return result;
  result.fields["verified"] = caller_verified ? "true" : "false";
  if (caller_verified) return result;
  result.fields["vip"] = "false";
  for (const char* sensitive : {"account", "balance"}) result.fields.erase(sensitive);
  return result;
}

}  // namespace hotline::call
