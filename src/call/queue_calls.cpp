// call/queue_calls.cpp: CallController's side of the ACD. A call the IVR hands to a queue
// waits on music on hold with position announcements; the ACD core decides which agent gets
// it; this file performs the core's decisions on real legs: rings the agent's phones, bridges
// the answer (recorded), reports no-answers and refusals, returns the caller to the IVR
// (survey, voicemail) when the agent hangs up or no agent can take the call, and dials
// callbacks: first the reserved agent, then the customer. Same class and thread as
// call_controller.cpp; the ACD core is pure, its clock is the controller's.
#include <algorithm>
#include <set>
#include <variant>

#include "call/call_controller.h"
#include "call/play_tokens.h"
#include "call/queue_announcement.h"
#include "call/sdp_negotiation.h"
#include "common/log.h"

namespace hotline::call {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

bool IsRefusal(int status) { return status == 486 || status == 600 || status == 603; }

}  // namespace

const QueueSettings* CallController::QueueSettingsFor(const std::string& name) const {
  for (const auto& queue : live_queues_) {
    if (queue.name == name) return &queue;
  }
  return nullptr;
}

Call* CallController::FindByAcdId(const std::string& acd_id) {
  auto it = call_by_acd_id_.find(acd_id);
  if (it == call_by_acd_id_.end()) return nullptr;
  auto call = calls_.find(it->second);
  return call == calls_.end() ? nullptr : call->second.get();
}

std::string CallController::CallLanguage(const Call& call) const {
  if (call.ivr) return call.ivr->language();
  return call.language;
}

// ---- Entering a queue -----------------------------------------------------------------------

void CallController::EnterQueue(Call& call, const ivr::Queue& request) {
  const QueueSettings* settings = QueueSettingsFor(request.queue);
  call.queue.queue = request.queue;
  call.queue.returns = request.returns;
  if (settings == nullptr) {
    HLOG_ERROR("call {}: the IVR asks for queue '{}', which is not configured", call.id,
               request.queue);
    FinishQueue(call, /*to_voicemail=*/false);
    return;
  }
  TimePoint now = clock_.Now();
  records_.SetQueued(call.id, request.queue, clock_.WallNow());
  if (settings->leave_when_empty) {
    auto stats = acd_.Stats(request.queue, now);
    if (stats.ok() && stats->staffed == 0) {
      HLOG_INFO("call {}: queue {} has no agent logged in", call.id, request.queue);
      FinishQueue(call, /*to_voicemail=*/true);
      return;
    }
  }
  acd::CallInfo info;
  info.id = call.id;
  info.caller_number = call.from_number;
  info.queue = request.queue;
  info.priority = request.priority;
  info.vip = request.vip;
  if (settings->match_language) info.extra_skills.push_back({"lang:" + CallLanguage(call), 1});
  auto entered = acd_.Enqueue(info, now);
  if (!entered.ok()) {
    HLOG_ERROR("call {}: queue {}: {}", call.id, request.queue, entered.error().message);
    FinishQueue(call, /*to_voicemail=*/false);
    return;
  }
  call.app = CallApp::kQueue;
  call.queue.acd_id = call.id;
  call.queue.phase = QueuePhase::kWaiting;
  call.queue.queued_at = now;
  call.queue.callback_possible = settings->offer_callback && CanCallBack(call);
  call_by_acd_id_[call.id] = call.id;
  HLOG_INFO("call {}: queued in {} (priority {}{}), position {}", call.id, request.queue,
            request.priority, request.vip ? ", VIP" : "", entered->position);
  media_.Play(call.caller_media, hold_music_, /*loop=*/true);
  std::string id = call.id;
  PublishQueueChanged(request.queue);
  PerformAcd(std::move(entered->actions));
  Call* still = FindByAcdId(id);
  if (still != nullptr && still->queue.phase == QueuePhase::kWaiting &&
      still->queue.agent_by_branch.empty() && settings->announce_every_s > 0) {
    Announce(*still);
  }
}

// A caller reachable again later: a user (authenticated, or calling from its registered
// phone), or a caller behind a trusted trunk.
bool CallController::CanCallBack(const Call& call) const {
  if (call.from_number.empty()) return false;
  return !call.caller_user.empty() || !call.reachable_user.empty() || !call.trunk_uri_host.empty();
}

