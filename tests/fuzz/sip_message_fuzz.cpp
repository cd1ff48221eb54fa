// tests/fuzz/sip_message_fuzz.cpp: libFuzzer target for a whole SIP message as it arrives from
// the network: sofia-sip's message parser (the one NTA runs on every datagram and stream), then
// what Hotline does with the parsed headers before any call logic: the display name of From
// (carried to the callee; what we send must parse again), the digest credentials of
// Authorization/Proxy-Authorization (parsed, verified against a nonce bound to the request,
// uri compared with the Request-URI), and the nonce ledger. Properties: no crash, hang or leak;
// the From we would send always parses; credentials never verify without the secret.
//
// Built by tests/fuzz/CMakeLists.txt (clang, -DHOTLINE_FUZZ=ON); `make test` runs it briefly.
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/su_alloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sip/digest_auth.h"
#include "sip/digest_uri.h"
#include "sip/display_name.h"

namespace {

using namespace hotline::sip;

// Parses data as one SIP message the way a datagram is parsed; nullptr when sofia refuses it.
msg_t* Parse(const uint8_t* data, size_t size) {
  msg_t* msg = msg_create(sip_default_mclass(), MSG_FLG_EXTRACT_COPY);
  if (msg == nullptr) return nullptr;
  msg_iovec_t iov[1];
  isize_t n = msg_recv_iovec(msg, iov, 1, size, 1);
  if (n < 0 || static_cast<size_t>(iov[0].mv_len) < size) {
    msg_destroy(msg);
    return nullptr;
  }
  memcpy(iov[0].mv_base, data, size);
  msg_recv_commit(msg, size, 1);
  if (msg_extract(msg) < 0) {
    msg_destroy(msg);
    return nullptr;
  }
  return msg;
}

void CheckDisplayName(const sip_t* sip) {
  if (sip->sip_from == nullptr || sip->sip_from->a_display == nullptr) return;
  std::string plain = DisplayNameFromWire(sip->sip_from->a_display);
  if (plain.size() > kMaxDisplayNameBytes) abort();
  std::string wire = DisplayNameToWire(plain);
  std::string from = wire.empty() ? "<sip:1001@127.0.0.1>" : wire + " <sip:1001@127.0.0.1>";
  su_home_t home[1] = {SU_HOME_INIT(home)};
  if (sip_from_make(home, from.c_str()) == nullptr) abort();  // we would lose the call
  su_home_deinit(home);
}

void CheckCredentials(const sip_t* sip, const msg_auth_t* list) {
  static DigestAuthenticator auth("hotline", "fuzz-secret", std::chrono::seconds(30));
  su_home_t home[1] = {SU_HOME_INIT(home)};
  std::string request_uri;
  if (sip->sip_request != nullptr) {
    char* text = url_as_string(home, sip->sip_request->rq_url);
    if (text != nullptr) request_uri = text;
  }
  for (const msg_auth_t* a = list; a != nullptr; a = a->au_next) {
    std::vector<std::string> params;
    for (const msg_param_t* p = a->au_params; p != nullptr && *p != nullptr; ++p) {
      params.emplace_back(*p);
    }
    auto credentials = DigestCredentialsFromParams(params);
    if (!credentials) continue;
    (void)DigestUriMatchesRequest(credentials->uri, request_uri);
    auto lookup = [](const std::string&) -> std::optional<std::string> { return "pw"; };
    std::string binding = RequestBinding("127.0.0.1", "call", request_uri);
    // The attacker never saw a challenge from this secret: nothing can verify.
    if (auth.Verify("REGISTER", *credentials, lookup, hotline::TimePoint{}, binding) ==
        DigestVerdict::kOk) {
      abort();
    }
  }
  su_home_deinit(home);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 65536) return 0;
  msg_t* msg = Parse(data, size);
  if (msg == nullptr) return 0;
  const sip_t* sip = sip_object(msg);
  if (sip != nullptr) {
    CheckDisplayName(sip);
    CheckCredentials(sip, sip->sip_authorization);
    CheckCredentials(sip, sip->sip_proxy_authorization);
  }
  msg_destroy(msg);
  return 0;
}
