#include "sip/digest_auth.h"

#include <gtest/gtest.h>

#include <random>

namespace hotline::sip {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kRealm[] = "hotline";
constexpr char kSecret[] = "unit-test-secret";

TimePoint At(int64_t ms) { return TimePoint(milliseconds(ms)); }

std::optional<std::string> Passwords(const std::string& user) {
  if (user == "1001") return std::string("secret1001");
  if (user == "1002") return std::string("p\"w:x");
  return std::nullopt;
}

// What a phone does with a challenge: answer it with qop=auth (or without qop).
DigestCredentials Answer(const DigestChallenge& challenge, const std::string& user,
                         const std::string& password, const std::string& method = "REGISTER",
                         const std::string& uri = "sip:127.0.0.1", bool with_qop = true) {
  DigestCredentials c;
  c.username = user;
  c.realm = kRealm;
  c.nonce = challenge.nonce;
  c.uri = uri;
  c.algorithm = "MD5";
  c.opaque = challenge.opaque;
  if (with_qop) {
    c.qop = "auth";
    c.nc = "00000001";
    c.cnonce = "0a4f113b";
  }
  c.response =
      ComputeDigestResponse(user, kRealm, password, method, uri, c.nonce, c.qop, c.nc, c.cnonce);
  return c;
}

class DigestAuthTest : public ::testing::Test {
 protected:
  DigestAuthenticator auth_{kRealm, kSecret, seconds(300)};
};

TEST(Md5, KnownVectors) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
}

// RFC 2617 section 3.5.
TEST(DigestResponse, Rfc2617Mufasa) {
  EXPECT_EQ(ComputeDigestResponse("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                                  "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth",
                                  "00000001", "0a4f113b"),
            "6629fae49393a05397450978507c4ef1");
}

TEST(DigestResponse, NoQopIsRfc2069) {
  std::string ha1 = Md5Hex("Mufasa:testrealm@host.com:Circle Of Life");
  std::string ha2 = Md5Hex("GET:/dir/index.html");
  EXPECT_EQ(ComputeDigestResponse("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                                  "/dir/index.html", "abc", "", "", ""),
            Md5Hex(ha1 + ":abc:" + ha2));
}

TEST(ParseDigestCredentials, Rfc2617Example) {
  const char* header =
      "Digest username=\"Mufasa\",\r\n"
      "                 realm=\"testrealm@host.com\",\r\n"
      "                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
      "                 uri=\"/dir/index.html\",\r\n"
      "                 qop=auth,\r\n"
      "                 nc=00000001,\r\n"
      "                 cnonce=\"0a4f113b\",\r\n"
      "                 response=\"6629fae49393a05397450978507c4ef1\",\r\n"
      "                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
  auto c = ParseDigestCredentials(header);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->username, "Mufasa");
  EXPECT_EQ(c->realm, "testrealm@host.com");
  EXPECT_EQ(c->nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  EXPECT_EQ(c->uri, "/dir/index.html");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->nc, "00000001");
  EXPECT_EQ(c->cnonce, "0a4f113b");
  EXPECT_EQ(c->response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_EQ(c->algorithm, "");
  EXPECT_EQ(ComputeDigestResponse(c->username, c->realm, "Circle Of Life", "GET", c->uri, c->nonce,
                                  c->qop, c->nc, c->cnonce),
            c->response);
}

TEST(ParseDigestCredentials, TypicalPhoneHeader) {
  auto c = ParseDigestCredentials(
      "digest username=\"1001\",realm=\"hotline\",nonce=\"abc\",uri=\"sip:127.0.0.1:5060\","
      "response=\"0123456789abcdef0123456789abcdef\",algorithm=MD5,cnonce=\"x y\",qop=\"auth\","
      "nc=0000000a");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->username, "1001");
  EXPECT_EQ(c->uri, "sip:127.0.0.1:5060");
  EXPECT_EQ(c->algorithm, "MD5");
  EXPECT_EQ(c->cnonce, "x y");
  EXPECT_EQ(c->qop, "auth");  // quoted by some phones, accepted
  EXPECT_EQ(c->nc, "0000000a");
  EXPECT_FALSE(c->opaque.has_value());
}

