// call/agent_feature_codes.h: what an agent's phone does with the agent feature codes.
//   *11  log in and become ready      *12  log out      *13  toggle ready / not ready
// Applies the code to the ACD core (the owner of agent state), hands every resulting ACD
// action to `on_actions` (state changes to store, and offers: an agent becoming ready may get a
// waiting call at once) and returns the confirmation to speak. Pure: no I/O; runs on the control
// thread with the CallController's Acd.
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
  using ActionSink = std::function<void(acd::Actions)>;

  AgentFeatureCodes(acd::Acd& acd, ActionSink on_actions)
      : acd_(acd), on_actions_(std::move(on_actions)) {}

  static bool IsFeatureCode(const std::string& number);

  // REQUIRES: IsFeatureCode(code). `agent` is the authenticated SIP user dialling.
  FeatureCodeOutcome Apply(const std::string& agent, const std::string& code, TimePoint now);

 private:
  // Hands the actions on; false (and the error) if the ACD refused the input.
  bool Report(Result<acd::Actions> result, std::string* error);

  acd::Acd& acd_;
  ActionSink on_actions_;
};

}  // namespace hotline::call
