// Every route the server answers is described in docs/api/openapi.yaml, and every path and
// method in the spec is a route of the server.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>

#include "api/api.h"

namespace hotline::api {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(OpenApiTest, RouteTableAndSpecAgree) {
  YAML::Node spec = YAML::LoadFile(std::string(HOTLINE_SOURCE_DIR) + "/docs/api/openapi.yaml");
  std::set<std::string> in_spec;
  for (const auto& path : spec["paths"]) {
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      if (method == "parameters") continue;
      in_spec.insert(Lower(method) + " " + path.first.as<std::string>());
    }
  }
  std::set<std::string> in_server;
  for (const Route& route : Api::Routes()) {
    in_server.insert(Lower(route.method) + " " + route.pattern);
  }
  for (const auto& route : in_server) EXPECT_TRUE(in_spec.count(route)) << route << " not in spec";
  for (const auto& route : in_spec) EXPECT_TRUE(in_server.count(route)) << route << " not served";
}

}  // namespace
}  // namespace hotline::api
