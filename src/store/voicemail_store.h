// store/voicemail_store.h: voicemail messages left in mailboxes (table voicemails of
// hotline.db, migration 2). The audio is a file at `path`; this store keeps only its record.
// Not thread-safe: a VoicemailStore uses the SqliteDb it is given, which belongs to one
// thread; the caller keeps that SqliteDb alive for the store's lifetime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace hotline::store {

struct NewVoicemail {
  std::string mailbox;        // required: an extension, queue or agent name
  std::string caller_number;  // as presented; may be empty (anonymous)
  std::string call_id;        // calls.id of the call that left it
  std::string path;           // required: the audio file
  WallTime received_time{};
  int64_t duration_ms = 0;
  int64_t size_bytes = 0;
};

struct Voicemail {
  int64_t id = 0;
  std::string mailbox;
  std::string caller_number;
  std::string call_id;
  std::string path;
  std::string received_time;  // ISO-8601 UTC
  int64_t received_ms = 0;
  int64_t duration_ms = 0;
  int64_t size_bytes = 0;
  bool listened = false;
};

class VoicemailStore {
 public:
  // REQUIRES: db carries HotlineMigrations() (see OpenHotlineDb) and outlives the store.
  explicit VoicemailStore(SqliteDb& db) : db_(db) {}

  // Stores a new, unheard message; returns its id. Error if mailbox or path is empty or a
  // size is negative.
  Result<int64_t> Add(const NewVoicemail& message);
  // The mailbox's messages, oldest first; only the unheard ones if `unheard_only`.
  Result<std::vector<Voicemail>> ListByMailbox(const std::string& mailbox,
                                               bool unheard_only = false);
  // Marks a message heard. Idempotent; Error if no message has this id.
  Status MarkListened(int64_t id);

 private:
  SqliteDb& db_;
};

}  // namespace hotline::store
