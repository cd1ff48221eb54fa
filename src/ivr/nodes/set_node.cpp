// set: assigns session variables (values are text templates), then goes on.
//   mark: {type: set, variables: {source: ivr, greeting: "{caller}"}, next: menu}
#include <map>

#include "ivr/context.h"
#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class SetNode final : public Node {
 public:
  explicit SetNode(NodeReader& reader) {
    YAML::Node variables = reader.Raw("variables");
    int line = LineOf(variables, reader.line());
    if (!variables.IsMap() || variables.size() == 0) {
      reader.Error(line, "'variables' must map names to values");
    } else {
      for (const auto& item : variables) {
        int at = LineOf(item.first, line);
        auto name = reader.Scalar(item.first, "a variable name", at);
        auto value = reader.Scalar(item.second, "a variable value", LineOf(item.second, at));
        if (!name || !value) continue;
        auto parsed = Template::Parse(*value);
        if (!parsed) {
          reader.Error(at, "variable " + *name + ": " + parsed.error().message);
          continue;
        }
        variables_.emplace_back(*name, std::move(*parsed));
      }
    }
    next_ = reader.Target("next", true);
  }

  void Enter(Context& ctx) const override {
    for (const auto& [name, value] : variables_) {
      ctx.Set(name, value.Render(ctx.language(), ctx.lookup()));
    }
    ctx.Goto(next_);
  }

 private:
  std::vector<std::pair<std::string, Template>> variables_;
  std::string next_;
};

}  // namespace

void RegisterSetNode(NodeRegistry& registry) {
  registry.Register("set", [](NodeReader& reader) { return std::make_unique<SetNode>(reader); });
}

}  // namespace hotline::ivr
