// MediaEngine over real UDP sockets on 127.0.0.1: each test plays the remote parties with its
// own sockets (RtpPeer) and waits for conditions with a deadline. Every test uses its own
// port range, so ctest can run them in parallel.
#include "media/media_engine.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "media/dtmf_inband.h"
#include "media/goertzel.h"
#include "media/rfc4733.h"
#include "media/tone.h"
#include "rtp_test_peer.h"

namespace hotline::media {
namespace {

using testing::EventLog;
using testing::RemoteAt;
using testing::RtpPeer;
using testing::WaitUntil;

constexpr uint8_t kEventPt = 101;

class MediaEngineTest : public ::testing::Test {
 protected:
  // Ports base..base+39 (each test its own range).
  void StartEngine(uint16_t base, int rtp_timeout_ms = 60000, int threads = 1) {
    MediaOptions options;
    options.listen_ip = "127.0.0.1";
    options.port_low = base;
    options.port_high = base + 39;
    options.threads = threads;
    options.rtp_timeout_ms = rtp_timeout_ms;
    engine_ = std::make_unique<MediaEngine>(options, events_.sink());
    ASSERT_TRUE(engine_->Start().ok());
  }
  SessionInfo Create(SessionId near = 0) {
    auto info = engine_->CreateSession(near);
    EXPECT_TRUE(info.ok()) << info.error().message;
    return info.ok() ? *info : SessionInfo{};
  }
  bool WaitForEvent(MediaEvent::Kind kind, SessionId session, size_t count = 1) {
    return WaitUntil([&] { return events_.Of(kind, session).size() >= count; });
  }

  EventLog events_;
  std::unique_ptr<MediaEngine> engine_;
};

// The received audio from the first non-silent sample on, at most n samples.
std::vector<int16_t> FromFirstSound(const std::vector<int16_t>& audio, size_t n) {
  auto first =
      std::find_if(audio.begin(), audio.end(), [](int16_t s) { return std::abs(s) > 500; });
  std::vector<int16_t> out(first, audio.end());
  if (out.size() > n) out.resize(n);
  return out;
}

// The last n samples.
std::vector<int16_t> Last(const std::vector<int16_t>& audio, size_t n) {
  n = std::min(n, audio.size());
  return std::vector<int16_t>(audio.end() - static_cast<std::ptrdiff_t>(n), audio.end());
}

double Power(const std::vector<int16_t>& audio, double hz) {
  return GoertzelPower(audio, hz, kSampleRate);
}

void ExpectTone(const std::vector<int16_t>& audio, double hz, double other_hz) {
  ASSERT_GE(audio.size(), 1600u);
  EXPECT_GT(ToneRatio(audio, hz, kSampleRate), 100.0) << hz << " Hz";
  EXPECT_GT(Power(audio, hz), 100.0 * Power(audio, other_hz)) << hz << " vs " << other_hz;
}

TEST_F(MediaEngineTest, PlaysToneToRemoteAndReportsPlayDone) {
  StartEngine(41000);
  RtpPeer peer;
  SessionInfo s = Create();
  EXPECT_EQ(s.local_port % 2, 0);
  engine_->SetRemote(s.id, RemoteAt(peer.port()));
  engine_->Play(s.id, MakeSine(1000, 600), false, 7);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kPlayDone, s.id));
  EXPECT_EQ(events_.Of(MediaEvent::Kind::kPlayDone, s.id)[0].play_token, 7u);
  // 600 ms of tone then silence keeps flowing: wait for 1 s of packets.
  ASSERT_TRUE(WaitUntil([&] { return peer.received_count() >= 50; }));
  ExpectTone(FromFirstSound(peer.ReceivedAudio(), 4000), 1000, 600);

