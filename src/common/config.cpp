#include "common/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include "common/demo_config_yaml.h"
#include "common/demo_flows_yaml.h"
#include "common/yaml_describe.h"

namespace hotline {

namespace {

constexpr size_t kMaxReportedProblems = 20;

bool IsIpAddress(const std::string& text) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Levenshtein distance, for "did you mean" hints on misspelt keys.
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A user or dial-plan number: the user part of a SIP URI, so no spaces, '@' or ':'.
bool IsValidNumber(const std::string& number) {
  if (number.empty()) return false;
  for (char c : number) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '@' || c == ':' || c == ';' || c == '"' ||
        c == '<' || c == '>') {
      return false;
    }
  }
  return true;
}

// A queue name: the same characters as a number (it appears in URIs, logs and the API).
bool IsValidQueueName(const std::string& name) { return IsValidNumber(name); }

// A skill name: "sales", "lang:zh". No spaces or control characters.
bool IsValidSkillName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

bool ReadTextFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return false;
  out = text.str();
  return true;
}

// Where the configuration's IVR flow files come from: the directory of the configuration file
// (or the current directory), or the flows compiled into the binary with the demo.
enum class FlowSource { kFiles, kEmbedded };

// Collects "SOURCE:LINE: problem" messages while walking the YAML tree.
class ConfigParser {
 public:
  ConfigParser(std::string source, std::string base_dir, FlowSource flows = FlowSource::kFiles)
      : source_(std::move(source)), base_dir_(std::move(base_dir)), flows_(flows) {}

  Result<Config> Parse(const std::string& yaml_text);

 private:
  // 1-based line of a node, or of `fallback` when the node has no position.
  static int LineOf(const YAML::Node& node, int fallback = 0) {
    YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0) return fallback;
    return mark.line + 1;
  }

  void Fail(int line, const std::string& problem) {
    std::string where = line > 0 ? source_ + ":" + std::to_string(line) : source_;
    problems_.emplace_back(line, where + ": " + problem);
  }

  static std::string Describe(const YAML::Node& node) { return DescribeYamlNode(node); }

  bool GetString(const YAML::Node& node, const std::string& what, int line, std::string& out) {
    if (node.IsNull()) {
      out.clear();
      return true;
    }
    if (!node.IsScalar()) {
      Fail(line, what + " must be a string, not " + Describe(node));
      return false;
    }
    out = node.Scalar();
    return true;
  }

  bool GetNonEmptyString(const YAML::Node& node, const std::string& what, int line,
                         std::string& out) {
    if (!GetString(node, what, line, out)) return false;
    if (out.empty()) {
      Fail(line, what + " must not be empty");
      return false;
    }
    return true;
  }

  template <typename Int>
  bool GetInt(const YAML::Node& node, const std::string& what, int line, long long min,
              long long max, Int& out) {
    std::string text = node.IsScalar() ? Trim(node.Scalar()) : std::string();
    long long value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (!text.empty() && *begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    bool parsed = node.IsScalar() && !text.empty() && ec == std::errc() && ptr == end;
    if (!parsed || value < min || value > max) {
      Fail(line, what + " must be an integer from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not " + Describe(node));
      return false;
    }
    out = static_cast<Int>(value);
    return true;
  }

  bool GetBool(const YAML::Node& node, const std::string& what, int line, bool& out) {
    static const std::set<std::string> kTrue = {"true", "True", "TRUE", "yes", "Yes",
                                                "YES",  "on",   "On",   "ON"};
    static const std::set<std::string> kFalse = {"false", "False", "FALSE", "no", "No",
                                                 "NO",    "off",   "Off",   "OFF"};
    if (node.IsScalar() && kTrue.count(node.Scalar())) {
      out = true;
      return true;
    }
    if (node.IsScalar() && kFalse.count(node.Scalar())) {
      out = false;
      return true;
    }
    Fail(line, what + " must be true or false, not " + Describe(node));
    return false;
  }

  // A list (or nothing, meaning empty). Returns false after reporting if it is something else.
  bool CheckList(const YAML::Node& node, const std::string& what, int line) {
    if (node.IsNull() || node.IsSequence()) return true;
    Fail(line, what + " must be a list, not " + Describe(node));
    return false;
  }

  // Walks a mapping's keys; reports keys not in `known` and repeated keys. Calls
  // visit(key, value, key_line) for the others.
  template <typename Visit>
  bool ForEachKey(const YAML::Node& map, const std::string& what, int line,
                  const std::set<std::string>& known, Visit visit) {
    if (!map.IsMap()) {
      Fail(line, what + " must be a mapping (key: value), not " + Describe(map));
      return false;
    }
    std::set<std::string> seen;
    for (const auto& item : map) {
      int key_line = LineOf(item.first, line);
      if (!item.first.IsScalar()) {
        Fail(key_line, what + ": keys must be plain names");
        continue;
      }
      const std::string& key = item.first.Scalar();
      if (!known.count(key)) {
        std::string hint;
        for (const auto& k : known) {
          if (EditDistance(key, k) <= 2) hint = " (did you mean \"" + k + "\"?)";
        }
        if (hint.empty()) {
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          hint = " (known keys: " + list + ")";
        }
        Fail(key_line, "unknown key \"" + key + "\" in " + what + hint);
        continue;
      }
      if (!seen.insert(key).second) {
        Fail(key_line, "key \"" + key + "\" appears twice in " + what);
        continue;
      }
      visit(key, item.second, key_line);
    }
    return true;
  }

  // A mapping skill name -> level (0..100); nothing means no skills.
  void GetSkills(const YAML::Node& node, const std::string& what, int line,
                 std::map<std::string, int>& out) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      Fail(line, what + " must be a mapping (skill: level), not " + Describe(node));
      return;
    }
    for (const auto& item : node) {
      int key_line = LineOf(item.first, line);
      if (!item.first.IsScalar() || !IsValidSkillName(item.first.Scalar())) {
        Fail(key_line, what + ": a skill name must be a word without spaces (\"sales\", " +
                           "\"lang:zh\"), not " + Describe(item.first));
        continue;
      }
      const std::string& skill = item.first.Scalar();
      int level = 0;
      if (!GetInt(item.second, "level of skill " + skill, LineOf(item.second, key_line), 0, 100,
                  level)) {
        continue;
      }
      if (!out.emplace(skill, level).second) {
        Fail(key_line, "skill " + skill + " appears twice in " + what);
      }
    }
  }

  void ParseTopLevel(const std::string& key, const YAML::Node& value, int key_line);
  void ParseUsers(const YAML::Node& list, int line);
  void ParseTrunks(const YAML::Node& list, int line);
  void ParseEntryNumbers(const YAML::Node& list, int line);
  // Keys of media security and limits; false if key is not one of them.
  bool ParseMediaLimit(const std::string& key, const YAML::Node& value, int line);
  void ParseMediaNetworks(const YAML::Node& list, int line);
  void ParseDialPlan(const YAML::Node& list, int line);
  void ReadFlow(DialPlanEntry& entry, int target_line);
  void ParseQueues(const YAML::Node& list, int line);
  void ParseOverflow(const YAML::Node& list, int line, QueueSettings& queue,
                     std::vector<int>& target_lines);
  void ParseAgents(const YAML::Node& list, int line);
  void ParseSipSecurity(const YAML::Node& map, int line);
  void ParseTls(const YAML::Node& map, int line);
  void ParseHttp(const YAML::Node& map, int line);
  void CrossCheck();
  void CrossCheckQueues();

  // Lines of a queue's parts, for problems found once every queue is known.
  struct QueueLines {
    int item = 0;
    int max_wait_target = 0;
    std::vector<int> overflow_targets;  // one per overflow rule (0: no target)
  };

  std::string source_;
  std::string base_dir_;
  FlowSource flows_;
  Config config_;
  std::vector<std::pair<int, std::string>> problems_;  // (line, message)
  std::map<std::string, int> key_lines_;               // top-level key -> line
  std::vector<int> user_lines_;                        // line of each user's number
  std::vector<int> dial_number_lines_;                 // line of each dial-plan entry's number
  std::vector<int> dial_target_lines_;                 // line of each dial-plan entry's target
  std::vector<QueueLines> queue_lines_;                // one per queue
  std::vector<int> agent_user_lines_;                  // line of each agent's user
};

