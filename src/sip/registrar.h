// sip/registrar.h: the location service. Keeps, per user, the contacts it registered (RFC 3261
// 10.3): applies REGISTER requests (add/refresh/remove bindings, Contact "*", Expires rules,
// Min-Expires / 423, Call-ID + CSeq ordering) and answers lookups with live contacts only.
// Pure: no I/O, time is a parameter. Owned by the SIP control thread; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace hotline::sip {

// Where a REGISTER came from (the phone's address as seen by us, for NAT traversal).
struct BindingSource {
  std::string ip;
  uint16_t port = 0;
  std::string transport = "udp";  // "udp" or "tcp"

  bool operator==(const BindingSource&) const = default;
};

// One Contact header entry of a REGISTER.
struct ContactRequest {
  std::string uri;             // the Contact URI, compared as an exact string
  std::optional<int> expires;  // the Contact's expires parameter, seconds
  std::optional<double> q;     // q-value 0.0-1.0
};

struct RegisterRequest {
  std::string user;                      // user part of the To AOR
  bool wildcard = false;                 // "Contact: *" (then contacts must be empty and Expires 0)
  std::vector<ContactRequest> contacts;  // empty and !wildcard = a query for current bindings
  std::optional<int> expires_header;     // the Expires header, seconds
  std::string call_id;
  uint32_t cseq = 0;
  BindingSource source;
};

struct Binding {
  std::string contact_uri;
  BindingSource source;
  TimePoint expires_at{};
  TimePoint updated_at{};
  std::string call_id;
  uint32_t cseq = 0;
  std::optional<double> q;
};

// A binding with the seconds it has left (rounded up), for a 200 OK's Contact;expires=.
struct BindingStatus {
  Binding binding;
  int expires_s = 0;
};

struct RegisterResult {
  int status = 200;  // 200, 400 (bad request), 403 (too many contacts),
                     // 423 (interval too brief), 500 (out-of-order CSeq)
  std::string reason = "OK";
  int min_expires_s = 0;                // with 423: the Min-Expires header value
  std::vector<BindingStatus> bindings;  // with 200: every current binding of the user

  bool ok() const { return status == 200; }
};

struct RegistrarOptions {
  int min_expires_s = 60;
  int max_expires_s = 3600;      // longer requests are shortened to this
  int default_expires_s = 3600;  // when neither the Contact nor the request says (clamped)
  size_t max_contacts_per_user = 10;
};

// Called when a user goes from no binding to some (registered = true) or back (false).
using RegistrationListener = std::function<void(const std::string& user, bool registered)>;

class Registrar {
 public:
  explicit Registrar(RegistrarOptions options = {});

  // Applies one REGISTER atomically: either every contact is applied or none is.
  RegisterResult Register(const RegisterRequest& request, TimePoint now);

  // Live bindings of a user, highest q first (absent q counts as 1.0), then most recently
  // updated first. Drops the user's expired bindings.
  std::vector<Binding> Lookup(const std::string& user, TimePoint now);

  // Removes every expired binding. Returns how many were removed.
  size_t Expire(TimePoint now);

  // The earliest expires_at of any binding, to arm a purge timer; nullopt if none.
  std::optional<TimePoint> NextExpiry() const;

  void SetListener(RegistrationListener listener) { listener_ = std::move(listener); }

  // Counts including not yet purged expired bindings.
  size_t user_count() const { return users_.size(); }
  size_t binding_count() const;

  const RegistrarOptions& options() const { return options_; }

 private:
  // Drops expired bindings of one user; erases the user if none is left and appends it to
  // *emptied (the caller notifies). Returns how many bindings were dropped.
  size_t PurgeUser(std::map<std::string, std::vector<Binding>>::iterator it, TimePoint now,
                   std::vector<std::string>* emptied);
  std::vector<BindingStatus> StatusOf(const std::string& user, TimePoint now) const;
  void Notify(const std::string& user, bool registered);

  RegistrarOptions options_;
  std::map<std::string, std::vector<Binding>> users_;
  RegistrationListener listener_;
};

}  // namespace hotline::sip
