// ivr/session.h: the IVR interpreter: one Session per call, walking one flow. Pure and
// deterministic: it performs no I/O and reads time only from the injected Clock, so the same
// flow, call, clock and events always give the same actions. Owned by the call's control
// loop thread; not thread-safe.
//
// Contract with the adapter (call layer):
//   - Call Start() once, then report events; perform the returned actions in order.
//   - Play: queue it; report OnPlayDone(token) when it finished. After StopPlay, do not
//     report the stopped plays (late reports are ignored anyway).
//   - StartTimer: call OnTimer(token) after the delay, or call Tick() whenever convenient
//     (it fires every timer due by clock.Now()). CancelTimer: forget the timer.
//   - Lookup: answer with OnLookupResult(token, {found, fields}).
//   - Queue with returns=true: the caller is with the ACD; report OnQueueEnded(outcome).
//   - Hangup, Transfer, Voicemail and non-returning Queue are terminal: ended() is then true
//     and every later event returns nothing.
//   - Events for tokens that are no longer current (a timer of a node already left) are
//     ignored, so races between the adapter and the session are harmless.
//   - RecordEvent lines, in order, are the IVR path for the call record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ivr/action.h"
#include "ivr/context.h"
#include "ivr/flow.h"

namespace hotline::ivr {

class Session {
 public:
  // `clock` must outlive the session.
  Session(FlowPtr flow, CallContext call, const Clock& clock);

  // Enters the start node. REQUIRES: called once, before any other event.
  std::vector<Action> Start();
  // A DTMF key: 0-9, *, #. Other characters are ignored.
  std::vector<Action> OnDigit(char digit);
  std::vector<Action> OnPlayDone(Token token);
  std::vector<Action> OnTimer(Token token);
  // Fires, in deadline order, every timer due by clock.Now().
  std::vector<Action> Tick();
  // The earliest pending timer deadline, if any.
  std::optional<TimePoint> NextDeadline() const;
  std::vector<Action> OnLookupResult(Token token, const LookupResult& result);
  std::vector<Action> OnQueueEnded(QueueOutcome outcome);
  // The caller is gone: the session ends without a terminal action.
  std::vector<Action> OnCallerHangup();

  bool started() const { return current_ != nullptr || ctx_.ended_; }
  bool ended() const { return ctx_.ended_; }
  // "normal", "loop_guard", "queue", "transfer", "caller_hung_up"...; "" while running.
  const std::string& end_reason() const { return ctx_.end_reason_; }
  // Id of the node the session is at ("" before Start).
  std::string current_node() const { return current_ ? current_->id() : ""; }
  std::optional<std::string> variable(const std::string& name) const { return ctx_.Get(name); }
  const std::string& language() const { return ctx_.language(); }
  std::map<std::string, std::string> public_variables() const { return ctx_.PublicVariables(); }
  const Flow& flow() const { return *flow_; }

 private:
  // Follows transitions requested by the current node until one waits for an event.
  void Run();
  void Leave();
  std::vector<Action> Take();
  bool Active() const { return current_ != nullptr && !ctx_.ended_; }

  FlowPtr flow_;
  const Clock& clock_;
  Context ctx_;
  const Node* current_ = nullptr;
  int steps_ = 0;
  int steps_without_input_ = 0;
};

}  // namespace hotline::ivr
