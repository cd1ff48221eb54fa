// acd/strategy.h: the interface of a routing strategy (which idle agent gets a call).
//
// Every queue keeps an index of its idle agents ordered by IdleKey; the queue's strategy
// computes that key when an agent becomes idle (it stays fixed while the agent is idle, since
// everything it depends on changes only on calls). Picking is then a walk from the front of
// the index to the first agent that the call accepts, usually the first one: O(log n) routing
// with 10,000 agents. A strategy that needs more than an order (round robin, ring all)
// overrides Pick. One strategy per file in strategies/, registered by name in
// strategy_registry.cpp.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "acd/types.h"
#include "common/clock.h"

namespace hotline::acd {

// Order of an idle agent inside one queue's index: smaller is offered first. `agent` breaks
// ties so that the order is total and deterministic.
struct IdleKey {
  std::int64_t primary = 0;
  std::int64_t secondary = 0;
  AgentIndex agent = 0;
  auto operator<=>(const IdleKey&) const = default;
};

using IdleIndex = std::set<IdleKey>;

// What a strategy may look at when ordering an idle agent.
struct AgentFacts {
  AgentIndex agent = 0;  // also the fixed round-robin order (order of AddAgent)
  TimePoint idle_since{};
  std::uint64_t calls_handled = 0;
  Duration talk_time{};
  int skill_score = 0;  // sum of the agent's levels in the queue's required skills
};

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::uint64_t Next() = 0;
};

// Whether a given call may go to an agent (skills after relaxation, declined before, ...).
class AgentFilter {
 public:
  virtual ~AgentFilter() = default;
  virtual bool Accepts(AgentIndex agent) const = 0;
};

// Per-queue memory a strategy may keep between decisions.
struct QueueMemory {
  std::optional<AgentIndex> last_offered;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view Name() const = 0;
  // The key of an idle agent; called once when the agent becomes idle for this queue.
  virtual IdleKey Key(const AgentFacts& facts, RandomSource& random) const = 0;
  // Appends the agent(s) to offer the call to; none when no idle agent is accepted.
  // Default: the first accepted agent in key order.
  virtual void Pick(const IdleIndex& idle, const AgentFilter& filter, QueueMemory& memory,
                    RandomSource& random, std::vector<AgentIndex>& chosen) const;
};

using StrategyPtr = std::unique_ptr<Strategy>;

// Milliseconds since the clock's epoch, the unit of time-based keys.
inline std::int64_t KeyMillis(TimePoint at) { return at.time_since_epoch().count(); }

}  // namespace hotline::acd
