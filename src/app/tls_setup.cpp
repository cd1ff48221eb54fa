// app/tls_setup.cpp: see tls_setup.h.
#include "app/tls_setup.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "common/self_signed_cert.h"

namespace hotline::app {

namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WritePrivateFile(const std::string& path, const std::string& text) {
  mode_t old_mask = umask(0077);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  umask(old_mask);
  out << text;
  out.close();
  if (!out) return Error{"cannot write " + path};
  return Status::Ok();
}

}  // namespace

Result<TlsFiles> PrepareTls(const Config& config) {
  TlsFiles files;
  if (config.tls.sip_port == 0 && config.tls.https_port == 0) return files;
  std::string dir = config.data_dir + "/tls";
  files.certificate = config.tls.certificate;
  files.key = config.tls.key;
  if (files.certificate.empty()) {
    files.certificate = dir + "/hotline-cert.pem";
    files.key = dir + "/hotline-key.pem";
    bool existed = std::filesystem::exists(files.certificate);
    if (Status made = EnsureSelfSignedCertificate(files.certificate, files.key, config.listen);
        !made.ok()) {
      return Error{"TLS: " + made.message()};
    }
    if (!existed) {
      HLOG_WARN(
          "TLS: no certificate configured; made a self-signed one: {} (phones and "
          "browsers will ask to trust it; configure tls.certificate/tls.key for a real one)",
          files.certificate);
    }
  }
  auto certificate = ReadFile(files.certificate);
  if (!certificate) return Error{"TLS certificate: " + certificate.error().message};
  auto key = ReadFile(files.key);
  if (!key) return Error{"TLS key: " + key.error().message};
  files.sofia_directory = dir + "/sip";
  std::error_code error;
  std::filesystem::create_directories(files.sofia_directory, error);
  if (Status s = WritePrivateFile(files.sofia_directory + "/agent.pem", *key + "\n" + *certificate);
      !s.ok()) {
    return Error{"TLS: " + s.message()};
  }
  if (Status s = WritePrivateFile(files.sofia_directory + "/cafile.pem", *certificate); !s.ok()) {
    return Error{"TLS: " + s.message()};
  }
  return files;
}

}  // namespace hotline::app
