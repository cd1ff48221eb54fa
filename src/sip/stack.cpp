// sip/stack.cpp: sofia-sip NUA adapter. See stack.h for the contract.
#include "sip/stack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>
#include <strings.h>

#include <cstdarg>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "common/log.h"
#include "common/task_queue.h"
#include "sip/display_name.h"
#include "sip/info_dtmf.h"
#include "sip/kernel_source_filter.h"
#include "sip/sip_auth_service.h"
#include "sip/tcp_guard.h"

namespace hotline::sip {

namespace {

// What we keep per nua handle; bound as the handle's magic.
struct LegRecord {
  LegId id = 0;
  nua_handle_t* handle = nullptr;
  bool incoming = false;
  bool answered = false;    // 2xx sent (incoming) or received (outgoing)
  bool final_sent = false;  // incoming: any final response sent
  bool ended = false;       // BYE/CANCEL seen or sent, or the INVITE failed: nothing to hang up
  bool terminated = false;
  std::string auth_binding;               // incoming INVITE: what a challenge's nonce is bound to
  Transport transport = Transport::kUdp;  // how the far end is reached (for our Contact)
};

std::string PayloadOf(const sip_t* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) {
    return {};
  }
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

std::string UserOf(const url_t* url) {
  return (url != nullptr && url->url_user != nullptr) ? url->url_user : "";
}

// P-Asserted-Identity (RFC 3325): the user part of its first URI, or "". Sofia's default
// parser keeps this header among the unknown ones.
std::string AssertedIdentityOf(const sip_t* sip) {
  for (const sip_unknown_t* h = sip ? sip->sip_unknown : nullptr; h != nullptr; h = h->un_next) {
    if (!h->un_name || !h->un_value || strcasecmp(h->un_name, "P-Asserted-Identity") != 0) continue;
    std::string value = h->un_value;
    size_t open = value.find('<');
    size_t close = open == std::string::npos ? open : value.find('>', open);
    std::string uri = close != std::string::npos ? value.substr(open + 1, close - open - 1)
                                                 : value.substr(0, value.find(','));
    std::vector<char> text(uri.begin(), uri.end());
    text.push_back('\0');
    url_t url;
    if (url_d(&url, text.data()) < 0) return "";
    return UserOf(&url);
  }
  return "";
}

SourceAddress SourceOf(nua_t* nua) {
  SourceAddress source;
  msg_t* msg = nua_current_request(nua);
  if (msg == nullptr) return source;
  su_addrinfo_t* ai = msg_addrinfo(msg);
  if (ai == nullptr || ai->ai_addr == nullptr) return source;
  char text[INET6_ADDRSTRLEN] = {};
  if (ai->ai_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    source.port = ntohs(in->sin_port);
  } else if (ai->ai_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    source.port = ntohs(in6->sin6_port);
  }
  source.ip = text;
  source.transport = ai->ai_protocol == IPPROTO_TCP ? Transport::kTcp : Transport::kUdp;
  // A stream whose top Via says TLS came in on our TLS port: sofia-sip's NUA does not tell
  // which transport delivered a request, and on plain TCP a peer claiming TLS only fools
  // itself (its own call's keys travel back to it).
  sip_t const* sip = sip_object(msg);
  if (source.transport == Transport::kTcp && sip != nullptr && sip->sip_via != nullptr &&
      sip->sip_via->v_protocol != nullptr &&
      strcasecmp(sip->sip_via->v_protocol, "SIP/2.0/TLS") == 0) {
    source.transport = Transport::kTls;
  }
  return source;
}

// True when sofia-sip accepts text as a From header value (what nua_handle will parse).
bool FromHeaderParses(const std::string& text) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  bool ok = sip_from_make(home, text.c_str()) != nullptr;
  su_home_deinit(home);
  return ok;
}

// sofia-sip logs (e.g. "received garbage from ...") go to our log at debug level instead of
// straight to stderr: untrusted traffic must not be able to flood the operator's console.
void LogFromSofia(void*, char const* format, va_list args) {
  char line[512];
  vsnprintf(line, sizeof line, format, args);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!text.empty()) HLOG_DEBUG("sofia: {}", text);
}

