// menu: one key chooses the next node.
//   main: {type: menu, prompt: ..., options: {"1": sales, "0": operator}, timeout_ms: 5000,
//          max_retries: 2, invalid_prompt: ..., timeout_prompt: ..., fallback: operator}
#include <map>

#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"
#include "ivr/nodes/prompted_input.h"

namespace hotline::ivr {

namespace {

bool IsKey(const std::string& key) {
  return key.size() == 1 && ((key[0] >= '0' && key[0] <= '9') || key[0] == '*' || key[0] == '#');
}

class MenuNode final : public PromptedInputNode {
 public:
  explicit MenuNode(NodeReader& reader) {
    ReadCommon(reader, "timeout_ms", Duration{5000});
    YAML::Node options = reader.Raw("options");
    int line = LineOf(options, reader.line());
    if (!options.IsMap() || options.size() == 0) {
      reader.Error(line, "'options' must map keys (0-9, *, #) to nodes");
      return;
    }
    for (const auto& item : options) {
      int at = LineOf(item.first, line);
      std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
      if (!IsKey(key)) {
        reader.Error(at, "bad menu key \"" + key + "\" (one of 0-9, *, #)");
        continue;
      }
      if (options_.count(key[0])) {
        reader.Error(at, "menu key \"" + key + "\" appears twice");
        continue;
      }
      options_[key[0]] = reader.TargetFrom(item.second, key, at);
    }
  }

  void OnDigit(Context& ctx, char digit) const override {
    if (!AcceptDigit(ctx)) return;
    auto option = options_.find(digit);
    if (option == options_.end()) {
      Retry(ctx, false, std::string(1, digit));
      return;
    }
    ctx.Record("menu", id() + ":" + digit);
    ctx.Goto(option->second);
  }

  void OnTimer(Context& ctx, Token token) const override {
    if (token == ctx.scratch().timer) Retry(ctx, true, "");
  }

 private:
  std::map<char, std::string> options_;
};

}  // namespace

void RegisterMenuNode(NodeRegistry& registry) {
  registry.Register("menu", [](NodeReader& reader) { return std::make_unique<MenuNode>(reader); });
}

}  // namespace hotline::ivr
