// sip/display_name.h: the display name of a From/To header, carried from an incoming request
// to the requests we send. sofia-sip hands the name over as written on the wire (a
// quoted-string with its quotes and backslash escapes, or a run of tokens); the call layer
// keeps the plain text (what a person reads: `Alice Zhang`, `张丽`, `O"Brien, Pat`), and a
// request we send quotes it again (RFC 3261 25.1 quoted-string). Pure functions, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hotline::sip {

// Longest display name we carry, in bytes (UTF-8 sequences are never cut in half).
inline constexpr size_t kMaxDisplayNameBytes = 128;

// The plain text of a display name as it appears on the wire: `"Alice \"Al\" Zhang"` gives
// `Alice "Al" Zhang`; unquoted tokens are kept as they are (`Alice Zhang`). Control characters
// (CR, LF, NUL...) are dropped, and the result is cut to kMaxDisplayNameBytes. An empty or
// `""` name gives "".
std::string DisplayNameFromWire(std::string_view raw);

// A display name ready for a From/To header: "" for an empty name, else a quoted-string with
// `"` and `\` escaped and control characters dropped, e.g. `"O\"Brien, Pat"`.
std::string DisplayNameToWire(std::string_view name);

}  // namespace hotline::sip
