// ivr/speech.h: turns values into the words a TTS engine should say, in Chinese ("zh") or
// English ("en"): amounts of money (yuan/fen), dates, plain numbers and digit strings.
// Pure functions; bad input is an Error (the caller decides whether to fall back to the raw
// text).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace hotline::ivr {

// Cardinal numbers: 1234 -> "one thousand two hundred thirty four" / "一千二百三十四".
// REQUIRES: value < 10^16.
std::string EnglishNumber(uint64_t value);
std::string ChineseNumber(uint64_t value);

// Money, from a decimal string ("1234.5", "-3", "0.05"; rounded half up to the fen):
//   en "one thousand two hundred thirty four yuan and fifty fen"
//   zh "一千二百三十四元五角"  (whole amounts end in 整: "十元整")
Result<std::string> SpeakAmount(std::string_view amount, std::string_view language);

// A date "YYYY-MM-DD": en "March eighth, two thousand twenty five", zh "二零二五年三月八日".
Result<std::string> SpeakDate(std::string_view date, std::string_view language);

// Digit by digit (account and phone numbers): en "one three eight", zh "幺三八" (1 is read
// 幺 in Chinese number strings, as telephone operators do). Accepts 0-9, * and #.
Result<std::string> SpeakDigits(std::string_view digits, std::string_view language);

// An integer or decimal number: en "twelve point five", zh "十二点五".
Result<std::string> SpeakNumber(std::string_view number, std::string_view language);

}  // namespace hotline::ivr
