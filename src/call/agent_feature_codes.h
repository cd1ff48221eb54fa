// call/agent_feature_codes.h: what an agent's phone does with the agent feature codes.
//   *11  log in and become ready      *12  log out      *13  toggle ready / not ready
// Applies the code to the ACD core (the owner of agent state), reports every state change to
// `on_change` (call control stores it as an agent event) and returns the confirmation to
// speak. Pure: no I/O; runs on the control thread with the CallController's Acd.
#pragma once

#include <functional>
#include <string>

#include "acd/acd.h"
#include "common/clock.h"

namespace hotline::call {

struct FeatureCodeOutcome {
  bool ok = false;
  std::string say_en;  // confirmation (or the reason it failed), English
  std::string say_zh;  // the same in Chinese
};

class AgentFeatureCodes {
 public:
  using ChangeListener = std::function<void(const acd::AgentStateChanged&)>;

  AgentFeatureCodes(acd::Acd& acd, ChangeListener on_change)
      : acd_(acd), on_change_(std::move(on_change)) {}

  static bool IsFeatureCode(const std::string& number);

  // REQUIRES: IsFeatureCode(code). `agent` is the authenticated SIP user dialling.
  FeatureCodeOutcome Apply(const std::string& agent, const std::string& code, TimePoint now);

 private:
  // Reports the state changes among the actions; false (and the error) if the call failed.
  bool Report(const Result<acd::Actions>& result, std::string* error);

  acd::Acd& acd_;
  ChangeListener on_change_;
};

}  // namespace hotline::call
