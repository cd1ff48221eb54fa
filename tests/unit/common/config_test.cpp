#include "common/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace hotline {
namespace {

using ::testing::HasSubstr;

// A valid configuration; the error tests append or replace lines and expect the problem on a
// known line.
const char* kBase =
    "listen: 127.0.0.1\n"                                 // 1
    "sip_port: 5070\n"                                    // 2
    "rtp_ports: \"30000-30099\"\n"                        // 3
    "users:\n"                                            // 4
    "  - {number: \"2001\", password: pw1, name: Ann}\n"  // 5
    "  - number: \"2002\"\n"                              // 6
    "    password: pw2\n"                                 // 7
    "    name: \"李雷 Li Lei\"\n"                         // 8
    "dial_plan:\n"                                        // 9
    "  - {number: \"700\", action: echo}\n";              // 10

std::string MustFail(const std::string& text, const std::string& source = "t.yaml") {
  auto parsed = ParseConfig(text, source);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : parsed.error().message;
}

TEST(ConfigTest, DemoConfigLoads) {
  auto config = DemoConfig();
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->users.size(), 10u);
  EXPECT_EQ(config->users.front().number, "1001");
  EXPECT_EQ(config->users.front().password, "demo1001");
  EXPECT_EQ(config->users.front().display_name, "张伟 Zhang Wei");
  EXPECT_EQ(config->users.back().number, "1010");
  EXPECT_EQ(config->users.back().password, "demo1010");
  EXPECT_EQ(config->listen, "127.0.0.1");
  EXPECT_EQ(config->sip_port, 5060);
  EXPECT_EQ(config->rtp_port_low, 20000);
  EXPECT_EQ(config->rtp_port_high, 29999);
  EXPECT_EQ(config->http_port, 8080);
  EXPECT_EQ(config->data_dir, "./var");
  EXPECT_TRUE(config->trunks.empty());
  EXPECT_EQ(config->entry_numbers, (std::vector<std::string>{"100", "600", "601", "602"}));
  ASSERT_EQ(config->dial_plan.size(), 4u);
  EXPECT_EQ(config->dial_plan[0].number, "100");
  EXPECT_EQ(config->dial_plan[0].action, "ivr");
  EXPECT_EQ(config->dial_plan[1].number, "600");
  EXPECT_EQ(config->dial_plan[1].action, "echo");
  EXPECT_EQ(config->dial_plan[2].number, "601");
  EXPECT_EQ(config->dial_plan[2].action, "digits_readback");
  EXPECT_EQ(config->dial_plan[2].language, "en");
  EXPECT_EQ(config->dial_plan[2].prompt, "Please enter some digits, then press the pound key.");
  EXPECT_EQ(config->dial_plan[3].number, "602");
  EXPECT_EQ(config->dial_plan[3].language, "zh");
  EXPECT_EQ(config->source, "<embedded demo>");
}

TEST(ConfigTest, DemoConfigHasTheHotlineQueuesAgentsAndFlow) {
  auto config = DemoConfig();
  ASSERT_TRUE(config.ok()) << config.error().message;
  // The IVR flow of 100 comes from the binary, not from a file next to the working directory.
  const DialPlanEntry& hotline = config->dial_plan[0];
  EXPECT_EQ(hotline.target, "flows/demo_hotline.yaml");
  EXPECT_THAT(hotline.flow_yaml, HasSubstr("flow: demo_hotline"));
  EXPECT_THAT(hotline.flow_yaml, HasSubstr("queue: vip"));

  ASSERT_EQ(config->queues.size(), 4u);
  std::map<std::string, const QueueSettings*> queues;
  for (const auto& queue : config->queues) queues[queue.name] = &queue;
  ASSERT_EQ(queues.size(), 4u);
  for (const char* name : {"sales", "support", "operator", "vip"}) {
    ASSERT_TRUE(queues.count(name)) << name;
  }
  const QueueSettings& sales = *queues["sales"];
  EXPECT_EQ(sales.skills, (std::map<std::string, int>{{"sales", 1}}));
  EXPECT_EQ(sales.strategy, "longest_idle");
  EXPECT_EQ(sales.ring_timeout_s, 20);
  EXPECT_EQ(sales.wrap_up_s, 15);
  EXPECT_EQ(sales.max_wait_s, 300);
  EXPECT_EQ(sales.max_wait_target, "");
  EXPECT_EQ(sales.announce_every_s, 30);
  EXPECT_TRUE(sales.offer_callback);
  EXPECT_TRUE(sales.match_language);
  ASSERT_EQ(sales.overflow.size(), 1u);
  EXPECT_EQ(sales.overflow[0].after_s, 120);
  EXPECT_EQ(sales.overflow[0].action, "add_queue");
  EXPECT_EQ(sales.overflow[0].target, "operator");

  const QueueSettings& support = *queues["support"];
  EXPECT_EQ(support.strategy, "best_skill");
  EXPECT_EQ(support.max_wait_s, 600);
  ASSERT_EQ(support.overflow.size(), 2u);
  EXPECT_EQ(support.overflow[0].action, "relax");
  EXPECT_EQ(support.overflow[0].relax_by, 1);
  EXPECT_EQ(support.overflow[0].after_s, 60);
  EXPECT_EQ(support.overflow[1].target, "operator");

  const QueueSettings& op = *queues["operator"];
  EXPECT_EQ(op.strategy, "fewest_calls");
  EXPECT_EQ(op.ring_timeout_s, 20);  // default
  EXPECT_EQ(op.wrap_up_s, 10);
  EXPECT_FALSE(op.match_language);
  EXPECT_TRUE(op.overflow.empty());

  const QueueSettings& vip = *queues["vip"];
  EXPECT_EQ(vip.strategy, "ring_all");
  EXPECT_EQ(vip.ring_timeout_s, 15);
  EXPECT_EQ(vip.announce_every_s, 20);
  EXPECT_EQ(vip.sticky_window_s, 86400);
  EXPECT_EQ(vip.sticky_wait_s, 20);
  EXPECT_EQ(vip.max_wait_s, 0);
  ASSERT_EQ(vip.overflow.size(), 2u);
  EXPECT_EQ(vip.overflow[0].target, "support");
  EXPECT_EQ(vip.overflow[1].target, "operator");
  EXPECT_EQ(vip.overflow[1].after_s, 40);

  ASSERT_EQ(config->agents.size(), 10u);
  EXPECT_EQ(config->agents[0].user, "1001");
  EXPECT_EQ(config->agents[0].skills,
            (std::map<std::string, int>{{"sales", 3}, {"vip", 2}, {"lang:zh", 5}, {"lang:en", 3}}));
  EXPECT_EQ(config->agents[6].user, "1007");
  EXPECT_EQ(config->agents[6].skills.at("vip"), 3);
  EXPECT_EQ(config->agents[9].user, "1010");
  EXPECT_EQ(
      config->agents[9].skills,
      (std::map<std::string, int>{{"operator", 1}, {"sales", 2}, {"lang:zh", 5}, {"lang:en", 2}}));
  // Every queue has someone to answer it.
  for (const auto& queue : config->queues) {
    bool staffed = false;
    for (const auto& agent : config->agents) {
      bool eligible = true;
      for (const auto& [skill, level] : queue.skills) {
        auto it = agent.skills.find(skill);
        if (it == agent.skills.end() || it->second < level) eligible = false;
      }
      staffed = staffed || eligible;
    }
    EXPECT_TRUE(staffed) << queue.name;
  }
}

