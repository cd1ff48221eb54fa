// api/security_headers.h: the headers every HTTP response of the API and console carries.
// The console is a Vite build: scripts and styles come from its own files only (no inline
// script; the views set styles through the CSSOM, which CSP does not govern), the CTI socket
// and API are same-origin, recordings play from the API. It must not be framed (clickjacking:
// frame-ancestors and, for older browsers, X-Frame-Options), must not leak its URLs in the
// Referer, and responses are never sniffed into another type. Pure constants.
#pragma once

#include <array>
#include <string_view>
#include <utility>

namespace hotline::api {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

inline const std::array<std::pair<std::string_view, std::string_view>, 5>& SecurityHeaders() {
  static const std::array<std::pair<std::string_view, std::string_view>, 5> kHeaders = {{
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Content-Type-Options", "nosniff"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  }};
  return kHeaders;
}

}  // namespace hotline::api
