#include "ivr/context.h"

#include <cassert>
#include <cstdio>

namespace hotline::ivr {

Context::Context(const Flow& flow, const Clock& clock, CallContext call)
    : flow_(flow), clock_(clock), variables_(std::move(call.variables)) {
  variables_["caller"] = call.caller;
  variables_["dialled"] = call.dialled;
  variables_["call_id"] = call.call_id;
  language_ = flow.languages.count(call.language) ? call.language : flow.default_language;
  variables_["language"] = language_;
}

std::optional<std::string> Context::Get(const std::string& name) const {
  if (auto it = variables_.find(name); it != variables_.end()) return it->second;
  if (name.rfind("time.", 0) == 0) {
    LocalTime now = LocalNow();
    char buffer[16];
    if (name == "time.hhmm") {
      std::snprintf(buffer, sizeof buffer, "%02d%02d", now.second_of_day / 3600,
                    now.second_of_day / 60 % 60);
      return std::string(buffer);
    }
    if (name == "time.weekday") return WeekdayName(now.weekday);
    if (name == "time.date") {
      std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(now.date.year()),
                    static_cast<unsigned>(now.date.month()), static_cast<unsigned>(now.date.day()));
      return std::string(buffer);
    }
  }
  if (name.rfind("visits.", 0) == 0) {
    auto it = visits_.find(name.substr(7));
    return std::to_string(it == visits_.end() ? 0 : it->second);
  }
  return std::nullopt;
}

void Context::Set(const std::string& name, std::string value) {
  if (name == "language") {
    SetLanguage(value);
    return;
  }
  variables_[name] = std::move(value);
}

VariableLookup Context::lookup() const {
  return [this](const std::string& name) { return Get(name); };
}

std::map<std::string, std::string> Context::PublicVariables() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : variables_) {
    if (!secrets_.count(name)) out.emplace(name, value);
  }
  return out;
}

void Context::SetLanguage(const std::string& language) {
  if (!flow_.languages.count(language)) return;
  language_ = language;
  variables_["language"] = language;
}

LocalTime Context::LocalNow() const { return ToLocalTime(clock_.WallNow(), flow_.utc_offset); }

Token Context::Play(const PromptSpec& prompt, bool allow_barge_in) {
  Token token = ++last_token_;
  plays_.insert(token);
  actions_.push_back(ivr::Play{prompt.Resolve(language_, flow_.default_language, lookup()), token,
                               allow_barge_in});
  return token;
}

void Context::StopPlay() {
  if (plays_.empty()) return;
  plays_.clear();
  actions_.push_back(ivr::StopPlay{});
}

Token Context::StartTimer(Duration after) {
  Token token = ++last_token_;
  timers_[token] = clock_.Now() + after;
  actions_.push_back(ivr::StartTimer{token, after});
  return token;
}

void Context::CancelTimer(Token token) {
  if (timers_.erase(token) > 0) actions_.push_back(ivr::CancelTimer{token});
}

Token Context::StartLookup(std::string kind, std::map<std::string, std::string> keys) {
  Token token = ++last_token_;
  lookup_ = token;
  actions_.push_back(ivr::Lookup{token, std::move(kind), std::move(keys)});
  return token;
}

void Context::Record(std::string kind, std::string detail) {
  actions_.push_back(RecordEvent{std::move(kind), std::move(detail)});
}

void Context::Emit(Action action) { actions_.push_back(std::move(action)); }

void Context::Goto(const std::string& node_id) {
  assert(flow_.FindNode(node_id) != nullptr);
  next_ = node_id;
}

void Context::Finish(Action terminal) {
  assert(IsTerminal(terminal));
  if (ended_) return;
  for (const auto& [token, deadline] : timers_) actions_.push_back(ivr::CancelTimer{token});
  timers_.clear();
  plays_.clear();
  lookup_ = 0;
  next_.reset();
  if (const auto* hangup = std::get_if<Hangup>(&terminal)) {
    end_reason_ = hangup->reason;
  } else if (std::holds_alternative<Queue>(terminal)) {
    end_reason_ = "queue";
  } else if (std::holds_alternative<Transfer>(terminal)) {
    end_reason_ = "transfer";
  } else {
    end_reason_ = "voicemail";
  }
  Record("end", end_reason_);
  actions_.push_back(std::move(terminal));
  ended_ = true;
}

}  // namespace hotline::ivr