  std::vector<RtpPeer::Packet> packets = peer.Received();
  EXPECT_TRUE(packets[0].header.marker);
  for (size_t i = 1; i < packets.size(); ++i) {
    const RtpHeader& prev = packets[i - 1].header;
    const RtpHeader& h = packets[i].header;
    EXPECT_EQ(h.payload_type, kPayloadPcmu);
    EXPECT_EQ(h.ssrc, prev.ssrc);
    EXPECT_EQ(static_cast<uint16_t>(h.sequence - prev.sequence), 1);
    EXPECT_EQ(h.timestamp - prev.timestamp, 160u);
    EXPECT_EQ(packets[i].payload.size(), 160u);
  }
}

TEST_F(MediaEngineTest, PlaysPcmaWhenNegotiated) {
  StartEngine(41040);
  RtpPeer peer;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(peer.port(), kPayloadPcma));
  engine_->Play(s.id, MakeSine(1000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return peer.ReceivedAudio(kPayloadPcma).size() >= 8000; }));
  EXPECT_EQ(peer.ReceivedAudio(kPayloadPcmu).size(), 0u);
  ExpectTone(Last(peer.ReceivedAudio(kPayloadPcma), 4000), 1000, 600);
}

TEST_F(MediaEngineTest, BridgeCarriesAudioBothWaysAndRecordsStereo) {
  StartEngine(41080);
  RtpPeer caller;
  RtpPeer callee;
  SessionInfo a = Create();
  SessionInfo b = Create(a.id);
  engine_->SetRemote(a.id, RemoteAt(caller.port()));
  engine_->SetRemote(b.id, RemoteAt(callee.port()));
  std::string path = ::testing::TempDir() + "bridge_" + std::to_string(getpid()) + ".wav";
  engine_->Bridge(a.id, b.id, path);
  caller.Stream(a.local_port, MakeSine(440, 1000), true);
  callee.Stream(b.local_port, MakeSine(1000, 1000), true);

  // 1.5 s of audio each way after the first tone sample.
  auto heard = [](const RtpPeer& peer) { return FromFirstSound(peer.ReceivedAudio(), 12000); };
  ASSERT_TRUE(
      WaitUntil([&] { return heard(caller).size() >= 12000 && heard(callee).size() >= 12000; }));
  ExpectTone(Last(heard(caller), 8000), 1000, 440);
  ExpectTone(Last(heard(callee), 8000), 440, 1000);

  engine_->Unbridge(a.id, b.id);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, a.id));
  MediaEvent done = events_.Of(MediaEvent::Kind::kRecordingDone, a.id)[0];
  EXPECT_EQ(done.path, path);
  EXPECT_GE(done.frames, 12000);

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, kSampleRate);
  EXPECT_EQ(info.frames, done.frames);
  std::vector<int16_t> stereo(info.frames * 2);
  sf_readf_short(file, stereo.data(), info.frames);
  sf_close(file);
  unlink(path.c_str());
  std::vector<int16_t> left;
  std::vector<int16_t> right;
  for (size_t i = 0; i + 1 < stereo.size(); i += 2) {
    left.push_back(stereo[i]);
    right.push_back(stereo[i + 1]);
  }
  ExpectTone(Last(left, 8000), 440, 1000);
  ExpectTone(Last(right, 8000), 1000, 440);
}

TEST_F(MediaEngineTest, Rfc4733DigitsBecomeDtmfEvents) {
  StartEngine(41120);
  RtpPeer peer;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(peer.port(), kPayloadPcmu, kEventPt));
  // The session sends once SetRemote is applied; from then on events are decoded.
  ASSERT_TRUE(WaitUntil([&] { return peer.received_count() > 0; }));
  uint16_t sequence = 1;
  uint32_t timestamp = 8000;
  for (char digit : std::string("1234#")) {
    for (const TelephoneEventPacket& p : EncodeDigit(digit)) {
      RtpHeader h;
      h.payload_type = kEventPt;
      h.marker = p.marker;
      h.sequence = sequence++;
      h.timestamp = timestamp;
      h.ssrc = 77;
      peer.Send(s.local_port, h, p.payload);
    }
    timestamp += 1600;
  }
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kDtmf, s.id, 5));
  EXPECT_EQ(events_.Digits(s.id), "1234#");
  for (const MediaEvent& e : events_.Of(MediaEvent::Kind::kDtmf, s.id)) {
    EXPECT_EQ(e.dtmf_source, DtmfSource::kRfc4733);
  }
}

