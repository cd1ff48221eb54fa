#include "api/https_policy.h"

#include <algorithm>
#include <cctype>

namespace hotline::api {

namespace {

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

// The host part of a Host header ("example.com:8080" -> "example.com", "[::1]:80" -> "[::1]"),
// or "" when it is not a well-formed host.
std::string HostOnly(std::string_view header) {
  if (header.empty() || header.size() > 255) return "";
  if (header.front() == '[') {
    size_t close = header.find(']');
    if (close == std::string_view::npos) return "";
    std::string_view inside = header.substr(1, close - 1);
    if (inside.empty() || !std::all_of(inside.begin(), inside.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
        })) {
      return "";
    }
    std::string_view rest = header.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "";
    return std::string(header.substr(0, close + 1));
  }
  std::string_view host = header.substr(0, header.find(':'));
  if (host.empty() || !std::all_of(host.begin(), host.end(), IsHostChar)) return "";
  return std::string(host);
}

}  // namespace

std::string WithSecureAttribute(std::string_view set_cookie) {
  std::string cookie(set_cookie);
  std::string lower = cookie;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t at = 0;
  while ((at = lower.find("secure", at)) != std::string::npos) {
    size_t before = lower.find_last_not_of(' ', at == 0 ? 0 : at - 1);
    bool starts = at > 0 && before != std::string::npos && lower[before] == ';';
    size_t end = at + 6;
    bool ends = end == lower.size() || lower[end] == ';' || lower[end] == ' ';
    if (starts && ends) return cookie;
    at = end;
  }
  return cookie + "; Secure";
}

bool RedirectsToHttps(std::string_view path) { return path != "/healthz" && path != "/metrics"; }

std::string HttpsRedirectLocation(std::string_view host_header, std::string_view target,
                                  uint16_t https_port, std::string_view fallback_host) {
  std::string host = HostOnly(host_header);
  if (host.empty()) host = std::string(fallback_host);
  std::string location = "https://" + host;
  if (https_port != 443) location += ":" + std::to_string(https_port);
  if (target.empty() || target.front() != '/') {
    location += "/";
  } else {
    location += target;
  }
  return location;
}

}  // namespace hotline::api
