#include "sip/digest_uri.h"

#include <gtest/gtest.h>

namespace hotline::sip {
namespace {

TEST(DigestUri, SameUriMatches) {
  EXPECT_TRUE(DigestUriMatchesRequest("sip:1002@127.0.0.1:5060", "sip:1002@127.0.0.1:5060"));
  EXPECT_TRUE(DigestUriMatchesRequest("sip:127.0.0.1:5060", "sip:127.0.0.1:5060"));
  EXPECT_TRUE(DigestUriMatchesRequest("sip:127.0.0.1", "sip:127.0.0.1:5060"));  // default port
  EXPECT_TRUE(DigestUriMatchesRequest("sip:Example.COM", "sip:example.com"));
  EXPECT_TRUE(
      DigestUriMatchesRequest("sip:1002@127.0.0.1:5060;transport=tcp", "sip:1002@127.0.0.1:5060"));
}

TEST(DigestUri, UserlessDigestUriIsTheHostOfTheRequest) {
  // sipp (and some phones) send uri=sip:host:port for an INVITE to sip:user@host:port.
  EXPECT_TRUE(DigestUriMatchesRequest("sip:127.0.0.1:5060", "sip:1002@127.0.0.1:5060"));
}

// Issue 9 (4): INVITE credentials for one number placed calls to other numbers.
TEST(DigestUri, AnotherNumberHostOrPortDoesNotMatch) {
  EXPECT_FALSE(DigestUriMatchesRequest("sip:1002@127.0.0.1:5060", "sip:00861380@127.0.0.1:5060"));
  EXPECT_FALSE(DigestUriMatchesRequest("sip:1002@127.0.0.1:5060", "sip:1002@127.0.0.2:5060"));
  EXPECT_FALSE(DigestUriMatchesRequest("sip:1002@127.0.0.1:5060", "sip:1002@127.0.0.1:5062"));
  EXPECT_FALSE(DigestUriMatchesRequest("sips:1002@127.0.0.1", "sip:1002@127.0.0.1"));
}

TEST(DigestUri, GarbageNeverMatches) {
  EXPECT_FALSE(DigestUriMatchesRequest("", "sip:127.0.0.1"));
  EXPECT_FALSE(DigestUriMatchesRequest("sip:127.0.0.1", ""));
  EXPECT_FALSE(DigestUriMatchesRequest("not a uri", "sip:127.0.0.1"));
  EXPECT_FALSE(DigestUriMatchesRequest("http://127.0.0.1/", "sip:127.0.0.1"));
  EXPECT_FALSE(DigestUriMatchesRequest(std::string(5000, 'a'), "sip:127.0.0.1"));
}

}  // namespace
}  // namespace hotline::sip
