// api/api_types.h: one HTTP exchange as the API's handlers see it: the request (already
// routed and authenticated: path parameters, query, body, the signed-in user) and the reply
// they hand back through a callback, possibly later (after a round trip to the control
// thread). Everything here lives on the API thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "api/router.h"
#include "store/user_store.h"

namespace hotline::api {

struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string file_path;  // non-empty: the body is this whole file (streamed)

  static Reply Json(const nlohmann::json& body, unsigned status = 200) {
    Reply reply;
    reply.status = status;
    reply.body = body.dump();
    return reply;
  }
  static Reply Fail(const ApiError& error) {
    Reply reply;
    reply.status = error.status;
    reply.body = ErrorBody(error);
    return reply;
  }
  static Reply Empty(unsigned status = 204) {
    Reply reply;
    reply.status = status;
    reply.content_type.clear();
    return reply;
  }
};

using Respond = std::function<void(Reply)>;

struct Request {
  std::string method;  // "GET", ...
  std::string path;    // without the query
  std::map<std::string, std::string> query;
  PathParams params;
  std::string body;
  std::string content_type;
  std::string authorization;  // header value
  std::string cookie;         // header value
  std::string range;          // header value
  std::string client_ip;
  std::optional<store::User> user;  // set for authenticated routes
  std::string token_hash;           // of the token that authenticated
};

// Who may call a route. Roles are ordered: admin > supervisor > agent.
enum class Access { kPublic, kAgent, kSupervisor, kAdmin };

inline int RoleRank(const std::string& role) {
  if (role == "admin") return 3;
  if (role == "supervisor") return 2;
  if (role == "agent") return 1;
  return 0;
}

inline bool Allows(Access access, const std::string& role) {
  return RoleRank(role) >= static_cast<int>(access);
}

}  // namespace hotline::api
