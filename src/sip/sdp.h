// sip/sdp.h: SDP offer/answer (RFC 4566, RFC 3264) for G.711 audio with RFC 4733
// telephone-event. Parsing is done by sofia-sip's SDP parser; this module picks the audio
// stream, negotiates the codec and direction (hold: sendonly/inactive/c=0.0.0.0) and prints
// our own descriptions. Pure functions over untrusted text; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_network.h"
#include "common/result.h"

namespace hotline::sip {

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

// "sendrecv", "sendonly", "recvonly", "inactive".
const char* ToString(Direction direction);
// The direction that answers this one: sendonly <-> recvonly; sendrecv, inactive unchanged.
Direction Reverse(Direction direction);
bool Sends(Direction direction);
bool Receives(Direction direction);

enum class Codec { kPcmu, kPcma };

const char* EncodingName(Codec codec);   // "PCMU", "PCMA"
uint8_t StaticPayloadType(Codec codec);  // 0, 8

// One payload type of an m= line, with its rtpmap (static types get the RFC 3551 mapping).
struct RtpFormat {
  uint8_t payload_type = 0;
  std::string encoding;  // "PCMU", "telephone-event", "" if a dynamic type has no rtpmap
  uint32_t clock_rate = 0;
  std::string channels;  // rtpmap encoding parameters ("" or "1" for mono, "2", ...)
  std::string fmtp;
};

// An m= line as written, enough to reject it in an answer ("m=video 0 RTP/AVP 99").
struct MediaLine {
  std::string media;   // "audio", "video", ...
  std::string proto;   // "RTP/AVP", ...
  std::string format;  // the first format of the line
  uint16_t port = 0;
};

// The audio stream of a session description, plus what an answer needs to mirror it.
struct SessionDescription {
  uint64_t session_id = 0;       // o= line
  uint64_t session_version = 0;  // o= line
  std::string connection_ip;     // media-level c= if present, else session-level
  bool ipv6 = false;
  uint16_t port = 0;                           // never 0: a rejected stream is an error
  std::vector<RtpFormat> formats;              // in the order of the m= line
  Direction direction = Direction::kSendRecv;  // a=sendonly etc. (media over session level)
  bool zero_connection = false;  // c=0.0.0.0 (or ::): RFC 2543 hold, "do not send to me"
  std::optional<int> ptime_ms;
  size_t audio_index = 0;              // position of the chosen m= line in media_lines
  std::vector<MediaLine> media_lines;  // every m= line, in order
};

// Parses SDP (at most 64 KiB) and chooses the first RTP/AVP(F) audio stream with a port.
// Errors: not SDP (sofia's parser error text), no audio stream, only unsupported transports
// (e.g. RTP/SAVP), audio rejected (port 0), connection address missing or not an IP literal.
Result<SessionDescription> ParseSdp(std::string_view text);

// The peer's direction with c=0.0.0.0 taken into account (then it will not receive).
Direction EffectiveDirection(const SessionDescription& description);

// Whether we may send media to the description's connection address: refused when it is
// multicast, broadcast or reserved (240.0.0.0/4), or outside `media_networks` (empty = any
// unicast address). c=0.0.0.0 / :: (old-style hold: "do not send to me") is accepted. The
// error says why (the call layer answers 488). Refusing these keeps Hotline from being an
// amplifier that streams to a third party named in an unauthenticated offer.
Status CheckMediaAddress(const SessionDescription& description,
                         const std::vector<IpNetwork>& media_networks = {});

struct NegotiatedAudio {
  std::string remote_ip;
  uint16_t remote_port = 0;
  Codec codec = Codec::kPcmu;
  uint8_t payload_type = 0;  // the PT the peer uses for codec (static 0/8 unless remapped)
  std::optional<uint8_t> dtmf_payload_type;           // telephone-event/8000, if both sides have it
  Direction remote_direction = Direction::kSendRecv;  // the peer's effective direction
  Direction local_direction = Direction::kSendRecv;   // ours (the answer's attribute)
  int remote_ptime_ms = 20;

  bool send() const { return Sends(local_direction); }
  bool receive() const { return Receives(local_direction); }
};

struct NegotiationPolicy {
  std::vector<Codec> supported = {Codec::kPcmu, Codec::kPcma};
  // false: the first codec in the offer's order that we support (RFC 3264 6.1 suggests
  // honouring the offerer's preference). true: the first of `supported` the offer has.
  bool prefer_ours = false;
};

// Answers an offer. Error when no offered codec is supported (the caller answers 488).
Result<NegotiatedAudio> NegotiateAnswer(const SessionDescription& offer,
                                        const NegotiationPolicy& policy = {});

// Reads the answer to an offer we made with `offered` codecs and `offered_direction`.
// The answer should list one codec; the first one we offered wins. Error when it has none of
// ours or rejects the audio stream.
Result<NegotiatedAudio> ParseAnswer(std::string_view answer_sdp,
                                    const std::vector<Codec>& offered = {Codec::kPcmu,
                                                                         Codec::kPcma},
                                    Direction offered_direction = Direction::kSendRecv);

struct SdpParams {
  uint64_t session_id = 0;
  uint64_t version = 0;
  std::string ip;  // IPv4 or IPv6 literal (IP6 when it contains ':')
  uint16_t port = 0;
  std::vector<Codec> codecs = {Codec::kPcmu, Codec::kPcma};  // static payload types
  std::optional<uint8_t> dtmf_payload_type = 101;
  Direction direction = Direction::kSendRecv;
  int ptime_ms = 20;
};

// A description with one audio stream (CRLF line endings):
// v=, o=, s=, c=, t=, m=audio, a=rtpmap per codec, a=rtpmap/a=fmtp:<dtmf> 0-16, a=ptime,
// direction attribute. REQUIRES: codecs not empty.
std::string BuildSdp(const SdpParams& params);

// Our answer to `offer`: the negotiated codec (with the offer's payload type) and
// telephone-event, our direction, at ip:port; every other m= line of the offer is mirrored
// with port 0 (rejected), as RFC 3264 6 requires.
std::string BuildAnswer(const SessionDescription& offer, const NegotiatedAudio& negotiated,
                        uint64_t session_id, uint64_t version, const std::string& ip, uint16_t port,
                        int ptime_ms = 20);

}  // namespace hotline::sip
