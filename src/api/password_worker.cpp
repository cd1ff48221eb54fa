#include "api/password_worker.h"

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

PasswordWorker::PasswordWorker(std::shared_ptr<ApiLoopHandle> loop, int threads)
    : loop_(std::move(loop)), pool_(static_cast<std::size_t>(threads)) {}

PasswordWorker::~PasswordWorker() {
  pool_.stop();
  pool_.join();
}

void PasswordWorker::Verify(std::string password, std::string stored,
                            std::function<void(bool)> done) {
  boost::asio::post(pool_, [loop = loop_, password = std::move(password),
                            stored = std::move(stored), done = std::move(done)]() mutable {
    bool known = !stored.empty();
    bool ok = store::PasswordMatches(password, known ? stored : DummyHash()) && known;
    loop->Post([done = std::move(done), ok] { done(ok); });
  });
}

}  // namespace hotline::api
