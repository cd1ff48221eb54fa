// sip/digest_uri.h: does the digest-uri of a request's credentials name that request's
// Request-URI? Credentials computed for one request must not authorize another (RFC 3261
// 22.4, RFC 2617 3.2.2.5). Pure (sofia-sip's URL parser); any thread.
#pragma once

#include <string_view>

namespace hotline::sip {

// True when both parse as SIP/SIPS URIs with the same scheme, host and port (5060/5061 when
// absent) and, when the digest-uri names a user, the same user. A digest-uri without a user
// (`sip:host:port`, what sipp and some phones send for an INVITE) is accepted because the nonce
// itself is bound to the exact Request-URI it was issued for (see digest_auth.h).
bool DigestUriMatchesRequest(std::string_view digest_uri, std::string_view request_uri);

}  // namespace hotline::sip