TEST_F(MediaEngineTest, InbandDigitsDetectedWhenEnabled) {
  StartEngine(41160);
  RtpPeer peer;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(peer.port()));
  engine_->DetectInband(s.id, true);
  auto tones = std::make_shared<Audio>();
  tones->samples = GenerateDtmf("159", 80, 80);
  peer.Stream(s.local_port, tones, false);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kDtmf, s.id, 3));
  EXPECT_EQ(events_.Digits(s.id), "159");
  for (const MediaEvent& e : events_.Of(MediaEvent::Kind::kDtmf, s.id)) {
    EXPECT_EQ(e.dtmf_source, DtmfSource::kInband);
  }
}

TEST_F(MediaEngineTest, RtpTimeoutOncePerSessionAndOnlyWithRemote) {
  StartEngine(41200, /*rtp_timeout_ms=*/200);
  RtpPeer peer;
  SessionInfo silent = Create();
  SessionInfo no_remote = Create();
  engine_->SetRemote(silent.id, RemoteAt(peer.port()));
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRtpTimeout, silent.id));
  // A later session times out 3 timeouts later: by then a repeat would have shown.
  SessionInfo canary = Create();
  ASSERT_TRUE(WaitUntil([&] { return peer.received_count() > 0; }));
  RtpPeer canary_peer;
  engine_->SetRemote(canary.id, RemoteAt(canary_peer.port()));
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRtpTimeout, canary.id));
  SessionInfo canary2 = Create();
  engine_->SetRemote(canary2.id, RemoteAt(canary_peer.port()));
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRtpTimeout, canary2.id));
  EXPECT_EQ(events_.Of(MediaEvent::Kind::kRtpTimeout, silent.id).size(), 1u);
  EXPECT_EQ(events_.Of(MediaEvent::Kind::kRtpTimeout, no_remote.id).size(), 0u);
}

TEST_F(MediaEngineTest, IncomingRtpKeepsTheSessionAlive) {
  StartEngine(41240, /*rtp_timeout_ms=*/300);
  RtpPeer talker;
  RtpPeer silent_peer;
  SessionInfo live = Create();
  SessionInfo silent = Create();
  engine_->SetRemote(live.id, RemoteAt(talker.port()));
  talker.Stream(live.local_port, MakeSine(1000, 1000), true);
  engine_->SetRemote(silent.id, RemoteAt(silent_peer.port()));
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRtpTimeout, silent.id));
  // Three more timeout periods of traffic.
  ASSERT_TRUE(WaitUntil([&] { return talker.received_count() >= 60; }));
  EXPECT_EQ(events_.Of(MediaEvent::Kind::kRtpTimeout, live.id).size(), 0u);
}

TEST_F(MediaEngineTest, SymmetricRtpLatchesToTheRealSourceAndDoesNotFollowAMove) {
  StartEngine(41280);
  RtpPeer announced;  // what SDP said
  RtpPeer actual;     // where packets really come from (NAT)
  RtpPeer moved;      // another source later (a hijack attempt: never followed)
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(announced.port()));
  engine_->Play(s.id, MakeSine(1000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return announced.received_count() > 0; }));

  actual.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return actual.ReceivedAudio().size() >= 4000; }));
  ExpectTone(Last(actual.ReceivedAudio(), 4000), 1000, 440);

  moved.Stream(s.local_port, MakeSine(440, 1000), true);
  size_t announced_count = announced.received_count();
  // The latched source goes on getting everything (the next 25 packets); the newcomer nothing.
  size_t actual_count = actual.received_count();
  ASSERT_TRUE(WaitUntil([&] { return actual.received_count() >= actual_count + 25; }));
  EXPECT_EQ(moved.received_count(), 0u);
  EXPECT_EQ(announced.received_count(), announced_count);
  EXPECT_GT(engine_->counters().foreign_source, 0u);
}

