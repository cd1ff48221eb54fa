#include "call/call_controller.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include "call/acd_setup.h"
#include "call/caller_identity.h"
#include "call/play_tokens.h"
#include "call/sdp_negotiation.h"
#include "common/log.h"
#include "media/moh.h"
#include "media/tone.h"

namespace hotline::call {

namespace {

const char* DispositionForFailure(int status) {
  if (status == 486 || status == 600) return "busy";
  if (status == 603) return "rejected";
  if (status == 480 || status == 408 || status == 487 || status == 0) return "no_answer";
  return "failed";
}

// What the caller hears when every phone of the callee failed: busy and decline are passed
// through; our own CANCELs, timeouts and server errors become "temporarily unavailable".
int StatusForCaller(int status) {
  if (status == 486 || status == 600) return 486;
  if (status == 603) return 603;
  if (status >= 400 && status < 500 && status != 487 && status != 408) return status;
  return 480;
}

}  // namespace

CallController::CallController(const Config& config, sip::Stack& stack, media::MediaEngine& media,
                               store::StoreWriter& records, media::TtsEngine& tts,
                               const Clock& clock, CustomerLookup* customers)
    : config_(config),
      stack_(stack),
      media_(media),
      records_(records),
      tts_(tts),
      clock_(clock),
      ringback_(media::MakeTone(media::ToneKind::kRingback, config.tone_region)),
      beep_(media::MakeTone(media::ToneKind::kBeep, config.tone_region)),
      customers_(customers),
      feature_codes_(acd_, [this](acd::Actions actions) { PerformAcd(std::move(actions)); }),
      hold_music_(media::MakeMusicOnHold()) {
  if (Status configured = ConfigureAcd(config, acd_); !configured.ok()) {
    HLOG_ERROR("ACD configuration: {}", configured.message());
  }
}

CallController::~CallController() = default;

const DialPlanEntry* CallController::FindDialPlan(const std::string& number) const {
  for (const auto& entry : config_.dial_plan) {
    if (entry.number == number) return &entry;
  }
  return nullptr;
}

bool CallController::IsEntryNumber(const std::string& number) const {
  return std::find(config_.entry_numbers.begin(), config_.entry_numbers.end(), number) !=
         config_.entry_numbers.end();
}

std::string CallController::NewCallId() {
  static std::mt19937_64 rng{std::random_device{}()};
  char text[33];
  snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(rng()),
           static_cast<unsigned long long>(rng()));
  return text;
}

// With recording on: the next file's path (directory created, recordings row added); else "".
std::string CallController::StartRecordingFile(Call& call) {
  if (!config_.record_calls) return "";
  std::string path = NextRecordingPath(call);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  records_.AddRecording(call.id, path, clock_.WallNow());
  return path;
}

std::string CallController::NextRecordingPath(Call& call) const {
  auto now = std::chrono::system_clock::to_time_t(clock_.WallNow());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char day[16];
  strftime(day, sizeof day, "%Y/%m/%d", &utc);
  int segment = ++call.recording_segments;
  std::string name = segment == 1 ? call.id : call.id + "-" + std::to_string(segment);
  return config_.data_dir + "/recordings/" + day + "/" + name + ".wav";
}

Call* CallController::FindByLeg(sip::LegId leg) {
  auto it = call_by_leg_.find(leg);
  if (it == call_by_leg_.end()) return nullptr;
  auto call = calls_.find(it->second);
  return call == calls_.end() ? nullptr : call->second.get();
}

Call* CallController::FindByMedia(media::SessionId session) {
  auto it = call_by_media_.find(session);
  if (it == call_by_media_.end()) return nullptr;
  auto call = calls_.find(it->second);
  return call == calls_.end() ? nullptr : call->second.get();
}

