// common/clock.h: injectable time. Pure cores take a Clock so tests and simulations can run
// a day in microseconds (ManualClock); production code uses SystemClock.
#pragma once

#include <chrono>

namespace hotline {

using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for timers and durations.
  virtual TimePoint Now() const = 0;
  // Calendar time, for records shown to people.
  virtual WallTime WallNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
  }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to; for tests and simulations.
class ManualClock final : public Clock {
 public:
  TimePoint Now() const override { return now_; }
  WallTime WallNow() const override { return wall_start_ + (now_ - TimePoint{}); }
  void Advance(Duration by) { now_ += by; }

 private:
  TimePoint now_{};
  WallTime wall_start_{};
};

}  // namespace hotline
