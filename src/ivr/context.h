// ivr/context.h: the per-call state a node works on, and the only way nodes produce effects.
// Owned by one Session (same thread); nodes receive it by reference for one event and keep
// nothing. Every effect appends an Action; tokens tie later events back to the node that
// caused them, so events for a node already left are dropped by the Session.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ivr/action.h"
#include "ivr/calendar.h"
#include "ivr/flow.h"
#include "ivr/prompt.h"

namespace hotline::ivr {

// What the call layer knows when the IVR starts.
struct CallContext {
  std::string caller;
  std::string dialled;
  std::string call_id;
  std::string language;  // "" -> the flow's default language
  std::map<std::string, std::string> variables;
};

// Scratch state of the current node; reset each time a node is entered. Nodes give the
// fields their own meaning (phase is a node-specific enum).
struct NodeScratch {
  int phase = 0;
  int attempts = 0;
  std::string digits;
  Token play = 0;
  Token timer = 0;
  Token lookup = 0;
};

class Context {
 public:
  Context(const Flow& flow, const Clock& clock, CallContext call);

  const Flow& flow() const { return flow_; }
  NodeScratch& scratch() { return scratch_; }

  // Variables: the call's (caller, dialled, call_id, language), the flow's (account,
  // customer.vip...), and computed ones: time.hhmm ("0930"), time.weekday ("mon"),
  // time.date ("2025-03-08") in the site's local time, visits.<node> (entries so far).
  std::optional<std::string> Get(const std::string& name) const;
  void Set(const std::string& name, std::string value);
  // A secret (a PIN) stays usable by the flow but is left out of PublicVariables().
  void MarkSecret(const std::string& name) { secrets_.insert(name); }
  // Every variable set so far except secrets: what the agent may see (screen pop).
  std::map<std::string, std::string> PublicVariables() const;
  VariableLookup lookup() const;

  const std::string& language() const { return language_; }
  void SetLanguage(const std::string& language);
  LocalTime LocalNow() const;

  // Effects.
  Token Play(const PromptSpec& prompt, bool allow_barge_in);
  bool playing() const { return !plays_.empty(); }
  void StopPlay();  // no-op when nothing of this node is playing
  Token StartTimer(Duration after);
  void CancelTimer(Token token);
  Token StartLookup(std::string kind, std::map<std::string, std::string> keys);
  void Record(std::string kind, std::string detail);
  void Emit(Action action);
  // Leave for `node_id` once the current handler returns. REQUIRES: a node of the flow.
  void Goto(const std::string& node_id);
  // End the session with a terminal action (Hangup, Transfer, Voicemail, non-returning Queue).
  void Finish(Action terminal);

 private:
  friend class Session;

  const Flow& flow_;
  const Clock& clock_;
  std::map<std::string, std::string> variables_;
  std::set<std::string> secrets_;
  std::string language_;
  NodeScratch scratch_;
  std::map<std::string, int> visits_;
  std::vector<Action> actions_;
  std::optional<std::string> next_;
  bool ended_ = false;
  std::string end_reason_;
  Token last_token_ = 0;
  std::set<Token> plays_;              // this node's plays not yet done or stopped
  std::map<Token, TimePoint> timers_;  // this node's timers -> deadline
  Token lookup_ = 0;                   // this node's outstanding lookup
};

}  // namespace hotline::ivr
