// call/call_controller.h: call control. Receives SIP events from the stack and media events
// from the media engine, runs the dial plan (ring a user's phones, echo test, digit read-back),
// ties caller and callee legs together as a back-to-back user agent, runs IVR flows and
// queues (the ACD core decides, queue_calls.cpp performs), and writes call records.
// Lives on the control thread (the SIP stack's loop); media events are posted to it.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "acd/acd.h"
#include "call/agent_feature_codes.h"
#include "call/call.h"
#include "call/control_port.h"
#include "call/customer_lookup.h"
#include "common/clock.h"
#include "common/config.h"
#include "ivr/flow.h"
#include "media/media_engine.h"
#include "media/tts.h"
#include "sip/stack.h"
#include "store/store_writer.h"

namespace hotline::call {

class CallController final : public sip::StackHandler, public ControlPort {
 public:
  CallController(const Config& config, sip::Stack& stack, media::MediaEngine& media,
                 store::StoreWriter& records, media::TtsEngine& tts, const Clock& clock,
                 CustomerLookup* customers = nullptr);
  ~CallController() override;

  // Renders the dial plan's prompts (TTS/WAV) once, before calls arrive.
  Status PreparePrompts();
  // The live IVR flow of each dial-plan number with action "ivr" (FlowCatalog decides which
  // version is live). Calls already in a flow keep theirs; new calls get these.
  void SetFlows(std::map<std::string, ivr::FlowPtr> by_number);

  // Media engine events, already moved onto the control thread.
  void OnMediaEvent(const media::MediaEvent& event);

  // Callers who were waiting to be called back when the server stopped (CallbackStore): back
  // in their queues. Control thread.
  void RestoreCallbacks(const std::vector<store::WaitingCallback>& waiting);

  // Ends every call (reason "shutdown"), then shuts the SIP stack down.
  void Shutdown();
  size_t active_calls() const { return calls_.size(); }

  // sip::StackHandler
  void OnInvite(const sip::IncomingInvite& invite) override;
  void OnReinvite(sip::LegId leg, const std::string& sdp) override;
  void OnAck(sip::LegId leg) override;
  void OnCancel(sip::LegId leg) override;
  void OnBye(sip::LegId leg) override;
  void OnInfoDtmf(sip::LegId leg, char digit) override;
  void OnInviteResponse(sip::LegId leg, int status, const std::string& sdp) override;
  void OnLegTerminated(sip::LegId leg) override;
  void OnShutdownComplete() override;

  // ControlPort (control_port_impl.cpp)
  std::vector<AgentSnapshot> Agents() override;
  std::optional<AgentSnapshot> Agent(const std::string& id) override;
  std::vector<QueueSnapshot> Queues() override;
  Status Command(const AgentCommand& command) override;
  uint64_t Subscribe(std::function<void(const CtiEvent&)> listener) override;
  void Unsubscribe(uint64_t id) override;
  // ControlPort administration (queue_admin.cpp)
  std::vector<QueueSettings> QueueSettingsList() override;
  Status PutQueue(const QueueSettings& queue) override;
  Status DeleteQueue(const std::string& name) override;
  Status SetAgentSkills(const std::string& agent,
                        const std::map<std::string, int>& skills) override;
  media::MediaCounters MediaStats() override { return media_.counters(); }

