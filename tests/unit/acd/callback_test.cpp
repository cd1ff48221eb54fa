// Callback in queue: keeps its place, then "dial back with agent X".
#include <gtest/gtest.h>

#include "acd_test_support.h"

namespace hotline::acd {
namespace {

using namespace hotline::acd::testing;

TEST(Callback, KeepsItsPlaceAndYieldsACallbackWithTheAgentReserved) {
  Acd acd;
  QueueConfig queue = SimpleQueue("q");
  queue.max_wait = std::chrono::seconds(60);
  MustOk(acd.AddQueue(queue));
  EnqueueCall(acd, "c1", "q", 0, 0, false, "555");
  EnqueueCall(acd, "c2", "q", 1);
  Must(acd.RequestCallback("c1", At(5)));
  EXPECT_TRUE(Must(acd.Call("c1")).callback);
  EXPECT_TRUE(Must(acd.Stats("q", At(5))).calls[0].callback);
  // max_wait does not apply to the callback; c2 leaves at 61 s.
  Actions tick = acd.Tick(At(61));
  ASSERT_EQ(All<ToVoicemail>(tick).size(), 1u);
  EXPECT_EQ(All<ToVoicemail>(tick)[0].call, "c2");
  Actions ready = ReadyAgent(acd, "a1", {{"sales", 1}}, 70);
  EXPECT_TRUE(All<Offer>(ready).empty());
  std::vector<Callback> callbacks = All<Callback>(ready);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].call, "c1");
  EXPECT_EQ(callbacks[0].agent, "a1");
  EXPECT_EQ(callbacks[0].caller_number, "555");
  EXPECT_EQ(StateOf(acd, "a1"), AgentState::kReserved);
  Must(acd.AgentAnswered("c1", "a1", At(80)));  // the caller picked up
  EXPECT_EQ(StateOf(acd, "a1"), AgentState::kOnCall);
}

TEST(Callback, UnreachableCallerFreesTheAgent) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  EnqueueCall(acd, "c1", "q", 0);
  Must(acd.RequestCallback("c1", At(1)));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 2);
  Must(acd.Abandon("c1", At(30)));
  EXPECT_EQ(StateOf(acd, "a1"), AgentState::kReady);
}

TEST(Callback, OnlyAWaitingCallCanBecomeOne) {
  Acd acd;
  MustOk(acd.AddQueue(SimpleQueue("q")));
  ReadyAgent(acd, "a1", {{"sales", 1}}, 0);
  EnqueueCall(acd, "c1", "q", 1);  // ringing
  EXPECT_FALSE(acd.RequestCallback("c1", At(2)).ok());
  EXPECT_FALSE(acd.RequestCallback("nope", At(2)).ok());
}

}  // namespace
}  // namespace hotline::acd
