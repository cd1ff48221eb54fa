// common/log.h: logging through spdlog. One process-wide logger; call sites use the
// HLOG_* macros so the format string is checked at compile time by fmt.
#pragma once

#include <spdlog/spdlog.h>

#define HLOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define HLOG_INFO(...) SPDLOG_INFO(__VA_ARGS__)
#define HLOG_WARN(...) SPDLOG_WARN(__VA_ARGS__)
#define HLOG_ERROR(...) SPDLOG_ERROR(__VA_ARGS__)

namespace hotline {
// Sets the level from a name (trace, debug, info, warn, error); unknown names keep "info".
void SetLogLevel(const std::string& level);
}  // namespace hotline
