#include "sip/sip_auth_service.h"

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include <algorithm>
#include <random>

#include "common/log.h"
#include "sip/digest_uri.h"

namespace hotline::sip {

namespace {

std::string RandomSecret() {
  std::random_device device;
  std::string secret;
  for (int i = 0; i < 4; ++i) secret += std::to_string(device());
  return secret;
}

std::vector<std::string> ParamsOf(const msg_auth_t* auth) {
  std::vector<std::string> params;
  if (auth == nullptr || auth->au_params == nullptr) return params;
  for (const msg_param_t* p = auth->au_params; *p != nullptr; ++p) params.emplace_back(*p);
  return params;
}

// The first Digest credentials of a (Proxy-)Authorization list, for our realm if several.
const msg_auth_t* DigestFor(const msg_auth_t* list, const std::string& realm) {
  const msg_auth_t* first = nullptr;
  for (const msg_auth_t* a = list; a != nullptr; a = a->au_next) {
    if (a->au_scheme == nullptr || strcasecmp(a->au_scheme, "Digest") != 0) continue;
    if (first == nullptr) first = a;
    auto credentials = DigestCredentialsFromParams(ParamsOf(a));
    if (credentials && credentials->realm == realm) return a;
  }
  return first;
}

std::optional<int> ParseSeconds(const char* text) {
  if (text == nullptr) return std::nullopt;
  char* end = nullptr;
  long value = strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0) return std::nullopt;
  return static_cast<int>(std::min<long>(value, 1 << 30));
}

std::string RequestUriOf(const sip_t* sip) {
  if (sip == nullptr || sip->sip_request == nullptr) {
    return {};
  }
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text = url_as_string(home, sip->sip_request->rq_url);
  std::string uri = text ? text : "";
  su_home_deinit(home);
  return uri;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const char* TransportName(Transport transport) {
  switch (transport) {
    case Transport::kTcp:
      return "tcp";
    case Transport::kTls:
      return "tls";
    case Transport::kUdp:
      break;
  }
  return "udp";
}

int Seconds(Duration d) { return static_cast<int>((d.count() + 999) / 1000); }

const char* ScopeName(AuthThrottle::Block::Scope scope) {
  return scope == AuthThrottle::Block::Scope::kSource ? "source" : "user";
}

}  // namespace

SipAuthService::SipAuthService(const StackOptions& options, const Clock& clock)
    : clock_(clock),
      request_rate_(options.security.rate_per_source, options.security.rate_burst),
      rate_per_source_(options.security.rate_per_source),
      throttle_(AuthThrottleOptions{
          options.security.auth_failures_before_block,
          std::chrono::seconds(options.security.auth_block_s),
          std::chrono::seconds(options.security.auth_block_max_s),
          std::chrono::seconds(std::max(1800, options.security.auth_block_max_s)), 100000}),
      digest_(options.realm, RandomSecret(), std::chrono::seconds(options.nonce_ttl_s)),
      registrar_(RegistrarOptions{options.register_min_expires_s, options.register_max_expires_s,
                                  std::min(3600, options.register_max_expires_s), 10}) {
  for (const auto& agent : options.security.blocked_user_agents) {
    if (!agent.empty()) blocked_user_agents_.push_back(Lower(agent));
  }
  for (const auto& user : options.users) passwords_[user.number] = user.password;
  for (const auto& trunk : options.trunks) trunk_by_ip_[trunk.address] = trunk.name;
  registrar_.SetListener([](const std::string& user, bool registered) {
    HLOG_INFO("user {} {}", user, registered ? "registered" : "unregistered");
  });
}

std::string SipAuthService::BindingOf(const sip_s* sip, const SourceAddress& source) {
  const char* call_id =
      (sip && sip->sip_call_id && sip->sip_call_id->i_id) ? sip->sip_call_id->i_id : "";
  return RequestBinding(source.ip, call_id, RequestUriOf(sip));
}

std::string SipAuthService::ChallengeHeader(bool stale, const std::string& binding) {
  auto challenge = digest_.MakeChallenge(clock_.Now(), binding);
  return stale ? challenge.stale_header_value : challenge.header_value;
}

std::optional<SipAuthService::Refusal> SipAuthService::Admit(const char* method, const sip_s* sip,
                                                             const SourceAddress& source) {
  if (IsTrunk(source.ip)) return std::nullopt;
  TimePoint now = clock_.Now();
  if (sip != nullptr && sip->sip_user_agent != nullptr && sip->sip_user_agent->g_string &&
      !blocked_user_agents_.empty()) {
    std::string agent = Lower(sip->sip_user_agent->g_string);
    for (const auto& blocked : blocked_user_agents_) {
      if (agent.find(blocked) == std::string::npos) continue;
      if (log_limiter_.Allow("ua:" + source.ip, now)) {
        HLOG_WARN("SECURITY scanner refused: source={} method={} user_agent=\"{}\"", source.ip,
                  method, blocked);
      }
      return Refusal{403, 0};
    }
  }
  if (!request_rate_.Allow(source.ip, now)) {
    if (log_limiter_.Allow("rate:" + source.ip, now)) {
      HLOG_WARN(
          "SECURITY rate limited: source={} method={} (over {} requests/s; refused with "
          "503 while it lasts, logged once a minute)",
          source.ip, method, rate_per_source_);
    }
    return Refusal{503, 5, /*flood=*/true};
  }
  if (auto block = throttle_.Blocked(source.ip, "", now)) {
    return Refusal{503, Seconds(block->remaining)};
  }
  return std::nullopt;
}

DigestVerdict SipAuthService::Check(const char* method, const DigestCredentials& credentials,
                                    const sip_s* sip, const SourceAddress& source) {
  TimePoint now = clock_.Now();
  auto lookup = [this](const std::string& name) -> std::optional<std::string> {
    auto it = passwords_.find(name);
    if (it == passwords_.end()) return std::nullopt;
    return it->second;
  };
  DigestVerdict verdict = DigestVerdict::kWrongUri;
  if (DigestUriMatchesRequest(credentials.uri, RequestUriOf(sip))) {
    verdict = digest_.Verify(method, credentials, lookup, now, BindingOf(sip, source));
  }
  switch (verdict) {
    case DigestVerdict::kOk:
      throttle_.RecordSuccess(source.ip, credentials.username, now);
      break;
    case DigestVerdict::kNoSuchUser:
    case DigestVerdict::kWrongPassword:
    case DigestVerdict::kWrongUri:
    case DigestVerdict::kReplayed: {
      // One line per failure, in a fixed shape for fail2ban:
      //   failregex = SECURITY auth failure: source=<HOST>
      HLOG_WARN("SECURITY auth failure: source={} port={} method={} user=\"{}\" reason=\"{}\"",
                source.ip, source.port, method, credentials.username, ToString(verdict));
      if (auto block = throttle_.RecordFailure(source.ip, credentials.username, now)) {
        HLOG_WARN(
            "SECURITY blocked: {}={} for {} s after repeated auth failures",
            ScopeName(block->scope),
            block->scope == AuthThrottle::Block::Scope::kSource ? source.ip : credentials.username,
            Seconds(block->remaining));
      }
      break;
    }
    default:
      break;
  }
  return verdict;
}

void SipAuthService::HandleRegister(nua_s* nua, nua_handle_s* nh, const sip_s* sip,
                                    const SourceAddress& source) {
  auto respond_challenge = [&](bool stale) {
    std::string header = ChallengeHeader(stale, BindingOf(sip, source));
    nua_respond(nh, 401, sip_401_Unauthorized, NUTAG_WITH_THIS(nua),
                SIPTAG_WWW_AUTHENTICATE_STR(header.c_str()), TAG_END());
  };
  if (sip == nullptr || sip->sip_to == nullptr || sip->sip_call_id == nullptr ||
      sip->sip_cseq == nullptr) {
    nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  std::string user = sip->sip_to->a_url->url_user ? sip->sip_to->a_url->url_user : "";
  const msg_auth_t* auth = DigestFor(sip->sip_authorization, digest_.realm());
  if (auth == nullptr) {
    respond_challenge(false);
    return;
  }
  auto credentials = DigestCredentialsFromParams(ParamsOf(auth));
  if (!credentials) {
    nua_respond(nh, 400, "Bad Authorization Header", NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  if (auto block = throttle_.Blocked(source.ip, credentials->username, clock_.Now())) {
    std::string retry_after = std::to_string(Seconds(block->remaining));
    nua_respond(nh, 403, sip_403_Forbidden, NUTAG_WITH_THIS(nua),
                SIPTAG_RETRY_AFTER_STR(retry_after.c_str()), TAG_END());
    return;
  }
  DigestVerdict verdict = Check("REGISTER", *credentials, sip, source);
  switch (verdict) {
    case DigestVerdict::kOk:
      break;
    case DigestVerdict::kStale:
    case DigestVerdict::kBadNonce:
    case DigestVerdict::kWrongRealm:
      respond_challenge(verdict == DigestVerdict::kStale);
      return;
    case DigestVerdict::kMalformed:
      nua_respond(nh, 400, "Bad Authorization Header", NUTAG_WITH_THIS(nua), TAG_END());
      return;
    case DigestVerdict::kReplayed:
      respond_challenge(/*stale=*/true);  // a client that reused a count by mistake recovers
      return;
    case DigestVerdict::kNoSuchUser:
    case DigestVerdict::kWrongPassword:
    case DigestVerdict::kWrongUri:
      nua_respond(nh, 403, sip_403_Forbidden, NUTAG_WITH_THIS(nua), TAG_END());
      return;
  }
  if (credentials->username != user) {
    HLOG_WARN(
        "SECURITY auth failure: source={} port={} method=REGISTER user=\"{}\" "
        "reason=\"credentials of another user ({})\"",
        source.ip, source.port, user, credentials->username);
    nua_respond(nh, 403, sip_403_Forbidden, NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }

  RegisterRequest request;
  request.user = user;
  request.call_id = sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "";
  request.cseq = sip->sip_cseq->cs_seq;
  request.source = BindingSource{source.ip, source.port, TransportName(source.transport)};
  if (sip->sip_expires) request.expires_header = static_cast<int>(sip->sip_expires->ex_delta);
  su_home_t home[1] = {SU_HOME_INIT(home)};
  for (const sip_contact_t* m = sip->sip_contact; m != nullptr; m = m->m_next) {
    if (m->m_url->url_type == url_any) {
      request.wildcard = true;
      continue;
    }
    ContactRequest contact;
    char* uri = url_as_string(home, m->m_url);
    contact.uri = uri ? uri : "";
    contact.expires = ParseSeconds(m->m_expires);
    if (m->m_q) contact.q = strtod(m->m_q, nullptr);
    request.contacts.push_back(std::move(contact));
  }
  su_home_deinit(home);

  RegisterResult result = registrar_.Register(request, clock_.Now());
  if (!result.ok()) {
    std::string min_expires = std::to_string(result.min_expires_s);
    // NUA sends later and keeps the phrase pointer: static strings only.
    const char* phrase = sip_status_phrase(result.status);
    nua_respond(nh, result.status, phrase ? phrase : "Bad Request", NUTAG_WITH_THIS(nua),
                TAG_IF(result.status == 423, SIPTAG_MIN_EXPIRES_STR(min_expires.c_str())),
                TAG_END());
    return;
  }
  std::string contacts;
  for (const auto& status : result.bindings) {
    if (!contacts.empty()) contacts += ", ";
    contacts += "<" + status.binding.contact_uri + ">;expires=" + std::to_string(status.expires_s);
  }
  HLOG_DEBUG("REGISTER {} from {}:{}: {} binding(s)", user, source.ip, source.port,
             result.bindings.size());
  nua_respond(nh, 200, sip_200_OK, NUTAG_WITH_THIS(nua),
              TAG_IF(!contacts.empty(), SIPTAG_CONTACT_STR(contacts.c_str())), TAG_END());
}

void SipAuthService::ClassifyCaller(const sip_s* sip, IncomingInvite& invite) {
  auto trunk = trunk_by_ip_.find(invite.source.ip);
  if (trunk != trunk_by_ip_.end()) {
    invite.auth = CallerAuth::kTrunk;
    invite.trunk_name = trunk->second;
    return;
  }
  const msg_auth_t* auth =
      sip != nullptr ? DigestFor(sip->sip_proxy_authorization, digest_.realm()) : nullptr;
  if (auth == nullptr) {
    invite.auth = CallerAuth::kNone;
    return;
  }
  auto credentials = DigestCredentialsFromParams(ParamsOf(auth));
  if (!credentials) {
    invite.auth = CallerAuth::kNone;
    return;
  }
  if (throttle_.Blocked(invite.source.ip, credentials->username, clock_.Now())) {
    invite.auth = CallerAuth::kBadPassword;  // 403 (a published number still answers)
    return;
  }
  switch (Check("INVITE", *credentials, sip, invite.source)) {
    case DigestVerdict::kOk:
      invite.auth = CallerAuth::kUser;
      invite.authenticated_user = credentials->username;
      return;
    case DigestVerdict::kStale:
    case DigestVerdict::kReplayed:
      invite.auth = CallerAuth::kStale;
      return;
    case DigestVerdict::kNoSuchUser:
    case DigestVerdict::kWrongPassword:
    case DigestVerdict::kWrongUri:
      invite.auth = CallerAuth::kBadPassword;
      return;
    default:
      invite.auth = CallerAuth::kNone;  // not our nonce/realm/request: challenge again
      return;
  }
}

std::vector<ContactTarget> SipAuthService::Contacts(const std::string& user) {
  std::vector<ContactTarget> targets;
  for (const auto& binding : registrar_.Lookup(user, clock_.Now())) {
    ContactTarget target;
    target.uri = binding.contact_uri;
    target.registered_from.ip = binding.source.ip;
    target.registered_from.port = binding.source.port;
    target.registered_from.transport = binding.source.transport == "tls"   ? Transport::kTls
                                       : binding.source.transport == "tcp" ? Transport::kTcp
                                                                           : Transport::kUdp;
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace hotline::sip
