// Walks config/flows/demo_hotline.yaml end to end, one test per path through it.
#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

FlowPtr DemoFlow() {
  static FlowPtr flow =
      MustLoad(ReadFile(HOTLINE_SOURCE_DIR "/config/flows/demo_hotline.yaml"), "demo_hotline");
  return flow;
}

// A caller on Monday 2025-03-10 at `hour` Beijing time, through the language menu (key
// `language_key`) and the caller lookup (VIP or not), up to the main menu or after-hours.
class DemoCall {
 public:
  explicit DemoCall(char language_key = '1', bool vip = false, int day = 10, int hour = 10)
      : d_(DemoFlow(), {"13800000000", "100", "call-7", "", {}}) {
    SetLocalTime(d_.clock(), 2025, 3, static_cast<unsigned>(day), hour, 0);
    d_.Start();
    d_.FinishPlays();
    d_.Digit(language_key);
    d_.Answer(true, {{"vip", vip ? "true" : "false"}, {"name", "Li"}});
  }
  Driver& operator*() { return d_; }
  Driver* operator->() { return &d_; }

 private:
  Driver d_;
};

TEST(DemoFlowTest, LoadsCleanly) {
  FlowPtr flow = DemoFlow();
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->numbers, (std::vector<std::string>{"100"}));
  EXPECT_TRUE(flow->warnings.empty()) << flow->warnings.front();
}

TEST(DemoFlowTest, LanguageMenuIsBilingual) {
  Driver d(DemoFlow());
  auto plays = OfType<Play>(d.Start());
  ASSERT_EQ(plays.size(), 1u);
  EXPECT_NE(plays[0].prompt.content.find("中文服务请按1"), std::string::npos);
  EXPECT_NE(plays[0].prompt.content.find("For English, press 2"), std::string::npos);
}

TEST(DemoFlowTest, ChineseReachesTheMainMenu) {
  DemoCall call('1');
  EXPECT_EQ(call->session().current_node(), "main_menu");
  EXPECT_EQ(call->LastPlayText().substr(0, 12), "销售咨询");
  EXPECT_EQ(call->Path(),
            (std::vector<std::string>{"language_menu", "set_chinese", "identify_caller",
                                      "check_hours", "main_menu"}));
}

TEST(DemoFlowTest, SilenceAtTheLanguageMenuDefaultsToChinese) {
  Driver d(DemoFlow());
  SetLocalTime(d.clock(), 2025, 3, 10, 10, 0);
  d.Start();
  for (int i = 0; i < 3; ++i) {
    d.FinishPlays();
    d.Wait(5000);
  }
  EXPECT_EQ(d.session().language(), "zh");
  EXPECT_EQ(d.session().current_node(), "identify_caller");
}

TEST(DemoFlowTest, Key1SalesQueueThenSurvey) {
  DemoCall call('2');
  call->FinishPlays();
  call->Digit('1');
  EXPECT_EQ(call->LastPlayText(), "Connecting you to our sales team, please hold.");
  call->FinishPlays();
  auto queues = OfType<Queue>(call->last());
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues[0].queue, "sales");
  EXPECT_FALSE(queues[0].vip);
  call->QueueEnded(QueueOutcome::kAgentHungUp);
  EXPECT_EQ(call->session().current_node(), "survey");
  call->FinishPlays();
  call->Digit('5');
  call->FinishPlays();
  call->FinishPlays();
  EXPECT_EQ(call->session().variable("satisfaction"), "5");
  EXPECT_EQ(call->session().end_reason(), "normal");
  EXPECT_EQ(call->LastPlayText(), "Thank you for calling. Goodbye.");
}

TEST(DemoFlowTest, Key2SupportQueue) {
  DemoCall call('1');
  call->Digit('2');
  call->FinishPlays();
  auto queues = OfType<Queue>(call->last());
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues[0].queue, "support");
}

TEST(DemoFlowTest, Key0OperatorQueueAndNoAgentMeansVoicemail) {
  DemoCall call('1');
  call->Digit('0');
  call->FinishPlays();
  ASSERT_EQ(OfType<Queue>(call->last()).at(0).queue, "operator");
  call->QueueEnded(QueueOutcome::kNoAgent);
  call->FinishPlays();
  auto mail = OfType<Voicemail>(call->log());
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].mailbox, "general");
}

TEST(DemoFlowTest, VipCallersGoToThePriorityQueue) {
  for (char key : {'1', '2', '0'}) {
    DemoCall call('1', /*vip=*/true);
    call->Digit(key);
    call->FinishPlays();
    auto queues = OfType<Queue>(call->last());
    ASSERT_EQ(queues.size(), 1u) << key;
    EXPECT_EQ(queues[0].queue, "vip");
    EXPECT_EQ(queues[0].priority, 10);
    EXPECT_TRUE(queues[0].vip);
  }
}

