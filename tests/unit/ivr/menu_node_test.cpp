#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

constexpr const char* kFlow = R"(
flow: t
start: menu
nodes:
  menu:
    type: menu
    prompt: {zh: 主菜单, en: Main menu}
    invalid_prompt: {zh: 输入有误, en: Invalid}
    timeout_prompt: {zh: 没有收到, en: No input}
    options: {"1": one, "#": hash}
    timeout_ms: 5000
    max_retries: 2
    fallback: fallback
  one: {type: hangup, reason: one}
  hash: {type: hangup, reason: hash}
  fallback: {type: hangup, reason: fallback}
)";

TEST(MenuNodeTest, KeyChoosesTheOption) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digit('1');
  EXPECT_EQ(d.session().end_reason(), "one");
  EXPECT_EQ(d.Events("menu"), (std::vector<std::string>{"menu:menu:1"}));
}

TEST(MenuNodeTest, BargeInDuringThePrompt) {
  Driver d(MustLoad(kFlow));
  d.Start();
  auto& actions = d.Digit('#');
  EXPECT_TRUE(std::holds_alternative<StopPlay>(actions.front()));
  EXPECT_EQ(d.session().end_reason(), "hash");
}

TEST(MenuNodeTest, TimeoutStartsWhenThePromptEnds) {
  Driver d(MustLoad(kFlow));
  d.Start();
  EXPECT_TRUE(OfType<StartTimer>(d.log()).empty());
  auto timers = OfType<StartTimer>(d.FinishPlays());
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].after, Duration{5000});
  EXPECT_TRUE(d.Wait(4999).empty());
  auto& retry = d.Wait(1);
  auto plays = OfType<Play>(retry);
  ASSERT_EQ(plays.size(), 2u);
  EXPECT_EQ(plays[0].prompt.content, "没有收到");
  EXPECT_EQ(plays[1].prompt.content, "主菜单");
}

TEST(MenuNodeTest, InvalidKeyPlaysItsOwnPromptThenTheMenu) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  auto plays = OfType<Play>(d.Digit('7'));
  ASSERT_EQ(plays.size(), 2u);
  EXPECT_EQ(plays[0].prompt.content, "输入有误");
  EXPECT_EQ(plays[1].prompt.content, "主菜单");
  EXPECT_EQ(d.Events("invalid"), (std::vector<std::string>{"invalid:menu:7"}));
  d.FinishPlays();
  d.Digit('1');
  EXPECT_EQ(d.session().end_reason(), "one");
}

TEST(MenuNodeTest, MaxRetriesGoesToTheFallback) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digit('7');  // attempt 1
  d.FinishPlays();
  d.Wait(5000);  // attempt 2 (timeout)
  EXPECT_FALSE(d.session().ended());
  d.FinishPlays();
  d.Digit('9');  // attempt 3 > max_retries 2
  EXPECT_EQ(d.session().end_reason(), "fallback");
  EXPECT_EQ(d.Events("max_retries"), (std::vector<std::string>{"max_retries:menu"}));
}

TEST(MenuNodeTest, WithoutFallbackMaxRetriesHangsUp) {
  Driver d(MustLoad(R"(
flow: t
start: menu
nodes:
  menu: {type: menu, prompt: m, options: {"1": one}, max_retries: 0}
  one: {type: hangup}
)"));
  d.Start();
  d.FinishPlays();
  d.Wait(5000);
  EXPECT_EQ(d.session().end_reason(), "max_retries");
}

TEST(MenuNodeTest, TimerOfALeftNodeIsIgnored) {
  Driver d(MustLoad(kFlow));
  d.Start();
  auto timers = OfType<StartTimer>(d.FinishPlays());
  ASSERT_EQ(timers.size(), 1u);
  d.Digit('7');  // cancels that timer
  EXPECT_EQ(OfType<CancelTimer>(d.last()).size(), 1u);
  EXPECT_TRUE(d.session().OnTimer(timers[0].token).empty());
}

TEST(MenuNodeTest, NoBargeInIgnoresKeysWhilePlaying) {
  Driver d(MustLoad(R"(
flow: t
start: menu
nodes:
  menu: {type: menu, prompt: m, options: {"1": one}, barge_in: false}
  one: {type: hangup}
)"));
  d.Start();
  EXPECT_TRUE(d.Digit('1').empty());
  d.FinishPlays();
  d.Digit('1');
  EXPECT_TRUE(d.session().ended());
}

TEST(MenuNodeTest, BadKeysAreRefused) {
  std::string error = LoadError(R"(
flow: t
start: menu
nodes:
  menu:
    type: menu
    prompt: m
    options: {"12": one, "a": one}
  one: {type: hangup}
)");
  EXPECT_NE(error.find("bad.yaml:8: node 'menu': bad menu key \"12\""), std::string::npos) << error;
  EXPECT_NE(error.find("bad menu key \"a\""), std::string::npos) << error;
}

}  // namespace
}  // namespace hotline::ivr::testing
