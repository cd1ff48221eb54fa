#include "sip/digest_auth.h"

#include <sofia-sip/su_md5.h>

#include <array>
#include <cstring>
#include <set>
#include <string>

namespace hotline::sip {
namespace {

constexpr size_t kMaxHeaderBytes = 8192;
constexpr size_t kTimestampHexDigits = 16;
constexpr size_t kCounterHexDigits = 8;
constexpr size_t kMacHexDigits = 32;
constexpr size_t kNonceLength = kTimestampHexDigits + kCounterHexDigits + kMacHexDigits;
constexpr size_t kMd5BlockBytes = 64;

using Md5Raw = std::array<uint8_t, SU_MD5_DIGEST_SIZE>;

Md5Raw Md5RawOf(std::string_view a, std::string_view b = {}) {
  su_md5_t context;
  su_md5_init(&context);
  su_md5_update(&context, a.data(), a.size());
  su_md5_update(&context, b.data(), b.size());
  Md5Raw digest{};
  su_md5_digest(&context, digest.data());
  su_md5_deinit(&context);
  return digest;
}

std::string ToHex(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::string HexNumber(uint64_t value, size_t digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (size_t i = digits; i-- > 0;) {
    out[i] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsHexOfLength(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!IsHex(c)) return false;
  }
  return true;
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

// Compares without an early exit, so timing does not reveal the matching prefix length.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// HMAC-MD5 (RFC 2104), hex.
std::string HmacMd5Hex(std::string_view key, std::string_view message) {
  std::array<uint8_t, kMd5BlockBytes> block{};
  if (key.size() > kMd5BlockBytes) {
    Md5Raw hashed = Md5RawOf(key);
    std::memcpy(block.data(), hashed.data(), hashed.size());
  } else {
    std::memcpy(block.data(), key.data(), key.size());
  }
  std::array<uint8_t, kMd5BlockBytes> inner_pad{};
  std::array<uint8_t, kMd5BlockBytes> outer_pad{};
  for (size_t i = 0; i < kMd5BlockBytes; ++i) {
    inner_pad[i] = block[i] ^ 0x36;
    outer_pad[i] = block[i] ^ 0x5c;
  }
  auto as_view = [](const auto& bytes) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  Md5Raw inner = Md5RawOf(as_view(inner_pad), message);
  Md5Raw outer = Md5RawOf(as_view(outer_pad), as_view(inner));
  return ToHex(outer.data(), outer.size());
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool IsLws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 3261 token characters.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("-.!%*_+`'~", c) != nullptr && c != '\0';
}

// Reads a quoted-string starting at text[*pos] == '"'; advances *pos past the closing quote.
Result<std::string> ReadQuoted(std::string_view text, size_t* pos) {
  std::string value;
  size_t i = *pos + 1;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      *pos = i + 1;
      return value;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) break;
      char escaped = text[i + 1];
      if (escaped == '\r' || escaped == '\n' || escaped == '\0') {
        return Error{"bad escape in quoted string"};
      }
      value.push_back(escaped);
      i += 2;
      continue;
    }
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
        c == 0x7f) {
      return Error{"control character in quoted string"};
    }
    value.push_back(c);
    ++i;
  }
  return Error{"unterminated quoted string"};
}

class CredentialsBuilder {
 public:
  Status Add(std::string_view name, std::string value) {
    std::string key = LowerAscii(name);
    if (!seen_.insert(key).second) return Error{"duplicate parameter " + key};
    if (key == "username") {
      credentials_.username = std::move(value);
    } else if (key == "realm") {
      credentials_.realm = std::move(value);
    } else if (key == "nonce") {
      credentials_.nonce = std::move(value);
    } else if (key == "uri") {
      credentials_.uri = std::move(value);
    } else if (key == "response") {
      credentials_.response = std::move(value);
    } else if (key == "qop") {
      credentials_.qop = std::move(value);
    } else if (key == "nc") {
      credentials_.nc = std::move(value);
    } else if (key == "cnonce") {
      credentials_.cnonce = std::move(value);
    } else if (key == "algorithm") {
      credentials_.algorithm = std::move(value);
    } else if (key == "opaque") {
      credentials_.opaque = std::move(value);
    }
    return Status::Ok();
  }

  Result<DigestCredentials> Finish() && {
    for (const char* required : {"username", "realm", "nonce", "uri", "response"}) {
      if (seen_.count(required) == 0) return Error{std::string("missing parameter ") + required};
    }
    return std::move(credentials_);
  }

 private:
  DigestCredentials credentials_;
  std::set<std::string> seen_;
};

}  // namespace

const char* ToString(DigestVerdict verdict) {
  switch (verdict) {
    case DigestVerdict::kOk:
      return "ok";
    case DigestVerdict::kNoSuchUser:
      return "no such user";
    case DigestVerdict::kWrongPassword:
      return "wrong password";
    case DigestVerdict::kStale:
      return "stale nonce";
    case DigestVerdict::kBadNonce:
      return "bad nonce";
    case DigestVerdict::kMalformed:
      return "malformed credentials";
    case DigestVerdict::kWrongRealm:
      return "wrong realm";
    case DigestVerdict::kReplayed:
      return "replayed nonce-count";
    case DigestVerdict::kWrongUri:
      return "digest uri is not the request uri";
  }
  return "unknown";
}