TEST_F(MediaEngineTest, EchoSendsBackWhatItReceives) {
  StartEngine(41320);
  RtpPeer peer;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(peer.port()));
  engine_->Echo(s.id);
  peer.Stream(s.local_port, MakeSine(1000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return FromFirstSound(peer.ReceivedAudio(), 8000).size() >= 8000; }));
  ExpectTone(Last(peer.ReceivedAudio(), 4000), 1000, 440);
}

TEST_F(MediaEngineTest, PortPoolExhaustionFailsCreateAndDestroyReleasesThePort) {
  MediaOptions options;
  options.port_low = 41360;
  options.port_high = 41365;  // 3 even ports
  engine_ = std::make_unique<MediaEngine>(options, events_.sink());
  ASSERT_TRUE(engine_->Start().ok());
  std::vector<SessionInfo> sessions;
  std::set<uint16_t> ports;
  for (int i = 0; i < 3; ++i) {
    auto info = engine_->CreateSession();
    ASSERT_TRUE(info.ok()) << info.error().message;
    sessions.push_back(*info);
    ports.insert(info->local_port);
  }
  EXPECT_EQ(ports, (std::set<uint16_t>{41360, 41362, 41364}));
  EXPECT_EQ(engine_->session_count(), 3u);
  EXPECT_FALSE(engine_->CreateSession().ok());

  engine_->Destroy(sessions[1].id);
  EXPECT_EQ(engine_->session_count(), 2u);
  // The port comes back once the media thread has closed the socket.
  Result<SessionInfo> again = Error{""};
  ASSERT_TRUE(WaitUntil([&] {
    again = engine_->CreateSession();
    return again.ok();
  }));
  EXPECT_EQ(again->local_port, sessions[1].local_port);
  EXPECT_NE(again->id, sessions[1].id);
}

TEST_F(MediaEngineTest, SendsDtmfAsTelephoneEvents) {
  StartEngine(41400);
  RtpPeer peer;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(peer.port(), kPayloadPcmu, kEventPt));
  engine_->SendDtmf(s.id, "12#");
  auto digits = [&] {
    TelephoneEventDecoder decoder;
    std::string out;
    for (const RtpPeer::Packet& p : peer.Received()) {
      if (p.header.payload_type != kEventPt) continue;
      if (auto d = decoder.OnPacket(p.header.timestamp, p.payload)) out += *d;
    }
    return out;
  };
  ASSERT_TRUE(WaitUntil([&] { return digits().size() >= 3; }));
  EXPECT_EQ(digits(), "12#");
  // Audio and events share the SSRC and one sequence.
  std::vector<RtpPeer::Packet> packets = peer.Received();
  for (size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].header.ssrc, packets[0].header.ssrc);
    EXPECT_EQ(static_cast<uint16_t>(packets[i].header.sequence - packets[i - 1].header.sequence),
              1);
  }
}

TEST_F(MediaEngineTest, SendsDtmfInbandWithoutTelephoneEvent) {
  StartEngine(41440);
  RtpPeer peer;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(peer.port()));
  engine_->SendDtmf(s.id, "47");
  auto digits = [&] {
    InbandDtmfDetector detector;
    return detector.Feed(peer.ReceivedAudio());
  };
  ASSERT_TRUE(WaitUntil([&] { return digits().size() >= 2; }));
  EXPECT_EQ(digits(), "47");
}

