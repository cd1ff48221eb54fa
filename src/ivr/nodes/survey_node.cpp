// survey: asks for a score after the agent hung up (reached from a queue's after_agent).
//   survey: {type: survey, prompt: ..., scale: 5, variable: satisfaction, thanks: ...,
//            timeout_ms: 6000, max_retries: 1, next: bye}
// A key 1..scale is stored and recorded ("survey" event); no valid answer after the retries
// records "no_answer" and goes to fallback (default: next).
#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"
#include "ivr/nodes/prompted_input.h"

namespace hotline::ivr {

namespace {

class SurveyNode final : public PromptedInputNode {
 public:
  explicit SurveyNode(NodeReader& reader) {
    ReadCommon(reader, "timeout_ms", Duration{6000});
    scale_ = reader.Int("scale", 2, 9, 5);
    variable_ = reader.String("variable", true);
    thanks_ = reader.Prompt("thanks", false);
    next_ = reader.Target("next", true);
    if (fallback_.empty()) fallback_ = next_;
  }

  void OnDigit(Context& ctx, char digit) const override {
    if (ctx.scratch().phase == kThanking || !AcceptDigit(ctx)) return;
    if (digit < '1' || digit > static_cast<char>('0' + scale_)) {
      if (ctx.scratch().attempts >= max_retries_) ctx.Record("survey", id() + ":no_answer");
      Retry(ctx, false, std::string(1, digit));
      return;
    }
    ctx.Set(variable_, std::string(1, digit));
    ctx.Record("survey", id() + ":" + digit);
    if (!thanks_) {
      ctx.Goto(next_);
      return;
    }
    ctx.scratch().phase = kThanking;
    ctx.scratch().play = ctx.Play(*thanks_, false);
  }

  void OnPlayDone(Context& ctx, Token token) const override {
    if (ctx.scratch().phase == kThanking) {
      if (token == ctx.scratch().play) ctx.Goto(next_);
      return;
    }
    PromptedInputNode::OnPlayDone(ctx, token);
  }

  void OnTimer(Context& ctx, Token token) const override {
    if (token != ctx.scratch().timer) return;
    if (ctx.scratch().attempts >= max_retries_) ctx.Record("survey", id() + ":no_answer");
    Retry(ctx, true, "");
  }

 private:
  static constexpr int kThanking = 2;
  int scale_ = 5;
  std::string variable_;
  std::optional<PromptSpec> thanks_;
  std::string next_;
};

}  // namespace

void RegisterSurveyNode(NodeRegistry& registry) {
  registry.Register("survey",
                    [](NodeReader& reader) { return std::make_unique<SurveyNode>(reader); });
}

}  // namespace hotline::ivr
