// random: a uniform choice among the eligible idle agents, drawn from the Acd's seeded (or
// injected) RandomSource, so runs are reproducible. Reservoir sampling over the idle index:
// exact, but O(idle agents) per decision, unlike the ordered strategies.
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class Random final : public Strategy {
 public:
  std::string_view Name() const override { return "random"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {facts.agent, 0, facts.agent};
  }
  void Pick(const IdleIndex& idle, const AgentFilter& filter, QueueMemory& memory,
            RandomSource& random, std::vector<AgentIndex>& chosen) const override {
    std::uint64_t seen = 0;
    std::optional<AgentIndex> pick;
    for (const IdleKey& key : idle) {
      if (!filter.Accepts(key.agent)) continue;
      ++seen;
      if (random.Next() % seen == 0) pick = key.agent;  // keep with probability 1/seen
    }
    if (!pick) return;
    chosen.push_back(*pick);
    memory.last_offered = *pick;
  }
};

}  // namespace

StrategyPtr MakeRandom() { return std::make_unique<Random>(); }

}  // namespace hotline::acd
