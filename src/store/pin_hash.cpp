#include "store/pin_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <vector>

namespace hotline::store {

namespace {

constexpr char kScheme[] = "pbkdf2-sha256";
constexpr int kIterations = 10000;  // ~5 ms per verification on a small server core
constexpr int kMaxIterations = 10000000;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string ToHex(const std::vector<unsigned char>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0f]);
  }
  return hex;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool FromHex(const std::string& hex, std::vector<unsigned char>& bytes) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  bytes.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = HexValue(hex[i]);
    int low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes.push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return true;
}

bool Derive(const std::string& pin, const std::vector<unsigned char>& salt, int iterations,
            std::vector<unsigned char>& out) {
  out.assign(kHashBytes, 0);
  return PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(out.size()), out.data()) == 1;
}

// Splits "a$b$c$d" into exactly four fields.
bool SplitFields(const std::string& text, std::string (&fields)[4]) {
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t end = text.find('$', start);
    if (end == std::string::npos) return false;
    fields[i] = text.substr(start, end - start);
    start = end + 1;
  }
  fields[3] = text.substr(start);
  return fields[3].find('$') == std::string::npos;
}

}  // namespace

bool IsValidPin(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 12) return false;
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::string> HashPin(const std::string& pin) {
  if (!IsValidPin(pin)) return Error{"a PIN is 4 to 12 digits"};
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return Error{"no random bytes for a PIN salt"};
  }
  std::vector<unsigned char> hash;
  if (!Derive(pin, salt, kIterations, hash)) return Error{"PIN hashing failed"};
  return std::string(kScheme) + "$" + std::to_string(kIterations) + "$" + ToHex(salt) + "$" +
         ToHex(hash);
}

bool PinMatches(const std::string& pin, const std::string& stored) {
  std::string fields[4];
  if (!SplitFields(stored, fields) || fields[0] != kScheme) return false;
  if (fields[1].empty() || fields[1].size() > 8) return false;
  int iterations = 0;
  for (char c : fields[1]) {
    if (c < '0' || c > '9') return false;
    iterations = iterations * 10 + (c - '0');
  }
  if (iterations < 1 || iterations > kMaxIterations) return false;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> expected;
  if (!FromHex(fields[2], salt) || !FromHex(fields[3], expected)) return false;
  if (expected.size() != kHashBytes) return false;
  std::vector<unsigned char> actual;
  if (!Derive(pin, salt, iterations, actual)) return false;
  return CRYPTO_memcmp(actual.data(), expected.data(), kHashBytes) == 0;
}

}  // namespace hotline::store
