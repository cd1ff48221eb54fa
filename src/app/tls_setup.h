// app/tls_setup.h: the files TLS needs at start: the operator's certificate and key, or a
// self-signed pair made once in DATA_DIR/tls/, and the layout sofia-sip's TLS transport reads
// (a directory with agent.pem = key + certificate, and cafile.pem). Main thread, at start.
#pragma once

#include <string>

#include "common/config.h"
#include "common/result.h"

namespace hotline::app {

struct TlsFiles {
  std::string certificate;      // PEM certificate (chain)
  std::string key;              // PEM private key
  std::string sofia_directory;  // for TPTAG_CERTIFICATE
};

// Nothing to do (an empty TlsFiles) when neither SIP over TLS nor HTTPS is on.
Result<TlsFiles> PrepareTls(const Config& config);

}  // namespace hotline::app
