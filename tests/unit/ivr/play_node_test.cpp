#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

constexpr const char* kFlow = R"(
flow: t
start: hello
nodes:
  hello:
    type: play
    prompt: {zh: "你好{caller}", en: {file: "en/hello.wav"}}
    barge_in: true
    next: bye
  bye:
    type: hangup
)";

TEST(PlayNodeTest, PlaysTtsInTheCallLanguageThenGoesOn) {
  Driver d(MustLoad(kFlow));
  auto plays = OfType<Play>(d.Start());
  ASSERT_EQ(plays.size(), 1u);
  EXPECT_EQ(plays[0].prompt.kind, ResolvedPrompt::Kind::kText);
  EXPECT_EQ(plays[0].prompt.content, "你好13800000000");
  EXPECT_EQ(plays[0].prompt.language, "zh");
  EXPECT_TRUE(plays[0].allow_barge_in);
  EXPECT_FALSE(d.session().ended());
  d.FinishPlays();
  EXPECT_TRUE(d.session().ended());
  EXPECT_EQ(d.Path(), (std::vector<std::string>{"hello", "bye"}));
}

TEST(PlayNodeTest, PlaysFilesPerLanguage) {
  Driver d(MustLoad(kFlow), {"1", "100", "c", "en", {}});
  auto plays = OfType<Play>(d.Start());
  ASSERT_EQ(plays.size(), 1u);
  EXPECT_EQ(plays[0].prompt.kind, ResolvedPrompt::Kind::kFile);
  EXPECT_EQ(plays[0].prompt.content, "en/hello.wav");
}

TEST(PlayNodeTest, BargeInStopsThePromptAndMovesOn) {
  Driver d(MustLoad(kFlow));
  d.Start();
  auto& actions = d.Digit('5');
  ASSERT_FALSE(actions.empty());
  EXPECT_TRUE(std::holds_alternative<StopPlay>(actions[0]));
  EXPECT_TRUE(d.session().ended());
  EXPECT_EQ(d.Events("barge_in"), (std::vector<std::string>{"barge_in:hello:5"}));
}

TEST(PlayNodeTest, WithoutBargeInKeysAreIgnored) {
  Driver d(MustLoad(R"(
flow: t
start: hello
nodes:
  hello: {type: play, prompt: hi, next: bye}
  bye: {type: hangup}
)"));
  d.Start();
  EXPECT_TRUE(d.Digit('1').empty());
  EXPECT_EQ(d.session().current_node(), "hello");
  d.FinishPlays();
  EXPECT_TRUE(d.session().ended());
}

TEST(PlayNodeTest, StalePlayDoneIsIgnored) {
  Driver d(MustLoad(kFlow));
  auto plays = OfType<Play>(d.Start());
  EXPECT_TRUE(d.session().OnPlayDone(plays[0].token + 100).empty());
  EXPECT_EQ(d.session().current_node(), "hello");
}

}  // namespace
}  // namespace hotline::ivr::testing