void ConfigParser::ParseTopLevel(const std::string& key, const YAML::Node& value, int key_line) {
  int line = LineOf(value, key_line);
  key_lines_[key] = key_line;
  Config& c = config_;
  if (key == "listen") {
    if (GetNonEmptyString(value, key, line, c.listen) && !IsIpAddress(c.listen)) {
      Fail(line, "listen must be an IPv4 or IPv6 address, not \"" + c.listen + "\"");
    }
  } else if (key == "sip_port") {
    GetInt(value, key, line, 1, 65535, c.sip_port);
  } else if (key == "http_port") {
    GetInt(value, key, line, 1, 65535, c.http_port);
  } else if (key == "rtp_ports") {
    std::string text;
    if (!GetNonEmptyString(value, key, line, text)) return;
    auto range = ParsePortRange(text);
    if (!range) {
      Fail(line, "rtp_ports: " + range.error().message);
      return;
    }
    c.rtp_port_low = range->first;
    c.rtp_port_high = range->second;
  } else if (key == "data_dir") {
    GetNonEmptyString(value, key, line, c.data_dir);
  } else if (key == "log_level") {
    static const std::set<std::string> kLevels = {"trace", "debug",    "info", "warn",
                                                  "error", "critical", "off"};
    if (GetNonEmptyString(value, key, line, c.log_level) && !kLevels.count(c.log_level)) {
      Fail(line, "log_level must be trace, debug, info, warn, error, critical or off, not \"" +
                     c.log_level + "\"");
    }
  } else if (key == "realm") {
    GetNonEmptyString(value, key, line, c.realm);
  } else if (key == "media_threads") {
    GetInt(value, key, line, 1, 64, c.media_threads);
  } else if (key == "rtp_timeout_s") {
    GetInt(value, key, line, 1, 86400, c.rtp_timeout_s);
  } else if (key == "nonce_ttl_s") {
    GetInt(value, key, line, 1, 86400, c.nonce_ttl_s);
  } else if (key == "register_min_expires_s") {
    GetInt(value, key, line, 1, 604800, c.register_min_expires_s);
  } else if (key == "register_max_expires_s") {
    GetInt(value, key, line, 1, 604800, c.register_max_expires_s);
  } else if (key == "no_answer_timeout_s") {
    GetInt(value, key, line, 1, 86400, c.no_answer_timeout_s);
  } else if (ParseMediaLimit(key, value, line)) {
    // media security and limits: parsed there
  } else if (key == "record_calls") {
    GetBool(value, key, line, c.record_calls);
  } else if (key == "readback_max_digits") {
    GetInt(value, key, line, 1, 256, c.readback_max_digits);
  } else if (key == "readback_timeout_s") {
    GetInt(value, key, line, 1, 3600, c.readback_timeout_s);
  } else if (key == "tts_cache_memory_mb") {
    GetInt(value, key, line, 1, 65536, c.tts_cache_memory_mb);
  } else if (key == "tts_cache_disk_mb") {
    GetInt(value, key, line, 1, 1048576, c.tts_cache_disk_mb);
  } else if (key == "user_voicemail") {
    GetBool(value, key, line, c.user_voicemail);
  } else if (key == "seed_demo_data") {
    GetBool(value, key, line, c.seed_demo_data);
  } else if (key == "tone_region") {
    if (GetNonEmptyString(value, key, line, c.tone_region) && c.tone_region != "cn" &&
        c.tone_region != "us") {
      Fail(line, "tone_region must be cn or us, not \"" + c.tone_region + "\"");
    }
  } else if (key == "users") {
    ParseUsers(value, line);
  } else if (key == "trunks") {
    ParseTrunks(value, line);
  } else if (key == "entry_numbers") {
    ParseEntryNumbers(value, line);
  } else if (key == "dial_plan") {
    ParseDialPlan(value, line);
  } else if (key == "queues") {
    ParseQueues(value, line);
  } else if (key == "agents") {
    ParseAgents(value, line);
  } else if (key == "sip_security") {
    ParseSipSecurity(value, line);
  } else if (key == "tls") {
    ParseTls(value, line);
  } else if (key == "http") {
    ParseHttp(value, line);
  }
}

