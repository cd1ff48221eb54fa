// Display names travel from an incoming From to the From of the INVITEs we send: plain text
// in between, quoted exactly once on the wire, and always parseable by sofia-sip.
#include "sip/display_name.h"

#include <gtest/gtest.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

#include <string>

namespace hotline::sip {
namespace {

// What sofia-sip's parser gives as a_display for a From header value (as HandleInvite sees it).
std::string SofiaDisplay(const std::string& from_value) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  sip_from_t* from = sip_from_make(home, from_value.c_str());
  std::string display = "<parse error>";
  if (from != nullptr) display = from->a_display ? from->a_display : "";
  su_home_deinit(home);
  return display;
}

// Incoming From -> plain text -> the From we send -> what the callee's stack reads.
std::string RoundTrip(const std::string& incoming_from) {
  std::string plain = DisplayNameFromWire(SofiaDisplay(incoming_from));
  std::string wire = DisplayNameToWire(plain);
  std::string out = wire.empty() ? "<sip:1001@127.0.0.1>" : wire + " <sip:1001@127.0.0.1>";
  return DisplayNameFromWire(SofiaDisplay(out));
}

TEST(DisplayName, QuotedNameIsUnquotedOnce) {
  EXPECT_EQ(SofiaDisplay("\"Alice Zhang\" <sip:1001@example.com>"), "\"Alice Zhang\"");
  EXPECT_EQ(DisplayNameFromWire("\"Alice Zhang\""), "Alice Zhang");
  EXPECT_EQ(DisplayNameToWire("Alice Zhang"), "\"Alice Zhang\"");
}

TEST(DisplayName, TokensAreKeptAsText) {
  EXPECT_EQ(DisplayNameFromWire("Alice Zhang"), "Alice Zhang");
  EXPECT_EQ(RoundTrip("Alice Zhang <sip:1001@example.com>"), "Alice Zhang");
}

TEST(DisplayName, QuotesBackslashesCommasAndChineseSurviveTheRoundTrip) {
  EXPECT_EQ(RoundTrip(R"("O\"Brien, Pat" <sip:1001@example.com>)"), "O\"Brien, Pat");
  EXPECT_EQ(RoundTrip(R"("C:\\temp \\ back" <sip:1001@example.com>)"), R"(C:\temp \ back)");
  EXPECT_EQ(RoundTrip("\"张丽\" <sip:1005@example.com>"), "张丽");
  EXPECT_EQ(RoundTrip("\"Zhang, Li (客户)\" <sip:1005@example.com>"), "Zhang, Li (客户)");
  EXPECT_EQ(DisplayNameToWire(R"(a"b\c)"), R"("a\"b\\c")");
}

TEST(DisplayName, EmptyNamesGiveNoDisplayName) {
  EXPECT_EQ(DisplayNameFromWire("\"\""), "");
  EXPECT_EQ(DisplayNameFromWire(""), "");
  EXPECT_EQ(DisplayNameToWire(""), "");
  EXPECT_EQ(DisplayNameToWire("   "), "");
  EXPECT_EQ(RoundTrip("\"\" <sip:1001@example.com>"), "");
  EXPECT_EQ(RoundTrip("<sip:1001@example.com>"), "");
}

TEST(DisplayName, ControlCharactersCannotInjectHeaders) {
  std::string wire = DisplayNameToWire("Eve\r\nP-Asserted-Identity: <sip:1000@x>");
  EXPECT_EQ(wire.find('\r'), std::string::npos);
  EXPECT_EQ(wire.find('\n'), std::string::npos);
  EXPECT_NE(SofiaDisplay(wire + " <sip:1001@127.0.0.1>"), "<parse error>");
}

TEST(DisplayName, LongNamesAreCutWithoutSplittingUtf8) {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "张";  // 3 bytes each
  std::string plain = DisplayNameFromWire("\"" + name + "\"");
  EXPECT_LE(plain.size(), kMaxDisplayNameBytes);
  EXPECT_EQ(plain.size() % 3, 0u);
  EXPECT_EQ(RoundTrip("\"" + name + "\" <sip:1001@example.com>"), plain);
}

TEST(DisplayName, EveryByteStringGivesAParseableFrom) {
  // Whatever arrives, what we send parses (the INVITE is never lost to its From header).
  for (int c = 1; c < 256; ++c) {
    std::string name = "x" + std::string(1, static_cast<char>(c)) + "y";
    std::string wire = DisplayNameToWire(name);
    std::string from = wire.empty() ? "<sip:1@h>" : wire + " <sip:1@h>";
    EXPECT_NE(SofiaDisplay(from), "<parse error>") << "byte " << c;
  }
}

}  // namespace
}  // namespace hotline::sip
