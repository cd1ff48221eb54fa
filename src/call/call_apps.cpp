// call/call_apps.cpp: CallController's built-in applications, the parts of a call that are
// not plain B2BUA bridging: digit read-back, IVR flows (through IvrDriver), voicemail and the
// agent feature codes. Same class and thread as call_controller.cpp.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "call/call_controller.h"
#include "call/caller_identity.h"
#include "call/play_tokens.h"
#include "common/log.h"
#include "ivr/flow_loader.h"
#include "ivr/speech.h"
#include "media/audio_file.h"

namespace hotline::call {

namespace {

// The pause between read-back words: 100 ms.
constexpr size_t kReadbackGapSamples = media::kSampleRate / 10;

// One key as a word: "one" / "幺" ... ("star", "井" for * and #).
std::string DigitWord(char digit, const std::string& language) {
  if (digit == '*') return language == "zh" ? "星" : "star";
  if (digit == '#') return language == "zh" ? "井" : "pound";
  auto word = ivr::SpeakDigits(std::string_view(&digit, 1), language);
  return word ? *word : std::string(1, digit);
}

}  // namespace

// The read-back is put together from cached prompts (the intro and one word per key) rather
// than synthesized as one text: its cost does not depend on what the caller keyed, nothing
// keyed by a caller lands in the prompt cache, and synthesis (slow, on this thread) happens
// at most once per word.
Result<media::AudioPtr> CallController::ReadbackAudio(const std::string& language,
                                                      const std::string& digits) {
  const bool zh = language == "zh";
  auto intro =
      tts_.Speak(language, digits.empty() ? (zh ? "您没有输入数字" : "You entered no digits")
                                          : (zh ? "您输入的是" : "You entered"));
  if (!intro) return intro.error();
  auto audio = std::make_shared<media::Audio>();
  audio->samples = (*intro)->samples;
  for (char digit : digits) {
    auto word = tts_.Speak(language, DigitWord(digit, language));
    if (!word) return word.error();
    audio->samples.insert(audio->samples.end(), kReadbackGapSamples, int16_t{0});
    audio->samples.insert(audio->samples.end(), (*word)->samples.begin(), (*word)->samples.end());
  }
  return media::AudioPtr(std::move(audio));
}

Status CallController::PreparePrompts() {
  if (config_.user_voicemail) {
    user_voicemail_prompt_ = SpeakBoth("您拨打的用户无法接听，请在提示音后留言。",
                                       "Please leave a message after the tone.");
  }
  for (const auto& entry : config_.dial_plan) {
    if (entry.action != "digits_readback") continue;
    auto audio = PromptFor(entry);
    if (!audio) return Error{"cannot prepare the prompt for " + entry.number};
    prompts_[entry.number] = audio;
  }
  return Status::Ok();
}

void CallController::SetFlows(std::map<std::string, ivr::FlowPtr> by_number) {
  flows_ = std::move(by_number);
}

media::AudioPtr CallController::PromptFor(const DialPlanEntry& entry) {
  const std::string& prompt = entry.prompt;
  if (prompt.size() > 4 && prompt.substr(prompt.size() - 4) == ".wav") {
    auto loaded = media::LoadPrompt(prompt);
    if (loaded) return *loaded;
    HLOG_ERROR("prompt {}: {}", prompt, loaded.error().message);
    return nullptr;
  }
  auto spoken = tts_.Speak(entry.language, prompt);
  if (spoken) return *spoken;
  HLOG_ERROR("TTS for {}: {}", entry.number, spoken.error().message);
  return nullptr;
}

void CallController::StartApp(Call& call, const DialPlanEntry& entry) {
  stack_.Respond(call.caller_leg, 200, "OK", call.caller_answer_sdp);
  call.caller_answered = true;
  call.state = CallState::kAnswered;
  call.answered_at = clock_.Now();
  records_.MarkAnswered(call.id, clock_.WallNow(), entry.number);
  call.record_answered = true;
  if (entry.action == "ivr") {
    StartIvr(call, entry);
    return;
  }
  if (entry.action == "echo") {
    call.app = CallApp::kEcho;
    media_.Echo(call.caller_media);
    return;
  }
  call.app = CallApp::kDigitsReadback;
  call.language = entry.language;
  call.collecting = true;
  media_.DetectInband(call.caller_media, true);
  auto prompt = prompts_.find(entry.number);
  if (prompt != prompts_.end() && prompt->second) {
    media_.Play(call.caller_media, prompt->second, /*loop=*/false);
  }
  std::string id = call.id;
  call.app_timer = stack_.SetTimer(std::chrono::seconds(config_.readback_timeout_s), [this, id] {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    it->second->app_timer = 0;
    HLOG_INFO("call {}: no digits entered in time", id);
    EndCall(*it->second, "answered", "digit_timeout", "system", 0);
  });
}

void CallController::OnDigit(Call& call, char digit, const char* source) {
  if (call.app == CallApp::kVoicemail) {
    if (digit == '#' && call.voicemail_recording) media_.StopRecordMono(call.caller_media);
    return;
  }
  if (call.app == CallApp::kIvr) {
    if (call.ivr && call.state == CallState::kAnswered) call.ivr->OnDigit(digit);
    return;
  }
  if (call.app == CallApp::kQueue) {
    OnQueueDigit(call, digit);
    return;
  }
  if (call.app != CallApp::kDigitsReadback || !call.collecting) return;
  if (digit != '#') {
    call.collected_digits += digit;
    if (static_cast<int>(call.collected_digits.size()) < config_.readback_max_digits) return;
    HLOG_INFO("call {}: {} digits, the most read back; later keys are ignored", call.id,
              call.collected_digits.size());
  }
  call.collecting = false;
  HLOG_INFO("call {}: collected digits {} via {}", call.id, call.collected_digits, source);
  records_.SetDigits(call.id, call.collected_digits);
  if (call.app_timer != 0) {
    stack_.CancelTimer(call.app_timer);
    call.app_timer = 0;
  }
  auto spoken = ReadbackAudio(call.language, call.collected_digits);
  if (!spoken) {
    HLOG_ERROR("call {}: TTS failed: {}", call.id, spoken.error().message);
    EndCall(call, "answered", "normal_clearing", "system", 0);
    return;
  }
  call.reading_back = true;
  media_.Play(call.caller_media, *spoken, /*loop=*/false, kReadbackToken);
}

void CallController::StartIvr(Call& call, const DialPlanEntry& entry) {
  call.app = CallApp::kIvr;
  media_.DetectInband(call.caller_media, true);
  ivr::CallContext context;
  context.caller = call.from_number;
  context.dialled = call.to_number;
  context.call_id = call.id;
  auto flow = flows_.find(entry.number);
  if (flow == flows_.end() || !flow->second) {
    HLOG_ERROR("call {}: no IVR flow is live for {}", call.id, entry.number);
    EndCall(call, "failed", "no_flow", "system", 0);
    return;
  }
  call.ivr = std::make_unique<IvrDriver>(flow->second, std::move(context), call.caller_media,
                                         media_, stack_, tts_, clock_, IvrRequestsFor(call.id));
  call.ivr->Start();
}

// The IVR's requests, bound to the call by id: a request that arrives after the call ended
// (a timer racing a BYE) finds no live call and does nothing.
IvrRequests CallController::IvrRequestsFor(const std::string& call_id) {
  auto live = [this, call_id]() -> Call* {
    auto it = calls_.find(call_id);
    if (it == calls_.end() || it->second->state != CallState::kAnswered) return nullptr;
    return it->second.get();
  };
  IvrRequests requests;
  requests.hangup = [this, live](const std::string& reason) {
    if (Call* call = live()) {
      EndCall(*call, "answered", reason.empty() ? "ivr_hangup" : "ivr_" + reason, "system", 0);
    }
  };
  requests.transfer = [this, live](const ivr::Transfer& transfer) {
    Call* call = live();
    if (call == nullptr) return;
    if (transfer.kind == ivr::Transfer::Kind::kNumber && !stack_.IsKnownUser(transfer.target)) {
      // An outside number: through the first trunk of the configuration.
      if (config_.trunks.empty()) {
        HLOG_WARN("call {}: IVR transfer to {}: no trunk to reach outside numbers", call->id,
                  transfer.target);
        EndCall(*call, "answered", "no_route", "system", 0);
        return;
      }
      const Trunk& trunk = config_.trunks.front();
      HLOG_INFO("call {}: IVR transfers to {} through trunk {}", call->id, transfer.target,
                trunk.name);
      records_.AddTransfer(call->id);
      call->app = CallApp::kUser;
      call->state = CallState::kRinging;
      call->callee_number = transfer.target;
      RingTargets(*call, {{"sip:" + transfer.target + "@" + trunk.address + ":" +
                               std::to_string(trunk.port),
                           {}}});
      return;
    }
    if (!stack_.IsKnownUser(transfer.target)) {
      HLOG_WARN("call {}: IVR transfer to {} has no route (not a user of this server)", call->id,
                transfer.target);
      EndCall(*call, "answered", "no_route", "system", 0);
      return;
    }
    HLOG_INFO("call {}: IVR transfers to extension {}", call->id, transfer.target);
    records_.AddTransfer(call->id);
    call->app = CallApp::kUser;
    call->state = CallState::kRinging;
    RingUser(*call, transfer.target);
  };
  requests.queue = [this, live](const ivr::Queue& queue) {
    if (Call* call = live()) EnterQueue(*call, queue);
  };
  requests.event = [this, live](const ivr::RecordEvent& event) {
    Call* call = live();
    if (call == nullptr || event.kind != "survey") return;
    // "node:score" or "node:no_answer"
    auto colon = event.detail.rfind(':');
    std::string score = colon == std::string::npos ? "" : event.detail.substr(colon + 1);
    if (score.size() == 1 && score[0] >= '0' && score[0] <= '9') {
      HLOG_INFO("call {}: survey score {}", call->id, score);
      records_.SetSurveyScore(call->id, score[0] - '0');
    }
  };
  requests.voicemail = [this, live](const ivr::Voicemail& voicemail) {
    if (Call* call = live()) StartVoicemail(*call, voicemail.mailbox);
  };
  requests.lookup = [this, live](const ivr::Lookup& lookup) {
    if (customers_ == nullptr) return ivr::LookupResult{};
    ivr::LookupResult result = customers_->Answer(lookup);
    Call* call = live();
    if (lookup.kind == "customer_by_caller") {
      return ForCaller(std::move(result), call != nullptr && call->caller_verified);
    }
    if (lookup.kind == "account_by_pin" && result.found && call != nullptr &&
        !call->caller_verified) {
      HLOG_INFO("call {}: caller verified by account and PIN", call->id);
      call->caller_verified = true;
    }
    return result;
  };
  return requests;
}

// Voicemail: beep, then record what the caller says until '#', the time limit or hang-up.
void CallController::StartVoicemail(Call& call, const std::string& mailbox) {
  call.app = CallApp::kVoicemail;
  std::string box = mailbox.empty() ? "general" : mailbox;
  call.voicemail_path = config_.data_dir + "/voicemail/" + box + "/" + call.id + ".wav";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(call.voicemail_path).parent_path(), ec);
  pending_voicemails_[call.voicemail_path] = {box, call.from_number, call.id};
  HLOG_INFO("call {}: recording a message for mailbox {}", call.id, box);
  media_.Play(call.caller_media, beep_, /*loop=*/false, kVoicemailBeepToken);
}

