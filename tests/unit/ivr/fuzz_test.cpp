// Feeds random keys, play completions, timer expiries, lookup answers and queue outcomes to
// sessions of the demo flow and of a small looping flow: nothing may crash, and every session
// must end with a terminal action within its step budget.
#include <random>

#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

void FuzzFlow(FlowPtr flow, uint32_t seed, int sessions) {
  std::mt19937 random(seed);
  const std::string keys = "0123456789*#";
  for (int s = 0; s < sessions; ++s) {
    ManualClock clock;
    clock.Advance(Duration{static_cast<int64_t>(random() % 1000) * 86'400'000LL * 20});
    Session session(flow, {"138" + std::to_string(random() % 100000), "100", "fuzz", "", {}},
                    clock);
    std::vector<Action> all;
    std::vector<Token> plays;
    Token lookup = 0;
    bool queued = false;
    auto absorb = [&](std::vector<Action> actions) {
      for (const auto& a : actions) {
        if (const auto* p = std::get_if<Play>(&a)) plays.push_back(p->token);
        if (std::holds_alternative<StopPlay>(a)) plays.clear();
        if (const auto* l = std::get_if<Lookup>(&a)) lookup = l->token;
        if (const auto* q = std::get_if<Queue>(&a)) queued = q->returns;
      }
      all.insert(all.end(), actions.begin(), actions.end());
    };
    absorb(session.Start());
    int steps = 0;
    for (; steps < 5000 && !session.ended(); ++steps) {
      switch (random() % 6) {
        case 0:
        case 1:
          absorb(session.OnDigit(keys[random() % keys.size()]));
          break;
        case 2:
          if (!plays.empty()) {
            Token token = plays.front();
            plays.erase(plays.begin());
            absorb(session.OnPlayDone(token));
          }
          break;
        case 3:
          clock.Advance(Duration{static_cast<int64_t>(random() % 9000)});
          absorb(session.Tick());
          break;
        case 4:
          if (lookup != 0) {
            LookupResult result{random() % 2 == 0,
                                {{"vip", random() % 3 == 0 ? "true" : "no"},
                                 {"balance", std::to_string(random() % 99999)}}};
            Token token = lookup;
            lookup = 0;
            absorb(session.OnLookupResult(token, result));
          }
          break;
        default:
          if (queued) {
            queued = false;
            absorb(session.OnQueueEnded(random() % 2 ? QueueOutcome::kAgentHungUp
                                                     : QueueOutcome::kNoAgent));
          }
          break;
      }
    }
    ASSERT_TRUE(session.ended()) << "session " << s << " still at " << session.current_node();
    int terminals = 0;
    for (const auto& a : all) terminals += IsTerminal(a) ? 1 : 0;
    EXPECT_EQ(terminals, 1) << "session " << s;
    EXPECT_TRUE(IsTerminal(all.back())) << Describe(all.back());
  }
}

TEST(FuzzTest, DemoFlowAlwaysEnds) {
  FlowPtr flow = MustLoad(ReadFile(HOTLINE_SOURCE_DIR "/config/flows/demo_hotline.yaml"));
  ASSERT_NE(flow, nullptr);
  FuzzFlow(flow, 12345, 400);
}

TEST(FuzzTest, LoopingMenusAlwaysEnd) {
  FlowPtr flow = MustLoad(R"(
flow: loops
limits: {max_steps_without_input: 20, max_steps: 200}
start: a
nodes:
  a: {type: menu, prompt: a, options: {"1": b, "2": c, "3": a}, fallback: note, max_retries: 1}
  b: {type: collect, prompt: b, variable: x, min_digits: 2, max_digits: 4, next: a,
      fallback: a, pattern: "[0-9]+"}
  c: {type: survey, prompt: c, variable: s, next: a}
  note: {type: play, prompt: n, barge_in: true, next: a}
)");
  ASSERT_NE(flow, nullptr);
  FuzzFlow(flow, 777, 300);
}

}  // namespace
}  // namespace hotline::ivr::testing