TEST(ParseDigestCredentials, EscapesWhitespaceAndUnknownParams) {
  auto c = ParseDigestCredentials(
      "  Digest\tUserName = \"a\\\"b\\\\c\" ,, realm=\"r\" , nonce=n1, uri=\"u\",\t"
      "response=\"00000000000000000000000000000000\", foo=\"bar\", baz=1,");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->username, "a\"b\\c");
  EXPECT_EQ(c->realm, "r");
  EXPECT_EQ(c->nonce, "n1");
}

TEST(ParseDigestCredentials, EmptyQuotedValueIsAllowedButLeftForVerify) {
  auto c = ParseDigestCredentials(
      "Digest username=\"\", realm=\"hotline\", nonce=\"n\", uri=\"u\", response=\"r\"");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "");
}

TEST(ParseDigestCredentials, RejectsGarbage) {
  const char* bad[] = {
      "",
      "Digest",
      "Digest ",
      "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
      "Digestusername=\"a\"",
      "Digest username",
      "Digest username=",
      "Digest username=\"unterminated",
      "Digest username=\"ends with escape\\",
      "Digest =\"x\"",
      "Digest username=\"a\" realm=\"b\"",  // missing comma
      "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"x\"",                                                   // duplicate
      "Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",       // no username
      "Digest username=\"a\", nonce=\"n\", uri=\"u\", response=\"x\"",    // no realm
      "Digest username=\"a\", realm=\"r\", uri=\"u\", response=\"x\"",    // no nonce
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", response=\"x\"",  // no uri
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"",       // no response
      "Digest username=\"a\x01\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
      "Digest username=a b, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
      "Digest user@name=\"a\"",
      "\"Digest\" username=\"a\"",
  };
  for (const char* text : bad) {
    EXPECT_FALSE(ParseDigestCredentials(text).ok()) << text;
  }
  EXPECT_FALSE(ParseDigestCredentials(std::string_view("Digest username=\"a\0b\"", 21)).ok());
  EXPECT_FALSE(ParseDigestCredentials("Digest username=\"" + std::string(10000, 'a') +
                                      "\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"")
                   .ok());
}

TEST(ParseDigestCredentials, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  DigestAuthenticator auth(kRealm, kSecret, seconds(300));
  const std::string seed =
      "Digest username=\"1001\", realm=\"hotline\", nonce=\"abc\", uri=\"sip:x\", "
      "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001, cnonce=\"c\"";
  for (int i = 0; i < 20000; ++i) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          text.erase(at, 1 + rng() % 5);
          break;
        default:
          text.insert(at, 1, "\"\\,= "[rng() % 5]);
      }
      if (text.empty()) text = "D";
    }
    auto parsed = ParseDigestCredentials(text);
    if (parsed.ok()) {
      EXPECT_NE(auth.Verify("REGISTER", *parsed, Passwords, At(0)), DigestVerdict::kOk);
    }
  }
}

TEST(DigestCredentialsFromParams, SofiaStyleParams) {
  auto c = DigestCredentialsFromParams({"username=\"1001\"", "realm=\"hotline\"", "nonce=\"n\"",
                                        "uri=\"sip:127.0.0.1\"", "response=\"r\"", "qop=auth",
                                        "nc=00000001", "cnonce=\"c\\\"q\"", "algorithm=MD5"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->username, "1001");
  EXPECT_EQ(c->uri, "sip:127.0.0.1");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->cnonce, "c\"q");
  EXPECT_EQ(c->algorithm, "MD5");
}

TEST(DigestCredentialsFromParams, RejectsGarbage) {
  EXPECT_FALSE(DigestCredentialsFromParams({}).ok());
  EXPECT_FALSE(DigestCredentialsFromParams({"username"}).ok());
  EXPECT_FALSE(DigestCredentialsFromParams({"=x"}).ok());
  EXPECT_FALSE(
      DigestCredentialsFromParams({"username=\"a\"x", "realm=r", "nonce=n", "uri=u", "response=r"})
          .ok());
  EXPECT_FALSE(
      DigestCredentialsFromParams({"username=\"a", "realm=r", "nonce=n", "uri=u", "response=r"})
          .ok());
  EXPECT_FALSE(
      DigestCredentialsFromParams({"username=", "realm=r", "nonce=n", "uri=u", "response=r"}).ok());
  EXPECT_FALSE(DigestCredentialsFromParams({"username=a", "realm=r", "nonce=n", "uri=u"}).ok());
  EXPECT_FALSE(DigestCredentialsFromParams(
                   {"username=a", "realm=r", "nonce=n", "uri=u", "response=r", "Username=b"})
                   .ok());
}