// A reason phrase that lives for the whole process: the standard one for the status when
// there is one, else the caller's text interned (a handful of distinct strings at most).
const char* StablePhrase(int status, const std::string& reason) {
  const char* standard = sip_status_phrase(status);
  if (standard != nullptr && (reason.empty() || reason == standard)) return standard;
  if (reason.empty()) return "";
  static std::set<std::string> interned;  // control thread only
  return interned.insert(reason).first->c_str();
}

}  // namespace

struct Stack::Impl {
  Impl(Stack& owner, StackHandler& handler, const Clock& clock)
      : owner(owner), handler(handler), clock(clock) {}

  Stack& owner;
  StackHandler& handler;
  const Clock& clock;
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  TaskQueue tasks;
  su_wait_t task_wait[1] = {};
  int task_wait_index = -1;
  LegId next_leg = 1;
  std::map<LegId, LegRecord*> legs;
  std::unique_ptr<SipAuthService> auth;
  uint64_t next_timer = 1;
  std::map<uint64_t, su_timer_t*> timers;
  std::map<su_timer_t*, std::pair<uint64_t, std::function<void()>>> timer_callbacks;
  KernelSourceFilter flood_filter;
  std::map<in_addr_t, TimePoint> flooding;  // source -> dropped in the kernel until
  uint64_t flood_timer = 0;
  TimePoint tcp_guard_logged{};
  StreamConnectionScanner stream_scanner;
  bool shutting_down = false;
  bool shutdown_complete = false;  // nua_r_shutdown came: nua_destroy is allowed

  static void OnNuaEvent(nua_event_t event, int status, char const* phrase, nua_t* nua,
                         nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic,
                         sip_t const* sip, tagi_t tags[]) {
    static_cast<Impl*>(magic)->Dispatch(event, status, phrase, nua, nh,
                                        static_cast<LegRecord*>(hmagic), sip, tags);
  }

  static int OnTasks(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
    static_cast<Impl*>(static_cast<void*>(arg))->tasks.Drain();
    return 0;
  }

  static void OnTimer(su_root_magic_t*, su_timer_t* timer, su_timer_arg_t* arg) {
    auto* self = static_cast<Impl*>(static_cast<void*>(arg));
    auto it = self->timer_callbacks.find(timer);
    if (it == self->timer_callbacks.end()) return;
    auto callback = std::move(it->second.second);
    self->timers.erase(it->second.first);
    self->timer_callbacks.erase(it);
    su_timer_destroy(timer);
    callback();
  }

  LegRecord* NewLeg(nua_handle_t* nh, bool incoming) {
    auto* leg = new LegRecord;
    leg->id = next_leg++;
    leg->handle = nh;
    leg->incoming = incoming;
    legs[leg->id] = leg;
    nua_handle_bind(nh, leg);
    return leg;
  }

  LegRecord* Find(LegId id) {
    auto it = legs.find(id);
    return it == legs.end() ? nullptr : it->second;
  }

  void Dispatch(nua_event_t event, int status, char const* phrase, nua_t* nua_agent,
                nua_handle_t* nh, LegRecord* leg, sip_t const* sip, tagi_t tags[]);
  void HandleInvite(nua_handle_t* nh, LegRecord* leg, const sip_t* sip);
  void HandleInfo(nua_handle_t* nh, LegRecord* leg, const sip_t* sip);
  void HandleState(nua_handle_t* nh, LegRecord* leg, tagi_t tags[]);