// The queue cannot (or can no longer) take the call: back to the IVR if it continues after the
// queue, else the queue's mailbox or hang up.
void CallController::FinishQueue(Call& call, bool to_voicemail) {
  StopQueueMedia(call);
  if (!call.queue.acd_id.empty()) call_by_acd_id_.erase(call.queue.acd_id);
  call.queue.phase = QueuePhase::kNone;
  PublishQueueChanged(call.queue.queue);
  if (call.queue.returns && call.ivr) {
    call.app = CallApp::kIvr;
    call.ivr->OnQueueEnded(ivr::QueueOutcome::kNoAgent);
    return;
  }
  const QueueSettings* settings = QueueSettingsFor(call.queue.queue);
  if (to_voicemail && settings != nullptr) {
    StartVoicemail(call, settings->voicemail.empty() ? settings->name : settings->voicemail);
    return;
  }
  EndCall(call, "answered", "no_agents", "system", 0);
}

void CallController::StopQueueMedia(Call& call) {
  if (call.queue.announce_timer != 0) stack_.CancelTimer(call.queue.announce_timer);
  call.queue.announce_timer = 0;
  call.queue.announcing = false;
  if (call.caller_media != 0) media_.StopPlay(call.caller_media);
}

// ---- Announcements --------------------------------------------------------------------------

void CallController::Announce(Call& call) {
  call.queue.announce_timer = 0;
  const QueueSettings* settings = QueueSettingsFor(call.queue.queue);
  if (settings == nullptr || settings->announce_every_s <= 0) return;
  ScheduleAnnouncement(call, std::chrono::seconds(settings->announce_every_s));
  if (call.queue.phase != QueuePhase::kWaiting || !call.queue.agent_by_branch.empty()) return;
  auto stats = acd_.Stats(call.queue.queue, clock_.Now());
  if (!stats.ok()) return;
  for (const auto& waiting : stats->calls) {
    if (waiting.call != call.queue.acd_id) continue;
    std::string language = CallLanguage(call);
    std::string text = QueueAnnouncement(language, waiting.position, waiting.expected_wait,
                                         call.queue.callback_possible);
    auto spoken = tts_.Speak(language, text);
    if (!spoken) {
      HLOG_WARN("call {}: announcement TTS failed: {}", call.id, spoken.error().message);
      return;
    }
    HLOG_INFO("call {}: announcing position {} in {}", call.id, waiting.position, call.queue.queue);
    call.queue.announcing = true;
    media_.Play(call.caller_media, *spoken, /*loop=*/false, kAnnouncementToken);
    return;
  }
}

void CallController::ScheduleAnnouncement(Call& call, Duration after) {
  std::string id = call.id;
  call.queue.announce_timer = stack_.SetTimer(after, [this, id] {
    auto it = calls_.find(id);
    if (it == calls_.end() || it->second->state != CallState::kAnswered) return;
    it->second->queue.announce_timer = 0;
    if (it->second->queue.phase == QueuePhase::kWaiting) Announce(*it->second);
  });
}

void CallController::OnAnnouncementDone(Call& call) {
  if (!call.queue.announcing) return;
  call.queue.announcing = false;
  if (call.queue.phase == QueuePhase::kWaiting) {
    media_.Play(call.caller_media, hold_music_, /*loop=*/true);
  }
}

// ---- Performing the ACD's decisions ---------------------------------------------------------

void CallController::PerformAcd(Result<acd::Actions> result, const std::string& what) {
  if (!result.ok()) {
    HLOG_WARN("ACD refused {}: {}", what, result.error().message);
    return;
  }
  PerformAcd(std::move(result).value());
}

