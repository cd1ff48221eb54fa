// acd/erlang.h: queueing predictions for a single-skill queue, used to check the ACD's
// simulation (bench/acd/acd_sim) and for staffing. Pure math, no state. (The WFM layer will
// own this file once it exists.)
//  - Erlang C (M/M/n): Poisson arrivals, exponential handle times, callers never hang up.
//  - Erlang A (M/M/n+M): the same, plus exponential patience: a waiting caller abandons at
//    rate 1 / mean_patience. Computed from the birth-death chain (truncated where the
//    remaining probability is negligible) and, for the waiting-time figures, the chain of
//    "callers still ahead of me" seen by an arriving caller.
#pragma once

namespace hotline::acd {

struct ErlangInputs {
  double arrival_rate_per_s = 0;  // lambda
  double mean_handle_s = 0;       // 1 / mu
  int agents = 0;                 // n
  double mean_patience_s = 0;     // 1 / theta; 0 = callers never abandon (Erlang C)
  double answer_target_s = 20;    // service level threshold T
};

struct ErlangPrediction {
  double p_wait = 0;         // probability that an arriving caller waits at all
  double service_level = 0;  // fraction of arrivals answered within T
  double asa_s = 0;          // average speed of answer of answered calls (zero waits included)
  double p_abandon = 0;      // fraction of arrivals who abandon
  double occupancy = 0;      // fraction of agent time spent handling calls
};

// Erlang B blocking probability for `traffic` Erlangs on `agents` lines.
double ErlangB(int agents, double traffic_erlangs);
// Erlang C probability of waiting; 1 when traffic >= agents (the queue grows without end).
double ErlangC(int agents, double traffic_erlangs);

// REQUIRES: arrival_rate_per_s > 0, mean_handle_s > 0, agents > 0. Erlang C needs traffic
// below agents for finite waits (else p_wait = 1, service_level = 0, asa_s = +inf).
ErlangPrediction PredictErlangC(const ErlangInputs& inputs);
// REQUIRES: as above and mean_patience_s > 0 (with 0 it returns PredictErlangC).
ErlangPrediction PredictErlangA(const ErlangInputs& inputs);

}  // namespace hotline::acd