void ConfigParser::ParseTls(const YAML::Node& map, int line) {
  TlsSettings& tls = config_.tls;
  int certificate_line = 0;
  int key_line_seen = 0;
  int redirect_line = 0;
  ForEachKey(
      map, "tls", line, {"certificate", "key", "sip_port", "https_port", "http_redirect", "srtp"},
      [&](const std::string& key, const YAML::Node& value, int key_line) {
        int value_line = LineOf(value, key_line);
        if (key == "certificate") {
          certificate_line = value_line;
          GetString(value, key, value_line, tls.certificate);
        } else if (key == "key") {
          key_line_seen = value_line;
          GetString(value, key, value_line, tls.key);
        } else if (key == "sip_port") {
          GetInt(value, key, value_line, 0, 65535, tls.sip_port);
        } else if (key == "https_port") {
          GetInt(value, key, value_line, 0, 65535, tls.https_port);
        } else if (key == "http_redirect") {
          redirect_line = value_line;
          GetBool(value, key, value_line, tls.http_redirect);
        } else if (GetNonEmptyString(value, key, value_line, tls.srtp) && tls.srtp != "offer" &&
                   tls.srtp != "require" && tls.srtp != "off") {
          Fail(value_line, "tls srtp must be offer, require or off, not \"" + tls.srtp + "\"");
        }
      });
  if (tls.certificate.empty() != tls.key.empty()) {
    Fail(certificate_line != 0 ? certificate_line : (key_line_seen != 0 ? key_line_seen : line),
         "tls: give both certificate and key, or neither (a self-signed one is made)");
  }
  if (tls.http_redirect && tls.https_port == 0) {
    Fail(redirect_line,
         "tls: http_redirect needs https_port (plain HTTP would redirect to nowhere)");
  }
}

void ConfigParser::ParseSipSecurity(const YAML::Node& map, int line) {
  SipSecuritySettings& s = config_.sip_security;
  ForEachKey(
      map, "sip_security", line,
      {"rate_per_source", "rate_burst", "flood_block_s", "auth_failures_before_block",
       "auth_block_s", "auth_block_max_s", "blocked_user_agents", "tcp_idle_timeout_s",
       "tcp_max_per_source", "tcp_max_connections"},
      [&](const std::string& key, const YAML::Node& value, int key_line) {
        int value_line = LineOf(value, key_line);
        if (key == "rate_per_source") {
          GetInt(value, key, value_line, 0, 1000000, s.rate_per_source);
        } else if (key == "flood_block_s") {
          GetInt(value, key, value_line, 0, 86400, s.flood_block_s);
        } else if (key == "rate_burst") {
          GetInt(value, key, value_line, 1, 1000000, s.rate_burst);
        } else if (key == "auth_failures_before_block") {
          GetInt(value, key, value_line, 1, 1000, s.auth_failures_before_block);
        } else if (key == "auth_block_s") {
          GetInt(value, key, value_line, 1, 86400, s.auth_block_s);
        } else if (key == "auth_block_max_s") {
          GetInt(value, key, value_line, 1, 604800, s.auth_block_max_s);
        } else if (key == "tcp_max_per_source") {
          GetInt(value, key, value_line, 1, 1000000, s.tcp_max_per_source);
        } else if (key == "tcp_max_connections") {
          GetInt(value, key, value_line, 0, 1000000, s.tcp_max_connections);
        } else if (key == "tcp_idle_timeout_s") {
          GetInt(value, key, value_line, 1, 86400, s.tcp_idle_timeout_s);
        } else if (key == "blocked_user_agents") {
          s.blocked_user_agents.clear();
          if (!CheckList(value, key, value_line)) return;
          for (const auto& item : value) {
            std::string agent;
            if (GetNonEmptyString(item, "a blocked user agent", LineOf(item, value_line), agent)) {
              s.blocked_user_agents.push_back(std::move(agent));
            }
          }
        }
      });
  if (s.auth_block_max_s < s.auth_block_s) {
    Fail(line, "sip_security: auth_block_max_s must not be below auth_block_s");
  }
}

