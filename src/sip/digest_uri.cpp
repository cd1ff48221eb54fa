// sip/digest_uri.cpp: see digest_uri.h.
#include "sip/digest_uri.h"

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>
#include <strings.h>

#include <string>

namespace hotline::sip {

namespace {

bool SameText(const char* a, const char* b, bool ignore_case) {
  if (a == nullptr || b == nullptr) return a == b;
  return ignore_case ? strcasecmp(a, b) == 0 : std::string_view(a) == std::string_view(b);
}

}  // namespace

bool DigestUriMatchesRequest(std::string_view digest_uri, std::string_view request_uri) {
  if (digest_uri.empty() || request_uri.empty() || digest_uri.size() > 1024) return false;
  su_home_t home[1] = {SU_HOME_INIT(home)};
  url_t* digest = url_make(home, std::string(digest_uri).c_str());
  url_t* request = url_make(home, std::string(request_uri).c_str());
  bool match = false;
  if (digest != nullptr && request != nullptr &&
      (digest->url_type == url_sip || digest->url_type == url_sips) &&
      digest->url_type == request->url_type) {
    match = SameText(digest->url_host, request->url_host, /*ignore_case=*/true) &&
            SameText(url_port(digest), url_port(request), false) &&
            (digest->url_user == nullptr ||
             SameText(digest->url_user, request->url_user, /*ignore_case=*/false));
  }
  su_home_deinit(home);
  return match;
}

}  // namespace hotline::sip
