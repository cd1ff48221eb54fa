#include "store/voicemail_store.h"

#include <gtest/gtest.h>

#include <string>

#include "store/cdr_store.h"  // EpochMs
#include "store_test_support.h"

namespace hotline::store {
namespace {

using test_support::At;

class VoicemailStoreTest : public test_support::TempDirTest {};

NewVoicemail Message(const std::string& mailbox, int64_t at_ms) {
  NewVoicemail m;
  m.mailbox = mailbox;
  m.caller_number = "13800138000";
  m.call_id = "call-" + std::to_string(at_ms);
  m.path = "/var/lib/hotline/voicemail/" + mailbox + "/" + std::to_string(at_ms) + ".wav";
  m.received_time = At(at_ms);
  m.duration_ms = 12340;
  m.size_bytes = 197440;
  return m;
}

TEST_F(VoicemailStoreTest, AddListMarkListened) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  VoicemailStore store(*db);
  auto second = store.Add(Message("1003", 5000));
  auto first = store.Add(Message("1003", 1000));
  auto other = store.Add(Message("sales", 3000));
  ASSERT_TRUE(first.ok() && second.ok() && other.ok());

  auto list = store.ListByMailbox("1003");
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *first);  // oldest first
  EXPECT_EQ((*list)[1].id, *second);
  const Voicemail& v = (*list)[0];
  EXPECT_EQ(v.mailbox, "1003");
  EXPECT_EQ(v.caller_number, "13800138000");
  EXPECT_EQ(v.call_id, "call-1000");
  EXPECT_EQ(v.path, "/var/lib/hotline/voicemail/1003/1000.wav");
  EXPECT_EQ(v.received_time, "2024-05-01T08:00:01.000Z");
  EXPECT_EQ(v.received_ms, EpochMs(At(1000)));
  EXPECT_EQ(v.duration_ms, 12340);
  EXPECT_EQ(v.size_bytes, 197440);
  EXPECT_FALSE(v.listened);

  ASSERT_TRUE(store.MarkListened(*first).ok());
  ASSERT_TRUE(store.MarkListened(*first).ok());  // idempotent
  EXPECT_FALSE(store.MarkListened(*other + 100).ok());
  list = store.ListByMailbox("1003");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE((*list)[0].listened);
  EXPECT_FALSE((*list)[1].listened);
  auto unheard = store.ListByMailbox("1003", /*unheard_only=*/true);
  ASSERT_TRUE(unheard.ok());
  ASSERT_EQ(unheard->size(), 1u);
  EXPECT_EQ((*unheard)[0].id, *second);
  EXPECT_TRUE(store.ListByMailbox("nobody")->empty());
}

TEST_F(VoicemailStoreTest, BadMessagesAreRefused) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  VoicemailStore store(*db);
  NewVoicemail m = Message("1003", 0);
  m.mailbox = "";
  EXPECT_FALSE(store.Add(m).ok());
  m = Message("1003", 0);
  m.path = "";
  EXPECT_FALSE(store.Add(m).ok());
  m = Message("1003", 0);
  m.duration_ms = -1;
  EXPECT_FALSE(store.Add(m).ok());
  m = Message("1003", 0);
  m.caller_number = "";  // anonymous is fine
  m.call_id = "'; DELETE FROM voicemails; --";
  ASSERT_TRUE(store.Add(m).ok());
  auto list = store.ListByMailbox("1003");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].call_id, m.call_id);
}

}  // namespace
}  // namespace hotline::store
