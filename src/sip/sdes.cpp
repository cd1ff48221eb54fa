// sip/sdes.cpp: see sdes.h.
#include "sip/sdes.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstring>

namespace hotline::sip {

namespace {

bool IsKnownSuite(std::string_view suite) {
  return suite == "AES_CM_128_HMAC_SHA1_80" || suite == "AES_CM_128_HMAC_SHA1_32";
}

std::string_view NextToken(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
  std::string_view token = text.substr(0, end);
  text.remove_prefix(end);
  return token;
}

}  // namespace

Result<SdesCrypto> ParseCryptoAttribute(std::string_view value) {
  if (value.size() > 512) return Error{"crypto attribute too long"};
  SdesCrypto crypto;
  std::string_view rest = value;
  std::string_view tag = NextToken(rest);
  if (tag.empty() || tag.size() > 9) return Error{"bad crypto tag"};
  crypto.tag = 0;
  for (char c : tag) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return Error{"bad crypto tag"};
    crypto.tag = crypto.tag * 10 + (c - '0');
  }
  std::string_view suite = NextToken(rest);
  if (!IsKnownSuite(suite)) return Error{"unsupported crypto suite " + std::string(suite)};
  crypto.suite = std::string(suite);
  std::string_view params = NextToken(rest);
  if (params.substr(0, 7) != "inline:") return Error{"key method is not inline"};
  params.remove_prefix(7);
  if (params.find(';') != std::string_view::npos) return Error{"several keys are not supported"};
  std::string_view key64 = params.substr(0, params.find('|'));
  std::string_view extra = params.size() > key64.size() ? params.substr(key64.size() + 1) : "";
  if (!extra.empty()) {
    // Lifetime (e.g. 2^31) and/or MKI (n:len): an MKI changes the packet format: refused.
    std::string_view first = extra.substr(0, extra.find('|'));
    if (first.find(':') != std::string_view::npos || extra.find('|') != std::string_view::npos) {
      return Error{"MKI is not supported"};
    }
  }
  if (key64.size() != 40) return Error{"the inline key must be 30 bytes (40 base64 characters)"};
  unsigned char decoded[32] = {};
  int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(key64.data()), 40);
  // 40 characters decode to 30 bytes (the block output counts the '=' padding as bytes).
  if (n != 30) return Error{"the inline key is not base64"};
  memcpy(crypto.key.data(), decoded, 30);
  if (!NextToken(rest).empty()) return Error{"session parameters are not supported"};
  return crypto;
}

std::vector<SdesCrypto> AudioCryptoAttributes(std::string_view sdp) {
  std::vector<SdesCrypto> found;
  bool in_audio = false;
  bool seen_audio = false;
  size_t pos = 0;
  while (pos < sdp.size()) {
    size_t end = sdp.find('\n', pos);
    if (end == std::string_view::npos) end = sdp.size();
    std::string_view line = sdp.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.substr(0, 2) == "m=") {
      if (seen_audio) break;  // only the first audio section
      in_audio = line.substr(0, 8) == "m=audio ";
      seen_audio = in_audio;
    } else if (in_audio && line.substr(0, 9) == "a=crypto:") {
      auto crypto = ParseCryptoAttribute(line.substr(9));
      if (crypto) found.push_back(std::move(crypto).value());
    }
  }
  return found;
}

std::string FormatCryptoAttribute(const SdesCrypto& crypto) {
  unsigned char encoded[48] = {};
  EVP_EncodeBlock(encoded, crypto.key.data(), 30);
  return std::to_string(crypto.tag) + " " + crypto.suite +
         " inline:" + std::string(reinterpret_cast<char*>(encoded), 40);
}

}  // namespace hotline::sip
