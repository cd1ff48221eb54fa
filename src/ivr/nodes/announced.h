// ivr/nodes/announced.h: nodes that may say something first (optional 'prompt', played
// without barge-in) and then act: queue, transfer, voicemail, hangup.
#pragma once

#include <optional>

#include "ivr/context.h"
#include "ivr/node.h"
#include "ivr/node_reader.h"

namespace hotline::ivr {

class AnnouncedNode : public Node {
 public:
  void Enter(Context& ctx) const override {
    if (announcement_) {
      ctx.scratch().play = ctx.Play(*announcement_, false);
    } else {
      Act(ctx);
    }
  }
  void OnPlayDone(Context& ctx, Token token) const override {
    if (token == ctx.scratch().play) Act(ctx);
  }

 protected:
  void ReadAnnouncement(NodeReader& reader) { announcement_ = reader.Prompt("prompt", false); }
  virtual void Act(Context& ctx) const = 0;

 private:
  std::optional<PromptSpec> announcement_;
};

}  // namespace hotline::ivr
