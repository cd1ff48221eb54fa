// api/password_worker.h: checks sign-in passwords on a worker thread. An argon2id check takes
// tens of milliseconds and 64 MiB by design; on the API thread a shift of agents signing in
// at once would stall every request and CTI event behind it. The result comes back on the
// API thread through its loop handle (dropped once the API is going away).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <string>

#include "api/control_bridge.h"

namespace hotline::api {

class PasswordWorker {
 public:
  explicit PasswordWorker(std::shared_ptr<ApiLoopHandle> loop, int threads = 1);
  ~PasswordWorker();  // waits for the check under way; queued ones are abandoned
  PasswordWorker(const PasswordWorker&) = delete;
  PasswordWorker& operator=(const PasswordWorker&) = delete;

  // done(true) when `password` matches the stored argon2id hash; an empty `stored` (no such
  // user) is checked against a dummy hash so it takes as long as a wrong password.
  void Verify(std::string password, std::string stored, std::function<void(bool)> done);

 private:
  std::shared_ptr<ApiLoopHandle> loop_;
  boost::asio::thread_pool pool_;
};

}  // namespace hotline::api