TEST(ConfigTest, EmbeddedDemoMatchesTheFileInTheRepository) {
  std::string path = std::string(HOTLINE_SOURCE_DIR) + "/config/demo.yaml";
  auto from_file = LoadConfigFile(path);
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  auto embedded = DemoConfig();
  ASSERT_TRUE(embedded.ok());
  ASSERT_EQ(from_file->users.size(), embedded->users.size());
  for (size_t i = 0; i < embedded->users.size(); ++i) {
    EXPECT_EQ(from_file->users[i].number, embedded->users[i].number);
    EXPECT_EQ(from_file->users[i].display_name, embedded->users[i].display_name);
  }
  EXPECT_EQ(from_file->source, path);
  // The same flow text, from config/flows/ on disk and from the binary.
  ASSERT_EQ(from_file->dial_plan.size(), embedded->dial_plan.size());
  ASSERT_EQ(from_file->dial_plan[0].action, "ivr");
  EXPECT_EQ(from_file->dial_plan[0].target,
            std::string(HOTLINE_SOURCE_DIR) + "/config/flows/demo_hotline.yaml");
  EXPECT_FALSE(embedded->dial_plan[0].flow_yaml.empty());
  EXPECT_EQ(from_file->dial_plan[0].flow_yaml, embedded->dial_plan[0].flow_yaml);
  ASSERT_EQ(from_file->queues.size(), embedded->queues.size());
  for (size_t i = 0; i < embedded->queues.size(); ++i) {
    EXPECT_EQ(from_file->queues[i].name, embedded->queues[i].name);
    EXPECT_EQ(from_file->queues[i].overflow.size(), embedded->queues[i].overflow.size());
  }
  ASSERT_EQ(from_file->agents.size(), embedded->agents.size());
  for (size_t i = 0; i < embedded->agents.size(); ++i) {
    EXPECT_EQ(from_file->agents[i].skills, embedded->agents[i].skills);
  }
}

