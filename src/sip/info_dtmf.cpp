#include "sip/info_dtmf.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace hotline::sip {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<char> DigitFromToken(std::string_view token) {
  token = Trim(token);
  if (token.size() == 1) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(token[0])));
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
    return std::nullopt;
  }
  // Some phones send the RFC 4733 event number: 10 = '*', 11 = '#'.
  if (token == "10") return '*';
  if (token == "11") return '#';
  return std::nullopt;
}

}  // namespace

std::optional<char> ParseInfoDtmf(std::string_view content_type, std::string_view body) {
  std::string type = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type == "application/dtmf") return DigitFromToken(body);
  if (type != "application/dtmf-relay") return std::nullopt;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t end = body.find('\n', pos);
    std::string_view line = body.substr(pos, end == std::string_view::npos ? body.npos : end - pos);
    size_t eq = line.find('=');
    if (eq != std::string_view::npos && Lower(Trim(line.substr(0, eq))) == "signal") {
      return DigitFromToken(line.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace hotline::sip