 private:
  std::optional<AgentSnapshot> SnapshotOf(const SipUser& user);
  Status HangUpAgent(const std::string& agent);
  // Desktop call control (agent_call_control.cpp).
  Call* AgentCall(const std::string& agent, bool* agent_is_callee);
  Status SendAgentDigits(const std::string& agent, const std::string& digits);
  Status HoldAgentCall(const std::string& agent, bool hold);
  Status TransferAgentCall(const std::string& agent, const std::string& target);
  Status DialForAgent(const std::string& agent, const std::string& number);
  bool OnDialAgentResponse(Call& call, sip::LegId leg, int status, const std::string& sdp);
  Status AnswerForAgent(const std::string& agent);
  void RingAgentPhones(Call& call, const std::string& agent, bool auto_answer);
  // A leg we give up on: hung up, its responses ignored, counted until it terminates.
  void RetireLeg(Call& call, sip::LegId leg, bool hang_up = true);
  // Consultation, transfer after it, conference (consult_calls.cpp).
  Status ConsultAgentCall(const std::string& agent, const std::string& target, bool join_on_answer);
  Status ConferenceAgentCall(const std::string& agent, const std::string& target);
  Status CompleteAgentTransfer(const std::string& agent);
  Status CancelAgentConsult(const std::string& agent);
  bool ThirdPartyResponse(Call& call, sip::LegId leg, int status, const std::string& sdp);
  void StartConference(Call& call);
  void CompleteTransfer(Call& call, bool agent_hung_up);
  // The third party is gone (refused, cancelled, hung up): the agent is back with the other
  // party (a new recording file).
  void EndThirdParty(Call& call, const std::string& reason, bool remote_hung_up);
  // Ends the third party's part without going back (the whole call is ending).
  void DropThirdParty(Call& call);
  // BYE, lost leg, RTP timeout or DTMF from a third party or listener: true when handled.
  bool ThirdPartyBye(Call& call, sip::LegId leg);
  bool ExtraLegTerminated(Call& call, sip::LegId leg);
  bool IsExtraLeg(const Call& call, sip::LegId leg) const;
  bool IsExtraMedia(const Call& call, media::SessionId session) const;
  void OnExtraMediaTimeout(Call& call, media::SessionId session);
  void AnswerExtraReinvite(Call& call, sip::LegId leg, const std::string& sdp);
  void PublishConsult(const Call& call, const std::string& state, const std::string& reason);
  // Silent monitoring (monitor_calls.cpp).
  Status ListenToAgent(const std::string& supervisor, const std::string& agent,
                       const std::string& phone);
  bool ListenerResponse(Call& call, sip::LegId leg, int status, const std::string& sdp);
  void RefreshListeners(Call& call);
  void DropListener(Call& call, size_t index);
  void DropListeners(Call& call);
  // Ends every listen `supervisor` started, in every call.
  void StopListening(const std::string& supervisor);
  void Publish(CtiEvent event);
  CtiEvent CallEvent(const std::string& type, const Call& call, const std::string& agent);
  void PublishQueueChanged(const std::string& queue);
  void PublishCallEnded(const Call& call, const std::string& agent, const std::string& reason);

