#include "ivr/speech.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace hotline::ivr {

namespace {

constexpr uint64_t kMaxSpoken = 10'000'000'000'000'000ULL;  // 10^16

const std::array<const char*, 20> kEnglishSmall = {
    "zero",     "one",     "two",     "three",     "four",     "five",    "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
const std::array<const char*, 10> kEnglishTens = {"",      "",      "twenty",  "thirty", "forty",
                                                  "fifty", "sixty", "seventy", "eighty", "ninety"};
const std::array<const char*, 6> kEnglishScales = {"",        "thousand", "million",
                                                   "billion", "trillion", "quadrillion"};
const std::array<const char*, 10> kChineseDigits = {"零", "一", "二", "三", "四",
                                                    "五", "六", "七", "八", "九"};
const std::array<const char*, 4> kChineseUnits = {"", "十", "百", "千"};
const std::array<const char*, 4> kChineseGroups = {"", "万", "亿", "万亿"};
const std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                             "May",       "June",     "July",     "August",
                                             "September", "October",  "November", "December"};

void Append(std::string& out, const std::string& words) {
  if (words.empty()) return;
  if (!out.empty()) out += ' ';
  out += words;
}

// 0 < value < 1000.
std::string EnglishBelowThousand(unsigned value) {
  std::string out;
  if (value >= 100) {
    Append(out, std::string(kEnglishSmall[value / 100]) + " hundred");
    value %= 100;
  }
  if (value >= 20) {
    Append(out, kEnglishTens[value / 10]);
    value %= 10;
  }
  if (value > 0) Append(out, kEnglishSmall[value]);
  return out;
}

// 0 < group < 10000. `leading`: nothing precedes it, so 10-19 read 十X rather than 一十X.
std::string ChineseGroup(unsigned group, bool leading) {
  std::string out;
  bool started = false;
  bool zero_pending = false;
  unsigned divisor = 1000;
  for (int position = 3; position >= 0; --position, divisor /= 10) {
    unsigned digit = (group / divisor) % 10;
    if (digit == 0) {
      if (started) zero_pending = true;
      continue;
    }
    if (zero_pending) out += "零";
    zero_pending = false;
    if (!(position == 1 && digit == 1 && !started && leading)) out += kChineseDigits[digit];
    out += kChineseUnits[position];
    started = true;
  }
  return out;
}

// Parses "[-]digits[.digits]"; fraction kept as text. False on anything else.
bool SplitDecimal(std::string_view text, bool& negative, uint64_t& whole, std::string& fraction) {
  negative = false;
  whole = 0;
  fraction.clear();
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
    if (whole >= kMaxSpoken / 10) return false;
    whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) fraction += text[i];
    if (fraction.empty()) return false;
  }
  return i == text.size() && (digits > 0 || !fraction.empty());
}

bool IsLanguage(std::string_view language) { return language == "zh" || language == "en"; }

Error BadLanguage(std::string_view language) {
  return Error{"unsupported language \"" + std::string(language) + "\" (zh or en)"};
}

std::string EnglishOrdinal(unsigned value) {
  std::string words = EnglishNumber(value);
  size_t space = words.rfind(' ');
  std::string head = space == std::string::npos ? "" : words.substr(0, space + 1);
  std::string last = space == std::string::npos ? words : words.substr(space + 1);
  static const std::array<std::pair<const char*, const char*>, 6> kIrregular = {
      {{"one", "first"},
       {"two", "second"},
       {"three", "third"},
       {"five", "fifth"},
       {"eight", "eighth"},
       {"twelve", "twelfth"}}};
  for (const auto& [cardinal, ordinal] : kIrregular) {
    if (last == cardinal) return head + ordinal;
  }
  if (last == "nine") return head + "ninth";
  if (last.back() == 'y') return head + last.substr(0, last.size() - 1) + "ieth";
  return head + last + "th";
}

}  // namespace

std::string EnglishNumber(uint64_t value) {
  if (value == 0) return "zero";
  std::string out;
  std::array<unsigned, kEnglishScales.size()> groups{};
  for (size_t i = 0; i < groups.size() && value > 0; ++i, value /= 1000) {
    groups[i] = static_cast<unsigned>(value % 1000);
  }
  for (size_t i = groups.size(); i-- > 0;) {
    if (groups[i] == 0) continue;
    Append(out, EnglishBelowThousand(groups[i]));
    Append(out, kEnglishScales[i]);
  }
  return out;
}

