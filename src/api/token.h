// api/token.h: session tokens. A token is 32 random bytes (libsodium randombytes_buf) as 64
// hex characters; the database keeps only its SHA-256 (hex), so a leaked sessions table
// cannot be replayed. Safe on any thread.
#pragma once

#include <string>

namespace hotline::api {

std::string NewToken();
std::string HashToken(const std::string& token);

}  // namespace hotline::api
