#include "ivr/session.h"

#include <algorithm>
#include <cassert>

namespace hotline::ivr {

Session::Session(FlowPtr flow, CallContext call, const Clock& clock)
    : flow_(std::move(flow)), clock_(clock), ctx_(*flow_, clock, std::move(call)) {}

std::vector<Action> Session::Take() {
  std::vector<Action> out;
  out.swap(ctx_.actions_);
  return out;
}

std::vector<Action> Session::Start() {
  assert(!started());
  ctx_.Record("start", flow_->name + " " + ctx_.language());
  ctx_.next_ = flow_->start;
  Run();
  return Take();
}

void Session::Leave() {
  for (const auto& [token, deadline] : ctx_.timers_) ctx_.Emit(CancelTimer{token});
  ctx_.timers_.clear();
  ctx_.StopPlay();
  ctx_.lookup_ = 0;
  ctx_.scratch_ = NodeScratch{};
}

void Session::Run() {
  while (ctx_.next_ && !ctx_.ended_) {
    std::string next = std::move(*ctx_.next_);
    ctx_.next_.reset();
    Leave();
    ++steps_;
    ++steps_without_input_;
    if (steps_without_input_ > flow_->limits.max_steps_without_input) {
      ctx_.Record("loop_guard", std::to_string(steps_without_input_ - 1) +
                                    " steps without input, next '" + next + "'");
      ctx_.Finish(Hangup{"loop_guard"});
      return;
    }
    if (steps_ > flow_->limits.max_steps) {
      ctx_.Finish(Hangup{"max_steps"});
      return;
    }
    current_ = flow_->FindNode(next);
    assert(current_ != nullptr);  // the loader checked every transition
    ++ctx_.visits_[next];
    ctx_.Record("node", next);
    current_->Enter(ctx_);
  }
}

std::vector<Action> Session::OnDigit(char digit) {
  bool valid = (digit >= '0' && digit <= '9') || digit == '*' || digit == '#';
  if (!Active() || !valid) return {};
  steps_without_input_ = 0;
  current_->OnDigit(ctx_, digit);
  Run();
  return Take();
}

std::vector<Action> Session::OnPlayDone(Token token) {
  if (!Active() || ctx_.plays_.erase(token) == 0) return {};
  current_->OnPlayDone(ctx_, token);
  Run();
  return Take();
}

std::vector<Action> Session::OnTimer(Token token) {
  if (!Active() || ctx_.timers_.erase(token) == 0) return {};
  current_->OnTimer(ctx_, token);
  Run();
  return Take();
}

std::vector<Action> Session::Tick() {
  std::vector<Action> out;
  TimePoint now = clock_.Now();
  while (Active()) {
    auto due = std::min_element(ctx_.timers_.begin(), ctx_.timers_.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    if (due == ctx_.timers_.end() || due->second > now) break;
    std::vector<Action> fired = OnTimer(due->first);
    out.insert(out.end(), std::make_move_iterator(fired.begin()),
               std::make_move_iterator(fired.end()));
  }
  return out;
}

std::optional<TimePoint> Session::NextDeadline() const {
  if (!Active() || ctx_.timers_.empty()) return std::nullopt;
  TimePoint earliest = TimePoint::max();
  for (const auto& [token, deadline] : ctx_.timers_) earliest = std::min(earliest, deadline);
  return earliest;
}

std::vector<Action> Session::OnLookupResult(Token token, const LookupResult& result) {
  if (!Active() || token == 0 || token != ctx_.lookup_) return {};
  ctx_.lookup_ = 0;
  current_->OnLookupResult(ctx_, result);
  Run();
  return Take();
}

std::vector<Action> Session::OnQueueEnded(QueueOutcome outcome) {
  if (!Active()) return {};
  current_->OnQueueEnded(ctx_, outcome);
  Run();
  return Take();
}

std::vector<Action> Session::OnCallerHangup() {
  if (ctx_.ended_) return {};
  for (const auto& [token, deadline] : ctx_.timers_) ctx_.Emit(CancelTimer{token});
  ctx_.timers_.clear();
  ctx_.plays_.clear();
  ctx_.next_.reset();
  ctx_.Record("end", "caller_hung_up");
  ctx_.end_reason_ = "caller_hung_up";
  ctx_.ended_ = true;
  return Take();
}

}  // namespace hotline::ivr