void ConfigParser::ParseHttp(const YAML::Node& map, int line) {
  HttpSettings& h = config_.http;
  // key -> (field, min, max)
  const std::map<std::string, std::tuple<int*, int, int>> kInts = {
      {"max_connections", {&h.max_connections, 0, 1000000}},
      {"max_connections_per_source", {&h.max_connections_per_source, 1, 1000000}},
      {"idle_timeout_s", {&h.idle_timeout_s, 1, 3600}},
      {"ws_idle_timeout_s", {&h.ws_idle_timeout_s, 5, 3600}},
      {"password_threads", {&h.password_threads, 1, 64}},
      {"password_queue_per_source", {&h.password_queue_per_source, 1, 1000}},
      {"password_queue_total", {&h.password_queue_total, 1, 100000}},
      {"login_failures_per_user_and_source", {&h.login_failures_per_user_and_source, 1, 1000}},
      {"login_failures_per_source", {&h.login_failures_per_source, 1, 100000}},
      {"login_failures_per_user", {&h.login_failures_per_user, 1, 100000}},
      {"login_window_s", {&h.login_window_s, 1, 86400}},
      {"agent_customer_window_h", {&h.agent_customer_window_h, 0, 24 * 90}},
  };
  std::set<std::string> known;
  for (const auto& [key, spec] : kInts) known.insert(key);
  if (map.IsNull()) return;
  ForEachKey(map, "http", line, known,
             [&](const std::string& key, const YAML::Node& value, int key_line) {
               const auto& [field, min, max] = kInts.at(key);
               GetInt(value, "http." + key, LineOf(value, key_line), min, max, *field);
             });
  if (h.password_queue_per_source > h.password_queue_total) {
    Fail(line, "http.password_queue_per_source (" + std::to_string(h.password_queue_per_source) +
                   ") is greater than http.password_queue_total (" +
                   std::to_string(h.password_queue_total) + ")");
  }
}

void ConfigParser::ParseUsers(const YAML::Node& list, int line) {
  if (!CheckList(list, "users", line)) return;
  std::map<std::string, int> numbers;  // number -> line of its first definition
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    SipUser user;
    int number_line = 0;
    bool has_password = false;
    ForEachKey(
        item, "a user", item_line, {"number", "password", "name", "display_name"},
        [&](const std::string& key, const YAML::Node& value, int key_line) {
          int value_line = LineOf(value, key_line);
          if (key == "number") {
            number_line = value_line;
            if (GetNonEmptyString(value, "user number", value_line, user.number) &&
                !IsValidNumber(user.number)) {
              Fail(value_line,
                   "user number \"" + user.number + "\" must not contain spaces, '@', ':' or ';'");
            }
          } else if (key == "password") {
            has_password = true;
            if (GetString(value, "password", value_line, user.password) && user.password.empty()) {
              Fail(value_line, "password must not be empty");
            }
          } else {  // name or display_name
            GetString(value, "user " + key, value_line, user.display_name);
          }
        });
    if (!item.IsMap()) continue;
    if (number_line == 0) {
      Fail(item_line, "a user needs a number");
      continue;
    }
    if (!has_password) {
      Fail(item_line, "user " + user.number + " needs a password (must not be empty)");
    }
    if (!user.number.empty()) {
      auto [it, inserted] = numbers.emplace(user.number, number_line);
      if (!inserted) {
        Fail(number_line, "duplicate user number " + user.number + " (first defined on line " +
                              std::to_string(it->second) + ")");
      }
    }
    config_.users.push_back(std::move(user));
    user_lines_.push_back(number_line);
  }
}

void ConfigParser::ParseTrunks(const YAML::Node& list, int line) {
  if (!CheckList(list, "trunks", line)) return;
  std::set<std::string> names;
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    Trunk trunk;
    bool has_address = false;
    ForEachKey(item, "a trunk", item_line, {"name", "address", "port"},
               [&](const std::string& key, const YAML::Node& value, int key_line) {
                 int value_line = LineOf(value, key_line);
                 if (key == "name") {
                   if (GetNonEmptyString(value, "trunk name", value_line, trunk.name) &&
                       !names.insert(trunk.name).second) {
                     Fail(value_line, "duplicate trunk name " + trunk.name);
                   }
                 } else if (key == "port") {
                   GetInt(value, "trunk port", value_line, 1, 65535, trunk.port);
                 } else {
                   has_address = true;
                   if (GetNonEmptyString(value, "trunk address", value_line, trunk.address) &&
                       !IsIpAddress(trunk.address)) {
                     Fail(value_line, "trunk address must be an IPv4 or IPv6 address, not \"" +
                                          trunk.address + "\"");
                   }
                 }
               });
    if (!item.IsMap()) continue;
    if (!has_address) Fail(item_line, "a trunk needs an address");
    config_.trunks.push_back(std::move(trunk));
  }
}

bool ConfigParser::ParseMediaLimit(const std::string& key, const YAML::Node& value, int line) {
  Config& c = config_;
  if (key == "media_networks") {
    ParseMediaNetworks(value, line);
  } else if (key == "rtp_learning_ms") {
    GetInt(value, key, line, 0, 60000, c.rtp_learning_ms);
  } else if (key == "rtp_learning_packets") {
    GetInt(value, key, line, 1, 20, c.rtp_learning_packets);
  } else if (key == "rtp_port_quarantine_s") {
    GetInt(value, key, line, 0, 600, c.rtp_port_quarantine_s);
  } else if (key == "hold_timeout_s") {
    GetInt(value, key, line, 1, 86400, c.hold_timeout_s);
  } else if (key == "unauthenticated_no_media_timeout_s") {
    GetInt(value, key, line, 1, 300, c.unauthenticated_no_media_timeout_s);
  } else if (key == "max_call_duration_s") {
    GetInt(value, key, line, 1, 604800, c.max_call_duration_s);
  } else if (key == "max_unauthenticated_calls") {
    GetInt(value, key, line, 0, 100000, c.max_unauthenticated_calls);
  } else if (key == "max_unauthenticated_calls_per_source") {
    GetInt(value, key, line, 0, 100000, c.max_unauthenticated_calls_per_source);
  } else {
    return false;
  }
  return true;
}

void ConfigParser::ParseMediaNetworks(const YAML::Node& list, int line) {
  if (!CheckList(list, "media_networks", line)) return;
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    std::string text;
    if (!GetNonEmptyString(item, "a media network", item_line, text)) continue;
    auto network = IpNetwork::Parse(Trim(text));
    if (!network) {
      Fail(item_line, "media_networks: " + network.error().message +
                          " (expected CIDR such as 192.0.2.0/24 or 2001:db8::/32)");
      continue;
    }
    config_.media_networks.push_back(std::move(network).value());
  }
}

