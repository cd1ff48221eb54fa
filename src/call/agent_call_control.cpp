// call/agent_call_control.cpp: what an agent does to its call from the desktop (API commands):
// send DTMF to the other party, hold and resume (music on hold; the recording continues in a
// new file after the hold), blind transfer to a queue, an extension or an outside number (the
// caller's IVR data goes with it: the next agent's offer carries it), and click to dial (the
// agent's phone rings first, then the number is called). Same class and thread as
// call_controller.cpp.
#include <algorithm>

#include "call/call_controller.h"
#include "call/dial_string.h"
#include "call/sdp_negotiation.h"
#include "common/log.h"

namespace hotline::call {

// The answered call in which `agent` talks: as the queue's agent, or as either side of a call
// between users. *agent_is_callee says whether the agent is the called side.
Call* CallController::AgentCall(const std::string& agent, bool* agent_is_callee) {
  for (auto& [id, owned] : calls_) {
    Call& call = *owned;
    if (call.state != CallState::kAnswered) continue;
    if (call.app == CallApp::kQueue && call.queue.phase == QueuePhase::kConnected &&
        call.queue.agent == agent) {
      *agent_is_callee = true;
      return &call;
    }
    if (call.app == CallApp::kUser && call.callee_leg != 0 &&
        (call.callee_user == agent || call.caller_user == agent)) {
      *agent_is_callee = call.callee_user == agent;
      return &call;
    }
  }
  return nullptr;
}

Status CallController::SendAgentDigits(const std::string& agent, const std::string& digits) {
  if (!ValidDigits(digits, 32, false)) return Error{"digits must be 1-32 of 0-9 * # A-D"};
  bool callee = false;
  Call* call = AgentCall(agent, &callee);
  if (call == nullptr) return Error{"agent " + agent + " is not on a call"};
  HLOG_INFO("call {}: agent {} sends DTMF {}", call->id, agent, digits);
  if (call->third.phase == ThirdPartyPhase::kConsulting) {
    media_.SendDtmf(call->third.media, digits);  // the consulted party's menu, say
    return Status::Ok();
  }
  media_.SendDtmf(callee ? call->caller_media : call->callee_media, digits);
  return Status::Ok();
}

Status CallController::HoldAgentCall(const std::string& agent, bool hold) {
  bool callee = false;
  Call* call = AgentCall(agent, &callee);
  if (call == nullptr) return Error{"agent " + agent + " is not on a call"};
  if (call->third.phase != ThirdPartyPhase::kNone) {
    return Error{"finish the consultation or conference first"};
  }
  if (hold == call->held_by_agent) return Status::Ok();
  media::SessionId other = callee ? call->caller_media : call->callee_media;
  if (hold) {
    HLOG_INFO("call {}: agent {} puts the call on hold", call->id, agent);
    media_.Unbridge(call->caller_media, call->callee_media);  // closes this recording file
    media_.Play(other, hold_music_, /*loop=*/true);
    call->held_by_agent = true;
    if (!call->on_hold) {
      call->on_hold = true;
      call->hold_started = clock_.Now();
    }
    return Status::Ok();
  }
  HLOG_INFO("call {}: agent {} resumes the call", call->id, agent);
  media_.StopPlay(other);
  call->held_by_agent = false;
  EndHold(*call);
  media_.Bridge(call->caller_media, call->callee_media, StartRecordingFile(*call));
  return Status::Ok();
}

// Blind transfer: the agent (the called side) leaves; the caller goes to the target.
Status CallController::TransferAgentCall(const std::string& agent, const std::string& target) {
  bool callee = false;
  Call* found = AgentCall(agent, &callee);
  if (found == nullptr) return Error{"agent " + agent + " is not on a call"};
  if (!callee) return Error{"only the called side can transfer this call"};
  if (target.empty() || target == agent) return Error{"transfer needs another target"};
  Call& call = *found;
  if (call.third.phase != ThirdPartyPhase::kNone) {
    return Error{"a consultation is in progress: complete or cancel it"};
  }
  bool to_queue = QueueSettingsFor(target) != nullptr;
  bool to_user = !to_queue && stack_.IsKnownUser(target);
  if (to_user && (busy_users_.count(target) != 0 || stack_.Contacts(target).empty())) {
    return Error{"user " + target + " is not available"};
  }
  if (!to_queue && !to_user) {
    if (!ValidDigits(target, 32, true)) return Error{"no queue, user or number " + target};
    if (config_.trunks.empty()) return Error{"no trunk to reach " + target};
  }
  HLOG_INFO("call {}: agent {} transfers the caller to {}", call.id, agent, target);
  records_.AddTransfer(call.id);
  DropListeners(call);
  if (call.held_by_agent) {
    media_.StopPlay(call.caller_media);
    call.held_by_agent = false;
    EndHold(call);
  }
  // Release the agent: its leg, its media, its busy mark, and its side of the ACD.
  media_.Unbridge(call.caller_media, call.callee_media);
  media_.Destroy(call.callee_media);
  call_by_media_.erase(call.callee_media);
  call.callee_media = 0;
  stack_.Hangup(call.callee_leg);
  call.callee_leg = 0;
  busy_users_.erase(agent);
  call.callee_user.clear();
  if (call.app == CallApp::kQueue) {
    PublishCallEnded(call, agent, "transferred");
    std::string acd_id = call.queue.acd_id;
    call.queue.phase = QueuePhase::kNone;
    call_by_acd_id_.erase(acd_id);
    PerformAcd(acd_.CallEnded(acd_id, clock_.Now()), "end of call " + call.id);
  }
  if (to_queue) {
    EnterQueue(call, ivr::Queue{target, 0, false, call.queue.returns});
    return Status::Ok();
  }
  call.app = CallApp::kUser;
  call.state = CallState::kRinging;
  call.ringing_sent = false;
  call.best_failure_status = 0;
  if (to_user) {
    RingUser(call, target);
    return Status::Ok();
  }
  const Trunk& trunk = config_.trunks.front();
  call.callee_number = target;
  RingTargets(call,
              {{"sip:" + target + "@" + trunk.address + ":" + std::to_string(trunk.port), {}}});
  return Status::Ok();
}

// Click to dial: rings the agent's phones; the answer becomes the caller leg of a new call to
// `number` (a user, or an outside number through the first trunk).
Status CallController::DialForAgent(const std::string& agent, const std::string& number) {
  if (!ValidDigits(number, 32, true)) return Error{"a number is 1-32 digits (an optional +)"};
  if (busy_users_.count(agent) != 0) return Error{"agent " + agent + " is on a call"};
  auto contacts = stack_.Contacts(agent);
  if (contacts.empty()) return Error{"agent " + agent + " has no registered phone"};
  if (!stack_.IsKnownUser(number) && config_.trunks.empty()) {
    return Error{"no trunk to reach " + number};
  }
  auto owned = std::make_unique<Call>();
  Call& call = *owned;
  call.id = NewCallId();
  call.app = CallApp::kUser;
  call.state = CallState::kRinging;
  call.click_to_dial = true;
  call.from_number = agent;
  call.caller_user = agent;
  call.to_number = number;
  auto session = media_.CreateSession();
  if (!session) return Error{"no media port free"};
  call.caller_media = session->id;
  call.caller_local_port = session->local_port;
  call.sdp_session_id = sdp_session_counter_++;
  call_by_media_[session->id] = call.id;
  calls_[call.id] = std::move(owned);
  ArmMaxDuration(call);

  store::CallStart start;
  start.call_id = call.id;
  start.from_number = agent;
  start.to_number = number;
  start.direction = "outbound";
  start.start_time = clock_.WallNow();
  records_.OpenCall(start);
  HLOG_INFO("call {}: click to dial {} for agent {}", call.id, number, agent);

  busy_users_.insert(agent);
  LocalEndpoint local{config_.listen, call.caller_local_port, call.sdp_session_id,
                      call.sdp_version};
  std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
  for (const auto& contact : contacts) {
    sip::LegId leg = RingLeg(call, contact, number, "Dial " + number, agent, offer);
    call.dial_agent_legs.push_back(leg);
  }
  std::string id = call.id;
  call.no_answer_timer =
      stack_.SetTimer(std::chrono::seconds(config_.no_answer_timeout_s), [this, id] {
        auto it = calls_.find(id);
        if (it == calls_.end() || !it->second->click_to_dial) return;
        it->second->no_answer_timer = 0;
        EndCall(*it->second, "no_answer", "agent_no_answer", "caller", 0);
      });
  return Status::Ok();
}

bool CallController::OnDialAgentResponse(Call& call, sip::LegId leg, int status,
                                         const std::string& sdp) {
  auto& legs = call.dial_agent_legs;
  if (std::find(legs.begin(), legs.end(), leg) == legs.end()) return false;
  if (status < 200) return true;
  legs.erase(std::remove(legs.begin(), legs.end(), leg), legs.end());
  if (status >= 300) {
    if (legs.empty())
      EndCall(call, "no_answer", "agent_sip_" + std::to_string(status), "caller", 0);
    return true;
  }
  auto remote = AcceptAnswer(sdp);
  if (!remote) {
    stack_.Hangup(leg);
    if (legs.empty()) EndCall(call, "failed", "agent_bad_answer", "caller", 0);
    return true;
  }
  for (sip::LegId other : legs) stack_.Hangup(other);
  legs.clear();
  if (call.no_answer_timer != 0) stack_.CancelTimer(call.no_answer_timer);
  call.no_answer_timer = 0;
  call.click_to_dial = false;
  call.caller_leg = leg;
  call.caller_answered = true;
  media_.SetRemote(call.caller_media, *remote);
  HLOG_INFO("call {}: agent {} answered; calling {}", call.id, call.caller_user, call.to_number);
  if (stack_.IsKnownUser(call.to_number)) {
    RingUser(call, call.to_number);
    return true;
  }
  const Trunk& trunk = config_.trunks.front();
  call.callee_number = call.to_number;
  RingTargets(
      call,
      {{"sip:" + call.to_number + "@" + trunk.address + ":" + std::to_string(trunk.port), {}}});
  return true;
}

// Answer from the desktop: the agent's ringing phones are rung again asking them to answer by
// themselves (auto-answer headers); a phone that ignores the headers simply rings on.
Status CallController::AnswerForAgent(const std::string& agent) {
  for (auto& [id, owned] : calls_) {
    Call& call = *owned;
    if (call.state == CallState::kEnding) continue;
    if (call.app == CallApp::kQueue) {
      std::vector<sip::LegId> ringing;
      for (const auto& [leg, who] : call.queue.agent_by_branch) {
        if (who == agent) ringing.push_back(leg);
      }
      if (ringing.empty()) continue;
      HLOG_INFO("call {}: agent {} answers from the desktop", call.id, agent);
      for (sip::LegId leg : ringing) {
        call.queue.agent_by_branch.erase(leg);
        RetireLeg(call, leg);
      }
      RingAgentPhones(call, agent, /*auto_answer=*/true);
      return Status::Ok();
    }
    if (call.app == CallApp::kUser && call.state == CallState::kRinging &&
        call.callee_user == agent && !call.branches.empty()) {
      HLOG_INFO("call {}: user {} answers from the desktop", call.id, agent);
      for (sip::LegId leg : call.branches) RetireLeg(call, leg);
      call.branches.clear();
      LocalEndpoint local{config_.listen, call.callee_local_port, call.sdp_session_id,
                          call.sdp_version};
      std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
      for (const auto& contact : stack_.Contacts(agent)) {
        sip::LegId leg = RingLeg(call, contact, call.from_number, call.from_display, agent, offer,
                                 /*auto_answer=*/true);
        call.branches.push_back(leg);
      }
      return Status::Ok();
    }
  }
  bool callee = false;
  if (AgentCall(agent, &callee) != nullptr) return Status::Ok();  // answered already
  return Error{"no call is ringing for agent " + agent};
}

}  // namespace hotline::call