  const DialPlanEntry* FindDialPlan(const std::string& number) const;
  bool IsEntryNumber(const std::string& number) const;
  bool Authorize(const sip::IncomingInvite& invite);
  // Unauthenticated callers: false (503 sent) beyond max_unauthenticated_calls in total or
  // max_unauthenticated_calls_per_source from one address; else the call is counted.
  bool AdmitUnauthenticated(const sip::IncomingInvite& invite);
  void ReleaseUnauthenticated(Call& call);
  // Ends the call after max_call_duration_s, whatever it is doing.
  void ArmMaxDuration(Call& call);
  void OnMediaTimeout(Call& call, media::MediaEvent::Timeout timeout);
  Call& NewCall(const sip::IncomingInvite& invite);
  void Reject(Call& call, int status, const std::string& disposition);
  bool AnswerCallerMedia(Call& call, const std::string& offer);
  void RingUser(Call& call, const std::string& user);
  void RingTargets(Call& call, const std::vector<sip::ContactTarget>& contacts);
  // Sends one INVITE for the call and counts its leg as the call's (live until terminated).
  sip::LegId RingLeg(Call& call, const sip::ContactTarget& contact, const std::string& from_user,
                     const std::string& from_display, const std::string& to_user,
                     const std::string& offer, bool auto_answer = false);
  void StartApp(Call& call, const DialPlanEntry& entry);
  void StartIvr(Call& call, const DialPlanEntry& entry);
  IvrRequests IvrRequestsFor(const std::string& call_id);
  void StartVoicemail(Call& call, const std::string& mailbox);
  // With user_voicemail on: the unanswered caller of `user` is answered and can leave a
  // message for the user. False (nothing done) when it does not apply.
  bool OfferUserVoicemail(Call& call, std::string user, const std::string& why);
  void RunFeatureCode(Call& call, const std::string& code);
  void OnVoicemailRecorded(const media::MediaEvent& event);
  void SayGoodbyeAndHangUp(Call& call);
  void OnCalleeAnswered(Call& call, sip::LegId leg, const std::string& sdp);
  void OnReinviteAnswered(Call& call, sip::LegId leg, const std::string& sdp);
  void OnBranchFailed(Call& call, sip::LegId leg, int status);
  void OnDigit(Call& call, char digit, const char* source);
  void SetEnd(Call& call, const std::string& disposition, const std::string& cause,
              const std::string& side, int sip_status);
  // Hangs up every leg of the call; the call is erased once all legs have terminated.
  void EndCall(Call& call, const std::string& disposition, const std::string& cause,
               const std::string& side, int sip_status);
  void CloseRecord(Call& call);
  void EndHold(Call& call);
  void ReleaseIfIdle(Call& call);
  // Queues and the ACD (queue_calls.cpp).
  const QueueSettings* QueueSettingsFor(const std::string& name) const;
  Call* FindByAcdId(const std::string& acd_id);
  std::string CallLanguage(const Call& call) const;
  bool CanCallBack(const Call& call) const;
  void EnterQueue(Call& call, const ivr::Queue& request);
  void FinishQueue(Call& call, bool to_voicemail);
  void StopQueueMedia(Call& call);
  void Announce(Call& call);
  void ScheduleAnnouncement(Call& call, Duration after);
  void OnAnnouncementDone(Call& call);
  void PerformAcd(Result<acd::Actions> result, const std::string& what);
  void PerformAcd(acd::Actions actions);
  void OnAgentStateChanged(const acd::AgentStateChanged& change);
  void ArmAcdTick();
  void OfferToAgents(const acd::Offer& offer);
  void RingAgent(Call& call, const std::string& agent);
  void StopRingingAgent(Call& call, const std::string& agent);
  bool QueueInviteResponse(Call& call, sip::LegId leg, int status, const std::string& sdp);
  void OnAgentPhoneFailed(Call& call, sip::LegId leg, const std::string& agent, int status);
  void OnAgentAnswered(Call& call, sip::LegId leg, const std::string& agent,
                       const std::string& sdp);
  void ConnectAgent(Call& call);
  void OnAgentHungUp(Call& call);
  void LeaveQueue(Call& call);
  void MoveToQueue(const acd::Overflow& overflow);
  void OnQueueDigit(Call& call, char digit);
  void StartCallback(const acd::Callback& callback);
  void DialCallbackCustomer(Call& call);
  void OnCustomerAnswered(Call& call, sip::LegId leg, const std::string& sdp);
  void CustomerUnreachable(Call& call, const std::string& why);
  bool QueueLegTerminated(Call& call, sip::LegId leg);

  // Caller and callee (or agent) are talking: DTMF and hold pass across.
  static bool IsBridged(const Call& call) {
    if (call.state != CallState::kAnswered) return false;
    return call.app == CallApp::kUser ||
           (call.app == CallApp::kQueue && call.queue.phase == QueuePhase::kConnected);
  }
  Call* FindByLeg(sip::LegId leg);
  Call* FindByMedia(media::SessionId session);
  std::string NewCallId();
  // A new recording file for the call: <id>.wav, then <id>-2.wav... (after hold, transfer).
  std::string NextRecordingPath(Call& call) const;
  std::string StartRecordingFile(Call& call);
  media::AudioPtr PromptFor(const DialPlanEntry& entry);
  // "You entered 1, 2, 3" for the digit read-back, from cached prompts.
  Result<media::AudioPtr> ReadbackAudio(const std::string& language, const std::string& digits);
  media::AudioPtr SpeakBoth(const std::string& zh_text, const std::string& en_text);

