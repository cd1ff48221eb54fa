// acd_route: latency of one routing decision in a large center: 10,000 agents, 100 skills
// (one queue per skill, each agent has 5 random skills at levels 1-10), 1,000 waiting calls.
//  1. "agent frees up": all agents busy, 1,000 calls waiting; a call ends and the Acd picks
//     the best waiting call over the agent's queues (CallEnded -> Offer).
//  2. "call arrives": half the agents idle; Enqueue -> Offer from the queue's idle index.
// Prints p50/p99/max per scenario and strategy (goal: p99 < 10 us).
//   acd_route [--strategy longest_idle]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "acd/acd.h"

namespace {

using hotline::Result;
using hotline::TimePoint;
using namespace hotline::acd;
using Clock = std::chrono::steady_clock;

constexpr int kAgents = 10'000;
constexpr int kSkills = 100;
constexpr int kWaiting = 1'000;
constexpr int kSamples = 20'000;

void Report(const char* scenario, const std::string& strategy, std::vector<double>& ns) {
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return ns[static_cast<std::size_t>(q * (ns.size() - 1))] / 1000.0; };
  std::printf("%-22s %-16s n=%zu  p50 %6.2f us  p99 %6.2f us  max %7.2f us\n", scenario,
              strategy.c_str(), ns.size(), at(0.5), at(0.99), ns.back() / 1000.0);
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "failed: %s\n", what);
    std::exit(1);
  }
}

std::string FirstOffered(const Actions& actions) {
  for (const Action& action : actions) {
    if (const Offer* offer = std::get_if<Offer>(&action)) return offer->agents[0];
  }
  return "";
}

struct Center {
  Acd acd;
  std::mt19937_64 rng{7};
  TimePoint now{};
  long next_call = 0;
  std::deque<std::pair<std::string, std::string>> connected;  // (call, agent)

  explicit Center(const std::string& strategy) {
    for (int s = 0; s < kSkills; ++s) {
      QueueConfig queue;
      queue.id = "q" + std::to_string(s);
      queue.strategy = strategy;
      queue.required_skills = {{"s" + std::to_string(s), 1}};
      queue.max_queue_length = 100'000;
      Check(acd.AddQueue(queue).ok(), "queue");
    }
    for (int a = 0; a < kAgents; ++a) {
      AgentConfig agent{"a" + std::to_string(a), {}};
      while (agent.skills.size() < 5) {
        const std::string skill = "s" + std::to_string(rng() % kSkills);
        bool have = false;
        for (const SkillLevel& s : agent.skills) have |= s.skill == skill;
        if (!have) agent.skills.push_back({skill, 1 + static_cast<int>(rng() % 10)});
      }
      Check(acd.AddAgent(agent).ok(), "agent");
      Check(acd.AgentLogin(agent.id, now).ok(), "login");
    }
  }
  Actions Enqueue() {
    Tick();
    const std::string id = "c" + std::to_string(next_call++);
    const std::string queue = "q" + std::to_string(rng() % kSkills);
    Result<Enqueued> r = acd.Enqueue({id, "tel" + id, queue, 0, false, {}}, now);
    Check(r.ok(), "enqueue");
    return r->actions;
  }
  void AnswerAll(const Actions& actions) {
    for (const Action& action : actions) {
      if (const Offer* offer = std::get_if<Offer>(&action)) {
        Check(acd.AgentAnswered(offer->call, offer->agents[0], now).ok(), "answer");
        connected.emplace_back(offer->call, offer->agents[0]);
      }
    }
  }
  void Tick() { now += std::chrono::milliseconds(10); }
};

void AgentFreesUp(const std::string& strategy) {
  Center center(strategy);
  // Every agent busy, then 1,000 calls waiting.
  for (int a = 0; a < kAgents; ++a) {
    center.AnswerAll(center.acd.AgentReady("a" + std::to_string(a), center.now).value());
    for (int i = 0; i < 3; ++i) center.AnswerAll(center.Enqueue());
  }
  while (static_cast<int>(center.connected.size()) < kAgents) center.AnswerAll(center.Enqueue());
  for (int i = 0; i < kWaiting; ++i) center.AnswerAll(center.Enqueue());  // all wait
  std::vector<double> ns;
  for (int i = 0; i < kSamples; ++i) {
    center.Tick();
    const std::size_t pick = center.rng() % center.connected.size();
    std::swap(center.connected[pick], center.connected.back());
    const auto [call, agent] = center.connected.back();
    center.connected.pop_back();
    const auto start = Clock::now();
    Result<Actions> r = center.acd.CallEnded(call, center.now);  // routing happens in here
    const auto stop = Clock::now();
    Check(r.ok(), "end");
    ns.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
    center.AnswerAll(*r);
    // Keep the backlog at about 1,000 calls.
    if (!FirstOffered(*r).empty()) center.AnswerAll(center.Enqueue());
  }
  Report("agent frees up", strategy, ns);
}

void CallArrives(const std::string& strategy) {
  Center center(strategy);
  for (int a = 0; a < kAgents; ++a) {
    Check(center.acd.AgentReady("a" + std::to_string(a), center.now).ok(), "ready");
  }
  // Half the agents busy.
  while (static_cast<int>(center.connected.size()) < kAgents / 2) {
    center.AnswerAll(center.Enqueue());
  }
  std::vector<double> ns;
  for (int i = 0; i < kSamples; ++i) {
    center.Tick();
    const std::string id = "c" + std::to_string(center.next_call++);
    const std::string queue = "q" + std::to_string(center.rng() % kSkills);
    const auto start = Clock::now();
    Result<Enqueued> r = center.acd.Enqueue({id, "tel" + id, queue, 0, false, {}}, center.now);
    const auto stop = Clock::now();
    Check(r.ok(), "enqueue");
    ns.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
    center.AnswerAll(r->actions);
    if (r->actions.empty()) Check(center.acd.Abandon(id, center.now).ok(), "abandon");
    // End the oldest call to keep about half the agents busy.
    const auto [call, agent] = center.connected.front();
    center.connected.pop_front();
    center.AnswerAll(center.acd.CallEnded(call, center.now).value());
  }
  Report("call arrives", strategy, ns);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> strategies = {"longest_idle", "best_skill", "round_robin",
                                         "fewest_calls"};
  if (argc == 3 && std::string(argv[1]) == "--strategy") strategies = {argv[2]};
  std::printf("%d agents, %d skills/queues, 5 skills per agent, %d calls waiting (scenario 1)\n",
              kAgents, kSkills, kWaiting);
  for (const std::string& strategy : strategies) {
    AgentFreesUp(strategy);
    CallArrives(strategy);
  }
  return 0;
}
