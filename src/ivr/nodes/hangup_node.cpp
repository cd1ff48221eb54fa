// hangup: ends the call, after an optional goodbye.
//   bye: {type: hangup, reason: normal, prompt: {zh: 再见, en: Goodbye}}
#include "ivr/node_registry.h"
#include "ivr/nodes/announced.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class HangupNode final : public AnnouncedNode {
 public:
  explicit HangupNode(NodeReader& reader) {
    ReadAnnouncement(reader);
    reason_ = reader.String("reason", false, "normal");
  }

 protected:
  void Act(Context& ctx) const override { ctx.Finish(Hangup{reason_}); }

 private:
  std::string reason_;
};

}  // namespace

void RegisterHangupNode(NodeRegistry& registry) {
  registry.Register("hangup",
                    [](NodeReader& reader) { return std::make_unique<HangupNode>(reader); });
}

}  // namespace hotline::ivr
