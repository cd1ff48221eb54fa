// round_robin (with memory): agents in a fixed order (order of AddAgent); each call goes to the
// first eligible idle agent after the one offered last in this queue, wrapping around.
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class RoundRobin final : public Strategy {
 public:
  std::string_view Name() const override { return "round_robin"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {facts.agent, 0, facts.agent};
  }
  void Pick(const IdleIndex& idle, const AgentFilter& filter, QueueMemory& memory, RandomSource&,
            std::vector<AgentIndex>& chosen) const override {
    auto start = idle.begin();
    if (memory.last_offered) {
      const std::int64_t after = std::int64_t{*memory.last_offered} + 1;
      start = idle.lower_bound(IdleKey{after, 0, 0});
    }
    for (auto it = start; it != idle.end(); ++it) {
      if (Take(*it, filter, memory, chosen)) return;
    }
    for (auto it = idle.begin(); it != start; ++it) {
      if (Take(*it, filter, memory, chosen)) return;
    }
  }

 private:
  static bool Take(const IdleKey& key, const AgentFilter& filter, QueueMemory& memory,
                   std::vector<AgentIndex>& chosen) {
    if (!filter.Accepts(key.agent)) return false;
    chosen.push_back(key.agent);
    memory.last_offered = key.agent;
    return true;
  }
};

}  // namespace

StrategyPtr MakeRoundRobin() { return std::make_unique<RoundRobin>(); }

}  // namespace hotline::acd