void CallController::PerformAcd(acd::Actions actions) {
  for (auto& action : actions) {
    std::visit(Overloaded{
                   [this](const acd::Offer& offer) { OfferToAgents(offer); },
                   [this](const acd::CancelOffer& cancel) {
                     if (Call* call = FindByAcdId(cancel.call)) {
                       HLOG_INFO("call {}: stop ringing agent {} ({})", call->id, cancel.agent,
                                 cancel.reason);
                       StopRingingAgent(*call, cancel.agent);
                       PublishCallEnded(*call, cancel.agent, cancel.reason);
                     }
                   },
                   [this](const acd::Callback& callback) { StartCallback(callback); },
                   [this](const acd::Overflow& overflow) { MoveToQueue(overflow); },
                   [this](const acd::ToVoicemail& voicemail) {
                     if (Call* call = FindByAcdId(voicemail.call)) {
                       HLOG_INFO("call {}: leaves {} for voicemail ({})", call->id, voicemail.queue,
                                 voicemail.reason);
                       FinishQueue(*call, /*to_voicemail=*/true);
                     }
                   },
                   [this](const acd::Reject& reject) {
                     if (Call* call = FindByAcdId(reject.call)) {
                       HLOG_INFO("call {}: refused by {} ({})", call->id, reject.queue,
                                 reject.reason);
                       FinishQueue(*call, /*to_voicemail=*/true);
                     }
                   },
                   [this](const acd::AgentStateChanged& change) { OnAgentStateChanged(change); },
               },
               action);
  }
  ArmAcdTick();
}

void CallController::OnAgentStateChanged(const acd::AgentStateChanged& change) {
  HLOG_INFO("agent {}: {} -> {}{}", change.agent, acd::ToString(change.from),
            acd::ToString(change.to), change.reason.empty() ? "" : " (" + change.reason + ")");
  store::AgentStateChange row;
  row.agent = change.agent;
  row.from_state = std::string(acd::ToString(change.from));
  row.to_state = std::string(acd::ToString(change.to));
  row.reason = change.reason;
  row.at = clock_.WallNow();
  records_.AppendAgentEvent(row);
  agent_since_ms_[change.agent] =
      std::chrono::duration_cast<std::chrono::milliseconds>(row.at.time_since_epoch()).count();
  CtiEvent event;
  event.type = "agent.state";
  event.agent = change.agent;
  event.state = row.to_state;
  event.previous_state = row.from_state;
  event.reason = change.reason;
  Publish(std::move(event));
  if (change.to == acd::AgentState::kAfterCallWork) {
    auto last = last_call_of_agent_.find(change.agent);
    if (last != last_call_of_agent_.end()) {
      wrap_ups_[change.agent] = {last->second, clock_.Now()};
    }
  } else if (change.from == acd::AgentState::kAfterCallWork) {
    auto wrap = wrap_ups_.find(change.agent);
    if (wrap != wrap_ups_.end()) {
      auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - wrap->second.since);
      records_.SetWrapup(wrap->second.call_id, ms.count());
      wrap_ups_.erase(wrap);
    }
  }
}

// Ticks the ACD at its next deadline (ring timeouts, overflow rules, wrap-up ends...).
void CallController::ArmAcdTick() {
  auto next = acd_.NextDeadline();
  if (!next) return;
  if (acd_timer_ != 0 && acd_timer_due_ <= *next) return;
  if (acd_timer_ != 0) stack_.CancelTimer(acd_timer_);
  acd_timer_due_ = *next;
  Duration delay = std::max(Duration::zero(), *next - clock_.Now());
  acd_timer_ = stack_.SetTimer(delay + std::chrono::milliseconds(1), [this] {
    acd_timer_ = 0;
    PerformAcd(acd_.Tick(clock_.Now()));
  });
}

// ---- Ringing agents -------------------------------------------------------------------------

void CallController::OfferToAgents(const acd::Offer& offer) {
  Call* call = FindByAcdId(offer.call);
  if (call == nullptr) {
    PerformAcd(acd_.Abandon(offer.call, clock_.Now()), "abandon of a vanished call");
    return;
  }
  std::string acd_id = offer.call;
  for (const auto& agent : offer.agents) {
    Call* live = FindByAcdId(acd_id);  // a refusal below may have moved the call on
    if (live == nullptr) return;
    RingAgent(*live, agent);
  }
}

