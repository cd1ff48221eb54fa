// longest_idle: the agent who has been ready the longest gets the call; the usual default,
// spreads work evenly over time.
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class LongestIdle final : public Strategy {
 public:
  std::string_view Name() const override { return "longest_idle"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {KeyMillis(facts.idle_since), 0, facts.agent};
  }
};

}  // namespace

StrategyPtr MakeLongestIdle() { return std::make_unique<LongestIdle>(); }

}  // namespace hotline::acd
