// common/config.h: the bootstrap configuration: ports, paths, SIP users, trusted trunks, the
// dial plan (with the text of its IVR flows), ACD queues and agents' skills. Read from one YAML
// file (or the embedded demo configuration, whose flows are embedded too), then overridden by
// command-line flags. A bad file is refused with "FILE:LINE: problem".
// Loaded once at start on the main thread; read-only afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/ip_network.h"
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
  std::string address;   // IP address the trunk's requests come from
  uint16_t port = 5060;  // where calls to numbers behind the trunk are sent (callbacks)
};

// One dial-plan entry: what happens when `number` is dialled.
struct DialPlanEntry {
  std::string number;
  std::string action;           // "echo" | "digits_readback" | "user" | "ivr"
  std::string language = "en";  // for prompts: "en" or "zh"
  std::string prompt;           // text (TTS) or a WAV path relative to the config dir
  std::string target;           // "user": the SIP user to ring; "ivr": the flow file (YAML)
  std::string flow_yaml;        // "ivr": the flow file's text, read when the config is loaded
                                // (embedded demo: target is "flows/NAME.yaml", text built in)
};

// A rule applied to a call that has waited `after_s` seconds in its queue.
struct QueueOverflowRule {
  int after_s = 0;
  std::string action;  // "relax" | "add_queue" | "move" | "voicemail"
  int relax_by = 1;    // "relax": lower every required level by this much
  std::string target;  // "add_queue" / "move": the other queue
};

// An ACD queue (see docs/design/acd.md for what each rule does).
struct QueueSettings {
  std::string name;
  std::map<std::string, int> skills;      // required skill -> minimum level
  std::string strategy = "longest_idle";  // longest_idle, round_robin, fewest_calls,
                                          // least_talk_time, ring_all, best_skill, random
  int ring_timeout_s = 20;                // an agent's phone rings this long, then no_answer
  int wrap_up_s = 0;                      // after-call work after each call
  int max_wait_s = 0;                     // 0: wait forever
  std::string max_wait_target;            // queue to move to after max_wait_s; "" = voicemail
  std::string voicemail;                  // mailbox when the queue sends a caller to voicemail
                                          // without the IVR; "" = the queue's name
  int max_length = 1000;                  // callers beyond this are refused (queue full)
  int announce_every_s = 30;              // position/expected-wait announcement; 0 = never
  bool offer_callback = true;             // "press 1 to be called back" (reachable callers)
  bool match_language = false;            // only agents with skill lang:<caller's language>
  bool leave_when_empty = true;           // no agent logged in: the caller leaves at once
  int sticky_window_s = 0;                // prefer the caller's last agent within this time
  int sticky_wait_s = 0;                  // and wait this long for that agent if busy
  std::vector<QueueOverflowRule> overflow;
};

// A SIP user who takes queue calls, with skills ("sales": 3, "lang:zh": 5). Users not listed
// are still agents (they can log in), with no skills.
struct AgentSettings {
  std::string user;
  std::map<std::string, int> skills;
};

// Defences of the SIP port against scanners, password guessing and floods.
struct SipSecuritySettings {
  // Out-of-dialog requests (REGISTER, new INVITE, OPTIONS, ...) a second per source address,
  // before any digest or call work; beyond it 503 + Retry-After. Trunks are exempt. 0 = off.
  int rate_per_source = 100;
  int rate_burst = 400;
  // A source over that rate is dropped in the kernel (a socket filter on the SIP UDP port, no
  // answer at all) for this long, so a flood costs the SIP thread nothing. 0 = never.
  int flood_block_s = 60;
  // Failed authentications (per source address and per user) before a temporary block, the
  // first block's length (doubling with each further block) and the longest block.
  int auth_failures_before_block = 5;
  int auth_block_s = 30;
  int auth_block_max_s = 1800;
  // Requests whose User-Agent contains one of these (case-insensitive) are refused (403).
  std::vector<std::string> blocked_user_agents = {"friendly-scanner",
                                                  "sipvicious",
                                                  "sipcli",
                                                  "sip-scan",
                                                  "vaxsipuseragent",
                                                  "vaxipuseragent",
                                                  "sundayddr",
                                                  "pplsip",
                                                  "iwar",
                                                  "sivus",
                                                  "smap",
                                                  "siparmyknife",
                                                  "sipsak-scan"};
  // SIP over TCP/TLS: a connection with no traffic for this long is closed; a source may hold
  // at most tcp_max_per_source connections and all sources together tcp_max_connections
  // (0 = a quarter of the descriptor limit, at most 2000); beyond, the newest are closed.
  int tcp_idle_timeout_s = 600;
  int tcp_max_per_source = 50;
  int tcp_max_connections = 0;
};