// Toll-fraud gate: the public reaches only published entry numbers; everything else needs a
// trusted trunk or digest credentials of a configured user.
bool CallController::Authorize(const sip::IncomingInvite& invite) {
  switch (invite.auth) {
    case sip::CallerAuth::kTrunk:
    case sip::CallerAuth::kUser:
      return true;
    case sip::CallerAuth::kBadPassword:
      if (IsEntryNumber(invite.to_user)) return true;
      HLOG_WARN("INVITE to {} from {}:{}: wrong credentials", invite.to_user, invite.source.ip,
                invite.source.port);
      stack_.Respond(invite.leg, 403, "Forbidden");
      return false;
    case sip::CallerAuth::kStale:
      if (IsEntryNumber(invite.to_user)) return true;
      stack_.Challenge(invite.leg, /*stale=*/true);
      return false;
    case sip::CallerAuth::kNone:
      if (IsEntryNumber(invite.to_user)) return true;
      stack_.Challenge(invite.leg, /*stale=*/false);
      return false;
  }
  return false;
}

bool CallController::AdmitUnauthenticated(const sip::IncomingInvite& invite) {
  auto it = unauthenticated_by_source_.find(invite.source.ip);
  int from_source = it == unauthenticated_by_source_.end() ? 0 : it->second;
  if (unauthenticated_calls_ < config_.max_unauthenticated_calls &&
      from_source < config_.max_unauthenticated_calls_per_source) {
    ++unauthenticated_by_source_[invite.source.ip];
    ++unauthenticated_calls_;
    return true;
  }
  // One line per 10 s at most (a flood must not become a log flood).
  ++unauthenticated_refused_;
  if (unauthenticated_refused_logged_ == TimePoint{} ||
      clock_.Now() - unauthenticated_refused_logged_ >= std::chrono::seconds(10)) {
    unauthenticated_refused_logged_ = clock_.Now();
    HLOG_WARN(
        "INVITE to {} from {}:{}: unauthenticated call limit reached ({} in total, {} from this "
        "address): 503 ({} refused so far)",
        invite.to_user, invite.source.ip, invite.source.port, unauthenticated_calls_, from_source,
        unauthenticated_refused_);
  }
  stack_.Respond(invite.leg, 503, "Service Unavailable");
  return false;
}

void CallController::ReleaseUnauthenticated(Call& call) {
  if (call.unauthenticated_source.empty()) return;
  auto it = unauthenticated_by_source_.find(call.unauthenticated_source);
  if (it != unauthenticated_by_source_.end() && --it->second <= 0) {
    unauthenticated_by_source_.erase(it);
  }
  --unauthenticated_calls_;
  call.unauthenticated_source.clear();
}

void CallController::ArmMaxDuration(Call& call) {
  std::string id = call.id;
  call.max_duration_timer =
      stack_.SetTimer(std::chrono::seconds(config_.max_call_duration_s), [this, id] {
        auto it = calls_.find(id);
        if (it == calls_.end()) return;
        it->second->max_duration_timer = 0;
        HLOG_WARN("call {}: maximum duration of {} s reached, hanging up", id,
                  config_.max_call_duration_s);
        EndCall(*it->second, "failed", "max_duration", "system", 480);
      });
}

Call& CallController::NewCall(const sip::IncomingInvite& invite) {
  auto call = std::make_unique<Call>();
  call->id = NewCallId();
  call->caller_leg = invite.leg;
  call->live_legs = 1;
  CallerIdentity identity = IdentifyCaller(invite);
  call->from_number = identity.number;
  call->caller_verified = identity.verified;
  call->from_display = invite.from_display;
  call->to_number = invite.to_user;
  if (invite.auth == sip::CallerAuth::kUser) call->caller_user = invite.authenticated_user;
  if (call->caller_user.empty() && stack_.IsKnownUser(invite.from_user)) {
    for (const auto& contact : stack_.Contacts(invite.from_user)) {
      if (contact.registered_from.ip == invite.source.ip &&
          contact.registered_from.port == invite.source.port) {
        call->reachable_user = invite.from_user;
      }
    }
  }
  if (invite.auth == sip::CallerAuth::kTrunk) {
    for (const auto& trunk : config_.trunks) {
      if (trunk.address == invite.source.ip) {
        call->trunk_uri_host = trunk.address + ":" + std::to_string(trunk.port);
      }
    }
  }
  call_by_leg_[invite.leg] = call->id;

  store::CallStart start;
  start.call_id = call->id;
  start.sip_call_id = invite.sip_call_id;
  start.from_number = call->from_number;
  start.from_display = invite.from_display;
  start.to_number = invite.to_user;
  start.direction = invite.auth == sip::CallerAuth::kUser ? "internal" : "inbound";
  start.source_ip = invite.source.ip;
  start.start_time = clock_.WallNow();
  records_.OpenCall(start);

  Call& ref = *call;
  calls_[ref.id] = std::move(call);
  return ref;
}

