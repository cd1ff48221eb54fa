#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

constexpr const char* kFlow = R"(
flow: t
start: account
nodes:
  account:
    type: collect
    prompt: {zh: 请输入账号, en: Account please}
    invalid_prompt: {zh: 账号错误, en: Bad account}
    variable: account
    min_digits: 4
    max_digits: 6
    terminator: "#"
    first_digit_timeout_ms: 8000
    inter_digit_timeout_ms: 3000
    pattern: "[1-9][0-9]*"
    max_retries: 1
    fallback: gave_up
    next: done
  done: {type: hangup, reason: done}
  gave_up: {type: hangup, reason: gave_up}
)";

TEST(CollectNodeTest, TerminatorEndsTheEntry) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digits("12345#");
  EXPECT_EQ(d.session().end_reason(), "done");
  EXPECT_EQ(d.session().variable("account"), "12345");
  EXPECT_EQ(d.Events("collect"), (std::vector<std::string>{"collect:account:12345"}));
}

TEST(CollectNodeTest, MaxDigitsEndsTheEntryWithoutTerminator) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("123456");
  EXPECT_EQ(d.session().variable("account"), "123456");
  EXPECT_EQ(d.session().end_reason(), "done");
}

TEST(CollectNodeTest, FirstDigitStopsThePrompt) {
  Driver d(MustLoad(kFlow));
  d.Start();
  EXPECT_TRUE(std::holds_alternative<StopPlay>(d.Digit('1').front()));
  EXPECT_FALSE(d.playing());
}

TEST(CollectNodeTest, InterDigitTimeoutTakesWhatWasEntered) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digits("5678");
  EXPECT_TRUE(d.Wait(2999).empty());
  d.Wait(1);
  EXPECT_EQ(d.session().variable("account"), "5678");
  EXPECT_EQ(d.session().end_reason(), "done");
}

TEST(CollectNodeTest, TooShortIsInvalidAndRetried) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  auto plays = OfType<Play>(d.Digits("123#"));
  ASSERT_EQ(plays.size(), 2u);
  EXPECT_EQ(plays[0].prompt.content, "账号错误");
  EXPECT_EQ(d.Events("invalid"), (std::vector<std::string>{"invalid:account:123"}));
  d.FinishPlays();
  d.Digits("1234#");
  EXPECT_EQ(d.session().variable("account"), "1234");
}

TEST(CollectNodeTest, PatternMismatchIsInvalid) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digits("01234#");
  EXPECT_EQ(d.Events("invalid"), (std::vector<std::string>{"invalid:account:01234"}));
  EXPECT_FALSE(d.session().variable("account").has_value());
}

TEST(CollectNodeTest, FirstDigitTimeoutRetriesThenFallsBack) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Wait(7999);
  EXPECT_TRUE(d.Events("timeout").empty());
  d.Wait(1);
  EXPECT_EQ(d.Events("timeout").size(), 1u);
  d.FinishPlays();
  d.Wait(8000);
  EXPECT_EQ(d.session().end_reason(), "gave_up");
}

TEST(CollectNodeTest, TerminatorAloneIsInvalid) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digit('#');
  EXPECT_EQ(d.Events("invalid").size(), 1u);
}

TEST(CollectNodeTest, MaskKeepsDigitsOutOfTheRecord) {
  Driver d(MustLoad(R"(
flow: t
start: pin
nodes:
  pin: {type: collect, prompt: PIN, variable: pin, min_digits: 4, max_digits: 4, mask: true,
        next: done}
  done: {type: hangup}
)"));
  d.Start();
  d.Digits("9876");
  EXPECT_EQ(d.session().variable("pin"), "9876");
  EXPECT_EQ(d.Events("collect"), (std::vector<std::string>{"collect:pin:****"}));
  // The flow may use it, the agent's screen never sees it.
  auto shown = d.session().public_variables();
  EXPECT_EQ(shown.count("pin"), 0u);
  EXPECT_EQ(shown.count("caller"), 1u);
}

TEST(CollectNodeTest, UnmaskedEntriesArePublic) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digits("12345#");
  EXPECT_EQ(d.session().public_variables().at("account"), "12345");
}

TEST(CollectNodeTest, BadSettingsAreRefusedWithLines) {
  std::string error = LoadError(R"(
flow: t
start: c
nodes:
  c:
    type: collect
    prompt: p
    variable: v
    min_digits: 8
    max_digits: 4
    terminator: "x"
    pattern: "[0-9"
    next: c2
  c2:
    type: collect
    prompt: p
    variable: v
    pattern: "[a-z]+"
    next: c
)");
  EXPECT_NE(error.find("bad.yaml:9: node 'c': min_digits (8) is greater than max_digits (4)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bad.yaml:11: node 'c': terminator must be"), std::string::npos) << error;
  EXPECT_NE(error.find("bad.yaml:12: node 'c': bad digit pattern \"[0-9\""), std::string::npos)
      << error;
  EXPECT_NE(error.find("bad.yaml:18: node 'c2': bad digit pattern \"[a-z]+\""), std::string::npos)
      << error;
}

}  // namespace
}  // namespace hotline::ivr::testing
