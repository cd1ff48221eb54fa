#include "api/api_error.h"

namespace hotline::api {

std::string ErrorBody(const ApiError& error) {
  nlohmann::json body = {{"code", error.code}, {"message", error.message}};
  if (error.extra.is_object()) {
    for (const auto& [key, value] : error.extra.items()) body[key] = value;
  }
  return nlohmann::json{{"error", body}}.dump();
}

ApiError BadRequest(const std::string& code, const std::string& message) {
  return {400, code, message};
}
ApiError Unauthorized(const std::string& message) { return {401, "unauthorized", message}; }
ApiError Forbidden(const std::string& message) { return {403, "forbidden", message}; }
ApiError NotFound(const std::string& what) { return {404, "not_found", what}; }
ApiError MethodNotAllowed() {
  return {405, "method_not_allowed", "this resource does not support that method"};
}
ApiError Conflict(const std::string& code, const std::string& message) {
  return {409, code, message};
}
ApiError PayloadTooLarge(size_t limit) {
  return {413, "body_too_large", "the request body exceeds " + std::to_string(limit) + " bytes"};
}
ApiError Unprocessable(const std::string& code, const std::string& message) {
  return {422, code, message};
}
ApiError TooManyRequests(const std::string& message) { return {429, "rate_limited", message}; }
ApiError Internal(const std::string& message) { return {500, "internal_error", message}; }

}  // namespace hotline::api
