// fewest_calls: the agent who has handled the fewest calls since login; ties go to the
// longest idle.
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class FewestCalls final : public Strategy {
 public:
  std::string_view Name() const override { return "fewest_calls"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {static_cast<std::int64_t>(facts.calls_handled), KeyMillis(facts.idle_since),
            facts.agent};
  }
};

}  // namespace

StrategyPtr MakeFewestCalls() { return std::make_unique<FewestCalls>(); }

}  // namespace hotline::acd
