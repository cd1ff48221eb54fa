#include "api/http_range.h"

#include <charconv>

namespace hotline::api {

namespace {

bool ParseNumber(const std::string& text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

ByteRange ParseRange(const std::string& header, uint64_t size) {
  ByteRange whole;
  std::string value = Trim(header);
  const std::string prefix = "bytes=";
  if (value.compare(0, prefix.size(), prefix) != 0) return whole;
  std::string spec = Trim(value.substr(prefix.size()));
  if (spec.find(',') != std::string::npos) return whole;  // multiple ranges: send it all
  size_t dash = spec.find('-');
  if (dash == std::string::npos) return whole;
  std::string a = Trim(spec.substr(0, dash));
  std::string b = Trim(spec.substr(dash + 1));
  ByteRange range;
  range.kind = ByteRange::Kind::kPartial;
  if (a.empty()) {  // suffix: the last N bytes
    uint64_t n = 0;
    if (!ParseNumber(b, n)) return whole;
    if (n == 0 || size == 0) return {ByteRange::Kind::kUnsatisfiable, 0, 0};
    range.first = n >= size ? 0 : size - n;
    range.last = size - 1;
    return range;
  }
  uint64_t first = 0;
  if (!ParseNumber(a, first)) return whole;
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    uint64_t wanted = 0;
    if (!ParseNumber(b, wanted) || wanted < first) return whole;
    if (wanted < last) last = wanted;
  }
  if (first >= size) return {ByteRange::Kind::kUnsatisfiable, 0, 0};
  range.first = first;
  range.last = last;
  return range;
}

}  // namespace hotline::api
