#include "api/password_worker.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

#include "store/password_hash.h"

namespace hotline::api {

namespace {

const std::string& DummyHash() {
  static const std::string hash = [] {
    auto made = store::HashPassword("no such user");
    return made.ok() ? *made : std::string();
  }();
  return hash;
}

}  // namespace

PasswordWorker::PasswordWorker(std::shared_ptr<ApiLoopHandle> loop, PasswordPoolOptions options)
    : loop_(std::move(loop)),
      options_(options),
      queue_(options.per_source, options.total),
      self_(std::make_shared<PasswordWorker*>(this)),
      pool_(static_cast<std::size_t>(std::max(1, options.threads))) {
  (void)DummyHash();  // computed once, here, not inside the first failed sign-in
}

PasswordWorker::~PasswordWorker() {
  self_.reset();
  pool_.stop();
  pool_.join();
}

Admission PasswordWorker::Verify(const std::string& source, std::string password,
                                 std::string stored, std::function<void(bool)> done) {
  Admission admitted =
      queue_.Push(source, Check{std::move(password), std::move(stored), std::move(done)});
  if (admitted == Admission::kQueued) StartChecks();
  return admitted;
}

void PasswordWorker::StartChecks() {
  while (running_ < std::max(1, options_.threads)) {
    auto check = queue_.Pop();
    if (!check) return;
    ++running_;
    std::weak_ptr<PasswordWorker*> weak = self_;
    boost::asio::post(pool_, [loop = loop_, weak, check = std::move(*check)]() mutable {
      bool known = !check.stored.empty();
      bool ok = store::PasswordMatches(check.password, known ? check.stored : DummyHash()) && known;
      loop->Post([weak, done = std::move(check.done), ok] {
        auto self = weak.lock();
        if (!self) return;
        PasswordWorker* worker = *self;
        --worker->running_;
        done(ok);
        worker->StartChecks();
      });
    });
  }
}

}  // namespace hotline::api
