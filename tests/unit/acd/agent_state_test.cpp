// The agent state machine: transitions, events with timestamps, wrap-up, no-answer, logout.
#include <gtest/gtest.h>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;

class AgentStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QueueConfig queue = SimpleQueue("q");
    queue.wrap_up = std::chrono::seconds(30);
    queue.ring_timeout = std::chrono::seconds(15);
    MustOk(acd_.AddQueue(queue));
    MustOk(acd_.AddAgent({"a1", {{"sales", 1}}}));
    MustOk(acd_.AddAgent({"a2", {{"sales", 1}}}));
  }
  Acd acd_;
};

TEST_F(AgentStateTest, LoginReadyNotReadyLogoutEmitTimestampedEvents) {
  Actions login = Must(acd_.AgentLogin("a1", At(1)));
  ASSERT_EQ(login.size(), 1u);
  AgentStateChanged event = std::get<AgentStateChanged>(login[0]);
  EXPECT_EQ(event.agent, "a1");
  EXPECT_EQ(event.from, AgentState::kLoggedOut);
  EXPECT_EQ(event.to, AgentState::kNotReady);
  EXPECT_EQ(event.reason, "login");
  EXPECT_EQ(event.at, At(1));
  Actions ready = Must(acd_.AgentReady("a1", At(2)));
  EXPECT_EQ(std::get<AgentStateChanged>(ready[0]).to, AgentState::kReady);
  Actions pause = Must(acd_.AgentNotReady("a1", "lunch", At(3)));
  EXPECT_EQ(std::get<AgentStateChanged>(pause[0]).reason, "lunch");
  EXPECT_EQ(Must(acd_.Agent("a1")).reason, "lunch");
  Actions logout = Must(acd_.AgentLogout("a1", At(4)));
  EXPECT_EQ(std::get<AgentStateChanged>(logout[0]).to, AgentState::kLoggedOut);
  EXPECT_EQ(std::get<AgentStateChanged>(logout[0]).at, At(4));
}

TEST_F(AgentStateTest, InvalidTransitionsAreErrorsAndChangeNothing) {
  EXPECT_FALSE(acd_.AgentReady("a1", At(1)).ok());  // logged out
  EXPECT_FALSE(acd_.AgentLogout("a1", At(1)).ok());
  EXPECT_FALSE(acd_.AgentLogin("nobody", At(1)).ok());
  Must(acd_.AgentLogin("a1", At(1)));
  EXPECT_FALSE(acd_.AgentLogin("a1", At(1)).ok());
  Must(acd_.AgentReady("a1", At(2)));
  EnqueueCall(acd_, "c1", "q", 3);
  EXPECT_FALSE(acd_.AgentNotReady("a1", "break", At(4)).ok());  // ringing
  Must(acd_.AgentAnswered("c1", "a1", At(5)));
  EXPECT_FALSE(acd_.AgentLogout("a1", At(6)).ok());  // on a call
  EXPECT_FALSE(acd_.AgentReady("a1", At(6)).ok());
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kOnCall);
}

TEST_F(AgentStateTest, FullCycleWithWrapUpBackToReadyAutomatically) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EXPECT_EQ(Offered(EnqueueCall(acd_, "c1", "q", 1)), std::vector<AgentId>{"a1"});
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kRinging);
  Must(acd_.AgentAnswered("c1", "a1", At(3)));
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kOnCall);
  EXPECT_EQ(Must(acd_.Agent("a1")).call, std::optional<CallId>("c1"));
  Must(acd_.CallEnded("c1", At(63)));
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kAfterCallWork);
  EXPECT_EQ(Must(acd_.Agent("a1")).talk_time, std::chrono::seconds(60));
  EXPECT_EQ(acd_.NextDeadline(), std::optional<TimePoint>(At(93)));
  EXPECT_TRUE(acd_.Tick(At(92)).empty());
  Actions tick = acd_.Tick(At(93));
  ASSERT_EQ(All<AgentStateChanged>(tick).size(), 1u);
  EXPECT_EQ(All<AgentStateChanged>(tick)[0].reason, "wrap_up_done");
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kReady);
}