void CallController::OnInvite(const sip::IncomingInvite& invite) {
  if (!Authorize(invite)) return;
  bool unauthenticated =
      invite.auth != sip::CallerAuth::kUser && invite.auth != sip::CallerAuth::kTrunk;
  if (unauthenticated && !AdmitUnauthenticated(invite)) return;
  Call& call = NewCall(invite);
  if (unauthenticated) {
    call.unauthenticated = true;
    call.unauthenticated_source = invite.source.ip;
  }
  ArmMaxDuration(call);
  HLOG_INFO("call {}: {} -> {} from {}:{}", call.id, call.from_number, call.to_number,
            invite.source.ip, invite.source.port);
  if (shutting_down_) {
    Reject(call, 503, "failed");
    return;
  }
  if (AgentFeatureCodes::IsFeatureCode(invite.to_user)) {
    if (invite.auth != sip::CallerAuth::kUser) {  // a trunk has no agent behind it
      Reject(call, 403, "rejected");
      return;
    }
    if (AnswerCallerMedia(call, invite.sdp)) RunFeatureCode(call, invite.to_user);
    return;
  }
  const DialPlanEntry* entry = FindDialPlan(invite.to_user);
  std::string target_user;
  if (entry != nullptr && entry->action == "user") {
    target_user = entry->target;
  } else if (entry == nullptr && stack_.IsKnownUser(invite.to_user)) {
    target_user = invite.to_user;
  } else if (entry == nullptr) {
    Reject(call, 404, "unknown_number");
    return;
  }
  if (!AnswerCallerMedia(call, invite.sdp)) return;
  if (!target_user.empty()) {
    RingUser(call, target_user);
  } else {
    StartApp(call, *entry);
  }
}

void CallController::Reject(Call& call, int status, const std::string& disposition) {
  EndCall(call, disposition, "sip_" + std::to_string(status), "system", status);
  stack_.Hangup(call.caller_leg, status);
}

bool CallController::AnswerCallerMedia(Call& call, const std::string& offer) {
  auto session = media_.CreateSession(
      0, call.unauthenticated ? media::PeerTrust::kUnverified : media::PeerTrust::kNegotiated);
  if (!session) {
    HLOG_ERROR("call {}: no media port: {}", call.id, session.error().message);
    Reject(call, 503, "failed");
    return false;
  }
  call.caller_media = session->id;
  call.caller_local_port = session->local_port;
  call.sdp_session_id = sdp_session_counter_++;
  call_by_media_[session->id] = call.id;
  LocalEndpoint local{config_.listen, session->local_port, call.sdp_session_id, call.sdp_version};
  auto answered = AnswerOffer(offer, local, config_.media_networks);
  if (!answered) {
    HLOG_WARN("call {}: offer refused: {}", call.id, answered.error().message);
    Reject(call, 488, "failed");
    return false;
  }
  call.caller_answer_sdp = answered->answer_sdp;
  media_.SetRemote(call.caller_media, answered->remote);
  return true;
}

void CallController::RingUser(Call& call, const std::string& user) {
  call.callee_user = user;
  auto contacts = stack_.Contacts(user);
  if (busy_users_.count(user) != 0 || contacts.empty()) {
    HLOG_INFO("call {}: user {} is {}", call.id, user,
              contacts.empty() ? "not registered" : "busy");
    call.callee_user.clear();
    if (OfferUserVoicemail(call, user, contacts.empty() ? "not_registered" : "busy")) return;
    Reject(call, 486, "busy");
    return;
  }
  busy_users_.insert(user);
  RingTargets(call, contacts);
}

sip::LegId CallController::RingLeg(Call& call, const sip::ContactTarget& contact,
                                   const std::string& from_user, const std::string& from_display,
                                   const std::string& to_user, const std::string& offer,
                                   bool auto_answer) {
  sip::LegId leg = stack_.Ring(contact, from_user, from_display, to_user, offer, auto_answer);
  call.live_legs++;
  call_by_leg_[leg] = call.id;
  return leg;
}

