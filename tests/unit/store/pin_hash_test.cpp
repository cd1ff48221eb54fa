#include "store/pin_hash.h"

#include <gtest/gtest.h>

#include <string>

namespace hotline::store {
namespace {

TEST(PinHashTest, ValidPinsAreFourToTwelveDigits) {
  EXPECT_TRUE(IsValidPin("1234"));
  EXPECT_TRUE(IsValidPin("000000"));
  EXPECT_TRUE(IsValidPin("123456789012"));
  EXPECT_FALSE(IsValidPin(""));
  EXPECT_FALSE(IsValidPin("123"));
  EXPECT_FALSE(IsValidPin("1234567890123"));
  EXPECT_FALSE(IsValidPin("12a4"));
  EXPECT_FALSE(IsValidPin("12 34"));
  EXPECT_FALSE(IsValidPin("１２３４"));  // full-width digits
  EXPECT_FALSE(
      IsValidPin(std::string("12\0"
                             "34",
                             5)));
}

TEST(PinHashTest, HashMatchesOnlyItsPinAndNeverContainsIt) {
  auto hash = HashPin("1234");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash->rfind("pbkdf2-sha256$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("1234$"), std::string::npos);
  EXPECT_TRUE(PinMatches("1234", *hash));
  EXPECT_FALSE(PinMatches("1235", *hash));
  EXPECT_FALSE(PinMatches("12340", *hash));
  EXPECT_FALSE(PinMatches("", *hash));
}

TEST(PinHashTest, SaltMakesEachHashDifferent) {
  auto first = HashPin("1234");
  auto second = HashPin("1234");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(PinMatches("1234", *first));
  EXPECT_TRUE(PinMatches("1234", *second));
}

TEST(PinHashTest, InvalidPinIsNotHashed) {
  EXPECT_FALSE(HashPin("12").ok());
  EXPECT_FALSE(HashPin("abcd").ok());
}

TEST(PinHashTest, MalformedStoredHashesNeverMatch) {
  auto hash = HashPin("4321");
  ASSERT_TRUE(hash.ok());
  std::string good = *hash;
  const std::string bad[] = {
      "",
      "4321",
      "sha256$10000$00$00",
      "pbkdf2-sha256$$00$00",
      "pbkdf2-sha256$0$" + good.substr(good.find('$', 14) + 1),
      "pbkdf2-sha256$99999999999$00$00",
      "pbkdf2-sha256$10000$zz$00",
      "pbkdf2-sha256$10000$00$abc",
      good + "$",
      good.substr(0, good.size() - 2),  // hash too short
      "md5$" + good.substr(14),
  };
  for (const std::string& stored : bad) EXPECT_FALSE(PinMatches("4321", stored)) << stored;
}

}  // namespace
}  // namespace hotline::store
