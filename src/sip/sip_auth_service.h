// sip/sip_auth_service.h: who may do what, at the SIP level. Answers REGISTER requests
// (digest challenge, registrar update, 200 with the current bindings) and classifies the
// caller of each new INVITE (trusted trunk by source address, valid/invalid/stale digest
// credentials, or nobody). Owned by the Stack; runs on the control thread only.
// Internal to src/sip: the only other file that includes sofia-sip headers besides stack.cpp.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
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

  // Responds to the REGISTER carried by the current request of nua.
  void HandleRegister(nua_s* nua, nua_handle_s* nh, const sip_s* sip, const SourceAddress& source);
  // Fills invite.auth / authenticated_user / trunk_name.
  void ClassifyCaller(const sip_s* sip, IncomingInvite& invite);
  // A Proxy-Authenticate / WWW-Authenticate header value with a fresh nonce.
  std::string ChallengeHeader(bool stale);

  std::vector<ContactTarget> Contacts(const std::string& user);
  bool IsKnownUser(const std::string& user) const { return passwords_.count(user) != 0; }

 private:
  const Clock& clock_;
  std::map<std::string, std::string> passwords_;
  std::map<std::string, std::string> trunk_by_ip_;
  DigestAuthenticator digest_;
  Registrar registrar_;
};

}  // namespace hotline::sip
