#include "api/events_hub.h"

#include <chrono>

#include "api/json_views.h"
#include "api/ws_session.h"

namespace hotline::api {

EventsHub::EventsHub(ControlBridge& control, boost::asio::io_context& io)
    : control_(control), timer_(io), session_timer_(io) {}

void EventsHub::Start() {
  auto loop = control_.loop();
  EventsHub* self = this;
  // The listener runs on the control thread: copy, post, nothing else.
  control_.Ask(
      [loop, self](call::ControlPort& port) {
        return port.Subscribe([loop, self](const call::CtiEvent& event) {
          loop->Post([self, event] { self->Deliver(event); });
        });
      },
      [this](uint64_t id) {
        subscription_ = id;
        if (stopped_) control_.Tell([id](call::ControlPort& port) { port.Unsubscribe(id); });
      });
  ArmSessionCheck();
}

namespace {

void EndSessionsOf(std::map<const WsSession*, std::weak_ptr<WsSession>>& sessions,
                   const std::function<bool(WsSession&)>& ended, const std::string& reason) {
  std::vector<std::shared_ptr<WsSession>> closing;
  for (auto& [key, weak] : sessions) {
    auto session = weak.lock();
    if (session && ended(*session)) closing.push_back(std::move(session));
  }
  for (auto& session : closing) session->End(reason);  // removes itself from `sessions`
}

}  // namespace

void EventsHub::EndSessions(const SessionsEnded& ended) {
  EndSessionsOf(
      sessions_,
      [&ended](WsSession& session) {
        if (session.user().username != ended.username) return false;
        return ended.token_hash.empty() || session.token_hash() == ended.token_hash;
      },
      ended.reason);
}

void EventsHub::ArmSessionCheck() {
  session_timer_.expires_after(std::chrono::seconds(5));
  session_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (still_valid_) {
      EndSessionsOf(
          sessions_,
          [this](WsSession& session) {
            return !still_valid_(session.token_hash(), session.user(), session.TakeUsed());
          },
          "session ended");
    }
    ArmSessionCheck();
  });
}

void EventsHub::Stop() {
  stopped_ = true;
  timer_.cancel();
  session_timer_.cancel();
  if (subscription_) {
    uint64_t id = *subscription_;
    control_.Tell([id](call::ControlPort& port) { port.Unsubscribe(id); });
    subscription_.reset();
  }
  auto sessions = sessions_;
  for (auto& [key, weak] : sessions) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_.clear();
}

void EventsHub::Add(const std::shared_ptr<WsSession>& session) {
  if (stopped_) return;
  sessions_[session.get()] = session;
}

void EventsHub::Remove(const WsSession* session) {
  sessions_.erase(session);
  InterestChanged();
}

size_t EventsHub::clients() const {
  size_t n = 0;
  for (const auto& [key, weak] : sessions_) n += weak.expired() ? 0 : 1;
  return n;
}

void EventsHub::Deliver(const call::CtiEvent& event) {
  if (stopped_) return;
  std::string text;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto session = it->second.lock();
    if (!session) {
      it = sessions_.erase(it);
      continue;
    }
    if (Wants(session->interest(), event)) {
      if (text.empty()) text = ToJson(event).dump();
      session->Send(text);
    }
    ++it;
  }
}

bool EventsHub::AnyQueueInterest() const {
  for (const auto& [key, weak] : sessions_) {
    auto session = weak.lock();
    if (session && session->interest().queues) return true;
  }
  return false;
}

void EventsHub::InterestChanged() {
  if (!stopped_ && !timer_armed_ && AnyQueueInterest()) ArmTimer();
}

void EventsHub::ArmTimer() {
  timer_armed_ = true;
  timer_.expires_after(std::chrono::seconds(2));
  timer_.async_wait([this](boost::system::error_code ec) {
    timer_armed_ = false;
    if (ec || stopped_ || !AnyQueueInterest()) return;
    SendQueues();
    ArmTimer();
  });
}

void EventsHub::SendQueues() {
  control_.Ask([](call::ControlPort& port) { return port.Queues(); },
               [this](std::vector<call::QueueSnapshot> queues) {
                 if (stopped_) return;
                 nlohmann::json list = nlohmann::json::array();
                 for (const auto& queue : queues) list.push_back(ToJson(queue));
                 int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
                 std::string text =
                     nlohmann::json{{"type", "queues"}, {"at_ms", now_ms}, {"queues", list}}.dump();
                 for (auto& [key, weak] : sessions_) {
                   auto session = weak.lock();
                   if (session && session->interest().queues) session->Send(text);
                 }
               });
}

}  // namespace hotline::api
