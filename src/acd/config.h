// acd/config.h: what the adapter tells the ACD about queues, agents and calls.
//
// The rules of a queue, in the order they are applied:
//  1. A call may enter only while fewer than `max_queue_length` calls wait (else Reject).
//  2. Waiting calls are ordered VIP first, then higher `priority`, then first come first served.
//     A call that was offered and came back (no answer, reject) keeps its original place.
//  3. An agent is eligible when it has every required skill (queue's and the call's extra ones)
//     at or above the minimum level, minus the call's current relaxation.
//  4. Sticky routing: within `sticky_window` after an agent served this caller number, that
//     agent gets the call if eligible and ready; if it is busy the call may wait `sticky_wait`
//     for it before normal routing.
//  5. Overflow rules fire in order of `after` (time since the call entered the queue).
//  6. After `max_wait` the call leaves: to voicemail or to `max_wait_target` queue.
//  7. An offer unanswered for `ring_timeout` goes back to its place; the agent goes not_ready
//     with reason "no_answer". After a call, the agent is in after_call_work for `wrap_up`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "acd/types.h"
#include "common/clock.h"

namespace hotline::acd {

struct OverflowRule {
  enum class Kind : std::uint8_t {
    kRelaxLevel,      // lower every minimum level of the call by `relax_by`
    kAddQueueAgents,  // also offer to agents eligible for queue `target`
    kMoveToQueue,     // the call leaves: Overflow action to queue `target`
    kVoicemail,       // the call leaves: ToVoicemail action
  };
  Duration after{};
  Kind kind = Kind::kRelaxLevel;
  int relax_by = 1;
  QueueId target;
};

struct QueueConfig {
  QueueId id;
  std::vector<SkillRequirement> required_skills;
  std::string strategy = "longest_idle";  // a name known to the StrategyRegistry
  std::size_t max_queue_length = 1000;
  std::optional<Duration> max_wait;  // nullopt: wait forever
  QueueId max_wait_target;           // empty: voicemail
  Duration ring_timeout = std::chrono::seconds(20);
  Duration wrap_up = std::chrono::seconds(0);
  Duration sticky_window = Duration::zero();  // zero: no last-agent routing
  Duration sticky_wait = Duration::zero();    // zero: do not wait for a busy last agent
  std::vector<OverflowRule> overflow;
  // Initial average handle time (talk + wrap-up) for expected-wait estimates, before any
  // call of this queue has been measured.
  Duration initial_handle_time = std::chrono::seconds(180);
};

struct AgentConfig {
  AgentId id;
  std::vector<SkillLevel> skills;
};

struct CallInfo {
  CallId id;
  std::string caller_number;
  QueueId queue;
  int priority = 0;  // higher first; set by IVR or customer data
  bool vip = false;  // a VIP goes before every non-VIP, whatever the priority
  // Per-call requirements on top of the queue's, e.g. {"lang:zh", 1}.
  std::vector<SkillRequirement> extra_skills;
};

struct AcdConfig {
  // Seed of the random strategy. Or inject `random` (returns uniform 64-bit values).
  std::uint64_t random_seed = 1;
  std::function<std::uint64_t()> random;
  // Weight of the newest sample in the per-queue average handle time (EWMA).
  double handle_time_smoothing = 0.05;
};

}  // namespace hotline::acd
