#include "sip/nonce_ledger.h"

#include <gtest/gtest.h>

#include <string>

namespace hotline::sip {
namespace {

using Use = NonceLedger::Use;
TimePoint At(int64_t ms) { return TimePoint(Duration(ms)); }

TEST(NonceLedger, EachCountOnce) {
  NonceLedger ledger;
  EXPECT_EQ(ledger.Record("n", 1, At(0)), Use::kFirst);
  EXPECT_EQ(ledger.Record("n", 1, At(0)), Use::kReplayed);
  EXPECT_EQ(ledger.Record("n", 2, At(0)), Use::kFirst);
  EXPECT_EQ(ledger.Record("other", 1, At(0)), Use::kFirst);
}

TEST(NonceLedger, OutOfOrderCountsWithinTheWindow) {
  NonceLedger ledger;
  EXPECT_EQ(ledger.Record("n", 10, At(0)), Use::kFirst);
  EXPECT_EQ(ledger.Record("n", 7, At(0)), Use::kFirst);
  EXPECT_EQ(ledger.Record("n", 7, At(0)), Use::kReplayed);
  EXPECT_EQ(ledger.Record("n", 9, At(0)), Use::kFirst);
  EXPECT_EQ(ledger.Record("n", 100, At(0)), Use::kFirst);
  EXPECT_EQ(ledger.Record("n", 37, At(0)), Use::kFirst);     // 63 below: still in the window
  EXPECT_EQ(ledger.Record("n", 36, At(0)), Use::kReplayed);  // 64 below: too old to tell
  EXPECT_EQ(ledger.Record("n", 10, At(0)), Use::kReplayed);
  EXPECT_EQ(ledger.Record("n", 0, At(0)), Use::kReplayed);  // nc starts at 1
}

TEST(NonceLedger, ExhaustiveSmallSequencesNeverAcceptACountTwice) {
  // Every order of counts 1..6: each accepted exactly once.
  std::vector<uint32_t> counts = {1, 2, 3, 4, 5, 6};
  do {
    NonceLedger ledger;
    for (uint32_t nc : counts) EXPECT_EQ(ledger.Record("n", nc, At(0)), Use::kFirst);
    for (uint32_t nc : counts) EXPECT_EQ(ledger.Record("n", nc, At(0)), Use::kReplayed);
  } while (std::next_permutation(counts.begin(), counts.end()));
}

TEST(NonceLedger, BurnedNonceIsDead) {
  NonceLedger ledger;
  ledger.Burn("n", At(0));
  EXPECT_EQ(ledger.Record("n", 1, At(0)), Use::kReplayed);
  EXPECT_EQ(ledger.Record("n", 2, At(0)), Use::kReplayed);
}

TEST(NonceLedger, FullLedgerForgetsOldestAndRefusesWhatItForgot) {
  NonceLedger ledger(3);
  EXPECT_EQ(ledger.Record("a", 1, At(1)), Use::kFirst);
  EXPECT_EQ(ledger.Record("b", 1, At(2)), Use::kFirst);
  EXPECT_EQ(ledger.Record("c", 1, At(3)), Use::kFirst);
  EXPECT_EQ(ledger.Record("d", 1, At(4)), Use::kFirst);  // "a" goes
  EXPECT_EQ(ledger.size(), 3u);
  // "a" (and any nonce issued as early) cannot be vouched for: re-challenge, never accept.
  EXPECT_EQ(ledger.Record("a", 1, At(1)), Use::kForgotten);
  EXPECT_EQ(ledger.Record("a", 2, At(1)), Use::kForgotten);
  EXPECT_EQ(ledger.Record("z", 1, At(0)), Use::kForgotten);
  EXPECT_EQ(ledger.Record("e", 1, At(5)), Use::kFirst);
}

TEST(NonceLedger, ExpireDropsStaleEntries) {
  NonceLedger ledger;
  ledger.Record("old", 1, At(0));
  ledger.Record("new", 1, At(5000));
  ledger.Expire(At(1000));
  EXPECT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger.Record("new", 1, At(5000)), Use::kReplayed);
}

}  // namespace
}  // namespace hotline::sip
