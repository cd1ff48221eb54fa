// call/monitor_calls.cpp: silent monitoring. A supervisor asks to listen to an agent's call;
// the supervisor's phone (a SIP user) is rung with auto-answer headers, and once it answers
// its media session mixes what every party of the call says (customer, agent, a consulted
// third party). Nobody hears the supervisor. Listening ends when the supervisor hangs up, when
// the agent leaves the call (hang-up, transfer), or when the call ends. Same class and thread
// as call_controller.cpp.
#include <algorithm>

#include "call/call_controller.h"
#include "call/sdp_negotiation.h"
#include "common/log.h"

namespace hotline::call {

namespace {

// Everyone on the call whose voice the listeners hear.
std::vector<media::SessionId> Speakers(const Call& call) {
  std::vector<media::SessionId> out;
  for (media::SessionId s : {call.caller_media, call.callee_media, call.third.media}) {
    if (s != 0) out.push_back(s);
  }
  return out;
}

}  // namespace

Status CallController::ListenToAgent(const std::string& supervisor, const std::string& agent,
                                     const std::string& phone) {
  bool callee = false;
  Call* found = AgentCall(agent, &callee);
  if (found == nullptr) return Error{"agent " + agent + " is not on a call"};
  Call& call = *found;
  if (phone.empty()) return Error{"listening needs the phone (extension) to ring"};
  if (!stack_.IsKnownUser(phone)) return Error{"no user " + phone};
  if (phone == agent || phone == call.caller_user || phone == call.callee_user) {
    return Error{"user " + phone + " is on this call"};
  }
  if (busy_users_.count(phone) != 0) return Error{"user " + phone + " is busy"};
  auto contacts = stack_.Contacts(phone);
  if (contacts.empty()) return Error{"user " + phone + " has no registered phone"};
  auto session = media_.CreateSession(call.caller_media);
  if (!session) return Error{"no media port free"};
  Listener listener;
  listener.supervisor = supervisor;
  listener.phone = phone;
  listener.media = session->id;
  listener.local_port = session->local_port;
  call_by_media_[listener.media] = call.id;
  busy_users_.insert(phone);
  LocalEndpoint local{config_.listen, listener.local_port, call.sdp_session_id, call.sdp_version};
  std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
  for (const auto& contact : contacts) {
    sip::LegId leg =
        RingLeg(call, contact, agent, "Listen " + agent, phone, offer, /*auto_answer=*/true);
    listener.branches.push_back(leg);
  }
  HLOG_INFO("call {}: {} listens to agent {} on {}", call.id, supervisor, agent, phone);
  call.listeners.push_back(std::move(listener));
  return Status::Ok();
}

bool CallController::ListenerResponse(Call& call, sip::LegId leg, int status,
                                      const std::string& sdp) {
  for (size_t i = 0; i < call.listeners.size(); ++i) {
    Listener& listener = call.listeners[i];
    auto& branches = listener.branches;
    if (std::find(branches.begin(), branches.end(), leg) == branches.end()) continue;
    if (status < 200) return true;
    branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
    if (status >= 300) {
      if (branches.empty() && listener.leg == 0) DropListener(call, i);
      return true;
    }
    if (listener.leg != 0) {  // a second phone answered too late
      RetireLeg(call, leg);
      return true;
    }
    auto remote = AcceptAnswer(sdp);
    if (!remote) {
      RetireLeg(call, leg);
      if (branches.empty() && listener.leg == 0) DropListener(call, i);
      return true;
    }
    for (sip::LegId other : branches) RetireLeg(call, other);
    branches.clear();
    listener.leg = leg;
    media_.SetRemote(listener.media, *remote);
    media_.Mix(listener.media, Speakers(call));
    HLOG_INFO("call {}: {} is listening on {}", call.id, listener.supervisor, listener.phone);
    return true;
  }
  return false;
}

void CallController::RefreshListeners(Call& call) {
  for (const Listener& listener : call.listeners) {
    if (listener.leg != 0) media_.Mix(listener.media, Speakers(call));
  }
}

void CallController::DropListener(Call& call, size_t index) {
  if (index >= call.listeners.size()) return;
  Listener listener = std::move(call.listeners[index]);
  call.listeners.erase(call.listeners.begin() + static_cast<std::ptrdiff_t>(index));
  for (sip::LegId leg : listener.branches) RetireLeg(call, leg);
  RetireLeg(call, listener.leg);
  media_.Destroy(listener.media);
  call_by_media_.erase(listener.media);
  busy_users_.erase(listener.phone);
  HLOG_INFO("call {}: {} stops listening", call.id, listener.supervisor);
}

void CallController::StopListening(const std::string& supervisor) {
  for (auto& [id, call] : calls_) {
    for (size_t i = call->listeners.size(); i-- > 0;) {
      if (call->listeners[i].supervisor == supervisor) DropListener(*call, i);
    }
  }
}

void CallController::DropListeners(Call& call) {
  while (!call.listeners.empty()) DropListener(call, call.listeners.size() - 1);
}

}  // namespace hotline::call
