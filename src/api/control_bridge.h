// api/control_bridge.h: how the API thread talks to the control thread, which owns calls,
// agents and queues. Ask() posts a task that runs `ask` with the ControlPort on the control
// thread, then posts its result back to the API's io_context, where `done` runs. Nothing is
// shared between the threads but copied values and a small guarded handle on the
// io_context: once Detach() has run (the API server is going away), results and events from
// the control thread are dropped instead of being posted.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include "call/control_port.h"

namespace hotline::api {

using PostToControl = std::function<void(std::function<void()>)>;

// The API's io_context as other threads may reach it: posts until detached.
class ApiLoopHandle {
 public:
  explicit ApiLoopHandle(boost::asio::io_context& io) : io_(&io) {}
  void Post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    if (io_ != nullptr) boost::asio::post(*io_, std::move(task));
  }
  void Detach() {
    std::lock_guard lock(mutex_);
    io_ = nullptr;
  }

 private:
  std::mutex mutex_;
  boost::asio::io_context* io_;
};

class ControlBridge {
 public:
  ControlBridge(PostToControl post, call::ControlPort& port, boost::asio::io_context& io)
      : post_(std::move(post)), port_(port), loop_(std::make_shared<ApiLoopHandle>(io)) {}
  ~ControlBridge() { loop_->Detach(); }

  // ask: T(call::ControlPort&), run on the control thread; done: void(T), on the API thread.
  template <typename AskFn, typename DoneFn>
  void Ask(AskFn ask, DoneFn done) {
    using T = std::invoke_result_t<AskFn&, call::ControlPort&>;
    auto* port = &port_;
    auto loop = loop_;
    post_([port, loop, ask = std::move(ask), done = std::move(done)]() mutable {
      auto value = std::make_shared<T>(ask(*port));
      loop->Post([done, value]() mutable { done(std::move(*value)); });
    });
  }

  // Runs `task` on the control thread; nothing comes back.
  void Post(std::function<void()> task) { post_(std::move(task)); }
  // Runs `task` with the port on the control thread; nothing comes back.
  void Tell(std::function<void(call::ControlPort&)> task) {
    auto* port = &port_;
    post_([port, task = std::move(task)] { task(*port); });
  }

  // For listeners called on the control thread that post back to the API thread.
  std::shared_ptr<ApiLoopHandle> loop() const { return loop_; }
  // Stops delivering anything to the API thread (before the io_context goes away).
  void Detach() { loop_->Detach(); }

 private:
  PostToControl post_;
  call::ControlPort& port_;
  std::shared_ptr<ApiLoopHandle> loop_;
};

}  // namespace hotline::api
