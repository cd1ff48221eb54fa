// sip/nonce_ledger.cpp: see nonce_ledger.h.
#include "sip/nonce_ledger.h"

namespace hotline::sip {

namespace {
constexpr uint32_t kWindow = 64;
}

NonceLedger::NonceLedger(size_t max_entries) : max_entries_(max_entries == 0 ? 1 : max_entries) {}

NonceLedger::Entry* NonceLedger::FindOrAdd(std::string_view nonce, TimePoint issued,
                                           bool* forgotten) {
  *forgotten = false;
  auto it = entries_.find(std::string(nonce));
  if (it != entries_.end()) return &it->second;
  if (have_watermark_ && issued <= watermark_) {
    *forgotten = true;
    return nullptr;
  }
  while (entries_.size() >= max_entries_) EvictOldest();
  by_age_.emplace_back(issued, std::string(nonce));
  Entry& entry = entries_[std::string(nonce)];
  entry.issued = issued;
  return &entry;
}

void NonceLedger::EvictOldest() {
  if (by_age_.empty()) return;
  auto [issued, nonce] = std::move(by_age_.front());
  by_age_.pop_front();
  entries_.erase(nonce);
  if (!have_watermark_ || issued > watermark_) watermark_ = issued;
  have_watermark_ = true;
}

NonceLedger::Use NonceLedger::Record(std::string_view nonce, uint32_t nc, TimePoint issued) {
  bool forgotten = false;
  Entry* entry = FindOrAdd(nonce, issued, &forgotten);
  if (forgotten) return Use::kForgotten;
  if (entry->burned || nc == 0) return Use::kReplayed;
  if (entry->window == 0 || nc > entry->highest) {
    uint32_t shift = entry->window == 0 ? kWindow : nc - entry->highest;
    entry->window = shift >= kWindow ? 1 : (entry->window << shift) | 1;
    entry->highest = nc;
    return Use::kFirst;
  }
  uint32_t below = entry->highest - nc;
  if (below >= kWindow) return Use::kReplayed;
  uint64_t bit = uint64_t{1} << below;
  if (entry->window & bit) return Use::kReplayed;
  entry->window |= bit;
  return Use::kFirst;
}

void NonceLedger::Burn(std::string_view nonce, TimePoint issued) {
  bool forgotten = false;
  Entry* entry = FindOrAdd(nonce, issued, &forgotten);
  if (entry != nullptr) entry->burned = true;
}

void NonceLedger::Expire(TimePoint oldest_valid) {
  while (!by_age_.empty() && by_age_.front().first < oldest_valid) {
    entries_.erase(by_age_.front().second);
    by_age_.pop_front();
  }
}

}  // namespace hotline::sip