// `user` is a copy: callers pass call.callee_user, which is cleared here.
bool CallController::OfferUserVoicemail(Call& call, std::string user, const std::string& why) {
  if (!config_.user_voicemail || user.empty() || call.caller_answered ||
      call.app != CallApp::kUser || call.state == CallState::kEnding) {
    return false;
  }
  HLOG_INFO("call {}: {} ({}): voicemail", call.id, user, why);
  for (sip::LegId leg : call.branches) stack_.Hangup(leg);
  if (call.no_answer_timer != 0) stack_.CancelTimer(call.no_answer_timer);
  call.no_answer_timer = 0;
  if (call.callee_media != 0) {
    media_.Destroy(call.callee_media);
    call_by_media_.erase(call.callee_media);
    call.callee_media = 0;
  }
  busy_users_.erase(user);
  call.callee_user.clear();
  stack_.Respond(call.caller_leg, 200, "OK", call.caller_answer_sdp);
  call.caller_answered = true;
  call.state = CallState::kAnswered;
  call.answered_at = clock_.Now();
  records_.MarkAnswered(call.id, clock_.WallNow(), "voicemail:" + user);
  call.record_answered = true;
  call.app = CallApp::kVoicemail;
  call.voicemail_mailbox = user;
  if (!user_voicemail_prompt_) {
    StartVoicemail(call, user);
    return true;
  }
  media_.Play(call.caller_media, user_voicemail_prompt_, /*loop=*/false, kUserVoicemailToken);
  return true;
}

