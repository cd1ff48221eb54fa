// Helpers shared by the ACD unit tests: time in seconds, picking actions of one kind, and
// unwrapping Results with a readable failure.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "acd/acd.h"

namespace hotline::acd::testing {

inline TimePoint At(double seconds) {
  return TimePoint{} + Duration(static_cast<Duration::rep>(seconds * 1000));
}

template <typename T>
std::vector<T> All(const Actions& actions) {
  std::vector<T> found;
  for (const Action& action : actions) {
    if (const T* typed = std::get_if<T>(&action)) found.push_back(*typed);
  }
  return found;
}

template <typename T>
T Must(Result<T> result) {
  EXPECT_TRUE(result.ok()) << result.error().message;
  if (!result.ok()) return T{};
  return std::move(result).value();
}

inline void MustOk(const Status& status) { ASSERT_TRUE(status.ok()) << status.message(); }

// The agents of the only Offer in `actions`, or empty.
inline std::vector<AgentId> Offered(const Actions& actions) {
  std::vector<Offer> offers = All<Offer>(actions);
  EXPECT_LE(offers.size(), 1u);
  return offers.empty() ? std::vector<AgentId>{} : offers[0].agents;
}

inline Actions EnqueueCall(Acd& acd, const std::string& call, const std::string& queue, double at_s,
                           int priority = 0, bool vip = false, const std::string& caller = "") {
  CallInfo info;
  info.id = call;
  info.queue = queue;
  info.priority = priority;
  info.vip = vip;
  info.caller_number = caller.empty() ? "caller-" + call : caller;
  return Must(acd.Enqueue(info, At(at_s))).actions;
}

// Adds and logs in an agent, ready at `ready_at_s`; returns the actions of becoming ready.
inline Actions ReadyAgent(Acd& acd, const std::string& agent, std::vector<SkillLevel> skills,
                          double ready_at_s) {
  MustOk(acd.AddAgent({agent, std::move(skills)}));
  Must(acd.AgentLogin(agent, At(ready_at_s)));
  return Must(acd.AgentReady(agent, At(ready_at_s)));
}

inline QueueConfig SimpleQueue(const std::string& id, const std::string& strategy = "longest_idle",
                               const std::string& skill = "sales", int min_level = 1) {
  QueueConfig queue;
  queue.id = id;
  queue.strategy = strategy;
  queue.required_skills = {{skill, min_level}};
  return queue;
}

inline AgentState StateOf(const Acd& acd, const std::string& agent) {
  return Must(acd.Agent(agent)).state;
}

}  // namespace hotline::acd::testing
