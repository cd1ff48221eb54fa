// media/rtp_session.h: one RTP endpoint (one call leg) on a media thread: its UDP socket,
// which source it accepts and where it sends, the send state (SSRC, sequence, timestamp),
// received audio waiting for the tick, DTMF decoding (RFC 4733 always, in-band when enabled)
// and DTMF sending. What the session plays (its source) is decided by the MediaThread, which
// owns every RtpSession and is the only thread that touches it.
//
// Strict source rules (Asterisk's strictrtp learning, against RTP Bleed / CVE-2017-14099):
// - a packet from the negotiated address:port is always accepted and latches the session to
//   it (it also takes over from a learned source);
// - while nothing is latched, another source (a phone behind NAT) is latched once it sent
//   `learning_packets` packets in a row with one SSRC and consecutive sequence numbers, within
//   `learning_window` of the first packet since the remote was (re)set; the packets of the
//   probation are dropped;
// - once latched, packets from any other address are dropped (kForeignSource) before DTMF
//   decoding, playing or recording, and the session sends to the latched source;
// - only SetRemote with a different address starts learning again.
// A kUnverified session sends nothing until it has latched (no reflection towards an address
// that never sent us RTP); a kNegotiated one sends to the negotiated address until then.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
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

  // What OnDatagram did with a datagram.
  enum class Verdict : uint8_t { kAccepted, kMalformed, kNoRemote, kLearning, kForeignSource };
  static constexpr size_t kVerdictCount = 5;

  struct SourcePolicy {
    Duration learning_window = std::chrono::seconds(3);
    int learning_packets = 3;
    PeerTrust trust = PeerTrust::kNegotiated;
  };

  struct Timeouts {
    Duration rtp;       // sendrecv
    Duration hold;      // any other direction
    Duration no_media;  // kUnverified session that never received media
  };

  // Takes ownership of fd (a bound, non-blocking UDP socket). seed randomizes SSRC, first
  // sequence number and timestamp.
  RtpSession(SessionId id, int fd, uint16_t local_port, uint64_t seed, const SourcePolicy& policy);
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
  // One datagram from the socket (untrusted). Only kAccepted packets reach the audio, the
  // DTMF decoders and the activity timer.
  Verdict OnDatagram(std::span<const uint8_t> datagram, const sockaddr_storage& from,
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

  // The inactivity limit that expired, reported once per session; nullopt while none has
  // (or without a remote). See MediaEvent::Timeout.
  std::optional<MediaEvent::Timeout> CheckTimeout(TimePoint now, const Timeouts& timeouts);

  // Whether a source is latched, and whether it is the negotiated address (for tests, logs).
  bool latched() const { return latch_ != Latch::kNone; }

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
  enum class Latch : uint8_t { kNone, kLearned, kNegotiated };

  // Applies the source rules to a parsed packet from `from`.
  Verdict CheckSource(const RtpHeader& header, const sockaddr_storage& from, socklen_t from_len,
                      TimePoint now);
  // One more packet of a learning candidate; true when the candidate has proved itself.
  bool Probation(const RtpHeader& header, const sockaddr_storage& from, socklen_t from_len);
  void LatchTo(Latch kind, const sockaddr_storage& from, socklen_t from_len);
  void OnAudio(G711Law law, const RtpView& packet, Observer& observer);
  bool SendTelephoneEvent(bool sending);
  void SendPacket(uint8_t payload_type, bool marker, uint32_t timestamp,
                  std::span<const uint8_t> payload);

  const SessionId id_;
  const int fd_;
  const uint16_t local_port_;

  const SourcePolicy policy_;

  // Where to send, and what to accept.
  bool has_remote_ = false;
  RemoteMedia remote_;
  G711Law law_ = G711Law::kMuLaw;
  sockaddr_storage announced_{};  // the negotiated address
  socklen_t announced_len_ = 0;
  sockaddr_storage destination_{};  // announced_, or the latched source once there is one
  socklen_t destination_len_ = 0;
  Latch latch_ = Latch::kNone;
  // Learning: the window opens with the first packet after the remote was (re)set.
  bool learning_open_ = false;
  TimePoint learning_since_{};
  sockaddr_storage candidate_{};
  socklen_t candidate_len_ = 0;
  uint32_t candidate_ssrc_ = 0;
  uint16_t candidate_sequence_ = 0;
  int candidate_packets_ = 0;

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
  TimePoint last_activity_{};  // last accepted packet, or last change of direction
  TimePoint remote_set_at_{};  // when the first remote was set
  bool ever_received_ = false;
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
