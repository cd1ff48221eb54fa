// common/self_signed_cert.cpp: see self_signed_cert.h.
#include "common/self_signed_cert.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace hotline {

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct FileClose {
  void operator()(FILE* file) const { fclose(file); }
};

bool AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return false;
  bool ok = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return ok;
}

}  // namespace

Status EnsureSelfSignedCertificate(const std::string& cert_path, const std::string& key_path,
                                   const std::string& ip) {
  std::error_code error;
  if (std::filesystem::exists(cert_path, error) && std::filesystem::exists(key_path, error)) {
    return Status::Ok();
  }
  for (const std::string& path : {cert_path, key_path}) {
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, error);
  }
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  if (!key) return Error{"cannot generate a TLS key"};
  std::unique_ptr<X509, CertFree> cert(X509_new());
  if (!cert) return Error{"cannot create a certificate"};
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Hotline"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(ip.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string alt_names = "DNS:localhost";
  if (!ip.empty()) alt_names += ", IP:" + ip;
  if (!AddExtension(cert.get(), NID_subject_alt_name, alt_names) ||
      !AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Error{"cannot sign the self-signed certificate"};
  }
  {
    mode_t old_mask = umask(0077);
    std::unique_ptr<FILE, FileClose> key_file(fopen(key_path.c_str(), "w"));
    umask(old_mask);
    if (!key_file || PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                          nullptr) != 1) {
      return Error{"cannot write the TLS key " + key_path};
    }
  }
  std::unique_ptr<FILE, FileClose> cert_file(fopen(cert_path.c_str(), "w"));
  if (!cert_file || PEM_write_X509(cert_file.get(), cert.get()) != 1) {
    return Error{"cannot write the TLS certificate " + cert_path};
  }
  return Status::Ok();
}

}  // namespace hotline
