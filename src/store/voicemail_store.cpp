#include "store/voicemail_store.h"

#include "store/cdr_store.h"

namespace hotline::store {

Result<int64_t> VoicemailStore::Add(const NewVoicemail& message) {
  if (message.mailbox.empty()) return Error{"voicemail without a mailbox"};
  if (message.path.empty()) return Error{"voicemail for " + message.mailbox + " without a file"};
  if (message.duration_ms < 0 || message.size_bytes < 0) {
    return Error{"voicemail " + message.path + ": negative duration or size"};
  }
  auto insert = db_.Prepare(
      "INSERT INTO voicemails (mailbox, caller_number, call_id, path, received_time, "
      "  received_ms, duration_ms, size_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return insert.error();
  Status run = insert->Bind(1, message.mailbox)
                   .Bind(2, message.caller_number)
                   .Bind(3, message.call_id)
                   .Bind(4, message.path)
                   .Bind(5, FormatIsoUtc(message.received_time))
                   .Bind(6, EpochMs(message.received_time))
                   .Bind(7, message.duration_ms)
                   .Bind(8, message.size_bytes)
                   .Run();
  if (!run.ok()) return Error{run.message()};
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.handle()));
}

Result<std::vector<Voicemail>> VoicemailStore::ListByMailbox(const std::string& mailbox,
                                                             bool unheard_only) {
  auto query = db_.Prepare(
      "SELECT id, mailbox, caller_number, call_id, path, received_time, received_ms, "
      "  duration_ms, size_bytes, listened FROM voicemails "
      "WHERE mailbox = ?1 AND (?2 = 0 OR listened = 0) ORDER BY received_ms, id");
  if (!query) return query.error();
  query->Bind(1, mailbox).Bind(2, unheard_only ? 1 : 0);
  std::vector<Voicemail> messages;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    Voicemail v;
    v.id = query->Int(0);
    v.mailbox = query->Text(1);
    v.caller_number = query->Text(2);
    v.call_id = query->Text(3);
    v.path = query->Text(4);
    v.received_time = query->Text(5);
    v.received_ms = query->Int(6);
    v.duration_ms = query->Int(7);
    v.size_bytes = query->Int(8);
    v.listened = query->Int(9) != 0;
    messages.push_back(std::move(v));
  }
  return messages;
}

Status VoicemailStore::MarkListened(int64_t id) {
  auto update = db_.Prepare("UPDATE voicemails SET listened = 1 WHERE id = ?1");
  if (!update) return update.error();
  if (auto run = update->Bind(1, id).Run(); !run.ok()) return run;
  // Changes() counts matched rows, so a message already heard still counts as found.
  if (db_.Changes() == 0) return Error{"no voicemail with id " + std::to_string(id)};
  return Status::Ok();
}

}  // namespace hotline::store
