// voicemail: records a message into a mailbox after an optional greeting.
//   message: {type: voicemail, mailbox: general, prompt: {zh: 请在提示音后留言, en: ...}}
#include "ivr/node_registry.h"
#include "ivr/nodes/announced.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class VoicemailNode final : public AnnouncedNode {
 public:
  explicit VoicemailNode(NodeReader& reader) {
    ReadAnnouncement(reader);
    mailbox_ = reader.String("mailbox", true);
  }

 protected:
  void Act(Context& ctx) const override {
    ctx.Record("voicemail", mailbox_);
    ctx.Finish(Voicemail{mailbox_});
  }

 private:
  std::string mailbox_;
};

}  // namespace

void RegisterVoicemailNode(NodeRegistry& registry) {
  registry.Register("voicemail",
                    [](NodeReader& reader) { return std::make_unique<VoicemailNode>(reader); });
}

}  // namespace hotline::ivr
