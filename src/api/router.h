// api/router.h: matching a request path against route patterns such as
// "/api/v1/agents/{id}/state": literal segments must be equal, "{name}" captures one
// non-empty segment (percent-decoded). A path that matches a pattern under another method
// is reported so the caller can answer 405 instead of 404. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hotline::api {

using PathParams = std::map<std::string, std::string>;

// True if `path` matches `pattern`; captured segments go to `params`.
bool MatchPattern(const std::string& pattern, const std::string& path, PathParams& params);

// "%41b+c" -> "Ab+c" ('+' is kept; plus-as-space only applies to query strings). Malformed
// escapes are kept as they are.
std::string PercentDecode(const std::string& text, bool plus_is_space = false);

// Splits "a=1&b=x%20y" into {a: "1", b: "x y"}; the last of repeated keys wins.
std::map<std::string, std::string> ParseQuery(const std::string& query);

struct RouteKey {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/api/v1/agents/{id}"
};

struct RouteLookup {
  std::optional<size_t> index;  // into the route list, if method and path match
  bool path_known = false;      // some route matches the path (another method: 405)
  PathParams params;
};

// The first route whose method and pattern match.
RouteLookup FindRoute(const std::vector<RouteKey>& routes, const std::string& method,
                      const std::string& path);

}  // namespace hotline::api
