#include "sip/registrar.h"

#include <algorithm>
#include <chrono>

namespace hotline::sip {
namespace {

constexpr int kOneHourS = 3600;

RegisterResult Failure(int status, std::string reason) {
  RegisterResult result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

int RemainingSeconds(TimePoint expires_at, TimePoint now) {
  auto left = std::chrono::ceil<std::chrono::seconds>(expires_at - now).count();
  return static_cast<int>(std::max<decltype(left)>(left, 0));
}

bool Live(const Binding& binding, TimePoint now) { return binding.expires_at > now; }

// RFC 3261 10.3 step 6: a request is out of order when it carries the Call-ID of the existing
// binding with a CSeq that is not higher.
bool OutOfOrder(const Binding& existing, const RegisterRequest& request) {
  return existing.call_id == request.call_id && request.cseq <= existing.cseq;
}

}  // namespace

Registrar::Registrar(RegistrarOptions options) : options_(std::move(options)) {}

size_t Registrar::binding_count() const {
  size_t count = 0;
  for (const auto& [user, bindings] : users_) count += bindings.size();
  return count;
}

void Registrar::Notify(const std::string& user, bool registered) {
  if (listener_) listener_(user, registered);
}

size_t Registrar::PurgeUser(std::map<std::string, std::vector<Binding>>::iterator it, TimePoint now,
                            std::vector<std::string>* emptied) {
  auto& bindings = it->second;
  size_t removed = std::erase_if(bindings, [now](const Binding& b) { return !Live(b, now); });
  if (bindings.empty()) {
    emptied->push_back(it->first);
    users_.erase(it);
  }
  return removed;
}

std::vector<BindingStatus> Registrar::StatusOf(const std::string& user, TimePoint now) const {
  std::vector<BindingStatus> out;
  auto it = users_.find(user);
  if (it == users_.end()) return out;
  for (const Binding& binding : it->second) {
    if (Live(binding, now)) out.push_back({binding, RemainingSeconds(binding.expires_at, now)});
  }
  return out;
}

RegisterResult Registrar::Register(const RegisterRequest& request, TimePoint now) {
  if (request.user.empty()) return Failure(400, "Missing User");
  if (request.call_id.empty()) return Failure(400, "Missing Call-ID");
  if (request.expires_header.has_value() && *request.expires_header < 0) {
    return Failure(400, "Bad Expires");
  }

  // Expired bindings go first; the listener hears of it even if this request fails.
  std::vector<std::string> emptied;
  auto found = users_.find(request.user);
  if (found != users_.end()) PurgeUser(found, now, &emptied);
  for (const std::string& user : emptied) Notify(user, false);
  found = users_.find(request.user);
  const std::vector<Binding> empty;
  const std::vector<Binding>& existing = found != users_.end() ? found->second : empty;

  if (request.wildcard) {
    if (!request.contacts.empty()) return Failure(400, "Wildcard Contact With Others");
    if (request.expires_header != 0) return Failure(400, "Wildcard Contact Needs Expires 0");
    for (const Binding& binding : existing) {
      if (OutOfOrder(binding, request)) return Failure(500, "Out Of Order CSeq");
    }
    if (found != users_.end()) {
      users_.erase(found);
      Notify(request.user, false);
    }
    return RegisterResult{};
  }

  // Validate the whole request before changing anything.
  std::vector<int> expires(request.contacts.size());
  for (size_t i = 0; i < request.contacts.size(); ++i) {
    const ContactRequest& contact = request.contacts[i];
    if (contact.uri.empty()) return Failure(400, "Empty Contact");
    if (contact.q.has_value() && !(*contact.q >= 0.0 && *contact.q <= 1.0)) {
      return Failure(400, "Bad q-value");
    }
    int requested;
    if (contact.expires.has_value()) {
      requested = *contact.expires;
    } else if (request.expires_header.has_value()) {
      requested = *request.expires_header;
    } else {
      requested = std::clamp(options_.default_expires_s, options_.min_expires_s,
                             std::max(options_.min_expires_s, options_.max_expires_s));
    }
    if (requested < 0) return Failure(400, "Bad Expires");
    // RFC 3261 10.3 step 7: 423 only for 0 < interval < min (and shorter than an hour).
    if (requested > 0 && requested < options_.min_expires_s && requested < kOneHourS) {
      RegisterResult result = Failure(423, "Interval Too Brief");
      result.min_expires_s = options_.min_expires_s;
      return result;
    }
    expires[i] = std::min(requested, std::max(options_.max_expires_s, options_.min_expires_s));
    for (const Binding& binding : existing) {
      if (binding.contact_uri == contact.uri && OutOfOrder(binding, request)) {
        return Failure(500, "Out Of Order CSeq");
      }
    }
  }

  std::vector<Binding> updated = existing;
  for (size_t i = 0; i < request.contacts.size(); ++i) {
    const ContactRequest& contact = request.contacts[i];
    auto same = std::find_if(updated.begin(), updated.end(),
                             [&](const Binding& b) { return b.contact_uri == contact.uri; });
    if (expires[i] == 0) {
      if (same != updated.end()) updated.erase(same);
      continue;
    }
    Binding binding;
    binding.contact_uri = contact.uri;
    binding.source = request.source;
    binding.expires_at = now + std::chrono::seconds(expires[i]);
    binding.updated_at = now;
    binding.call_id = request.call_id;
    binding.cseq = request.cseq;
    binding.q = contact.q;
    if (same != updated.end()) {
      *same = std::move(binding);
    } else {
      updated.push_back(std::move(binding));
    }
  }
  if (updated.size() > options_.max_contacts_per_user) {
    return Failure(403, "Too Many Contacts");
  }

  bool was_registered = found != users_.end();
  bool now_registered = !updated.empty();
  if (now_registered) {
    users_[request.user] = std::move(updated);
  } else if (was_registered) {
    users_.erase(found);
  }
  RegisterResult result;
  result.bindings = StatusOf(request.user, now);
  if (was_registered != now_registered) Notify(request.user, now_registered);
  return result;
}

std::vector<Binding> Registrar::Lookup(const std::string& user, TimePoint now) {
  auto it = users_.find(user);
  if (it == users_.end()) return {};
  std::vector<std::string> emptied;
  PurgeUser(it, now, &emptied);
  for (const std::string& gone : emptied) Notify(gone, false);
  it = users_.find(user);
  if (it == users_.end()) return {};
  std::vector<Binding> out = it->second;
  std::stable_sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) {
    double qa = a.q.value_or(1.0);
    double qb = b.q.value_or(1.0);
    if (qa != qb) return qa > qb;
    return a.updated_at > b.updated_at;
  });
  return out;
}

size_t Registrar::Expire(TimePoint now) {
  size_t removed = 0;
  std::vector<std::string> emptied;
  for (auto it = users_.begin(); it != users_.end();) {
    auto next = std::next(it);
    removed += PurgeUser(it, now, &emptied);
    it = next;
  }
  // Notified after the sweep, so a listener may call back into the registrar.
  for (const std::string& user : emptied) Notify(user, false);
  return removed;
}

std::optional<TimePoint> Registrar::NextExpiry() const {
  std::optional<TimePoint> earliest;
  for (const auto& [user, bindings] : users_) {
    for (const Binding& binding : bindings) {
      if (!earliest || binding.expires_at < *earliest) earliest = binding.expires_at;
    }
  }
  return earliest;
}

}  // namespace hotline::sip
