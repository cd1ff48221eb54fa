// sip/nonce_ledger.h: remembers how each digest nonce we issued has been used, so that a
// captured request cannot be replayed. Each nonce-count (nc) is accepted once per nonce (a
// 64-wide window below the highest nc seen, as IPsec's anti-replay window), and a nonce that
// came with a wrong password is burned: the next guess needs a new challenge. Entries live
// until their nonce is stale anyway; when the ledger is full the oldest entries go and every
// nonce issued up to then is refused (the client simply gets a fresh challenge), so forgetting
// can never let a replay through.
// Pure (time is a parameter); owned by the SIP control thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace hotline::sip {

class NonceLedger {
 public:
  // max_entries bounds memory (about 100 bytes an entry).
  explicit NonceLedger(size_t max_entries = 200000);

  enum class Use { kFirst, kReplayed, kForgotten };
  // Records nonce-count nc for nonce (issued at `issued`). kReplayed: this nc was already used
  // (or fell below the window), or the nonce was burned; kForgotten: the ledger dropped
  // entries issued this early, it cannot vouch for the nonce (re-challenge).
  Use Record(std::string_view nonce, uint32_t nc, TimePoint issued);
  // No request may use this nonce again.
  void Burn(std::string_view nonce, TimePoint issued);
  // Drops entries issued before `oldest_valid` (their nonces are stale by then).
  void Expire(TimePoint oldest_valid);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    TimePoint issued;
    bool burned = false;
    uint32_t highest = 0;  // highest nc seen
    uint64_t window = 0;   // bit i: nc == highest - i was seen
  };
  Entry* FindOrAdd(std::string_view nonce, TimePoint issued, bool* forgotten);
  void EvictOldest();

  size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<TimePoint, std::string>> by_age_;  // insertion order ~ issue order
  bool have_watermark_ = false;
  TimePoint watermark_{};  // nonces issued at or before this were forgotten
};

}  // namespace hotline::sip
