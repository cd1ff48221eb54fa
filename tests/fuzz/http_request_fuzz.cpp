// tests/fuzz/http_request_fuzz.cpp: libFuzzer target for the HTTP requests the API server
// reads from browsers and integrators: Boost.Beast's request parser with the server's limits
// (header and body sizes), then what the server does with a parsed request before a handler
// runs: the target split into path and query, the query parsed, the path percent-decoded and
// matched against route patterns. Property: no crash, hang, leak or undefined behaviour.
//
// Built by tests/fuzz/CMakeLists.txt (clang, -DHOTLINE_FUZZ=ON); `make test` runs it briefly.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "api/router.h"

namespace http = boost::beast::http;

namespace {

const std::vector<hotline::api::RouteKey>& Routes() {
  static const std::vector<hotline::api::RouteKey> routes = {
      {"POST", "/api/v1/session"},
      {"GET", "/api/v1/agents/{id}"},
      {"POST", "/api/v1/agents/{id}/state"},
      {"GET", "/api/v1/customers/{id}"},
      {"GET", "/api/v1/calls"},
      {"GET", "/api/v1/recordings/{id}/audio"},
      {"PUT", "/api/v1/ivr-flows/{name}"},
  };
  return routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);  // as the API server (api/http_session.cpp)
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code error;
  size_t used = 0;
  while (used < size && !error && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(data + used, size - used), error);
    if (error == http::error::need_more) {
      error = {};
      if (n == 0) break;
    }
    used += n;
  }
  if (error || !parser.is_header_done()) return 0;
  const auto& request = parser.get();
  std::string target(request.target());
  std::string path = target.substr(0, target.find('?'));
  if (target.size() > path.size()) (void)hotline::api::ParseQuery(target.substr(path.size() + 1));
  std::string method(request.method_string());
  (void)hotline::api::FindRoute(Routes(), method, path);
  (void)hotline::api::PercentDecode(path);
  return 0;
}
