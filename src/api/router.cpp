#include "api/router.h"

namespace hotline::api {

namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  if (!path.empty() && path[0] == '/') start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(const std::string& text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(const std::string& query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = PercentDecode(pair.substr(0, eq), true);
      std::string value = eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
      out[key] = value;
    }
    start = amp + 1;
  }
  return out;
}

bool MatchPattern(const std::string& pattern, const std::string& path, PathParams& params) {
  std::vector<std::string> want = Segments(pattern);
  std::vector<std::string> have = Segments(path);
  if (want.size() != have.size()) return false;
  PathParams captured;
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string& w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      if (have[i].empty()) return false;
      captured[w.substr(1, w.size() - 2)] = PercentDecode(have[i]);
    } else if (w != have[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

RouteLookup FindRoute(const std::vector<RouteKey>& routes, const std::string& method,
                      const std::string& path) {
  RouteLookup lookup;
  for (size_t i = 0; i < routes.size(); ++i) {
    PathParams params;
    if (!MatchPattern(routes[i].pattern, path, params)) continue;
    lookup.path_known = true;
    if (routes[i].method == method || (method == "HEAD" && routes[i].method == "GET")) {
      lookup.index = i;
      lookup.params = std::move(params);
      return lookup;
    }
  }
  return lookup;
}

}  // namespace hotline::api
