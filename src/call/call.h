// call/call.h: the call model. A Call is one caller leg plus, for calls to a user, the legs
// ringing that user's phones (branches) and the one that answered. It also carries the
// small state of the built-in applications (echo, digit read-back) and what the call record
// needs. Owned by the CallController on the control thread; others hold only the call id.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "call/ivr_driver.h"
#include "common/clock.h"
#include "media/media_engine.h"
#include "sip/stack.h"

namespace hotline::call {

enum class CallState { kRinging, kAnswered, kEnding };
enum class CallApp { kUser, kEcho, kDigitsReadback, kIvr, kVoicemail, kQueue };

// Where a call stands with the ACD (queue_calls.cpp).
enum class QueuePhase {
  kNone,             // not in a queue
  kWaiting,          // caller on music on hold; agents may be ringing (agent_by_branch)
  kConnected,        // bridged to `agent`
  kCallbackAgent,    // callback: the reserved agent's phone rings (no customer leg yet)
  kCallbackDialling  // callback: the agent answered; the customer's phone rings
};

struct QueueState {
  std::string queue;   // the queue the call is in now (after overflows: the last one)
  std::string acd_id;  // the call's id in the ACD (a callback keeps its original call's id)
  QueuePhase phase = QueuePhase::kNone;
  bool returns = false;            // the IVR continues after the queue (survey, voicemail)
  bool callback_possible = false;  // the caller can be dialled back (user or trunk caller)
  WallTime offered_at{};           // when the agent who answered was offered the call
  TimePoint queued_at{};           // when the call entered its first queue
  std::map<sip::LegId, std::string> agent_by_branch;  // ringing agents' phones
  std::string agent;  // connected (or reserved, for callbacks) agent
  uint64_t announce_timer = 0;
  bool announcing = false;  // an announcement replaces the music on hold right now
};

// A third party the agent brings into its call (consult_calls.cpp): while it rings and while
// the agent talks to it, the other party waits on music on hold; then the agent completes the
// transfer (leaves), joins all three in a conference, or returns to the other party.
enum class ThirdPartyPhase { kNone, kRinging, kConsulting, kConference };

struct ThirdParty {
  ThirdPartyPhase phase = ThirdPartyPhase::kNone;
  std::string agent;                 // who brought it in
  std::string target;                // the number dialled (a user or an outside number)
  std::string user;                  // the SIP user, when the target is one (marked busy)
  bool agent_is_callee = true;       // which side of the call is the agent's
  bool join_on_answer = false;       // conference at once when it answers (no consultation)
  std::vector<sip::LegId> branches;  // ringing
  sip::LegId leg = 0;                // answered
  media::SessionId media = 0;
  uint16_t local_port = 0;
  uint64_t timer = 0;  // no answer
};

// A supervisor listening to the call (monitor_calls.cpp): the supervisor's phone is rung and
// hears both sides; nobody hears the supervisor.
struct Listener {
  std::string supervisor;  // who asked (console user)
  std::string phone;       // the SIP user whose phone listens (marked busy)
  std::vector<sip::LegId> branches;
  sip::LegId leg = 0;
  media::SessionId media = 0;
  uint16_t local_port = 0;
};

struct Call {
  std::string id;  // the CDR id
  CallApp app = CallApp::kUser;
  CallState state = CallState::kRinging;

  std::string from_number;
  // from_number is the caller's own (authenticated user, trusted trunk) or the caller proved
  // who it is in the IVR (account + PIN); see call/caller_identity.h.
  bool caller_verified = false;
  std::string from_display;
  std::string to_number;
  std::string caller_user;     // authenticated SIP user making the call, if any (marked busy)
  std::string callee_user;     // SIP user being called, if any (marked busy)
  std::string callee_number;   // an outside number called through a trunk, if any
  std::string trunk_uri_host;  // "address:port" of the trusted trunk the call came in by
  // The SIP user whose registered phone sent the INVITE (same source address), for callers of
  // public numbers who did not authenticate: such a caller can be called back.
  std::string reachable_user;

  sip::LegId caller_leg = 0;
  media::SessionId caller_media = 0;
  uint16_t caller_local_port = 0;
  std::string caller_answer_sdp;  // our SDP answer to the caller's offer
  bool ringing_sent = false;
  bool caller_answered = false;  // our 200 OK went to the caller (by an app or the callee)

  std::vector<sip::LegId> branches;  // outgoing INVITEs not yet answered or failed
  sip::LegId callee_leg = 0;         // the branch that answered
  media::SessionId callee_media = 0;
  uint16_t callee_local_port = 0;
  uint64_t sdp_session_id = 0;  // o= id of our SDP on both legs
  uint64_t sdp_version = 1;     // bumped for every new SDP we send in the call
  int best_failure_status = 0;  // most telling final failure among branches

  int live_legs = 0;  // SIP legs not yet terminated; the call is erased at 0
  uint64_t no_answer_timer = 0;
  uint64_t app_timer = 0;
  uint64_t max_duration_timer = 0;  // ends the call after max_call_duration_s
  // The caller did not authenticate (public entry number): its media session sends only to a
  // source that sent valid RTP, and the call counts against the unauthenticated-call caps
  // under this source address until it ends.
  bool unauthenticated = false;
  std::string unauthenticated_source;
  TimePoint answered_at{};
  TimePoint hold_started{};  // while one side holds the other (a re-INVITE sendonly/inactive)
  bool on_hold = false;
  std::string recording_path;
  int recording_segments = 0;    // recording files started for this call
  bool record_answered = false;  // the call record has its answer time
  bool held_by_agent = false;    // the agent put the other party on music on hold
  // Click to dial: the agent's phones ring first (these legs); the answering one becomes the
  // caller leg, then the number is called.
  std::vector<sip::LegId> dial_agent_legs;
  bool click_to_dial = false;

  // Legs we replaced and hung up (a phone rung again with auto-answer): their responses are
  // ignored; they only count as live until they terminate.
  std::vector<sip::LegId> retired_legs;
  // Consultation / conference, and supervisors listening.
  ThirdParty third;
  std::vector<Listener> listeners;

  // IVR flow application; kept until the call is released (its requests may end the call).
  std::unique_ptr<IvrDriver> ivr;

  // Queue (ACD) state, for app kQueue.
  QueueState queue;

  // Voicemail: the caller records a message after the beep, until '#' or the time limit.
  std::string voicemail_path;
  bool voicemail_recording = false;
  std::string voicemail_mailbox;  // a user's mailbox, once its "not available" prompt ends

  // Digit read-back application.
  std::string language = "en";
  std::string collected_digits;
  bool collecting = false;
  bool reading_back = false;

  // How the call ended (first reason wins).
  bool record_closed = false;
  std::string disposition;
  std::string hangup_cause;
  std::string hangup_side;
  int sip_status = 0;
};

}  // namespace hotline::call