std::string ChineseNumber(uint64_t value) {
  if (value == 0) return "零";
  std::array<unsigned, kChineseGroups.size()> groups{};
  for (size_t i = 0; i < groups.size() && value > 0; ++i, value /= 10000) {
    groups[i] = static_cast<unsigned>(value % 10000);
  }
  std::string out;
  bool zero_pending = false;
  for (size_t i = groups.size(); i-- > 0;) {
    if (groups[i] == 0) {
      if (!out.empty()) zero_pending = true;
      continue;
    }
    if (!out.empty() && (zero_pending || groups[i] < 1000)) out += "零";
    zero_pending = false;
    out += ChineseGroup(groups[i], out.empty());
    out += kChineseGroups[i];
  }
  return out;
}

Result<std::string> SpeakAmount(std::string_view amount, std::string_view language) {
  if (!IsLanguage(language)) return BadLanguage(language);
  bool negative = false;
  uint64_t yuan = 0;
  std::string fraction;
  if (!SplitDecimal(amount, negative, yuan, fraction)) {
    return Error{"not an amount: \"" + std::string(amount) + "\""};
  }
  fraction.resize(std::max<size_t>(fraction.size(), 3), '0');
  unsigned fen = static_cast<unsigned>((fraction[0] - '0') * 10 + (fraction[1] - '0'));
  if (fraction[2] >= '5') ++fen;  // round half up
  if (fen == 100) {
    fen = 0;
    ++yuan;
  }
  if (yuan == 0 && fen == 0) negative = false;
  std::string out;
  if (language == "en") {
    if (negative) out = "minus";
    if (yuan > 0 || fen == 0) Append(out, EnglishNumber(yuan) + " yuan");
    if (fen > 0) Append(out, std::string(yuan > 0 ? "and " : "") + EnglishNumber(fen) + " fen");
    return out;
  }
  if (negative) out = "负";
  unsigned jiao = fen / 10;
  unsigned cents = fen % 10;
  if (yuan > 0) out += ChineseNumber(yuan) + "元";
  if (fen == 0) {
    out += yuan > 0 ? "整" : "零元";
    return out;
  }
  if (jiao > 0) out += std::string(kChineseDigits[jiao]) + "角";
  if (cents > 0) {
    if (jiao == 0 && yuan > 0) out += "零";
    out += std::string(kChineseDigits[cents]) + "分";
  }
  return out;
}

Result<std::string> SpeakDate(std::string_view date, std::string_view language) {
  if (!IsLanguage(language)) return BadLanguage(language);
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char tail = 0;
  std::string text(date);
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &tail) != 3 ||
      text[4] != '-' || text[7] != '-') {
    return Error{"not a date (YYYY-MM-DD): \"" + text + "\""};
  }
  std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                  std::chrono::day{day}};
  if (!ymd.ok() || year < 1) return Error{"no such date: \"" + text + "\""};
  if (language == "en") {
    return std::string(kMonths[month - 1]) + " " + EnglishOrdinal(day) + ", " +
           EnglishNumber(static_cast<uint64_t>(year));
  }
  std::string out;
  for (char c : text.substr(0, 4)) out += kChineseDigits[c - '0'];
  return out + "年" + ChineseNumber(month) + "月" + ChineseNumber(day) + "日";
}

Result<std::string> SpeakDigits(std::string_view digits, std::string_view language) {
  if (!IsLanguage(language)) return BadLanguage(language);
  std::string out;
  for (char c : digits) {
    std::string word;
    if (c >= '0' && c <= '9') {
      unsigned d = static_cast<unsigned>(c - '0');
      word = language == "en" ? kEnglishSmall[d] : (d == 1 ? "幺" : kChineseDigits[d]);
    } else if (c == '*') {
      word = language == "en" ? "star" : "星号";
    } else if (c == '#') {
      word = language == "en" ? "pound" : "井号";
    } else {
      return Error{"not a digit string: \"" + std::string(digits) + "\""};
    }
    if (language == "en") {
      Append(out, word);
    } else {
      out += word;
    }
  }
  if (out.empty()) return Error{"empty digit string"};
  return out;
}

Result<std::string> SpeakNumber(std::string_view number, std::string_view language) {
  if (!IsLanguage(language)) return BadLanguage(language);
  bool negative = false;
  uint64_t whole = 0;
  std::string fraction;
  if (!SplitDecimal(number, negative, whole, fraction)) {
    return Error{"not a number: \"" + std::string(number) + "\""};
  }
  bool en = language == "en";
  std::string out = negative ? (en ? "minus " : "负") : "";
  out += en ? EnglishNumber(whole) : ChineseNumber(whole);
  if (!fraction.empty()) {
    auto spoken = SpeakDigits(fraction, language);
    if (!spoken) return spoken.error();
    out += en ? " point " + *spoken : "点" + *spoken;
    if (!en) {  // decimals after 点 use 一, not the telephone 幺
      std::string fixed;
      for (char c : fraction) fixed += kChineseDigits[c - '0'];
      out = out.substr(0, out.size() - spoken->size()) + fixed;
    }
  }
  return out;
}

}  // namespace hotline::ivr
