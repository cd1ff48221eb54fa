// sip/display_name.cpp: see display_name.h.
#include "sip/display_name.h"

namespace hotline::sip {

namespace {

bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// Cuts text to at most max bytes without splitting a UTF-8 sequence.
void CutUtf8(std::string& text, size_t max) {
  if (text.size() <= max) return;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string DisplayNameFromWire(std::string_view raw) {
  raw = Trim(raw);
  std::string name;
  name.reserve(raw.size());
  if (raw.size() >= 2 && raw.front() == '"') {
    // quoted-string: backslash escapes any character; the closing quote ends it.
    for (size_t i = 1; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '"') break;
      if (c == '\\' && i + 1 < raw.size()) c = raw[++i];
      if (!IsControl(static_cast<unsigned char>(c))) name.push_back(c);
    }
  } else {
    for (char c : raw) {
      if (!IsControl(static_cast<unsigned char>(c))) name.push_back(c);
    }
  }
  CutUtf8(name, kMaxDisplayNameBytes);
  return std::string(Trim(name));
}

std::string DisplayNameToWire(std::string_view name) {
  std::string plain;
  for (char c : name) {
    if (!IsControl(static_cast<unsigned char>(c))) plain.push_back(c);
  }
  CutUtf8(plain, kMaxDisplayNameBytes);
  if (Trim(plain).empty()) return "";
  std::string quoted = "\"";
  for (char c : plain) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace hotline::sip
