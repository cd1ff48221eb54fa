// sip/stack.h: the only module that touches sofia-sip's NUA. It turns SIP transactions into a
// few typed events for the layer above (new call, answer, hang-up, DTMF via INFO) and takes
// typed commands back (respond, ring a contact, hang up, hold). REGISTER and OPTIONS are
// handled here completely (registrar + digest authentication); nothing above src/sip sees a
// SIP header.
//
// Threading: the stack runs sofia's su_root loop on the thread that calls Run(). Every event
// and every command happens on that thread (the "control" thread). Other threads reach it
// through Post(), which goes through a TaskQueue registered in the loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"

namespace hotline::sip {

class Registrar;

using LegId = uint64_t;  // one SIP dialog (one call leg), unique for the process lifetime

enum class Transport { kUdp, kTcp, kTls };

struct SourceAddress {
  std::string ip;
  uint16_t port = 0;
  Transport transport = Transport::kUdp;
};

// How the caller of an incoming INVITE proved who it is.
enum class CallerAuth {
  kNone,         // no credentials
  kTrunk,        // source address is a configured trunk
  kUser,         // valid digest credentials for authenticated_user
  kBadPassword,  // credentials present but wrong (-> 403)
  kStale,        // credentials with an expired nonce (-> re-challenge)
};

struct IncomingInvite {
  LegId leg = 0;
  std::string sip_call_id;
  std::string from_user;
  std::string from_display;
  std::string to_user;  // user part of the Request-URI (the dialled number)
  SourceAddress source;
  std::string sdp;  // the offer (empty for an offer-less INVITE)
  CallerAuth auth = CallerAuth::kNone;
  std::string authenticated_user;  // for kUser
  std::string trunk_name;          // for kTrunk
  // User part of the P-Asserted-Identity URI, as sent: to be believed only from a trusted
  // trunk (kTrunk), since anyone can send the header.
  std::string asserted_identity;
};

// Events the stack delivers to the layer above (on the control thread).
class StackHandler {
 public:
  virtual ~StackHandler() = default;
  // A new INVITE (a new dialog). Answer with Respond()/Challenge().
  virtual void OnInvite(const IncomingInvite& invite) = 0;
  // A re-INVITE within an established dialog; answer with Respond(leg, 200, sdp).
  virtual void OnReinvite(LegId leg, const std::string& sdp) = 0;
  // The caller's ACK arrived for our 2xx.
  virtual void OnAck(LegId leg) = 0;
  // The caller cancelled an INVITE before it was answered (the stack already sent 487).
  virtual void OnCancel(LegId leg) = 0;
  // The remote side sent BYE (the stack already answered 200).
  virtual void OnBye(LegId leg) = 0;
  // A digit sent with SIP INFO (application/dtmf-relay or application/dtmf).
  virtual void OnInfoDtmf(LegId leg, char digit) = 0;
  // A response to an INVITE we sent (Ring()): 1xx progress, 2xx answer (with SDP), or failure.
  virtual void OnInviteResponse(LegId leg, int status, const std::string& sdp) = 0;
  // The dialog is gone (after BYE/CANCEL/failure/timeout); the LegId is no longer valid.
  virtual void OnLegTerminated(LegId leg) = 0;
  // The stack finished shutting down (after Shutdown()).
  virtual void OnShutdownComplete() = 0;
};

struct StackOptions {
  std::string listen_ip = "127.0.0.1";
  uint16_t port = 5060;
  std::string realm = "hotline";
  int nonce_ttl_s = 30;
  int register_min_expires_s = 60;
  int register_max_expires_s = 3600;
  std::vector<SipUser> users;
  std::vector<Trunk> trunks;
  size_t max_message_bytes = 65536;
  SipSecuritySettings security;
  // SIP over TLS on listen_ip:tls_port (0 = off); the directory holds sofia-sip's agent.pem
  // (key + certificate) and cafile.pem.
  int tls_port = 0;
  std::string tls_directory;
};

// A registered contact of a user, as the call layer needs it to ring the phone.
struct ContactTarget {
  std::string uri;  // the Contact URI (Request-URI of our INVITE)
  SourceAddress registered_from;
};

class Stack {
 public:
  Stack(StackOptions options, StackHandler& handler, const Clock& clock);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Binds UDP and TCP on listen_ip:port (and TLS on tls_port). Call from the control thread
  // before Run().
  Status Start();
  // Runs the loop until Shutdown() completes or Break() is called.
  void Run();
  // Thread-safe: runs task on the control thread.
  void Post(std::function<void()> task);
  // Starts an orderly shutdown (pending transactions finish), then OnShutdownComplete().
  // Calls after the first do nothing.
  void Shutdown();
  void Break();
  // After Run() returned: runs tasks posted since (e.g. the media engine's last events).
  void RunPendingTasks();

  // Answers an incoming INVITE or re-INVITE. sdp empty = no body.
  void Respond(LegId leg, int status, const std::string& reason, const std::string& sdp = "");
  // 407 with a fresh nonce (stale=true marks an expired nonce).
  void Challenge(LegId leg, bool stale);
  // Sends an INVITE to a registered contact on behalf of a caller; returns the new leg.
  // auto_answer asks the phone to answer by itself (Call-Info answer-after=0 and Alert-Info
  // info=alert-autoanswer, understood by most desk phones and softphones); others just ring.
  LegId Ring(const ContactTarget& target, const std::string& from_user,
             const std::string& from_display, const std::string& to_user, const std::string& sdp,
             bool auto_answer = false);
  // Hangs up a leg whatever its state: CANCEL if our INVITE is unanswered, BYE if
  // established, a final error response if it is an unanswered incoming INVITE.
  void Hangup(LegId leg, int status_if_unanswered = 480);
  // Sends a re-INVITE with this SDP (hold/resume passed across).
  void Reinvite(LegId leg, const std::string& sdp);

  // Live contacts of a user (empty = unregistered).
  std::vector<ContactTarget> Contacts(const std::string& user);
  bool IsKnownUser(const std::string& user) const;
  // Arms a one-shot timer on the control thread; returns an id for CancelTimer.
  uint64_t SetTimer(Duration after, std::function<void()> callback);
  void CancelTimer(uint64_t timer_id);

  const StackOptions& options() const { return options_; }

 private:
  struct Impl;
  StackOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::sip
