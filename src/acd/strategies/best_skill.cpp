// best_skill: the agent with the highest skill score for the queue (sum of its levels in the
// queue's required skills) first; ties go to the longest idle.
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class BestSkill final : public Strategy {
 public:
  std::string_view Name() const override { return "best_skill"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {-std::int64_t{facts.skill_score}, KeyMillis(facts.idle_since), facts.agent};
  }
};

}  // namespace

StrategyPtr MakeBestSkill() { return std::make_unique<BestSkill>(); }

}  // namespace hotline::acd
