#include "sip/sdp.h"

#include <arpa/inet.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>

namespace hotline::sip {
namespace {

constexpr size_t kMaxSdpBytes = 64 * 1024;
constexpr uint32_t kG711Rate = 8000;

struct HomeDeleter {
  void operator()(su_home_t* home) const { su_home_unref(home); }
};
struct ParserDeleter {
  void operator()(sdp_parser_t* parser) const { sdp_parser_free(parser); }
};

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::string Text(const char* text) { return text != nullptr ? text : ""; }

bool IsIpLiteral(const std::string& address, bool* ipv6) {
  unsigned char buffer[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, address.c_str(), buffer) == 1) {
    *ipv6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) {
    *ipv6 = true;
    return true;
  }
  return false;
}

// RFC 4566 token characters, as sofia-sip's parser defines them.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("-!#$%&'*+.^_`{|}~", c) != nullptr;
}

bool AllOf(std::string_view text, bool (*predicate)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), predicate);
}

// Works around two bugs of the sofia-sip 1.12.11 SDP parser that Debian 12 ships (fixed
// upstream in 2022): a line of a single character makes it read past its buffer, and an m=
// line whose format list has anything but a token where it expects one (a stray character, a
// tab after the transport, trailing tabs) makes it loop forever allocating memory. Lines of
// one character are refused; m= lines have their fields checked (token / digits / token with
// '/') and are rewritten with single spaces. Other lines pass through untouched: the grammar
// stays sofia's.
Result<std::string> SanitizeForSofia(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    size_t start = line.find_first_not_of(" \t");
    std::string_view content =
        start == std::string_view::npos ? std::string_view() : line.substr(start);
    if (content.size() == 1) return Error{"not SDP: line too short"};
    if (content.substr(0, 2) == "m=") {
      std::vector<std::string_view> fields;
      std::string_view rest = content.substr(2);
      while (true) {
        size_t field_start = rest.find_first_not_of(" \t");
        if (field_start == std::string_view::npos) break;
        rest.remove_prefix(field_start);
        size_t field_end = std::min(rest.find_first_of(" \t"), rest.size());
        fields.push_back(rest.substr(0, field_end));
        rest.remove_prefix(field_end);
      }
      auto port_char = [](char c) { return (c >= '0' && c <= '9') || c == '/'; };
      auto proto_char = [](char c) { return IsTokenChar(c) || c == '/'; };
      bool ok = fields.size() >= 3 && AllOf(fields[0], IsTokenChar) &&
                AllOf(fields[1], port_char) && AllOf(fields[2], proto_char);
      for (size_t i = 3; ok && i < fields.size(); ++i) ok = AllOf(fields[i], IsTokenChar);
      if (!ok) return Error{"not SDP: malformed m= line"};
      out += "m=";
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ' ';
        out += fields[i];
      }
    } else {
      out += line;
    }
    // Keep the line break run as it was.
    size_t next = text.find_first_not_of("\r\n", end);
    if (next == std::string_view::npos) next = text.size();
    out += text.substr(end, next - end);
    pos = next;
  }
  return out;
}

bool IsUsableRtp(const sdp_media_t* m) {
  if (m->m_proto == sdp_proto_rtp) return true;  // RTP/AVP
  return m->m_proto_name != nullptr && EqualsIgnoreCase(m->m_proto_name, "RTP/AVPF");
}

Direction FromMode(unsigned mode) {
  switch (mode) {
    case sdp_sendonly:
      return Direction::kSendOnly;
    case sdp_recvonly:
      return Direction::kRecvOnly;
    case sdp_inactive:
      return Direction::kInactive;
    default:
      return Direction::kSendRecv;
  }
}

Direction FromFlags(bool sends, bool receives) {
  if (sends && receives) return Direction::kSendRecv;
  if (sends) return Direction::kSendOnly;
  if (receives) return Direction::kRecvOnly;
  return Direction::kInactive;
}

std::optional<int> ParsePtime(const char* value) {
  if (value == nullptr) return std::nullopt;
  std::string_view text(value);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  int ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  // "20" or "20.0"-like trailing garbage is tolerated; the number must be sane.
  if (ec != std::errc() || end == text.data() || ms < 1 || ms > 1000) return std::nullopt;
  return ms;
}

