#include "api/static_files.h"

#include <cstdlib>
#include <filesystem>
#include <map>

#include "api/router.h"

namespace hotline::api {

namespace fs = std::filesystem;

bool IsSafeUrlPath(const std::string& url_path) {
  if (url_path.empty() || url_path[0] != '/') return false;
  if (url_path.find('\\') != std::string::npos || url_path.find('\0') != std::string::npos) {
    return false;
  }
  if (url_path.size() > 1 && url_path[1] == '/') return false;  // "//etc/passwd"
  size_t start = 1;
  while (start <= url_path.size()) {
    size_t slash = url_path.find('/', start);
    if (slash == std::string::npos) slash = url_path.size();
    std::string segment = url_path.substr(start, slash - start);
    if (segment == ".." || segment == ".") return false;
    start = slash + 1;
  }
  return true;
}

std::optional<std::string> ResolveStatic(const std::string& web_root, const std::string& url_path) {
  std::string decoded = PercentDecode(url_path);
  if (!IsSafeUrlPath(decoded)) return std::nullopt;
  std::error_code ec;
  fs::path root(web_root);
  fs::path candidate = root / decoded.substr(1);
  if (fs::is_directory(candidate, ec)) candidate /= "index.html";
  if (fs::is_regular_file(candidate, ec)) return candidate.string();
  std::string last = decoded.substr(decoded.rfind('/') + 1);
  if (last.find('.') == std::string::npos && fs::is_regular_file(root / "index.html", ec)) {
    return (root / "index.html").string();
  }
  return std::nullopt;
}

std::string ContentTypeFor(const std::string& file_path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "application/javascript; charset=utf-8"},
      {".mjs", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
      {".yaml", "text/yaml; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  std::string ext = fs::path(file_path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it != kTypes.end() ? it->second : "application/octet-stream";
}

std::string DefaultWebRoot(const std::string& built_in) {
  const char* env = std::getenv("HOTLINE_WEB_ROOT");
  if (env != nullptr && *env != '\0') return env;
  return built_in;
}

}  // namespace hotline::api
