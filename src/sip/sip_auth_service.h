// sip/sip_auth_service.h: who may do what, at the SIP level. Admits or refuses each new
// request before any expensive work (scanner User-Agents, a per-source rate limit, sources
// blocked after failed authentications), answers REGISTER requests (digest challenge bound
// to the request, replay checks, registrar update, 200 with the current bindings) and
// classifies the caller of each new INVITE (trusted trunk by source address,
// valid/invalid/stale digest credentials, or nobody). Failed authentications are throttled
// per source and per user and logged as `SECURITY ...` lines a fail2ban filter can match.
// Owned by the Stack; runs on the control thread only.
// Internal to src/sip: the only other file that includes sofia-sip headers besides stack.cpp.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/token_buckets.h"
#include "sip/auth_throttle.h"
#include "sip/digest_auth.h"
#include "sip/registrar.h"
#include "sip/stack.h"

struct nua_s;
struct nua_handle_s;

struct sip_s;

namespace hotline::sip {

class SipAuthService {
 public:
  SipAuthService(const StackOptions& options, const Clock& clock);

  // Why a new request is refused before any work: a response to send (403/503).
  struct Refusal {
    int status = 503;
    int retry_after_s = 0;  // 0: no Retry-After header
    bool flood = false;     // over the request rate: drop the source in the kernel for a while
  };
  // Checks a new out-of-dialog request (method as in the request line) from source: scanner
  // User-Agents, the source's request rate, a source blocked for failed authentications.
  // Trusted trunks are always admitted.
  std::optional<Refusal> Admit(const char* method, const sip_s* sip, const SourceAddress& source);

  // Responds to the REGISTER carried by the current request of nua.
  void HandleRegister(nua_s* nua, nua_handle_s* nh, const sip_s* sip, const SourceAddress& source);
  // Fills invite.auth / authenticated_user / trunk_name.
  void ClassifyCaller(const sip_s* sip, IncomingInvite& invite);
  // A Proxy-Authenticate / WWW-Authenticate header value with a fresh nonce, bound to the
  // request it answers (see RequestBinding / BindingOf).
  std::string ChallengeHeader(bool stale, const std::string& binding);
  // The binding of a request: its source IP, Call-ID and Request-URI.
  static std::string BindingOf(const sip_s* sip, const SourceAddress& source);
  bool IsTrunk(const std::string& ip) const { return trunk_by_ip_.count(ip) != 0; }

  std::vector<ContactTarget> Contacts(const std::string& user);
  bool IsKnownUser(const std::string& user) const { return passwords_.count(user) != 0; }

 private:
  // Digest check of credentials for method, throttled and logged; kOk only when the digest,
  // the nonce binding, the nonce-count and the digest-uri all hold.
  DigestVerdict Check(const char* method, const DigestCredentials& credentials, const sip_s* sip,
                      const SourceAddress& source);

  const Clock& clock_;
  std::vector<std::string> blocked_user_agents_;  // lower case
  TokenBuckets request_rate_;
  int rate_per_source_ = 0;
  TokenBuckets log_limiter_{1.0 / 60, 1};  // one SECURITY line a minute per source and kind
  AuthThrottle throttle_;
  std::map<std::string, std::string> passwords_;
  std::map<std::string, std::string> trunk_by_ip_;
  DigestAuthenticator digest_;
  Registrar registrar_;
};

}  // namespace hotline::sip