TEST(ConfigTest, BaseConfigParsesWithDefaults) {
  auto config = ParseConfig(kBase, "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->sip_port, 5070);
  EXPECT_EQ(config->rtp_port_low, 30000);
  EXPECT_EQ(config->rtp_port_high, 30099);
  ASSERT_EQ(config->users.size(), 2u);
  EXPECT_EQ(config->users[1].display_name, "李雷 Li Lei");
  EXPECT_EQ(config->http_port, 8080);  // default
  EXPECT_EQ(config->realm, "hotline");
  EXPECT_TRUE(config->record_calls);
  EXPECT_EQ(config->dial_plan[0].language, "en");
  EXPECT_EQ(config->source, "t.yaml");
}

TEST(ConfigTest, AllScalarKeysAreRead) {
  auto config = ParseConfig(
      "listen: \"::1\"\nhttp_port: 9090\ndata_dir: /srv/hotline\nlog_level: debug\n"
      "realm: example.com\nmedia_threads: 2\nrtp_timeout_s: 30\nnonce_ttl_s: 120\n"
      "register_min_expires_s: 30\nregister_max_expires_s: 600\nno_answer_timeout_s: 20\n"
      "record_calls: false\ntone_region: us\n"
      "users: [{number: \"1\", password: p, display_name: One}]\n"
      "trunks: [{name: gw, address: 192.0.2.1}]\nentry_numbers: [\"800\"]\n"
      "dial_plan: [{number: \"800\", action: user, target: \"1\", language: zh}]\n",
      "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->listen, "::1");
  EXPECT_EQ(config->http_port, 9090);
  EXPECT_EQ(config->data_dir, "/srv/hotline");
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->realm, "example.com");
  EXPECT_EQ(config->media_threads, 2);
  EXPECT_EQ(config->rtp_timeout_s, 30);
  EXPECT_EQ(config->nonce_ttl_s, 120);
  EXPECT_EQ(config->register_min_expires_s, 30);
  EXPECT_EQ(config->register_max_expires_s, 600);
  EXPECT_EQ(config->no_answer_timeout_s, 20);
  EXPECT_FALSE(config->record_calls);
  EXPECT_EQ(config->tone_region, "us");
  EXPECT_EQ(config->users[0].display_name, "One");
  ASSERT_EQ(config->trunks.size(), 1u);
  EXPECT_EQ(config->trunks[0].address, "192.0.2.1");
  EXPECT_EQ(config->dial_plan[0].target, "1");
  EXPECT_EQ(config->dial_plan[0].language, "zh");
}

TEST(ConfigTest, MediaSecurityAndLimitKeys) {
  auto defaults = ParseConfig("# defaults\n", "t.yaml");
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_TRUE(defaults->media_networks.empty());  // any unicast address
  EXPECT_EQ(defaults->rtp_learning_ms, 3000);
  EXPECT_EQ(defaults->rtp_learning_packets, 3);
  EXPECT_EQ(defaults->rtp_port_quarantine_s, 10);
  EXPECT_EQ(defaults->hold_timeout_s, 3600);
  EXPECT_EQ(defaults->unauthenticated_no_media_timeout_s, 300);
  EXPECT_EQ(defaults->max_call_duration_s, 14400);
  EXPECT_EQ(defaults->max_unauthenticated_calls, 500);
  EXPECT_EQ(defaults->max_unauthenticated_calls_per_source, 20);

  auto config = ParseConfig(
      "media_networks: [\"10.0.0.0/8\", \"2001:db8::/32\", 192.0.2.7]\n"
      "rtp_learning_ms: 1500\nrtp_learning_packets: 2\nrtp_port_quarantine_s: 30\n"
      "hold_timeout_s: 600\nunauthenticated_no_media_timeout_s: 60\nmax_call_duration_s: 7200\n"
      "max_unauthenticated_calls: 100\nmax_unauthenticated_calls_per_source: 5\n",
      "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->media_networks.size(), 3u);
  EXPECT_EQ(config->media_networks[0].prefix, 8);
  EXPECT_EQ(config->media_networks[1].prefix, 32);
  EXPECT_EQ(config->media_networks[2].prefix, 32);
  EXPECT_EQ(config->rtp_learning_ms, 1500);
  EXPECT_EQ(config->rtp_learning_packets, 2);
  EXPECT_EQ(config->rtp_port_quarantine_s, 30);
  EXPECT_EQ(config->hold_timeout_s, 600);
  EXPECT_EQ(config->unauthenticated_no_media_timeout_s, 60);
  EXPECT_EQ(config->max_call_duration_s, 7200);
  EXPECT_EQ(config->max_unauthenticated_calls, 100);
  EXPECT_EQ(config->max_unauthenticated_calls_per_source, 5);

  EXPECT_THAT(MustFail("media_networks: [\"10.0.0.0/40\"]\n"),
              HasSubstr("t.yaml:1: media_networks: network \"10.0.0.0/40\": prefix must be 0-32"));
  EXPECT_THAT(MustFail("\nmedia_networks: [intranet]\n"),
              HasSubstr("t.yaml:2: media_networks: network \"intranet\""));
  EXPECT_THAT(MustFail("media_networks: 10.0.0.0/8\n"),
              HasSubstr("t.yaml:1: media_networks must be a list"));
  // "ended within 5 minutes": the no-media timeout cannot be set longer.
  EXPECT_THAT(MustFail("unauthenticated_no_media_timeout_s: 301\n"),
              HasSubstr("t.yaml:1: unauthenticated_no_media_timeout_s must be an integer from 1 "
                        "to 300"));
  EXPECT_THAT(MustFail("rtp_learning_packets: 0\n"), HasSubstr("rtp_learning_packets"));
  EXPECT_THAT(MustFail("max_call_duration_s: 0\n"), HasSubstr("max_call_duration_s"));
}

TEST(ConfigTest, EmptyDocumentGivesDefaults) {
  auto config = ParseConfig("# nothing here\n", "empty.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->sip_port, 5060);
  EXPECT_TRUE(config->users.empty());
}

TEST(ConfigTest, UnknownTopLevelKey) {
  std::string message = MustFail(std::string(kBase) + "sip_prot: 5060\n", "typo.yaml");
  EXPECT_THAT(message, HasSubstr("typo.yaml:11:"));
  EXPECT_THAT(message, HasSubstr("sip_prot"));
  EXPECT_THAT(message, HasSubstr("did you mean \"sip_port\""));
}

TEST(ConfigTest, UnknownKeyInsideAUser) {
  std::string text = kBase;
  text.replace(text.find("    name: \"李雷"), 4, "    nmae_x: 1\n    ");
  // The inserted key lands on line 8.
  EXPECT_THAT(MustFail(text), HasSubstr("t.yaml:8: unknown key \"nmae_x\""));
}

TEST(ConfigTest, WrongTypes) {
  EXPECT_THAT(MustFail(std::string(kBase) + "sip_port_x: 1\n"), HasSubstr("t.yaml:11:"));
  EXPECT_THAT(MustFail("realm: hotline\nmedia_threads: many\n"),
              HasSubstr("t.yaml:2: media_threads must be an integer"));
  EXPECT_THAT(MustFail("record_calls: maybe\n"),
              HasSubstr("t.yaml:1: record_calls must be true or false"));
  EXPECT_THAT(MustFail("\nusers: {number: 1}\n"), HasSubstr("t.yaml:2: users must be a list"));
  EXPECT_THAT(MustFail("\n\nrealm: [a, b]\n"), HasSubstr("t.yaml:3: realm must be a string"));
  EXPECT_THAT(MustFail("rtp_timeout_s: 1.5\n"), HasSubstr("t.yaml:1: rtp_timeout_s"));
  EXPECT_THAT(MustFail("- just\n- a list\n"), HasSubstr("t.yaml:1: the configuration must be"));
}

TEST(ConfigTest, HttpLimits) {
  auto defaults = ParseConfig(kBase, "t.yaml");
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->http.max_connections, 0) << "0: derived from the descriptor limit";
  EXPECT_EQ(defaults->http.max_connections_per_source, 64);
  EXPECT_EQ(defaults->http.login_failures_per_user_and_source, 5);
  auto set = ParseConfig(std::string(kBase) +
                             "http:\n  max_connections: 300\n  idle_timeout_s: 5\n"
                             "  password_threads: 3\n  agent_customer_window_h: 8\n",
                         "t.yaml");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->http.max_connections, 300);
  EXPECT_EQ(set->http.idle_timeout_s, 5);
  EXPECT_EQ(set->http.password_threads, 3);
  EXPECT_EQ(set->http.agent_customer_window_h, 8);
  EXPECT_THAT(MustFail(std::string(kBase) + "http:\n  idle_timeout_s: 0\n"),
              HasSubstr("t.yaml:12: http.idle_timeout_s must be an integer from 1"));
  EXPECT_THAT(MustFail(std::string(kBase) + "http:\n  max_conections: 5\n"),
              HasSubstr("did you mean \"max_connections\""));
  EXPECT_THAT(MustFail(std::string(kBase) +
                       "http:\n  password_queue_per_source: 10\n  password_queue_total: 5\n"),
              HasSubstr("password_queue_per_source (10) is greater than"));
}

TEST(ConfigTest, DigitAndSpeechCacheLimits) {
  auto defaults = ParseConfig(kBase, "t.yaml");
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->readback_max_digits, 32);
  EXPECT_EQ(defaults->readback_timeout_s, 30);
  EXPECT_EQ(defaults->tts_cache_memory_mb, 64);
  EXPECT_EQ(defaults->tts_cache_disk_mb, 256);
  auto set = ParseConfig(
      "readback_max_digits: 8\nreadback_timeout_s: 10\ntts_cache_memory_mb: 4\n"
      "tts_cache_disk_mb: 16\n",
      "t.yaml");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->readback_max_digits, 8);
  EXPECT_EQ(set->readback_timeout_s, 10);
  EXPECT_EQ(set->tts_cache_memory_mb, 4);
  EXPECT_EQ(set->tts_cache_disk_mb, 16);
  EXPECT_THAT(MustFail("readback_max_digits: 0\n"), HasSubstr("t.yaml:1: readback_max_digits"));
  EXPECT_THAT(MustFail("readback_max_digits: 100000\n"), HasSubstr("readback_max_digits"));
  EXPECT_THAT(MustFail("\ntts_cache_disk_mb: -1\n"), HasSubstr("t.yaml:2: tts_cache_disk_mb"));
}

