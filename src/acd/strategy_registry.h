// acd/strategy_registry.h: strategies by name. Builtins: longest_idle, round_robin,
// fewest_calls, least_talk_time, ring_all, best_skill, random. An adapter may register more
// before creating the Acd. Registration is explicit (not static initialisers, which a static
// library's linker would drop).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "acd/strategy.h"
#include "common/result.h"

namespace hotline::acd {

using StrategyFactory = std::function<StrategyPtr()>;

class StrategyRegistry {
 public:
  // A registry holding the builtin strategies.
  static StrategyRegistry WithBuiltins();

  // Fails when `name` is empty or already registered.
  Status Register(std::string name, StrategyFactory factory);
  // A new instance of strategy `name`, or an error naming the known strategies.
  Result<StrategyPtr> Create(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, StrategyFactory, std::less<>> factories_;
};

}  // namespace hotline::acd
