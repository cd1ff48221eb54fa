#include "acd/erlang.h"

#include <gtest/gtest.h>

namespace hotline::acd {
namespace {

ErlangInputs KnownCase() {
  ErlangInputs in;
  in.arrival_rate_per_s = 48.0 / 60.0;  // 48 Erlangs with a 60 s handle time
  in.mean_handle_s = 60;
  in.agents = 50;
  in.answer_target_s = 20;
  return in;
}

TEST(Erlang, BlockingOfOneLine) { EXPECT_NEAR(ErlangB(1, 1.0), 0.5, 1e-12); }

TEST(Erlang, CKnownAnswer48ErlangsOn50Agents) {
  const ErlangPrediction c = PredictErlangC(KnownCase());
  EXPECT_NEAR(c.p_wait, 0.694, 0.002);
  EXPECT_NEAR(c.asa_s, 20.8, 0.1);
  EXPECT_NEAR(c.service_level, 0.643, 0.002);
  EXPECT_NEAR(c.occupancy, 0.96, 1e-9);
}

TEST(Erlang, COverloadedQueueAlwaysWaits) {
  ErlangInputs in = KnownCase();
  in.agents = 40;
  const ErlangPrediction c = PredictErlangC(in);
  EXPECT_EQ(c.p_wait, 1.0);
  EXPECT_EQ(c.service_level, 0.0);
}

TEST(Erlang, AWithVeryPatientCallersApproachesC) {
  ErlangInputs in = KnownCase();
  in.mean_patience_s = 1e7;
  const ErlangPrediction a = PredictErlangA(in);
  const ErlangPrediction c = PredictErlangC(KnownCase());
  EXPECT_NEAR(a.p_wait, c.p_wait, 0.002);
  EXPECT_NEAR(a.asa_s, c.asa_s, 0.1);
  EXPECT_NEAR(a.service_level, c.service_level, 0.002);
  EXPECT_LT(a.p_abandon, 1e-4);
}

TEST(Erlang, AAbandonmentShortensWaits) {
  ErlangInputs in = KnownCase();
  in.mean_patience_s = 60;
  const ErlangPrediction a = PredictErlangA(in);
  const ErlangPrediction c = PredictErlangC(KnownCase());
  EXPECT_GT(a.p_abandon, 0.01);
  EXPECT_LT(a.p_abandon, 0.2);
  EXPECT_LT(a.asa_s, c.asa_s);
  EXPECT_GT(a.service_level, c.service_level);
  // Flow balance: answered traffic = busy agents.
  EXPECT_NEAR(a.occupancy, 0.8 * (1 - a.p_abandon) * 60 / 50, 1e-9);
}

TEST(Erlang, AHandlesOverloadWithAbandonment) {
  ErlangInputs in = KnownCase();
  in.agents = 40;  // 48 Erlangs on 40 agents: stable only thanks to abandonment
  in.mean_patience_s = 30;
  const ErlangPrediction a = PredictErlangA(in);
  EXPECT_GT(a.p_abandon, 0.1);
  EXPECT_NEAR(a.occupancy, 1.0, 0.05);
  EXPECT_GT(a.p_wait, 0.5);
  EXPECT_LT(a.p_wait, 1.0);
}

}  // namespace
}  // namespace hotline::acd