MediaLine LineOf(const sdp_media_t* m) {
  MediaLine line;
  line.media = Text(m->m_type_name);
  line.proto = Text(m->m_proto_name);
  line.port = m->m_port <= 65535 ? static_cast<uint16_t>(m->m_port) : 0;
  if (m->m_rtpmaps != nullptr) {
    line.format = std::to_string(m->m_rtpmaps->rm_pt);
  } else if (m->m_format != nullptr && m->m_format->l_text != nullptr) {
    line.format = m->m_format->l_text;
  }
  if (line.media.empty()) line.media = "audio";
  if (line.proto.empty()) line.proto = "RTP/AVP";
  if (line.format.empty()) line.format = "0";
  return line;
}

// The codec a format carries, if it is G.711 mono at 8 kHz.
std::optional<Codec> CodecOf(const RtpFormat& format) {
  if (format.clock_rate != kG711Rate) return std::nullopt;
  if (!format.channels.empty() && format.channels != "1") return std::nullopt;
  if (EqualsIgnoreCase(format.encoding, "PCMU")) return Codec::kPcmu;
  if (EqualsIgnoreCase(format.encoding, "PCMA")) return Codec::kPcma;
  return std::nullopt;
}

std::optional<uint8_t> TelephoneEventOf(const std::vector<RtpFormat>& formats) {
  for (const RtpFormat& format : formats) {
    if (EqualsIgnoreCase(format.encoding, "telephone-event") && format.clock_rate == kG711Rate) {
      return format.payload_type;
    }
  }
  return std::nullopt;
}

std::string AddressLine(const std::string& ip) {
  return std::string(ip.find(':') != std::string::npos ? "IN IP6 " : "IN IP4 ") + ip;
}

void AppendSessionHeader(std::string* out, uint64_t session_id, uint64_t version,
                         const std::string& ip) {
  *out += "v=0\r\n";
  *out += "o=hotline " + std::to_string(session_id) + " " + std::to_string(version) + " " +
          AddressLine(ip) + "\r\n";
  *out += "s=hotline\r\n";
  *out += "c=" + AddressLine(ip) + "\r\n";
  *out += "t=0 0\r\n";
}

void AppendAudio(std::string* out, uint16_t port,
                 const std::vector<std::pair<uint8_t, Codec>>& codecs,
                 std::optional<uint8_t> dtmf_payload_type, Direction direction, int ptime_ms) {
  *out += "m=audio " + std::to_string(port) + " RTP/AVP";
  for (const auto& [pt, codec] : codecs) *out += " " + std::to_string(pt);
  if (dtmf_payload_type) *out += " " + std::to_string(*dtmf_payload_type);
  *out += "\r\n";
  for (const auto& [pt, codec] : codecs) {
    *out += "a=rtpmap:" + std::to_string(pt) + " " + EncodingName(codec) + "/8000\r\n";
  }
  if (dtmf_payload_type) {
    std::string pt = std::to_string(*dtmf_payload_type);
    *out += "a=rtpmap:" + pt + " telephone-event/8000\r\n";
    *out += "a=fmtp:" + pt + " 0-16\r\n";
  }
  *out += "a=ptime:" + std::to_string(ptime_ms) + "\r\n";
  *out += std::string("a=") + ToString(direction) + "\r\n";
}

}  // namespace