TEST_F(DigestAuthTest, ChallengeHeaderFormat) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  EXPECT_EQ(challenge.nonce.size(), 56u);
  EXPECT_EQ(challenge.nonce.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(challenge.header_value, "Digest realm=\"hotline\", nonce=\"" + challenge.nonce +
                                        "\", opaque=\"" + challenge.opaque +
                                        "\", algorithm=MD5, qop=\"auth\"");
  EXPECT_EQ(challenge.stale_header_value, challenge.header_value + ", stale=TRUE");
  EXPECT_EQ(challenge.opaque.size(), 32u);
}

TEST_F(DigestAuthTest, ChallengeQuotesRealm) {
  DigestAuthenticator odd("a \"quoted\\\" realm", kSecret, seconds(60));
  DigestChallenge challenge = odd.MakeChallenge(At(0));
  EXPECT_EQ(challenge.header_value.rfind("Digest realm=\"a \\\"quoted\\\\\\\" realm\", ", 0), 0u)
      << challenge.header_value;
}

TEST_F(DigestAuthTest, NoncesDifferEvenAtTheSameInstant) {
  DigestChallenge a = auth_.MakeChallenge(At(5000));
  DigestChallenge b = auth_.MakeChallenge(At(5000));
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_EQ(a.opaque, b.opaque);
}

TEST_F(DigestAuthTest, AcceptsCorrectResponseWithQop) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(2000)), DigestVerdict::kOk);
}

// RFC 2069 answers (no qop, so no nonce-count) could be replayed at will: refused.
TEST_F(DigestAuthTest, RefusesResponseWithoutQop) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c =
      Answer(challenge, "1001", "secret1001", "INVITE", "sip:600@127.0.0.1", false);
  EXPECT_EQ(auth_.Verify("INVITE", c, Passwords, At(2000)), DigestVerdict::kMalformed);
}

TEST_F(DigestAuthTest, FullRoundTripThroughHeaderText) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1002", "p\"w:x", "INVITE", "sip:600@127.0.0.1");
  std::string header = "Digest username=\"" + c.username + "\", realm=\"" + c.realm +
                       "\", nonce=\"" + c.nonce + "\", uri=\"" + c.uri + "\", response=\"" +
                       c.response + "\", algorithm=MD5, cnonce=\"" + c.cnonce + "\", opaque=\"" +
                       *c.opaque + "\", qop=auth, nc=" + c.nc;
  auto parsed = ParseDigestCredentials(header);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(auth_.Verify("INVITE", *parsed, Passwords, At(1500)), DigestVerdict::kOk);
}

TEST_F(DigestAuthTest, ResponseHexIsCaseInsensitiveAndAlgorithmToo) {
  DigestCredentials c = Answer(auth_.MakeChallenge(At(0)), "1001", "secret1001");
  for (char& ch : c.response) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  c.algorithm = "md5";
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(0)), DigestVerdict::kOk);
  c = Answer(auth_.MakeChallenge(At(0)), "1001", "secret1001");
  c.algorithm = "";
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(0)), DigestVerdict::kOk);
}

TEST_F(DigestAuthTest, WrongPassword) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "guess");
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kWrongPassword);
}

TEST_F(DigestAuthTest, ResponseForAnotherMethodOrUriIsWrong) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001", "REGISTER");
  EXPECT_EQ(auth_.Verify("INVITE", c, Passwords, At(1000)), DigestVerdict::kWrongPassword);
  c.uri = "sip:other";
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kWrongPassword);
}

TEST_F(DigestAuthTest, NoSuchUser) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "9999", "whatever");
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kNoSuchUser);
  EXPECT_EQ(auth_.Verify("REGISTER", c, PasswordLookup(), At(1000)), DigestVerdict::kNoSuchUser);
}

TEST_F(DigestAuthTest, StaleAfterTtlButOnlyForCorrectDigest) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials good = Answer(challenge, "1001", "secret1001");
  EXPECT_EQ(auth_.Verify("REGISTER", good, Passwords, At(1000 + 300000)), DigestVerdict::kOk);
  EXPECT_EQ(auth_.Verify("REGISTER", good, Passwords, At(1000 + 300001)), DigestVerdict::kStale);
  EXPECT_EQ(auth_.Verify("REGISTER", good, Passwords, At(1000 + 86400000)), DigestVerdict::kStale);
  DigestCredentials bad = Answer(challenge, "1001", "guess");
  EXPECT_EQ(auth_.Verify("REGISTER", bad, Passwords, At(1000 + 300001)),
            DigestVerdict::kWrongPassword);
}

