// api/api_error.h: the one shape of every API error: an HTTP status, a stable snake_case code
// clients can switch on, a human message and optional extra fields (e.g. line and node of an
// invalid flow), serialised as {"error":{"code":...,"message":...,...}}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hotline::api {

struct ApiError {
  unsigned status = 500;
  std::string code;
  std::string message;
  nlohmann::json extra = nlohmann::json::object();  // merged into the "error" object
};

// {"error":{"code","message",...extra}} as text.
std::string ErrorBody(const ApiError& error);

ApiError BadRequest(const std::string& code, const std::string& message);      // 400
ApiError Unauthorized(const std::string& message = "sign in first");           // 401
ApiError Forbidden(const std::string& message = "your role may not do this");  // 403
ApiError NotFound(const std::string& what = "no such resource");               // 404
ApiError MethodNotAllowed();                                                   // 405
ApiError Conflict(const std::string& code, const std::string& message);        // 409
ApiError PayloadTooLarge(size_t limit);                                        // 413
ApiError Unprocessable(const std::string& code, const std::string& message);   // 422
ApiError TooManyRequests(const std::string& message);                          // 429
ApiError Internal(const std::string& message);                                 // 500

}  // namespace hotline::api