// Rings every target for the call (several phones of a user, or one number behind a trunk);
// the first to answer is bridged to the caller.
void CallController::RingTargets(Call& call, const std::vector<sip::ContactTarget>& contacts) {
  if (!call.caller_user.empty()) busy_users_.insert(call.caller_user);
  auto session = media_.CreateSession(call.caller_media);
  if (!session) {
    Reject(call, 503, "failed");
    return;
  }
  call.callee_media = session->id;
  call.callee_local_port = session->local_port;
  call_by_media_[session->id] = call.id;
  LocalEndpoint local{config_.listen, session->local_port, call.sdp_session_id, call.sdp_version};
  std::string offer = MakeOffer(local, MediaDirection::kSendRecv);
  for (const auto& contact : contacts) {
    sip::LegId leg =
        RingLeg(call, contact, call.from_number, call.from_display,
                call.callee_number.empty() ? call.to_number : call.callee_number, offer);
    call.branches.push_back(leg);
  }
  std::string id = call.id;
  call.no_answer_timer =
      stack_.SetTimer(std::chrono::seconds(config_.no_answer_timeout_s), [this, id] {
        auto it = calls_.find(id);
        if (it == calls_.end() || it->second->state != CallState::kRinging) return;
        it->second->no_answer_timer = 0;
        HLOG_INFO("call {}: no answer after {} s", id, config_.no_answer_timeout_s);
        if (OfferUserVoicemail(*it->second, it->second->callee_user, "no_answer")) return;
        EndCall(*it->second, "no_answer", "no_answer_timeout", "system", 480);
      });
}

void CallController::OnInviteResponse(sip::LegId leg, int status, const std::string& sdp) {
  Call* call = FindByLeg(leg);
  if (call == nullptr) return;
  const auto& retired = call->retired_legs;
  if (std::find(retired.begin(), retired.end(), leg) != retired.end()) return;
  if (ThirdPartyResponse(*call, leg, status, sdp) || ListenerResponse(*call, leg, status, sdp)) {
    return;
  }
  if (call->app == CallApp::kQueue && QueueInviteResponse(*call, leg, status, sdp)) return;
  if (call->click_to_dial && OnDialAgentResponse(*call, leg, status, sdp)) return;
  if (status < 200) {
    if ((status == 180 || status == 183) && !call->ringing_sent &&
        call->state == CallState::kRinging) {
      call->ringing_sent = true;
      if (!call->caller_answered) {
        stack_.Respond(call->caller_leg, 180, "Ringing", call->caller_answer_sdp);
      }
      media_.Play(call->caller_media, ringback_, /*loop=*/true);
    }
    return;
  }
  if (status < 300) {
    if (leg == call->callee_leg || leg == call->caller_leg) {
      OnReinviteAnswered(*call, leg, sdp);
      return;
    }
    OnCalleeAnswered(*call, leg, sdp);
  } else if (leg != call->callee_leg && leg != call->caller_leg) {
    OnBranchFailed(*call, leg, status);
  }
}

void CallController::OnCalleeAnswered(Call& call, sip::LegId leg, const std::string& sdp) {
  auto& branches = call.branches;
  branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
  if (call.state != CallState::kRinging) {
    stack_.Hangup(leg);  // a second phone answered too late, or the call is ending
    return;
  }
  auto remote = AcceptAnswer(sdp);
  if (!remote) {
    HLOG_WARN("call {}: callee answer refused: {}", call.id, remote.error().message);
    stack_.Hangup(leg);
    return;
  }
  call.state = CallState::kAnswered;
  call.callee_leg = leg;
  call.answered_at = clock_.Now();
  for (sip::LegId other : branches) stack_.Hangup(other);  // CANCEL the other phones
  if (call.no_answer_timer != 0) {
    stack_.CancelTimer(call.no_answer_timer);
    call.no_answer_timer = 0;
  }
  media_.SetRemote(call.callee_media, *remote);
  if (!call.caller_answered) {
    stack_.Respond(call.caller_leg, 200, "OK", call.caller_answer_sdp);
    call.caller_answered = true;
  }
  media_.StopPlay(call.caller_media);
  call.recording_path = StartRecordingFile(call);
  media_.Bridge(call.caller_media, call.callee_media, call.recording_path);
  const std::string& answered_by = call.callee_user.empty() ? call.callee_number : call.callee_user;
  if (!call.record_answered) records_.MarkAnswered(call.id, clock_.WallNow(), answered_by);
  call.record_answered = true;
  HLOG_INFO("call {}: answered by {}", call.id, answered_by);
}

