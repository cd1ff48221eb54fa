// Range headers, flow-loader messages, static file paths and CTI event filtering.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "api/cti_filter.h"
#include "api/flow_error.h"
#include "api/http_range.h"
#include "api/json_views.h"
#include "api/static_files.h"

namespace hotline::api {
namespace {

TEST(RangeTest, SingleRanges) {
  auto r = ParseRange("bytes=0-99", 1000);
  EXPECT_EQ(r.kind, ByteRange::Kind::kPartial);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 99u);
  r = ParseRange("bytes=500-", 1000);
  EXPECT_EQ(r.first, 500u);
  EXPECT_EQ(r.last, 999u);
  r = ParseRange("bytes=-100", 1000);
  EXPECT_EQ(r.first, 900u);
  EXPECT_EQ(r.last, 999u);
  r = ParseRange("bytes=900-5000", 1000);
  EXPECT_EQ(r.last, 999u);
  r = ParseRange("bytes=-5000", 1000);
  EXPECT_EQ(r.first, 0u);
}

TEST(RangeTest, UnsatisfiableAndIgnored) {
  EXPECT_EQ(ParseRange("bytes=1000-", 1000).kind, ByteRange::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-0", 1000).kind, ByteRange::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("", 1000).kind, ByteRange::Kind::kWhole);
  EXPECT_EQ(ParseRange("bytes=0-1,5-6", 1000).kind, ByteRange::Kind::kWhole);
  EXPECT_EQ(ParseRange("items=0-1", 1000).kind, ByteRange::Kind::kWhole);
  EXPECT_EQ(ParseRange("bytes=9-3", 1000).kind, ByteRange::Kind::kWhole);
  EXPECT_EQ(ParseRange("bytes=x-", 1000).kind, ByteRange::Kind::kWhole);
}

TEST(FlowErrorTest, LineNodeAndMessage) {
  auto p = ParseFlowError(
      "hotline.yaml:17: node 'main': goto 'nowhere' names no node\nhotline.yaml:20: other");
  EXPECT_EQ(p.line, 17);
  EXPECT_EQ(p.node, "main");
  EXPECT_EQ(p.message, "node 'main': goto 'nowhere' names no node");
  auto q = ParseFlowError("f.yaml:3: flow name is missing");
  EXPECT_EQ(q.line, 3);
  EXPECT_EQ(q.node, "");
  auto r = ParseFlowError("not yaml at all");
  EXPECT_EQ(r.line, 0);
  EXPECT_EQ(r.message, "not yaml at all");
}

TEST(StaticFilesTest, RefusesTraversalAndResolves) {
  EXPECT_FALSE(IsSafeUrlPath("/../etc/passwd"));
  EXPECT_FALSE(IsSafeUrlPath("/a/../../b"));
  EXPECT_FALSE(IsSafeUrlPath("//etc/passwd"));
  EXPECT_FALSE(IsSafeUrlPath("/a\\b"));
  EXPECT_FALSE(IsSafeUrlPath("relative"));
  EXPECT_TRUE(IsSafeUrlPath("/assets/app.js"));

  auto root =
      std::filesystem::temp_directory_path() / ("hotline_web_" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<html>";
  std::ofstream(root / "assets" / "app.js") << "x";
  EXPECT_EQ(ResolveStatic(root.string(), "/"), (root / "index.html").string());
  EXPECT_EQ(ResolveStatic(root.string(), "/assets/app.js"), (root / "assets" / "app.js").string());
  EXPECT_EQ(ResolveStatic(root.string(), "/agent"), (root / "index.html").string())
      << "client-side routes get the page";
  EXPECT_FALSE(ResolveStatic(root.string(), "/missing.js").has_value());
  EXPECT_FALSE(ResolveStatic(root.string(), "/%2e%2e/secret").has_value());
  std::filesystem::remove_all(root);

  EXPECT_EQ(ContentTypeFor("a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("x.JS"), "application/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("r.wav"), "audio/wav");
  EXPECT_EQ(ContentTypeFor("blob"), "application/octet-stream");
}

call::CtiEvent Event(const std::string& type, const std::string& agent,
                     const std::string& queue = "") {
  call::CtiEvent event;
  event.type = type;
  event.agent = agent;
  event.queue = queue;
  return event;
}

EventInterest Interest(const std::string& agent_id, bool agents, bool queues) {
  EventInterest interest;
  interest.agent_id = agent_id;
  interest.agents = agents;
  interest.queues = queues;
  return interest;
}

TEST(CtiFilterTest, AgentsSeeTheirOwnSupervisorsWhatTheySubscribed) {
  call::CtiEvent mine = Event("agent.state", "1001");
  call::CtiEvent other = Event("call.offered", "1002");
  call::CtiEvent queue = Event("queue.changed", "", "sales");
  EventInterest agent = Interest("1001", false, false);
  EXPECT_TRUE(Wants(agent, mine));
  EXPECT_FALSE(Wants(agent, other));
  EXPECT_FALSE(Wants(agent, queue));
  EventInterest supervisor = Interest("", true, false);
  EXPECT_TRUE(Wants(supervisor, other));
  EXPECT_FALSE(Wants(supervisor, queue));
  EventInterest wallboard = Interest("", false, true);
  EXPECT_TRUE(Wants(wallboard, queue));
  EXPECT_FALSE(Wants(wallboard, mine));
}

TEST(JsonViewsTest, EventCarriesOnlyItsFields) {
  call::CtiEvent event = Event("agent.state", "1001");
  event.at_ms = 5;
  event.state = "ready";
  event.data["customer.name"] = "Li";
  auto j = ToJson(event);
  EXPECT_EQ(j["type"], "agent.state");
  EXPECT_EQ(j["state"], "ready");
  EXPECT_FALSE(j.contains("call_id"));
  EXPECT_EQ(j["data"]["customer.name"], "Li");
}

}  // namespace
}  // namespace hotline::api
