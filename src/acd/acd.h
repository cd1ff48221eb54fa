// acd/acd.h: automatic call distribution, the public face of the ACD core.
//
// Acd decides which agent gets which waiting call. It is pure: no I/O, no threads, no
// database; time comes in as `now` on every input, and every decision comes out as Actions
// (offer, cancel, callback, overflow, voicemail, reject, agent state change) that the adapter
// in call/ performs and stores. The same inputs always give the same outputs (the random
// strategy draws from AcdConfig's seed or injected function).
//
// Owner: one control-loop thread; not thread-safe. Call Tick(now) at NextDeadline() (or
// regularly, e.g. every 100 ms): ring timeouts, overflow rules, maximum wait, sticky holds and
// wrap-up ends are evaluated there.
//
// Every enqueued call ends in exactly one outcome: answered (AgentAnswered accepted),
// abandoned (Abandon, or CallEnded before an answer), voicemail (ToVoicemail), overflowed
// (Overflow) or rejected (Reject). Errors (Result) are for inputs that do not fit the state:
// unknown ids, an answer from an agent who was not offered the call, and the like; they leave
// the state unchanged.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acd/actions.h"
#include "acd/config.h"
#include "acd/strategy_registry.h"
#include "acd/types.h"
#include "common/clock.h"
#include "common/result.h"

namespace hotline::acd {

struct Enqueued {
  std::size_t position = 0;  // 1 = next; 0 when the call was offered or rejected at once
  Duration expected_wait{};
  Actions actions;  // an Offer, or a Reject("queue_full"), or nothing (the call waits)
};

struct WaitingCall {
  CallId call;
  std::size_t position = 0;  // 1-based, in routing order
  Duration waited{};
  Duration expected_wait{};
  bool callback = false;
};

// A snapshot for announcements and the wallboard.
struct QueueStats {
  QueueId queue;
  std::size_t waiting = 0;
  std::size_t ringing = 0;  // offered, not yet answered
  Duration longest_wait{};
  std::size_t staffed = 0;  // eligible agents logged in and not in not_ready
  std::size_t idle = 0;     // eligible agents in ready
  Duration average_handle_time{};
  std::vector<WaitingCall> calls;  // in routing order
};

enum class CallPhase { kWaiting, kRinging, kCallbackReserved, kConnected };

struct CallView {
  QueueId queue;
  CallPhase phase = CallPhase::kWaiting;
  std::vector<AgentId> agents;  // ringing, reserved or connected agents
  bool callback = false;
  int relaxed_by = 0;  // skill levels lowered so far by overflow rules
};

struct AgentView {
  AgentState state = AgentState::kLoggedOut;
  std::string reason;  // of not_ready
  std::optional<CallId> call;
  std::uint64_t calls_handled = 0;
  Duration talk_time{};
};

class Acd {
 public:
  explicit Acd(AcdConfig config = {},
               StrategyRegistry strategies = StrategyRegistry::WithBuiltins());
  ~Acd();
  Acd(Acd&&) noexcept;
  Acd& operator=(Acd&&) noexcept;

  // Configuration. Fails on a duplicate or empty id, an unknown strategy, or an
  // kAddQueueAgents overflow rule whose target queue was not added before.
  Status AddQueue(QueueConfig queue);
  Status AddAgent(AgentConfig agent);

  // Live reconfiguration (an administrator edits queues and skills while calls run).
  // UpdateQueue replaces the settings of the existing queue `queue.id`, with AddQueue's checks
  // plus: an add_queue rule may not target the queue itself nor form a cycle of add_queue
  // rules. Nothing is lost: waiting calls keep their place and are judged by the new rules as
  // if those had applied since they entered (relaxation and borrowed queues are recomputed;
  // overflow rules and max_wait already due apply now, so a call may leave at once); ringing,
  // reserved and connected calls keep their agent (a new ring_timeout applies to the next
  // offer, a new wrap_up to the next call that ends). Agents are matched again against the
  // new required skills, and the result carries the offers to ready agents who now qualify.
  Result<Actions> UpdateQueue(QueueConfig queue, TimePoint now);
  // Removes a queue. Refused (state unchanged) while any call is in it (waiting, ringing,
  // reserved or connected) or borrows its agents, or while another queue's overflow rule or
  // max_wait_target names it. The id may be added again later.
  Status RemoveQueue(const QueueId& queue);
  // Replaces an agent's skills (levels >= 0). The agent's current offer or call is kept; from
  // now on it is matched with its new skills, and if it is ready it may get a waiting call at
  // once (returned as an Offer or Callback).
  Result<Actions> SetAgentSkills(const AgentId& agent, std::vector<SkillLevel> skills,
                                 TimePoint now);
  bool HasQueue(const QueueId& queue) const;

  // A new call enters its queue. Fails on an unknown queue or a call id already active.
  Result<Enqueued> Enqueue(const CallInfo& call, TimePoint now);

  // Agent inputs. Login: logged_out -> not_ready("login"). Ready: from not_ready or
  // after_call_work. NotReady: from ready, not_ready or after_call_work. Logout: from any
  // state but on_call; a ringing or reserved call goes back to its place in the queue.
  Result<Actions> AgentLogin(const AgentId& agent, TimePoint now);
  Result<Actions> AgentReady(const AgentId& agent, TimePoint now);
  Result<Actions> AgentNotReady(const AgentId& agent, const std::string& reason, TimePoint now);
  Result<Actions> AgentLogout(const AgentId& agent, TimePoint now);

  // Offer outcomes. REQUIRES (else an error): `call` is ringing at (or reserved for) `agent`.
  // Answered: the call is connected, other ring_all agents are cancelled. Rejected: the agent
  // goes back to ready and is not offered this call again. NoAnswer: the agent goes not_ready
  // ("no_answer"). After the last refusal the call returns to its place in the queue.
  Result<Actions> AgentAnswered(const CallId& call, const AgentId& agent, TimePoint now);
  Result<Actions> AgentRejected(const CallId& call, const AgentId& agent, TimePoint now);
  Result<Actions> AgentNoAnswer(const CallId& call, const AgentId& agent, TimePoint now);

  // The connected call ended: its agent goes to after_call_work (queue's wrap_up) or ready.
  // On a call not yet answered it is the same as Abandon.
  Result<Actions> CallEnded(const CallId& call, TimePoint now);
  // The caller left (or a callback could not reach them) before being connected.
  Result<Actions> Abandon(const CallId& call, TimePoint now);
  // A waiting call becomes a callback that keeps its place; its turn yields a Callback
  // action instead of an Offer. Callbacks are exempt from max_wait and from overflow rules
  // that move the call (there is no caller on the line to move).
  Result<Actions> RequestCallback(const CallId& call, TimePoint now);

  // Applies everything due at or before `now`.
  Actions Tick(TimePoint now);
  // The earliest time at which Tick has something to do, if any.
  std::optional<TimePoint> NextDeadline() const;

  Result<QueueStats> Stats(const QueueId& queue, TimePoint now) const;
  Result<AgentView> Agent(const AgentId& agent) const;
  Result<CallView> Call(const CallId& call) const;

 private:
  class Core;
  std::unique_ptr<Core> core_;
};

}  // namespace hotline::acd
