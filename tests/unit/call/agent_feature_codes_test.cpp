#include "call/agent_feature_codes.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace hotline::call {
namespace {

class AgentFeatureCodesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(acd_.AddAgent({"1001", {}}).ok()); }
  FeatureCodeOutcome Dial(const std::string& code) {
    clock_.Advance(std::chrono::seconds(1));
    return codes_.Apply("1001", code, clock_.Now());
  }
  acd::AgentState State() { return acd_.Agent("1001")->state; }

  ManualClock clock_;
  acd::Acd acd_;
  std::vector<acd::AgentStateChanged> changes_;
  AgentFeatureCodes codes_{acd_, [this](const acd::Actions& actions) {
                             for (const auto& action : actions) {
                               if (const auto* c = std::get_if<acd::AgentStateChanged>(&action)) {
                                 changes_.push_back(*c);
                               }
                             }
                           }};
};

TEST_F(AgentFeatureCodesTest, RecognisesOnlyTheThreeCodes) {
  EXPECT_TRUE(AgentFeatureCodes::IsFeatureCode("*11"));
  EXPECT_TRUE(AgentFeatureCodes::IsFeatureCode("*12"));
  EXPECT_TRUE(AgentFeatureCodes::IsFeatureCode("*13"));
  EXPECT_FALSE(AgentFeatureCodes::IsFeatureCode("*14"));
  EXPECT_FALSE(AgentFeatureCodes::IsFeatureCode("11"));
  EXPECT_FALSE(AgentFeatureCodes::IsFeatureCode(""));
}

TEST_F(AgentFeatureCodesTest, LoginMakesReadyAndEveryChangeIsReported) {
  EXPECT_EQ(State(), acd::AgentState::kLoggedOut);  // agents start logged out
  auto outcome = Dial("*11");
  EXPECT_TRUE(outcome.ok);
  EXPECT_EQ(State(), acd::AgentState::kReady);
  ASSERT_FALSE(changes_.empty());
  EXPECT_EQ(changes_.front().from, acd::AgentState::kLoggedOut);
  EXPECT_EQ(changes_.back().to, acd::AgentState::kReady);
  for (const auto& change : changes_) EXPECT_EQ(change.agent, "1001");
  size_t before = changes_.size();
  EXPECT_TRUE(Dial("*11").ok);  // already ready: no change, still confirmed
  EXPECT_EQ(changes_.size(), before);
}

TEST_F(AgentFeatureCodesTest, ToggleAndLogout) {
  EXPECT_FALSE(Dial("*13").ok);  // not logged in
  EXPECT_TRUE(changes_.empty());
  Dial("*11");
  EXPECT_TRUE(Dial("*13").ok);
  EXPECT_EQ(State(), acd::AgentState::kNotReady);
  EXPECT_EQ(changes_.back().reason, "manual");
  EXPECT_TRUE(Dial("*13").ok);
  EXPECT_EQ(State(), acd::AgentState::kReady);
  EXPECT_TRUE(Dial("*12").ok);
  EXPECT_EQ(State(), acd::AgentState::kLoggedOut);
  EXPECT_EQ(changes_.back().to, acd::AgentState::kLoggedOut);
  EXPECT_TRUE(Dial("*12").ok);  // logging out twice is harmless
}

TEST_F(AgentFeatureCodesTest, UnknownAgentIsRefused) {
  auto outcome = codes_.Apply("9999", "*11", clock_.Now());
  EXPECT_FALSE(outcome.ok);
  EXPECT_FALSE(outcome.say_en.empty());
  EXPECT_FALSE(outcome.say_zh.empty());
}

}  // namespace
}  // namespace hotline::call