// Rings every registered phone of `agent`. An agent whose phone is not registered counts as
// not answering; one already on another call refuses this one.
void CallController::RingAgent(Call& call, const std::string& agent) {
  std::string acd_id = call.queue.acd_id;
  auto contacts = stack_.Contacts(agent);
  if (contacts.empty() || busy_users_.count(agent) != 0) {
    HLOG_INFO("call {}: agent {} {}", call.id, agent,
              contacts.empty() ? "has no registered phone" : "is on another call");
    TimePoint now = clock_.Now();
    if (call.queue.phase == QueuePhase::kCallbackAgent) {
      // This call exists only to ring the agent: it ends; the callback keeps its place.
      call.queue.phase = QueuePhase::kNone;
      call_by_acd_id_.erase(acd_id);
      EndCall(call, "no_answer", "agent_unreachable", "callee", 0);
    }
    PerformAcd(contacts.empty() ? acd_.AgentNoAnswer(acd_id, agent, now)
                                : acd_.AgentRejected(acd_id, agent, now),
               "refusal of " + agent);
    return;
  }
  if (call.callee_media == 0) {
    auto session = media_.CreateSession(call.caller_media);
    if (!session) {
      HLOG_ERROR("call {}: no media port for the agent leg", call.id);
      PerformAcd(acd_.AgentRejected(acd_id, agent, clock_.Now()), "refusal of " + agent);
      return;
    }
    call.callee_media = session->id;
    call.callee_local_port = session->local_port;
    call_by_media_[session->id] = call.id;
    if (call.sdp_session_id == 0) call.sdp_session_id = sdp_session_counter_++;
  }
  busy_users_.insert(agent);
  HLOG_INFO("call {}: ringing agent {} ({} phone(s))", call.id, agent, contacts.size());
  call.queue.offered_at = clock_.WallNow();
  RingAgentPhones(call, agent, /*auto_answer=*/false);
  Publish(CallEvent("call.offered", call, agent));
}

// Rings every registered phone of the agent for the call (its agent leg's media).
void CallController::RingAgentPhones(Call& call, const std::string& agent, bool auto_answer) {
  LocalEndpoint local{config_.listen, call.callee_local_port, call.sdp_session_id,
                      call.sdp_version};
  std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
  bool callback = call.queue.phase == QueuePhase::kCallbackAgent;
  std::string display = callback ? "Callback " + call.to_number : call.from_display;
  std::string from = callback ? call.to_number : call.from_number;
  for (const auto& contact : stack_.Contacts(agent)) {
    sip::LegId leg = RingLeg(call, contact, from, display, agent, offer, auto_answer);
    call.queue.agent_by_branch[leg] = agent;
  }
}

void CallController::PublishCallEnded(const Call& call, const std::string& agent,
                                      const std::string& reason) {
  CtiEvent event = CallEvent("call.ended", call, agent);
  event.reason = reason;
  Publish(std::move(event));
}

void CallController::StopRingingAgent(Call& call, const std::string& agent) {
  auto& branches = call.queue.agent_by_branch;
  for (auto it = branches.begin(); it != branches.end();) {
    if (it->second == agent) {
      stack_.Hangup(it->first);
      it = branches.erase(it);
    } else {
      ++it;
    }
  }
  if (call.callee_user != agent) busy_users_.erase(agent);
}

bool CallController::QueueInviteResponse(Call& call, sip::LegId leg, int status,
                                         const std::string& sdp) {
  auto agent_it = call.queue.agent_by_branch.find(leg);
  if (agent_it != call.queue.agent_by_branch.end()) {
    if (status < 200) return true;  // the caller keeps hearing music, not ringback
    std::string agent = agent_it->second;
    if (status < 300) {
      OnAgentAnswered(call, leg, agent, sdp);
    } else {
      OnAgentPhoneFailed(call, leg, agent, status);
    }
    return true;
  }
  if (call.queue.phase == QueuePhase::kCallbackDialling &&
      std::find(call.branches.begin(), call.branches.end(), leg) != call.branches.end()) {
    if (status < 200) return true;
    if (status < 300) {
      OnCustomerAnswered(call, leg, sdp);
    } else {
      auto& branches = call.branches;
      branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
      if (branches.empty()) CustomerUnreachable(call, "sip_" + std::to_string(status));
    }
    return true;
  }
  return false;
}

void CallController::OnAgentPhoneFailed(Call& call, sip::LegId leg, const std::string& agent,
                                        int status) {
  call.queue.agent_by_branch.erase(leg);
  for (const auto& [other, who] : call.queue.agent_by_branch) {
    if (who == agent) return;  // another phone of the agent still rings
  }
  busy_users_.erase(agent);
  HLOG_INFO("call {}: agent {} {} ({})", call.id, agent,
            IsRefusal(status) ? "declined" : "did not answer", status);
  PublishCallEnded(call, agent, IsRefusal(status) ? "declined" : "no_answer");
  TimePoint now = clock_.Now();
  std::string acd_id = call.queue.acd_id;
  if (call.queue.phase == QueuePhase::kCallbackAgent) {
    // The callback goes back to its place; this call (of the callback) is over.
    call.queue.phase = QueuePhase::kNone;
    call_by_acd_id_.erase(acd_id);
    EndCall(call, "no_answer", "agent_no_answer", "callee", 0);
  }
  PerformAcd(IsRefusal(status) ? acd_.AgentRejected(acd_id, agent, now)
                               : acd_.AgentNoAnswer(acd_id, agent, now),
             "refusal of " + agent);
}

