// common/self_signed_cert.h: the TLS certificate and key Hotline serves (SIP over TLS, HTTPS)
// when the operator configured none: a self-signed certificate generated once (ECDSA P-256,
// valid ten years, subjectAltName = the listen address and "localhost") and kept in the data
// directory, so phones that pinned it keep trusting it across restarts. Called once at start
// on the main thread.
#pragma once

#include <string>

#include "common/result.h"

namespace hotline {

// Creates cert_path and key_path (PEM; the key readable by the owner only) unless both exist.
// ip is put in the certificate's subjectAltName. Error with the reason when OpenSSL or the
// file system fails.
Status EnsureSelfSignedCertificate(const std::string& cert_path, const std::string& key_path,
                                   const std::string& ip);

}  // namespace hotline
