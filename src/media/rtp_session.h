// media/rtp_session.h: one RTP endpoint (one call leg) on a media thread: its UDP socket,
// where to send (announced address, then latched to where packets really come from:
// symmetric RTP), the send state (SSRC, sequence, timestamp), received audio waiting for the
// tick, DTMF decoding (RFC 4733 always, in-band when enabled) and DTMF sending. What the
// session plays (its source) is decided by the MediaThread, which owns every RtpSession and
// is the only thread that touches it.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "media/audio.h"
#include "media/dtmf_inband.h"
#include "media/g711.h"
#include "media/media_engine.h"
#include "media/player.h"
#include "media/recorder.h"
#include "media/rfc4733.h"
#include "media/rtp_packet.h"
#include "media/sample_fifo.h"

namespace hotline::media {

class RtpSession {
 public:
  // What the session sends each tick.
  enum class Source { kSilence, kPlayer, kPeer, kEcho, kMix };

  class Observer {
   public:
    virtual ~Observer() = default;
    virtual void OnDigit(RtpSession& session, char digit, DtmfSource source) = 0;
  };

  // Takes ownership of fd (a bound, non-blocking UDP socket). seed randomizes SSRC, first
  // sequence number and timestamp.
  RtpSession(SessionId id, int fd, uint16_t local_port, uint64_t seed);
  ~RtpSession();  // closes the socket
  RtpSession(const RtpSession&) = delete;
  RtpSession& operator=(const RtpSession&) = delete;

  SessionId id() const { return id_; }
  int fd() const { return fd_; }
  uint16_t local_port() const { return local_port_; }

  // --- control (commands from MediaEngine) ---
  // address: the announced remote address (already resolved).
  void SetRemote(const sockaddr_storage& address, socklen_t address_len, const RemoteMedia& remote,
                 TimePoint now);
  void SetInbandDetection(bool enabled);
  // Queues digits: RFC 4733 events if telephone-event was negotiated, otherwise in-band tones.
  void QueueDtmf(const std::string& digits);

  // --- receive ---
  // One datagram from the socket (untrusted).
  void OnDatagram(std::span<const uint8_t> datagram, const sockaddr_storage& from,
                  socklen_t from_len, TimePoint now, Observer& observer);
  // Start of a tick: takes one 20 ms frame of received audio, if there is one.
  void TakeReceivedFrame();
  // This tick's received frame (kFrameSamples), or nullptr when nothing arrived in time.
  const int16_t* received_frame() const { return has_rx_frame_ ? rx_frame_.data() : nullptr; }

  // --- send ---
  // Sends this tick's packet: a pending telephone-event, else frame (nullptr = silence), with
  // in-band DTMF tones replacing it while they last. Nothing goes out without a remote or while
  // on hold, but the RTP clock still advances.
  void SendTick(const int16_t* frame);

  // True once, when a remote is set, not on hold, and nothing arrived for timeout.
  bool CheckTimeout(TimePoint now, Duration timeout);

  // --- source, bridge and recording: managed by the MediaThread ---
  Source source() const { return source_; }
  void set_source(Source source) { source_ = source; }
  Player& player() { return player_; }
  RtpSession* peer() const { return peer_; }
  void set_peer(RtpSession* peer) { peer_ = peer; }
  // The recorder of this session's bridge when this session is its left (a) side.
  std::unique_ptr<Recorder>& recorder() { return recorder_; }
  // The sessions whose received audio this one sends while its source is kMix.
  std::vector<SessionId>& mix() { return mix_; }
  const std::vector<SessionId>& mix() const { return mix_; }
  // The stereo recording of this leg (received left, sent right), if any.
  std::unique_ptr<Recorder>& leg_recorder() { return leg_recorder_; }
  // The recording of what this session alone receives (MediaEngine::RecordMono), if any.
  std::unique_ptr<MonoRecorder>& mono_recorder() { return mono_recorder_; }
  // Position in the MediaThread's session list (for O(1) removal).
  size_t index() const { return index_; }
  void set_index(size_t index) { index_ = index; }

 private:
  void OnAudio(G711Law law, const RtpView& packet, Observer& observer);
  bool SendTelephoneEvent(bool sending);
  void SendPacket(uint8_t payload_type, bool marker, uint32_t timestamp,
                  std::span<const uint8_t> payload);

  const SessionId id_;
  const int fd_;
  const uint16_t local_port_;

  // Where to send.
  bool has_remote_ = false;
  RemoteMedia remote_;
  G711Law law_ = G711Law::kMuLaw;
  sockaddr_storage announced_{};
  socklen_t announced_len_ = 0;
  sockaddr_storage destination_{};
  socklen_t destination_len_ = 0;
  bool latched_ = false;

  // Send state.
  uint32_t ssrc_;
  uint16_t sequence_;
  uint32_t timestamp_;
  bool marker_pending_ = true;  // next audio packet starts a talkspurt

  // Outgoing DTMF.
  std::string dtmf_queue_;
  std::vector<TelephoneEventPacket> event_packets_;
  size_t event_index_ = 0;
  uint32_t event_timestamp_ = 0;
  int event_gap_ticks_ = 0;
  std::vector<int16_t> inband_tx_;
  size_t inband_tx_position_ = 0;

  // Receive state.
  bool have_rx_sequence_ = false;
  uint32_t rx_ssrc_ = 0;
  uint16_t rx_sequence_ = 0;
  SampleFifo rx_fifo_;
  std::array<int16_t, kFrameSamples> rx_frame_{};
  bool has_rx_frame_ = false;
  TelephoneEventDecoder event_decoder_;
  std::unique_ptr<InbandDtmfDetector> inband_detector_;
  TimePoint last_activity_{};
  bool timeout_reported_ = false;

  Source source_ = Source::kSilence;
  Player player_;
  RtpSession* peer_ = nullptr;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<MonoRecorder> mono_recorder_;
  std::vector<SessionId> mix_;
  std::unique_ptr<Recorder> leg_recorder_;
  size_t index_ = 0;
};

}  // namespace hotline::media