// Chinese then English, with a short pause after each.
media::AudioPtr CallController::SpeakBoth(const std::string& zh_text, const std::string& en_text) {
  auto zh = tts_.Speak("zh", zh_text);
  auto en = tts_.Speak("en", en_text);
  auto both = std::make_shared<media::Audio>();
  for (const auto* part : {&zh, &en}) {
    if (!part->ok()) continue;
    both->samples.insert(both->samples.end(), (**part)->samples.begin(), (**part)->samples.end());
    both->samples.insert(both->samples.end(), media::kSampleRate / 4, 0);  // 250 ms pause
  }
  return both->samples.empty() ? nullptr : both;
}

void CallController::OnVoicemailRecorded(const media::MediaEvent& event) {
  auto pending = pending_voicemails_.find(event.path);
  if (pending == pending_voicemails_.end()) return;
  PendingVoicemail message = pending->second;
  pending_voicemails_.erase(pending);
  if (event.frames > 0) {
    store::NewVoicemail row;
    row.mailbox = message.mailbox;
    row.caller_number = message.caller;
    row.call_id = message.call_id;
    row.path = event.path;
    row.received_time = clock_.WallNow();
    row.duration_ms = event.frames * 1000 / media::kSampleRate;
    row.size_bytes = event.frames * 2 + 44;  // 16-bit mono WAV
    records_.AddVoicemail(row);
    HLOG_INFO("call {}: message for {} stored ({} ms)", message.call_id, message.mailbox,
              row.duration_ms);
  }
  auto call = calls_.find(message.call_id);
  if (call != calls_.end() && call->second->state == CallState::kAnswered) {
    call->second->voicemail_recording = false;
    SayGoodbyeAndHangUp(*call->second);
  }
}