void ConfigParser::ParseEntryNumbers(const YAML::Node& list, int line) {
  if (!CheckList(list, "entry_numbers", line)) return;
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    std::string number;
    if (!GetNonEmptyString(item, "an entry number", item_line, number)) continue;
    if (!IsValidNumber(number)) {
      Fail(item_line, "entry number \"" + number + "\" must not contain spaces, '@', ':' or ';'");
      continue;
    }
    config_.entry_numbers.push_back(std::move(number));
  }
}

void ConfigParser::ParseDialPlan(const YAML::Node& list, int line) {
  if (!CheckList(list, "dial_plan", line)) return;
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    DialPlanEntry entry;
    int number_line = 0;
    int action_line = 0;
    int target_line = 0;
    ForEachKey(item, "a dial-plan entry", item_line,
               {"number", "action", "language", "prompt", "target"},
               [&](const std::string& key, const YAML::Node& value, int key_line) {
                 int value_line = LineOf(value, key_line);
                 if (key == "number") {
                   number_line = value_line;
                   if (GetNonEmptyString(value, "dial-plan number", value_line, entry.number) &&
                       !IsValidNumber(entry.number)) {
                     Fail(value_line, "dial-plan number \"" + entry.number +
                                          "\" must not contain spaces, '@', ':' or ';'");
                   }
                 } else if (key == "action") {
                   action_line = value_line;
                   if (GetNonEmptyString(value, "action", value_line, entry.action) &&
                       entry.action != "echo" && entry.action != "digits_readback" &&
                       entry.action != "user" && entry.action != "ivr") {
                     Fail(value_line, "unknown dial-plan action \"" + entry.action +
                                          "\" (valid: echo, digits_readback, user, ivr)");
                   }
                 } else if (key == "language") {
                   if (GetNonEmptyString(value, "language", value_line, entry.language) &&
                       entry.language != "en" && entry.language != "zh") {
                     Fail(value_line, "language must be en or zh, not \"" + entry.language + "\"");
                   }
                 } else if (key == "prompt") {
                   GetString(value, "prompt", value_line, entry.prompt);
                   if (EndsWith(entry.prompt, ".wav")) {
                     std::filesystem::path path(entry.prompt);
                     if (path.is_relative() && !base_dir_.empty()) {
                       entry.prompt = (std::filesystem::path(base_dir_) / path).lexically_normal();
                     }
                     std::error_code ec;
                     if (!std::filesystem::is_regular_file(entry.prompt, ec)) {
                       Fail(value_line, "prompt file " + entry.prompt + " does not exist");
                     }
                   }
                 } else {
                   target_line = value_line;
                   GetString(value, "target", value_line, entry.target);
                 }
               });
    if (!item.IsMap()) continue;
    if (number_line == 0) Fail(item_line, "a dial-plan entry needs a number");
    if (action_line == 0) Fail(item_line, "a dial-plan entry needs an action");
    bool needs_target = entry.action == "user" || entry.action == "ivr";
    if (needs_target && (target_line == 0 || entry.target.empty())) {
      Fail(target_line != 0 ? target_line : item_line,
           "dial-plan entry " + entry.number + " (action " + entry.action + ") needs a target");
    }
    if (entry.action == "ivr" && !entry.target.empty()) ReadFlow(entry, target_line);
    config_.dial_plan.push_back(std::move(entry));
    dial_number_lines_.push_back(number_line);
    dial_target_lines_.push_back(target_line != 0 ? target_line : item_line);
  }
}

// The target of an IVR entry is its flow file, relative to this file's directory; its text is
// read now, so a running server never depends on the file again. The embedded demo's targets
// are the flow files compiled into the binary ("flows/NAME.yaml", relative to config/).
void ConfigParser::ReadFlow(DialPlanEntry& entry, int target_line) {
  if (flows_ == FlowSource::kEmbedded) {
    std::string relative = std::filesystem::path(entry.target).lexically_normal().generic_string();
    std::string embedded;
    for (const auto* file = generated::kDemoFlows; file->path != nullptr; ++file) {
      if (relative == file->path) {
        entry.target = relative;
        entry.flow_yaml.assign(reinterpret_cast<const char*>(file->bytes), file->size);
        return;
      }
      embedded += (embedded.empty() ? "" : ", ") + std::string(file->path);
    }
    Fail(target_line, "IVR flow file " + entry.target +
                          " is not embedded in the demo configuration (embedded: " +
                          (embedded.empty() ? "none" : embedded) + ")");
    return;
  }
  std::filesystem::path path(entry.target);
  if (path.is_relative() && !base_dir_.empty()) {
    entry.target = (std::filesystem::path(base_dir_) / path).lexically_normal();
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(entry.target, ec)) {
    Fail(target_line, "IVR flow file " + entry.target + " does not exist");
  } else if (!ReadTextFile(entry.target, entry.flow_yaml)) {
    Fail(target_line,
         "cannot read IVR flow file " + entry.target + ": " + std::string(std::strerror(errno)));
  }
}