TEST_F(MediaEngineTest, SendsNothingWhileOnHold) {
  StartEngine(41480);
  RtpPeer peer;
  SessionInfo held = Create();
  SessionInfo active = Create();
  RemoteMedia hold = RemoteAt(peer.port());
  hold.send = false;
  engine_->SetRemote(held.id, hold);
  engine_->Play(held.id, MakeSine(1000, 1000), true);
  engine_->SetRemote(active.id, RemoteAt(peer.port()));
  ASSERT_TRUE(WaitUntil([&] { return peer.received_count() >= 25; }));
  std::set<uint32_t> ssrcs;
  for (const RtpPeer::Packet& p : peer.Received()) ssrcs.insert(p.header.ssrc);
  EXPECT_EQ(ssrcs.size(), 1u);  // only the active session

  // Resuming starts a new talkspurt (marker bit).
  size_t before = peer.received_count();
  engine_->SetRemote(held.id, RemoteAt(peer.port()));
  ASSERT_TRUE(WaitUntil([&] {
    std::set<uint32_t> now;
    for (const RtpPeer::Packet& p : peer.Received()) now.insert(p.header.ssrc);
    return now.size() == 2;
  }));
  std::vector<RtpPeer::Packet> packets = peer.Received();
  for (size_t i = before; i < packets.size(); ++i) {
    if (!ssrcs.count(packets[i].header.ssrc)) {
      EXPECT_TRUE(packets[i].header.marker);
      break;
    }
  }
}

TEST_F(MediaEngineTest, NearPlacesSessionsOnOneThreadSoBridgesWorkWithManyThreads) {
  StartEngine(41520, 60000, /*threads=*/3);
  std::set<SessionId> ids;
  std::vector<SessionInfo> firsts;
  for (int i = 0; i < 6; ++i) {
    SessionInfo s = Create();
    ids.insert(s.id);
    firsts.push_back(s);
  }
  RtpPeer caller;
  RtpPeer callee;
  SessionInfo a = firsts[4];
  SessionInfo b = Create(a.id);
  ids.insert(b.id);
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(engine_->session_count(), 7u);
  engine_->SetRemote(a.id, RemoteAt(caller.port()));
  engine_->SetRemote(b.id, RemoteAt(callee.port()));
  engine_->Bridge(a.id, b.id, "");
  callee.Stream(b.local_port, MakeSine(1000, 1000), true);
  ASSERT_TRUE(
      WaitUntil([&] { return FromFirstSound(caller.ReceivedAudio(), 8000).size() >= 8000; }));
  ExpectTone(Last(caller.ReceivedAudio(), 4000), 1000, 440);
}

TEST_F(MediaEngineTest, DestroyWhileBridgedFinishesTheRecording) {
  StartEngine(41560);
  RtpPeer caller;
  SessionInfo a = Create();
  SessionInfo b = Create(a.id);
  engine_->SetRemote(a.id, RemoteAt(caller.port()));
  std::string path = ::testing::TempDir() + "destroy_" + std::to_string(getpid()) + ".wav";
  engine_->Bridge(a.id, b.id, path);
  ASSERT_TRUE(WaitUntil([&] { return caller.received_count() >= 10; }));
  engine_->Destroy(b.id);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, a.id));
  EXPECT_GT(events_.Of(MediaEvent::Kind::kRecordingDone, a.id)[0].frames, 0);
  EXPECT_EQ(engine_->session_count(), 1u);
  unlink(path.c_str());
}

TEST_F(MediaEngineTest, CreateFailsBeforeStartAndStartRejectsBadAddress) {
  MediaOptions options;
  options.listen_ip = "not-an-ip";
  MediaEngine engine(options, events_.sink());
  EXPECT_FALSE(engine.CreateSession().ok());
  EXPECT_FALSE(engine.Start().ok());
}

// A mono WAV as written by RecordMono: its format and samples (empty format if unreadable).
struct MonoWav {
  SF_INFO info{};
  std::vector<int16_t> samples;
};

MonoWav ReadWav(const std::string& path) {
  MonoWav wav;
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &wav.info);
  if (!file) return wav;
  wav.samples.resize(static_cast<size_t>(wav.info.frames * wav.info.channels));
  sf_readf_short(file, wav.samples.data(), wav.info.frames);
  sf_close(file);
  return wav;
}

