// HTTPS response policy: the redirect target of plain HTTP, the Secure cookie attribute.
#include "api/https_policy.h"

#include <gtest/gtest.h>

namespace hotline::api {
namespace {

TEST(HttpsRedirectTest, SamePathAndQueryOnTheHttpsPortOfTheRequestedHost) {
  EXPECT_EQ(HttpsRedirectLocation("127.0.0.1:8080", "/console/?a=1&b=2", 8443, "127.0.0.1"),
            "https://127.0.0.1:8443/console/?a=1&b=2");
  EXPECT_EQ(HttpsRedirectLocation("pbx.example.com", "/api/v1/me", 8443, "127.0.0.1"),
            "https://pbx.example.com:8443/api/v1/me");
  EXPECT_EQ(HttpsRedirectLocation("[::1]:8080", "/", 8443, "::1"), "https://[::1]:8443/");
  EXPECT_EQ(HttpsRedirectLocation("pbx.example.com:80", "/x", 443, "h"),
            "https://pbx.example.com/x")
      << "the default port is left out";
}

TEST(HttpsRedirectTest, ABadOrMissingHostFallsBackToTheListenAddress) {
  EXPECT_EQ(HttpsRedirectLocation("", "/", 8443, "127.0.0.1"), "https://127.0.0.1:8443/");
  EXPECT_EQ(HttpsRedirectLocation("evil.com/path?", "/", 8443, "127.0.0.1"),
            "https://127.0.0.1:8443/");
  EXPECT_EQ(HttpsRedirectLocation("a@evil.com", "/", 8443, "127.0.0.1"), "https://127.0.0.1:8443/");
  EXPECT_EQ(HttpsRedirectLocation("[::1", "/", 8443, "127.0.0.1"), "https://127.0.0.1:8443/");
  EXPECT_EQ(HttpsRedirectLocation("[::1]x", "/", 8443, "127.0.0.1"), "https://127.0.0.1:8443/");
  EXPECT_EQ(HttpsRedirectLocation(std::string(300, 'a'), "/", 8443, "h"), "https://h:8443/");
}

TEST(HttpsRedirectTest, ATargetThatIsNotAPathBecomesTheRoot) {
  EXPECT_EQ(HttpsRedirectLocation("h", "http://evil.com/", 8443, "h"), "https://h:8443/");
  EXPECT_EQ(HttpsRedirectLocation("h", "", 8443, "h"), "https://h:8443/");
  EXPECT_EQ(HttpsRedirectLocation("h", "//evil.com/x", 8443, "h"), "https://h:8443//evil.com/x")
      << "still on our host";
}

TEST(HttpsRedirectTest, MonitoringStaysOnPlainHttp) {
  EXPECT_FALSE(RedirectsToHttps("/healthz"));
  EXPECT_FALSE(RedirectsToHttps("/metrics"));
  EXPECT_TRUE(RedirectsToHttps("/"));
  EXPECT_TRUE(RedirectsToHttps("/api/v1/auth/login"));
  EXPECT_TRUE(RedirectsToHttps("/healthz/x"));
  EXPECT_TRUE(RedirectsToHttps("/api/v1/events"));
}

TEST(SecureCookieTest, AddsSecureOnce) {
  EXPECT_EQ(WithSecureAttribute("hotline_session=abc; HttpOnly; SameSite=Strict; Path=/"),
            "hotline_session=abc; HttpOnly; SameSite=Strict; Path=/; Secure");
  EXPECT_EQ(WithSecureAttribute("a=b; Secure; HttpOnly"), "a=b; Secure; HttpOnly");
  EXPECT_EQ(WithSecureAttribute("a=b; HttpOnly; secure"), "a=b; HttpOnly; secure");
  EXPECT_EQ(WithSecureAttribute("secure=1; Path=/"), "secure=1; Path=/; Secure")
      << "a cookie named secure is not the attribute";
  EXPECT_EQ(WithSecureAttribute("a=insecure"), "a=insecure; Secure");
}

}  // namespace
}  // namespace hotline::api
