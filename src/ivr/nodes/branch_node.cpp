// branch: goes to the first case whose condition holds, else to default.
//   route: {type: branch, cases: [{if: {calendar: business_hours}, next: menu}],
//           default: after_hours}
// Conditions are described in condition.h.
#include <vector>

#include "ivr/condition.h"
#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class BranchNode final : public Node {
 public:
  explicit BranchNode(NodeReader& reader) {
    YAML::Node cases = reader.Raw("cases");
    int line = LineOf(cases, reader.line());
    if (cases.IsDefined() && !cases.IsNull() && !cases.IsSequence()) {
      reader.Error(line, "'cases' must be a list of {if: condition, next: node}");
    } else if (cases.IsSequence()) {
      for (const auto& item : cases) {
        int at = LineOf(item, line);
        if (!item.IsMap() || !item["if"].IsDefined() || !item["next"].IsDefined() ||
            item.size() != 2) {
          reader.Error(at, "each case must be {if: condition, next: node}");
          continue;
        }
        auto condition = Condition::Parse(reader, item["if"], at);
        std::string target = reader.TargetFrom(
            item["next"], "case " + std::to_string(cases_.size() + 1), LineOf(item["next"], at));
        if (condition) cases_.push_back({std::move(*condition), target});
      }
    }
    default_ = reader.Target("default", true);
  }

  void Enter(Context& ctx) const override {
    for (size_t i = 0; i < cases_.size(); ++i) {
      if (cases_[i].condition.Evaluate(ctx)) {
        ctx.Record("branch", id() + ":" + cases_[i].next);
        ctx.Goto(cases_[i].next);
        return;
      }
    }
    ctx.Record("branch", id() + ":" + default_);
    ctx.Goto(default_);
  }

 private:
  struct Case {
    Condition condition;
    std::string next;
  };
  std::vector<Case> cases_;
  std::string default_;
};

}  // namespace

void RegisterBranchNode(NodeRegistry& registry) {
  registry.Register("branch",
                    [](NodeReader& reader) { return std::make_unique<BranchNode>(reader); });
}

}  // namespace hotline::ivr