std::string Md5Hex(std::string_view data) {
  Md5Raw digest = Md5RawOf(data);
  return ToHex(digest.data(), digest.size());
}

std::string ComputeDigestResponse(std::string_view username, std::string_view realm,
                                  std::string_view password, std::string_view method,
                                  std::string_view uri, std::string_view nonce,
                                  std::string_view qop, std::string_view nc,
                                  std::string_view cnonce) {
  std::string ha1 =
      Md5Hex(std::string(username) + ":" + std::string(realm) + ":" + std::string(password));
  std::string ha2 = Md5Hex(std::string(method) + ":" + std::string(uri));
  if (qop.empty()) return Md5Hex(ha1 + ":" + std::string(nonce) + ":" + ha2);
  return Md5Hex(ha1 + ":" + std::string(nonce) + ":" + std::string(nc) + ":" + std::string(cnonce) +
                ":" + std::string(qop) + ":" + ha2);
}

Result<DigestCredentials> ParseDigestCredentials(std::string_view text) {
  if (text.size() > kMaxHeaderBytes) return Error{"credentials too long"};
  size_t pos = 0;
  while (pos < text.size() && IsLws(text[pos])) ++pos;
  size_t scheme_start = pos;
  while (pos < text.size() && IsTokenChar(text[pos])) ++pos;
  if (!EqualsIgnoreCase(text.substr(scheme_start, pos - scheme_start), "Digest")) {
    return Error{"scheme is not Digest"};
  }
  if (pos >= text.size() || !IsLws(text[pos])) return Error{"no parameters after Digest"};

  CredentialsBuilder builder;
  while (true) {
    while (pos < text.size() && (IsLws(text[pos]) || text[pos] == ',')) ++pos;
    if (pos >= text.size()) break;
    size_t name_start = pos;
    while (pos < text.size() && IsTokenChar(text[pos])) ++pos;
    std::string_view name = text.substr(name_start, pos - name_start);
    if (name.empty()) return Error{"bad character in parameter name"};
    while (pos < text.size() && IsLws(text[pos])) ++pos;
    if (pos >= text.size() || text[pos] != '=') {
      return Error{"missing '=' after " + std::string(name)};
    }
    ++pos;
    while (pos < text.size() && IsLws(text[pos])) ++pos;
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      auto quoted = ReadQuoted(text, &pos);
      if (!quoted) return quoted.error();
      value = std::move(quoted).value();
    } else {
      size_t value_start = pos;
      while (pos < text.size() && IsTokenChar(text[pos])) ++pos;
      value = std::string(text.substr(value_start, pos - value_start));
      if (value.empty()) return Error{"empty value for " + std::string(name)};
    }
    if (Status added = builder.Add(name, std::move(value)); !added) {
      return Error{added.message()};
    }
    while (pos < text.size() && IsLws(text[pos])) ++pos;
    if (pos < text.size() && text[pos] != ',') {
      return Error{"expected ',' after " + std::string(name)};
    }
  }
  return std::move(builder).Finish();
}