// Remembers the most telling failure: busy beats other errors, which beat our own CANCELs.
void CallController::OnBranchFailed(Call& call, sip::LegId leg, int status) {
  auto& branches = call.branches;
  branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
  auto rank = [](int s) {
    return s == 486 || s == 600 || s == 603 ? 3 : (s == 487 || s == 0 ? 1 : 2);
  };
  if (rank(status) > rank(call.best_failure_status)) call.best_failure_status = status;
  if (!branches.empty() || call.state != CallState::kRinging) return;
  int status_to_caller = StatusForCaller(call.best_failure_status);
  HLOG_INFO("call {}: every phone of {} failed (last {})", call.id, call.callee_user,
            call.best_failure_status);
  if (OfferUserVoicemail(call, call.callee_user, DispositionForFailure(call.best_failure_status))) {
    return;
  }
  EndCall(call, DispositionForFailure(call.best_failure_status),
          "sip_" + std::to_string(call.best_failure_status), "callee", status_to_caller);
}

// Hold/resume: answer the re-INVITE on this leg, follow its direction in our media, and pass
// the same direction across to the other leg with a re-INVITE of our own.
void CallController::OnReinvite(sip::LegId leg, const std::string& sdp) {
  Call* call = FindByLeg(leg);
  if (call == nullptr || call->state != CallState::kAnswered) {
    stack_.Respond(leg, 491, "Request Pending");
    return;
  }
  if (IsExtraLeg(*call, leg)) {
    AnswerExtraReinvite(*call, leg, sdp);
    return;
  }
  bool from_caller = leg == call->caller_leg;
  media::SessionId own = from_caller ? call->caller_media : call->callee_media;
  uint16_t own_port = from_caller ? call->caller_local_port : call->callee_local_port;
  LocalEndpoint local{config_.listen, own_port, call->sdp_session_id, ++call->sdp_version};
  auto answered = AnswerOffer(sdp, local, config_.media_networks);
  if (!answered) {
    HLOG_WARN("call {}: re-INVITE offer refused: {}", call->id, answered.error().message);
    stack_.Respond(leg, 488, "Not Acceptable Here");
    return;
  }
  media_.SetRemote(own, answered->remote);
  stack_.Respond(leg, 200, "OK", answered->answer_sdp);
  if (call->app != CallApp::kUser && !IsBridged(*call)) return;
  sip::LegId other_leg = from_caller ? call->callee_leg : call->caller_leg;
  uint16_t other_port = from_caller ? call->callee_local_port : call->caller_local_port;
  if (other_leg == 0) return;
  MediaDirection toward_other = MediaDirection::kSendRecv;
  if (answered->offered == MediaDirection::kSendOnly) toward_other = MediaDirection::kSendOnly;
  if (answered->offered == MediaDirection::kInactive) toward_other = MediaDirection::kInactive;
  HLOG_INFO("call {}: {} {}", call->id, from_caller ? "caller" : "callee",
            toward_other == MediaDirection::kSendRecv ? "resumed" : "put the call on hold");
  if (toward_other != MediaDirection::kSendRecv && !call->on_hold) {
    call->on_hold = true;
    call->hold_started = clock_.Now();
  } else if (toward_other == MediaDirection::kSendRecv) {
    EndHold(*call);
  }
  LocalEndpoint other{config_.listen, other_port, call->sdp_session_id, ++call->sdp_version};
  stack_.Reinvite(other_leg, MakeOffer(other, toward_other));
}

// The answer to a re-INVITE we sent on an established leg.
void CallController::OnReinviteAnswered(Call& call, sip::LegId leg, const std::string& sdp) {
  auto remote = AcceptAnswer(sdp);
  if (!remote) return;
  media_.SetRemote(leg == call.caller_leg ? call.caller_media : call.callee_media, *remote);
}

