// call/play_tokens.h: the media play tokens call control gives its own prompts, so that a
// kPlayDone event can be routed (IVR prompts carry IvrDriver::kPlayTokenBit instead).
// Internal to src/call.
#pragma once

#include <cstdint>

namespace hotline::call {

inline constexpr uint64_t kReadbackToken = 1;       // digit read-back finished: hang up
inline constexpr uint64_t kVoicemailBeepToken = 2;  // beep done: start recording the message
inline constexpr uint64_t kGoodbyeToken = 3;        // last words played: hang up
inline constexpr uint64_t kAnnouncementToken = 4;   // queue announcement done: music again
inline constexpr uint64_t kCallbackIntroToken = 5;  // agent heard the callback intro: ringback
inline constexpr uint64_t kUserVoicemailToken = 6;  // "not available" said: beep, record
inline constexpr int kVoicemailMaxMs = 120000;      // longest voicemail message

}  // namespace hotline::call
