// call/consult_calls.cpp: an agent brings a third party into its call. Consult: the other party
// (the customer) waits on music on hold while the third party's phone rings and the agent
// talks to it; then the agent completes the transfer (the customer and the third party stay,
// the agent leaves), joins all three in a conference (the media engine mixes each leg with the
// other two; the recording follows the customer's leg), or cancels and returns. A conference
// command without a consultation rings the target and joins it as soon as it answers. The
// agent's phone hanging up during a consultation or conference completes the transfer; the
// third party hanging up brings the agent back to the customer. Same class and thread as
// call_controller.cpp.
#include <algorithm>

#include "call/call_controller.h"
#include "call/dial_string.h"
#include "call/sdp_negotiation.h"
#include "common/log.h"

namespace hotline::call {

namespace {

media::SessionId AgentMedia(const Call& call) {
  return call.third.agent_is_callee ? call.callee_media : call.caller_media;
}

media::SessionId OtherMedia(const Call& call) {
  return call.third.agent_is_callee ? call.caller_media : call.callee_media;
}

sip::LegId AgentLeg(const Call& call) {
  return call.third.agent_is_callee ? call.callee_leg : call.caller_leg;
}

bool Contains(const std::vector<sip::LegId>& legs, sip::LegId leg) {
  return std::find(legs.begin(), legs.end(), leg) != legs.end();
}

}  // namespace

void CallController::RetireLeg(Call& call, sip::LegId leg, bool hang_up) {
  if (leg == 0) return;
  if (hang_up) stack_.Hangup(leg);
  call.retired_legs.push_back(leg);
}

void CallController::PublishConsult(const Call& call, const std::string& state,
                                    const std::string& reason) {
  CtiEvent event = CallEvent("call.consult", call, call.third.agent);
  event.state = state;
  event.reason = reason;
  event.target = call.third.target;
  Publish(std::move(event));
}

Status CallController::ConsultAgentCall(const std::string& agent, const std::string& target,
                                        bool join_on_answer) {
  bool callee = false;
  Call* found = AgentCall(agent, &callee);
  if (found == nullptr) return Error{"agent " + agent + " is not on a call"};
  Call& call = *found;
  if (call.third.phase != ThirdPartyPhase::kNone) {
    return Error{"agent " + agent + " already has a third party on this call"};
  }
  if (target.empty() || target == agent) return Error{"a consultation needs another party"};
  std::vector<sip::ContactTarget> contacts;
  bool to_user = stack_.IsKnownUser(target);
  if (to_user) {
    if (busy_users_.count(target) != 0) return Error{"user " + target + " is busy"};
    contacts = stack_.Contacts(target);
    if (contacts.empty()) return Error{"user " + target + " has no registered phone"};
  } else {
    if (QueueSettingsFor(target) != nullptr) {
      return Error{"a queue takes a blind transfer; consult a user or a number"};
    }
    if (!ValidDigits(target, 32, true)) return Error{"no user or number " + target};
    if (config_.trunks.empty()) return Error{"no trunk to reach " + target};
    const Trunk& trunk = config_.trunks.front();
    contacts.push_back(
        {"sip:" + target + "@" + trunk.address + ":" + std::to_string(trunk.port), {}});
  }
  media::SessionId agent_media = callee ? call.callee_media : call.caller_media;
  auto session = media_.CreateSession(agent_media);
  if (!session) return Error{"no media port free"};
  if (Status held = HoldAgentCall(agent, /*hold=*/true); !held.ok()) {
    media_.Destroy(session->id);
    return held;
  }
  ThirdParty& third = call.third;
  third = ThirdParty{};
  third.phase = ThirdPartyPhase::kRinging;
  third.agent = agent;
  third.target = target;
  third.agent_is_callee = callee;
  third.join_on_answer = join_on_answer;
  third.media = session->id;
  third.local_port = session->local_port;
  call_by_media_[third.media] = call.id;
  if (to_user) {
    third.user = target;
    busy_users_.insert(target);
  }
  HLOG_INFO("call {}: agent {} {} {}", call.id, agent, join_on_answer ? "adds" : "consults",
            target);
  media_.Play(agent_media, ringback_, /*loop=*/true);
  LocalEndpoint local{config_.listen, third.local_port, call.sdp_session_id, call.sdp_version};
  std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
  for (const auto& contact : contacts) {
    sip::LegId leg = RingLeg(call, contact, agent, "Consult " + agent, target, offer);
    third.branches.push_back(leg);
  }
  std::string id = call.id;
  third.timer = stack_.SetTimer(std::chrono::seconds(config_.no_answer_timeout_s), [this, id] {
    auto it = calls_.find(id);
    if (it == calls_.end() || it->second->third.phase != ThirdPartyPhase::kRinging) return;
    it->second->third.timer = 0;
    EndThirdParty(*it->second, "no_answer", false);
  });
  PublishConsult(call, "ringing", "");
  return Status::Ok();
}

Status CallController::ConferenceAgentCall(const std::string& agent, const std::string& target) {
  bool callee = false;
  Call* call = AgentCall(agent, &callee);
  if (call == nullptr) return Error{"agent " + agent + " is not on a call"};
  switch (call->third.phase) {
    case ThirdPartyPhase::kNone:
      return ConsultAgentCall(agent, target, /*join_on_answer=*/true);
    case ThirdPartyPhase::kRinging:
      call->third.join_on_answer = true;
      return Status::Ok();
    case ThirdPartyPhase::kConsulting:
      StartConference(*call);
      return Status::Ok();
    case ThirdPartyPhase::kConference:
      return Status::Ok();
  }
  return Status::Ok();
}

Status CallController::CompleteAgentTransfer(const std::string& agent) {
  bool callee = false;
  Call* call = AgentCall(agent, &callee);
  if (call == nullptr) return Error{"agent " + agent + " is not on a call"};
  if (call->third.phase == ThirdPartyPhase::kNone) return Error{"there is no consultation"};
  if (call->third.phase == ThirdPartyPhase::kRinging) {
    return Error{call->third.target + " has not answered yet"};
  }
  CompleteTransfer(*call, /*agent_hung_up=*/false);
  return Status::Ok();
}

Status CallController::CancelAgentConsult(const std::string& agent) {
  bool callee = false;
  Call* call = AgentCall(agent, &callee);
  if (call == nullptr) return Error{"agent " + agent + " is not on a call"};
  if (call->third.phase == ThirdPartyPhase::kNone) return Error{"there is no consultation"};
  EndThirdParty(*call, "cancelled", false);
  return Status::Ok();
}

bool CallController::ThirdPartyResponse(Call& call, sip::LegId leg, int status,
                                        const std::string& sdp) {
  ThirdParty& third = call.third;
  if (!Contains(third.branches, leg)) return false;
  if (status < 200) return true;  // the agent already hears ringback
  third.branches.erase(std::remove(third.branches.begin(), third.branches.end(), leg),
                       third.branches.end());
  if (status >= 300) {
    if (third.branches.empty() && third.phase == ThirdPartyPhase::kRinging) {
      bool refused = status == 486 || status == 600 || status == 603;
      EndThirdParty(call, refused ? "busy" : "no_answer", false);
    }
    return true;
  }
  if (third.phase != ThirdPartyPhase::kRinging) {
    RetireLeg(call, leg);  // a second phone answered too late
    return true;
  }
  auto remote = AcceptAnswer(sdp);
  if (!remote) {
    HLOG_WARN("call {}: {}'s answer refused: {}", call.id, third.target, remote.error().message);
    RetireLeg(call, leg);
    if (third.branches.empty()) EndThirdParty(call, "failed", false);
    return true;
  }
  for (sip::LegId other : third.branches) RetireLeg(call, other);
  third.branches.clear();
  if (third.timer != 0) stack_.CancelTimer(third.timer);
  third.timer = 0;
  third.leg = leg;
  media_.SetRemote(third.media, *remote);
  media_.StopPlay(AgentMedia(call));
  HLOG_INFO("call {}: {} answered agent {}", call.id, third.target, third.agent);
  if (third.join_on_answer) {
    StartConference(call);
    return true;
  }
  third.phase = ThirdPartyPhase::kConsulting;
  media_.Bridge(AgentMedia(call), third.media, StartRecordingFile(call));
  PublishConsult(call, "talking", "");
  RefreshListeners(call);
  return true;
}

// All three hear each other; the recording is the customer's leg: what the customer says on
// the left, what the customer hears (agent + third party) on the right.
void CallController::StartConference(Call& call) {
  ThirdParty& third = call.third;
  media::SessionId agent = AgentMedia(call);
  media::SessionId other = OtherMedia(call);
  call.held_by_agent = false;
  EndHold(call);
  media_.Mix(other, {agent, third.media});  // also ends the hold music and any bridge
  media_.Mix(agent, {other, third.media});
  media_.Mix(third.media, {other, agent});
  std::string path = StartRecordingFile(call);
  if (!path.empty()) media_.RecordLeg(other, path);
  third.phase = ThirdPartyPhase::kConference;
  HLOG_INFO("call {}: conference of {}, {} and {}", call.id, call.from_number, third.agent,
            third.target);
  PublishConsult(call, "conference", "");
  RefreshListeners(call);
}

// The agent leaves; the customer and the third party talk on (a new recording file). For a
// queue call the agent goes to wrap-up as after any call, and the call goes on as a call to a
// user or number.
void CallController::CompleteTransfer(Call& call, bool agent_hung_up) {
  ThirdParty& third = call.third;
  std::string agent = third.agent;
  HLOG_INFO("call {}: agent {} transfers the caller to {}", call.id, agent, third.target);
  records_.AddTransfer(call.id);
  DropListeners(call);
  media::SessionId agent_media = AgentMedia(call);
  media::SessionId other = OtherMedia(call);
  if (third.phase == ThirdPartyPhase::kConference) media_.StopRecordLeg(other);
  call.held_by_agent = false;
  EndHold(call);
  media_.Destroy(agent_media);  // ends its bridge or mix first (the consult recording closes)
  call_by_media_.erase(agent_media);
  media_.Bridge(other, third.media, StartRecordingFile(call));
  RetireLeg(call, AgentLeg(call), !agent_hung_up);
  busy_users_.erase(agent);
  if (third.agent_is_callee) {
    call.callee_leg = third.leg;
    call.callee_media = third.media;
    call.callee_local_port = third.local_port;
    call.callee_user = third.user;
    call.callee_number = third.user.empty() ? third.target : "";
  } else {
    call.caller_leg = third.leg;
    call.caller_media = third.media;
    call.caller_local_port = third.local_port;
    call.caller_user = third.user;
  }
  PublishConsult(call, "ended", "transferred");
  if (call.app == CallApp::kQueue && call.queue.phase == QueuePhase::kConnected) {
    PublishCallEnded(call, agent, "transferred");
    std::string acd_id = call.queue.acd_id;
    call.queue.phase = QueuePhase::kNone;
    call_by_acd_id_.erase(acd_id);
    PerformAcd(acd_.CallEnded(acd_id, clock_.Now()), "end of call " + call.id);
  }
  call.app = CallApp::kUser;
  third = ThirdParty{};
}

void CallController::DropThirdParty(Call& call) {
  ThirdParty& third = call.third;
  if (third.phase == ThirdPartyPhase::kNone) return;
  if (third.timer != 0) stack_.CancelTimer(third.timer);
  for (sip::LegId leg : third.branches) RetireLeg(call, leg);
  RetireLeg(call, third.leg);
  if (third.phase == ThirdPartyPhase::kConference) media_.StopRecordLeg(OtherMedia(call));
  if (third.media != 0) {
    media_.Destroy(third.media);
    call_by_media_.erase(third.media);
  }
  if (!third.user.empty()) busy_users_.erase(third.user);
  third = ThirdParty{};
}

void CallController::EndThirdParty(Call& call, const std::string& reason, bool remote_hung_up) {
  ThirdParty& third = call.third;
  if (third.phase == ThirdPartyPhase::kNone) return;
  HLOG_INFO("call {}: {} leaves ({}); agent {} is back with the caller", call.id, third.target,
            reason, third.agent);
  PublishConsult(call, "ended", reason);
  std::string agent = third.agent;
  bool conference = third.phase == ThirdPartyPhase::kConference;
  media::SessionId agent_media = AgentMedia(call);
  if (remote_hung_up) {
    call.retired_legs.push_back(third.leg);  // already ended by its BYE
    third.leg = 0;
  }
  DropThirdParty(call);
  if (conference) {
    media_.Bridge(call.caller_media, call.callee_media, StartRecordingFile(call));
  } else {
    media_.StopPlay(agent_media);
    if (Status resumed = HoldAgentCall(agent, /*hold=*/false); !resumed.ok()) {
      HLOG_WARN("call {}: cannot return to the caller: {}", call.id, resumed.message());
    }
  }
  RefreshListeners(call);
}

bool CallController::IsExtraLeg(const Call& call, sip::LegId leg) const {
  if (leg == 0) return false;
  if (leg == call.third.leg || Contains(call.third.branches, leg)) return true;
  for (const Listener& listener : call.listeners) {
    if (leg == listener.leg || Contains(listener.branches, leg)) return true;
  }
  return false;
}

bool CallController::IsExtraMedia(const Call& call, media::SessionId session) const {
  if (session == 0) return false;
  if (session == call.third.media) return true;
  for (const Listener& listener : call.listeners) {
    if (session == listener.media) return true;
  }
  return false;
}

// A BYE on the call: true when it concerned the third party or a listener, or when the agent
// hung up during a consultation or conference (the transfer completes).
bool CallController::ThirdPartyBye(Call& call, sip::LegId leg) {
  for (size_t i = 0; i < call.listeners.size(); ++i) {
    if (call.listeners[i].leg == leg) {
      call.retired_legs.push_back(leg);
      call.listeners[i].leg = 0;
      DropListener(call, i);
      return true;
    }
  }
  ThirdParty& third = call.third;
  if (third.phase == ThirdPartyPhase::kNone || leg == 0) return false;
  if (leg == third.leg) {
    EndThirdParty(call, "hung_up", /*remote_hung_up=*/true);
    return true;
  }
  if (leg != AgentLeg(call)) return false;  // the customer: the whole call ends
  if (third.phase == ThirdPartyPhase::kRinging) {
    EndThirdParty(call, "cancelled", false);
    return false;  // and the agent's hang-up is handled as usual
  }
  CompleteTransfer(call, /*agent_hung_up=*/true);
  return true;
}

bool CallController::ExtraLegTerminated(Call& call, sip::LegId leg) {
  auto& retired = call.retired_legs;
  if (Contains(retired, leg)) {
    retired.erase(std::remove(retired.begin(), retired.end(), leg), retired.end());
    return true;
  }
  if (!IsExtraLeg(call, leg)) return false;
  ThirdParty& third = call.third;
  if (Contains(third.branches, leg)) {
    ThirdPartyResponse(call, leg, 408, "");
    return true;
  }
  if (leg == third.leg) {
    third.leg = 0;
    EndThirdParty(call, "hung_up", false);
    return true;
  }
  for (size_t i = 0; i < call.listeners.size(); ++i) {
    Listener& listener = call.listeners[i];
    if (leg == listener.leg) listener.leg = 0;
    listener.branches.erase(std::remove(listener.branches.begin(), listener.branches.end(), leg),
                            listener.branches.end());
    if (listener.leg == 0 && listener.branches.empty()) {
      DropListener(call, i);
      return true;
    }
  }
  return true;
}

void CallController::OnExtraMediaTimeout(Call& call, media::SessionId session) {
  if (session == call.third.media) {
    HLOG_WARN("call {}: no RTP from {}", call.id, call.third.target);
    EndThirdParty(call, "failed", false);
    return;
  }
  for (size_t i = 0; i < call.listeners.size(); ++i) {
    if (call.listeners[i].media == session) {
      DropListener(call, i);
      return;
    }
  }
}

// A re-INVITE from the third party or a listener (hold, codec change): answered for its own
// leg only; nothing passes across.
void CallController::AnswerExtraReinvite(Call& call, sip::LegId leg, const std::string& sdp) {
  media::SessionId media = call.third.media;
  uint16_t port = call.third.local_port;
  for (const Listener& listener : call.listeners) {
    if (listener.leg == leg) {
      media = listener.media;
      port = listener.local_port;
    }
  }
  LocalEndpoint local{config_.listen, port, call.sdp_session_id, ++call.sdp_version};
  auto answered = AnswerOffer(sdp, local);
  if (!answered) {
    stack_.Respond(leg, 488, "Not Acceptable Here");
    return;
  }
  media_.SetRemote(media, answered->remote);
  stack_.Respond(leg, 200, "OK", answered->answer_sdp);
}

}  // namespace hotline::call
