// Property tests: a seeded random driver performs thousands of operations on an Acd and checks
// invariants after each one. A failure prints the seed and step to replay.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;
using std::chrono::seconds;

enum class Outcome { kNone, kAnswered, kAbandoned, kVoicemail, kOverflowed, kRejected };

struct Model {
  std::map<CallId, std::vector<Outcome>> outcomes;  // every enqueued call
  std::map<CallId, std::set<AgentId>> offered;      // live offers
  std::set<CallId> connected;
  std::map<AgentId, AgentState> states;
  std::map<CallId, std::tuple<int, int, std::uint64_t>> keys;  // (vip, priority, arrival)
  std::uint64_t arrivals = 0;
};

class Driver {
 public:
  Driver(Acd& acd, Model& model, std::uint64_t seed) : acd_(acd), model_(model), rng_(seed) {}

  void Absorb(const Actions& actions) {
    for (const Action& action : actions) {
      if (auto* offer = std::get_if<Offer>(&action)) {
        EXPECT_FALSE(model_.offered.count(offer->call)) << "offered twice: " << offer->call;
        model_.offered[offer->call].insert(offer->agents.begin(), offer->agents.end());
        last_offers_.push_back(*offer);
      } else if (auto* callback = std::get_if<Callback>(&action)) {
        model_.offered[callback->call].insert(callback->agent);
        last_offers_.push_back(Offer{callback->call, callback->queue, {callback->agent}});
      } else if (auto* cancel = std::get_if<CancelOffer>(&action)) {
        model_.offered[cancel->call].erase(cancel->agent);
        if (model_.offered[cancel->call].empty()) model_.offered.erase(cancel->call);
      } else if (auto* overflow = std::get_if<Overflow>(&action)) {
        End(overflow->call, Outcome::kOverflowed);
      } else if (auto* voicemail = std::get_if<ToVoicemail>(&action)) {
        End(voicemail->call, Outcome::kVoicemail);
      } else if (auto* reject = std::get_if<Reject>(&action)) {
        End(reject->call, Outcome::kRejected);
      } else if (auto* state = std::get_if<AgentStateChanged>(&action)) {
        EXPECT_EQ(model_.states[state->agent], state->from) << state->agent;
        model_.states[state->agent] = state->to;
      }
    }
  }

  void End(const CallId& call, Outcome outcome) {
    model_.outcomes[call].push_back(outcome);
    model_.offered.erase(call);
  }