void CallController::OnAgentAnswered(Call& call, sip::LegId leg, const std::string& agent,
                                     const std::string& sdp) {
  call.queue.agent_by_branch.erase(leg);
  auto remote = AcceptAnswer(sdp);
  if (!remote) {
    HLOG_WARN("call {}: agent {}'s answer refused: {}", call.id, agent, remote.error().message);
    stack_.Hangup(leg);
    OnAgentPhoneFailed(call, leg, agent, 488);
    return;
  }
  bool callback = call.queue.phase == QueuePhase::kCallbackAgent;
  if (!callback) {
    auto answered = acd_.AgentAnswered(call.queue.acd_id, agent, clock_.Now());
    if (!answered.ok()) {  // e.g. the ring timed out a moment before
      HLOG_INFO("call {}: agent {} answered too late: {}", call.id, agent,
                answered.error().message);
      stack_.Hangup(leg);
      return;
    }
    StopRingingAgent(call, agent);  // the agent's other phones
    busy_users_.insert(agent);
    PerformAcd(std::move(answered).value());
  } else {
    StopRingingAgent(call, agent);
    busy_users_.insert(agent);
  }
  call.callee_leg = leg;
  call.callee_user = agent;
  call.queue.agent = agent;
  media_.SetRemote(call.callee_media, *remote);
  last_call_of_agent_[agent] = call.id;
  if (callback) {
    call.queue.phase = QueuePhase::kCallbackDialling;
    DialCallbackCustomer(call);
    return;
  }
  ConnectAgent(call);
}

// Bridges caller and agent, recorded, and completes the call record's queue figures.
void CallController::ConnectAgent(Call& call) {
  StopQueueMedia(call);
  call.queue.phase = QueuePhase::kConnected;
  call.answered_at = clock_.Now();
  call.recording_path = StartRecordingFile(call);
  media_.Bridge(call.caller_media, call.callee_media, call.recording_path);
  records_.SetAgentAnswer(call.id, call.queue.agent, call.queue.offered_at, clock_.WallNow());
  HLOG_INFO("call {}: agent {} connected ({})", call.id, call.queue.agent, call.queue.queue);
  Publish(CallEvent("call.answered", call, call.queue.agent));
  PublishQueueChanged(call.queue.queue);
}

// The agent hung up a connected call: the agent goes to wrap-up; the caller goes back to the
// IVR (survey) if the flow continues, else the call ends.
void CallController::OnAgentHungUp(Call& call) {
  HLOG_INFO("call {}: agent {} hung up", call.id, call.queue.agent);
  DropListeners(call);
  PublishCallEnded(call, call.queue.agent, "agent_hung_up");
  std::string acd_id = call.queue.acd_id;
  call.queue.phase = QueuePhase::kNone;
  call_by_acd_id_.erase(acd_id);
  PerformAcd(acd_.CallEnded(acd_id, clock_.Now()), "end of call " + call.id);
  if (!call.queue.returns || !call.ivr) {
    EndCall(call, "answered", "normal_clearing", "callee", 0);
    return;
  }
  media_.Unbridge(call.caller_media, call.callee_media);  // closes the recording
  media_.Destroy(call.callee_media);
  call_by_media_.erase(call.callee_media);
  call.callee_media = 0;
  busy_users_.erase(call.callee_user);
  call.callee_user.clear();
  call.app = CallApp::kIvr;
  call.ivr->OnQueueEnded(ivr::QueueOutcome::kAgentHungUp);
}

