// acd/random_source.h: the ACD's deterministic random numbers (SplitMix64), or a caller's
// function when injected through AcdConfig::random.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "acd/strategy.h"

namespace hotline::acd {

class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed, std::function<std::uint64_t()> injected = {})
      : state_(seed), injected_(std::move(injected)) {}
  std::uint64_t Next() override {
    if (injected_) return injected_();
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
  std::function<std::uint64_t()> injected_;
};

}  // namespace hotline::acd
