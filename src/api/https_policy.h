// api/https_policy.h: what HTTPS changes in a response, as pure functions: the
// Strict-Transport-Security header, the Secure attribute on cookies set over TLS, and where
// the plain HTTP port redirects when tls.http_redirect is on (308 to the same path on
// https://<host>:<https_port>, except the monitoring paths /healthz and /metrics). No state;
// called on the API thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hotline::api {

inline constexpr std::string_view kStrictTransportSecurity = "max-age=31536000";

// "name=value; HttpOnly" -> "name=value; HttpOnly; Secure" (unchanged when already Secure).
std::string WithSecureAttribute(std::string_view set_cookie);

// Whether a plain-HTTP request for `path` is redirected (monitoring scrapes stay on HTTP).
bool RedirectsToHttps(std::string_view path);

// https://<host>:<https_port><target>. The host comes from the Host header (its port
// dropped); when that is missing or not a plain host name / IP literal, `fallback_host`.
// The port is left out when it is 443. `target` must start with '/' (else "/").
std::string HttpsRedirectLocation(std::string_view host_header, std::string_view target,
                                  uint16_t https_port, std::string_view fallback_host);

}  // namespace hotline::api