TEST_F(DigestAuthTest, NonceFromTheFutureIsStale) {
  DigestChallenge challenge = auth_.MakeChallenge(At(50000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(49999)), DigestVerdict::kStale);
}

TEST_F(DigestAuthTest, TamperedNonceIsBad) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  for (size_t at : {size_t{0}, size_t{15}, size_t{16}, size_t{23}, size_t{24}, size_t{55}}) {
    DigestChallenge tampered = challenge;
    tampered.nonce[at] = tampered.nonce[at] == '0' ? '1' : '0';
    // The attacker computes a perfect response for the forged nonce.
    DigestCredentials c = Answer(tampered, "1001", "secret1001");
    EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kBadNonce) << at;
  }
  // Making an old nonce look new needs the secret.
  DigestChallenge renewed = challenge;
  renewed.nonce.replace(0, 16, "00000000ffffffff");
  EXPECT_EQ(auth_.Verify("REGISTER", Answer(renewed, "1001", "secret1001"), Passwords, At(1000)),
            DigestVerdict::kBadNonce);
}

TEST_F(DigestAuthTest, MalformedOrForeignNoncesAreBad) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  std::string upper = challenge.nonce;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (std::string nonce :
       {std::string("dcd98b7102dd2f0e8b11d0f600bfb0c093"), challenge.nonce.substr(0, 55),
        challenge.nonce + "0", upper, std::string(56, 'z'), std::string(56, '0')}) {
    DigestChallenge other = challenge;
    other.nonce = nonce;
    EXPECT_EQ(auth_.Verify("REGISTER", Answer(other, "1001", "secret1001"), Passwords, At(1000)),
              DigestVerdict::kBadNonce)
        << nonce;
  }
  DigestAuthenticator other_secret(kRealm, "another secret", seconds(300));
  DigestChallenge foreign = other_secret.MakeChallenge(At(1000));
  EXPECT_EQ(auth_.Verify("REGISTER", Answer(foreign, "1001", "secret1001"), Passwords, At(1000)),
            DigestVerdict::kBadNonce);
}

TEST_F(DigestAuthTest, OpaqueMustMatchIfSent) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  c.opaque.reset();
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kOk);
  c.opaque = "5ccc069c403ebaf9f0171e9517f40e41";
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kBadNonce);
}

TEST_F(DigestAuthTest, WrongRealm) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  c.realm = "asterisk";
  c.response = ComputeDigestResponse("1001", "asterisk", "secret1001", "REGISTER", c.uri, c.nonce,
                                     c.qop, c.nc, c.cnonce);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kWrongRealm);
  c.realm = "Hotline";  // realms compare exactly
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kWrongRealm);
}

TEST_F(DigestAuthTest, NonceCountIsPartOfTheDigest) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  c.nc = "00000002";  // response computed for 00000001
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kWrongPassword);
  c = Answer(auth_.MakeChallenge(At(1000)), "1001", "secret1001");  // the first one is burned
  c.nc = "00000002";
  c.response = ComputeDigestResponse("1001", kRealm, "secret1001", "REGISTER", c.uri, c.nonce,
                                     "auth", "00000002", c.cnonce);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kOk);
  c.nc = "0000000A";
  c.response = ComputeDigestResponse("1001", kRealm, "secret1001", "REGISTER", c.uri, c.nonce,
                                     "auth", "0000000A", c.cnonce);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kOk);
}

TEST_F(DigestAuthTest, QopAndAlgorithmHandling) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  const DigestCredentials good = Answer(challenge, "1001", "secret1001");
  auto verify = [&](const DigestCredentials& c) {
    return auth_.Verify("REGISTER", c, Passwords, At(1000));
  };
  DigestCredentials c = good;
  c.qop = "auth-int";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  c = good;
  c.qop = "AUTH";  // token compared case-insensitively; digest uses the text as sent
  c.response = ComputeDigestResponse("1001", kRealm, "secret1001", "REGISTER", c.uri, c.nonce,
                                     "AUTH", c.nc, c.cnonce);
  EXPECT_EQ(verify(c), DigestVerdict::kOk);
  c = good;
  c.nc = "";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  c.nc = "1";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  c.nc = "0000000g";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  c = good;
  c.cnonce = "";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  c = good;
  c.algorithm = "MD5-sess";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  c.algorithm = "SHA-256";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
  // Without qop there is no nonce-count: refused whatever nc says.
  c = Answer(challenge, "1001", "secret1001", "REGISTER", "sip:127.0.0.1", false);
  c.nc = "garbage";
  EXPECT_EQ(verify(c), DigestVerdict::kMalformed);
}