  // Closes the newest SIP stream connections of sources over their cap (and overall), then
  // looks again in a second (200 ms while it had to close some).
  void GuardTcp() {
    const StackOptions& o = owner.options();
    TcpGuardLimits limits;
    limits.max_per_source = static_cast<size_t>(o.security.tcp_max_per_source);
    limits.max_total = o.security.tcp_max_connections > 0
                           ? static_cast<size_t>(o.security.tcp_max_connections)
                           : std::min<size_t>(2000, DescriptorLimit() / 4);
    limits.max_idle_ms = static_cast<uint32_t>(o.security.tcp_idle_timeout_s) * 1000u;
    std::vector<uint16_t> ports = {o.port};
    if (o.tls_port > 0) ports.push_back(static_cast<uint16_t>(o.tls_port));
    std::vector<int> excess = ChooseToClose(stream_scanner.Scan(ports), limits);
    if (!excess.empty()) {
      ShutDownSockets(excess);
      if (clock.Now() - tcp_guard_logged > std::chrono::minutes(1)) {
        tcp_guard_logged = clock.Now();
        HLOG_WARN(
            "SECURITY tcp: closed {} SIP connection(s) over the caps ({} a source, {} in "
            "all; logged once a minute)",
            excess.size(), limits.max_per_source, limits.max_total);
      }
    }
    if (shutting_down) return;
    owner.SetTimer(
        excess.empty() ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(200),
        [this] { GuardTcp(); });
  }

  // Puts a source over the request rate on the kernel drop list for flood_block_s.
  void DropFlooding(const SourceAddress& source) {
    int block_s = owner.options().security.flood_block_s;
    in_addr address{};
    if (block_s <= 0 || !flood_filter.attached() || source.transport != Transport::kUdp ||
        inet_pton(AF_INET, source.ip.c_str(), &address) != 1 ||
        flooding.count(address.s_addr) != 0) {
      return;
    }
    flooding[address.s_addr] = clock.Now() + std::chrono::seconds(block_s);
    HLOG_WARN("SECURITY flood: source={} dropped in the kernel for {} s", source.ip, block_s);
    UpdateFloodFilter();
  }

  void UpdateFloodFilter() {
    TimePoint now = clock.Now();
    std::vector<in_addr_t> blocked;
    for (auto it = flooding.begin(); it != flooding.end();) {
      if (it->second <= now) {
        it = flooding.erase(it);
      } else {
        blocked.push_back(it->first);
        ++it;
      }
    }
    if (Status s = flood_filter.SetBlocked(blocked); !s.ok()) HLOG_WARN("{}", s.message());
    if (flood_timer != 0 || blocked.empty()) return;
    flood_timer = owner.SetTimer(std::chrono::seconds(1), [this] {
      flood_timer = 0;
      UpdateFloodFilter();
    });
  }

  // Our Contact for a dialog over this transport: with TLS on, sofia-sip would otherwise put
  // its sips: URL into every dialog, which a phone on UDP or TCP cannot reach.
  std::string ContactFor(Transport transport) const {
    const StackOptions& o = owner.options();
    std::string host =
        o.listen_ip.find(':') != std::string::npos ? "[" + o.listen_ip + "]" : o.listen_ip;
    switch (transport) {
      case Transport::kTls:
        return "<sip:" + host + ":" + std::to_string(o.tls_port) + ";transport=tls>";
      case Transport::kTcp:
        return "<sip:" + host + ":" + std::to_string(o.port) + ";transport=tcp>";
      case Transport::kUdp:
        break;
    }
    return "<sip:" + host + ":" + std::to_string(o.port) + ">";
  }

  // Answers a new request the auth service refuses (scanner, rate, blocked source); true if
  // it was refused.
  bool Refused(nua_handle_t* nh, const char* method, const sip_t* sip,
               const SourceAddress& source) {
    auto refusal = auth->Admit(method, sip, source);
    if (!refusal) return false;
    if (refusal->flood) DropFlooding(source);
    std::string retry_after = std::to_string(refusal->retry_after_s);
    const char* phrase = sip_status_phrase(refusal->status);
    nua_respond(nh, refusal->status, phrase ? phrase : "", NUTAG_WITH_THIS(nua),
                TAG_IF(refusal->retry_after_s > 0, SIPTAG_RETRY_AFTER_STR(retry_after.c_str())),
                TAG_END());
    return true;
  }
};

