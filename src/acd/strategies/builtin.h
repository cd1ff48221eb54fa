// acd/strategies/builtin.h: factories of the builtin strategies, one per file.
#pragma once

#include "acd/strategy.h"

namespace hotline::acd {

StrategyPtr MakeLongestIdle();    // longest_idle: earliest idle_since first
StrategyPtr MakeRoundRobin();     // round_robin: next agent after the last one offered
StrategyPtr MakeFewestCalls();    // fewest_calls: fewest calls handled since login
StrategyPtr MakeLeastTalkTime();  // least_talk_time: least talk time since login
StrategyPtr MakeRingAll();        // ring_all: every eligible idle agent; first to answer wins
StrategyPtr MakeBestSkill();      // best_skill: highest skill score, then longest idle
StrategyPtr MakeRandom();         // random: uniform among eligible idle agents (seeded)

}  // namespace hotline::acd
