#include "acd/erlang.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace hotline::acd {

double ErlangB(int agents, double traffic) {
  double blocking = 1.0;
  for (int k = 1; k <= agents; ++k) blocking = traffic * blocking / (k + traffic * blocking);
  return blocking;
}

double ErlangC(int agents, double traffic) {
  if (traffic >= agents) return 1.0;
  const double blocking = ErlangB(agents, traffic);
  return agents * blocking / (agents - traffic * (1.0 - blocking));
}

ErlangPrediction PredictErlangC(const ErlangInputs& in) {
  const double traffic = in.arrival_rate_per_s * in.mean_handle_s;
  ErlangPrediction out;
  out.p_wait = ErlangC(in.agents, traffic);
  if (traffic >= in.agents) {
    out.asa_s = std::numeric_limits<double>::infinity();
    out.occupancy = 1.0;
    return out;
  }
  const double spare = in.agents - traffic;
  out.service_level = 1.0 - out.p_wait * std::exp(-spare * in.answer_target_s / in.mean_handle_s);
  out.asa_s = out.p_wait * in.mean_handle_s / spare;
  out.occupancy = traffic / in.agents;
  return out;
}

namespace {

// Stationary distribution of the number of callers in the system (birth-death chain), in
// log space so that large centers do not overflow; truncated where terms become negligible.
std::vector<double> Stationary(double lambda, double mu, double theta, int n) {
  std::vector<double> log_p{0.0};
  for (int k = 1;; ++k) {
    const double death = std::min(k, n) * mu + std::max(0, k - n) * theta;
    log_p.push_back(log_p.back() + std::log(lambda / death));
    if (k > n && log_p.back() < log_p[n] - 40 && log_p.back() < log_p[k - 1]) break;
    if (k > n + 2'000'000) break;  // safety net; unreachable for stable inputs
  }
  const double top = *std::max_element(log_p.begin(), log_p.end());
  double total = 0;
  for (double& value : log_p) total += (value = std::exp(value - top));
  for (double& value : log_p) value /= total;
  return log_p;
}

}  // namespace

ErlangPrediction PredictErlangA(const ErlangInputs& in) {
  if (in.mean_patience_s <= 0) return PredictErlangC(in);
  const double lambda = in.arrival_rate_per_s;
  const double mu = 1.0 / in.mean_handle_s;
  const double theta = 1.0 / in.mean_patience_s;
  const int n = in.agents;
  const double all_busy = n * mu;
  const std::vector<double> p = Stationary(lambda, mu, theta, n);
  const int waiting_max = static_cast<int>(p.size()) - 1 - n;

  ErlangPrediction out;
  double abandon_rate = 0;
  for (int k = 0; k < n && k < static_cast<int>(p.size()); ++k) out.service_level += p[k];
  // `ahead[j]`: probability that an arrival finds j callers waiting (all agents busy).
  std::vector<double> ahead(std::max(0, waiting_max + 1), 0.0);
  for (int j = 0; j <= waiting_max; ++j) {
    ahead[j] = p[n + j];
    out.p_wait += ahead[j];
    abandon_rate += p[n + j] * j * theta;
  }
  out.p_abandon = abandon_rate / lambda;
  // A tagged waiting caller with m callers ahead moves up at rate n*mu + m*theta and abandons
  // at rate theta. served[m] = P(served), timed[m] = E[wait; served] (recurrences on m).
  double served_total = 1.0 - out.p_wait;  // answered at once
  double timed_total = 0;
  double served_prev = 1.0, timed_prev = 0.0;
  for (int m = 0; m <= waiting_max; ++m) {
    const double move = all_busy + m * theta;
    const double p_move = move / (move + theta);
    const double served = p_move * served_prev;
    const double timed = p_move * (served_prev / (move + theta) + timed_prev);
    served_total += ahead[m] * served;
    timed_total += ahead[m] * timed;
    served_prev = served;
    timed_prev = timed;
  }
  out.asa_s = served_total > 0 ? timed_total / served_total : 0;
  out.occupancy = lambda * (1.0 - out.p_abandon) / all_busy;
  // P(served within T): uniformize the "callers ahead" chain (all starting states at once,
  // the chain is linear) and weigh step counts by the Poisson law of the uniformized clock.
  const double uniform_rate = all_busy + (waiting_max + 1) * theta;
  const double mean_steps = uniform_rate * in.answer_target_s;
  const int max_steps = static_cast<int>(mean_steps + 12 * std::sqrt(mean_steps) + 30);
  std::vector<double> mass = ahead, next(mass.size());
  double served_mass = 0;
  double log_poisson = -mean_steps;  // log P(N = 0)
  double within = 0;
  for (int step = 0; step <= max_steps; ++step) {
    within += std::exp(log_poisson) * served_mass;
    std::fill(next.begin(), next.end(), 0.0);
    for (int m = 0; m <= waiting_max; ++m) {
      const double move = all_busy + m * theta;
      if (m == 0) {
        served_mass += mass[0] * move / uniform_rate;
      } else {
        next[m - 1] += mass[m] * move / uniform_rate;
      }
      next[m] += mass[m] * (1.0 - (move + theta) / uniform_rate);
    }
    mass.swap(next);
    log_poisson += std::log(mean_steps) - std::log(step + 1.0);
  }
  out.service_level += within;
  return out;
}

}  // namespace hotline::acd