void Stack::Impl::Dispatch(nua_event_t event, int status, char const* phrase, nua_t* nua_agent,
                           nua_handle_t* nh, LegRecord* leg, sip_t const* sip, tagi_t tags[]) {
  switch (event) {
    case nua_i_register: {
      SourceAddress source = SourceOf(nua_agent);
      if (!Refused(nh, "REGISTER", sip, source)) auth->HandleRegister(nua_agent, nh, sip, source);
      nua_handle_destroy(nh);
      return;
    }
    case nua_i_options:
      if (leg == nullptr && nh != nullptr) {
        if (!Refused(nh, "OPTIONS", sip, SourceOf(nua_agent))) {
          nua_respond(nh, 200, sip_200_OK, NUTAG_WITH_THIS(nua_agent),
                      SIPTAG_ACCEPT_STR("application/sdp"), TAG_END());
        }
        nua_handle_destroy(nh);
      } else if (nh != nullptr) {
        nua_respond(nh, 200, sip_200_OK, NUTAG_WITH_THIS(nua_agent), TAG_END());
      }
      return;
    case nua_i_invite:
      HandleInvite(nh, leg, sip);
      return;
    case nua_i_ack:
      if (leg != nullptr) handler.OnAck(leg->id);
      return;
    case nua_i_cancel:
      if (leg != nullptr) {
        leg->final_sent = true;
        leg->ended = true;
        handler.OnCancel(leg->id);
      }
      return;
    case nua_i_bye:
      if (leg != nullptr) {
        leg->ended = true;
        handler.OnBye(leg->id);
      }
      return;
    case nua_i_info:
      HandleInfo(nh, leg, sip);
      return;
    case nua_r_invite:
      if (leg != nullptr) {
        if (status >= 200 && status < 300) leg->answered = true;
        if (status >= 300 && !leg->answered) leg->ended = true;
        handler.OnInviteResponse(leg->id, status, PayloadOf(sip));
      }
      return;
    case nua_i_state:
      HandleState(nh, leg, tags);
      return;
    case nua_r_shutdown:
      if (status >= 200) {
        shutdown_complete = true;
        HLOG_INFO("SIP stack stopped ({} {})", status, phrase ? phrase : "");
        handler.OnShutdownComplete();
      }
      return;
    case nua_i_outbound:
      if (leg == nullptr && nh != nullptr) nua_handle_destroy(nh);
      return;
    case nua_i_error:
      HLOG_WARN("SIP stack error {} {}", status, phrase ? phrase : "");
      return;
    default:
      if (status >= 300) {
        HLOG_DEBUG("SIP event {} {} {}", nua_event_name(event), status, phrase ? phrase : "");
      }
      // Requests that created a handle we never bound (MESSAGE, SUBSCRIBE, ...) are answered
      // by NUA itself (405/501); drop their handles.
      if (leg == nullptr && nh != nullptr && event < nua_r_set_params && event != nua_i_state &&
          event != nua_i_terminated) {
        nua_handle_destroy(nh);
      }
      return;
  }
}