TEST(ConfigTest, PortsOutOfRange) {
  std::string text = kBase;
  text.replace(text.find("sip_port: 5070"), 14, "sip_port: 70000");
  EXPECT_THAT(MustFail(text), HasSubstr("t.yaml:2: sip_port must be an integer from 1 to 65535"));
  EXPECT_THAT(MustFail("\nhttp_port: 0\n"), HasSubstr("t.yaml:2: http_port"));
  EXPECT_THAT(MustFail("\nhttp_port: -80\n"), HasSubstr("t.yaml:2: http_port"));
  EXPECT_THAT(MustFail("\n\nrtp_ports: \"1000-70000\"\n"), HasSubstr("t.yaml:3: rtp_ports"));
}

TEST(ConfigTest, RtpRangeReversedOrTooSmall) {
  std::string reversed = kBase;
  reversed.replace(reversed.find("30000-30099"), 11, "30099-30000");
  EXPECT_THAT(MustFail(reversed),
              HasSubstr("t.yaml:3: rtp_ports: port range 30099-30000 is reversed"));
  std::string small = kBase;
  small.replace(small.find("30000-30099"), 11, "30000-30000");
  EXPECT_THAT(MustFail(small),
              HasSubstr("t.yaml:3: rtp_ports: port range 30000-30000 is too small"));
  std::string malformed = kBase;
  malformed.replace(malformed.find("30000-30099"), 11, "lots");
  EXPECT_THAT(MustFail(malformed), HasSubstr("t.yaml:3: rtp_ports"));
}

TEST(ConfigTest, DuplicateUserNumber) {
  std::string text = kBase;
  text.replace(text.find("number: \"2002\""), 14, "number: \"2001\"");
  std::string message = MustFail(text);
  EXPECT_THAT(message, HasSubstr("t.yaml:6: duplicate user number 2001"));
  EXPECT_THAT(message, HasSubstr("line 5"));
}

TEST(ConfigTest, EmptyPassword) {
  std::string text = kBase;
  text.replace(text.find("password: pw2"), 13, "password: \"\"");
  EXPECT_THAT(MustFail(text), HasSubstr("t.yaml:7: password must not be empty"));
  std::string missing = kBase;
  missing.replace(missing.find("password: pw1, "), 15, "");
  EXPECT_THAT(MustFail(missing), HasSubstr("t.yaml:5: user 2001 needs a password"));
}

TEST(ConfigTest, UnknownDialPlanAction) {
  std::string text = std::string(kBase) + "  - number: \"701\"\n    action: voicemail\n";
  EXPECT_THAT(MustFail(text), HasSubstr("t.yaml:12: unknown dial-plan action \"voicemail\""));
}

TEST(ConfigTest, DialPlanUserTargetMustBeAUser) {
  std::string text =
      std::string(kBase) + "  - number: \"702\"\n    action: user\n    target: \"2999\"\n";
  EXPECT_THAT(MustFail(text),
              HasSubstr("t.yaml:13: dial-plan entry 702: target 2999 is not a known user"));
  std::string good =
      std::string(kBase) + "  - number: \"702\"\n    action: user\n    target: \"2002\"\n";
  EXPECT_TRUE(ParseConfig(good, "t.yaml").ok());
  // Users may come after the dial plan in the file.
  auto later = ParseConfig(
      "dial_plan: [{number: \"9\", action: user, target: \"5\"}]\n"
      "users: [{number: \"5\", password: x}]\n",
      "t.yaml");
  EXPECT_TRUE(later.ok()) << later.error().message;
}

