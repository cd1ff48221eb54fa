// media/media_engine.h: the RTP media engine. A few media threads (not one per call) each
// own a set of sessions and their UDP sockets; every 20 ms one tick per thread reads what
// arrived, runs players/recorders/bridges, and sends. The control thread drives sessions only
// through this class's methods, which post commands to the owning media thread; media
// threads report back through the EventSink (called on a media thread: it must only post).
//
// A session is one RTP endpoint (one call leg). Its audio source is, at any time, one of:
// silence, a player (prompt or tone, optionally looped), its bridge peer, itself (echo), or a
// mix of what other sessions receive (conference, silent monitoring). Received audio feeds:
// the bridge peer, sessions mixing it, the recorders, and DTMF detection.
//
// Source validation (strict RTP, see RtpSession): a session accepts packets only from its
// negotiated address, or from one source learned at the start (NAT) and never moved afterwards
// except by a new remote address; everything else is dropped before DTMF decoding, playing and
// recording, and counted (counters()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "media/audio.h"

namespace hotline::media {

using SessionId = uint64_t;

struct MediaOptions {
  std::string listen_ip = "127.0.0.1";
  uint16_t port_low = 20000;  // even ports only are handed out (RTP), odd left for RTCP
  uint16_t port_high = 29999;
  int threads = 1;
  int rtp_timeout_ms = 60000;  // no packet for this long while sendrecv -> kRtpTimeout (kRtp)
  // No packet for this long in any other direction (hold, inactive, one-way) -> kHold.
  int hold_timeout_ms = 3600000;
  // An unverified session (PeerTrust::kUnverified) that never received a valid packet is timed
  // out (kNoMedia) this long after its remote was first set, whatever its direction.
  int no_media_timeout_ms = 300000;
  // Source learning (symmetric RTP behind NAT): a source other than the negotiated address is
  // latched once it sent learning_packets packets in a row (same SSRC, consecutive sequence
  // numbers) within learning_window_ms of the first packet after the remote was (re)set.
  int learning_window_ms = 3000;
  int learning_packets = 3;
  // A released port is not handed out again for this long, unless nothing else is free.
  int port_quarantine_ms = 10000;
  // Start the port queue at a random place in the range (a restarted server does not give the
  // first new calls the ports of the calls it had before).
  bool randomize_first_port = false;
};

// How far a session trusts the party at its negotiated address (CreateSession).
enum class PeerTrust {
  // Signalled by an authenticated party: send to the negotiated address at once (then to the
  // latched source).
  kNegotiated,
  // Anyone could have sent the offer (unauthenticated caller of a public number): send
  // nothing until a valid packet came from the negotiated address or a learned source, and
  // only to that source (no reflection towards a third party); timed out with kNoMedia if no
  // media ever comes.
  kUnverified
};

// What the remote side accepted: the negotiated codec and where to send.
struct RemoteMedia {
  std::string ip;
  uint16_t port = 0;
  uint8_t payload_type = 0;       // 0 = PCMU, 8 = PCMA
  uint8_t dtmf_payload_type = 0;  // telephone-event PT, 0 = not negotiated
  bool send = true;               // false when the peer put us on hold (sendonly/inactive)
  bool receive = true;            // false when the peer will not send (recvonly/inactive)
};

enum class DtmfSource { kRfc4733, kInband, kSipInfo };

struct MediaEvent {
  enum class Kind {
    kDtmf,          // digit received (RFC 4733 or in-band)
    kPlayDone,      // a non-looping play finished
    kRtpTimeout,    // media inactivity: `timeout` says which limit expired
    kRecordingDone  // recorder closed; frames = length in samples (per channel)
  };
  Kind kind;
  SessionId session = 0;
  char digit = 0;
  DtmfSource dtmf_source = DtmfSource::kRfc4733;
  uint64_t play_token = 0;  // the token given to Play
  int64_t frames = 0;
  std::string path;   // recording path
  bool mono = false;  // kRecordingDone of a RecordMono recording (one leg, mono WAV)
  // kRtpTimeout: kRtp = no packet for rtp_timeout_ms while sendrecv; kHold = none for
  // hold_timeout_ms on hold / inactive / one-way; kNoMedia = an unverified session never got
  // media within no_media_timeout_ms.
  enum class Timeout { kRtp, kHold, kNoMedia };
  Timeout timeout = Timeout::kRtp;
};

// Received RTP by verdict, summed over the media threads (each thread counts its own with
// relaxed atomics: no lock, no shared cache line written per packet).
struct MediaCounters {
  uint64_t accepted = 0;            // valid packets from the session's accepted source
  uint64_t malformed = 0;           // not RTP, or a payload type that was not negotiated
  uint64_t no_remote = 0;           // arrived before the session had a remote (no offer/answer)
  uint64_t learning = 0;            // held back while a NAT source proved itself (not played)
  uint64_t foreign_source = 0;      // from an address that is not the session's source: dropped
  uint64_t ports_reused_early = 0;  // ports handed out before their quarantine was over
};

using EventSink = std::function<void(const MediaEvent&)>;

struct SessionInfo {
  SessionId id = 0;
  uint16_t local_port = 0;
};

class MediaEngine {
 public:
  MediaEngine(MediaOptions options, EventSink sink);
  ~MediaEngine();  // stops threads, closes every session (recordings finalized)
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  Status Start();
  void Stop();

