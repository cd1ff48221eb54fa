#include "call/ivr_driver.h"

#include "common/log.h"
#include "media/audio_file.h"

namespace hotline::call {

IvrDriver::IvrDriver(ivr::FlowPtr flow, ivr::CallContext context, media::SessionId media,
                     media::MediaEngine& engine, sip::Stack& stack, media::TtsEngine& tts,
                     const Clock& clock, IvrRequests requests)
    : session_(std::move(flow), std::move(context), clock),
      media_(media),
      engine_(engine),
      stack_(stack),
      tts_(tts),
      requests_(std::move(requests)) {}

IvrDriver::~IvrDriver() {
  for (const auto& [token, timer] : timers_) stack_.CancelTimer(timer);
}

void IvrDriver::Start() { Perform(session_.Start()); }

void IvrDriver::OnDigit(char digit) { Perform(session_.OnDigit(digit)); }

void IvrDriver::OnPlayDone(uint64_t media_token) {
  ivr::Token token = media_token & ~kPlayTokenBit;
  if (!playing_ || token != playing_token_) return;  // a stopped or replaced play
  playing_ = false;
  std::vector<ivr::Action> actions = session_.OnPlayDone(token);
  PlayNext();
  Perform(std::move(actions));
}

void IvrDriver::OnQueueEnded(ivr::QueueOutcome outcome) { Perform(session_.OnQueueEnded(outcome)); }

void IvrDriver::OnCallerHangup() {
  StopPlaying();
  Perform(session_.OnCallerHangup());
}

media::AudioPtr IvrDriver::Render(const ivr::ResolvedPrompt& prompt) {
  if (prompt.kind == ivr::ResolvedPrompt::Kind::kFile) {
    auto loaded = media::LoadPrompt(prompt.content);
    if (loaded) return *loaded;
    HLOG_WARN("IVR prompt {}: {}", prompt.content, loaded.error().message);
    return nullptr;
  }
  // Synthesized on the control thread; repeated texts come from the TTS cache.
  auto spoken = tts_.Speak(prompt.language.empty() ? "en" : prompt.language, prompt.content);
  if (spoken) return *spoken;
  HLOG_WARN("IVR TTS failed: {}", spoken.error().message);
  return nullptr;
}

void IvrDriver::PlayNext() {
  while (!playing_ && !queued_plays_.empty()) {
    ivr::Play play = std::move(queued_plays_.front());
    queued_plays_.pop_front();
    media::AudioPtr audio = Render(play.prompt);
    if (!audio) {
      // A prompt that cannot be rendered counts as played, so the flow goes on.
      Perform(session_.OnPlayDone(play.token));
      continue;
    }
    playing_ = true;
    playing_token_ = play.token;
    engine_.Play(media_, audio, /*loop=*/false, kPlayTokenBit | play.token);
  }
}

void IvrDriver::StopPlaying() {
  queued_plays_.clear();
  if (playing_) engine_.StopPlay(media_);
  playing_ = false;
}

void IvrDriver::Perform(std::vector<ivr::Action> actions) {
  for (auto& action : actions) {
    if (auto* play = std::get_if<ivr::Play>(&action)) {
      queued_plays_.push_back(std::move(*play));
      PlayNext();
    } else if (std::holds_alternative<ivr::StopPlay>(action)) {
      StopPlaying();
    } else if (auto* timer = std::get_if<ivr::StartTimer>(&action)) {
      ivr::Token token = timer->token;
      timers_[token] = stack_.SetTimer(timer->after, [this, token] {
        timers_.erase(token);
        Perform(session_.OnTimer(token));
      });
    } else if (auto* cancel = std::get_if<ivr::CancelTimer>(&action)) {
      auto it = timers_.find(cancel->token);
      if (it != timers_.end()) {
        stack_.CancelTimer(it->second);
        timers_.erase(it);
      }
    } else if (auto* lookup = std::get_if<ivr::Lookup>(&action)) {
      ivr::LookupResult result;
      if (requests_.lookup) result = requests_.lookup(*lookup);
      Perform(session_.OnLookupResult(lookup->token, result));
    } else if (auto* event = std::get_if<ivr::RecordEvent>(&action)) {
      if (!path_.empty()) path_ += ">";
      path_ += event->kind + ":" + event->detail;
      if (requests_.event) requests_.event(*event);
    } else if (auto* queue = std::get_if<ivr::Queue>(&action)) {
      StopPlaying();
      requests_.queue(*queue);
    } else if (auto* transfer = std::get_if<ivr::Transfer>(&action)) {
      StopPlaying();
      requests_.transfer(*transfer);
    } else if (auto* voicemail = std::get_if<ivr::Voicemail>(&action)) {
      StopPlaying();
      requests_.voicemail(*voicemail);
    } else if (auto* hangup = std::get_if<ivr::Hangup>(&action)) {
      requests_.hangup(hangup->reason);
    }
  }
}

}  // namespace hotline::call
