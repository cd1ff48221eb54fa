// lookup: asks the adapter for data and branches on the answer.
//   who: {type: lookup, kind: customer_by_caller, keys: {caller: caller}, store_as: customer,
//         found: check_vip, not_found: check_hours, timeout_ms: 5000, error: check_hours}
// `keys` maps the key names sent in the Lookup action to session variables. Found fields are
// stored as <store_as>.<field> (customer.vip, account.balance...). No answer within the
// timeout goes to `error` (default: not_found).
#include <map>

#include "ivr/context.h"
#include "ivr/node_registry.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class LookupNode final : public Node {
 public:
  explicit LookupNode(NodeReader& reader) {
    kind_ = reader.String("kind", true);
    YAML::Node keys = reader.Raw("keys");
    int line = LineOf(keys, reader.line());
    if (!keys.IsDefined() || keys.IsNull()) {
      keys_ = {{"caller", "caller"}};
    } else if (!keys.IsMap() || keys.size() == 0) {
      reader.Error(line, "'keys' must map key names to variables, e.g. {account: account}");
    } else {
      for (const auto& item : keys) {
        auto name = reader.Scalar(item.first, "a key name", LineOf(item.first, line));
        auto variable = reader.Scalar(item.second, "a key variable", LineOf(item.second, line));
        if (name && variable) keys_[*name] = *variable;
      }
    }
    store_as_ = reader.String("store_as", false, "customer");
    timeout_ = reader.Millis("timeout_ms", Duration{5000});
    found_ = reader.Target("found", true);
    not_found_ = reader.Target("not_found", true);
    error_ = reader.Target("error", false);
    if (error_.empty()) error_ = not_found_;
  }

  void Enter(Context& ctx) const override {
    std::map<std::string, std::string> keys;
    for (const auto& [name, variable] : keys_) keys[name] = ctx.Get(variable).value_or("");
    ctx.StartLookup(kind_, std::move(keys));
    ctx.scratch().timer = ctx.StartTimer(timeout_);
  }

  void OnLookupResult(Context& ctx, const LookupResult& result) const override {
    ctx.CancelTimer(ctx.scratch().timer);
    if (!result.found) {
      ctx.Record("lookup", id() + ":not_found");
      ctx.Goto(not_found_);
      return;
    }
    for (const auto& [field, value] : result.fields) ctx.Set(store_as_ + "." + field, value);
    ctx.Record("lookup", id() + ":found");
    ctx.Goto(found_);
  }

  void OnTimer(Context& ctx, Token token) const override {
    if (token != ctx.scratch().timer) return;
    ctx.Record("lookup", id() + ":timeout");
    ctx.Goto(error_);
  }

 private:
  std::string kind_;
  std::map<std::string, std::string> keys_;
  std::string store_as_;
  Duration timeout_{5000};
  std::string found_;
  std::string not_found_;
  std::string error_;
};

}  // namespace

void RegisterLookupNode(NodeRegistry& registry) {
  registry.Register("lookup",
                    [](NodeReader& reader) { return std::make_unique<LookupNode>(reader); });
}

}  // namespace hotline::ivr
