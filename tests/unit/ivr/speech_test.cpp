#include "ivr/speech.h"

#include <gtest/gtest.h>

namespace hotline::ivr {
namespace {

TEST(SpeechTest, EnglishNumbers) {
  EXPECT_EQ(EnglishNumber(0), "zero");
  EXPECT_EQ(EnglishNumber(7), "seven");
  EXPECT_EQ(EnglishNumber(15), "fifteen");
  EXPECT_EQ(EnglishNumber(40), "forty");
  EXPECT_EQ(EnglishNumber(99), "ninety nine");
  EXPECT_EQ(EnglishNumber(100), "one hundred");
  EXPECT_EQ(EnglishNumber(1234), "one thousand two hundred thirty four");
  EXPECT_EQ(EnglishNumber(1000000), "one million");
  EXPECT_EQ(EnglishNumber(2000001), "two million one");
  EXPECT_EQ(EnglishNumber(1002003004), "one billion two million three thousand four");
}

TEST(SpeechTest, ChineseNumbers) {
  EXPECT_EQ(ChineseNumber(0), "零");
  EXPECT_EQ(ChineseNumber(10), "十");
  EXPECT_EQ(ChineseNumber(15), "十五");
  EXPECT_EQ(ChineseNumber(20), "二十");
  EXPECT_EQ(ChineseNumber(110), "一百一十");
  EXPECT_EQ(ChineseNumber(1004), "一千零四");
  EXPECT_EQ(ChineseNumber(1010), "一千零一十");
  EXPECT_EQ(ChineseNumber(1234), "一千二百三十四");
  EXPECT_EQ(ChineseNumber(10000), "一万");
  EXPECT_EQ(ChineseNumber(100010), "十万零一十");
  EXPECT_EQ(ChineseNumber(105000), "十万五千");
  EXPECT_EQ(ChineseNumber(1000500), "一百万零五百");
  EXPECT_EQ(ChineseNumber(100000000), "一亿");
  EXPECT_EQ(ChineseNumber(100001000), "一亿零一千");
  EXPECT_EQ(ChineseNumber(120034567), "一亿二千零三万四千五百六十七");
}

TEST(SpeechTest, AmountsInEnglish) {
  EXPECT_EQ(*SpeakAmount("1234.5", "en"),
            "one thousand two hundred thirty four yuan and fifty fen");
  EXPECT_EQ(*SpeakAmount("1", "en"), "one yuan");
  EXPECT_EQ(*SpeakAmount("0", "en"), "zero yuan");
  EXPECT_EQ(*SpeakAmount("0.05", "en"), "five fen");
  EXPECT_EQ(*SpeakAmount("12.30", "en"), "twelve yuan and thirty fen");
  EXPECT_EQ(*SpeakAmount("-3.5", "en"), "minus three yuan and fifty fen");
  EXPECT_EQ(*SpeakAmount("2.999", "en"), "three yuan");  // rounded half up
}

TEST(SpeechTest, AmountsInChinese) {
  EXPECT_EQ(*SpeakAmount("1234.5", "zh"), "一千二百三十四元五角");
  EXPECT_EQ(*SpeakAmount("1234.05", "zh"), "一千二百三十四元零五分");
  EXPECT_EQ(*SpeakAmount("1234.56", "zh"), "一千二百三十四元五角六分");
  EXPECT_EQ(*SpeakAmount("10", "zh"), "十元整");
  EXPECT_EQ(*SpeakAmount("0.5", "zh"), "五角");
  EXPECT_EQ(*SpeakAmount("0", "zh"), "零元");
  EXPECT_EQ(*SpeakAmount("-20.01", "zh"), "负二十元零一分");
}

TEST(SpeechTest, BadAmountsAreErrors) {
  EXPECT_FALSE(SpeakAmount("", "en").ok());
  EXPECT_FALSE(SpeakAmount("abc", "en").ok());
  EXPECT_FALSE(SpeakAmount("1.2.3", "zh").ok());
  EXPECT_FALSE(SpeakAmount("1.", "zh").ok());
  EXPECT_FALSE(SpeakAmount("99999999999999999999", "zh").ok());
  EXPECT_FALSE(SpeakAmount("1", "fr").ok());
}

TEST(SpeechTest, Dates) {
  EXPECT_EQ(*SpeakDate("2025-03-08", "en"), "March eighth, two thousand twenty five");
  EXPECT_EQ(*SpeakDate("2024-12-21", "en"), "December twenty first, two thousand twenty four");
  EXPECT_EQ(*SpeakDate("2025-01-30", "en"), "January thirtieth, two thousand twenty five");
  EXPECT_EQ(*SpeakDate("2025-01-12", "en"), "January twelfth, two thousand twenty five");
  EXPECT_EQ(*SpeakDate("2025-03-08", "zh"), "二零二五年三月八日");
  EXPECT_EQ(*SpeakDate("2024-12-21", "zh"), "二零二四年十二月二十一日");
  EXPECT_FALSE(SpeakDate("2025-02-30", "zh").ok());
  EXPECT_FALSE(SpeakDate("2025/03/08", "en").ok());
  EXPECT_FALSE(SpeakDate("2025-3-8", "en").ok());
}

TEST(SpeechTest, DigitsOneByOne) {
  EXPECT_EQ(*SpeakDigits("13800", "en"), "one three eight zero zero");
  EXPECT_EQ(*SpeakDigits("13800", "zh"), "幺三八零零");
  EXPECT_EQ(*SpeakDigits("1*#", "en"), "one star pound");
  EXPECT_EQ(*SpeakDigits("2#", "zh"), "二井号");
  EXPECT_FALSE(SpeakDigits("12a", "en").ok());
  EXPECT_FALSE(SpeakDigits("", "en").ok());
}

TEST(SpeechTest, Numbers) {
  EXPECT_EQ(*SpeakNumber("12.5", "en"), "twelve point five");
  EXPECT_EQ(*SpeakNumber("12.15", "zh"), "十二点一五");
  EXPECT_EQ(*SpeakNumber("-7", "zh"), "负七");
  EXPECT_EQ(*SpeakNumber("300", "en"), "three hundred");
  EXPECT_FALSE(SpeakNumber("x", "en").ok());
}

}  // namespace
}  // namespace hotline::ivr