TEST_F(AgentStateTest, WrapUpEndsWithAWaitingCallOffered) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EnqueueCall(acd_, "c1", "q", 1);
  Must(acd_.AgentAnswered("c1", "a1", At(2)));
  Must(acd_.CallEnded("c1", At(10)));
  EnqueueCall(acd_, "c2", "q", 11);  // waits: a1 is in wrap-up
  EXPECT_EQ(Must(acd_.Call("c2")).phase, CallPhase::kWaiting);
  EXPECT_EQ(Offered(acd_.Tick(At(40))), std::vector<AgentId>{"a1"});
}

TEST_F(AgentStateTest, ReadyDuringWrapUpEndsItEarly) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EnqueueCall(acd_, "c1", "q", 1);
  Must(acd_.AgentAnswered("c1", "a1", At(2)));
  Must(acd_.CallEnded("c1", At(10)));
  Must(acd_.AgentReady("a1", At(12)));
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kReady);
  EXPECT_TRUE(All<AgentStateChanged>(acd_.Tick(At(40))).empty());  // stale wrap-up timer
}

TEST_F(AgentStateTest, NoAnswerTimeoutReturnsTheCallToTheHeadAndAgentNotReady) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EnqueueCall(acd_, "c1", "q", 1);  // ringing at a1
  EnqueueCall(acd_, "c2", "q", 2);  // waits behind
  Actions timeout = acd_.Tick(At(16));
  EXPECT_EQ(All<CancelOffer>(timeout).size(), 1u);
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kNotReady);
  EXPECT_EQ(Must(acd_.Agent("a1")).reason, "no_answer");
  QueueStats stats = Must(acd_.Stats("q", At(16)));
  ASSERT_EQ(stats.calls.size(), 2u);
  EXPECT_EQ(stats.calls[0].call, "c1");  // kept its place at the head
  // The next ready agent gets c1, not c2.
  Must(acd_.AgentLogin("a2", At(17)));
  EXPECT_EQ(All<Offer>(Must(acd_.AgentReady("a2", At(17))))[0].call, "c1");
}

TEST_F(AgentStateTest, ExplicitNoAnswerAndRejectBehaveAlike) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  Must(acd_.AgentLogin("a2", At(0)));
  Must(acd_.AgentReady("a2", At(1)));
  EnqueueCall(acd_, "c1", "q", 2);  // a1 (longest idle)
  Actions no_answer = Must(acd_.AgentNoAnswer("c1", "a1", At(5)));
  EXPECT_EQ(Offered(no_answer), std::vector<AgentId>{"a2"});  // straight to the next agent
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kNotReady);
  Actions reject = Must(acd_.AgentRejected("c1", "a2", At(6)));
  EXPECT_EQ(StateOf(acd_, "a2"), AgentState::kReady);  // a rejecter stays ready...
  EXPECT_TRUE(All<Offer>(reject).empty());             // ...but is not offered c1 again
  EXPECT_FALSE(acd_.AgentAnswered("c1", "a2", At(7)).ok());
}

TEST_F(AgentStateTest, LogoutWhileRingingReturnsTheCall) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EnqueueCall(acd_, "c1", "q", 1);
  Actions logout = Must(acd_.AgentLogout("a1", At(2)));
  EXPECT_EQ(All<CancelOffer>(logout).size(), 1u);
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kLoggedOut);
  EXPECT_EQ(Must(acd_.Call("c1")).phase, CallPhase::kWaiting);
}

TEST_F(AgentStateTest, AbandonWhileRingingFreesTheAgent) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EnqueueCall(acd_, "c1", "q", 1);
  Actions abandoned = Must(acd_.Abandon("c1", At(2)));
  EXPECT_EQ(All<CancelOffer>(abandoned).size(), 1u);
  EXPECT_EQ(StateOf(acd_, "a1"), AgentState::kReady);
  EXPECT_FALSE(acd_.Call("c1").ok());
  EXPECT_FALSE(acd_.Abandon("c1", At(3)).ok());
}

TEST_F(AgentStateTest, AbandonOfAConnectedCallIsAnError) {
  Must(acd_.AgentLogin("a1", At(0)));
  Must(acd_.AgentReady("a1", At(0)));
  EnqueueCall(acd_, "c1", "q", 1);
  Must(acd_.AgentAnswered("c1", "a1", At(2)));
  EXPECT_FALSE(acd_.Abandon("c1", At(3)).ok());
}

}  // namespace
}  // namespace hotline::acd
