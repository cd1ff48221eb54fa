// media/srtp_context.h: SRTP (RFC 3711) for one RTP session keyed by SDES (RFC 4568): the key
// we announced protects what we send, the peer's key unprotects what we receive. libsrtp2
// (Debian's libsrtp2) does the cryptography; this is a thin owner of its two contexts. Suites:
// AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32 (what SIP phones offer). No allocation
// per packet; owned by the media thread that owns the session.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace hotline::media {

enum class SrtpSuite { kAesCm128HmacSha1_80, kAesCm128HmacSha1_32 };

// "AES_CM_128_HMAC_SHA1_80" / "AES_CM_128_HMAC_SHA1_32"; nullopt-like error for others.
Result<SrtpSuite> SrtpSuiteFromName(std::string_view name);
const char* SrtpSuiteName(SrtpSuite suite);

// 30 bytes: 16 of master key, 14 of master salt.
using SrtpMasterKey = std::array<uint8_t, 30>;

// A random master key (OpenSSL RAND_bytes).
SrtpMasterKey RandomSrtpKey();

class SrtpContext {
 public:
  // Largest growth of a packet by Protect (authentication tag).
  static constexpr size_t kMaxTrailer = 16;

  static Result<std::unique_ptr<SrtpContext>> Create(SrtpSuite suite, const SrtpMasterKey& send_key,
                                                     const SrtpMasterKey& receive_key);
  ~SrtpContext();
  SrtpContext(const SrtpContext&) = delete;
  SrtpContext& operator=(const SrtpContext&) = delete;

  // Encrypts and authenticates the RTP packet in place; *length grows by the tag.
  // REQUIRES: the buffer has kMaxTrailer bytes of room after *length.
  bool Protect(uint8_t* packet, size_t* length);
  // Checks and decrypts in place; false for a forged, replayed or garbled packet (drop it).
  bool Unprotect(uint8_t* packet, size_t* length);

 private:
  SrtpContext() = default;
  void* send_ = nullptr;     // srtp_t
  void* receive_ = nullptr;  // srtp_t
};

}  // namespace hotline::media