void CallController::OnAck(sip::LegId) {}

void CallController::OnCancel(sip::LegId leg) {
  Call* call = FindByLeg(leg);
  if (call == nullptr) return;
  HLOG_INFO("call {}: caller cancelled", call->id);
  EndCall(*call, "cancelled", "caller_cancel", "caller", 487);
}

void CallController::OnBye(sip::LegId leg) {
  Call* call = FindByLeg(leg);
  if (call == nullptr) return;
  if (ThirdPartyBye(*call, leg)) return;
  bool caller = leg == call->caller_leg;
  if (call->app == CallApp::kQueue && !caller && leg == call->callee_leg &&
      call->queue.phase == QueuePhase::kConnected) {
    OnAgentHungUp(*call);
    return;
  }
  if (!call->caller_answered) {
    // A BYE on the early dialog (after a 180 with a To tag): the caller gave up while it
    // rang, exactly like a CANCEL.
    HLOG_INFO("call {}: {} hung up before the answer", call->id, caller ? "caller" : "callee");
    EndCall(*call, caller ? "cancelled" : "failed", caller ? "caller_bye" : "callee_bye",
            caller ? "caller" : "callee", 487);
    return;
  }
  HLOG_INFO("call {}: {} hung up", call->id, caller ? "caller" : "callee");
  EndCall(*call, "answered", "normal_clearing", caller ? "caller" : "callee", 0);
}

void CallController::OnInfoDtmf(sip::LegId leg, char digit) {
  Call* call = FindByLeg(leg);
  if (call == nullptr || IsExtraLeg(*call, leg)) return;
  if (IsBridged(*call)) {
    bool from_caller = leg == call->caller_leg;
    media_.SendDtmf(from_caller ? call->callee_media : call->caller_media, std::string(1, digit));
    return;
  }
  OnDigit(*call, digit, "info");
}

void CallController::OnMediaEvent(const media::MediaEvent& event) {
  using Kind = media::MediaEvent::Kind;
  if (event.kind == Kind::kRecordingDone && event.mono) {
    OnVoicemailRecorded(event);
    return;
  }
  if (event.kind == Kind::kRecordingDone) {
    records_.CompleteRecording(event.path, clock_.WallNow(),
                               event.frames * 1000 / media::kSampleRate, event.frames * 4 + 44);
    return;
  }
  Call* call = FindByMedia(event.session);
  if (call == nullptr) return;
  if (IsExtraMedia(*call, event.session)) {
    if (event.kind == Kind::kRtpTimeout) OnExtraMediaTimeout(*call, event.session);
    return;  // a third party's or listener's digits go nowhere
  }
  switch (event.kind) {
    case Kind::kDtmf: {
      const char* source = event.dtmf_source == media::DtmfSource::kInband ? "inband" : "rfc4733";
      if (call->app == CallApp::kUser || IsBridged(*call)) {
        if (!IsBridged(*call)) return;
        bool from_caller = event.session == call->caller_media;
        media_.SendDtmf(from_caller ? call->callee_media : call->caller_media,
                        std::string(1, event.digit));
        return;
      }
      OnDigit(*call, event.digit, source);
      return;
    }
    case Kind::kPlayDone:
      if (event.play_token == kVoicemailBeepToken && call->app == CallApp::kVoicemail &&
          call->state == CallState::kAnswered) {
        call->voicemail_recording = true;
        media_.RecordMono(call->caller_media, call->voicemail_path, kVoicemailMaxMs);
        return;
      }
      if (event.play_token == kUserVoicemailToken && call->app == CallApp::kVoicemail &&
          call->state == CallState::kAnswered) {
        StartVoicemail(*call, call->voicemail_mailbox);
        return;
      }
      if (event.play_token == kAnnouncementToken && call->app == CallApp::kQueue) {
        OnAnnouncementDone(*call);
        return;
      }
      if (event.play_token == kCallbackIntroToken && call->app == CallApp::kQueue &&
          call->queue.phase == QueuePhase::kCallbackDialling) {
        media_.Play(call->callee_media, ringback_, /*loop=*/true);
        return;
      }
      if (event.play_token == kGoodbyeToken && call->state == CallState::kAnswered) {
        EndCall(*call, "answered", "normal_clearing", "system", 0);
        return;
      }
      if ((event.play_token & IvrDriver::kPlayTokenBit) != 0) {
        if (call->ivr && call->app == CallApp::kIvr && call->state == CallState::kAnswered) {
          call->ivr->OnPlayDone(event.play_token);
        }
        return;
      }
      if (call->app == CallApp::kDigitsReadback && call->reading_back &&
          event.play_token == kReadbackToken) {
        EndCall(*call, "answered", "normal_clearing", "system", 0);
      }
      return;
    case Kind::kRtpTimeout:
      OnMediaTimeout(*call, event.timeout);
      return;
    case Kind::kRecordingDone:
      return;
  }
}

