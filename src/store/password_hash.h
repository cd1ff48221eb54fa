// store/password_hash.h: console user passwords as argon2id hashes (libsodium
// crypto_pwhash_str, "interactive" cost: about 64 MiB and a few tens of milliseconds per hash,
// slow by design so a stolen users table cannot be guessed cheaply). The stored string
// carries its own parameters and salt ("$argon2id$v=19$m=...,t=...,p=1$salt$hash").
// Pure functions, safe on any thread.
#pragma once

#include <string>

#include "common/result.h"

namespace hotline::store {

// A new hash of `password`. Error if libsodium cannot start or runs out of memory.
Result<std::string> HashPassword(const std::string& password);

// True if `password` matches `stored`; false for a malformed or empty `stored`.
bool PasswordMatches(const std::string& password, const std::string& stored);

}  // namespace hotline::store