TEST(ConfigTest, DuplicateDialPlanNumber) {
  std::string text = std::string(kBase) + "  - {number: \"700\", action: digits_readback}\n";
  std::string message = MustFail(text);
  EXPECT_THAT(message, HasSubstr("t.yaml:11: duplicate dial-plan number 700"));
  EXPECT_THAT(message, HasSubstr("line 10"));
}

TEST(ConfigTest, DialPlanNumberClashesWithUser) {
  std::string text = std::string(kBase) + "  - {number: \"2002\", action: echo}\n";
  std::string message = MustFail(text);
  EXPECT_THAT(message, HasSubstr("t.yaml:11: dial-plan number 2002 is also a user number"));
  EXPECT_THAT(message, HasSubstr("line 6"));
}

TEST(ConfigTest, InvalidIpAddresses) {
  std::string text = kBase;
  text.replace(text.find("127.0.0.1"), 9, "127.0.0.300");
  EXPECT_THAT(MustFail(text), HasSubstr("t.yaml:1: listen must be an IPv4 or IPv6 address"));
  std::string trunk = std::string(kBase) +
                      "trunks:\n"
                      "  - name: carrier\n"
                      "    address: gateway.example.com\n";
  EXPECT_THAT(MustFail(trunk), HasSubstr("t.yaml:13: trunk address must be an IPv4 or IPv6"));
}

TEST(ConfigTest, YamlSyntaxErrorKeepsItsLine) {
  std::string text = std::string(kBase) + "realm: [unclosed\n";
  std::string message = MustFail(text, "broken.yaml");
  EXPECT_THAT(message, HasSubstr("broken.yaml:"));
  EXPECT_THAT(message, HasSubstr("YAML syntax error"));
  // yaml-cpp reports the unclosed flow sequence where the document ends or where it opened.
  EXPECT_TRUE(message.find("broken.yaml:11:") != std::string::npos ||
              message.find("broken.yaml:12:") != std::string::npos)
      << message;
  std::string bad_indent = "users:\n  - number: \"1\"\n   password: x\n";
  EXPECT_THAT(MustFail(bad_indent, "indent.yaml"), HasSubstr("indent.yaml:3:"));
}

TEST(ConfigTest, SeveralProblemsAreAllReported) {
  std::string message = MustFail("sip_port: 0\nhttp_port: 0\nbogus: 1\n");
  EXPECT_THAT(message, HasSubstr("t.yaml:1:"));
  EXPECT_THAT(message, HasSubstr("t.yaml:2:"));
  EXPECT_THAT(message, HasSubstr("t.yaml:3:"));
}

