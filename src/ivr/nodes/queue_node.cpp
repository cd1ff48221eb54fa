// queue: hands the caller to an ACD queue.
//   sales: {type: queue, queue: sales, priority: 0, vip_variable: customer.vip,
//           prompt: ..., after_agent: survey, no_agent: voicemail}
// The VIP flag is true when vip_variable holds true/yes/1. With after_agent or no_agent the
// Queue action is returning: the flow continues after OnQueueEnded (a survey after the agent
// hung up, voicemail when no agent answered); otherwise the session ends with the Queue.
#include "ivr/node_registry.h"
#include "ivr/nodes/announced.h"
#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

namespace {

class QueueNode final : public AnnouncedNode {
 public:
  explicit QueueNode(NodeReader& reader) {
    ReadAnnouncement(reader);
    queue_ = reader.String("queue", true);
    priority_ = reader.Int("priority", 0, 1000, 0);
    vip_variable_ = reader.String("vip_variable", false, "customer.vip");
    after_agent_ = reader.Target("after_agent", false);
    no_agent_ = reader.Target("no_agent", false);
  }

  void OnQueueEnded(Context& ctx, QueueOutcome outcome) const override {
    if (ctx.scratch().phase != kWaiting) return;
    bool served = outcome == QueueOutcome::kAgentHungUp;
    ctx.Record("queue_ended", id() + (served ? ":agent_hung_up" : ":no_agent"));
    const std::string& next = served ? after_agent_ : no_agent_;
    if (next.empty()) {
      ctx.Finish(Hangup{served ? "agent_hung_up" : "no_agent"});
    } else {
      ctx.Goto(next);
    }
  }

 protected:
  void Act(Context& ctx) const override {
    std::string vip = ctx.Get(vip_variable_).value_or("");
    Queue action{queue_, priority_, vip == "true" || vip == "yes" || vip == "1",
                 !after_agent_.empty() || !no_agent_.empty()};
    ctx.Record("queue", queue_ + (action.vip ? " vip" : ""));
    if (action.returns) {
      ctx.scratch().phase = kWaiting;
      ctx.Emit(std::move(action));
    } else {
      ctx.Finish(std::move(action));
    }
  }

 private:
  static constexpr int kWaiting = 1;
  std::string queue_;
  int priority_ = 0;
  std::string vip_variable_;
  std::string after_agent_;
  std::string no_agent_;
};

}  // namespace

void RegisterQueueNode(NodeRegistry& registry) {
  registry.Register("queue",
                    [](NodeReader& reader) { return std::make_unique<QueueNode>(reader); });
}

}  // namespace hotline::ivr
