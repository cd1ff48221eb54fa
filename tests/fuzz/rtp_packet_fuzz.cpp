// libFuzzer target for the parsers that see raw network bytes: ParseRtp, ParseTelephoneEvent
// and the telephone-event decoder. Checks that a parsed payload lies inside the datagram and
// that rebuilding a parsed header gives the same header back.
//
// Build with CMake (clang only; the lead wires add_subdirectory(tests/fuzz) at top level):
//   cmake -S /work/main -B /work/main/build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
//     -DCMAKE_C_COMPILER=clang -DHOTLINE_FUZZ=ON
//   cmake --build /work/main/build-fuzz --target rtp_packet_fuzz
// or by hand, from /work/main:
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     tests/fuzz/rtp_packet_fuzz.cpp src/media/rtp_packet.cpp src/media/rfc4733.cpp \
//     -o /tmp/rtp_packet_fuzz
// Run (20 s, corpus directory optional):
//   mkdir -p /tmp/rtp_corpus && /tmp/rtp_packet_fuzz -max_total_time=20 /tmp/rtp_corpus
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "media/rfc4733.h"
#include "media/rtp_packet.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hotline::media;
  std::span<const uint8_t> datagram(data, size);

  std::optional<RtpView> view = ParseRtp(datagram);
  if (view) {
    const uint8_t* begin = view->payload.data();
    const uint8_t* end = begin + view->payload.size();
    Check(view->payload.empty() || (begin >= data && end <= data + size));
    Check(size >= kRtpHeaderSize + view->payload.size());

    // Build a plain packet from what was parsed and parse it again.
    std::array<uint8_t, 2048> out;
    size_t built = BuildRtp(view->header, view->payload, out);
    if (kRtpHeaderSize + view->payload.size() <= out.size()) {
      Check(built == kRtpHeaderSize + view->payload.size());
      std::optional<RtpView> again = ParseRtp(std::span<const uint8_t>(out.data(), built));
      Check(again.has_value());
      Check(again->header.marker == view->header.marker);
      Check(again->header.payload_type == view->header.payload_type);
      Check(again->header.sequence == view->header.sequence);
      Check(again->header.timestamp == view->header.timestamp);
      Check(again->header.ssrc == view->header.ssrc);
      Check(again->payload.size() == view->payload.size());
      Check(view->payload.empty() ||
            std::memcmp(again->payload.data(), view->payload.data(), view->payload.size()) == 0);
    } else {
      Check(built == 0);
    }

    // Whatever the payload is, the event decoder must cope with it.
    TelephoneEventDecoder decoder;
    std::optional<char> digit = decoder.OnPacket(view->header.timestamp, view->payload);
    if (digit) Check(DigitToEvent(*digit).has_value());
  }

  // The raw bytes as a telephone-event payload, and as a stream of 6-byte (timestamp, event)
  // records fed to one decoder.
  if (std::optional<TelephoneEvent> ev = ParseTelephoneEvent(datagram)) {
    uint8_t rebuilt[4];
    BuildTelephoneEvent(*ev, rebuilt);
    Check(rebuilt[0] == data[0] && rebuilt[2] == data[2] && rebuilt[3] == data[3]);
    Check((rebuilt[1] & 0xBF) == (data[1] & 0xBF));  // the reserved bit is not kept
  }
  TelephoneEventDecoder decoder;
  for (size_t i = 0; i + 6 <= size; i += 6) {
    uint32_t timestamp = static_cast<uint32_t>(data[i]) << 8 | data[i + 1];
    decoder.OnPacket(timestamp, datagram.subspan(i + 2, 4));
  }
  return 0;
}
