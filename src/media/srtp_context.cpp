// media/srtp_context.cpp: see srtp_context.h.
#include "media/srtp_context.h"

#include <openssl/rand.h>
#include <srtp2/srtp.h>

#include <cstring>
#include <mutex>

namespace hotline::media {

namespace {

bool InitOnce() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = srtp_init() == srtp_err_status_ok; });
  return ok;
}

void SetPolicy(srtp_crypto_policy_t* rtp, SrtpSuite suite) {
  if (suite == SrtpSuite::kAesCm128HmacSha1_32) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
  } else {
    srtp_crypto_policy_set_rtp_default(rtp);  // AES_CM_128_HMAC_SHA1_80
  }
}

Result<srtp_t> MakeSession(SrtpSuite suite, const SrtpMasterKey& key, bool outbound) {
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  SetPolicy(&policy.rtp, suite);
  srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  // libsrtp2 copies the key while creating the session.
  SrtpMasterKey copy = key;
  policy.key = copy.data();
  policy.window_size = 128;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  srtp_t session = nullptr;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) {
    return Error{"cannot create an SRTP session"};
  }
  return session;
}

}  // namespace

Result<SrtpSuite> SrtpSuiteFromName(std::string_view name) {
  if (name == "AES_CM_128_HMAC_SHA1_80") return SrtpSuite::kAesCm128HmacSha1_80;
  if (name == "AES_CM_128_HMAC_SHA1_32") return SrtpSuite::kAesCm128HmacSha1_32;
  return Error{"unsupported SRTP crypto suite " + std::string(name)};
}

const char* SrtpSuiteName(SrtpSuite suite) {
  return suite == SrtpSuite::kAesCm128HmacSha1_32 ? "AES_CM_128_HMAC_SHA1_32"
                                                  : "AES_CM_128_HMAC_SHA1_80";
}

SrtpMasterKey RandomSrtpKey() {
  SrtpMasterKey key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) abort();  // no randomness
  return key;
}

Result<std::unique_ptr<SrtpContext>> SrtpContext::Create(SrtpSuite suite,
                                                         const SrtpMasterKey& send_key,
                                                         const SrtpMasterKey& receive_key) {
  if (!InitOnce()) return Error{"libsrtp2 failed to initialise"};
  std::unique_ptr<SrtpContext> context(new SrtpContext);
  auto send = MakeSession(suite, send_key, /*outbound=*/true);
  if (!send) return send.error();
  context->send_ = *send;
  auto receive = MakeSession(suite, receive_key, /*outbound=*/false);
  if (!receive) return receive.error();
  context->receive_ = *receive;
  return context;
}

SrtpContext::~SrtpContext() {
  if (send_ != nullptr) srtp_dealloc(static_cast<srtp_t>(send_));
  if (receive_ != nullptr) srtp_dealloc(static_cast<srtp_t>(receive_));
}

bool SrtpContext::Protect(uint8_t* packet, size_t* length) {
  int n = static_cast<int>(*length);
  if (srtp_protect(static_cast<srtp_t>(send_), packet, &n) != srtp_err_status_ok) return false;
  *length = static_cast<size_t>(n);
  return true;
}

bool SrtpContext::Unprotect(uint8_t* packet, size_t* length) {
  if (*length < 12) return false;
  int n = static_cast<int>(*length);
  if (srtp_unprotect(static_cast<srtp_t>(receive_), packet, &n) != srtp_err_status_ok) {
    return false;
  }
  *length = static_cast<size_t>(n);
  return true;
}

}  // namespace hotline::media