  std::mt19937_64& rng() { return rng_; }
  int Uniform(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  std::vector<Offer> TakeOffers() { return std::exchange(last_offers_, {}); }

 private:
  Acd& acd_;
  Model& model_;
  std::mt19937_64 rng_;
  std::vector<Offer> last_offers_;
};

// Checks the invariants that hold in any configuration.
void CheckInvariants(const Acd& acd, const Model& model, const std::vector<AgentId>& agents) {
  // An agent never holds two calls.
  std::map<AgentId, int> holding;
  for (const auto& [call, outcomes] : model.outcomes) {
    ASSERT_LE(outcomes.size(), 1u) << "call " << call << " ended twice";
    Result<CallView> view = acd.Call(call);
    const bool finished = !outcomes.empty() && outcomes[0] != Outcome::kAnswered;
    if (finished || (!outcomes.empty() && !model.connected.count(call))) {
      ASSERT_FALSE(view.ok()) << "finished call " << call << " still in the ACD";
      continue;
    }
    ASSERT_TRUE(view.ok()) << "call " << call << " lost";
    for (const AgentId& agent : view->agents) ++holding[agent];
    if (view->phase == CallPhase::kConnected) {
      ASSERT_EQ(outcomes.size(), 1u);
    } else {
      ASSERT_TRUE(outcomes.empty());
    }
  }
  for (const AgentId& agent : agents) {
    ASSERT_LE(holding[agent], 1) << agent << " holds two calls";
    AgentView view = Must(acd.Agent(agent));
    const bool busy = view.state == AgentState::kRinging || view.state == AgentState::kOnCall ||
                      view.state == AgentState::kReserved;
    ASSERT_EQ(busy, view.call.has_value()) << agent;
    ASSERT_EQ(holding[agent], busy ? 1 : 0) << agent;
    ASSERT_EQ(model.states.count(agent) ? model.states.at(agent) : AgentState::kLoggedOut,
              view.state)
        << agent;
  }
}

// Waiting order inside each queue: VIP first, then priority, then arrival.
void CheckOrder(const Acd& acd, const Model& model, const std::vector<QueueId>& queues,
                TimePoint now) {
  for (const QueueId& queue : queues) {
    QueueStats stats = Must(acd.Stats(queue, now));
    for (std::size_t i = 1; i < stats.calls.size(); ++i) {
      auto [vip_a, prio_a, seq_a] = model.keys.at(stats.calls[i - 1].call);
      auto [vip_b, prio_b, seq_b] = model.keys.at(stats.calls[i].call);
      ASSERT_TRUE(std::make_tuple(-vip_a, -prio_a, seq_a) < std::make_tuple(-vip_b, -prio_b, seq_b))
          << queue << ": " << stats.calls[i - 1].call << " before " << stats.calls[i].call;
    }
  }
}

// One random step: picks an operation, applies it, feeds the model.
void Step(Acd& acd, Model& model, Driver& driver, const std::vector<AgentId>& agents,
          const std::vector<QueueId>& queues, double& now_s, bool allow_reject) {
  const TimePoint now = At(now_s);
  const int op = driver.Uniform(100);
  const AgentId& agent = agents[driver.Uniform(static_cast<int>(agents.size()))];
  auto pick_call = [&](auto predicate) -> std::optional<CallId> {
    std::vector<CallId> found;
    for (const auto& [call, outcomes] : model.outcomes) {
      if (predicate(call, outcomes)) found.push_back(call);
    }
    if (found.empty()) return std::nullopt;
    return found[driver.Uniform(static_cast<int>(found.size()))];
  };
  if (op < 25) {
    CallInfo info;
    info.id = "c" + std::to_string(model.arrivals);
    info.queue = queues[driver.Uniform(static_cast<int>(queues.size()))];
    info.priority = driver.Uniform(3);
    info.vip = driver.Uniform(10) == 0;
    info.caller_number = "tel" + std::to_string(driver.Uniform(20));
    if (driver.Uniform(8) == 0) info.extra_skills = {{"lang:zh", 1}};
    model.keys[info.id] = {info.vip, info.priority, model.arrivals++};
    model.outcomes[info.id];
    Result<Enqueued> enqueued = acd.Enqueue(info, now);
    ASSERT_TRUE(enqueued.ok()) << enqueued.error().message;
    driver.Absorb(enqueued->actions);
  } else if (op < 35) {
    Result<Actions> r = driver.Uniform(2) ? acd.AgentLogin(agent, now) : acd.AgentReady(agent, now);
    if (r.ok()) driver.Absorb(*r);
  } else if (op < 38) {
    Result<Actions> r = acd.AgentNotReady(agent, "break", now);
    if (r.ok()) driver.Absorb(*r);
  } else if (op < 40) {
    Result<Actions> r = acd.AgentLogout(agent, now);
    if (r.ok()) driver.Absorb(*r);
  } else if (op < 62) {  // an offered agent answers, rejects or does not answer
    if (model.offered.empty()) return;
    auto it = model.offered.begin();
    std::advance(it, driver.Uniform(static_cast<int>(model.offered.size())));
    const CallId call = it->first;
    const AgentId chosen = *it->second.begin();
    const int choice = driver.Uniform(10);
    if (choice < 7 || (!allow_reject && choice < 9)) {
      driver.Absorb(Must(acd.AgentAnswered(call, chosen, now)));
      model.offered.erase(call);
      model.connected.insert(call);
      driver.End(call, Outcome::kAnswered);
    } else if (choice < 9) {
      driver.Absorb(Must(acd.AgentRejected(call, chosen, now)));
    } else {
      driver.Absorb(Must(acd.AgentNoAnswer(call, chosen, now)));
    }
    if (model.offered.count(call) && model.offered[call].count(chosen)) {
      model.offered[call].erase(chosen);
      if (model.offered[call].empty()) model.offered.erase(call);
    }
  } else if (op < 75) {  // a connected call ends
    std::optional<CallId> call = pick_call(
        [&](const CallId& id, const std::vector<Outcome>&) { return model.connected.count(id); });
    if (!call) return;
    model.connected.erase(*call);
    driver.Absorb(Must(acd.CallEnded(*call, now)));
  } else if (op < 82) {  // a caller hangs up before being connected
    std::optional<CallId> call = pick_call(
        [](const CallId&, const std::vector<Outcome>& outcomes) { return outcomes.empty(); });
    if (!call) return;
    driver.Absorb(Must(acd.Abandon(*call, now)));
    driver.End(*call, Outcome::kAbandoned);
  } else if (op < 85) {
    std::optional<CallId> call = pick_call(
        [](const CallId&, const std::vector<Outcome>& outcomes) { return outcomes.empty(); });
    if (!call) return;
    Result<Actions> r = acd.RequestCallback(*call, now);
    if (r.ok()) driver.Absorb(*r);
  } else {
    now_s += driver.Uniform(4000) / 100.0;
    driver.Absorb(acd.Tick(At(now_s)));
  }
}

TEST(AcdProperty, MixedConfigurationKeepsEveryInvariant) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    AcdConfig config;
    config.random_seed = seed;
    Acd acd(config);
    QueueConfig support = SimpleQueue("support", "best_skill", "support", 2);
    support.overflow = {{seconds(20), OverflowRule::Kind::kRelaxLevel, 1, ""}};
    support.wrap_up = seconds(5);
    MustOk(acd.AddQueue(support));
    QueueConfig sales = SimpleQueue("sales", "ring_all", "sales", 1);
    sales.overflow = {{seconds(15), OverflowRule::Kind::kAddQueueAgents, 0, "support"},
                      {seconds(90), OverflowRule::Kind::kMoveToQueue, 0, "night"}};
    sales.max_queue_length = 3;
    MustOk(acd.AddQueue(sales));
    QueueConfig billing = SimpleQueue("billing", "round_robin", "billing", 1);
    billing.max_wait = seconds(60);
    billing.sticky_window = seconds(600);
    billing.sticky_wait = seconds(8);
    billing.ring_timeout = seconds(10);
    MustOk(acd.AddQueue(billing));
    QueueConfig vip = SimpleQueue("vip", "random", "billing", 3);
    vip.overflow = {{seconds(30), OverflowRule::Kind::kVoicemail, 0, ""}};
    MustOk(acd.AddQueue(vip));
    QueueConfig fair = SimpleQueue("fair", "fewest_calls", "sales", 2);
    fair.sticky_window = seconds(300);
    MustOk(acd.AddQueue(fair));
    QueueConfig talk = SimpleQueue("talk", "least_talk_time", "support", 1);
    talk.max_wait = seconds(45);
    talk.max_wait_target = "support_backup";
    MustOk(acd.AddQueue(talk));
    const std::vector<QueueId> queues = {"support", "sales", "billing", "vip", "fair", "talk"};
    std::vector<AgentId> agents;
    Model model;
    Driver driver(acd, model, seed);
    const char* skills[] = {"support", "sales", "billing", "lang:zh"};
    for (int i = 0; i < 12; ++i) {
      AgentConfig agent{"a" + std::to_string(i), {}};
      for (const char* skill : skills) {
        if (driver.Uniform(2)) agent.skills.push_back({skill, 1 + driver.Uniform(5)});
      }
      MustOk(acd.AddAgent(agent));
      agents.push_back(agent.id);
    }
    double now_s = 0;
    for (int step = 0; step < 3000; ++step) {
      SCOPED_TRACE("step " + std::to_string(step));
      Step(acd, model, driver, agents, queues, now_s, /*allow_reject=*/true);
      ASSERT_NO_FATAL_FAILURE(CheckInvariants(acd, model, agents));
      ASSERT_NO_FATAL_FAILURE(CheckOrder(acd, model, queues, At(now_s)));
      if (::testing::Test::HasFailure()) return;
    }
    std::map<Outcome, int> ends;
    for (const auto& [call, outcomes] : model.outcomes) {
      if (!outcomes.empty()) ++ends[outcomes[0]];
    }
    // The driver must actually exercise every ending.
    for (Outcome outcome : {Outcome::kAnswered, Outcome::kAbandoned, Outcome::kVoicemail,
                            Outcome::kOverflowed, Outcome::kRejected}) {
      EXPECT_GT(ends[outcome], 0) << "outcome " << static_cast<int>(outcome) << " never seen";
    }
  }
}

