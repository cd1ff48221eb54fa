#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FlowLoaderTest, LoadsAMinimalFlow) {
  FlowPtr flow = MustLoad("flow: tiny\nstart: bye\nnodes:\n  bye: {type: hangup}\n");
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->name, "tiny");
  EXPECT_EQ(flow->default_language, "zh");
  EXPECT_EQ(flow->FindNode("bye")->type(), "hangup");
  EXPECT_EQ(flow->FindNode("bye")->line(), 4);
  EXPECT_TRUE(flow->warnings.empty());
}

TEST(FlowLoaderTest, CalendarHolidaysAreOptionalAndWeeklyIsRequired) {
  FlowPtr flow = MustLoad(
      "flow: t\ncalendars:\n  always:\n    weekly: {mon-sun: \"00:00-24:00\"}\nstart: bye\n"
      "nodes:\n  bye: {type: hangup}\n");
  ASSERT_NE(flow, nullptr);
  EXPECT_NE(flow->FindCalendar("always"), nullptr);
  std::string error = LoadError(
      "flow: t\ncalendars:\n  shop:\n    holidays: []\nstart: bye\nnodes:\n  bye: {type: "
      "hangup}\n");
  EXPECT_TRUE(Has(error, "bad.yaml:3: calendar 'shop'")) << error;
  EXPECT_TRUE(Has(error, "'weekly' must map days")) << error;
}

TEST(FlowLoaderTest, YamlSyntaxErrorHasALine) {
  std::string error = LoadError("flow: t\nstart: a\nnodes:\n  a: {type: hangup\n");
  EXPECT_TRUE(Has(error, "bad.yaml:")) << error;
  EXPECT_TRUE(Has(error, "YAML syntax error")) << error;
}

TEST(FlowLoaderTest, UnknownNodeTypeNamesNodeAndLine) {
  std::string error = LoadError(R"(
flow: t
start: a
nodes:
  a:
    type: dance
)");
  EXPECT_TRUE(Has(error, "bad.yaml:6: node 'a': unknown node type \"dance\" (known: branch, "))
      << error;
}

TEST(FlowLoaderTest, MissingFieldsAndUnknownFields) {
  std::string error = LoadError(R"(
flow: t
start: a
nodes:
  a:
    type: play
    promt: hello
)");
  EXPECT_TRUE(Has(error, "bad.yaml:5: node 'a': missing field 'prompt'")) << error;
  EXPECT_TRUE(Has(error, "bad.yaml:5: node 'a': missing field 'next'")) << error;
  EXPECT_TRUE(Has(error, "bad.yaml:7: node 'a': unknown field 'promt' in a play node")) << error;
}

TEST(FlowLoaderTest, TransitionToAMissingNode) {
  std::string error = LoadError(R"(
flow: t
start: menu
nodes:
  menu:
    type: menu
    prompt: hi
    options:
      "1": sales
      "2": nowhere
    fallback: gone
  sales: {type: queue, queue: sales}
)");
  EXPECT_TRUE(Has(error, "bad.yaml:10: node 'menu': '2' goes to 'nowhere', which is not a node"))
      << error;
  EXPECT_TRUE(Has(error, "bad.yaml:11: node 'menu': 'fallback' goes to 'gone'")) << error;
}

TEST(FlowLoaderTest, MissingStartNode) {
  std::string error = LoadError("flow: t\nstart: begin\nnodes:\n  a: {type: hangup}\n");
  EXPECT_TRUE(Has(error, "bad.yaml:2: start node 'begin' does not exist")) << error;
}

TEST(FlowLoaderTest, UnreachableNodesAreWarnings) {
  FlowPtr flow = MustLoad(R"(
flow: t
start: a
nodes:
  a: {type: hangup}
  orphan: {type: hangup}
)");
  ASSERT_NE(flow, nullptr);
  ASSERT_EQ(flow->warnings.size(), 1u);
  EXPECT_EQ(flow->warnings[0],
            "test.yaml:6: node 'orphan': warning: unreachable from the start node 'a'");
}

