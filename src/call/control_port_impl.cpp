// call/control_port_impl.cpp: CallController as a ControlPort: agent and queue snapshots for
// the API, agent commands from the API, and the CTI events it publishes to subscribers (the
// API thread's WebSocket fan-out). Same class and thread as call_controller.cpp.
#include <chrono>

#include "call/call_controller.h"
#include "common/log.h"

namespace hotline::call {

namespace {

int64_t EpochMs(WallTime at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

int64_t Ms(Duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

SkillList ToSkillList(const std::map<std::string, int>& skills) {
  return SkillList(skills.begin(), skills.end());
}

}  // namespace

std::vector<AgentSnapshot> CallController::Agents() {
  std::vector<AgentSnapshot> out;
  for (const auto& user : config_.users) {
    if (auto snapshot = SnapshotOf(user)) out.push_back(std::move(*snapshot));
  }
  return out;
}

std::optional<AgentSnapshot> CallController::Agent(const std::string& id) {
  for (const auto& user : config_.users) {
    if (user.number == id) return SnapshotOf(user);
  }
  return std::nullopt;
}

std::optional<AgentSnapshot> CallController::SnapshotOf(const SipUser& user) {
  auto view = acd_.Agent(user.number);
  if (!view.ok()) return std::nullopt;
  AgentSnapshot snapshot;
  snapshot.id = user.number;
  snapshot.name = user.display_name;
  snapshot.state = std::string(acd::ToString(view->state));
  snapshot.reason = view->reason;
  auto since = agent_since_ms_.find(user.number);
  if (since != agent_since_ms_.end()) snapshot.state_since_ms = since->second;
  if (view->call) {
    auto call = call_by_acd_id_.find(*view->call);
    snapshot.call_id = call != call_by_acd_id_.end() ? call->second : *view->call;
  }
  auto skills = live_skills_.find(user.number);
  if (skills != live_skills_.end()) snapshot.skills = ToSkillList(skills->second);
  snapshot.calls_handled = view->calls_handled;
  snapshot.talk_ms = Ms(view->talk_time);
  snapshot.registered = !stack_.Contacts(user.number).empty();
  return snapshot;
}

std::vector<QueueSnapshot> CallController::Queues() {
  std::vector<QueueSnapshot> out;
  TimePoint now = clock_.Now();
  for (const auto& settings : live_queues_) {
    auto stats = acd_.Stats(settings.name, now);
    if (!stats.ok()) continue;
    QueueSnapshot queue;
    queue.id = settings.name;
    queue.strategy = settings.strategy;
    queue.skills = ToSkillList(settings.skills);
    queue.ring_timeout_s = settings.ring_timeout_s;
    queue.wrap_up_s = settings.wrap_up_s;
    queue.max_wait_s = settings.max_wait_s;
    queue.waiting = stats->waiting;
    queue.ringing = stats->ringing;
    queue.staffed = stats->staffed;
    queue.idle = stats->idle;
    queue.longest_wait_ms = Ms(stats->longest_wait);
    queue.average_handle_ms = Ms(stats->average_handle_time);
    for (const auto& waiting : stats->calls) {
      WaitingCallSnapshot call;
      Call* live = FindByAcdId(waiting.call);
      call.call_id = live != nullptr ? live->id : waiting.call;
      auto pending = pending_callbacks_.find(waiting.call);
      if (live != nullptr) {
        call.caller = live->from_number;
      } else if (pending != pending_callbacks_.end()) {
        call.caller = pending->second.number;
      }
      call.position = waiting.position;
      call.waited_ms = Ms(waiting.waited);
      call.expected_wait_ms = Ms(waiting.expected_wait);
      call.callback = waiting.callback;
      queue.calls.push_back(std::move(call));
    }
    out.push_back(std::move(queue));
  }
  return out;
}

Status CallController::Command(const AgentCommand& command) {
  if (command.kind == AgentCommand::Kind::kStopListening) {
    StopListening(command.requested_by);
    return Status::Ok();
  }
  TimePoint now = clock_.Now();
  auto view = acd_.Agent(command.agent);
  if (!view.ok()) return Error{"unknown agent " + command.agent};
  Result<acd::Actions> result = acd::Actions{};
  switch (command.kind) {
    case AgentCommand::Kind::kLogin:
      if (view->state != acd::AgentState::kLoggedOut) return Status::Ok();
      result = acd_.AgentLogin(command.agent, now);
      break;
    case AgentCommand::Kind::kLogout:
      if (view->state == acd::AgentState::kLoggedOut) return Status::Ok();
      result = acd_.AgentLogout(command.agent, now);
      break;
    case AgentCommand::Kind::kReady:
      if (view->state == acd::AgentState::kReady) return Status::Ok();
      if (view->state == acd::AgentState::kLoggedOut) {
        auto login = acd_.AgentLogin(command.agent, now);
        if (!login.ok()) return Error{login.error().message};
        PerformAcd(std::move(login).value());
      }
      result = acd_.AgentReady(command.agent, now);
      break;
    case AgentCommand::Kind::kNotReady:
      if (view->state == acd::AgentState::kLoggedOut) {
        auto login = acd_.AgentLogin(command.agent, now);
        if (!login.ok()) return Error{login.error().message};
        PerformAcd(std::move(login).value());
      }
      result = acd_.AgentNotReady(command.agent, command.reason.empty() ? "manual" : command.reason,
                                  now);
      break;
    case AgentCommand::Kind::kHangup:
      return HangUpAgent(command.agent);
    case AgentCommand::Kind::kDtmf:
      return SendAgentDigits(command.agent, command.argument);
    case AgentCommand::Kind::kHold:
      return HoldAgentCall(command.agent, /*hold=*/true);
    case AgentCommand::Kind::kResume:
      return HoldAgentCall(command.agent, /*hold=*/false);
    case AgentCommand::Kind::kTransfer:
      return TransferAgentCall(command.agent, command.argument);
    case AgentCommand::Kind::kDial:
      return DialForAgent(command.agent, command.argument);
    case AgentCommand::Kind::kAnswer:
      return AnswerForAgent(command.agent);
    case AgentCommand::Kind::kConsult:
      return ConsultAgentCall(command.agent, command.argument, /*join_on_answer=*/false);
    case AgentCommand::Kind::kConference:
      return ConferenceAgentCall(command.agent, command.argument);
    case AgentCommand::Kind::kCompleteTransfer:
      return CompleteAgentTransfer(command.agent);
    case AgentCommand::Kind::kCancelConsult:
      return CancelAgentConsult(command.agent);
    case AgentCommand::Kind::kListen:
      return ListenToAgent(command.requested_by, command.agent, command.argument);
    case AgentCommand::Kind::kStopListening:
      break;  // handled above: it names no agent
  }
  if (!result.ok()) return Error{result.error().message};
  PerformAcd(std::move(result).value());
  return Status::Ok();
}

// The agent's side of its current call hangs up, as if the agent hung up the phone.
Status CallController::HangUpAgent(const std::string& agent) {
  for (auto& [id, owned] : calls_) {
    Call& call = *owned;
    if (call.state == CallState::kEnding) continue;
    if (call.third.phase != ThirdPartyPhase::kNone && call.third.agent == agent) {
      // Hanging up from the desktop ends the consultation (the caller comes back); in a
      // conference the agent leaves the other two talking.
      if (call.third.phase == ThirdPartyPhase::kConference) {
        CompleteTransfer(call, /*agent_hung_up=*/false);
      } else {
        EndThirdParty(call, "cancelled", false);
      }
      return Status::Ok();
    }
    if (call.app == CallApp::kQueue && call.queue.agent == agent &&
        call.queue.phase == QueuePhase::kConnected) {
      HLOG_INFO("call {}: agent {} hangs up from the desktop", call.id, agent);
      stack_.Hangup(call.callee_leg);
      OnAgentHungUp(call);
      return Status::Ok();
    }
    if (call.app == CallApp::kUser && (call.callee_user == agent || call.caller_user == agent)) {
      bool callee = call.callee_user == agent;
      EndCall(call, "answered", "normal_clearing", callee ? "callee" : "caller", 0);
      return Status::Ok();
    }
  }
  return Error{"agent " + agent + " has no call to hang up"};
}

uint64_t CallController::Subscribe(std::function<void(const CtiEvent&)> listener) {
  uint64_t id = next_subscription_++;
  subscribers_[id] = std::move(listener);
  return id;
}

void CallController::Unsubscribe(uint64_t id) { subscribers_.erase(id); }

void CallController::Publish(CtiEvent event) {
  if (subscribers_.empty()) return;
  event.at_ms = EpochMs(clock_.WallNow());
  for (const auto& [id, listener] : subscribers_) listener(event);
}

// The call as an offer or answer event for `agent`: who calls, from where in the IVR, what
// they entered.
CtiEvent CallController::CallEvent(const std::string& type, const Call& call,
                                   const std::string& agent) {
  CtiEvent event;
  event.type = type;
  event.agent = agent;
  event.call_id = call.id;
  event.queue = call.queue.queue;
  event.caller = call.app == CallApp::kQueue && call.queue.phase == QueuePhase::kCallbackAgent
                     ? call.to_number
                     : call.from_number;
  event.caller_verified = call.caller_verified;
  if (call.ivr) {
    event.ivr_path = call.ivr->path();
    event.data = call.ivr->variables();
    auto name = event.data.find("customer.name");
    if (name != event.data.end()) event.caller_name = name->second;
  }
  if (event.caller_name.empty()) event.caller_name = call.from_display;
  if (call.queue.queued_at != TimePoint{}) event.wait_ms = Ms(clock_.Now() - call.queue.queued_at);
  return event;
}

void CallController::PublishQueueChanged(const std::string& queue) {
  CtiEvent event;
  event.type = "queue.changed";
  event.queue = queue;
  Publish(std::move(event));
}

}  // namespace hotline::call
