// ring_all: offer the call to every eligible idle agent at once; the first to answer wins and
// the others are cancelled (the Acd does that on AgentAnswered).
#include "acd/strategies/builtin.h"

namespace hotline::acd {
namespace {

class RingAll final : public Strategy {
 public:
  std::string_view Name() const override { return "ring_all"; }
  IdleKey Key(const AgentFacts& facts, RandomSource&) const override {
    return {KeyMillis(facts.idle_since), 0, facts.agent};
  }
  void Pick(const IdleIndex& idle, const AgentFilter& filter, QueueMemory&, RandomSource&,
            std::vector<AgentIndex>& chosen) const override {
    for (const IdleKey& key : idle) {
      if (filter.Accepts(key.agent)) chosen.push_back(key.agent);
    }
  }
};

}  // namespace

StrategyPtr MakeRingAll() { return std::make_unique<RingAll>(); }

}  // namespace hotline::acd