// Media inactivity ends the call; the CDR's hangup_cause names which limit expired.
void CallController::OnMediaTimeout(Call& call, media::MediaEvent::Timeout timeout) {
  const char* cause = "rtp_timeout";
  switch (timeout) {
    case media::MediaEvent::Timeout::kRtp:
      HLOG_WARN("call {}: no RTP for {} s, hanging up", call.id, config_.rtp_timeout_s);
      break;
    case media::MediaEvent::Timeout::kHold:
      HLOG_WARN("call {}: no RTP for {} s on hold or inactive, hanging up", call.id,
                config_.hold_timeout_s);
      cause = "hold_timeout";
      break;
    case media::MediaEvent::Timeout::kNoMedia:
      HLOG_WARN("call {}: unauthenticated caller sent no media in {} s, hanging up", call.id,
                config_.unauthenticated_no_media_timeout_s);
      cause = "no_media_timeout";
      break;
  }
  EndCall(call, call.state == CallState::kAnswered ? "answered" : "failed", cause, "system", 408);
}

void CallController::SetEnd(Call& call, const std::string& disposition, const std::string& cause,
                            const std::string& side, int sip_status) {
  if (!call.disposition.empty()) return;
  // "answered" only if the caller really got our 200 OK: a call that ends before that, for
  // whatever reason, was given up by the caller (cancelled) or failed.
  call.disposition = disposition;
  if (call.caller_answered) {
    call.disposition = "answered";
  } else if (disposition == "answered") {
    call.disposition = side == "caller" ? "cancelled" : "failed";
  }
  if (call.app == CallApp::kVoicemail && !call.voicemail_mailbox.empty()) {
    call.disposition = "voicemail";  // a user's caller left (or could have left) a message
  }
  call.hangup_cause = cause;
  call.hangup_side = side;
  call.sip_status = sip_status;
}

void CallController::EndCall(Call& call, const std::string& disposition, const std::string& cause,
                             const std::string& side, int sip_status) {
  SetEnd(call, disposition, cause, side, sip_status);
  bool was_ending = call.state == CallState::kEnding;
  call.state = CallState::kEnding;
  if (call.no_answer_timer != 0) stack_.CancelTimer(call.no_answer_timer);
  if (call.app_timer != 0) stack_.CancelTimer(call.app_timer);
  if (call.max_duration_timer != 0) stack_.CancelTimer(call.max_duration_timer);
  call.no_answer_timer = call.app_timer = call.max_duration_timer = 0;
  if (!was_ending) {
    ReleaseUnauthenticated(call);
    DropThirdParty(call);
    DropListeners(call);
    LeaveQueue(call);
    // Stop media now (this also finalizes the recording); records close right away so the
    // CDR does not depend on the far end completing its transaction.
    if (call.caller_media != 0) media_.Destroy(call.caller_media);
    if (call.callee_media != 0) media_.Destroy(call.callee_media);
    CloseRecord(call);
    for (const auto& user : {call.callee_user, call.caller_user}) {
      if (!user.empty()) busy_users_.erase(user);
    }
    int to_caller = sip_status >= 300 ? sip_status : 480;
    stack_.Hangup(call.caller_leg, to_caller);
    for (sip::LegId leg : call.branches) stack_.Hangup(leg);
    for (sip::LegId leg : call.dial_agent_legs) stack_.Hangup(leg);
    if (call.callee_leg != 0) stack_.Hangup(call.callee_leg);
  }
  ReleaseIfIdle(call);
}

