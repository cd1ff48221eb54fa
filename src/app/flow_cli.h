// app/flow_cli.h: `hotline flow ...`, the command line for the IVR flows stored in the
// database (call::FlowCatalog over store::FlowStore in DATA_DIR/hotline.db):
//   hotline flow import FILE [--author NAME] [--config CFG] [--data-dir DIR]
//       validates FILE and stores it as the next version of its `flow:` name; an invalid flow
//       is refused with "FILE:LINE: node 'id': problem" (exit 1) and nothing is stored.
//   hotline flow list [--config CFG] [--data-dir DIR]      every flow's latest version
//   hotline flow show NAME [--version N] [--config CFG] [--data-dir DIR]   the YAML text
// The data directory is found as the server finds it: --data-dir, else the configuration's
// data_dir (--config FILE, default the embedded demo configuration: ./var). A running server
// takes new versions on SIGHUP (or at its next start).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace hotline::app {

class FlowCli {
 public:
  // Adds the "flow" subcommand (with import, list and show) to `cli`.
  explicit FlowCli(CLI::App& cli);

  // True if the parsed command line chose `flow`.
  bool selected() const;
  // Runs the chosen subcommand; returns the process exit code. Call after parsing.
  // `config_path` / `data_dir`: the server's --config / --data-dir if given before `flow`
  // (the subcommand's own options win).
  int Run(const std::string& config_path, const std::string& data_dir);

 private:
  int Import();
  int List();
  int Show();
  // The data directory from --data-dir or the configuration; "" (and a message) on error.
  std::string DataDir(int* exit_code);

  CLI::App* flow_ = nullptr;
  CLI::App* import_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  std::string config_path_;
  std::string data_dir_;
  std::string file_;
  std::string author_;
  std::string name_;
  int version_ = 0;
};

}  // namespace hotline::app