// Called by EndCall: takes the call out of the ACD (abandoned while waiting, or ended while
// connected) and stops ringing its agents.
void CallController::LeaveQueue(Call& call) {
  if (call.queue.phase == QueuePhase::kNone) return;
  StopQueueMedia(call);
  QueuePhase phase = call.queue.phase;
  std::string acd_id = call.queue.acd_id;
  call.queue.phase = QueuePhase::kNone;
  call_by_acd_id_.erase(acd_id);
  std::set<std::string> rung;
  for (const auto& [leg, agent] : call.queue.agent_by_branch) {
    stack_.Hangup(leg);
    if (agent != call.callee_user) busy_users_.erase(agent);
    rung.insert(agent);
  }
  for (const auto& agent : rung) PublishCallEnded(call, agent, "abandoned");
  call.queue.agent_by_branch.clear();
  TimePoint now = clock_.Now();
  PublishQueueChanged(call.queue.queue);
  if (phase == QueuePhase::kConnected) {
    PublishCallEnded(call, call.queue.agent, call.hangup_side + "_hung_up");
    PerformAcd(acd_.CallEnded(acd_id, now), "end of call " + call.id);
    return;
  }
  if (phase == QueuePhase::kWaiting) {
    if (call.hangup_side == "caller") {
      call.disposition = "abandoned";
      records_.SetAbandoned(call.id, clock_.WallNow());
      HLOG_INFO("call {}: caller abandoned queue {}", call.id, call.queue.queue);
    }
  } else if (pending_callbacks_.erase(acd_id) > 0) {  // a callback that could not be completed
    records_.DeleteCallback(acd_id);
  }
  PerformAcd(acd_.Abandon(acd_id, now), "abandon of " + call.id);
}

void CallController::MoveToQueue(const acd::Overflow& overflow) {
  Call* call = FindByAcdId(overflow.call);
  if (call == nullptr) return;
  HLOG_INFO("call {}: overflows from {} to {}", call->id, overflow.from, overflow.to);
  acd::CallInfo info;
  info.id = overflow.call;
  info.caller_number = call->from_number;
  info.queue = overflow.to;
  const QueueSettings* settings = QueueSettingsFor(overflow.to);
  if (settings != nullptr && settings->match_language) {
    info.extra_skills.push_back({"lang:" + CallLanguage(*call), 1});
  }
  call->queue.queue = overflow.to;
  records_.SetQueued(call->id, overflow.to, clock_.WallNow());
  auto entered = acd_.Enqueue(info, clock_.Now());
  if (!entered.ok()) {
    HLOG_ERROR("call {}: overflow to {}: {}", call->id, overflow.to, entered.error().message);
    FinishQueue(*call, /*to_voicemail=*/true);
    return;
  }
  PerformAcd(std::move(entered->actions));
}

// ---- Callbacks ------------------------------------------------------------------------------

void CallController::OnQueueDigit(Call& call, char digit) {
  if (call.queue.phase != QueuePhase::kWaiting || digit != kCallbackKey ||
      !call.queue.callback_possible || !call.queue.agent_by_branch.empty()) {
    return;
  }
  auto requested = acd_.RequestCallback(call.queue.acd_id, clock_.Now());
  if (!requested.ok()) {
    HLOG_WARN("call {}: callback refused: {}", call.id, requested.error().message);
    return;
  }
  PendingCallback pending;
  pending.number = call.from_number;
  pending.user = call.caller_user.empty() ? call.reachable_user : call.caller_user;
  pending.trunk_uri_host = call.trunk_uri_host;
  pending.language = CallLanguage(call);
  pending.queue = call.queue.queue;
  pending.original_call = call.id;
  pending.queued_at = clock_.WallNow();
  pending_callbacks_[call.queue.acd_id] = pending;
  records_.SaveCallback(ToWaitingCallback(call.queue.acd_id, pending));
  HLOG_INFO("call {}: caller {} asked to be called back from {}", call.id, call.from_number,
            call.queue.queue);
  // The ACD keeps the place; this call only says goodbye.
  StopQueueMedia(call);
  call_by_acd_id_.erase(call.queue.acd_id);
  call.queue.phase = QueuePhase::kNone;
  call.disposition = "callback_requested";
  call.hangup_cause = "callback_requested";
  call.hangup_side = "caller";
  PerformAcd(std::move(requested).value());
  PublishQueueChanged(call.queue.queue);
  auto spoken = tts_.Speak(pending.language, CallbackConfirmation(pending.language));
  if (!spoken) {
    EndCall(call, "answered", "callback_requested", "caller", 0);
    return;
  }
  media_.Play(call.caller_media, *spoken, /*loop=*/false, kGoodbyeToken);
}