// A hold ends (resume, or the call ends held): its time goes into the call record.
void CallController::EndHold(Call& call) {
  if (!call.on_hold) return;
  call.on_hold = false;
  records_.AddHold(call.id, std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() -
                                                                                  call.hold_started)
                                .count());
}

void CallController::CloseRecord(Call& call) {
  if (call.record_closed) return;
  call.record_closed = true;
  EndHold(call);
  store::CallEnd end;
  end.end_time = clock_.WallNow();
  end.disposition = call.disposition;
  end.hangup_cause = call.hangup_cause;
  end.hangup_side = call.hangup_side;
  end.sip_status = call.sip_status;
  if (call.ivr && !call.ivr->path().empty()) {
    HLOG_INFO("call {}: IVR path {}", call.id, call.ivr->path());
    records_.SetIvrPath(call.id, call.ivr->path());
  }
  records_.CloseCall(call.id, end);
  HLOG_INFO("call {}: ended ({}, {}, by {})", call.id, call.disposition, call.hangup_cause,
            call.hangup_side);
}

void CallController::ReleaseIfIdle(Call& call) {
  if (call.live_legs > 0) return;
  if (call.state != CallState::kEnding) {
    EndCall(call, "failed", "legs_lost", "system", 500);
    return;
  }
  if (call.caller_media != 0) call_by_media_.erase(call.caller_media);
  if (call.callee_media != 0) call_by_media_.erase(call.callee_media);
  std::string id = call.id;
  calls_.erase(id);
  if (shutting_down_ && calls_.empty()) stack_.Shutdown();
}

void CallController::OnLegTerminated(sip::LegId leg) {
  Call* call = FindByLeg(leg);
  call_by_leg_.erase(leg);
  if (call == nullptr) return;
  call->live_legs--;
  if (ExtraLegTerminated(*call, leg)) {
    ReleaseIfIdle(*call);
    return;
  }
  if (leg == call->caller_leg) call->caller_leg = 0;
  if (leg == call->callee_leg) call->callee_leg = 0;
  auto& branches = call->branches;
  bool was_branch = std::find(branches.begin(), branches.end(), leg) != branches.end();
  if (call->state != CallState::kEnding) {
    if (call->app == CallApp::kQueue && QueueLegTerminated(*call, leg)) {
      ReleaseIfIdle(*call);
      return;
    }
    auto& agent_legs = call->dial_agent_legs;
    if (std::find(agent_legs.begin(), agent_legs.end(), leg) != agent_legs.end()) {
      agent_legs.erase(std::remove(agent_legs.begin(), agent_legs.end(), leg), agent_legs.end());
      if (agent_legs.empty() && call->click_to_dial) {
        EndCall(*call, "failed", "agent_leg_lost", "caller", 0);
        return;
      }
      ReleaseIfIdle(*call);
      return;
    }
    if (call->caller_leg == 0) {
      EndCall(*call, "failed", "caller_leg_lost", "caller", 0);
      return;
    }
    if (was_branch) {
      OnBranchFailed(*call, leg, 408);  // may end (and release) the call
      return;
    }
    if (call->state == CallState::kAnswered && call->callee_leg == 0 &&
        call->app == CallApp::kUser) {
      EndCall(*call, "answered", "callee_leg_lost", "callee", 0);
      return;
    }
  }
  branches.erase(std::remove(branches.begin(), branches.end(), leg), branches.end());
  ReleaseIfIdle(*call);
}

void CallController::Shutdown() {
  shutting_down_ = true;
  HLOG_INFO("shutting down: ending {} call(s)", calls_.size());
  std::vector<std::string> ids;
  for (const auto& [id, call] : calls_) ids.push_back(id);
  for (const auto& id : ids) {
    auto it = calls_.find(id);
    if (it != calls_.end()) EndCall(*it->second, "failed", "shutdown", "system", 503);
  }
  if (calls_.empty()) stack_.Shutdown();
}

void CallController::OnShutdownComplete() { stack_.Break(); }

}  // namespace hotline::call
