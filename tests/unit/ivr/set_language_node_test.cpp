#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

constexpr const char* kFlow = R"(
flow: t
start: lang
nodes:
  lang:
    type: menu
    prompt: {zh: 中文请按1, en: For English press 2}
    options: {"1": zh, "2": en}
  zh: {type: set_language, language: zh, next: hello}
  en: {type: set_language, language: en, next: hello}
  hello:
    type: play
    prompt: {zh: 你好, en: Hello}
    next: bye
  bye: {type: hangup}
)";

TEST(SetLanguageNodeTest, SwitchesPromptLanguage) {
  Driver d(MustLoad(kFlow));
  d.Start();
  d.Digit('2');
  EXPECT_EQ(d.session().language(), "en");
  EXPECT_EQ(d.session().variable("language"), "en");
  auto plays = OfType<Play>(d.last());
  ASSERT_EQ(plays.size(), 1u);
  EXPECT_EQ(plays[0].prompt.content, "Hello");
  EXPECT_EQ(plays[0].prompt.language, "en");
  EXPECT_EQ(d.Events("language"), (std::vector<std::string>{"language:en"}));
}

TEST(SetLanguageNodeTest, ChineseToo) {
  Driver d(MustLoad(kFlow), {"1", "100", "c", "en", {}});
  d.Start();
  EXPECT_EQ(d.LastPlayText(), "For English press 2");
  d.Digit('1');
  EXPECT_EQ(d.LastPlayText(), "你好");
}

TEST(SetLanguageNodeTest, UnknownLanguageIsRefused) {
  std::string error = LoadError(R"(
flow: t
start: fr
nodes:
  fr: {type: set_language, language: fr, next: bye}
  bye: {type: hangup}
)");
  EXPECT_NE(error.find("bad.yaml:5: node 'fr': language \"fr\" is not one of the flow's"),
            std::string::npos)
      << error;
}

TEST(SetNodeTest, AssignsVariablesFromTemplates) {
  Driver d(MustLoad(R"(
flow: t
start: mark
nodes:
  mark: {type: set, variables: {origin: ivr, who: "caller {caller}"}, next: bye}
  bye: {type: hangup}
)"));
  d.Start();
  EXPECT_EQ(d.session().variable("origin"), "ivr");
  EXPECT_EQ(d.session().variable("who"), "caller 13800000000");
}

}  // namespace
}  // namespace hotline::ivr::testing