store::WaitingCallback CallController::ToWaitingCallback(const std::string& acd_id,
                                                         const PendingCallback& pending) {
  store::WaitingCallback out;
  out.acd_id = acd_id;
  out.number = pending.number;
  out.sip_user = pending.user;
  out.trunk_uri_host = pending.trunk_uri_host;
  out.language = pending.language;
  out.queue = pending.queue;
  out.original_call = pending.original_call;
  out.queued_ms = store::EpochMs(pending.queued_at);
  return out;
}

// After a restart: the callbacks that were waiting go back to their queues, oldest first, and
// keep their place ahead of new callers. A queue that no longer exists drops its callbacks.
void CallController::RestoreCallbacks(const std::vector<store::WaitingCallback>& waiting) {
  for (const store::WaitingCallback& saved : waiting) {
    if (pending_callbacks_.count(saved.acd_id) != 0) continue;
    acd::CallInfo info;
    info.id = saved.acd_id;
    info.caller_number = saved.number;
    info.queue = saved.queue;
    TimePoint now = clock_.Now();
    auto entered = acd_.Enqueue(info, now);
    auto requested = entered.ok() ? acd_.RequestCallback(saved.acd_id, now)
                                  : Result<acd::Actions>(Error{entered.error().message});
    if (!requested.ok()) {
      HLOG_WARN("callback of {} in {} dropped: {}", saved.number, saved.queue,
                requested.error().message);
      if (entered.ok()) PerformAcd(acd_.Abandon(saved.acd_id, now), "dropped callback");
      records_.DeleteCallback(saved.acd_id);
      continue;
    }
    PendingCallback pending;
    pending.number = saved.number;
    pending.user = saved.sip_user;
    pending.trunk_uri_host = saved.trunk_uri_host;
    pending.language = saved.language.empty() ? "en" : saved.language;
    pending.queue = saved.queue;
    pending.original_call = saved.original_call;
    pending.queued_at = WallTime(std::chrono::milliseconds(saved.queued_ms));
    pending_callbacks_[saved.acd_id] = pending;
    HLOG_INFO("callback of {} (call {}) waits in {} again", saved.number, saved.original_call,
              saved.queue);
    PerformAcd(std::move(entered->actions));
    PerformAcd(std::move(requested).value());
    PublishQueueChanged(saved.queue);
  }
}

// The callback's turn came: a new call rings the reserved agent; when the agent answers, the
// customer is dialled.
void CallController::StartCallback(const acd::Callback& callback) {
  auto pending = pending_callbacks_.find(callback.call);
  if (pending == pending_callbacks_.end()) {
    PerformAcd(acd_.Abandon(callback.call, clock_.Now()), "abandon of an unknown callback");
    return;
  }
  auto owned = std::make_unique<Call>();
  Call& call = *owned;
  call.id = NewCallId();
  call.app = CallApp::kQueue;
  call.state = CallState::kAnswered;  // no caller leg to answer; media and legs are ours
  call.from_number = callback.agent;
  call.to_number = pending->second.number;
  call.language = pending->second.language;
  call.queue.queue = callback.queue;
  call.queue.acd_id = callback.call;
  call.queue.phase = QueuePhase::kCallbackAgent;
  calls_[call.id] = std::move(owned);
  call_by_acd_id_[callback.call] = call.id;
  ArmMaxDuration(call);

  store::CallStart start;
  start.call_id = call.id;
  start.from_number = callback.agent;
  start.to_number = call.to_number;
  start.direction = "outbound";
  start.start_time = clock_.WallNow();
  records_.OpenCall(start);
  records_.SetQueued(call.id, callback.queue, pending->second.queued_at);
  HLOG_INFO("call {}: callback of {} (call {}) by agent {}", call.id, call.to_number,
            pending->second.original_call, callback.agent);
  RingAgent(call, callback.agent);
  // RingAgent may have ended the call (agent unreachable): nothing else to do then.
}

