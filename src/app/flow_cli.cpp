#include "app/flow_cli.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "call/flow_catalog.h"
#include "common/config.h"
#include "common/log.h"
#include "store/flow_store.h"
#include "store/sqlite_db.h"

namespace hotline::app {

namespace {

void AddDataDirOptions(CLI::App* command, std::string& config_path, std::string& data_dir) {
  command
      ->add_option("--config", config_path,
                   "configuration file whose data_dir to use (default: embedded demo)")
      ->check(CLI::ExistingFile);
  command->add_option("--data-dir", data_dir,
                      "data directory holding hotline.db (default: the configuration's, ./var)");
}

Result<Config> LoadConfig(const std::string& path) {
  return path.empty() ? DemoConfig() : LoadConfigFile(path);
}

std::string DefaultAuthor() {
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "cli";
}

}  // namespace

FlowCli::FlowCli(CLI::App& cli) {
  flow_ = cli.add_subcommand("flow", "IVR flows stored in the database: import, list, show");
  flow_->require_subcommand(1);

  import_ = flow_->add_subcommand(
      "import", "validate a flow file and store it as the next version of its flow");
  import_->add_option("FILE", file_, "flow document (YAML)")->required();
  import_->add_option("--author", author_, "who publishes it (default: $USER)");
  AddDataDirOptions(import_, config_path_, data_dir_);

  list_ = flow_->add_subcommand("list", "every stored flow: latest version, author, time");
  AddDataDirOptions(list_, config_path_, data_dir_);

  show_ = flow_->add_subcommand("show", "print a stored flow's YAML");
  show_->add_option("NAME", name_, "flow name (its `flow:` field)")->required();
  show_->add_option("--version", version_, "version to print (default: the latest)")
      ->check(CLI::PositiveNumber);
  AddDataDirOptions(show_, config_path_, data_dir_);
}

bool FlowCli::selected() const { return flow_->parsed(); }

int FlowCli::Run(const std::string& config_path, const std::string& data_dir) {
  if (config_path_.empty()) config_path_ = config_path;
  if (data_dir_.empty()) data_dir_ = data_dir;
  SetLogLevel("warn");  // the command's own output says what happened
  if (import_->parsed()) return Import();
  if (list_->parsed()) return List();
  if (show_->parsed()) return Show();
  std::fprintf(stderr, "hotline flow: choose import, list or show\n");
  return 2;
}

std::string FlowCli::DataDir(int* exit_code) {
  if (!data_dir_.empty()) return data_dir_;
  auto config = LoadConfig(config_path_);
  if (!config) {
    std::fprintf(stderr, "hotline: bad configuration: %s\n", config.error().message.c_str());
    *exit_code = 2;
    return "";
  }
  return config->data_dir;
}

int FlowCli::Import() {
  std::ifstream file(file_, std::ios::binary);
  if (!file.is_open()) {
    std::fprintf(stderr, "hotline flow import: cannot read %s\n", file_.c_str());
    return 1;
  }
  std::stringstream text;
  text << file.rdbuf();
  if (text.str().empty()) {
    std::fprintf(stderr, "hotline flow import: %s is empty\n", file_.c_str());
    return 1;
  }
  auto config = LoadConfig(config_path_);
  if (!config) {
    std::fprintf(stderr, "hotline: bad configuration: %s\n", config.error().message.c_str());
    return 2;
  }
  std::string data_dir = data_dir_.empty() ? config->data_dir : data_dir_;
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "hotline flow import: cannot create %s: %s\n", data_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::string db_path = data_dir + "/hotline.db";
  auto db = store::OpenHotlineDb(db_path);
  if (!db) {
    std::fprintf(stderr, "hotline flow import: %s: %s\n", db_path.c_str(),
                 db.error().message.c_str());
    return 1;
  }
  store::FlowStore flows(**db);
  call::FlowCatalog catalog(flows, config->dial_plan);
  auto published = catalog.Publish(text.str(), author_.empty() ? DefaultAuthor() : author_,
                                   std::chrono::system_clock::now(), file_);
  if (!published) {
    std::fprintf(stderr, "hotline flow import: %s refused, nothing stored:\n%s\n", file_.c_str(),
                 published.error().message.c_str());
    return 1;
  }
  for (const auto& warning : published->warnings) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  std::printf("flow %s version %d stored in %s\n", published->name.c_str(), published->version,
              db_path.c_str());
  std::printf("a running server takes it on SIGHUP (kill -HUP <pid>) or at its next start\n");
  return 0;
}

int FlowCli::List() {
  int exit_code = 1;
  std::string data_dir = DataDir(&exit_code);
  if (data_dir.empty()) return exit_code;
  std::string db_path = data_dir + "/hotline.db";
  if (!std::filesystem::exists(db_path)) {
    std::fprintf(stderr, "hotline flow list: no database at %s\n", db_path.c_str());
    return 1;
  }
  auto db = store::OpenHotlineDb(db_path);
  if (!db) {
    std::fprintf(stderr, "hotline flow list: %s: %s\n", db_path.c_str(),
                 db.error().message.c_str());
    return 1;
  }
  store::FlowStore flows(**db);
  auto list = flows.List();
  if (!list) {
    std::fprintf(stderr, "hotline flow list: %s\n", list.error().message.c_str());
    return 1;
  }
  size_t name_width = 4, author_width = 6;
  for (const auto& flow : *list) {
    name_width = std::max(name_width, flow.name.size());
    author_width = std::max(author_width, flow.author.size());
  }
  auto row = [&](const std::string& name, const std::string& version, const std::string& author,
                 const std::string& saved) {
    std::printf("%-*s  %7s  %-*s  %s\n", static_cast<int>(name_width), name.c_str(),
                version.c_str(), static_cast<int>(author_width), author.c_str(), saved.c_str());
  };
  row("FLOW", "VERSION", "AUTHOR", "SAVED (UTC)");
  for (const auto& flow : *list) {
    row(flow.name, std::to_string(flow.latest_version), flow.author, flow.saved_time);
  }
  return 0;
}

int FlowCli::Show() {
  int exit_code = 1;
  std::string data_dir = DataDir(&exit_code);
  if (data_dir.empty()) return exit_code;
  std::string db_path = data_dir + "/hotline.db";
  if (!std::filesystem::exists(db_path)) {
    std::fprintf(stderr, "hotline flow show: no database at %s\n", db_path.c_str());
    return 1;
  }
  auto db = store::OpenHotlineDb(db_path);
  if (!db) {
    std::fprintf(stderr, "hotline flow show: %s: %s\n", db_path.c_str(),
                 db.error().message.c_str());
    return 1;
  }
  store::FlowStore flows(**db);
  auto found = version_ > 0 ? flows.Get(name_, version_) : flows.Latest(name_);
  if (!found) {
    std::fprintf(stderr, "hotline flow show: %s\n", found.error().message.c_str());
    return 1;
  }
  if (!found->has_value()) {
    if (version_ > 0) {
      std::fprintf(stderr, "hotline flow show: flow %s has no version %d\n", name_.c_str(),
                   version_);
    } else {
      std::fprintf(stderr, "hotline flow show: no flow named %s\n", name_.c_str());
    }
    return 1;
  }
  const std::string& yaml = (*found)->yaml;
  std::fwrite(yaml.data(), 1, yaml.size(), stdout);
  if (!yaml.empty() && yaml.back() != '\n') std::fputc('\n', stdout);
  return 0;
}

}  // namespace hotline::app