// Encryption on the wire: SIP over TLS, SRTP for TLS phones, HTTPS for the console and API.
struct TlsSettings {
  std::string certificate;     // PEM certificate (chain); "" = self-signed, made in data_dir/tls/
  std::string key;             // PEM private key for it
  int sip_port = 0;            // SIP over TLS on listen:sip_port (0 = off)
  int https_port = 0;          // console and API over HTTPS (0 = off)
  bool http_redirect = false;  // plain HTTP answers 308 to the HTTPS address
  // Calls from phones on TLS that offer RTP/SAVP with SDES keys get SRTP; "require" refuses
  // plain RTP from TLS phones (488).
  std::string srtp = "offer";  // "offer" | "require" | "off"
};

// The HTTP API and console (key `http:`): connection caps and timeouts, sign-in throttling
// and the password-check pool, the agents' customer scope. See config/demo.yaml.
struct HttpSettings {
  int max_connections = 0;  // HTTP + WebSocket in all; 0: a quarter of the descriptor limit
  int max_connections_per_source = 64;
  int idle_timeout_s = 30;     // to send a request / idle between requests
  int ws_idle_timeout_s = 60;  // a silent WebSocket (no pong either) is dropped
  int password_threads = 2;    // argon2id checks at once
  int password_queue_per_source = 4;
  int password_queue_total = 64;
  int login_failures_per_user_and_source = 5;  // within login_window_s, then 429
  int login_failures_per_source = 30;
  int login_failures_per_user = 50;  // from addresses that never signed in as the user
  int login_window_s = 300;
  int agent_customer_window_h = 12;  // agents read customers of calls handled this recently
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
  int nonce_ttl_s = 30;  // digest nonces older than this are stale (stale=true re-challenge)
  int register_min_expires_s = 60;
  int register_max_expires_s = 3600;
  int no_answer_timeout_s = 60;  // ringing a user gives up after this
  // Media security and limits (issue 9). Offers whose connection address is outside these
  // networks are refused (488); empty: any unicast address. Multicast, broadcast and reserved
  // addresses are always refused.
  std::vector<IpNetwork> media_networks;
  int rtp_learning_ms = 3000;      // NAT source learning window from the first packet
  int rtp_learning_packets = 3;    // consecutive packets (one SSRC) that prove a NAT source
  int rtp_port_quarantine_s = 10;  // a released RTP port waits this long before reuse
  int hold_timeout_s = 3600;       // no RTP for this long on hold / inactive: the call ends
  // An unauthenticated call that never received media (any direction) ends after this.
  int unauthenticated_no_media_timeout_s = 300;
  int max_call_duration_s = 14400;  // every call ends after this (4 h)
  // Concurrent calls from callers who did not authenticate (public entry numbers): beyond
  // these, 503. A trusted trunk or an authenticated user is not counted.
  int max_unauthenticated_calls = 500;
  int max_unauthenticated_calls_per_source = 20;
  bool record_calls = true;
  // Digit read-back (601/602): collection ends at this many digits or this many seconds
  // (then what was keyed is read back), so a flood of digits cannot grow without bound.
  int readback_max_digits = 32;
  int readback_timeout_s = 30;
  // The TTS prompt cache (media/tts.h): least recently used prompts are dropped beyond these
  // sizes in memory and on disk (data_dir/prompts-cache).
  int tts_cache_memory_mb = 64;
  int tts_cache_disk_mb = 256;
  // A call to a user who does not answer (busy, unregistered, no answer) goes to the user's
  // voicemail (mailbox = the user's number) instead of failing.
  bool user_voicemail = false;
  bool seed_demo_data = false;     // add the demo customers to an empty database at start
  std::string tone_region = "cn";  // ringback/busy cadences
  std::vector<SipUser> users;
  std::vector<Trunk> trunks;
  // Numbers anyone may call without authenticating (published service numbers).
  std::vector<std::string> entry_numbers;
  std::vector<DialPlanEntry> dial_plan;
  std::vector<QueueSettings> queues;
  std::vector<AgentSettings> agents;
  SipSecuritySettings sip_security;
  TlsSettings tls;
  HttpSettings http;
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