void Stack::Impl::HandleInvite(nua_handle_t* nh, LegRecord* leg, const sip_t* sip) {
  if (leg != nullptr) {  // re-INVITE in an established dialog
    handler.OnReinvite(leg->id, PayloadOf(sip));
    return;
  }
  if (shutting_down) {
    nua_respond(nh, 503, "Service Unavailable", TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  SourceAddress source = SourceOf(nua);
  if (Refused(nh, "INVITE", sip, source)) {
    nua_handle_destroy(nh);
    return;
  }
  leg = NewLeg(nh, /*incoming=*/true);
  leg->auth_binding = SipAuthService::BindingOf(sip, source);
  leg->transport = source.transport;
  IncomingInvite invite;
  invite.leg = leg->id;
  invite.sip_call_id = (sip && sip->sip_call_id) ? sip->sip_call_id->i_id : "";
  if (sip && sip->sip_from) {
    invite.from_user = UserOf(sip->sip_from->a_url);
    if (sip->sip_from->a_display) {
      invite.from_display = DisplayNameFromWire(sip->sip_from->a_display);
    }
  }
  invite.asserted_identity = AssertedIdentityOf(sip);
  if (sip && sip->sip_request) invite.to_user = UserOf(sip->sip_request->rq_url);
  invite.source = source;
  invite.sdp = PayloadOf(sip);
  auth->ClassifyCaller(sip, invite);
  handler.OnInvite(invite);
}

void Stack::Impl::HandleInfo(nua_handle_t* nh, LegRecord* leg, const sip_t* sip) {
  std::string content_type;
  if (sip && sip->sip_content_type && sip->sip_content_type->c_type) {
    content_type = sip->sip_content_type->c_type;
  }
  auto digit = ParseInfoDtmf(content_type, PayloadOf(sip));
  if (leg == nullptr) {
    nua_respond(nh, 481, "Call/Transaction Does Not Exist", NUTAG_WITH_THIS(nua), TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  if (!digit) {
    nua_respond(nh, 415, "Unsupported Media Type", NUTAG_WITH_THIS(nua),
                SIPTAG_ACCEPT_STR("application/dtmf-relay, application/dtmf"), TAG_END());
    return;
  }
  nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), TAG_END());
  handler.OnInfoDtmf(leg->id, *digit);
}

void Stack::Impl::HandleState(nua_handle_t* nh, LegRecord* leg, tagi_t tags[]) {
  int call_state = nua_callstate_init;
  tl_gets(tags, NUTAG_CALLSTATE_REF(call_state), TAG_END());
  if (call_state != nua_callstate_terminated) return;
  if (leg == nullptr) {
    if (nh != nullptr) nua_handle_destroy(nh);
    return;
  }
  if (leg->terminated) return;
  leg->terminated = true;
  LegId id = leg->id;
  legs.erase(id);
  nua_handle_bind(nh, nullptr);
  nua_handle_destroy(nh);
  delete leg;
  handler.OnLegTerminated(id);
}

Stack::Stack(StackOptions options, StackHandler& handler, const Clock& clock)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(*this, handler, clock)) {}

Stack::~Stack() {
  // nua_destroy asserts a completed shutdown; a stack the process gave up waiting for (a far
  // end that never answers our CANCEL) is left to the process exit instead.
  if (impl_->nua != nullptr && (impl_->shutdown_complete || !impl_->shutting_down)) {
    nua_destroy(impl_->nua);
    impl_->nua = nullptr;
  } else if (impl_->nua != nullptr) {
    HLOG_WARN("SIP stack: shutdown did not complete; its transactions are abandoned");
  }
  for (auto& [id, timer] : impl_->timers) su_timer_destroy(timer);
  for (auto& [id, leg] : impl_->legs) delete leg;
  if (impl_->root != nullptr) {
    if (impl_->task_wait_index >= 0) su_root_deregister(impl_->root, impl_->task_wait_index);
    su_root_destroy(impl_->root);
  }
  su_deinit();
}

Status Stack::Start() {
  su_init();
  su_log_redirect(nullptr, &LogFromSofia, nullptr);
  impl_->root = su_root_create(nullptr);
  if (impl_->root == nullptr) return Error{"cannot create the SIP event loop"};
  su_wait_create(impl_->task_wait, impl_->tasks.fd(), SU_WAIT_IN);
  impl_->task_wait_index =
      su_root_register(impl_->root, impl_->task_wait, &Impl::OnTasks,
                       static_cast<su_wakeup_arg_t*>(static_cast<void*>(impl_.get())), 0);
  impl_->auth = std::make_unique<SipAuthService>(options_, impl_->clock);

  std::string url = "sip:" + options_.listen_ip + ":" + std::to_string(options_.port);
  if (options_.listen_ip.find(':') != std::string::npos) {
    url = "sip:[" + options_.listen_ip + "]:" + std::to_string(options_.port);
  }
  bool tls = options_.tls_port > 0;
  std::string sips_url;
  if (tls) {
    sips_url = "sips:" + options_.listen_ip + ":" + std::to_string(options_.tls_port);
    if (options_.listen_ip.find(':') != std::string::npos) {
      sips_url = "sips:[" + options_.listen_ip + "]:" + std::to_string(options_.tls_port);
    }
  }
  impl_->nua =
      nua_create(impl_->root, &Impl::OnNuaEvent, impl_.get(), NUTAG_URL(url.c_str()),
                 TAG_IF(tls, NUTAG_SIPS_URL(sips_url.c_str())),
                 TAG_IF(tls, TPTAG_CERTIFICATE(options_.tls_directory.c_str())),
                 // Phones present no client certificates; they authenticate with digest inside TLS.
                 TAG_IF(tls, TPTAG_TLS_VERIFY_POLICY(TPTLS_VERIFY_NONE)), NUTAG_MEDIA_ENABLE(0),
                 NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0), NUTAG_AUTOACK(1), NUTAG_ENABLEINVITE(1),
                 NUTAG_SESSION_TIMER(0), NUTAG_APPL_METHOD("REGISTER"), NUTAG_APPL_METHOD("INFO"),
                 NUTAG_APPL_METHOD("OPTIONS"),
                 NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER"),
                 SIPTAG_USER_AGENT_STR("Hotline/0.1"), SIPTAG_SERVER_STR("Hotline/0.1"),
                 NTATAG_MAXSIZE(options_.max_message_bytes), NTATAG_UDP_MTU(65535),
                 // TCP: idle connections are closed, and a message must arrive whole within 30 s.
                 TPTAG_IDLE(static_cast<unsigned>(options_.security.tcp_idle_timeout_s) * 1000u),
                 TPTAG_TIMEOUT(30000u), TAG_END());
  if (impl_->nua == nullptr) {
    return Error{"cannot listen for SIP on " + options_.listen_ip + ":" +
                 std::to_string(options_.port) + " (address in use or not local?)"};
  }
  HLOG_INFO("SIP listening on udp and tcp {}:{}", options_.listen_ip, options_.port);
  impl_->GuardTcp();
  if (options_.security.flood_block_s > 0) {
    Status filter = impl_->flood_filter.AttachToSocketOf(options_.listen_ip, options_.port);
    if (!filter.ok()) HLOG_WARN("{} (floods are answered 503 instead)", filter.message());
  }
  if (tls) HLOG_INFO("SIP listening on tls {}:{}", options_.listen_ip, options_.tls_port);
  return Status::Ok();
}