Result<DigestCredentials> DigestCredentialsFromParams(const std::vector<std::string>& params) {
  CredentialsBuilder builder;
  for (const std::string& param : params) {
    if (param.size() > kMaxHeaderBytes) return Error{"parameter too long"};
    size_t equals = param.find('=');
    if (equals == std::string::npos) return Error{"parameter without '=': " + param};
    std::string_view name = std::string_view(param).substr(0, equals);
    while (!name.empty() && IsLws(name.back())) name.remove_suffix(1);
    while (!name.empty() && IsLws(name.front())) name.remove_prefix(1);
    if (name.empty()) return Error{"empty parameter name"};
    for (char c : name) {
      if (!IsTokenChar(c)) return Error{"bad character in parameter name"};
    }
    std::string_view raw = std::string_view(param).substr(equals + 1);
    while (!raw.empty() && IsLws(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && IsLws(raw.back())) raw.remove_suffix(1);
    std::string value;
    if (!raw.empty() && raw.front() == '"') {
      size_t pos = 0;
      auto quoted = ReadQuoted(raw, &pos);
      if (!quoted) return quoted.error();
      if (pos != raw.size()) return Error{"text after quoted string"};
      value = std::move(quoted).value();
    } else {
      if (raw.empty()) return Error{"empty value for " + std::string(name)};
      for (char c : raw) {
        if (!IsTokenChar(c)) return Error{"bad character in value of " + std::string(name)};
      }
      value = std::string(raw);
    }
    if (Status added = builder.Add(name, std::move(value)); !added) {
      return Error{added.message()};
    }
  }
  return std::move(builder).Finish();
}

DigestAuthenticator::DigestAuthenticator(std::string realm, std::string secret_key,
                                         Duration nonce_ttl)
    : realm_(std::move(realm)), secret_key_(std::move(secret_key)), nonce_ttl_(nonce_ttl) {
  opaque_ = HmacMd5Hex(secret_key_, "opaque:" + realm_);
}

std::string RequestBinding(std::string_view source_ip, std::string_view call_id,
                           std::string_view request_uri) {
  std::string binding;
  binding.reserve(source_ip.size() + call_id.size() + request_uri.size() + 2);
  binding.append(source_ip).append("\n").append(call_id).append("\n").append(request_uri);
  return binding;
}

std::string DigestAuthenticator::MakeNonce(TimePoint now, uint32_t counter,
                                           std::string_view binding) const {
  uint64_t millis = static_cast<uint64_t>(now.time_since_epoch().count());
  std::string payload =
      HexNumber(millis, kTimestampHexDigits) + HexNumber(counter, kCounterHexDigits);
  return payload + HmacMd5Hex(secret_key_, payload + "|" + std::string(binding));
}

bool DigestAuthenticator::CheckNonce(std::string_view nonce, std::string_view binding,
                                     TimePoint* issued) const {
  if (nonce.size() != kNonceLength || !IsLowerHex(nonce)) return false;
  std::string_view payload = nonce.substr(0, kTimestampHexDigits + kCounterHexDigits);
  std::string_view mac = nonce.substr(payload.size());
  std::string signed_text = std::string(payload) + "|" + std::string(binding);
  if (!ConstantTimeEquals(mac, HmacMd5Hex(secret_key_, signed_text))) return false;
  uint64_t millis = 0;
  for (size_t i = 0; i < kTimestampHexDigits; ++i) {
    char c = payload[i];
    millis = (millis << 4) | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  *issued = TimePoint(Duration(static_cast<Duration::rep>(millis)));
  return true;
}

DigestChallenge DigestAuthenticator::MakeChallenge(TimePoint now, std::string_view binding) {
  DigestChallenge challenge;
  challenge.nonce = MakeNonce(now, counter_++, binding);
  challenge.opaque = opaque_;
  challenge.header_value = "Digest realm=" + Quote(realm_) + ", nonce=\"" + challenge.nonce +
                           "\", opaque=\"" + opaque_ + "\", algorithm=MD5, qop=\"auth\"";
  challenge.stale_header_value = challenge.header_value + ", stale=TRUE";
  return challenge;
}

DigestVerdict DigestAuthenticator::Verify(std::string_view method,
                                          const DigestCredentials& credentials,
                                          const PasswordLookup& password_lookup, TimePoint now,
                                          std::string_view binding) {
  const DigestCredentials& c = credentials;
  if (method.empty() || c.username.empty() || c.realm.empty() || c.nonce.empty() || c.uri.empty() ||
      !IsHexOfLength(c.response, kMacHexDigits)) {
    return DigestVerdict::kMalformed;
  }
  if (!c.algorithm.empty() && !EqualsIgnoreCase(c.algorithm, "MD5")) {
    return DigestVerdict::kMalformed;
  }
  // qop=auth is required: without it (RFC 2069) there is no nonce-count to stop replays.
  if (!EqualsIgnoreCase(c.qop, "auth")) return DigestVerdict::kMalformed;
  if (!IsHexOfLength(c.nc, 8) || c.cnonce.empty()) return DigestVerdict::kMalformed;
  if (c.realm != realm_) return DigestVerdict::kWrongRealm;

  TimePoint issued;
  if (!CheckNonce(c.nonce, binding, &issued)) return DigestVerdict::kBadNonce;
  if (c.opaque.has_value() && !ConstantTimeEquals(*c.opaque, opaque_)) {
    return DigestVerdict::kBadNonce;
  }

  std::optional<std::string> password;
  if (password_lookup) password = password_lookup(c.username);
  if (!password.has_value()) return DigestVerdict::kNoSuchUser;

  std::string expected = ComputeDigestResponse(c.username, c.realm, *password, method, c.uri,
                                               c.nonce, c.qop, c.nc, c.cnonce);
  if (!ConstantTimeEquals(LowerAscii(c.response), expected)) {
    ledger_.Burn(c.nonce, issued);  // one guess per challenge
    return DigestVerdict::kWrongPassword;
  }
  // A nonce "from the future" means the clock or the secret moved: make the client retry.
  if (issued > now || now - issued > nonce_ttl_) return DigestVerdict::kStale;
  ledger_.Expire(now - nonce_ttl_);
  uint32_t nc = static_cast<uint32_t>(std::stoul(c.nc, nullptr, 16));
  switch (ledger_.Record(c.nonce, nc, issued)) {
    case NonceLedger::Use::kFirst:
      return DigestVerdict::kOk;
    case NonceLedger::Use::kForgotten:
      return DigestVerdict::kStale;
    case NonceLedger::Use::kReplayed:
      return DigestVerdict::kReplayed;
  }
  return DigestVerdict::kReplayed;
}

}  // namespace hotline::sip
