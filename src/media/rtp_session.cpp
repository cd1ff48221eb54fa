#include "media/rtp_session.h"

#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/log.h"

namespace hotline::media {

namespace {

constexpr int kEventGapTicks = 3;  // 60 ms of audio between two RFC 4733 digits
constexpr size_t kMaxPacket = kRtpHeaderSize + 4 * kFrameSamples;

bool SameAddress(const sockaddr_storage& a, socklen_t a_len, const sockaddr_storage& b,
                 socklen_t b_len) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port &&
           std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
  }
  return a_len == b_len && std::memcmp(&a, &b, a_len) == 0;
}

uint64_t Mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

RtpSession::RtpSession(SessionId id, int fd, uint16_t local_port, uint64_t seed,
                       const SourcePolicy& policy)
    : id_(id),
      fd_(fd),
      local_port_(local_port),
      policy_(policy),
      ssrc_(static_cast<uint32_t>(Mix(seed))),
      sequence_(static_cast<uint16_t>(Mix(seed + 1))),
      timestamp_(static_cast<uint32_t>(Mix(seed + 2))) {}

RtpSession::~RtpSession() { close(fd_); }

void RtpSession::SetRemote(const sockaddr_storage& address, socklen_t address_len,
                           const RemoteMedia& remote, TimePoint now) {
  if (!has_remote_ || !SameAddress(address, address_len, announced_, announced_len_)) {
    // A new negotiated address: learn the source again (the only way a latch moves).
    announced_ = address;
    announced_len_ = address_len;
    destination_ = address;
    destination_len_ = address_len;
    latch_ = Latch::kNone;
    learning_open_ = false;
    candidate_packets_ = 0;
  }
  bool had_remote = has_remote_;
  bool was_sending = has_remote_ && remote_.send;
  bool was_receiving = has_remote_ && remote_.receive;
  has_remote_ = true;
  remote_ = remote;
  law_ = remote.payload_type == kPayloadPcma ? G711Law::kALaw : G711Law::kMuLaw;
  if (remote_.port == 0) remote_.send = false;  // old-style hold
  if (!had_remote) remote_set_at_ = now;
  // Each timeout counts from the change into its direction.
  if (!had_remote || was_sending != remote_.send || was_receiving != remote_.receive) {
    last_activity_ = now;
  }
  if (!remote_.send) marker_pending_ = true;
}

void RtpSession::SetInbandDetection(bool enabled) {
  if (enabled && !inband_detector_) inband_detector_ = std::make_unique<InbandDtmfDetector>();
  if (!enabled) inband_detector_.reset();
}

void RtpSession::QueueDtmf(const std::string& digits) {
  if (has_remote_ && remote_.dtmf_payload_type != 0) {
    dtmf_queue_ += digits;
    return;
  }
  std::vector<int16_t> tones = GenerateDtmf(digits);
  if (inband_tx_position_ >= inband_tx_.size()) {
    inband_tx_ = std::move(tones);
    inband_tx_position_ = 0;
  } else {
    inband_tx_.insert(inband_tx_.end(), tones.begin(), tones.end());
  }
  size_t remainder = inband_tx_.size() % kFrameSamples;
  if (remainder != 0) inband_tx_.resize(inband_tx_.size() + kFrameSamples - remainder, 0);
}