const char* ToString(Direction direction) {
  switch (direction) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

Direction Reverse(Direction direction) { return FromFlags(Receives(direction), Sends(direction)); }

bool Sends(Direction direction) {
  return direction == Direction::kSendRecv || direction == Direction::kSendOnly;
}

bool Receives(Direction direction) {
  return direction == Direction::kSendRecv || direction == Direction::kRecvOnly;
}

const char* EncodingName(Codec codec) { return codec == Codec::kPcma ? "PCMA" : "PCMU"; }

uint8_t StaticPayloadType(Codec codec) { return codec == Codec::kPcma ? 8 : 0; }

Result<SessionDescription> ParseSdp(std::string_view text) {
  if (text.empty()) return Error{"empty SDP"};
  if (text.size() > kMaxSdpBytes) return Error{"SDP larger than 64 KiB"};
  if (text.find('\0') != std::string_view::npos) return Error{"not SDP: contains NUL"};
  auto sanitized = SanitizeForSofia(text);
  if (!sanitized) return sanitized.error();

  std::unique_ptr<su_home_t, HomeDeleter> home(
      static_cast<su_home_t*>(su_home_new(sizeof(su_home_t))));
  if (!home) return Error{"out of memory"};
  std::unique_ptr<sdp_parser_t, ParserDeleter> parser(
      sdp_parse(home.get(), sanitized->data(), static_cast<issize_t>(sanitized->size()), 0));
  if (!parser) return Error{"out of memory"};
  if (const char* problem = sdp_parsing_error(parser.get())) {
    return Error{std::string("not SDP: ") + problem};
  }
  const sdp_session_t* session = sdp_session(parser.get());
  if (session == nullptr) return Error{"not SDP"};

  SessionDescription description;
  if (session->sdp_origin != nullptr) {
    description.session_id = session->sdp_origin->o_id;
    description.session_version = session->sdp_origin->o_version;
  }

  const sdp_media_t* audio = nullptr;
  bool saw_audio = false;
  bool saw_rejected_audio = false;
  for (const sdp_media_t* m = session->sdp_media; m != nullptr; m = m->m_next) {
    description.media_lines.push_back(LineOf(m));
    if (audio != nullptr || m->m_type != sdp_media_audio) continue;
    saw_audio = true;
    if (!IsUsableRtp(m)) continue;
    if (m->m_port == 0 || m->m_rejected) {
      saw_rejected_audio = true;
      continue;
    }
    audio = m;
    description.audio_index = description.media_lines.size() - 1;
  }
  if (audio == nullptr) {
    if (saw_rejected_audio) return Error{"audio stream rejected (port 0)"};
    if (saw_audio) return Error{"no audio stream over RTP/AVP"};
    return Error{"no audio stream"};
  }
  if (audio->m_port > 65535) return Error{"audio port out of range"};
  description.port = static_cast<uint16_t>(audio->m_port);

  const sdp_connection_t* connection = sdp_media_connections(audio);
  if (connection == nullptr || connection->c_address == nullptr) {
    return Error{"no connection address"};
  }
  description.connection_ip = connection->c_address;
  if (!IsIpLiteral(description.connection_ip, &description.ipv6)) {
    return Error{"connection address is not an IP address: " + description.connection_ip};
  }
  description.zero_connection =
      description.connection_ip == "0.0.0.0" || description.connection_ip == "::";

  for (const sdp_rtpmap_t* rm = audio->m_rtpmaps; rm != nullptr; rm = rm->rm_next) {
    RtpFormat format;
    format.payload_type = static_cast<uint8_t>(rm->rm_pt);
    format.encoding = Text(rm->rm_encoding);
    format.clock_rate = static_cast<uint32_t>(rm->rm_rate);
    format.channels = Text(rm->rm_params);
    format.fmtp = Text(rm->rm_fmtp);
    description.formats.push_back(std::move(format));
  }
  if (description.formats.empty()) return Error{"audio stream has no payload types"};

  description.direction = FromMode(audio->m_mode);
  if (const sdp_attribute_t* ptime =
          sdp_attribute_find2(audio->m_attributes, session->sdp_attributes, "ptime")) {
    description.ptime_ms = ParsePtime(ptime->a_value);
  }
  return description;
}

Direction EffectiveDirection(const SessionDescription& description) {
  if (!description.zero_connection) return description.direction;
  return FromFlags(Sends(description.direction), false);
}

Status CheckMediaAddress(const SessionDescription& description,
                         const std::vector<IpNetwork>& media_networks) {
  auto address = IpAddress::Parse(description.connection_ip);
  if (!address) return Error{"connection address is not an IP address"};
  const std::string& ip = description.connection_ip;
  if (address->IsUnspecified()) return Status::Ok();  // hold: we send nothing
  if (address->IsMulticast()) return Error{"multicast connection address " + ip + " refused"};
  if (address->IsBroadcast()) return Error{"broadcast connection address " + ip + " refused"};
  if (address->IsReserved()) return Error{"reserved connection address " + ip + " refused"};
  if (!InAnyNetwork(*address, media_networks)) {
    return Error{"connection address " + ip + " is outside the media networks"};
  }
  return Status::Ok();
}

Result<NegotiatedAudio> NegotiateAnswer(const SessionDescription& offer,
                                        const NegotiationPolicy& policy) {
  std::optional<std::pair<uint8_t, Codec>> chosen;
  auto supported = [&](Codec codec) {
    return std::find(policy.supported.begin(), policy.supported.end(), codec) !=
           policy.supported.end();
  };
  if (policy.prefer_ours) {
    for (Codec ours : policy.supported) {
      for (const RtpFormat& format : offer.formats) {
        if (CodecOf(format) == ours) {
          chosen = {format.payload_type, ours};
          break;
        }
      }
      if (chosen) break;
    }
  } else {
    for (const RtpFormat& format : offer.formats) {
      std::optional<Codec> codec = CodecOf(format);
      if (codec && supported(*codec)) {
        chosen = {format.payload_type, *codec};
        break;
      }
    }
  }
  if (!chosen) return Error{"no common codec (we support PCMU/PCMA)"};

  NegotiatedAudio negotiated;
  negotiated.remote_ip = offer.connection_ip;
  negotiated.remote_port = offer.port;
  negotiated.payload_type = chosen->first;
  negotiated.codec = chosen->second;
  negotiated.dtmf_payload_type = TelephoneEventOf(offer.formats);
  if (negotiated.dtmf_payload_type == negotiated.payload_type) {
    negotiated.dtmf_payload_type.reset();  // one PT cannot be both
  }
  negotiated.remote_direction = EffectiveDirection(offer);
  negotiated.local_direction = Reverse(negotiated.remote_direction);
  negotiated.remote_ptime_ms = offer.ptime_ms.value_or(20);
  return negotiated;
}

Result<NegotiatedAudio> ParseAnswer(std::string_view answer_sdp, const std::vector<Codec>& offered,
                                    Direction offered_direction) {
  auto answer = ParseSdp(answer_sdp);
  if (!answer) return answer.error();
  NegotiationPolicy policy;
  policy.supported = offered;
  auto negotiated = NegotiateAnswer(*answer, policy);
  if (!negotiated) return Error{"answer has none of the codecs we offered"};
  // We can only do what we offered and what the answer lets us do.
  Direction allowed = Reverse(negotiated->remote_direction);
  negotiated->local_direction = FromFlags(Sends(allowed) && Sends(offered_direction),
                                          Receives(allowed) && Receives(offered_direction));
  return negotiated;
}

std::string BuildSdp(const SdpParams& params) {
  std::vector<std::pair<uint8_t, Codec>> codecs;
  for (Codec codec : params.codecs) {
    uint8_t pt = StaticPayloadType(codec);
    bool duplicate = std::any_of(codecs.begin(), codecs.end(),
                                 [pt](const auto& entry) { return entry.first == pt; });
    if (!duplicate) codecs.emplace_back(pt, codec);
  }
  if (codecs.empty()) codecs.emplace_back(StaticPayloadType(Codec::kPcmu), Codec::kPcmu);
  std::string out;
  AppendSessionHeader(&out, params.session_id, params.version, params.ip);
  AppendAudio(&out, params.port, codecs, params.dtmf_payload_type, params.direction,
              params.ptime_ms);
  return out;
}

std::string BuildAnswer(const SessionDescription& offer, const NegotiatedAudio& negotiated,
                        uint64_t session_id, uint64_t version, const std::string& ip, uint16_t port,
                        int ptime_ms) {
  std::string out;
  AppendSessionHeader(&out, session_id, version, ip);
  std::vector<std::pair<uint8_t, Codec>> codecs = {{negotiated.payload_type, negotiated.codec}};
  if (offer.media_lines.empty()) {
    AppendAudio(&out, port, codecs, negotiated.dtmf_payload_type, negotiated.local_direction,
                ptime_ms);
    return out;
  }
  for (size_t i = 0; i < offer.media_lines.size(); ++i) {
    if (i == offer.audio_index) {
      AppendAudio(&out, port, codecs, negotiated.dtmf_payload_type, negotiated.local_direction,
                  ptime_ms);
    } else {
      const MediaLine& line = offer.media_lines[i];
      out += "m=" + line.media + " 0 " + line.proto + " " + line.format + "\r\n";
    }
  }
  return out;
}

}  // namespace hotline::sip
