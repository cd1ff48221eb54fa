// sip/sdes.h: SDP Security Descriptions (RFC 4568): the `a=crypto:` attribute that carries an
// SRTP master key in the SDP of a call over TLS. Parsing is strict (the suites phones use, a
// 30-byte inline key, no MKI, no key lifetime below 2^20 packets) because the text is
// untrusted; printing makes our own attribute. Pure; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace hotline::sip {

struct SdesCrypto {
  int tag = 1;                    // 1..999999999, echoed in the answer
  std::string suite;              // "AES_CM_128_HMAC_SHA1_80" or "AES_CM_128_HMAC_SHA1_32"
  std::array<uint8_t, 30> key{};  // master key (16) + master salt (14)
};

// One attribute value, the text after "a=crypto:", e.g.
// `1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20`.
// Error (with the reason) for anything else, including unknown suites and MKIs.
Result<SdesCrypto> ParseCryptoAttribute(std::string_view value);

// The crypto attributes of the first audio m= section of an SDP body we support, in the
// offer's order; unusable ones are skipped. Empty when there is none.
std::vector<SdesCrypto> AudioCryptoAttributes(std::string_view sdp);

// "a=crypto:" value for our side: `TAG SUITE inline:BASE64KEY`.
std::string FormatCryptoAttribute(const SdesCrypto& crypto);

}  // namespace hotline::sip