TEST(FlowLoaderTest, LoopWithoutInputIsRefused) {
  std::string error = LoadError(R"(
flow: t
start: a
nodes:
  a: {type: play, prompt: hi, next: b}
  b:
    type: branch
    cases: [{if: {var: x, equals: "1"}, next: c}]
    default: a
  c: {type: hangup}
)");
  EXPECT_TRUE(Has(error, "bad.yaml:5: node 'a': loop without any input node: a -> b -> a"))
      << error;
}

TEST(FlowLoaderTest, SelfLoopWithoutInputIsRefused) {
  std::string error = LoadError(R"(
flow: t
start: a
nodes:
  a: {type: set, variables: {x: "1"}, next: a}
)");
  EXPECT_TRUE(Has(error, "node 'a': loop without any input node: a -> a")) << error;
}

TEST(FlowLoaderTest, LoopThroughAMenuIsFine) {
  FlowPtr flow = MustLoad(R"(
flow: t
start: menu
nodes:
  menu: {type: menu, prompt: m, options: {"1": info, "0": bye}}
  info: {type: play, prompt: info, next: menu}
  bye: {type: hangup}
)");
  EXPECT_NE(flow, nullptr);
}

TEST(FlowLoaderTest, TopLevelProblems) {
  std::string error = LoadError(R"(
flow: t
languages: [zh, fr]
language: en
utc_offset: "8"
limits: {max_steps: 1}
colour: blue
start: a
nodes:
  a: {type: hangup}
)");
  EXPECT_TRUE(Has(error, "bad.yaml:3: languages: \"fr\" is not zh or en")) << error;
  EXPECT_TRUE(Has(error, "bad.yaml:4: language \"en\" is not one of the flow's languages"))
      << error;
  EXPECT_TRUE(Has(error, "bad.yaml:5: bad UTC offset \"8\"")) << error;
  EXPECT_TRUE(Has(error, "bad.yaml:6: 'max_steps' must be an integer from 2")) << error;
  EXPECT_TRUE(Has(error, "bad.yaml:7: unknown field 'colour' in the flow")) << error;
}

TEST(FlowLoaderTest, DuplicateNodeIds) {
  std::string error = LoadError(R"(
flow: t
start: a
nodes:
  a: {type: hangup}
  a: {type: hangup, reason: again}
)");
  EXPECT_TRUE(Has(error, "node 'a': ")) << error;
}

TEST(FlowLoaderTest, PromptProblems) {
  std::string error = LoadError(R"(
flow: t
start: a
nodes:
  a:
    type: play
    prompt: {zh: "余额{money:x}", de: Hallo}
    next: b
  b: {type: hangup}
)");
  EXPECT_TRUE(Has(error, "bad.yaml:7: node 'a': 'prompt': unknown format \"money\"")) << error;
  EXPECT_TRUE(Has(error, "unknown language \"de\"")) << error;
}

TEST(FlowLoaderTest, MissingTranslationIsAWarning) {
  FlowPtr flow = MustLoad(R"(
flow: t
start: a
nodes:
  a: {type: play, prompt: {zh: 你好}, next: b}
  b: {type: hangup}
)");
  ASSERT_NE(flow, nullptr);
  ASSERT_EQ(flow->warnings.size(), 1u);
  EXPECT_TRUE(Has(flow->warnings[0], "test.yaml:5: node 'a': warning: 'prompt' has no en"))
      << flow->warnings[0];
}

TEST(FlowLoaderTest, NotAMapping) {
  EXPECT_TRUE(Has(LoadError("- just\n- a list\n"), "a flow must be a mapping"));
  EXPECT_TRUE(Has(LoadError(""), "a flow must be a mapping"));
  EXPECT_TRUE(Has(LoadError("flow: t\nstart: a\nnodes: []\n"), "'nodes' must map node ids"));
}

TEST(FlowLoaderTest, CustomRegistry) {
  NodeRegistry empty;
  auto loaded = LoadFlow("flow: t\nstart: a\nnodes:\n  a: {type: hangup}\n", "x.yaml", empty);
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(Has(loaded.error().message, "unknown node type \"hangup\""));
}

}  // namespace
}  // namespace hotline::ivr::testing
