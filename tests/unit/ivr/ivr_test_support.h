// Test support for the IVR core: load flows inline, and drive a Session the way the call
// layer would (plays finish when told, timers fire when the ManualClock passes them).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ivr/flow_loader.h"
#include "ivr/session.h"

namespace hotline::ivr::testing {

inline FlowPtr MustLoad(const std::string& yaml, const std::string& source = "test.yaml") {
  auto loaded = LoadFlow(yaml, source);
  if (!loaded) {
    ADD_FAILURE() << "flow did not load:\n" << loaded.error().message;
    return nullptr;
  }
  return *loaded;
}

inline std::string LoadError(const std::string& yaml) {
  auto loaded = LoadFlow(yaml, "bad.yaml");
  if (loaded) return "";
  return loaded.error().message;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Moves a ManualClock's wall time forward to a local date and time at `utc_offset_minutes`.
// REQUIRES: not earlier than the clock's current wall time.
inline void SetLocalTime(ManualClock& clock, int year, unsigned month, unsigned day, int hour,
                         int minute, int utc_offset_minutes = 480) {
  using namespace std::chrono;
  sys_days date{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
  auto target = date + hours{hour} + minutes{minute} - minutes{utc_offset_minutes};
  auto delta = duration_cast<Duration>(target - clock.WallNow());
  EXPECT_GE(delta.count(), 0) << "SetLocalTime cannot go back";
  clock.Advance(delta);
}

template <typename T>
std::vector<T> OfType(const std::vector<Action>& actions) {
  std::vector<T> out;
  for (const auto& a : actions) {
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

class Driver {
 public:
  Driver(FlowPtr flow, CallContext call = {"13800000000", "100", "call-1", "", {}})
      : session_(std::move(flow), std::move(call), clock_) {}

  ManualClock& clock() { return clock_; }
  Session& session() { return session_; }
  const std::vector<Action>& log() const { return log_; }
  const std::vector<Action>& last() const { return last_; }

  const std::vector<Action>& Start() { return Take(session_.Start()); }
  const std::vector<Action>& Digit(char d) { return Take(session_.OnDigit(d)); }
  const std::vector<Action>& Digits(const std::string& keys) {
    std::vector<Action> all;
    for (char d : keys) {
      auto got = session_.OnDigit(d);
      all.insert(all.end(), got.begin(), got.end());
    }
    return Take(std::move(all));
  }
  // Reports every queued play as finished, in order, including plays those reports cause.
  const std::vector<Action>& FinishPlays() {
    std::vector<Action> all;
    while (!plays_.empty()) {
      Token token = plays_.front();
      plays_.erase(plays_.begin());
      auto got = session_.OnPlayDone(token);
      Track(got);
      all.insert(all.end(), got.begin(), got.end());
    }
    last_ = all;
    log_.insert(log_.end(), all.begin(), all.end());
    return last_;
  }
  // Advances the clock and fires due timers.
  const std::vector<Action>& Wait(int ms) {
    clock_.Advance(Duration{ms});
    return Take(session_.Tick());
  }
  const std::vector<Action>& Answer(bool found, std::map<std::string, std::string> fields = {}) {
    auto lookups = OfType<Lookup>(log_);
    EXPECT_FALSE(lookups.empty()) << "no lookup to answer";
    if (lookups.empty()) return last_;
    return Take(session_.OnLookupResult(lookups.back().token, {found, std::move(fields)}));
  }
  const std::vector<Action>& QueueEnded(QueueOutcome outcome) {
    return Take(session_.OnQueueEnded(outcome));
  }

  bool playing() const { return !plays_.empty(); }
  // Texts of all plays in the log, in order.
  std::vector<std::string> PlayTexts() const {
    std::vector<std::string> out;
    for (const auto& p : OfType<Play>(log_)) out.push_back(p.prompt.content);
    return out;
  }
  std::string LastPlayText() const {
    auto plays = OfType<Play>(log_);
    return plays.empty() ? "" : plays.back().prompt.content;
  }
  // "kind:detail" of every RecordEvent of `kind` ("" = all).
  std::vector<std::string> Events(const std::string& kind = "") const {
    std::vector<std::string> out;
    for (const auto& e : OfType<RecordEvent>(log_)) {
      if (kind.empty() || e.kind == kind) out.push_back(e.kind + ":" + e.detail);
    }
    return out;
  }
  // Ids of the nodes entered, in order.
  std::vector<std::string> Path() const {
    std::vector<std::string> out;
    for (const auto& e : OfType<RecordEvent>(log_)) {
      if (e.kind == "node") out.push_back(e.detail);
    }
    return out;
  }
  // The terminal action, if the session ended with one.
  std::optional<Action> Terminal() const {
    for (const auto& a : log_) {
      if (IsTerminal(a)) return a;
    }
    return std::nullopt;
  }

 private:
  void Track(const std::vector<Action>& actions) {
    for (const auto& a : actions) {
      if (const auto* play = std::get_if<Play>(&a)) plays_.push_back(play->token);
      if (std::holds_alternative<StopPlay>(a)) plays_.clear();
    }
  }
  const std::vector<Action>& Take(std::vector<Action> actions) {
    Track(actions);
    last_ = std::move(actions);
    log_.insert(log_.end(), last_.begin(), last_.end());
    return last_;
  }

  ManualClock clock_;
  Session session_;
  std::vector<Token> plays_;
  std::vector<Action> log_;
  std::vector<Action> last_;
};

}  // namespace hotline::ivr::testing
