// call/ivr_driver.h: runs one IVR session (ivr::Session, a pure interpreter) for one call.
// It turns the session's actions into media plays (TTS or WAV, one after another), control-loop
// timers and requests to call control (hang up, transfer, queue, voicemail, lookups), and
// feeds the session the call's digits and play completions. Owned by the Call, on the control
// thread.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>

#include "ivr/action.h"
#include "ivr/flow.h"
#include "ivr/session.h"
#include "media/media_engine.h"
#include "media/tts.h"
#include "sip/stack.h"

namespace hotline::call {

// What the driver asks of call control; each is called on the control thread.
struct IvrRequests {
  std::function<void(const std::string& reason)> hangup;
  std::function<void(const ivr::Transfer&)> transfer;
  std::function<void(const ivr::Queue&)> queue;
  std::function<void(const ivr::Voicemail&)> voicemail;
  // Every step recorded in the path (node entered, key, survey score...); may be empty.
  std::function<void(const ivr::RecordEvent&)> event;
  // Answered synchronously (a local database read).
  std::function<ivr::LookupResult(const ivr::Lookup&)> lookup;
};

class IvrDriver {
 public:
  // Media play tokens of IVR prompts carry this bit, so call control can route kPlayDone.
  static constexpr uint64_t kPlayTokenBit = uint64_t{1} << 62;

  IvrDriver(ivr::FlowPtr flow, ivr::CallContext context, media::SessionId media,
            media::MediaEngine& engine, sip::Stack& stack, media::TtsEngine& tts,
            const Clock& clock, IvrRequests requests);
  ~IvrDriver();  // cancels its timers
  IvrDriver(const IvrDriver&) = delete;
  IvrDriver& operator=(const IvrDriver&) = delete;

  void Start();
  void OnDigit(char digit);
  void OnPlayDone(uint64_t media_token);
  void OnQueueEnded(ivr::QueueOutcome outcome);
  void OnCallerHangup();

  bool ended() const { return session_.ended(); }
  // The path through the flow for the call record: "welcome>lang:1>main:3>...".
  const std::string& path() const { return path_; }
  // The caller's language as chosen in the flow ("zh", "en").
  const std::string& language() const { return session_.language(); }
  // What the caller entered and the flow learnt (no secrets): travels with the call to agents.
  std::map<std::string, std::string> variables() const { return session_.public_variables(); }

 private:
  void Perform(std::vector<ivr::Action> actions);
  void PlayNext();
  void StopPlaying();
  media::AudioPtr Render(const ivr::ResolvedPrompt& prompt);

  ivr::Session session_;
  media::SessionId media_;
  media::MediaEngine& engine_;
  sip::Stack& stack_;
  media::TtsEngine& tts_;
  IvrRequests requests_;
  std::deque<ivr::Play> queued_plays_;
  bool playing_ = false;
  ivr::Token playing_token_ = 0;
  std::map<ivr::Token, uint64_t> timers_;  // IVR token -> stack timer id
  std::string path_;
};

}  // namespace hotline::call
