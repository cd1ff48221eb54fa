// ivr/action.h: what an IVR session asks its adapter to do. The interpreter (Session) never
// performs I/O; every effect is one of these values, returned in order from each event
// handler. The adapter (call layer) performs them and reports back with the token they carry.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "common/clock.h"

namespace hotline::ivr {

// Identifies one play, timer or lookup within a session; never reused by a session.
using Token = uint64_t;

// A prompt ready to be played: a recorded file or text for the TTS engine.
struct ResolvedPrompt {
  enum class Kind { kText, kFile };
  Kind kind = Kind::kText;
  std::string content;   // the text to speak, or the file path
  std::string language;  // "zh" or "en": the TTS voice (or the language the file is in)
  bool operator==(const ResolvedPrompt&) const = default;
};

// Play a prompt. Plays are queued by the adapter in the order given; each reports
// OnPlayDone(token) when it finished normally.
struct Play {
  ResolvedPrompt prompt;
  Token token = 0;
  bool allow_barge_in = false;  // a DTMF digit may interrupt it
};

// Stop the playing prompt and drop any queued ones; stopped plays report nothing.
struct StopPlay {};

// Report OnTimer(token) after `after` (or let Tick() find it due).
struct StartTimer {
  Token token = 0;
  Duration after{0};
};

struct CancelTimer {
  Token token = 0;
};

// Look data up (customer by caller number, account by number + PIN...). The adapter answers
// with OnLookupResult(token, ...). `kind` and the key names come from the flow.
struct Lookup {
  Token token = 0;
  std::string kind;
  std::map<std::string, std::string> keys;
};

// Hand the caller to the ACD.
struct Queue {
  std::string queue;
  int priority = 0;
  bool vip = false;
  bool returns = false;  // the flow continues after the queue (OnQueueEnded), e.g. a survey
};

// Blind transfer.
struct Transfer {
  enum class Kind { kExtension, kNumber };
  Kind kind = Kind::kExtension;
  std::string target;
};

// Record a voice message into a mailbox.
struct Voicemail {
  std::string mailbox;
};

struct Hangup {
  std::string reason;
};

// A step of the IVR path for the call record: node entered, key pressed, lookup outcome...
struct RecordEvent {
  std::string kind;
  std::string detail;
};

using Action = std::variant<Play, StopPlay, StartTimer, CancelTimer, Lookup, Queue, Transfer,
                            Voicemail, Hangup, RecordEvent>;

// The adapter's answer to a Lookup: the fields found (customer data, balance...) or not found.
struct LookupResult {
  bool found = false;
  std::map<std::string, std::string> fields;
};

// How a returning Queue ended, reported with Session::OnQueueEnded.
enum class QueueOutcome {
  kAgentHungUp,  // served; the flow continues (survey...)
  kNoAgent,      // queue closed, full or timed out; the flow continues (voicemail...)
};

// True for actions after which the session has handed the call on and ends (Queue only
// when it does not return to the flow).
bool IsTerminal(const Action& action);

// One-line description, for logs and test failure messages: "Play(tts zh:欢迎, #3, barge-in)".
std::string Describe(const Action& action);

}  // namespace hotline::ivr
