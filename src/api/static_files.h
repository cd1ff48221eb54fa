// api/static_files.h: where a request for the browser console is served from. Maps a URL
// path under the web root to a file ("/" and directories -> index.html; an unknown path
// without an extension -> index.html, for the console's client-side routes), refuses ".."
// segments, backslashes, NUL and absolute paths, and names the content type by extension.
#pragma once

#include <optional>
#include <string>

namespace hotline::api {

// The file to send for `url_path` (already stripped of the query), or nullopt if the path is
// refused or nothing matches. Reads the file system (existence checks).
std::optional<std::string> ResolveStatic(const std::string& web_root, const std::string& url_path);

// True if the decoded `url_path` is safe to join under a root (no "..", "\\", NUL).
bool IsSafeUrlPath(const std::string& url_path);

// "text/html; charset=utf-8", "application/javascript", ... ("application/octet-stream").
std::string ContentTypeFor(const std::string& file_path);

// The web root: env HOTLINE_WEB_ROOT if set, else `built_in` (the source tree's web/dist).
std::string DefaultWebRoot(const std::string& built_in);

}  // namespace hotline::api