void ConfigParser::ParseQueues(const YAML::Node& list, int line) {
  if (!CheckList(list, "queues", line)) return;
  static const std::set<std::string> kStrategies = {
      "longest_idle", "round_robin", "fewest_calls", "least_talk_time",
      "ring_all",     "best_skill",  "random"};
  std::map<std::string, int> names;  // name -> line of its first definition
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    QueueSettings queue;
    QueueLines lines;
    lines.item = item_line;
    int name_line = 0;
    ForEachKey(
        item, "a queue", item_line,
        {"name", "skills", "strategy", "ring_timeout_s", "wrap_up_s", "max_wait_s",
         "max_wait_target", "voicemail", "max_length", "announce_every_s", "offer_callback",
         "match_language", "leave_when_empty", "sticky_window_s", "sticky_wait_s", "overflow"},
        [&](const std::string& key, const YAML::Node& value, int key_line) {
          int value_line = LineOf(value, key_line);
          if (key == "name") {
            name_line = value_line;
            if (GetNonEmptyString(value, "queue name", value_line, queue.name) &&
                !IsValidQueueName(queue.name)) {
              Fail(value_line,
                   "queue name \"" + queue.name + "\" must not contain spaces, '@', ':' or ';'");
            }
          } else if (key == "skills") {
            GetSkills(value, "the skills of a queue", value_line, queue.skills);
          } else if (key == "strategy") {
            if (GetNonEmptyString(value, "strategy", value_line, queue.strategy) &&
                !kStrategies.count(queue.strategy)) {
              Fail(value_line, "unknown queue strategy \"" + queue.strategy +
                                   "\" (valid: longest_idle, round_robin, fewest_calls, "
                                   "least_talk_time, ring_all, best_skill, random)");
            }
          } else if (key == "ring_timeout_s") {
            GetInt(value, key, value_line, 1, 600, queue.ring_timeout_s);
          } else if (key == "wrap_up_s") {
            GetInt(value, key, value_line, 0, 3600, queue.wrap_up_s);
          } else if (key == "max_wait_s") {
            GetInt(value, key, value_line, 0, 86400, queue.max_wait_s);
          } else if (key == "max_wait_target") {
            lines.max_wait_target = value_line;
            GetNonEmptyString(value, key, value_line, queue.max_wait_target);
          } else if (key == "voicemail") {
            GetNonEmptyString(value, "voicemail (a mailbox name)", value_line, queue.voicemail);
          } else if (key == "max_length") {
            GetInt(value, key, value_line, 1, 100000, queue.max_length);
          } else if (key == "announce_every_s") {
            if (GetInt(value, key, value_line, 0, 3600, queue.announce_every_s) &&
                queue.announce_every_s > 0 && queue.announce_every_s < 5) {
              Fail(value_line, "announce_every_s must be 0 (never) or from 5 to 3600, not " +
                                   std::to_string(queue.announce_every_s) + " (too frequent)");
            }
          } else if (key == "offer_callback") {
            GetBool(value, key, value_line, queue.offer_callback);
          } else if (key == "match_language") {
            GetBool(value, key, value_line, queue.match_language);
          } else if (key == "leave_when_empty") {
            GetBool(value, key, value_line, queue.leave_when_empty);
          } else if (key == "sticky_window_s") {
            GetInt(value, key, value_line, 0, 86400, queue.sticky_window_s);
          } else if (key == "sticky_wait_s") {
            GetInt(value, key, value_line, 0, 86400, queue.sticky_wait_s);
          } else {  // overflow
            ParseOverflow(value, value_line, queue, lines.overflow_targets);
          }
        });
    if (!item.IsMap()) continue;
    if (name_line == 0) {
      Fail(item_line, "a queue needs a name");
    } else if (!queue.name.empty()) {
      auto [it, inserted] = names.emplace(queue.name, name_line);
      if (!inserted) {
        Fail(name_line, "duplicate queue name " + queue.name + " (first defined on line " +
                            std::to_string(it->second) + ")");
      }
    }
    config_.queues.push_back(std::move(queue));
    queue_lines_.push_back(std::move(lines));
  }
}

void ConfigParser::ParseOverflow(const YAML::Node& list, int line, QueueSettings& queue,
                                 std::vector<int>& target_lines) {
  if (!CheckList(list, "overflow", line)) return;
  int previous_after = 0;
  int previous_line = 0;
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    QueueOverflowRule rule;
    int after_line = 0;
    int action_line = 0;
    int relax_by_line = 0;
    int target_line = 0;
    bool after_ok = false;
    ForEachKey(item, "an overflow rule", item_line, {"after_s", "action", "relax_by", "target"},
               [&](const std::string& key, const YAML::Node& value, int key_line) {
                 int value_line = LineOf(value, key_line);
                 if (key == "after_s") {
                   after_line = value_line;
                   after_ok = GetInt(value, "after_s", value_line, 1, 86400, rule.after_s);
                 } else if (key == "action") {
                   action_line = value_line;
                   if (GetNonEmptyString(value, "overflow action", value_line, rule.action) &&
                       rule.action != "relax" && rule.action != "add_queue" &&
                       rule.action != "move" && rule.action != "voicemail") {
                     Fail(value_line, "unknown overflow action \"" + rule.action +
                                          "\" (valid: relax, add_queue, move, voicemail)");
                   }
                 } else if (key == "relax_by") {
                   relax_by_line = value_line;
                   GetInt(value, "relax_by", value_line, 1, 100, rule.relax_by);
                 } else {
                   target_line = value_line;
                   GetNonEmptyString(value, "overflow target", value_line, rule.target);
                 }
               });
    if (!item.IsMap()) continue;
    if (after_line == 0) Fail(item_line, "an overflow rule needs after_s (seconds in the queue)");
    if (action_line == 0) Fail(item_line, "an overflow rule needs an action");
    bool has_target_action = rule.action == "add_queue" || rule.action == "move";
    if (relax_by_line != 0 && action_line != 0 && rule.action != "relax") {
      Fail(relax_by_line, "relax_by applies only to action relax, not " + rule.action);
    }
    if (has_target_action && target_line == 0) {
      Fail(item_line, "overflow action " + rule.action + " needs a target queue");
    }
    if (target_line != 0 && (rule.action == "relax" || rule.action == "voicemail")) {
      Fail(target_line, "overflow action " + rule.action + " takes no target");
    }
    if (after_ok) {
      if (previous_line != 0 && rule.after_s < previous_after) {
        Fail(after_line,
             "overflow rules must be in order of after_s: " + std::to_string(rule.after_s) +
                 " comes after " + std::to_string(previous_after) + " (line " +
                 std::to_string(previous_line) + ")");
      }
      previous_after = rule.after_s;
      previous_line = after_line;
    }
    target_lines.push_back(has_target_action ? target_line : 0);
    queue.overflow.push_back(std::move(rule));
  }
}

