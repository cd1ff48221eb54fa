// tests/unit/media/rtp_test_peer.h: test helpers for the media engine. RtpPeer plays the
// remote party of a call (or an attacker): its own UDP socket on 127.0.0.1 (or another loopback
// address) and a thread that streams G.711 frames every 20 ms (one SSRC, consecutive sequence
// numbers) and keeps every packet it receives. EventLog collects MediaEvents.
// WaitUntil polls a condition until a deadline (no sleeping for luck).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "media/audio.h"
#include "media/g711.h"
#include "media/media_engine.h"
#include "media/rtp_packet.h"

namespace hotline::media::testing {

inline constexpr auto kDeadline = std::chrono::seconds(15);

template <typename Predicate>
bool WaitUntil(Predicate predicate, std::chrono::milliseconds timeout = kDeadline) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class EventLog {
 public:
  EventSink sink() {
    return [this](const MediaEvent& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    };
  }
  std::vector<MediaEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<MediaEvent> Of(MediaEvent::Kind kind, SessionId session) const {
    std::vector<MediaEvent> out;
    for (const MediaEvent& e : events()) {
      if (e.kind == kind && e.session == session) out.push_back(e);
    }
    return out;
  }
  std::string Digits(SessionId session) const {
    std::string digits;
    for (const MediaEvent& e : Of(MediaEvent::Kind::kDtmf, session)) digits += e.digit;
    return digits;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<MediaEvent> events_;
};

class RtpPeer {
 public:
  struct Packet {
    RtpHeader header;
    std::vector<uint8_t> payload;
  };

  explicit RtpPeer(const char* bind_ip = "127.0.0.1") {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    inet_pton(AF_INET, bind_ip, &address.sin_addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t len = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &len);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~RtpPeer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  RtpPeer(const RtpPeer&) = delete;
  RtpPeer& operator=(const RtpPeer&) = delete;

  uint16_t port() const { return port_; }

  // Streams audio to 127.0.0.1:dest_port, one 20 ms packet every 20 ms, until it ends (or
  // forever if loop), then nothing.
  void Stream(uint16_t dest_port, AudioPtr audio, bool loop, uint8_t payload_type = 0) {
    std::lock_guard lock(mutex_);
    stream_port_ = dest_port;
    stream_audio_ = std::move(audio);
    stream_loop_ = loop;
    stream_position_ = 0;
    stream_payload_type_ = payload_type;
  }
  void StopStream() {
    std::lock_guard lock(mutex_);
    stream_audio_.reset();
  }

  // Sends one RTP packet now.
  void Send(uint16_t dest_port, const RtpHeader& header, std::span<const uint8_t> payload) {
    std::vector<uint8_t> packet(kRtpHeaderSize + payload.size());
    size_t size = BuildRtp(header, payload, packet);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(dest_port);
    sendto(fd_, packet.data(), size, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }

  std::vector<Packet> Received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  size_t received_count() const {
    std::lock_guard lock(mutex_);
    return received_.size();
  }
  size_t CountFromSsrc(uint32_t ssrc) const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const Packet& p : received_) n += p.header.ssrc == ssrc;
    return n;
  }
  // Decoded audio of the received packets with this payload type (0 = PCMU, 8 = PCMA).
  std::vector<int16_t> ReceivedAudio(uint8_t payload_type = kPayloadPcmu) const {
    G711Law law = payload_type == kPayloadPcma ? G711Law::kALaw : G711Law::kMuLaw;
    std::vector<int16_t> audio;
    for (const Packet& p : Received()) {
      if (p.header.payload_type != payload_type) continue;
      size_t at = audio.size();
      audio.resize(at + p.payload.size());
      G711DecodeFrame(law, p.payload, std::span<int16_t>(audio.data() + at, p.payload.size()));
    }
    return audio;
  }

 private:
  void Run() {
    auto next = std::chrono::steady_clock::now();
    uint16_t sequence = 1000;
    uint32_t timestamp = 5000;
    while (!stop_) {
      SendStreamFrame(sequence, timestamp);
      next += std::chrono::milliseconds(20);
      for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            next - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) > 0) Drain();
      }
    }
  }

  void SendStreamFrame(uint16_t& sequence, uint32_t& timestamp) {
    std::lock_guard lock(mutex_);
    if (!stream_audio_) return;
    const std::vector<int16_t>& samples = stream_audio_->samples;
    int16_t frame[kFrameSamples] = {};
    for (int16_t& s : frame) {
      if (stream_position_ >= samples.size()) {
        if (!stream_loop_ || samples.empty()) break;
        stream_position_ = 0;
      }
      s = samples[stream_position_++];
    }
    G711Law law = stream_payload_type_ == kPayloadPcma ? G711Law::kALaw : G711Law::kMuLaw;
    uint8_t payload[kFrameSamples];
    G711EncodeFrame(law, frame, payload);
    RtpHeader header;
    header.payload_type = stream_payload_type_;
    header.sequence = sequence++;
    header.timestamp = timestamp;
    header.ssrc = 0x1234;
    timestamp += kFrameSamples;
    Send(stream_port_, header, payload);
    if (!stream_loop_ && stream_position_ >= samples.size()) stream_audio_.reset();
  }

  void Drain() {
    uint8_t buffer[2048];
    for (;;) {
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      std::optional<RtpView> view = ParseRtp(std::span<const uint8_t>(buffer, n));
      if (!view) continue;
      std::lock_guard lock(mutex_);
      received_.push_back(
          Packet{view->header, std::vector<uint8_t>(view->payload.begin(), view->payload.end())});
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Packet> received_;
  uint16_t stream_port_ = 0;
  AudioPtr stream_audio_;
  bool stream_loop_ = false;
  size_t stream_position_ = 0;
  uint8_t stream_payload_type_ = 0;
};

// A RemoteMedia pointing at a peer on 127.0.0.1.
inline RemoteMedia RemoteAt(uint16_t port, uint8_t payload_type = kPayloadPcmu,
                            uint8_t dtmf_payload_type = 0) {
  RemoteMedia remote;
  remote.ip = "127.0.0.1";
  remote.port = port;
  remote.payload_type = payload_type;
  remote.dtmf_payload_type = dtmf_payload_type;
  return remote;
}

}  // namespace hotline::media::testing
