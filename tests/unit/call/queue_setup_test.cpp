// Unit tests of the queue pieces of call control that need no sockets: the ACD set-up from the
// configuration and the waiting caller's announcements.
#include <gtest/gtest.h>

#include "call/acd_setup.h"
#include "call/queue_announcement.h"

namespace hotline::call {
namespace {

using std::chrono::seconds;

Config TwoQueues() {
  Config config;
  config.users = {{"1001", "pw", "A"}, {"1002", "pw", "B"}, {"1003", "pw", "C"}};
  QueueSettings support;
  support.name = "support";
  support.skills = {{"support", 2}};
  support.strategy = "best_skill";
  support.ring_timeout_s = 7;
  support.wrap_up_s = 9;
  support.max_wait_s = 120;
  support.overflow = {{30, "relax", 1, ""}, {60, "add_queue", 1, "operator"}};
  QueueSettings operator_queue;
  operator_queue.name = "operator";
  operator_queue.skills = {{"operator", 1}};
  // Defined after the queue that borrows from it: set-up must order them.
  config.queues = {support, operator_queue};
  config.agents = {{"1001", {{"support", 1}}}, {"1002", {{"support", 3}, {"operator", 1}}}};
  return config;
}

TEST(AcdSetupTest, QueueSettingsBecomeTheCoreQueue) {
  acd::QueueConfig queue = ToQueueConfig(TwoQueues().queues[0]);
  EXPECT_EQ(queue.id, "support");
  ASSERT_EQ(queue.required_skills.size(), 1u);
  EXPECT_EQ(queue.required_skills[0].skill, "support");
  EXPECT_EQ(queue.required_skills[0].min_level, 2);
  EXPECT_EQ(queue.strategy, "best_skill");
  EXPECT_EQ(queue.ring_timeout, seconds(7));
  EXPECT_EQ(queue.wrap_up, seconds(9));
  ASSERT_TRUE(queue.max_wait.has_value());
  EXPECT_EQ(*queue.max_wait, seconds(120));
  ASSERT_EQ(queue.overflow.size(), 2u);
  EXPECT_EQ(queue.overflow[0].kind, acd::OverflowRule::Kind::kRelaxLevel);
  EXPECT_EQ(queue.overflow[1].kind, acd::OverflowRule::Kind::kAddQueueAgents);
  EXPECT_EQ(queue.overflow[1].target, "operator");
  EXPECT_EQ(queue.overflow[1].after, seconds(60));
}

TEST(AcdSetupTest, NoMaxWaitMeansWaitForever) {
  QueueSettings settings;
  settings.name = "q";
  EXPECT_FALSE(ToQueueConfig(settings).max_wait.has_value());
}

TEST(AcdSetupTest, EveryUserIsAnAgentAndSkillsRoute) {
  acd::Acd acd;
  ASSERT_TRUE(ConfigureAcd(TwoQueues(), acd).ok());
  TimePoint now{};
  for (const char* agent : {"1001", "1002", "1003"}) {
    ASSERT_TRUE(acd.Agent(agent).ok()) << agent;
    ASSERT_TRUE(acd.AgentLogin(agent, now).ok());
    ASSERT_TRUE(acd.AgentReady(agent, now).ok());
  }
  // support needs level 2: only 1002 qualifies (1001 has level 1, 1003 no skills).
  auto entered = acd.Enqueue({"c1", "555", "support", 0, false, {}}, now);
  ASSERT_TRUE(entered.ok());
  ASSERT_EQ(entered->actions.size(), 2u);  // 1002 ringing, then the offer
  const auto* offer = std::get_if<acd::Offer>(&entered->actions.back());
  ASSERT_NE(offer, nullptr);
  EXPECT_EQ(offer->agents, std::vector<std::string>{"1002"});
}

TEST(AcdSetupTest, AnOverflowCycleIsReported) {
  Config config = TwoQueues();
  config.queues[1].overflow = {{10, "add_queue", 1, "support"}};
  acd::Acd acd;
  Status status = ConfigureAcd(config, acd);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cycle"), std::string::npos) << status.message();
}

TEST(QueueAnnouncementTest, NextInLineShortWaitWithCallbackInChinese) {
  EXPECT_EQ(QueueAnnouncement("zh", 1, seconds(20), true),
            "您是下一位，预计等待不到一分钟。如需我们稍后给您回电，请按1。");
}

TEST(QueueAnnouncementTest, CallersAheadAndMinutesRoundedUp) {
  EXPECT_EQ(QueueAnnouncement("zh", 4, seconds(61), false), "您前面还有3位客户，预计等待约2分钟。");
  EXPECT_EQ(QueueAnnouncement("en", 4, seconds(61), false),
            "There are 3 callers ahead of you. The expected wait is about 2 minutes.");
  EXPECT_EQ(QueueAnnouncement("en", 2, seconds(60), true),
            "There is 1 caller ahead of you. The expected wait is about 1 minute. To be called "
            "back instead, press 1.");
}

TEST(QueueAnnouncementTest, PositionZeroIsTreatedAsNext) {
  EXPECT_EQ(QueueAnnouncement("en", 0, seconds(0), false),
            "You are next in line. The expected wait is less than a minute.");
}

TEST(QueueAnnouncementTest, CallbackTexts) {
  EXPECT_NE(CallbackConfirmation("zh").find("回电"), std::string::npos);
  EXPECT_NE(CallbackConfirmation("en").find("call you back"), std::string::npos);
  EXPECT_EQ(CallbackAgentIntro("en", "5551"), "Callback to 5 5 5 1. Connecting.");
  EXPECT_EQ(CallbackAgentIntro("zh", "12"), "回电客户 1 2，正在接通。");
}

}  // namespace
}  // namespace hotline::call
