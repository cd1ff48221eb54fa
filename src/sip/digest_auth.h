// sip/digest_auth.h: SIP digest authentication (RFC 2617 / RFC 3261 22.4), MD5 with
// qop=auth (required: a request without qop is malformed). Nonces carry their creation time
// and an HMAC-MD5 keyed by a server secret over that time and a *binding* (the source address,
// Call-ID and Request-URI of the request that was challenged), so a nonce only serves the
// request it was issued for. Replays are stopped by a NonceLedger: each nonce-count is accepted
// once per nonce, and a wrong password burns the nonce (one guess per challenge). Nonces live
// nonce_ttl (short; an old one gets stale=TRUE and the client re-authenticates at once).
// Pure code (no I/O, time is a parameter); owned by the SIP control thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "sip/nonce_ledger.h"

namespace hotline::sip {

// The fields of an Authorization / Proxy-Authorization header with scheme Digest, unquoted.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;        // digest-uri
  std::string response;   // 32 hex digits
  std::string qop;        // "" when the client sent no qop (RFC 2069 style)
  std::string nc;         // nonce-count, 8 hex digits (with qop)
  std::string cnonce;     // (with qop)
  std::string algorithm;  // "" when absent (means MD5)
  std::optional<std::string> opaque;
};

// Parses a header value such as `Digest username="bob", realm="hotline", nonce="...", ...`.
// Error when the scheme is not Digest, the syntax is broken (unterminated quote, missing '=',
// duplicate parameter) or username/realm/nonce/uri/response is missing. Unknown parameters
// are ignored. Never reads past the input.
Result<DigestCredentials> ParseDigestCredentials(std::string_view header_value);

// The same from already split parameters `name=value` or `name="quoted value"` (the form
// sofia-sip's msg_auth_t::au_params has).
Result<DigestCredentials> DigestCredentialsFromParams(const std::vector<std::string>& params);

enum class DigestVerdict {
  kOk,
  kNoSuchUser,     // username unknown to the password lookup
  kWrongPassword,  // response digest does not match
  kStale,          // correct digest, but the nonce expired: re-challenge with stale=TRUE
  kBadNonce,       // nonce not issued by us (tampered, truncated, other secret) or opaque wrong
  kMalformed,      // missing fields, unsupported qop/algorithm, bad nc or response syntax
  kWrongRealm,     // realm is not ours
  kReplayed,       // correct digest, but this nonce-count was used before or the nonce burned
  kWrongUri,       // the digest-uri does not name the Request-URI (set by the caller of Verify)
};

const char* ToString(DigestVerdict verdict);

struct DigestChallenge {
  std::string nonce;
  std::string opaque;
  // `Digest realm="...", nonce="...", opaque="...", algorithm=MD5, qop="auth"`, for
  // WWW-Authenticate (401) or Proxy-Authenticate (407).
  std::string header_value;
  // The same with `, stale=TRUE`, for a request whose nonce expired.
  std::string stale_header_value;
};

// Returns the user's plain-text password, or nullopt for an unknown user.
using PasswordLookup = std::function<std::optional<std::string>(const std::string& username)>;

class DigestAuthenticator {
 public:
  // secret_key signs nonces; use a random per-process value in production.
  DigestAuthenticator(std::string realm, std::string secret_key, Duration nonce_ttl);

  // A fresh challenge for the request described by binding (see RequestBinding); nonces made
  // at the same instant still differ (a counter is included).
  DigestChallenge MakeChallenge(TimePoint now, std::string_view binding = {});

  // Checks credentials for a request with this method (e.g. "REGISTER", "INVITE") and binding.
  // Order of checks: kMalformed (also: no qop=auth), kWrongRealm, kBadNonce (not ours, or
  // issued for another request), kNoSuchUser, kWrongPassword (burns the nonce), kStale (stale
  // only for a correct digest, as RFC 2617 3.2.1 asks), kReplayed. kOk records the nc. The
  // digest-uri is not compared with the Request-URI here: see DigestUriMatchesRequest.
  DigestVerdict Verify(std::string_view method, const DigestCredentials& credentials,
                       const PasswordLookup& password_lookup, TimePoint now,
                       std::string_view binding = {});

  const std::string& realm() const { return realm_; }
  Duration nonce_ttl() const { return nonce_ttl_; }

 private:
  std::string MakeNonce(TimePoint now, uint32_t counter, std::string_view binding) const;
  // Checks the MAC (over time, counter and binding); on success stores the creation time.
  bool CheckNonce(std::string_view nonce, std::string_view binding, TimePoint* issued) const;

  std::string realm_;
  std::string secret_key_;
  Duration nonce_ttl_;
  std::string opaque_;
  uint32_t counter_ = 0;
  NonceLedger ledger_;
};

// What a nonce is bound to: the request's source IP, Call-ID and Request-URI.
std::string RequestBinding(std::string_view source_ip, std::string_view call_id,
                           std::string_view request_uri);

// Lower-case hex MD5 of data (sofia-sip su_md5).
std::string Md5Hex(std::string_view data);

// The request-digest of RFC 2617 3.2.2.1 for algorithm MD5; qop "" (RFC 2069) or "auth".
std::string ComputeDigestResponse(std::string_view username, std::string_view realm,
                                  std::string_view password, std::string_view method,
                                  std::string_view uri, std::string_view nonce,
                                  std::string_view qop, std::string_view nc,
                                  std::string_view cnonce);

}  // namespace hotline::sip
