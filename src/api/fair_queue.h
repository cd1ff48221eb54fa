// api/fair_queue.h: a bounded queue of jobs kept per source (client address) and served
// round-robin, so one address sending many requests cannot push everyone else's to the back:
// each source waits at most behind one job of every other source. A source holds at most
// `per_source` jobs and all sources together at most `total`; Push says which bound refused.
// Used for sign-in password checks (api/password_worker.h). Pure; not thread-safe (the API
// thread owns it).
#pragma once

#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace hotline::api {

enum class Admission { kQueued, kSourceFull, kFull };

template <typename Job>
class FairQueue {
 public:
  FairQueue(size_t per_source, size_t total) : per_source_(per_source), total_(total) {}

  Admission Push(const std::string& source, Job job) {
    if (size_ >= total_) return Admission::kFull;
    auto it = by_source_.find(source);
    if (it == by_source_.end()) {
      if (per_source_ == 0) return Admission::kSourceFull;
      turns_.push_back(source);
      it = by_source_.emplace(source, Entry{{}, std::prev(turns_.end())}).first;
    } else if (it->second.jobs.size() >= per_source_) {
      return Admission::kSourceFull;
    }
    it->second.jobs.push_back(std::move(job));
    ++size_;
    return Admission::kQueued;
  }

  // The next job: the oldest of the source whose turn it is; that source goes to the back of
  // the line (or leaves it when it has nothing more).
  std::optional<Job> Pop() {
    if (turns_.empty()) return std::nullopt;
    std::string source = turns_.front();
    turns_.pop_front();
    auto it = by_source_.find(source);
    Job job = std::move(it->second.jobs.front());
    it->second.jobs.pop_front();
    --size_;
    if (it->second.jobs.empty()) {
      by_source_.erase(it);
    } else {
      turns_.push_back(source);
      it->second.turn = std::prev(turns_.end());
    }
    return job;
  }

  size_t size() const { return size_; }
  size_t queued(const std::string& source) const {
    auto it = by_source_.find(source);
    return it == by_source_.end() ? 0 : it->second.jobs.size();
  }
  size_t sources() const { return by_source_.size(); }

 private:
  struct Entry {
    std::deque<Job> jobs;
    std::list<std::string>::iterator turn;
  };
  size_t per_source_;
  size_t total_;
  size_t size_ = 0;
  std::list<std::string> turns_;  // sources with jobs, in serving order
  std::map<std::string, Entry> by_source_;
};

}  // namespace hotline::api