void ConfigParser::ParseAgents(const YAML::Node& list, int line) {
  if (!CheckList(list, "agents", line)) return;
  std::map<std::string, int> users;  // user -> line of its first definition
  for (const auto& item : list) {
    int item_line = LineOf(item, line);
    AgentSettings agent;
    int user_line = 0;
    ForEachKey(item, "an agent", item_line, {"user", "skills"},
               [&](const std::string& key, const YAML::Node& value, int key_line) {
                 int value_line = LineOf(value, key_line);
                 if (key == "user") {
                   user_line = value_line;
                   GetNonEmptyString(value, "agent user", value_line, agent.user);
                 } else {
                   GetSkills(value, "the skills of an agent", value_line, agent.skills);
                 }
               });
    if (!item.IsMap()) continue;
    if (user_line == 0) {
      Fail(item_line, "an agent needs a user (the number of a SIP user)");
    } else if (!agent.user.empty()) {
      auto [it, inserted] = users.emplace(agent.user, user_line);
      if (!inserted) {
        Fail(user_line, "duplicate agent " + agent.user + " (first defined on line " +
                            std::to_string(it->second) + ")");
      }
    }
    config_.agents.push_back(std::move(agent));
    agent_user_lines_.push_back(user_line != 0 ? user_line : item_line);
  }
}

// Queue references need every queue: targets may be defined later in the list.
void ConfigParser::CrossCheckQueues() {
  const Config& c = config_;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < c.queues.size(); ++i) index.emplace(c.queues[i].name, i);
  auto check_target = [&](const QueueSettings& queue, const std::string& target, int line,
                          const std::string& what) {
    if (target.empty()) return false;
    if (target == queue.name) {
      Fail(line, "queue " + queue.name + ": " + what + " must be another queue, not itself");
      return false;
    }
    if (!index.count(target)) {
      Fail(line, "queue " + queue.name + ": " + what + " " + target + " is not a known queue");
      return false;
    }
    return true;
  };
  for (size_t i = 0; i < c.queues.size(); ++i) {
    const QueueSettings& queue = c.queues[i];
    const QueueLines& lines = queue_lines_[i];
    if (lines.max_wait_target != 0 && !queue.max_wait_target.empty()) {
      if (queue.max_wait_s == 0) {
        Fail(lines.max_wait_target, "queue " + queue.name +
                                        ": max_wait_target needs max_wait_s (callers wait "
                                        "forever without it)");
      }
      check_target(queue, queue.max_wait_target, lines.max_wait_target, "max_wait_target");
    }
    for (size_t r = 0; r < queue.overflow.size(); ++r) {
      if (lines.overflow_targets[r] == 0) continue;
      check_target(queue, queue.overflow[r].target, lines.overflow_targets[r], "overflow target");
    }
  }

  // add_queue lends a queue's agents to another; the ACD sets up a lender before its borrowers,
  // so these rules must not form a cycle (sales -> operator -> sales).
  std::vector<int> state(c.queues.size(), 0);  // 0 unvisited, 1 on the current path, 2 done
  std::vector<size_t> path;
  std::function<bool(size_t)> visit = [&](size_t q) {
    state[q] = 1;
    path.push_back(q);
    const QueueSettings& queue = c.queues[q];
    for (size_t r = 0; r < queue.overflow.size(); ++r) {
      const QueueOverflowRule& rule = queue.overflow[r];
      auto it = index.find(rule.target);
      if (rule.action != "add_queue" || it == index.end() || it->second == q) continue;
      if (state[it->second] == 1) {
        std::string cycle;
        auto start = std::find(path.begin(), path.end(), it->second);
        for (auto p = start; p != path.end(); ++p) cycle += c.queues[*p].name + " -> ";
        cycle += rule.target;
        Fail(queue_lines_[q].overflow_targets[r],
             "queue " + queue.name + ": add_queue overflow rules form a cycle (" + cycle + ")");
        return false;
      }
      if (state[it->second] == 0 && !visit(it->second)) return false;
    }
    path.pop_back();
    state[q] = 2;
    return true;
  };
  for (size_t q = 0; q < c.queues.size(); ++q) {
    if (state[q] == 0 && !visit(q)) break;
  }
}