// One queue, every agent eligible, no rejects: the queue serves strictly in key order (FIFO
// within a priority, VIPs first), never leaves a call waiting next to an idle agent, and under
// best_skill the offered agent has the best level among the ready ones.
TEST(AcdProperty, SingleQueueOrderWorkConservationAndBestSkill) {
  for (std::uint64_t seed = 11; seed <= 16; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Acd acd;
    QueueConfig queue = SimpleQueue("q", "best_skill", "sales", 1);
    queue.wrap_up = seconds(3);
    MustOk(acd.AddQueue(queue));
    Model model;
    Driver driver(acd, model, seed);
    std::vector<AgentId> agents;
    std::map<AgentId, int> level;
    for (int i = 0; i < 8; ++i) {
      const AgentId id = "a" + std::to_string(i);
      level[id] = 1 + driver.Uniform(9);
      MustOk(acd.AddAgent({id, {{"sales", level[id]}, {"lang:zh", 1}}}));
      agents.push_back(id);
    }
    double now_s = 0;
    for (int step = 0; step < 3000; ++step) {
      SCOPED_TRACE("step " + std::to_string(step));
      // Ready agents and the waiting head just before the step.
      std::set<AgentId> ready;
      for (const AgentId& agent : agents) {
        if (StateOf(acd, agent) == AgentState::kReady) ready.insert(agent);
      }
      const QueueStats before = Must(acd.Stats("q", At(now_s)));
      std::vector<WaitingCall> before_calls = before.calls;
      driver.TakeOffers();
      Step(acd, model, driver, agents, {"q"}, now_s, /*allow_reject=*/false);
      ASSERT_NO_FATAL_FAILURE(CheckInvariants(acd, model, agents));
      ASSERT_NO_FATAL_FAILURE(CheckOrder(acd, model, {"q"}, At(now_s)));
      for (const Offer& offer : driver.TakeOffers()) {
        ASSERT_EQ(offer.agents.size(), 1u);
        // Best skill: no agent that was ready before the step beats the chosen one.
        for (const AgentId& other : ready) {
          EXPECT_LE(level[other], level[offer.agents[0]])
              << offer.call << " went to " << offer.agents[0] << " not " << other;
        }
        // Order: an offer of a call that was waiting goes to the head of the queue as it was.
        auto waiting_it = std::find_if(before_calls.begin(), before_calls.end(),
                                       [&](const WaitingCall& w) { return w.call == offer.call; });
        if (waiting_it != before_calls.end()) {
          EXPECT_EQ(offer.call, before_calls.front().call)
              << "overtook the head; agent " << offer.agents[0] << " callback "
              << before_calls.front().callback << " state "
              << ToString(StateOf(acd, offer.agents[0]));
          before_calls.erase(waiting_it);
        }
      }
      const QueueStats after = Must(acd.Stats("q", At(now_s)));
      if (after.waiting > 0) {
        // Idle agents may remain only for calls that need a skill (zh) they all have: none.
        ASSERT_EQ(after.idle, 0u) << "a call waits next to an idle agent";
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace hotline::acd
