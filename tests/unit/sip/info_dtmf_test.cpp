#include "sip/info_dtmf.h"

#include <gtest/gtest.h>

namespace hotline::sip {
namespace {

TEST(InfoDtmf, DtmfRelayWithCrlf) {
  EXPECT_EQ(ParseInfoDtmf("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"), '5');
  EXPECT_EQ(ParseInfoDtmf("Application/DTMF-Relay", "Duration=100\r\nSignal= #\r\n"), '#');
  EXPECT_EQ(ParseInfoDtmf("application/dtmf-relay", "signal=*"), '*');
  EXPECT_EQ(ParseInfoDtmf("application/dtmf-relay", "Signal=11\r\n"), '#');
}

TEST(InfoDtmf, PlainDtmf) {
  EXPECT_EQ(ParseInfoDtmf("application/dtmf", "7"), '7');
  EXPECT_EQ(ParseInfoDtmf("application/dtmf; charset=x", " 9\r\n"), '9');
  EXPECT_EQ(ParseInfoDtmf("application/dtmf", "a"), 'A');
}

TEST(InfoDtmf, RejectsOtherBodies) {
  EXPECT_FALSE(ParseInfoDtmf("application/sdp", "Signal=5"));
  EXPECT_FALSE(ParseInfoDtmf("application/dtmf-relay", "Duration=160"));
  EXPECT_FALSE(ParseInfoDtmf("application/dtmf-relay", "Signal=X"));
  EXPECT_FALSE(ParseInfoDtmf("application/dtmf-relay", "Signal=55"));
  EXPECT_FALSE(ParseInfoDtmf("application/dtmf", ""));
  EXPECT_FALSE(ParseInfoDtmf("", ""));
  EXPECT_FALSE(ParseInfoDtmf("application/dtmf-relay", std::string_view("\0\0\0", 3)));
}

}  // namespace
}  // namespace hotline::sip