// Checks that need the whole file: users, dial plan and ports against each other.
void ConfigParser::CrossCheck() {
  const Config& c = config_;
  std::map<std::string, size_t> user_index;
  for (size_t i = 0; i < c.users.size(); ++i) user_index.emplace(c.users[i].number, i);

  std::map<std::string, int> dial_numbers;
  for (size_t i = 0; i < c.dial_plan.size(); ++i) {
    const DialPlanEntry& entry = c.dial_plan[i];
    int number_line = dial_number_lines_[i];
    if (!entry.number.empty()) {
      auto [it, inserted] = dial_numbers.emplace(entry.number, number_line);
      if (!inserted) {
        Fail(number_line, "duplicate dial-plan number " + entry.number +
                              " (first defined on line " + std::to_string(it->second) + ")");
      }
      auto user = user_index.find(entry.number);
      if (user != user_index.end()) {
        Fail(number_line, "dial-plan number " + entry.number + " is also a user number (line " +
                              std::to_string(user_lines_[user->second]) + ")");
      }
    }
    if (entry.action == "user" && !entry.target.empty() && !user_index.count(entry.target)) {
      Fail(dial_target_lines_[i],
           "dial-plan entry " + entry.number + ": target " + entry.target + " is not a known user");
    }
  }

  for (size_t i = 0; i < c.agents.size(); ++i) {
    const AgentSettings& agent = c.agents[i];
    if (!agent.user.empty() && !user_index.count(agent.user)) {
      Fail(agent_user_lines_[i], "agent " + agent.user + " is not a configured user");
    }
  }
  CrossCheckQueues();

  auto line_of = [&](const char* key) {
    auto it = key_lines_.find(key);
    return it == key_lines_.end() ? 0 : it->second;
  };
  if (c.register_min_expires_s > c.register_max_expires_s) {
    int line = std::max(line_of("register_min_expires_s"), line_of("register_max_expires_s"));
    Fail(line, "register_min_expires_s (" + std::to_string(c.register_min_expires_s) +
                   ") is greater than register_max_expires_s (" +
                   std::to_string(c.register_max_expires_s) + ")");
  }
  if (c.sip_port >= c.rtp_port_low && c.sip_port <= c.rtp_port_high) {
    int line = std::max(line_of("sip_port"), line_of("rtp_ports"));
    Fail(line, "sip_port " + std::to_string(c.sip_port) + " lies inside rtp_ports " +
                   std::to_string(c.rtp_port_low) + "-" + std::to_string(c.rtp_port_high));
  }
  if (c.http_port == c.sip_port) {
    int line = std::max(line_of("sip_port"), line_of("http_port"));
    Fail(line, "http_port and sip_port are both " + std::to_string(c.sip_port));
  }
}

Result<Config> ConfigParser::Parse(const std::string& yaml_text) {
  config_.source = source_;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    Fail(e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
    return Error{problems_.front().second};
  }
  try {
    if (root.IsMap()) {
      static const std::set<std::string> kKeys = {"listen",
                                                  "sip_port",
                                                  "rtp_ports",
                                                  "http_port",
                                                  "data_dir",
                                                  "log_level",
                                                  "realm",
                                                  "media_threads",
                                                  "rtp_timeout_s",
                                                  "nonce_ttl_s",
                                                  "register_min_expires_s",
                                                  "register_max_expires_s",
                                                  "no_answer_timeout_s",
                                                  "media_networks",
                                                  "rtp_learning_ms",
                                                  "rtp_learning_packets",
                                                  "rtp_port_quarantine_s",
                                                  "hold_timeout_s",
                                                  "unauthenticated_no_media_timeout_s",
                                                  "max_call_duration_s",
                                                  "max_unauthenticated_calls",
                                                  "max_unauthenticated_calls_per_source",
                                                  "record_calls",
                                                  "readback_max_digits",
                                                  "readback_timeout_s",
                                                  "tts_cache_memory_mb",
                                                  "tts_cache_disk_mb",
                                                  "seed_demo_data",
                                                  "user_voicemail",
                                                  "tone_region",
                                                  "users",
                                                  "trunks",
                                                  "entry_numbers",
                                                  "dial_plan",
                                                  "queues",
                                                  "agents",
                                                  "sip_security",
                                                  "tls",
                                                  "http"};
      ForEachKey(root, "the configuration", 1, kKeys,
                 [&](const std::string& key, const YAML::Node& value, int key_line) {
                   ParseTopLevel(key, value, key_line);
                 });
      CrossCheck();
    } else if (!root.IsNull()) {
      Fail(LineOf(root, 1),
           "the configuration must be a mapping (key: value), not " + Describe(root));
    }
  } catch (const YAML::Exception& e) {
    // Not expected (every access is type-checked first), but yaml-cpp must never throw past us.
    Fail(e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  }
  if (problems_.empty()) return std::move(config_);
  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string message;
  for (size_t i = 0; i < problems_.size() && i < kMaxReportedProblems; ++i) {
    if (i > 0) message += "\n";
    message += problems_[i].second;
  }
  if (problems_.size() > kMaxReportedProblems) {
    message += "\n(" + std::to_string(problems_.size() - kMaxReportedProblems) + " more problems)";
  }
  return Error{message};
}

}  // namespace

Result<std::pair<uint16_t, uint16_t>> ParsePortRange(const std::string& text) {
  std::string trimmed = Trim(text);
  size_t dash = trimmed.find('-');
  auto parse_port = [](const std::string& part, uint16_t& out) {
    std::string digits = Trim(part);
    unsigned long value = 0;
    const char* end = digits.data() + digits.size();
    auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc() || ptr != end || value < 1 || value > 65535) {
      return false;
    }
    out = static_cast<uint16_t>(value);
    return true;
  };
  uint16_t low = 0;
  uint16_t high = 0;
  if (dash == std::string::npos || !parse_port(trimmed.substr(0, dash), low) ||
      !parse_port(trimmed.substr(dash + 1), high)) {
    return Error{"port range must be LOW-HIGH with ports from 1 to 65535, not \"" + text + "\""};
  }
  if (low > high) {
    return Error{"port range " + trimmed + " is reversed (LOW must not exceed HIGH)"};
  }
  if (high - low + 1 < 2) {
    return Error{"port range " + trimmed + " is too small (at least 2 ports)"};
  }
  return std::make_pair(low, high);
}

Result<Config> ParseConfig(const std::string& yaml_text, const std::string& source) {
  return ConfigParser(source, "").Parse(yaml_text);
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{path + ": cannot open the configuration file: " + std::strerror(errno)};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": cannot read the configuration file"};
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return ConfigParser(path, base_dir).Parse(text.str());
}

Result<Config> DemoConfig() {
  const auto* bytes = reinterpret_cast<const char*>(generated::kDemoConfigYaml);
  std::string text(bytes, sizeof(generated::kDemoConfigYaml) - 1);
  return ConfigParser("<embedded demo>", "", FlowSource::kEmbedded).Parse(text);
}

}  // namespace hotline
