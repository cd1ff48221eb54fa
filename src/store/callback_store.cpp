#include "store/callback_store.h"

namespace hotline::store {

Status CallbackStore::Save(const WaitingCallback& callback) {
  if (callback.acd_id.empty() || callback.number.empty()) {
    return Error{"a callback needs an id and a number"};
  }
  auto insert = db_.Prepare(
      "INSERT OR REPLACE INTO callbacks (acd_id, number, sip_user, trunk_uri_host, language, "
      "  queue, original_call, queued_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return insert.error();
  return insert->Bind(1, callback.acd_id)
      .Bind(2, callback.number)
      .Bind(3, callback.sip_user)
      .Bind(4, callback.trunk_uri_host)
      .Bind(5, callback.language)
      .Bind(6, callback.queue)
      .Bind(7, callback.original_call)
      .Bind(8, callback.queued_ms)
      .Run();
}

Status CallbackStore::Delete(const std::string& acd_id) {
  auto remove = db_.Prepare("DELETE FROM callbacks WHERE acd_id = ?1");
  if (!remove) return remove.error();
  return remove->Bind(1, acd_id).Run();
}

Result<std::vector<WaitingCallback>> CallbackStore::All() {
  auto query = db_.Prepare(
      "SELECT acd_id, number, sip_user, trunk_uri_host, language, queue, original_call, "
      "  queued_ms FROM callbacks ORDER BY queued_ms, rowid");
  if (!query) return query.error();
  std::vector<WaitingCallback> out;
  while (true) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    WaitingCallback c;
    c.acd_id = query->Text(0);
    c.number = query->Text(1);
    c.sip_user = query->Text(2);
    c.trunk_uri_host = query->Text(3);
    c.language = query->Text(4);
    c.queue = query->Text(5);
    c.original_call = query->Text(6);
    c.queued_ms = query->Int(7);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace hotline::store
