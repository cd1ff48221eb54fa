// app/main.cpp: the hotline server. Reads the configuration (embedded demo or --config FILE),
// applies command-line overrides, wires the layers together (server.cpp) and runs until
// SIGINT/SIGTERM (SIGHUP reloads the IVR flows). `hotline flow ...` manages the stored IVR
// flows instead of running the server (flow_cli.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "app/flow_cli.h"
#include "app/server.h"
#include "common/config.h"
#include "common/log.h"

int main(int argc, char** argv) {
  CLI::App cli{"Hotline call-center server: SIP/RTP telephony, IVR, ACD, recording."};
  std::string config_path, listen, rtp_ports, data_dir, log_level;
  int sip_port = -1, http_port = -1;
  cli.add_option("--config", config_path, "YAML configuration file (default: embedded demo)")
      ->check(CLI::ExistingFile);
  cli.add_option("--listen", listen, "IP address to listen on for SIP, RTP and HTTP");
  cli.add_option("--sip-port", sip_port, "SIP port, UDP and TCP (default 5060)")
      ->check(CLI::Range(1, 65535));
  cli.add_option("--rtp-ports", rtp_ports, "RTP port range LOW-HIGH (default 20000-29999)");
  cli.add_option("--http-port", http_port, "HTTP API port (default 8080)")
      ->check(CLI::Range(1, 65535));
  cli.add_option("--data-dir", data_dir,
                 "directory for the database, recordings and the prompt cache (default ./var)");
  cli.add_option("--log-level", log_level, "trace, debug, info, warn or error");
  cli.set_version_flag("--version", std::string("hotline ") + HOTLINE_VERSION);
  hotline::app::FlowCli flow_cli(cli);
  CLI11_PARSE(cli, argc, argv);
  if (flow_cli.selected()) return flow_cli.Run(config_path, data_dir);

  auto loaded = config_path.empty() ? hotline::DemoConfig() : hotline::LoadConfigFile(config_path);
  if (!loaded) {
    std::fprintf(stderr, "hotline: bad configuration: %s\n", loaded.error().message.c_str());
    return 2;
  }
  hotline::Config config = std::move(loaded).value();
  if (!listen.empty()) config.listen = listen;
  if (sip_port > 0) config.sip_port = static_cast<uint16_t>(sip_port);
  if (http_port > 0) config.http_port = static_cast<uint16_t>(http_port);
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!log_level.empty()) config.log_level = log_level;
  if (!rtp_ports.empty()) {
    auto range = hotline::ParsePortRange(rtp_ports);
    if (!range) {
      std::fprintf(stderr, "hotline: --rtp-ports: %s\n", range.error().message.c_str());
      return 2;
    }
    config.rtp_port_low = range->first;
    config.rtp_port_high = range->second;
  }
  hotline::SetLogLevel(config.log_level);
  return hotline::app::RunServer(config);
}
