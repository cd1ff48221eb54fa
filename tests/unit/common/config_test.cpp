#include "common/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
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
  EXPECT_EQ(config->entry_numbers, (std::vector<std::string>{"600", "601", "602"}));
  ASSERT_EQ(config->dial_plan.size(), 3u);
  EXPECT_EQ(config->dial_plan[0].number, "600");
  EXPECT_EQ(config->dial_plan[0].action, "echo");
  EXPECT_EQ(config->dial_plan[1].number, "601");
  EXPECT_EQ(config->dial_plan[1].action, "digits_readback");
  EXPECT_EQ(config->dial_plan[1].language, "en");
  EXPECT_EQ(config->dial_plan[1].prompt, "Please enter some digits, then press the pound key.");
  EXPECT_EQ(config->dial_plan[2].number, "602");
  EXPECT_EQ(config->dial_plan[2].language, "zh");
  EXPECT_EQ(config->source, "<embedded demo>");
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

}  // namespace
}  // namespace hotline