void Stack::Run() { su_root_run(impl_->root); }

void Stack::Post(std::function<void()> task) { impl_->tasks.Post(std::move(task)); }

void Stack::Shutdown() {
  if (impl_->shutting_down) return;
  impl_->shutting_down = true;
  nua_shutdown(impl_->nua);
}

void Stack::Break() { su_root_break(impl_->root); }

void Stack::RunPendingTasks() { impl_->tasks.Drain(); }

void Stack::Respond(LegId id, int status, const std::string& reason, const std::string& sdp) {
  LegRecord* leg = impl_->Find(id);
  if (leg == nullptr || leg->terminated) return;
  // NUA keeps the phrase pointer until it sends the response (later, from its queue): it must
  // outlive this call, so only static strings are passed.
  const char* phrase = StablePhrase(status, reason);
  std::string contact = impl_->ContactFor(leg->transport);
  nua_respond(leg->handle, status, phrase,
              TAG_IF(status < 300 && options_.tls_port > 0, SIPTAG_CONTACT_STR(contact.c_str())),
              TAG_IF(!sdp.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
              TAG_IF(!sdp.empty(), SIPTAG_PAYLOAD_STR(sdp.c_str())), TAG_END());
  if (status >= 200) leg->final_sent = true;
  if (status >= 200 && status < 300) leg->answered = true;
}

void Stack::Challenge(LegId id, bool stale) {
  LegRecord* leg = impl_->Find(id);
  if (leg == nullptr || leg->terminated) return;
  std::string header = impl_->auth->ChallengeHeader(stale, leg->auth_binding);
  nua_respond(leg->handle, 407, sip_407_Proxy_auth_required,
              SIPTAG_PROXY_AUTHENTICATE_STR(header.c_str()), TAG_END());
  leg->final_sent = true;
}

LegId Stack::Ring(const ContactTarget& target, const std::string& from_user,
                  const std::string& from_display, const std::string& to_user,
                  const std::string& sdp, bool auto_answer) {
  std::string host = options_.listen_ip + ":" + std::to_string(options_.port);
  std::string from = "<sip:" + from_user + "@" + host + ">";
  std::string quoted_display = DisplayNameToWire(from_display);
  if (!quoted_display.empty()) from = quoted_display + " " + from;
  if (!FromHeaderParses(from)) {  // never lose the call over its display name
    HLOG_WARN("SIP: display name of {} not usable in From; sent without it", from_user);
    from = "<sip:" + from_user + "@" + host + ">";
  }
  std::string to = "<sip:" + to_user + "@" + host + ">";
  nua_handle_t* nh = nua_handle(impl_->nua, nullptr, SIPTAG_TO_STR(to.c_str()),
                                SIPTAG_FROM_STR(from.c_str()), TAG_END());
  LegRecord* leg = impl_->NewLeg(nh, /*incoming=*/false);
  leg->transport = target.registered_from.transport;
  std::string contact = impl_->ContactFor(leg->transport);
  std::string call_info = "<sip:" + host + ">;answer-after=0";
  // A phone registered over TCP or TLS is reached through the connection it registered on
  // (RFC 5626 flows in spirit): phones behind NAT, and TLS phones that hold no server
  // certificate, cannot take a new connection to their Contact.
  std::string flow;
  const SourceAddress& phone = target.registered_from;
  if ((phone.transport == Transport::kTcp || phone.transport == Transport::kTls) &&
      phone.port != 0) {
    bool v6 = phone.ip.find(':') != std::string::npos;
    flow = "sip:" + (v6 ? "[" + phone.ip + "]" : phone.ip) + ":" + std::to_string(phone.port) +
           (phone.transport == Transport::kTls ? ";transport=tls" : ";transport=tcp");
  }
  nua_invite(nh, NUTAG_URL(target.uri.c_str()), TAG_IF(!flow.empty(), NUTAG_PROXY(flow.c_str())),
             TAG_IF(options_.tls_port > 0, SIPTAG_CONTACT_STR(contact.c_str())),
             SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp.c_str()),
             TAG_IF(auto_answer, SIPTAG_CALL_INFO_STR(call_info.c_str())),
             TAG_IF(auto_answer,
                    SIPTAG_HEADER_STR("Alert-Info: <http://localhost>;info=alert-autoanswer")),
             TAG_END());
  return leg->id;
}

