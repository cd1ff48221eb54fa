#include "sip/sdes.h"

#include <gtest/gtest.h>

namespace hotline::sip {
namespace {

constexpr char kKey[] = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";  // 30 bytes in base64

TEST(Sdes, ParsesWhatPhonesSend) {
  auto c = ParseCryptoAttribute(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->tag, 1);
  EXPECT_EQ(c->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(c->key[0], 'Y');
  auto lifetime =
      ParseCryptoAttribute(std::string("2 AES_CM_128_HMAC_SHA1_32 inline:") + kKey + "|2^31");
  ASSERT_TRUE(lifetime.ok()) << lifetime.error().message;
  EXPECT_EQ(lifetime->tag, 2);
}

TEST(Sdes, RoundTrip) {
  SdesCrypto ours;
  ours.tag = 7;
  ours.suite = "AES_CM_128_HMAC_SHA1_80";
  for (size_t i = 0; i < ours.key.size(); ++i) ours.key[i] = static_cast<uint8_t>(i * 37 + 1);
  auto back = ParseCryptoAttribute(FormatCryptoAttribute(ours));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->tag, 7);
  EXPECT_EQ(back->key, ours.key);
}

TEST(Sdes, RefusesWhatWeCannotDo) {
  for (std::string bad :
       {std::string(""), std::string("x AES_CM_128_HMAC_SHA1_80 inline:") + kKey,
        std::string("1 F8_128_HMAC_SHA1_80 inline:") + kKey,
        std::string("1 AES_CM_128_HMAC_SHA1_80 uri:http://x"),
        std::string("1 AES_CM_128_HMAC_SHA1_80 inline:short"),
        std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey + "|2^20|1:4",
        std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey + " KDR=1",
        std::string("1 AES_CM_128_HMAC_SHA1_80 inline:!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"),
        std::string(600, '1')}) {
    EXPECT_FALSE(ParseCryptoAttribute(bad).ok()) << bad;
  }
}

TEST(Sdes, FirstAudioSectionOnly) {
  std::string sdp =
      std::string("v=0\r\nm=video 5 RTP/SAVP 99\r\na=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:") +
      kKey + "\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + kKey +
      "\r\na=crypto:2 BOGUS inline:" + kKey +
      "\r\na=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:" + kKey +
      "\r\nm=audio 4002 RTP/SAVP 0\r\na=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:" + kKey + "\r\n";
  auto found = AudioCryptoAttributes(sdp);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].tag, 1);
  EXPECT_EQ(found[1].tag, 3);
  EXPECT_TRUE(AudioCryptoAttributes("v=0\r\nm=audio 4000 RTP/AVP 0\r\n").empty());
}

}  // namespace
}  // namespace hotline::sip
