// api/http_range.h: the Range request header for byte ranges of a file of known size (audio
// seeking in the browser). One range is supported ("bytes=A-B", "bytes=A-", "bytes=-N");
// several ranges, other units or garbage are ignored (the whole file is sent, as RFC 9110
// allows). Pure.
#pragma once

#include <cstdint>
#include <string>

namespace hotline::api {

struct ByteRange {
  enum class Kind { kWhole, kPartial, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  uint64_t first = 0;  // kPartial: inclusive bounds within the file
  uint64_t last = 0;
};

ByteRange ParseRange(const std::string& header, uint64_t size);

}  // namespace hotline::api
