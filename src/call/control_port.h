// call/control_port.h: the call center as the API sees it. Snapshots of agents and queues,
// agent commands, and the stream of CTI events (agent state changes, calls offered, answered
// and ended). Implemented by CallController; every method runs on the control thread: other
// threads (the HTTP/WebSocket server) post a task to the control thread that calls these and
// post the result back to their own loop. Subscribers are called on the control thread and
// must only copy the event and post it on.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "media/media_engine.h"

namespace hotline::call {

using SkillList = std::vector<std::pair<std::string, int>>;  // (skill, level)

struct AgentSnapshot {
  std::string id;              // the SIP user number, also the agent's login
  std::string name;            // display name
  std::string state;           // logged_out | ready | not_ready | reserved | ringing | on_call |
                               // after_call_work
  std::string reason;          // of not_ready ("manual", "no_answer", "break"...)
  int64_t state_since_ms = 0;  // epoch ms of the last state change (0: never changed)
  std::string call_id;         // the call (CDR id) the agent is ringing for / on, if any
  SkillList skills;
  uint64_t calls_handled = 0;
  int64_t talk_ms = 0;
  bool registered = false;  // has at least one registered phone
};

struct WaitingCallSnapshot {
  std::string call_id;
  std::string caller;
  std::size_t position = 0;
  int64_t waited_ms = 0;
  int64_t expected_wait_ms = 0;
  bool callback = false;
};

struct QueueSnapshot {
  std::string id;
  std::string strategy;
  SkillList skills;  // required skills and minimum levels
  int ring_timeout_s = 0;
  int wrap_up_s = 0;
  int max_wait_s = 0;
  std::size_t waiting = 0;
  std::size_t ringing = 0;
  std::size_t staffed = 0;  // eligible agents logged in and not not_ready
  std::size_t idle = 0;     // eligible agents ready
  int64_t longest_wait_ms = 0;
  int64_t average_handle_ms = 0;
  std::vector<WaitingCallSnapshot> calls;  // in routing order
};

// One CTI event. `type` says which fields are set:
//   agent.state    agent, state, previous_state, reason
//   call.offered   agent, call_id, queue, caller, caller_name, ivr_path, wait_ms, data
//   call.answered  agent, call_id, queue, caller, wait_ms
//   call.ended     agent, call_id, queue, caller, reason (who hung up / how it ended)
//   call.consult   agent, call_id, queue, caller, target, state (ringing | talking |
//                  conference | ended), reason (of ended: transferred, cancelled, no_answer,
//                  busy, hung_up, failed)
//   queue.changed  queue (waiting count or longest wait changed)
struct CtiEvent {
  std::string type;
  int64_t at_ms = 0;  // epoch ms
  std::string agent;
  std::string state, previous_state, reason;
  std::string call_id, queue, caller, caller_name, ivr_path;
  // Call events: whether `caller` is the caller's verified number (call/caller_identity.h).
  // An unverified caller's customer.* data is a candidate only, without account or balance.
  std::optional<bool> caller_verified;
  std::string target;  // call.consult: the party the agent brought in
  int64_t wait_ms = 0;
  // What the caller entered in the IVR and what the IVR learnt (e.g. account, language,
  // customer.name, customer.vip); masked values (PINs) are never included.
  std::map<std::string, std::string> data;
};

// Commands an agent gives from the desktop. The call ones act on the agent's current call
// (the one it answered or placed): kDtmf sends `argument` digits to the other party, kHold /
// kResume put it on music on hold and back, kTransfer hands it to `argument` (a queue name, an
// extension or an outside number) and drops the agent, kDial rings the agent's phone and then
// calls the number `argument` (click to dial). kAnswer rings the agent's ringing phone again
// asking it to answer by itself (auto-answer headers). kConsult rings `argument` (a user or a
// number) while the other party waits on hold; kConference does the same and joins all three
// as soon as it answers, or joins a consultation in progress; kCompleteTransfer leaves the
// other party with the consulted one; kCancelConsult drops the consulted party and returns.
// kListen (a supervisor's command): `agent` is the agent whose call is listened to, `argument`
// the SIP user whose phone rings and hears it (silent monitor), `requested_by` the supervisor.
// kStopListening: every listen that `requested_by` started ends (the supervisor signed out or
// was removed); `agent` is not used.

struct AgentCommand {
  enum class Kind {
    kLogin,
    kLogout,
    kReady,
    kNotReady,
    kHangup,
    kDtmf,
    kHold,
    kResume,
    kTransfer,
    kDial,
    kAnswer,
    kConsult,
    kConference,
    kCompleteTransfer,
    kCancelConsult,
    kListen,
    kStopListening
  };
  Kind kind = Kind::kReady;
  std::string agent;
  std::string reason;        // kNotReady
  std::string argument;      // kDtmf digits, kTransfer/kConsult/kConference target, kDial number,
                             // kListen phone
  std::string requested_by;  // kListen, kStopListening: the supervisor
};

class ControlPort {
 public:
  virtual ~ControlPort() = default;
  virtual std::vector<AgentSnapshot> Agents() = 0;
  // One agent (nullopt: no such agent); cheaper than Agents() for a single lookup.
  virtual std::optional<AgentSnapshot> Agent(const std::string& id) {
    for (auto& agent : Agents()) {
      if (agent.id == id) return std::move(agent);
    }
    return std::nullopt;
  }
  virtual std::vector<QueueSnapshot> Queues() = 0;
  // Applies a command for an agent; an error says why it cannot be done now.
  virtual Status Command(const AgentCommand& command) = 0;
  // Returns a subscription id; the listener gets every event from now on.
  virtual uint64_t Subscribe(std::function<void(const CtiEvent&)> listener) = 0;
  virtual void Unsubscribe(uint64_t id) = 0;

  // ---- Administration: queues and agents' skills changed live (call/queue_admin.cpp) ----
  // The queues as the ACD runs them now (every setting, in listing order).
  virtual std::vector<QueueSettings> QueueSettingsList() = 0;
  // Adds the queue, or replaces the settings of the queue with that name: checked with
  // common/queue_rules.h against the live queues, then applied to the ACD (waiting calls keep
  // their place, see acd::Acd::UpdateQueue). Error: why it was refused; nothing changed then.
  virtual Status PutQueue(const QueueSettings& queue) = 0;
  // Removes a queue; refused while calls are in it or another queue's rules name it.
  virtual Status DeleteQueue(const std::string& name) = 0;
  // Replaces an agent's skills (skill -> level 0-100); refused for an unknown agent.
  virtual Status SetAgentSkills(const std::string& agent,
                                const std::map<std::string, int>& skills) = 0;

  // ---- Media: received RTP by verdict (dropped foreign sources...), for /metrics ----
  virtual media::MediaCounters MediaStats() { return {}; }
};

}  // namespace hotline::call