void CallController::DialCallbackCustomer(Call& call) {
  auto pending = pending_callbacks_.find(call.queue.acd_id);
  if (pending == pending_callbacks_.end()) {
    CustomerUnreachable(call, "callback_lost");
    return;
  }
  const PendingCallback& target = pending->second;
  std::vector<sip::ContactTarget> contacts;
  if (!target.user.empty()) {
    contacts = stack_.Contacts(target.user);
  } else if (!target.trunk_uri_host.empty()) {
    contacts.push_back({"sip:" + target.number + "@" + target.trunk_uri_host, {}});
  }
  auto intro = tts_.Speak(target.language, CallbackAgentIntro(target.language, target.number));
  if (intro) media_.Play(call.callee_media, *intro, /*loop=*/false, kCallbackIntroToken);
  if (contacts.empty() || busy_users_.count(target.user) != 0) {
    CustomerUnreachable(call, contacts.empty() ? "not_registered" : "busy");
    return;
  }
  auto session = media_.CreateSession(call.callee_media);
  if (!session) {
    CustomerUnreachable(call, "no_media_port");
    return;
  }
  call.caller_media = session->id;
  call.caller_local_port = session->local_port;
  call_by_media_[session->id] = call.id;
  if (!target.user.empty()) {
    call.caller_user = target.user;
    busy_users_.insert(target.user);
  }
  LocalEndpoint local{config_.listen, call.caller_local_port, call.sdp_session_id,
                      call.sdp_version};
  std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
  for (const auto& contact : contacts) {
    sip::LegId leg = RingLeg(call, contact, call.queue.queue, "", target.number, offer);
    call.branches.push_back(leg);
  }
  std::string id = call.id;
  call.no_answer_timer =
      stack_.SetTimer(std::chrono::seconds(config_.no_answer_timeout_s), [this, id] {
        auto it = calls_.find(id);
        if (it == calls_.end()) return;
        it->second->no_answer_timer = 0;
        if (it->second->queue.phase == QueuePhase::kCallbackDialling) {
          CustomerUnreachable(*it->second, "no_answer_timeout");
        }
      });
}

void CallController::OnCustomerAnswered(Call& call, sip::LegId leg, const std::string& sdp) {
  auto& branches = call.branches;
  branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
  auto remote = AcceptAnswer(sdp);
  if (!remote) {
    stack_.Hangup(leg);
    if (branches.empty()) CustomerUnreachable(call, "bad_answer");
    return;
  }
  for (sip::LegId other : branches) stack_.Hangup(other);
  if (call.no_answer_timer != 0) stack_.CancelTimer(call.no_answer_timer);
  call.no_answer_timer = 0;
  auto answered = acd_.AgentAnswered(call.queue.acd_id, call.queue.agent, clock_.Now());
  if (!answered.ok()) {
    HLOG_WARN("call {}: callback answer refused by the ACD: {}", call.id, answered.error().message);
  }
  call.caller_leg = leg;
  call.caller_answered = true;
  media_.SetRemote(call.caller_media, *remote);
  media_.StopPlay(call.callee_media);
  pending_callbacks_.erase(call.queue.acd_id);
  records_.DeleteCallback(call.queue.acd_id);
  records_.MarkAnswered(call.id, clock_.WallNow(), call.queue.agent);
  call.record_answered = true;
  if (answered.ok()) PerformAcd(std::move(answered).value());
  ConnectAgent(call);
}

void CallController::CustomerUnreachable(Call& call, const std::string& why) {
  HLOG_INFO("call {}: callback customer {} unreachable ({})", call.id, call.to_number, why);
  EndCall(call, "no_answer", "callback_" + why, "callee", 0);  // LeaveQueue abandons it
}

bool CallController::QueueLegTerminated(Call& call, sip::LegId leg) {
  auto agent = call.queue.agent_by_branch.find(leg);
  if (agent != call.queue.agent_by_branch.end()) {
    OnAgentPhoneFailed(call, leg, agent->second, 408);
    return true;
  }
  bool callback = call.queue.phase == QueuePhase::kCallbackAgent ||
                  call.queue.phase == QueuePhase::kCallbackDialling;
  if (!callback) return false;
  auto& branches = call.branches;
  if (std::find(branches.begin(), branches.end(), leg) != branches.end()) {
    branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
    if (branches.empty() && call.queue.phase == QueuePhase::kCallbackDialling) {
      CustomerUnreachable(call, "leg_lost");
    }
    return true;
  }
  if (leg == call.callee_leg) {
    call.callee_leg = 0;
    EndCall(call, "no_answer", "agent_left", "callee", 0);
    return true;
  }
  return true;
}

}  // namespace hotline::call