RtpSession::Verdict RtpSession::OnDatagram(std::span<const uint8_t> datagram,
                                           const sockaddr_storage& from, socklen_t from_len,
                                           TimePoint now, Observer& observer) {
  std::optional<RtpView> packet = ParseRtp(datagram);
  if (!packet) return Verdict::kMalformed;
  uint8_t pt = packet->header.payload_type;
  bool is_event = has_remote_ && remote_.dtmf_payload_type != 0 && pt == remote_.dtmf_payload_type;
  bool is_audio = !is_event && (pt == kPayloadPcmu || pt == kPayloadPcma);
  if (!is_event && !is_audio && pt != 13) return Verdict::kMalformed;  // 13 = comfort noise

  // Nothing from a source the rules do not accept goes further (no DTMF, audio or activity).
  Verdict verdict = CheckSource(packet->header, from, from_len, now);
  if (verdict != Verdict::kAccepted) return verdict;
  last_activity_ = now;
  ever_received_ = true;

  if (is_event) {
    // A phone that sends RFC 4733 events may also leave the tones in the audio: from the first
    // event on, trust the events only, so no digit is reported twice.
    inband_detector_.reset();
    if (std::optional<char> digit =
            event_decoder_.OnPacket(packet->header.timestamp, packet->payload)) {
      observer.OnDigit(*this, *digit, DtmfSource::kRfc4733);
    }
    return verdict;
  }
  if (is_audio) OnAudio(pt == kPayloadPcma ? G711Law::kALaw : G711Law::kMuLaw, *packet, observer);
  return verdict;
}

RtpSession::Verdict RtpSession::CheckSource(const RtpHeader& header, const sockaddr_storage& from,
                                            socklen_t from_len, TimePoint now) {
  if (!has_remote_) return Verdict::kNoRemote;
  if (SameAddress(from, from_len, announced_, announced_len_)) {
    if (latch_ != Latch::kNegotiated) {
      if (latch_ == Latch::kLearned) {
        HLOG_INFO("media: session {} RTP source back to the negotiated address", id_);
      }
      LatchTo(Latch::kNegotiated, from, from_len);
    }
    return Verdict::kAccepted;
  }
  if (latch_ != Latch::kNone) {
    return SameAddress(from, from_len, destination_, destination_len_) ? Verdict::kAccepted
                                                                       : Verdict::kForeignSource;
  }
  if (!learning_open_) {
    learning_open_ = true;
    learning_since_ = now;
  }
  if (policy_.learning_window <= Duration::zero() ||
      now - learning_since_ > policy_.learning_window) {
    return Verdict::kForeignSource;  // learning off, or its window is over
  }
  if (!Probation(header, from, from_len)) return Verdict::kLearning;
  HLOG_INFO("media: session {} learned its RTP source (NAT) after {} packets", id_,
            policy_.learning_packets);
  LatchTo(Latch::kLearned, from, from_len);
  return Verdict::kAccepted;
}

bool RtpSession::Probation(const RtpHeader& header, const sockaddr_storage& from,
                           socklen_t from_len) {
  bool continues = candidate_packets_ > 0 && header.ssrc == candidate_ssrc_ &&
                   header.sequence == static_cast<uint16_t>(candidate_sequence_ + 1) &&
                   SameAddress(from, from_len, candidate_, candidate_len_);
  if (continues) {
    ++candidate_packets_;
  } else {
    candidate_ = from;
    candidate_len_ = from_len;
    candidate_ssrc_ = header.ssrc;
    candidate_packets_ = 1;
  }
  candidate_sequence_ = header.sequence;
  return candidate_packets_ >= policy_.learning_packets;
}

void RtpSession::LatchTo(Latch kind, const sockaddr_storage& from, socklen_t from_len) {
  latch_ = kind;
  destination_ = from;
  destination_len_ = from_len;
  candidate_packets_ = 0;
}

void RtpSession::OnAudio(G711Law law, const RtpView& packet, Observer& observer) {
  const RtpHeader& h = packet.header;
  if (have_rx_sequence_ && h.ssrc == rx_ssrc_) {
    auto delta = static_cast<int16_t>(static_cast<uint16_t>(h.sequence - rx_sequence_));
    // Late or duplicate: drop. A large jump back is a restarted stream: accept it.
    if (delta <= 0 && delta > -100) return;
  }
  have_rx_sequence_ = true;
  rx_ssrc_ = h.ssrc;
  rx_sequence_ = h.sequence;

  std::array<int16_t, kFrameSamples> decoded;
  std::span<const uint8_t> payload = packet.payload;
  while (!payload.empty()) {
    size_t n = std::min(payload.size(), decoded.size());
    std::span<int16_t> out(decoded.data(), n);
    G711DecodeFrame(law, payload.first(n), out);
    rx_fifo_.Push(out);
    if (inband_detector_) {
      for (char digit : inband_detector_->Feed(out)) {
        observer.OnDigit(*this, digit, DtmfSource::kInband);
      }
    }
    payload = payload.subspan(n);
  }
}

