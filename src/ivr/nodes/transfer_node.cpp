// transfer: blind transfer to an extension or an outside number (a template: "{extension}").
//   operator: {type: transfer, to: "1000", kind: extension, prompt: ...}
#include "ivr/node_registry.h"
#include "ivr/nodes/announced.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class TransferNode final : public AnnouncedNode {
 public:
  explicit TransferNode(NodeReader& reader) {
    ReadAnnouncement(reader);
    std::string to = reader.String("to", true);
    auto parsed = Template::Parse(to);
    if (!parsed) {
      reader.Error(reader.LineOfKey("to"), "'to': " + parsed.error().message);
    } else {
      to_ = std::move(*parsed);
    }
    std::string kind = reader.String("kind", false, "extension");
    if (kind == "number") {
      kind_ = Transfer::Kind::kNumber;
    } else if (kind != "extension") {
      reader.Error(reader.LineOfKey("kind"),
                   "kind must be extension or number, not \"" + kind + "\"");
    }
  }

 protected:
  void Act(Context& ctx) const override {
    std::string target = to_.Render(ctx.language(), ctx.lookup());
    if (target.empty()) {
      ctx.Record("transfer", id() + ": empty target");
      ctx.Finish(Hangup{"transfer_target_empty"});
      return;
    }
    ctx.Record("transfer", target);
    ctx.Finish(Transfer{kind_, target});
  }

 private:
  Template to_;
  Transfer::Kind kind_ = Transfer::Kind::kExtension;
};

}  // namespace

void RegisterTransferNode(NodeRegistry& registry) {
  registry.Register("transfer",
                    [](NodeReader& reader) { return std::make_unique<TransferNode>(reader); });
}

}  // namespace hotline::ivr