std::string TempWav(const std::string& name) {
  return ::testing::TempDir() + name + "_" + std::to_string(getpid()) + ".wav";
}

TEST_F(MediaEngineTest, RecordMonoWritesWhatTheSessionReceivesUntilMaxMs) {
  StartEngine(41600);
  RtpPeer caller;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(caller.port()));
  caller.Stream(s.local_port, MakeSine(440, 1000), true);
  // The beep plays to the caller while the recording runs: only what arrives is recorded.
  engine_->Play(s.id, MakeSine(1000, 2000), false);
  std::string path = TempWav("voicemail");
  engine_->RecordMono(s.id, path, 1000);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, s.id));
  MediaEvent done = events_.Of(MediaEvent::Kind::kRecordingDone, s.id)[0];
  EXPECT_TRUE(done.mono);
  EXPECT_EQ(done.path, path);
  EXPECT_EQ(done.frames, kSampleRate);  // exactly max_ms

  MonoWav wav = ReadWav(path);
  unlink(path.c_str());
  EXPECT_EQ(wav.info.channels, 1);
  EXPECT_EQ(wav.info.samplerate, kSampleRate);
  EXPECT_EQ(wav.info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(wav.info.frames, done.frames);
  ExpectTone(Last(wav.samples, 4000), 440, 1000);
  // The session keeps running after the recording ends; the beep reached the caller.
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kPlayDone, s.id));
  ExpectTone(FromFirstSound(caller.ReceivedAudio(), 4000), 1000, 440);
  EXPECT_EQ(events_.Of(MediaEvent::Kind::kRecordingDone, s.id).size(), 1u);
}

TEST_F(MediaEngineTest, StopRecordMonoEndsTheRecordingEarly) {
  StartEngine(41640);
  RtpPeer caller;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(caller.port()));
  caller.Stream(s.local_port, MakeSine(440, 1000), true);
  std::string path = TempWav("voicemail_stop");
  engine_->RecordMono(s.id, path, 60000);
  // The session's own packets to the caller count the ticks: about 0.6 s of recording.
  ASSERT_TRUE(WaitUntil([&] { return caller.received_count() >= 30; }));
  engine_->StopRecordMono(s.id);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, s.id));
  MediaEvent done = events_.Of(MediaEvent::Kind::kRecordingDone, s.id)[0];
  EXPECT_TRUE(done.mono);
  EXPECT_GE(done.frames, 2400);
  EXPECT_LT(done.frames, 60 * kSampleRate);
  EXPECT_EQ(done.frames % kFrameSamples, 0);

  MonoWav wav = ReadWav(path);
  unlink(path.c_str());
  EXPECT_EQ(wav.info.channels, 1);
  EXPECT_EQ(wav.info.frames, done.frames);
  ExpectTone(Last(wav.samples, 1600), 440, 1000);
  engine_->StopRecordMono(s.id);  // nothing running: no second event
  // A failing recording on a session of the same thread reports at once, after the above.
  SessionInfo marker = Create(s.id);
  engine_->RecordMono(marker.id, "/nonexistent-dir/marker.wav", 1000);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, marker.id));
  EXPECT_EQ(events_.Of(MediaEvent::Kind::kRecordingDone, s.id).size(), 1u);
}