TEST(ConfigTest, TrunkPort) {
  auto config = ParseConfig(
      "trunks:\n"
      "  - {name: a, address: 192.0.2.1}\n"
      "  - {name: b, address: 192.0.2.2, port: 5080}\n",
      "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->trunks[0].port, 5060);  // default
  EXPECT_EQ(config->trunks[1].port, 5080);
  EXPECT_THAT(MustFail("trunks:\n  - name: a\n    address: 192.0.2.1\n    port: 70000\n"),
              HasSubstr("t.yaml:4: trunk port must be an integer from 1 to 65535"));
  EXPECT_THAT(MustFail("trunks:\n  - {name: a, address: 192.0.2.1, port: 0}\n"),
              HasSubstr("t.yaml:2: trunk port"));
  EXPECT_THAT(MustFail("trunks:\n  - {name: a, address: 192.0.2.1, prot: 1}\n"),
              HasSubstr("did you mean \"port\""));
}

// Users, two queues and an agent; the queue tests edit it and expect problems on known lines.
const char* kQueues =
    "users:\n"                                                      // 1
    "  - {number: \"1001\", password: a}\n"                         // 2
    "  - {number: \"1002\", password: b}\n"                         // 3
    "queues:\n"                                                     // 4
    "  - name: sales\n"                                             // 5
    "    skills: {sales: 1, \"lang:zh\": 2}\n"                      // 6
    "    strategy: round_robin\n"                                   // 7
    "    max_wait_s: 300\n"                                         // 8
    "    max_wait_target: operator\n"                               // 9
    "    overflow:\n"                                               // 10
    "      - {after_s: 30, action: relax, relax_by: 2}\n"           // 11
    "      - {after_s: 60, action: add_queue, target: operator}\n"  // 12
    "      - {after_s: 90, action: move, target: operator}\n"       // 13
    "      - {after_s: 90, action: voicemail}\n"                    // 14
    "  - name: operator\n"                                          // 15
    "    skills: {operator: 1}\n"                                   // 16
    "agents:\n"                                                     // 17
    "  - {user: \"1001\", skills: {sales: 3, \"lang:zh\": 5}}\n"    // 18
    "  - user: \"1002\"\n"                                          // 19
    "    skills:\n"                                                 // 20
    "      operator: 0\n"                                           // 21
    "      lang:en: 100\n";                                         // 22

// kQueues with the text `from` (which must occur once) replaced by `to`.
std::string Edit(const std::string& from, const std::string& to) {
  std::string text = kQueues;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ConfigTest, QueuesAndAgentsAreRead) {
  auto config = ParseConfig(kQueues, "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->queues.size(), 2u);
  const QueueSettings& sales = config->queues[0];
  EXPECT_EQ(sales.name, "sales");
  EXPECT_EQ(sales.skills, (std::map<std::string, int>{{"sales", 1}, {"lang:zh", 2}}));
  EXPECT_EQ(sales.strategy, "round_robin");
  EXPECT_EQ(sales.max_wait_s, 300);
  EXPECT_EQ(sales.max_wait_target, "operator");
  ASSERT_EQ(sales.overflow.size(), 4u);
  EXPECT_EQ(sales.overflow[0].after_s, 30);
  EXPECT_EQ(sales.overflow[0].action, "relax");
  EXPECT_EQ(sales.overflow[0].relax_by, 2);
  EXPECT_EQ(sales.overflow[1].action, "add_queue");
  EXPECT_EQ(sales.overflow[1].target, "operator");
  EXPECT_EQ(sales.overflow[2].action, "move");
  EXPECT_EQ(sales.overflow[3].action, "voicemail");
  EXPECT_EQ(sales.overflow[3].after_s, 90);  // equal after_s is in order

  // Defaults.
  const QueueSettings& op = config->queues[1];
  EXPECT_EQ(op.strategy, "longest_idle");
  EXPECT_EQ(op.ring_timeout_s, 20);
  EXPECT_EQ(op.wrap_up_s, 0);
  EXPECT_EQ(op.max_wait_s, 0);
  EXPECT_EQ(op.voicemail, "");
  EXPECT_EQ(op.max_length, 1000);
  EXPECT_EQ(op.announce_every_s, 30);
  EXPECT_TRUE(op.offer_callback);
  EXPECT_FALSE(op.match_language);
  EXPECT_TRUE(op.leave_when_empty);
  EXPECT_EQ(op.sticky_window_s, 0);
  EXPECT_EQ(op.sticky_wait_s, 0);

  ASSERT_EQ(config->agents.size(), 2u);
  EXPECT_EQ(config->agents[0].user, "1001");
  EXPECT_EQ(config->agents[0].skills, (std::map<std::string, int>{{"sales", 3}, {"lang:zh", 5}}));
  EXPECT_EQ(config->agents[1].skills,
            (std::map<std::string, int>{{"operator", 0}, {"lang:en", 100}}));
}

TEST(ConfigTest, EveryQueueKeyIsRead) {
  auto config = ParseConfig(
      "queues:\n"
      "  - name: q\n"
      "    strategy: random\n"
      "    ring_timeout_s: 600\n"
      "    wrap_up_s: 3600\n"
      "    max_wait_s: 86400\n"
      "    voicemail: mailbox-7\n"
      "    max_length: 100000\n"
      "    announce_every_s: 5\n"
      "    offer_callback: false\n"
      "    match_language: yes\n"
      "    leave_when_empty: false\n"
      "    sticky_window_s: 3600\n"
      "    sticky_wait_s: 0\n"
      "    overflow: []\n"
      "  - {name: silent, announce_every_s: 0, skills: {}}\n",
      "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const QueueSettings& q = config->queues[0];
  EXPECT_EQ(q.strategy, "random");
  EXPECT_EQ(q.ring_timeout_s, 600);
  EXPECT_EQ(q.wrap_up_s, 3600);
  EXPECT_EQ(q.max_wait_s, 86400);
  EXPECT_EQ(q.voicemail, "mailbox-7");
  EXPECT_EQ(q.max_length, 100000);
  EXPECT_EQ(q.announce_every_s, 5);
  EXPECT_FALSE(q.offer_callback);
  EXPECT_TRUE(q.match_language);
  EXPECT_FALSE(q.leave_when_empty);
  EXPECT_EQ(q.sticky_window_s, 3600);
  EXPECT_TRUE(q.skills.empty());
  EXPECT_EQ(config->queues[1].announce_every_s, 0);
  for (const char* strategy : {"longest_idle", "round_robin", "fewest_calls", "least_talk_time",
                               "ring_all", "best_skill", "random"}) {
    auto parsed =
        ParseConfig(std::string("queues: [{name: q, strategy: ") + strategy + "}]\n", "t.yaml");
    EXPECT_TRUE(parsed.ok()) << strategy;
  }
}

TEST(ConfigTest, UnknownQueueStrategy) {
  EXPECT_THAT(MustFail(Edit("strategy: round_robin", "strategy: round_robbin")),
              HasSubstr("t.yaml:7: unknown queue strategy \"round_robbin\" (valid: longest_idle"));
}

TEST(ConfigTest, SkillLevelsAndNames) {
  EXPECT_THAT(MustFail(Edit("{sales: 1,", "{sales: 101,")),
              HasSubstr("t.yaml:6: level of skill sales must be an integer from 0 to 100"));
  EXPECT_THAT(MustFail(Edit("      operator: 0\n", "      operator: -1\n")),
              HasSubstr("t.yaml:21: level of skill operator must be an integer from 0 to 100"));
  EXPECT_THAT(MustFail(Edit("{sales: 3,", "{sales: high,")),
              HasSubstr("t.yaml:18: level of skill sales"));
  EXPECT_THAT(MustFail(Edit("    skills: {operator: 1}\n", "    skills: [operator]\n")),
              HasSubstr("t.yaml:16: the skills of a queue must be a mapping (skill: level)"));
  EXPECT_THAT(MustFail(Edit("      operator: 0\n", "      \"oper ator\": 0\n")),
              HasSubstr("t.yaml:21: the skills of an agent: a skill name must be a word"));
}

TEST(ConfigTest, AgentMustBeAConfiguredUser) {
  EXPECT_THAT(MustFail(Edit("  - user: \"1002\"", "  - user: \"1003\"")),
              HasSubstr("t.yaml:19: agent 1003 is not a configured user"));
  // Users may come after the agents in the file.
  auto later = ParseConfig(
      "agents: [{user: \"5\", skills: {a: 1}}]\nusers: [{number: \"5\", password: x}]\n", "t.yaml");
  EXPECT_TRUE(later.ok()) << later.error().message;
  EXPECT_THAT(MustFail("agents:\n  - skills: {a: 1}\n"),
              HasSubstr("t.yaml:2: an agent needs a user"));
}

TEST(ConfigTest, DuplicateAgent) {
  std::string message = MustFail(Edit("  - user: \"1002\"", "  - user: \"1001\""));
  EXPECT_THAT(message, HasSubstr("t.yaml:19: duplicate agent 1001"));
  EXPECT_THAT(message, HasSubstr("line 18"));
}

TEST(ConfigTest, DuplicateQueue) {
  std::string message = MustFail(Edit("  - name: operator", "  - name: sales"));
  EXPECT_THAT(message, HasSubstr("t.yaml:15: duplicate queue name sales"));
  EXPECT_THAT(message, HasSubstr("line 5"));
  EXPECT_THAT(MustFail(Edit("  - name: operator\n", "  - skills: {}\n")),
              HasSubstr("t.yaml:15: a queue needs a name"));
  EXPECT_THAT(MustFail(Edit("  - name: operator", "  - name: \"op erator\"")),
              HasSubstr("t.yaml:15: queue name \"op erator\" must not contain spaces"));
}

TEST(ConfigTest, UnknownOverflowTarget) {
  EXPECT_THAT(MustFail(Edit("add_queue, target: operator", "add_queue, target: billing")),
              HasSubstr("t.yaml:12: queue sales: overflow target billing is not a known queue"));
  EXPECT_THAT(MustFail(Edit("move, target: operator", "move, target: billing")),
              HasSubstr("t.yaml:13: queue sales: overflow target billing is not a known queue"));
  EXPECT_THAT(MustFail(Edit("max_wait_target: operator", "max_wait_target: billing")),
              HasSubstr("t.yaml:9: queue sales: max_wait_target billing is not a known queue"));
}

TEST(ConfigTest, OverflowTargetMustNotBeItself) {
  EXPECT_THAT(MustFail(Edit("add_queue, target: operator", "add_queue, target: sales")),
              HasSubstr("t.yaml:12: queue sales: overflow target must be another queue"));
  EXPECT_THAT(MustFail(Edit("max_wait_target: operator", "max_wait_target: sales")),
              HasSubstr("t.yaml:9: queue sales: max_wait_target must be another queue"));
}

TEST(ConfigTest, OverflowRulesOutOfOrder) {
  std::string message = MustFail(Edit("{after_s: 60,", "{after_s: 20,"));
  EXPECT_THAT(message, HasSubstr("t.yaml:12: overflow rules must be in order of after_s: 20"));
  EXPECT_THAT(message, HasSubstr("line 11"));
}

TEST(ConfigTest, OverflowRuleShapes) {
  EXPECT_THAT(MustFail(Edit("action: relax, relax_by: 2", "action: relax, target: operator")),
              HasSubstr("t.yaml:11: overflow action relax takes no target"));
  EXPECT_THAT(MustFail(Edit("action: voicemail}", "action: voicemail, target: operator}")),
              HasSubstr("t.yaml:14: overflow action voicemail takes no target"));
  EXPECT_THAT(MustFail(Edit("action: move, target: operator", "action: move")),
              HasSubstr("t.yaml:13: overflow action move needs a target queue"));
  EXPECT_THAT(MustFail(Edit("action: voicemail}", "action: voicemail, relax_by: 1}")),
              HasSubstr("t.yaml:14: relax_by applies only to action relax"));
  EXPECT_THAT(MustFail(Edit("relax_by: 2", "relax_by: 0")),
              HasSubstr("t.yaml:11: relax_by must be an integer from 1 to 100"));
  EXPECT_THAT(MustFail(Edit("action: voicemail}", "action: hangup}")),
              HasSubstr("t.yaml:14: unknown overflow action \"hangup\""));
  EXPECT_THAT(MustFail(Edit("{after_s: 30, ", "{")),
              HasSubstr("t.yaml:11: an overflow rule needs after_s"));
  EXPECT_THAT(MustFail(Edit("{after_s: 30,", "{after_s: 0,")),
              HasSubstr("t.yaml:11: after_s must be an integer from 1 to 86400"));
  EXPECT_THAT(MustFail(Edit("    overflow:\n", "    overflow: 3\n    x_overflow:\n")),
              HasSubstr("t.yaml:10: overflow must be a list"));
}

TEST(ConfigTest, AddQueueRulesMustNotFormACycle) {
  std::string text = Edit("    skills: {operator: 1}\n",
                          "    skills: {operator: 1}\n"
                          "    overflow: [{after_s: 10, action: add_queue, target: sales}]\n");
  EXPECT_THAT(MustFail(text), HasSubstr("add_queue overflow rules form a cycle"));
  EXPECT_THAT(MustFail(text), HasSubstr("sales -> operator -> sales"));
}

TEST(ConfigTest, QueueValueRanges) {
  EXPECT_THAT(MustFail(Edit("    max_wait_s: 300\n", "    max_wait_s: 0\n")),
              HasSubstr("t.yaml:9: queue sales: max_wait_target needs max_wait_s"));
  EXPECT_THAT(MustFail(Edit("    max_wait_s: 300\n", "    max_wait_s: 86401\n")),
              HasSubstr("t.yaml:8: max_wait_s must be an integer from 0 to 86400"));
  EXPECT_THAT(MustFail(Edit("    strategy: round_robin\n", "    announce_every_s: 3\n")),
              HasSubstr("t.yaml:7: announce_every_s must be 0 (never) or from 5 to 3600"));
  EXPECT_THAT(MustFail(Edit("    strategy: round_robin\n", "    ring_timeout_s: 0\n")),
              HasSubstr("t.yaml:7: ring_timeout_s must be an integer from 1 to 600"));
  EXPECT_THAT(MustFail(Edit("    strategy: round_robin\n", "    max_length: 0\n")),
              HasSubstr("t.yaml:7: max_length must be an integer from 1 to 100000"));
  EXPECT_THAT(MustFail(Edit("    strategy: round_robin\n", "    offer_callback: maybe\n")),
              HasSubstr("t.yaml:7: offer_callback must be true or false"));
  EXPECT_THAT(MustFail(Edit("    strategy: round_robin\n", "    sticky_wait_s: -1\n")),
              HasSubstr("t.yaml:7: sticky_wait_s must be an integer from 0 to 86400"));
  EXPECT_THAT(MustFail("queues: {name: q}\n"), HasSubstr("t.yaml:1: queues must be a list"));
  EXPECT_THAT(MustFail("\nagents: [1001]\n"), HasSubstr("t.yaml:2: an agent must be a mapping"));
}

TEST(ConfigTest, UnknownKeyInAQueueHasAHint) {
  std::string message = MustFail(Edit("    strategy: round_robin", "    stratgy: round_robin"));
  EXPECT_THAT(message, HasSubstr("t.yaml:7: unknown key \"stratgy\" in a queue"));
  EXPECT_THAT(message, HasSubstr("did you mean \"strategy\""));
  EXPECT_THAT(MustFail(Edit("relax_by: 2", "relax_bye: 2")),
              HasSubstr("t.yaml:11: unknown key \"relax_bye\" in an overflow rule (did you mean "
                        "\"relax_by\"?)"));
  EXPECT_THAT(MustFail(Edit("  - user: \"1002\"", "  - usr: \"1002\"")),
              HasSubstr("t.yaml:19: unknown key \"usr\" in an agent (did you mean \"user\"?)"));
}

TEST(ConfigTest, IvrEntryNeedsAReadableTarget) {
  EXPECT_THAT(MustFail("dial_plan:\n  - {number: \"7\", action: ivr}\n"),
              HasSubstr("t.yaml:2: dial-plan entry 7 (action ivr) needs a target"));
  EXPECT_THAT(MustFail("dial_plan:\n  - {number: \"7\", action: ivr, target: \"\"}\n"),
              HasSubstr("t.yaml:2: dial-plan entry 7 (action ivr) needs a target"));
  EXPECT_THAT(
      MustFail("dial_plan:\n  - number: \"7\"\n    action: ivr\n    target: /no/such.yaml\n"),
      HasSubstr("t.yaml:4: IVR flow file /no/such.yaml does not exist"));
}

TEST(ConfigTest, ParsePortRange) {
  auto range = ParsePortRange("20000-29999");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first, 20000);
  EXPECT_EQ(range->second, 29999);
  auto small = ParsePortRange(" 40000 - 40001 ");
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_EQ(small->first, 40000);
  EXPECT_EQ(small->second, 40001);
  EXPECT_TRUE(ParsePortRange("1-65535").ok());

  EXPECT_FALSE(ParsePortRange("").ok());
  EXPECT_FALSE(ParsePortRange("20000").ok());
  EXPECT_FALSE(ParsePortRange("20000-").ok());
  EXPECT_FALSE(ParsePortRange("-20000").ok());
  EXPECT_FALSE(ParsePortRange("a-b").ok());
  EXPECT_FALSE(ParsePortRange("20000-30000x").ok());
  EXPECT_FALSE(ParsePortRange("0-100").ok());
  EXPECT_FALSE(ParsePortRange("100-65536").ok());
  EXPECT_FALSE(ParsePortRange("20000-20000").ok());  // one port: too small
  EXPECT_FALSE(ParsePortRange("29999-20000").ok());  // reversed
  EXPECT_THAT(ParsePortRange("29999-20000").error().message, HasSubstr("reversed"));
  EXPECT_THAT(ParsePortRange("5-5").error().message, HasSubstr("too small"));
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hotline_config_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFileTest, MissingFileIsNamed) {
  std::string path = (dir_ / "no-such-config.yaml").string();
  auto config = LoadConfigFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(path));
}

TEST_F(ConfigFileTest, ErrorsNameTheFile) {
  std::string path = Write("bad.yaml", "realm: x\nsip_port: many\n");
  auto config = LoadConfigFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(path + ":2: sip_port"));
}

