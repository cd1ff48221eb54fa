// call/dial_string.h: what a dialled string from the desktop may hold (DTMF digits, a number
// to call), checked before anything reaches SIP or the media engine.
#pragma once

#include <cstddef>
#include <string>

namespace hotline::call {

// 1..max characters of 0-9 * # A-D; with allow_plus, a leading '+' as well.
inline bool ValidDigits(const std::string& digits, std::size_t max, bool allow_plus) {
  if (digits.empty() || digits.size() > max) return false;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    char c = digits[i];
    bool ok = (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D') ||
              (allow_plus && c == '+' && i == 0);
    if (!ok) return false;
  }
  return true;
}

}  // namespace hotline::call