TEST_F(MediaEngineTest, DestroyFinishesTheMonoRecordingAndABridgeDoesNotStopIt) {
  StartEngine(41680);
  RtpPeer caller;
  RtpPeer agent;
  SessionInfo a = Create();
  SessionInfo b = Create(a.id);
  engine_->SetRemote(a.id, RemoteAt(caller.port()));
  engine_->SetRemote(b.id, RemoteAt(agent.port()));
  caller.Stream(a.local_port, MakeSine(440, 1000), true);
  agent.Stream(b.local_port, MakeSine(1000, 1000), true);
  std::string path = TempWav("voicemail_destroy");
  engine_->RecordMono(a.id, path, 0);  // no limit
  ASSERT_TRUE(WaitUntil([&] { return caller.received_count() >= 25; }));
  // Bridged and unbridged, the leg's recording goes on and holds only what a receives.
  engine_->Bridge(a.id, b.id, "");
  ASSERT_TRUE(
      WaitUntil([&] { return FromFirstSound(caller.ReceivedAudio(), 1600).size() >= 1600; }));
  engine_->Unbridge(a.id, b.id);
  EXPECT_TRUE(events_.Of(MediaEvent::Kind::kRecordingDone, a.id).empty());
  engine_->Destroy(a.id);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, a.id));
  MediaEvent done = events_.Of(MediaEvent::Kind::kRecordingDone, a.id)[0];
  EXPECT_TRUE(done.mono);
  EXPECT_EQ(done.path, path);
  EXPECT_GE(done.frames, 4000);

  MonoWav wav = ReadWav(path);
  unlink(path.c_str());
  EXPECT_EQ(wav.info.channels, 1);
  EXPECT_EQ(wav.info.frames, done.frames);
  ExpectTone(Last(wav.samples, 3200), 440, 1000);
  EXPECT_EQ(engine_->session_count(), 1u);
}

TEST_F(MediaEngineTest, RecordMonoToAnUnwritablePathReportsAnEmptyRecording) {
  StartEngine(41720);
  SessionInfo s = Create();
  engine_->RecordMono(s.id, "/nonexistent-dir/voicemail.wav", 1000);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, s.id));
  MediaEvent done = events_.Of(MediaEvent::Kind::kRecordingDone, s.id)[0];
  EXPECT_TRUE(done.mono);
  EXPECT_EQ(done.frames, 0);
  EXPECT_EQ(done.path, "/nonexistent-dir/voicemail.wav");
}

// Power at `hz` over power at `other_hz`, both present or absent as expected.
void ExpectHeard(const std::vector<int16_t>& audio, double hz, double own_hz) {
  ASSERT_GE(audio.size(), 1600u);
  EXPECT_GT(Power(audio, hz), 100.0 * Power(audio, own_hz)) << hz << " Hz over " << own_hz;
}

std::pair<std::vector<int16_t>, std::vector<int16_t>> ReadStereo(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr || info.channels != 2) {
    if (file != nullptr) sf_close(file);
    return {};
  }
  std::vector<int16_t> stereo(info.frames * 2);
  sf_readf_short(file, stereo.data(), info.frames);
  sf_close(file);
  std::pair<std::vector<int16_t>, std::vector<int16_t>> out;
  for (size_t i = 0; i + 1 < stereo.size(); i += 2) {
    out.first.push_back(stereo[i]);
    out.second.push_back(stereo[i + 1]);
  }
  return out;
}

