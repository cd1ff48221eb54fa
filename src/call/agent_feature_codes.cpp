#include "call/agent_feature_codes.h"

namespace hotline::call {

bool AgentFeatureCodes::IsFeatureCode(const std::string& number) {
  return number == "*11" || number == "*12" || number == "*13";
}

bool AgentFeatureCodes::Report(Result<acd::Actions> result, std::string* error) {
  if (!result.ok()) {
    *error = result.error().message;
    return false;
  }
  on_actions_(std::move(result).value());
  return true;
}

FeatureCodeOutcome AgentFeatureCodes::Apply(const std::string& agent, const std::string& code,
                                            TimePoint now) {
  auto view = acd_.Agent(agent);
  if (!view.ok()) return {false, "You are not an agent.", "您不是坐席。"};
  acd::AgentState state = view->state;
  std::string error;
  if (code == "*11") {
    if (state == acd::AgentState::kLoggedOut && !Report(acd_.AgentLogin(agent, now), &error)) {
      return {false, "Login failed.", "签入失败。"};
    }
    if (acd_.Agent(agent)->state != acd::AgentState::kReady &&
        !Report(acd_.AgentReady(agent, now), &error)) {
      return {false, "You are logged in, but cannot be made ready now.",
              "您已签入，但暂时不能置闲。"};
    }
    return {true, "You are logged in and ready.", "您已签入，处于空闲状态。"};
  }
  if (code == "*12") {
    if (state == acd::AgentState::kLoggedOut) return {true, "You are logged out.", "您已签出。"};
    if (!Report(acd_.AgentLogout(agent, now), &error)) {
      return {false, "You cannot log out now.", "您现在不能签出。"};
    }
    return {true, "You are logged out.", "您已签出。"};
  }
  // *13
  if (state == acd::AgentState::kLoggedOut) {
    return {false, "You are not logged in. Dial star one one to log in.",
            "您尚未签入，请拨星一一签入。"};
  }
  if (state == acd::AgentState::kReady) {
    if (!Report(acd_.AgentNotReady(agent, "manual", now), &error)) {
      return {false, "You cannot change state now.", "您现在不能切换状态。"};
    }
    return {true, "You are not ready.", "您已示忙。"};
  }
  if (state == acd::AgentState::kNotReady) {
    if (!Report(acd_.AgentReady(agent, now), &error)) {
      return {false, "You cannot change state now.", "您现在不能切换状态。"};
    }
    return {true, "You are ready.", "您已示闲。"};
  }
  return {false, "You cannot change state during a call.", "通话中不能切换状态。"};
}

}  // namespace hotline::call
