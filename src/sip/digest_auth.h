// sip/digest_auth.h: SIP digest authentication (RFC 2617 / RFC 3261 22.4), MD5 with qop=auth
// or without qop (RFC 2069 clients). Nonces are stateless: they carry their creation time and
// an HMAC-MD5 over it keyed by a server secret, so any nonce we issued can be checked (and
// found stale after nonce_ttl) without storing it. Consequence: a captured request can be
// replayed while its nonce is fresh (no nc tracking); keep nonce_ttl short.
// Pure code (no I/O, time is a parameter); owned by the SIP control thread, but every method
// is const except MakeChallenge, so any thread may use its own instance.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

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

  // A fresh challenge; nonces made at the same instant still differ (a counter is included).
  DigestChallenge MakeChallenge(TimePoint now);

  // Checks credentials for a request with this method (e.g. "REGISTER", "INVITE").
  // Order of checks: kMalformed, kWrongRealm, kBadNonce, kNoSuchUser, kWrongPassword, kStale
  // (stale only for a correct digest, as RFC 2617 3.2.1 asks). The digest-uri is not compared
  // with the Request-URI here; callers that care compare credentials.uri themselves.
  DigestVerdict Verify(std::string_view method, const DigestCredentials& credentials,
                       const PasswordLookup& password_lookup, TimePoint now) const;

  const std::string& realm() const { return realm_; }
  Duration nonce_ttl() const { return nonce_ttl_; }

 private:
  std::string MakeNonce(TimePoint now, uint32_t counter) const;
  // Checks the MAC; on success stores the nonce's creation time.
  bool CheckNonce(std::string_view nonce, TimePoint* issued) const;

  std::string realm_;
  std::string secret_key_;
  Duration nonce_ttl_;
  std::string opaque_;
  uint32_t counter_ = 0;
};

// Lower-case hex MD5 of data (sofia-sip su_md5).
std::string Md5Hex(std::string_view data);

// The request-digest of RFC 2617 3.2.2.1 for algorithm MD5; qop "" (RFC 2069) or "auth".
std::string ComputeDigestResponse(std::string_view username, std::string_view realm,
                                  std::string_view password, std::string_view method,
                                  std::string_view uri, std::string_view nonce,
                                  std::string_view qop, std::string_view nc,
                                  std::string_view cnonce);

}  // namespace hotline::sip
