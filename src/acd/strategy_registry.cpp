#include "acd/strategy_registry.h"

#include "acd/strategies/builtin.h"

namespace hotline::acd {

StrategyRegistry StrategyRegistry::WithBuiltins() {
  StrategyRegistry registry;
  const std::pair<const char*, StrategyFactory> builtins[] = {
      {"longest_idle", MakeLongestIdle},
      {"round_robin", MakeRoundRobin},
      {"fewest_calls", MakeFewestCalls},
      {"least_talk_time", MakeLeastTalkTime},
      {"ring_all", MakeRingAll},
      {"best_skill", MakeBestSkill},
      {"random", MakeRandom},
  };
  for (const auto& [name, factory] : builtins) {
    Status added = registry.Register(name, factory);
    assert(added.ok());
    (void)added;
  }
  return registry;
}

Status StrategyRegistry::Register(std::string name, StrategyFactory factory) {
  if (name.empty() || !factory) return Error{"strategy needs a name and a factory"};
  if (factories_.count(name)) return Error{"strategy '" + name + "' is already registered"};
  factories_.emplace(std::move(name), std::move(factory));
  return Status::Ok();
}

Result<StrategyPtr> StrategyRegistry::Create(std::string_view name) const {
  auto found = factories_.find(name);
  if (found == factories_.end()) {
    std::string known;
    for (const auto& [known_name, factory] : factories_) {
      known += (known.empty() ? "" : ", ") + known_name;
    }
    return Error{"unknown strategy '" + std::string(name) + "' (known: " + known + ")"};
  }
  return found->second();
}

std::vector<std::string> StrategyRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

}  // namespace hotline::acd
