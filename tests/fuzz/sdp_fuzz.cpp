// tests/fuzz/sdp_fuzz.cpp: libFuzzer target for the untrusted-text parsers of src/sip: SDP
// (sofia-sip's parser plus our stream choice, negotiation and answer) and digest credentials.
// Besides "no crash, no hang, no leak" it checks two properties: an answer we build for any
// accepted offer parses again, and credentials never verify without the secret.
//
// Built by tests/fuzz/CMakeLists.txt (clang, -DHOTLINE_FUZZ=ON; `make test` runs it for a
// short while). By hand, from the repository root:
//   mkdir -p build-fuzz/corpus
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     $(pkg-config --cflags sofia-sip-ua) tests/fuzz/sdp_fuzz.cpp src/sip/sdp.cpp \
//     src/sip/digest_auth.cpp src/sip/info_dtmf.cpp $(pkg-config --libs sofia-sip-ua) -o build-fuzz/sdp_fuzz
//   build-fuzz/sdp_fuzz -max_total_time=30 -timeout=5 -max_len=4096 build-fuzz/corpus
// A hang (e.g. in sofia's parser) shows up as a timeout crash file; replay one input with
//   build-fuzz/sdp_fuzz crash-<hash>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/digest_auth.h"
#include "sip/info_dtmf.h"
#include "sip/sdp.h"

namespace {

using hotline::TimePoint;
using namespace hotline::sip;

void FuzzSdp(std::string_view text) {
  auto offer = ParseSdp(text);
  if (!offer.ok()) return;
  (void)EffectiveDirection(*offer);
  NegotiationPolicy ours;
  ours.prefer_ours = true;
  (void)NegotiateAnswer(*offer, ours);
  auto negotiated = NegotiateAnswer(*offer);
  if (!negotiated.ok()) return;
  std::string answer = BuildAnswer(*offer, *negotiated, 1, 2, "127.0.0.1", 20000);
  auto reparsed = ParseSdp(answer);
  if (!reparsed.ok()) std::abort();  // we would send an answer nobody can parse
  (void)ParseAnswer(text);
}

void FuzzDigest(std::string_view text) {
  auto credentials = ParseDigestCredentials(text);
  if (!credentials.ok()) return;
  static DigestAuthenticator auth("hotline", "fuzz-secret", std::chrono::seconds(300));
  auto lookup = [](const std::string&) -> std::optional<std::string> { return "pw"; };
  DigestVerdict verdict = auth.Verify("INVITE", *credentials, lookup, TimePoint{});
  if (verdict == DigestVerdict::kOk) std::abort();  // a forged nonce was accepted
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzSdp(text);
  FuzzDigest(text);
  // Also as a Digest header value, so the fuzzer need not discover the scheme name.
  FuzzDigest("Digest " + std::string(text));
  (void)ParseInfoDtmf("application/dtmf-relay", text);
  (void)ParseInfoDtmf("application/dtmf", text);
  return 0;
}
