// play: says a prompt, then goes on.
//   welcome: {type: play, prompt: {zh: 欢迎致电, en: Welcome}, barge_in: false, next: menu}
#include "ivr/context.h"
#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class PlayNode final : public Node {
 public:
  explicit PlayNode(NodeReader& reader) {
    if (auto prompt = reader.Prompt("prompt", true)) prompt_ = std::move(*prompt);
    barge_in_ = reader.Bool("barge_in", false);
    next_ = reader.Target("next", true);
  }

  void Enter(Context& ctx) const override { ctx.scratch().play = ctx.Play(prompt_, barge_in_); }

  void OnPlayDone(Context& ctx, Token token) const override {
    if (token == ctx.scratch().play) ctx.Goto(next_);
  }

  void OnDigit(Context& ctx, char digit) const override {
    if (!barge_in_ || !ctx.playing()) return;
    ctx.StopPlay();
    ctx.Record("barge_in", id() + ":" + digit);
    ctx.Goto(next_);
  }

 private:
  PromptSpec prompt_;
  bool barge_in_ = false;
  std::string next_;
};

}  // namespace

void RegisterPlayNode(NodeRegistry& registry) {
  registry.Register("play", [](NodeReader& reader) { return std::make_unique<PlayNode>(reader); });
}

}  // namespace hotline::ivr
