// set_language: switches the language prompts are played in from now on.
//   chinese: {type: set_language, language: zh, next: main_menu}
#include "ivr/context.h"
#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class SetLanguageNode final : public Node {
 public:
  explicit SetLanguageNode(NodeReader& reader) {
    language_ = reader.String("language", true);
    if (!language_.empty() && !reader.flow().languages.count(language_)) {
      reader.Error(reader.LineOfKey("language"),
                   "language \"" + language_ + "\" is not one of the flow's languages");
    }
    next_ = reader.Target("next", true);
  }

  void Enter(Context& ctx) const override {
    ctx.SetLanguage(language_);
    ctx.Record("language", language_);
    ctx.Goto(next_);
  }

 private:
  std::string language_;
  std::string next_;
};

}  // namespace

void RegisterSetLanguageNode(NodeRegistry& registry) {
  registry.Register("set_language",
                    [](NodeReader& reader) { return std::make_unique<SetLanguageNode>(reader); });
}

}  // namespace hotline::ivr