// Answers, applies the code to the agent's state, confirms in Chinese then English, hangs up.
void CallController::RunFeatureCode(Call& call, const std::string& code) {
  stack_.Respond(call.caller_leg, 200, "OK", call.caller_answer_sdp);
  call.caller_answered = true;
  call.state = CallState::kAnswered;
  call.answered_at = clock_.Now();
  records_.MarkAnswered(call.id, clock_.WallNow(), code);
  call.record_answered = true;
  FeatureCodeOutcome outcome = feature_codes_.Apply(call.caller_user, code, clock_.Now());
  HLOG_INFO("call {}: agent {} dialled {}: {}", call.id, call.caller_user, code, outcome.say_en);
  auto both = SpeakBoth(outcome.say_zh, outcome.say_en);
  if (!both) {
    EndCall(call, "answered", "normal_clearing", "system", 0);
    return;
  }
  media_.Play(call.caller_media, both, /*loop=*/false, kGoodbyeToken);
}

void CallController::SayGoodbyeAndHangUp(Call& call) {
  auto spoken =
      tts_.Speak(call.language, call.language == "zh" ? "谢谢，再见。" : "Thank you. Goodbye.");
  if (!spoken) {
    EndCall(call, "answered", "normal_clearing", "system", 0);
    return;
  }
  media_.Play(call.caller_media, *spoken, /*loop=*/false, kGoodbyeToken);
}

}  // namespace hotline::call
