// acd_sim: a discrete-event simulation of one single-skill queue driving the real Acd:
// Poisson arrivals, exponential handle times, optional exponential patience (abandonment).
// Prints service level, ASA, abandon rate and occupancy next to Erlang C (no abandonment) or
// Erlang A (with abandonment) predictions for the same inputs. Agents answer at once (no
// ring time) and have no wrap-up, as the formulas assume.
//   acd_sim --agents 50 --erlangs 48 --aht 60 --target 20 --calls 400000 [--patience 120]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "acd/acd.h"
#include "acd/erlang.h"

namespace {

using hotline::Duration;
using hotline::Result;
using hotline::TimePoint;
using namespace hotline::acd;

struct Options {
  int agents = 50;
  double erlangs = 48;
  double aht_s = 60;
  double patience_s = 0;
  double target_s = 20;
  long calls = 400000;
  std::uint64_t seed = 1;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--agents")
      o.agents = std::atoi(value);
    else if (flag == "--erlangs")
      o.erlangs = std::atof(value);
    else if (flag == "--aht")
      o.aht_s = std::atof(value);
    else if (flag == "--patience")
      o.patience_s = std::atof(value);
    else if (flag == "--target")
      o.target_s = std::atof(value);
    else if (flag == "--calls")
      o.calls = std::atol(value);
    else if (flag == "--seed")
      o.seed = std::strtoull(value, nullptr, 10);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

enum class Kind { kArrival, kCallEnd, kPatience };
struct Event {
  TimePoint at;
  Kind kind;
  long call;
  bool operator>(const Event& other) const { return at > other.at; }
};

struct CallStats {
  TimePoint arrived;
  bool answered = false;
  bool abandoned = false;
  bool measured = false;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  std::mt19937_64 rng(o.seed);
  const double arrival_rate = o.erlangs / o.aht_s;
  std::exponential_distribution<double> interarrival(arrival_rate);
  std::exponential_distribution<double> handle(1.0 / o.aht_s);
  std::exponential_distribution<double> patience(o.patience_s > 0 ? 1.0 / o.patience_s : 1.0);
  auto ms = [](double seconds) { return Duration(static_cast<Duration::rep>(seconds * 1000)); };

  Acd acd;
  QueueConfig queue;
  queue.id = "q";
  queue.required_skills = {{"s", 1}};
  queue.max_queue_length = 1'000'000;
  queue.ring_timeout = std::chrono::hours(1);
  if (!acd.AddQueue(queue).ok()) return 1;
  for (int i = 0; i < o.agents; ++i) {
    const std::string id = "a" + std::to_string(i);
    if (!acd.AddAgent({id, {{"s", 1}}}).ok()) return 1;
    (void)acd.AgentLogin(id, TimePoint{});
    (void)acd.AgentReady(id, TimePoint{});
  }

  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  std::vector<CallStats> calls(o.calls);
  std::vector<std::string> agent_of(o.calls);
  const long warmup = o.calls / 20;
  long measured = 0, answered = 0, within = 0, abandoned = 0;
  double wait_sum_s = 0, talk_sum_s = 0;
  TimePoint measure_start{}, last_time{};

  std::function<void(const Actions&, TimePoint)> perform = [&](const Actions& actions,
                                                               TimePoint now) {
    for (const Action& action : actions) {
      const Offer* offer = std::get_if<Offer>(&action);
      if (!offer) continue;
      const long call = std::stol(offer->call);
      Result<Actions> r = acd.AgentAnswered(offer->call, offer->agents[0], now);
      if (!r.ok()) {
        std::fprintf(stderr, "answer failed: %s\n", r.error().message.c_str());
        std::exit(1);
      }
      CallStats& stats = calls[call];
      stats.answered = true;
      agent_of[call] = offer->agents[0];
      const double handle_s = handle(rng);
      events.push({now + ms(handle_s), Kind::kCallEnd, call});
      if (stats.measured) {
        const double wait_s = std::chrono::duration<double>(now - stats.arrived).count();
        ++answered;
        wait_sum_s += wait_s;
        talk_sum_s += handle_s;
        if (wait_s <= o.target_s) ++within;
      }
      perform(*r, now);
    }
  };

  events.push({TimePoint{} + ms(interarrival(rng)), Kind::kArrival, 0});
  long next_call = 0;
  while (!events.empty()) {
    const std::optional<TimePoint> deadline = acd.NextDeadline();
    if (deadline && *deadline <= events.top().at) {
      perform(acd.Tick(*deadline), *deadline);
      continue;
    }
    const Event event = events.top();
    events.pop();
    last_time = event.at;
    const std::string id = std::to_string(event.call);
    switch (event.kind) {
      case Kind::kArrival: {
        CallStats& stats = calls[event.call];
        stats.arrived = event.at;
        stats.measured = event.call >= warmup;
        if (event.call == warmup) measure_start = event.at;
        if (stats.measured) ++measured;
        if (o.patience_s > 0)
          events.push({event.at + ms(patience(rng)), Kind::kPatience, event.call});
        Result<Enqueued> r = acd.Enqueue({id, "", "q", 0, false, {}}, event.at);
        if (!r.ok()) return 1;
        perform(r->actions, event.at);
        if (++next_call < o.calls) {
          events.push({event.at + ms(interarrival(rng)), Kind::kArrival, next_call});
        }
        break;
      }
      case Kind::kCallEnd: {
        Result<Actions> r = acd.CallEnded(id, event.at);
        if (!r.ok()) return 1;
        perform(*r, event.at);
        break;
      }
      case Kind::kPatience: {
        CallStats& stats = calls[event.call];
        if (stats.answered) break;
        stats.abandoned = true;
        if (stats.measured) ++abandoned;
        Result<Actions> r = acd.Abandon(id, event.at);
        if (!r.ok()) return 1;
        perform(*r, event.at);
        break;
      }
    }
  }

  const double span_s = std::chrono::duration<double>(last_time - measure_start).count();
  ErlangInputs in{arrival_rate, o.aht_s, o.agents, o.patience_s, o.target_s};
  const ErlangPrediction predicted = o.patience_s > 0 ? PredictErlangA(in) : PredictErlangC(in);
  std::printf(
      "inputs: %d agents, %.1f Erlangs offered, AHT %.0f s, patience %s, T = %.0f s, "
      "%ld calls (%ld measured after warm-up), seed %llu\n",
      o.agents, o.erlangs, o.aht_s,
      o.patience_s > 0 ? (std::to_string(static_cast<int>(o.patience_s)) + " s").c_str() : "none",
      o.target_s, o.calls, measured, static_cast<unsigned long long>(o.seed));
  std::printf("%-34s %10s %10s\n", "", "simulated", o.patience_s > 0 ? "Erlang A" : "Erlang C");
  std::printf("%-34s %9.1f%% %9.1f%%\n", "service level (answered within T)",
              100.0 * within / measured, 100.0 * predicted.service_level);
  std::printf("%-34s %9.1fs %9.1fs\n", "average speed of answer", wait_sum_s / answered,
              predicted.asa_s);
  std::printf("%-34s %9.2f%% %9.2f%%\n", "abandon rate", 100.0 * abandoned / measured,
              100.0 * predicted.p_abandon);
  std::printf("%-34s %9.1f%% %9.1f%%\n", "occupancy", 100.0 * talk_sum_s / (o.agents * span_s),
              100.0 * predicted.occupancy);
  return 0;
}