TEST_F(ConfigFileTest, IvrFlowTextIsReadRelativeToTheConfigFile) {
  std::filesystem::create_directories(dir_ / "flows");
  const std::string flow = "flow: test\nstart: hello\n# 你好\n";
  Write("flows/menu.yaml", flow);
  std::string path = Write("c.yaml",
                           "entry_numbers: [\"700\"]\n"
                           "dial_plan:\n"
                           "  - {number: \"700\", action: ivr, target: flows/menu.yaml}\n");
  auto config = LoadConfigFile(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->dial_plan.size(), 1u);
  EXPECT_EQ(config->dial_plan[0].target, (dir_ / "flows/menu.yaml").string());
  EXPECT_EQ(config->dial_plan[0].flow_yaml, flow);

  std::string missing = Write("d.yaml",
                              "dial_plan:\n"
                              "  - number: \"700\"\n"
                              "    action: ivr\n"
                              "    target: flows/nowhere.yaml\n");
  auto refused = LoadConfigFile(missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message,
              HasSubstr(missing + ":4: IVR flow file " + (dir_ / "flows/nowhere.yaml").string() +
                        " does not exist"));
}

TEST_F(ConfigFileTest, WavPromptsResolveAgainstTheConfigDirectory) {
  Write("hello.wav", "RIFF");  // existence is all the loader checks
  std::string path = Write("c.yaml",
                           "dial_plan:\n"
                           "  - {number: \"1\", action: digits_readback, prompt: hello.wav}\n");
  auto config = LoadConfigFile(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->dial_plan[0].prompt, (dir_ / "hello.wav").string());

  std::string missing = Write("d.yaml",
                              "dial_plan:\n"
                              "  - number: \"1\"\n"
                              "    action: digits_readback\n"
                              "    prompt: nowhere.wav\n");
  auto refused = LoadConfigFile(missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr(missing + ":4: prompt file"));
}

TEST(ConfigTest, HttpsPortAndRedirect) {
  auto config =
      ParseConfig(std::string(kBase) + "tls: {https_port: 8443, http_redirect: true}\n", "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->tls.https_port, 8443);
  EXPECT_TRUE(config->tls.http_redirect);
  std::string message =
      MustFail(std::string(kBase) + "tls:\n  http_redirect: true\n", "redirect.yaml");
  EXPECT_THAT(message, HasSubstr("redirect.yaml:12:"));
  EXPECT_THAT(message, HasSubstr("http_redirect needs https_port"));
}

}  // namespace
}  // namespace hotline