  // Allocates a port and a session. near: an existing session whose thread the new one
  // should share (bridging works only between sessions on the same thread); 0 = any.
  // trust: see PeerTrust. Fails when the port pool is exhausted.
  Result<SessionInfo> CreateSession(SessionId near = 0, PeerTrust trust = PeerTrust::kNegotiated);
  void Destroy(SessionId id);

  void SetRemote(SessionId id, const RemoteMedia& remote);
  // Plays audio (prompt, tone); replaces the current source. token comes back in kPlayDone.
  void Play(SessionId id, AudioPtr audio, bool loop, uint64_t token = 0);
  void StopPlay(SessionId id);  // back to silence
  void Echo(SessionId id);
  // Connects a and b both ways (each sends what the other receives). If recording_path is
  // not empty, a stereo WAV (left = a, right = b) is written until Unbridge/Destroy.
  void Bridge(SessionId a, SessionId b, const std::string& recording_path);
  void Unbridge(SessionId a, SessionId b);
  // Makes id send the sum of what each of `sources` receives (clipped to 16 bits): three
  // sessions mixing the other two make a conference; a session mixing both sides of a bridge
  // listens to it (silent monitor) without being heard. A bridge of id is broken first (its
  // recording closed) and a playing prompt stopped, as Bridge does. Sources may be
  // bridged or mixing themselves; sources not on id's media thread, or gone, add nothing.
  // An empty list ends the mix (silence).
  void Mix(SessionId id, std::vector<SessionId> sources);
  // Records one leg as a stereo WAV (left = what id receives, right = what id sends), e.g. a
  // conference from the customer's side. Stops at StopRecordLeg or Destroy with a
  // kRecordingDone (mono = false); a second RecordLeg first stops the running one.
  void RecordLeg(SessionId id, const std::string& path);
  void StopRecordLeg(SessionId id);
  // Sends digits as RFC 4733 events (in-band tones if no telephone-event was negotiated).
  void SendDtmf(SessionId id, const std::string& digits);
  // Turns in-band DTMF detection on or off (off by default; RFC 4733 is always decoded).
  void DetectInband(SessionId id, bool enabled);

  // Records what session id receives (voicemail, a parked caller) to an 8 kHz 16-bit mono WAV
  // at path: one 20 ms frame per tick, silence when nothing arrived, whatever the session
  // plays meanwhile (a beep, a prompt) and whether or not it is bridged. Stops after max_ms
  // (<= 0: no limit), at StopRecordMono, or when the session is destroyed; each way the sink
  // gets kRecordingDone with mono = true, path and frames (samples). A second RecordMono on
  // the same session first stops the running one (with its event). If path cannot be
  // created, kRecordingDone comes at once with frames = 0. Engine Stop() closes the file
  // without an event, as it does for bridge recordings.
  void RecordMono(SessionId id, const std::string& path, int max_ms);
  // Stops RecordMono's recording on id (nothing if none is running).
  void StopRecordMono(SessionId id);

  // Sessions currently alive (for metrics and tests).
  size_t session_count() const;
  // Packet counters of every media thread (any thread; relaxed reads).
  MediaCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::media
