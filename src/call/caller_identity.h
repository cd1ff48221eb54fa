// call/caller_identity.h: who a caller is, and how far to believe it. The From header is
// whatever the caller typed: a number is trusted (verified) only when it is the digest-
// authenticated user's own number, or comes from a trusted trunk (which may assert it with
// P-Asserted-Identity, RFC 3325; the header is ignored from anyone else). An unverified caller
// still gets its candidate customer looked up, but VIP routing and sensitive fields (account,
// balance) wait until the caller proves who it is in the IVR (account + PIN).
// Pure functions; used on the control thread.
#pragma once

#include <string>

#include "ivr/action.h"
#include "sip/stack.h"

namespace hotline::call {

struct CallerIdentity {
  std::string number;     // the calling number to use (records, lookups, screen pop)
  bool verified = false;  // true: authenticated user or trusted trunk
};

CallerIdentity IdentifyCaller(const sip::IncomingInvite& invite);

// The customer_by_caller lookup result as an unverified caller may have it: who the number's
// customer probably is (name, language, id, matches), marked verified "false", vip "false" (no
// VIP routing on a number anyone can send) and without account or balance. A verified
// caller's result is only marked verified "true".
ivr::LookupResult ForCaller(ivr::LookupResult result, bool caller_verified);

}  // namespace hotline::call