// Three sessions each mixing the other two: everyone hears both others and never itself; the
// leg recording of one has what it received on the left and what it was sent on the right.
TEST_F(MediaEngineTest, ThreeSessionsMixingTheOtherTwoMakeAConference) {
  StartEngine(41760);
  RtpPeer p1, p2, p3;
  SessionInfo a = Create();
  SessionInfo b = Create(a.id);
  SessionInfo c = Create(a.id);
  engine_->SetRemote(a.id, RemoteAt(p1.port()));
  engine_->SetRemote(b.id, RemoteAt(p2.port()));
  engine_->SetRemote(c.id, RemoteAt(p3.port()));
  engine_->Bridge(a.id, b.id, "");  // a conference starts from a bridge (agent and customer)
  engine_->Mix(a.id, {b.id, c.id});
  engine_->Mix(b.id, {a.id, c.id});
  engine_->Mix(c.id, {a.id, b.id});
  std::string path = ::testing::TempDir() + "leg_" + std::to_string(getpid()) + ".wav";
  engine_->RecordLeg(a.id, path);
  p1.Stream(a.local_port, MakeSine(440, 1000), true);
  p2.Stream(b.local_port, MakeSine(1000, 1000), true);
  p3.Stream(c.local_port, MakeSine(1600, 1000), true);

  auto heard = [](const RtpPeer& peer) { return FromFirstSound(peer.ReceivedAudio(), 16000); };
  ASSERT_TRUE(WaitUntil([&] {
    return heard(p1).size() >= 16000 && heard(p2).size() >= 16000 && heard(p3).size() >= 16000;
  }));
  ExpectHeard(Last(heard(p1), 8000), 1000, 440);
  ExpectHeard(Last(heard(p1), 8000), 1600, 440);
  ExpectHeard(Last(heard(p2), 8000), 440, 1000);
  ExpectHeard(Last(heard(p2), 8000), 1600, 1000);
  ExpectHeard(Last(heard(p3), 8000), 440, 1600);
  ExpectHeard(Last(heard(p3), 8000), 1000, 1600);

  engine_->StopRecordLeg(a.id);
  ASSERT_TRUE(WaitForEvent(MediaEvent::Kind::kRecordingDone, a.id));
  MediaEvent done = events_.Of(MediaEvent::Kind::kRecordingDone, a.id)[0];
  EXPECT_FALSE(done.mono);
  EXPECT_EQ(done.path, path);
  auto [left, right] = ReadStereo(path);
  unlink(path.c_str());
  ASSERT_EQ(static_cast<int64_t>(left.size()), done.frames);
  ExpectHeard(Last(left, 8000), 440, 1000);
  ExpectHeard(Last(right, 8000), 1000, 440);
  ExpectHeard(Last(right, 8000), 1600, 440);

  // Leaving the conference: an empty mix is silence.
  engine_->Mix(c.id, {});
  size_t before = p3.ReceivedAudio().size();
  ASSERT_TRUE(WaitUntil([&] { return p3.ReceivedAudio().size() >= before + 4000; }));
  std::vector<int16_t> after = Last(p3.ReceivedAudio(), 1600);
  EXPECT_LT(Power(after, 440) + Power(after, 1000), 1e3);
}

// A session mixing both sides of a bridge listens to it (silent monitor): it hears both, the
// bridged parties keep hearing each other and never the listener.
TEST_F(MediaEngineTest, MixingBothSidesOfABridgeListensWithoutBeingHeard) {
  StartEngine(41800);
  RtpPeer caller, agent, supervisor;
  SessionInfo a = Create();
  SessionInfo b = Create(a.id);
  SessionInfo m = Create(a.id);
  engine_->SetRemote(a.id, RemoteAt(caller.port()));
  engine_->SetRemote(b.id, RemoteAt(agent.port()));
  engine_->SetRemote(m.id, RemoteAt(supervisor.port()));
  engine_->Bridge(a.id, b.id, "");
  engine_->Mix(m.id, {a.id, b.id});
  caller.Stream(a.local_port, MakeSine(440, 1000), true);
  agent.Stream(b.local_port, MakeSine(1000, 1000), true);
  supervisor.Stream(m.local_port, MakeSine(1600, 1000), true);

  auto heard = [](const RtpPeer& peer) { return FromFirstSound(peer.ReceivedAudio(), 16000); };
  ASSERT_TRUE(WaitUntil([&] {
    return heard(caller).size() >= 16000 && heard(agent).size() >= 16000 &&
           heard(supervisor).size() >= 16000;
  }));
  ExpectHeard(Last(heard(supervisor), 8000), 440, 1600);
  ExpectHeard(Last(heard(supervisor), 8000), 1000, 1600);
  ExpectHeard(Last(heard(caller), 8000), 1000, 1600);
  ExpectHeard(Last(heard(agent), 8000), 440, 1600);
}

}  // namespace
}  // namespace hotline::media
