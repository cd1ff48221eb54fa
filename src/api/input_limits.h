// api/input_limits.h: the sizes the admin API accepts, beyond which a request is refused with
// 400 invalid_field naming the field (CheckLength / CheckCount below). They keep the
// database, the ACD's tables and the console's pages small enough that no single edit can
// slow the server down; the body limits (1 MiB, 256 KiB for IVR flows) come on top.
// Pure constants and checks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "api/api_error.h"

namespace hotline::api::limits {

inline constexpr size_t kUsername = 64;
inline constexpr size_t kPassword = 1024;     // bytes; argon2id hashes any length, slowly
inline constexpr size_t kDisplayName = 100;   // characters (UTF-8 code points)
inline constexpr size_t kName = 64;           // queue, skill, flow, calendar names, targets
inline constexpr size_t kSkills = 50;         // per queue or per agent
inline constexpr size_t kOverflowRules = 20;  // per queue
inline constexpr size_t kQueues = 200;
inline constexpr size_t kCalendars = 20;  // per flow
inline constexpr size_t kHolidays = 366;  // per calendar
inline constexpr size_t kUsers = 10000;

// UTF-8 code points in `text` (bytes that do not start a sequence are not counted).
inline size_t Utf8Length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// 400 invalid_field "FIELD is longer than N characters".
inline ApiError TooLong(const std::string& field, size_t max_characters) {
  ApiError error = BadRequest(
      "invalid_field", field + " is longer than " + std::to_string(max_characters) + " characters");
  error.extra["field"] = field;
  return error;
}

// TooLong when `value` has more than `max_characters` characters.
inline std::optional<ApiError> CheckLength(const std::string& field, const std::string& value,
                                           size_t max_characters) {
  if (Utf8Length(value) <= max_characters) return std::nullopt;
  return TooLong(field, max_characters);
}

// 400 invalid_field "FIELD has more than N entries".
inline std::optional<ApiError> CheckCount(const std::string& field, size_t count, size_t max) {
  if (count <= max) return std::nullopt;
  ApiError error =
      BadRequest("invalid_field", field + " has more than " + std::to_string(max) + " entries");
  error.extra["field"] = field;
  return error;
}

}  // namespace hotline::api::limits