void RtpSession::TakeReceivedFrame() { has_rx_frame_ = rx_fifo_.Pop(rx_frame_); }

std::optional<MediaEvent::Timeout> RtpSession::CheckTimeout(TimePoint now,
                                                            const Timeouts& timeouts) {
  if (!has_remote_ || timeout_reported_) return std::nullopt;
  std::optional<MediaEvent::Timeout> expired;
  if (policy_.trust == PeerTrust::kUnverified && !ever_received_ &&
      now - remote_set_at_ >= timeouts.no_media) {
    expired = MediaEvent::Timeout::kNoMedia;
  } else if (remote_.send && remote_.receive) {
    if (now - last_activity_ >= timeouts.rtp) expired = MediaEvent::Timeout::kRtp;
  } else if (now - last_activity_ >= timeouts.hold) {
    expired = MediaEvent::Timeout::kHold;
  }
  if (expired) timeout_reported_ = true;
  return expired;
}

void RtpSession::SendTick(const int16_t* frame) {
  // An unverified peer gets nothing before it has sent us valid media (no reflection).
  bool sending = has_remote_ && remote_.send &&
                 (latch_ != Latch::kNone || policy_.trust != PeerTrust::kUnverified);
  if (SendTelephoneEvent(sending)) {
    timestamp_ += kFrameSamples;
    return;
  }
  if (inband_tx_position_ < inband_tx_.size()) {  // whole frames (see QueueDtmf)
    frame = inband_tx_.data() + inband_tx_position_;
    inband_tx_position_ += kFrameSamples;
  }
  if (sending) {
    std::array<uint8_t, kFrameSamples> encoded;
    if (frame) {
      G711EncodeFrame(law_, std::span<const int16_t>(frame, kFrameSamples), encoded);
    } else {
      encoded.fill(law_ == G711Law::kALaw ? 0xD5 : 0xFF);  // encoded silence
    }
    SendPacket(remote_.payload_type, marker_pending_, timestamp_, encoded);
    marker_pending_ = false;
  } else {
    marker_pending_ = true;
  }
  timestamp_ += kFrameSamples;
}

// Sends the next packet of an outgoing digit, if one is due; true if it took this tick.
bool RtpSession::SendTelephoneEvent(bool sending) {
  if (event_index_ >= event_packets_.size()) {
    if (event_gap_ticks_ > 0) {
      --event_gap_ticks_;
      return false;
    }
    if (dtmf_queue_.empty()) return false;
    char digit = dtmf_queue_.front();
    dtmf_queue_.erase(0, 1);
    event_packets_ = EncodeDigit(digit);
    event_index_ = 0;
    event_timestamp_ = timestamp_;
    if (event_packets_.empty()) return false;
  }
  const TelephoneEventPacket& p = event_packets_[event_index_++];
  if (sending) SendPacket(remote_.dtmf_payload_type, p.marker, event_timestamp_, p.payload);
  if (event_index_ >= event_packets_.size()) event_gap_ticks_ = kEventGapTicks;
  return true;
}

void RtpSession::SendPacket(uint8_t payload_type, bool marker, uint32_t timestamp,
                            std::span<const uint8_t> payload) {
  std::array<uint8_t, kMaxPacket> packet;
  RtpHeader header;
  header.marker = marker;
  header.payload_type = payload_type;
  header.sequence = sequence_++;
  header.timestamp = timestamp;
  header.ssrc = ssrc_;
  size_t size = BuildRtp(header, payload, packet);
  if (size == 0) return;
  // Errors (full socket buffer, unreachable peer) lose this packet only.
  [[maybe_unused]] ssize_t sent =
      sendto(fd_, packet.data(), size, MSG_DONTWAIT,
             reinterpret_cast<const sockaddr*>(&destination_), destination_len_);
}

}  // namespace hotline::media
