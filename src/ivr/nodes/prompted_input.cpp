#include "ivr/nodes/prompted_input.h"

namespace hotline::ivr {

void PromptedInputNode::ReadCommon(NodeReader& reader, const char* timeout_key,
                                   Duration default_timeout) {
  if (auto prompt = reader.Prompt("prompt", true)) prompt_ = std::move(*prompt);
  invalid_prompt_ = reader.Prompt("invalid_prompt", false);
  timeout_prompt_ = reader.Prompt("timeout_prompt", false);
  max_retries_ = reader.Int("max_retries", 0, 10, 2);
  timeout_ = reader.Millis(timeout_key, default_timeout);
  barge_in_ = reader.Bool("barge_in", true);
  fallback_ = reader.Target("fallback", false);
}

void PromptedInputNode::PlayPrompt(Context& ctx, const std::optional<PromptSpec>* before) const {
  if (before != nullptr && before->has_value()) ctx.Play(**before, barge_in_);
  ctx.scratch().play = ctx.Play(prompt_, barge_in_);
}

void PromptedInputNode::OnPlayDone(Context& ctx, Token token) const {
  if (token == ctx.scratch().play && ctx.scratch().timer == 0) {
    ctx.scratch().timer = ctx.StartTimer(timeout_);
  }
}

void PromptedInputNode::Retry(Context& ctx, bool timed_out, const std::string& detail) const {
  NodeScratch& scratch = ctx.scratch();
  ctx.CancelTimer(scratch.timer);
  ctx.StopPlay();
  scratch.timer = 0;
  scratch.digits.clear();
  scratch.phase = 0;
  ++scratch.attempts;
  ctx.Record(timed_out ? "timeout" : "invalid", id() + (detail.empty() ? "" : ":" + detail));
  if (scratch.attempts > max_retries_) {
    ctx.Record("max_retries", id());
    if (fallback_.empty()) {
      ctx.Finish(Hangup{"max_retries"});
    } else {
      ctx.Goto(fallback_);
    }
    return;
  }
  PlayPrompt(ctx, timed_out ? &timeout_prompt_ : &invalid_prompt_);
}

bool PromptedInputNode::AcceptDigit(Context& ctx) const {
  if (ctx.playing()) {
    if (!barge_in_) return false;
    ctx.StopPlay();
  }
  ctx.CancelTimer(ctx.scratch().timer);
  ctx.scratch().timer = 0;
  return true;
}

}  // namespace hotline::ivr
