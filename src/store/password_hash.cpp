#include "store/password_hash.h"

#include <sodium.h>

namespace hotline::store {

namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;  // thread-safe, idempotent
  return ready;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password) {
  if (!SodiumReady()) return Error{"libsodium could not be initialised"};
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Error{"password hashing failed (out of memory?)"};
  }
  return std::string(out);
}

bool PasswordMatches(const std::string& password, const std::string& stored) {
  if (!SodiumReady() || stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

}  // namespace hotline::store
