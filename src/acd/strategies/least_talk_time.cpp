// least_talk_time: the agent with the least talk time since login; ties go to the longest
// idle. Balances load when call lengths vary a lot.
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class LeastTalkTime final : public Strategy {
 public:
  std::string_view Name() const override { return "least_talk_time"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {facts.talk_time.count(), KeyMillis(facts.idle_since), facts.agent};
  }
};

}  // namespace

StrategyPtr MakeLeastTalkTime() { return std::make_unique<LeastTalkTime>(); }

}  // namespace hotline::acd
