#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

// A silent caller is walked round menu -> (timeout, fallback) -> note -> menu for ever.
constexpr const char* kSilentLoop = R"(
flow: t
limits: {max_steps_without_input: 6}
start: menu
nodes:
  menu: {type: menu, prompt: m, options: {"1": bye}, max_retries: 0, fallback: note}
  note: {type: play, prompt: n, next: menu}
  bye: {type: hangup}
)";

TEST(SessionTest, LoopGuardHangsUpASilentLoop) {
  Driver d(MustLoad(kSilentLoop));
  d.Start();
  for (int i = 0; i < 20 && !d.session().ended(); ++i) {
    d.FinishPlays();
    d.Wait(5000);
  }
  ASSERT_TRUE(d.session().ended());
  EXPECT_EQ(d.session().end_reason(), "loop_guard");
  EXPECT_EQ(d.Events("loop_guard").size(), 1u);
  EXPECT_EQ(d.Path().size(), 6u);
}

TEST(SessionTest, KeysResetTheLoopGuard) {
  Driver d(MustLoad(kSilentLoop));
  d.Start();
  for (int i = 0; i < 10; ++i) {
    d.FinishPlays();
    d.Digit('7');  // invalid: fallback, but it is input
  }
  EXPECT_FALSE(d.session().ended());
}

TEST(SessionTest, MaxStepsEndsEvenWithInput) {
  Driver d(MustLoad(R"(
flow: t
limits: {max_steps: 10}
start: menu
nodes:
  menu: {type: menu, prompt: m, options: {"1": menu2}}
  menu2: {type: menu, prompt: m2, options: {"1": menu}}
)"));
  d.Start();
  for (int i = 0; i < 20; ++i) d.Digit('1');
  EXPECT_EQ(d.session().end_reason(), "max_steps");
}

TEST(SessionTest, CallerHangupEndsTheSession) {
  Driver d(MustLoad(kSilentLoop));
  d.Start();
  d.FinishPlays();  // a timer is pending
  auto actions = d.session().OnCallerHangup();
  EXPECT_EQ(OfType<CancelTimer>(actions).size(), 1u);
  EXPECT_TRUE(d.session().ended());
  EXPECT_EQ(d.session().end_reason(), "caller_hung_up");
  EXPECT_TRUE(d.Digit('1').empty());
  EXPECT_TRUE(d.Wait(10000).empty());
  EXPECT_FALSE(d.session().NextDeadline().has_value());
}

TEST(SessionTest, NextDeadlineAndOnTimerWithoutTick) {
  Driver d(MustLoad(kSilentLoop));
  d.Start();
  EXPECT_FALSE(d.session().NextDeadline().has_value());
  auto timers = OfType<StartTimer>(d.FinishPlays());
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(d.session().NextDeadline(), d.clock().Now() + Duration{5000});
  auto actions = d.session().OnTimer(timers[0].token);  // the adapter's own timer fired
  EXPECT_EQ(d.session().current_node(), "note");
  EXPECT_TRUE(d.session().OnTimer(timers[0].token).empty());  // only once
}

TEST(SessionTest, InvalidDigitCharactersAreIgnored) {
  Driver d(MustLoad(kSilentLoop));
  d.Start();
  EXPECT_TRUE(d.Digit('A').empty());
  EXPECT_TRUE(d.Digit('\0').empty());
}

TEST(SessionTest, EventsBeforeStartAreIgnored) {
  FlowPtr flow = MustLoad(kSilentLoop);
  ManualClock clock;
  Session session(flow, {"1", "100", "c", "", {}}, clock);
  EXPECT_TRUE(session.OnDigit('1').empty());
  EXPECT_TRUE(session.OnPlayDone(1).empty());
  EXPECT_TRUE(session.Tick().empty());
  EXPECT_FALSE(session.started());
}

TEST(SessionTest, SameInputsSameActions) {
  FlowPtr flow = MustLoad(ReadFile(HOTLINE_SOURCE_DIR "/config/flows/demo_hotline.yaml"));
  ASSERT_NE(flow, nullptr);
  auto run = [&] {
    Driver d(flow);
    SetLocalTime(d.clock(), 2025, 3, 10, 10, 0);
    d.Start();
    d.FinishPlays();
    d.Digit('2');
    d.Answer(true, {{"vip", "false"}});
    d.FinishPlays();
    d.Digit('3');
    d.Digits("123456#");
    d.Wait(100);
    d.Digits("654321#");
    d.Answer(true, {{"balance", "88.8"}});
    d.FinishPlays();
    std::vector<std::string> described;
    for (const auto& a : d.log()) described.push_back(Describe(a));
    return described;
  };
  EXPECT_EQ(run(), run());
}

TEST(SessionTest, FlowsAreSharedAndImmutable) {
  FlowPtr flow = MustLoad(kSilentLoop);
  Driver a(flow);
  Driver b(flow);
  a.Start();
  b.Start();
  a.FinishPlays();
  a.Digit('1');
  EXPECT_TRUE(a.session().ended());
  EXPECT_FALSE(b.session().ended());
  EXPECT_EQ(flow.use_count(), 3);
}

TEST(SessionTest, StartRecordsTheFlowAndLanguage) {
  Driver d(MustLoad(kSilentLoop), {"1", "100", "c", "en", {}});
  d.Start();
  EXPECT_EQ(d.Events("start"), (std::vector<std::string>{"start:t en"}));
  EXPECT_EQ(d.session().language(), "en");
  Driver unknown(MustLoad(kSilentLoop), {"1", "100", "c", "fr", {}});
  unknown.Start();
  EXPECT_EQ(unknown.session().language(), "zh");
}

}  // namespace
}  // namespace hotline::ivr::testing
