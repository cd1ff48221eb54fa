#include "acd/strategy.h"

namespace hotline::acd {

void Strategy::Pick(const IdleIndex& idle, const AgentFilter& filter, QueueMemory& memory,
                    RandomSource&, std::vector<AgentIndex>& chosen) const {
  for (const IdleKey& key : idle) {
    if (filter.Accepts(key.agent)) {
      chosen.push_back(key.agent);
      memory.last_offered = key.agent;
      return;
    }
  }
}

}  // namespace hotline::acd