TEST(DemoFlowTest, Key3BalanceInChinese) {
  DemoCall call('1');
  call->Digit('3');
  EXPECT_EQ(call->LastPlayText(), "请输入您的账号，以井号键结束。");
  call->Digits("62220001#");
  call->Digits("123456#");
  auto lookups = OfType<Lookup>(call->last());
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].kind, "account_by_pin");
  EXPECT_EQ(lookups[0].keys.at("account"), "62220001");
  EXPECT_EQ(lookups[0].keys.at("pin"), "123456");
  call->Answer(true, {{"balance", "1234.5"}});
  EXPECT_EQ(call->LastPlayText(), "账号六二二二零零零幺的余额为一千二百三十四元五角。");
  call->FinishPlays();
  EXPECT_EQ(call->session().current_node(), "main_menu");
  EXPECT_EQ(call->Events("collect"), (std::vector<std::string>{"collect:balance_account:62220001",
                                                               "collect:balance_pin:******"}));
}

TEST(DemoFlowTest, Key3BalanceInEnglish) {
  DemoCall call('2');
  call->Digit('3');
  call->Digits("62220001#");
  call->Digits("123456#");
  call->Answer(true, {{"balance", "1234.5"}});
  EXPECT_EQ(call->LastPlayText(),
            "The balance of account six two two two zero zero zero one is one thousand two "
            "hundred thirty four yuan and fifty fen.");
}

TEST(DemoFlowTest, WrongPinThreeTimesGoesToAnOperator) {
  DemoCall call('1');
  call->Digit('3');
  for (int attempt = 1; attempt <= 3; ++attempt) {
    call->Digits("62220001#");
    call->Digits("000000#");
    call->Answer(false);
    if (attempt < 3) {
      EXPECT_EQ(call->LastPlayText(), "账号或密码错误，请重新输入。");
      call->FinishPlays();
      EXPECT_EQ(call->session().current_node(), "balance_account");
    }
  }
  EXPECT_EQ(call->LastPlayText(), "验证失败次数过多，正在为您转接人工服务。");
  call->FinishPlays();
  call->FinishPlays();
  ASSERT_EQ(OfType<Queue>(call->log()).size(), 1u);
  EXPECT_EQ(OfType<Queue>(call->log())[0].queue, "operator");
}

TEST(DemoFlowTest, Key9LeavesAMessage) {
  DemoCall call('1');
  call->Digit('9');
  call->FinishPlays();
  auto mail = OfType<Voicemail>(call->log());
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].mailbox, "general");
}

TEST(DemoFlowTest, InvalidKeysThenSilenceFallBackToTheOperator) {
  DemoCall call('1');
  call->Digit('7');
  EXPECT_EQ(OfType<Play>(call->last()).at(0).prompt.content, "您的输入有误。");
  call->FinishPlays();
  call->Wait(6000);
  call->FinishPlays();
  call->Digit('8');
  call->FinishPlays();
  EXPECT_EQ(OfType<Queue>(call->log()).at(0).queue, "operator");
}

TEST(DemoFlowTest, AfterHoursMessageThenVoicemail) {
  DemoCall call('2', false, 10, 19);  // Monday 19:00
  EXPECT_EQ(call->session().current_node(), "after_hours");
  EXPECT_NE(call->LastPlayText().find("We are closed now"), std::string::npos);
  call->FinishPlays();
  call->FinishPlays();
  auto mail = OfType<Voicemail>(call->log());
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].mailbox, "after_hours");
}

TEST(DemoFlowTest, SaturdayAfternoonAndSundayAreClosed) {
  EXPECT_EQ((*DemoCall('1', false, 15, 11)).session().current_node(), "main_menu");
  EXPECT_EQ((*DemoCall('1', false, 15, 12)).session().current_node(), "after_hours");
  EXPECT_EQ((*DemoCall('1', false, 16, 10)).session().current_node(), "after_hours");
}

TEST(DemoFlowTest, HolidayIsClosed) {
  Driver d(DemoFlow());
  SetLocalTime(d.clock(), 2025, 10, 1, 10, 0);  // National Day, a Wednesday
  d.Start();
  d.Digit('1');
  d.Answer(false);
  EXPECT_EQ(d.session().current_node(), "after_hours");
}

TEST(DemoFlowTest, LookupTimeoutStillServesTheCaller) {
  Driver d(DemoFlow());
  SetLocalTime(d.clock(), 2025, 3, 10, 10, 0);
  d.Start();
  d.Digit('1');
  d.Wait(3000);
  EXPECT_EQ(d.session().current_node(), "main_menu");
}

}  // namespace
}  // namespace hotline::ivr::testing