  const Config& config_;
  sip::Stack& stack_;
  media::MediaEngine& media_;
  store::StoreWriter& records_;
  media::TtsEngine& tts_;
  const Clock& clock_;

  std::map<std::string, std::unique_ptr<Call>> calls_;
  std::map<sip::LegId, std::string> call_by_leg_;
  std::map<media::SessionId, std::string> call_by_media_;
  std::set<std::string> busy_users_;
  // Live unauthenticated calls, in total and by source address (AdmitUnauthenticated).
  int unauthenticated_calls_ = 0;
  std::map<std::string, int> unauthenticated_by_source_;
  uint64_t unauthenticated_refused_ = 0;
  TimePoint unauthenticated_refused_logged_{};
  std::map<std::string, media::AudioPtr> prompts_;  // by dial-plan number
  std::map<std::string, ivr::FlowPtr> flows_;       // by dial-plan number
  media::AudioPtr ringback_;
  media::AudioPtr beep_;
  CustomerLookup* customers_;
  // Agents and queues: the ACD core, owned here on the control thread (acd_setup.h). Every
  // SIP user is an agent; agents start logged out.
  acd::Acd acd_;
  AgentFeatureCodes feature_codes_;
  // Voicemail recordings not yet reported by the media engine, by path: the call may be gone
  // by the time the file is closed (the caller hung up to end the message).
  struct PendingVoicemail {
    std::string mailbox, caller, call_id;
  };
  std::map<std::string, PendingVoicemail> pending_voicemails_;
  // Queue state beside the calls: ACD call id -> Call id (a callback's calls reuse the id of
  // the call that asked for it), callers waiting to be called back (by ACD call id), the
  // call each agent handled last and when its wrap-up began (for the call record).
  std::map<std::string, std::string> call_by_acd_id_;
  struct PendingCallback {
    std::string number;          // to dial
    std::string user;            // the SIP user to ring, for internal callers
    std::string trunk_uri_host;  // else the trunk to dial through
    std::string language;
    std::string queue;
    std::string original_call;
    WallTime queued_at{};
  };
  std::map<std::string, PendingCallback> pending_callbacks_;
  static store::WaitingCallback ToWaitingCallback(const std::string& acd_id,
                                                  const PendingCallback& pending);
  std::map<std::string, std::string> last_call_of_agent_;
  struct WrapUp {
    std::string call_id;
    TimePoint since{};
  };
  std::map<std::string, WrapUp> wrap_ups_;
  std::map<uint64_t, std::function<void(const CtiEvent&)>> subscribers_;
  uint64_t next_subscription_ = 1;
  std::map<std::string, int64_t> agent_since_ms_;  // epoch ms of each agent's last change
  uint64_t acd_timer_ = 0;
  TimePoint acd_timer_due_{};
  media::AudioPtr hold_music_;
  media::AudioPtr user_voicemail_prompt_;  // "not available, leave a message" (zh + en)
  uint64_t sdp_session_counter_ = 1;
  bool shutting_down_ = false;
  // Queues and agents' skills as they are now (queue_admin.cpp): start from the configuration
  // (which app/server.cpp loads from the database) and follow the administrator's edits;
  // QueueSettingsFor, the snapshots and the ACD read these, never config_.queues/agents.
  std::vector<QueueSettings> live_queues_ = config_.queues;
  std::map<std::string, std::map<std::string, int>> live_skills_ = SkillsByAgent(config_.agents);
  static std::map<std::string, std::map<std::string, int>> SkillsByAgent(
      const std::vector<AgentSettings>& agents);
};

}  // namespace hotline::call
