// api/password_worker.h: checks sign-in passwords on a small pool of worker threads. An
// argon2id check takes tens of milliseconds and 64 MiB by design; on the API thread a shift of
// agents signing in at once would stall every request and CTI event behind it, and an
// unbounded queue lets one address that sends wrong passwords faster than they are checked
// push everyone else's sign-in minutes back. So the checks wait in a FairQueue (api/
// fair_queue.h) on the API thread: one line per source address, served round-robin, at most
// `per_source` waiting per address and `total` in all; at most `threads` run at once.
// Verify() says at once when a check cannot be queued (the caller answers 429 or 503).
// The result comes back on the API thread through its loop handle (dropped once the API is
// going away). The queue and counters live on the API thread; only the check itself runs on
// a worker.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <string>

#include "api/control_bridge.h"
#include "api/fair_queue.h"

namespace hotline::api {

struct PasswordPoolOptions {
  int threads = 2;
  size_t per_source = 4;  // checks waiting per source address
  size_t total = 64;      // checks waiting in all
};

class PasswordWorker {
 public:
  PasswordWorker(std::shared_ptr<ApiLoopHandle> loop, PasswordPoolOptions options);
  ~PasswordWorker();  // waits for the checks under way; queued ones are abandoned
  PasswordWorker(const PasswordWorker&) = delete;
  PasswordWorker& operator=(const PasswordWorker&) = delete;

  // Queues a check for `source`: done(true) later when `password` matches the stored argon2id
  // hash; an empty `stored` (no such user) is checked against a dummy hash so it takes as long
  // as a wrong password. kSourceFull / kFull: not queued, `done` is never called.
  // Call on the API thread.
  Admission Verify(const std::string& source, std::string password, std::string stored,
                   std::function<void(bool)> done);

  size_t waiting() const { return queue_.size(); }
  int running() const { return running_; }

 private:
  struct Check {
    std::string password;
    std::string stored;
    std::function<void(bool)> done;
  };
  void StartChecks();

  std::shared_ptr<ApiLoopHandle> loop_;
  PasswordPoolOptions options_;
  FairQueue<Check> queue_;
  int running_ = 0;
  std::shared_ptr<PasswordWorker*> self_;  // reset first in the destructor: late results drop
  boost::asio::thread_pool pool_;
};

}  // namespace hotline::api
