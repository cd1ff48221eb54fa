// store/pin_hash.h: salted, iterated hashes of customer PINs (PBKDF2-HMAC-SHA256 from
// OpenSSL's libcrypto), so customers.pin_hash never holds a PIN. A stored hash reads
// "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>"; the scheme name and iteration count
// travel with it, so both can change later without invalidating stored PINs.
// A PIN of 4-6 digits has at most a million values: whoever steals the database can still
// try them all. The hash keeps PINs out of dumps, logs and casual view; guessing over the
// phone must be limited by the caller (attempts per call and per account).
// Pure functions, safe on any thread.
#pragma once

#include <string>

#include "common/result.h"

namespace hotline::store {

// PINs are 4 to 12 ASCII digits.
bool IsValidPin(const std::string& pin);

// A new hash of `pin` with a fresh random 16-byte salt. Error if the PIN is not valid or
// the system cannot supply random bytes.
Result<std::string> HashPin(const std::string& pin);

// True if `pin` hashes to `stored` (compared in constant time). False for a malformed or
// unknown-scheme `stored`, and for an empty one (no PIN set).
bool PinMatches(const std::string& pin, const std::string& stored);

}  // namespace hotline::store