void Stack::Hangup(LegId id, int status_if_unanswered) {
  LegRecord* leg = impl_->Find(id);
  if (leg == nullptr || leg->terminated || leg->ended) return;
  leg->ended = true;
  if (leg->incoming) {
    if (!leg->final_sent) {
      const char* phrase = sip_status_phrase(status_if_unanswered);
      nua_respond(leg->handle, status_if_unanswered, phrase ? phrase : "", TAG_END());
      leg->final_sent = true;
    } else if (leg->answered) {
      nua_bye(leg->handle, TAG_END());
    }
  } else if (leg->answered) {
    nua_bye(leg->handle, TAG_END());
  } else {
    nua_cancel(leg->handle, TAG_END());
  }
}

void Stack::Reinvite(LegId id, const std::string& sdp) {
  LegRecord* leg = impl_->Find(id);
  if (leg == nullptr || leg->terminated || !leg->answered) return;
  nua_invite(leg->handle, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
             SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
}

std::vector<ContactTarget> Stack::Contacts(const std::string& user) {
  return impl_->auth->Contacts(user);
}

bool Stack::IsKnownUser(const std::string& user) const { return impl_->auth->IsKnownUser(user); }

uint64_t Stack::SetTimer(Duration after, std::function<void()> callback) {
  su_timer_t* timer = su_timer_create(su_root_task(impl_->root), 0);
  uint64_t id = impl_->next_timer++;
  impl_->timers[id] = timer;
  impl_->timer_callbacks[timer] = {id, std::move(callback)};
  su_timer_set_interval(timer, &Impl::OnTimer,
                        static_cast<su_timer_arg_t*>(static_cast<void*>(impl_.get())),
                        static_cast<su_duration_t>(after.count()));
  return id;
}

void Stack::CancelTimer(uint64_t timer_id) {
  auto it = impl_->timers.find(timer_id);
  if (it == impl_->timers.end()) return;
  su_timer_t* timer = it->second;
  impl_->timer_callbacks.erase(timer);
  impl_->timers.erase(it);
  su_timer_destroy(timer);
}

}  // namespace hotline::sip