// Issue 9 (4): a REGISTER captured on the wire and sent again is refused.
TEST_F(DigestAuthTest, EachNonceCountIsAcceptedOnce) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kOk);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1100)), DigestVerdict::kReplayed);
  // The phone's next request with the same nonce counts on: accepted once each.
  for (const char* nc : {"00000002", "00000003", "00000005", "00000004"}) {
    c.nc = nc;
    c.response = ComputeDigestResponse("1001", kRealm, "secret1001", "REGISTER", c.uri, c.nonce,
                                       "auth", c.nc, c.cnonce);
    EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1200)), DigestVerdict::kOk) << nc;
    EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1200)), DigestVerdict::kReplayed) << nc;
  }
}

// Issue 9 (5): one nonce served 1,000 password guesses; now a wrong password burns it.
TEST_F(DigestAuthTest, AWrongPasswordBurnsTheNonce) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  DigestCredentials guess = Answer(challenge, "1001", "guess-1");
  EXPECT_EQ(auth_.Verify("REGISTER", guess, Passwords, At(1000)), DigestVerdict::kWrongPassword);
  DigestCredentials right = Answer(challenge, "1001", "secret1001");
  right.nc = "00000002";
  right.response = ComputeDigestResponse("1001", kRealm, "secret1001", "REGISTER", right.uri,
                                         right.nonce, "auth", right.nc, right.cnonce);
  EXPECT_EQ(auth_.Verify("REGISTER", right, Passwords, At(1000)), DigestVerdict::kReplayed);
}

// Issue 9 (4): a nonce serves only the request it was issued for.
TEST_F(DigestAuthTest, NonceIsBoundToTheChallengedRequest) {
  std::string phone = RequestBinding("127.0.0.1", "call-1", "sip:127.0.0.1:5060");
  DigestChallenge challenge = auth_.MakeChallenge(At(1000), phone);
  DigestCredentials c = Answer(challenge, "1001", "secret1001");
  // The same credentials from another host, for another Call-ID or another Request-URI.
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000),
                         RequestBinding("127.0.0.2", "call-1", "sip:127.0.0.1:5060")),
            DigestVerdict::kBadNonce);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000),
                         RequestBinding("127.0.0.1", "call-2", "sip:127.0.0.1:5060")),
            DigestVerdict::kBadNonce);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000),
                         RequestBinding("127.0.0.1", "call-1", "sip:1002@127.0.0.1:5060")),
            DigestVerdict::kBadNonce);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000), phone), DigestVerdict::kOk);
}

TEST_F(DigestAuthTest, MalformedFields) {
  DigestChallenge challenge = auth_.MakeChallenge(At(1000));
  const DigestCredentials good = Answer(challenge, "1001", "secret1001");
  EXPECT_EQ(auth_.Verify("", good, Passwords, At(1000)), DigestVerdict::kMalformed);
  DigestCredentials c = good;
  c.response = good.response.substr(1);
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kMalformed);
  c.response = std::string(32, 'x');
  EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kMalformed);
  for (std::string DigestCredentials::*field :
       {&DigestCredentials::username, &DigestCredentials::realm, &DigestCredentials::nonce,
        &DigestCredentials::uri}) {
    c = good;
    c.*field = "";
    EXPECT_EQ(auth_.Verify("REGISTER", c, Passwords, At(1000)), DigestVerdict::kMalformed);
  }
}

TEST(DigestVerdict, Names) {
  EXPECT_STREQ(ToString(DigestVerdict::kOk), "ok");
  EXPECT_STREQ(ToString(DigestVerdict::kStale), "stale nonce");
  EXPECT_STREQ(ToString(DigestVerdict::kWrongRealm), "wrong realm");
  EXPECT_STREQ(ToString(DigestVerdict::kReplayed), "replayed nonce-count");
}

}  // namespace
}  // namespace hotline::sip
