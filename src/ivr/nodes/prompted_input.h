// ivr/nodes/prompted_input.h: the shared behaviour of nodes that prompt and wait for keys
// (menu, collect, survey): play the prompt (barge-in by default), start the timeout when it
// ends, and on a timeout or an invalid entry play that case's own prompt and the main prompt
// again, up to max_retries times; then go to the fallback node (or hang up without one).
#pragma once

#include <optional>
#include <string>

#include "ivr/context.h"
#include "ivr/node.h"
#include "ivr/node_reader.h"

namespace hotline::ivr {

class PromptedInputNode : public Node {
 public:
  bool TakesInput() const override { return true; }
  void Enter(Context& ctx) const override { PlayPrompt(ctx, nullptr); }
  void OnPlayDone(Context& ctx, Token token) const override;

 protected:
  // Reads prompt, invalid_prompt, timeout_prompt, max_retries, barge_in, fallback and the
  // timeout under `timeout_key`.
  void ReadCommon(NodeReader& reader, const char* timeout_key, Duration default_timeout);

  // Plays `before` (if any) then the main prompt; the timeout starts when the last one ends.
  void PlayPrompt(Context& ctx, const std::optional<PromptSpec>* before) const;
  // One failed attempt ("timeout" or "invalid", with detail for the call record).
  void Retry(Context& ctx, bool timed_out, const std::string& detail) const;
  // Stops the prompt and the timer for a key. False when the key must be ignored (the prompt
  // does not allow barge-in and is still playing).
  bool AcceptDigit(Context& ctx) const;

  PromptSpec prompt_;
  std::optional<PromptSpec> invalid_prompt_;
  std::optional<PromptSpec> timeout_prompt_;
  int max_retries_ = 2;
  Duration timeout_{5000};
  bool barge_in_ = true;
  std::string fallback_;
};

}  // namespace hotline::ivr
