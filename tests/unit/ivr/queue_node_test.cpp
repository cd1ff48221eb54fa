#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

TEST(QueueNodeTest, TerminalQueueCarriesPriorityAndVip) {
  Driver d(MustLoad(R"(
flow: t
start: q
nodes:
  q: {type: queue, queue: sales, priority: 5}
)"),
           {"1", "100", "c", "", {{"customer.vip", "true"}}});
  d.Start();
  auto queues = OfType<Queue>(d.log());
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues[0].queue, "sales");
  EXPECT_EQ(queues[0].priority, 5);
  EXPECT_TRUE(queues[0].vip);
  EXPECT_FALSE(queues[0].returns);
  EXPECT_TRUE(d.session().ended());
  EXPECT_EQ(d.session().end_reason(), "queue");
}

constexpr const char* kReturning = R"(
flow: t
start: q
nodes:
  q:
    type: queue
    queue: support
    vip_variable: vip
    prompt: {zh: 请稍候, en: Please hold}
    after_agent: rate
    no_agent: message
  rate: {type: survey, prompt: 请打分, variable: score, next: bye}
  message: {type: voicemail, mailbox: support}
  bye: {type: hangup}
)";

TEST(QueueNodeTest, AnnouncesThenQueuesAndWaits) {
  Driver d(MustLoad(kReturning));
  d.Start();
  EXPECT_TRUE(OfType<Queue>(d.log()).empty());
  d.FinishPlays();
  auto queues = OfType<Queue>(d.last());
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_FALSE(queues[0].vip);
  EXPECT_TRUE(queues[0].returns);
  EXPECT_FALSE(d.session().ended());
}

TEST(QueueNodeTest, AgentHangupLeadsToTheSurvey) {
  Driver d(MustLoad(kReturning));
  d.Start();
  d.FinishPlays();
  d.QueueEnded(QueueOutcome::kAgentHungUp);
  EXPECT_EQ(d.session().current_node(), "rate");
}

TEST(QueueNodeTest, NoAgentLeadsToVoicemail) {
  Driver d(MustLoad(kReturning));
  d.Start();
  d.FinishPlays();
  d.QueueEnded(QueueOutcome::kNoAgent);
  auto mail = OfType<Voicemail>(d.last());
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].mailbox, "support");
}

TEST(QueueNodeTest, QueueEndedBeforeQueueingIsIgnored) {
  Driver d(MustLoad(kReturning));
  d.Start();  // still announcing
  EXPECT_TRUE(d.QueueEnded(QueueOutcome::kAgentHungUp).empty());
}

TEST(QueueNodeTest, MissingQueueIsRefused) {
  std::string error = LoadError(R"(
flow: t
start: q
nodes:
  q: {type: queue, priority: 5000}
)");
  EXPECT_NE(error.find("bad.yaml:5: node 'q': missing field 'queue'"), std::string::npos) << error;
  EXPECT_NE(error.find("'priority' must be an integer from 0 to 1000"), std::string::npos) << error;
}

}  // namespace
}  // namespace hotline::ivr::testing
