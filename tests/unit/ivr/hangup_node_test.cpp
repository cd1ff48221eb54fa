#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

TEST(HangupNodeTest, HangsUpWithTheReason) {
  Driver d(MustLoad("flow: t\nstart: bye\nnodes:\n  bye: {type: hangup, reason: closed}\n"));
  auto& actions = d.Start();
  auto hangups = OfType<Hangup>(actions);
  ASSERT_EQ(hangups.size(), 1u);
  EXPECT_EQ(hangups[0].reason, "closed");
  EXPECT_TRUE(IsTerminal(actions.back()));
  EXPECT_TRUE(d.Digit('1').empty());  // nothing after the end
}

TEST(HangupNodeTest, SaysGoodbyeFirst) {
  Driver d(MustLoad("flow: t\nstart: bye\nnodes:\n  bye: {type: hangup, prompt: 再见}\n"));
  d.Start();
  EXPECT_TRUE(OfType<Hangup>(d.log()).empty());
  d.FinishPlays();
  auto hangups = OfType<Hangup>(d.log());
  ASSERT_EQ(hangups.size(), 1u);
  EXPECT_EQ(hangups[0].reason, "normal");
}

}  // namespace
}  // namespace hotline::ivr::testing
