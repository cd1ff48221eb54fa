#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

constexpr const char* kFlow = R"(
flow: t
start: survey
nodes:
  survey:
    type: survey
    prompt: {zh: 请打分, en: Rate us}
    invalid_prompt: {zh: 请按1到5, en: 1 to 5 please}
    thanks: {zh: 谢谢, en: Thanks}
    variable: satisfaction
    timeout_ms: 6000
    max_retries: 1
    next: bye
  bye: {type: hangup}
)";

TEST(SurveyNodeTest, StoresAScoreAndThanks) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digit('4');
  EXPECT_EQ(d.session().variable("satisfaction"), "4");
  EXPECT_EQ(d.Events("survey"), (std::vector<std::string>{"survey:survey:4"}));
  EXPECT_EQ(d.LastPlayText(), "谢谢");
  EXPECT_TRUE(d.Digit('5').empty());  // keys during thanks change nothing
  d.FinishPlays();
  EXPECT_EQ(d.session().end_reason(), "normal");
}

TEST(SurveyNodeTest, OutOfScaleKeysAreRetried) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Digit('0');
  d.Digit('6');  // second invalid: max_retries 1 exceeded -> next without a score
  EXPECT_FALSE(d.session().variable("satisfaction").has_value());
  EXPECT_EQ(d.session().end_reason(), "normal");
}

TEST(SurveyNodeTest, SilenceRecordsNoAnswer) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.FinishPlays();
  d.Wait(6000);
  d.FinishPlays();
  d.Wait(6000);
  EXPECT_EQ(d.Events("survey"), (std::vector<std::string>{"survey:survey:no_answer"}));
  EXPECT_TRUE(d.session().ended());
}

}  // namespace
}  // namespace hotline::ivr::testing
