// common/config.h: the bootstrap configuration: ports, paths, SIP users, trusted trunks and
// the dial plan. Read from one YAML file (or the embedded demo configuration), then
// overridden by command-line flags. A bad file is refused with "FILE:LINE: problem".
// Loaded once at start on the main thread; read-only afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace hotline {

struct SipUser {
  std::string number;    // "1001": the user part of the AOR, also the extension
  std::string password;  // digest password
  std::string display_name;
};

// A trunk or gateway trusted by source address (no digest authentication).
struct Trunk {
  std::string name;
  std::string address;  // IP address the trunk's requests come from
};

// One dial-plan entry: what happens when `number` is dialled.
struct DialPlanEntry {
  std::string number;
  std::string action;           // "echo" | "digits_readback" | "user" | "ivr"
  std::string language = "en";  // for prompts: "en" or "zh"
  std::string prompt;           // text (TTS) or a WAV path relative to the config dir
  std::string target;           // "user": the SIP user to ring; "ivr": the flow file (YAML)
};

struct Config {
  std::string source;  // file name the configuration came from ("<embedded demo>" if none)
  std::string listen = "127.0.0.1";
  uint16_t sip_port = 5060;
  uint16_t rtp_port_low = 20000;
  uint16_t rtp_port_high = 29999;
  uint16_t http_port = 8080;
  std::string data_dir = "./var";
  std::string log_level = "info";
  std::string realm = "hotline";
  int media_threads = 1;
  int rtp_timeout_s = 60;
  int nonce_ttl_s = 300;  // digest nonces older than this are stale
  int register_min_expires_s = 60;
  int register_max_expires_s = 3600;
  int no_answer_timeout_s = 60;  // ringing a user gives up after this
  bool record_calls = true;
  bool seed_demo_data = false;     // add the demo customers to an empty database at start
  std::string tone_region = "cn";  // ringback/busy cadences
  std::vector<SipUser> users;
  std::vector<Trunk> trunks;
  // Numbers anyone may call without authenticating (published service numbers).
  std::vector<std::string> entry_numbers;
  std::vector<DialPlanEntry> dial_plan;
};

// Parses YAML text. `source` names it in error messages ("demo.yaml:12: sip_port must be ...").
Result<Config> ParseConfig(const std::string& yaml_text, const std::string& source);
// Reads and parses a file.
Result<Config> LoadConfigFile(const std::string& path);
// The embedded demo configuration (config/demo.yaml compiled into the binary).
Result<Config> DemoConfig();
// Parses "LOW-HIGH" into a port range; error if malformed, reversed or odd-sized below 2.
Result<std::pair<uint16_t, uint16_t>> ParsePortRange(const std::string& text);

}  // namespace hotline
