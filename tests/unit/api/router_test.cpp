// Route matching, query parsing and the JSON error shape.
#include "api/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api_error.h"

namespace hotline::api {
namespace {

TEST(RouterTest, LiteralAndCapturedSegments) {
  PathParams params;
  EXPECT_TRUE(MatchPattern("/api/v1/agents/{id}/state", "/api/v1/agents/1001/state", params));
  EXPECT_EQ(params["id"], "1001");
  EXPECT_FALSE(MatchPattern("/api/v1/agents/{id}", "/api/v1/agents/", params));
  EXPECT_FALSE(MatchPattern("/api/v1/agents/{id}", "/api/v1/agents/1/x", params));
  EXPECT_FALSE(MatchPattern("/api/v1/agents", "/api/v1/agent", params));
  EXPECT_TRUE(MatchPattern("/api/v1/users/{username}", "/api/v1/users/a%40b", params));
  EXPECT_EQ(params["username"], "a@b");
}

TEST(RouterTest, MethodMismatchIsReportedForA405) {
  std::vector<RouteKey> routes = {{"GET", "/a/{x}"}, {"POST", "/a/{x}"}, {"GET", "/b"}};
  auto found = FindRoute(routes, "POST", "/a/7");
  ASSERT_TRUE(found.index.has_value());
  EXPECT_EQ(*found.index, 1u);
  EXPECT_EQ(found.params["x"], "7");
  auto wrong = FindRoute(routes, "DELETE", "/b");
  EXPECT_FALSE(wrong.index.has_value());
  EXPECT_TRUE(wrong.path_known);
  auto none = FindRoute(routes, "GET", "/c");
  EXPECT_FALSE(none.index.has_value());
  EXPECT_FALSE(none.path_known);
  EXPECT_TRUE(FindRoute(routes, "HEAD", "/b").index.has_value());
}

TEST(RouterTest, QueryAndPercentDecoding) {
  auto query = ParseQuery("phone=%2B86+138&limit=5&flag&limit=7");
  EXPECT_EQ(query["phone"], "+86 138");
  EXPECT_EQ(query["limit"], "7");
  EXPECT_EQ(query["flag"], "");
  EXPECT_EQ(PercentDecode("a%2"), "a%2");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
}

TEST(ApiErrorTest, BodyShapeAndStatuses) {
  auto body = nlohmann::json::parse(ErrorBody(BadRequest("malformed_json", "bad")));
  EXPECT_EQ(body["error"]["code"], "malformed_json");
  EXPECT_EQ(body["error"]["message"], "bad");
  ApiError flow = Unprocessable("invalid_flow", "x");
  flow.extra["line"] = 12;
  flow.extra["node"] = "main";
  auto flow_body = nlohmann::json::parse(ErrorBody(flow));
  EXPECT_EQ(flow_body["error"]["line"], 12);
  EXPECT_EQ(flow_body["error"]["node"], "main");
  EXPECT_EQ(Unauthorized().status, 401u);
  EXPECT_EQ(Forbidden().status, 403u);
  EXPECT_EQ(NotFound().status, 404u);
  EXPECT_EQ(MethodNotAllowed().status, 405u);
  EXPECT_EQ(PayloadTooLarge(10).status, 413u);
  EXPECT_EQ(TooManyRequests("x").code, "rate_limited");
}

}  // namespace
}  // namespace hotline::api
