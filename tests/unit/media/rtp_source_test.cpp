// Strict RTP source rules, unverified peers and media timeouts of the MediaEngine, over real
// UDP sockets on loopback: attackers are RtpPeers on another port or on 127.0.0.2. Each test
// uses its own port range (42000-42399), so ctest can run them in parallel.
#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "media/goertzel.h"
#include "media/media_engine.h"
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

class RtpSourceTest : public ::testing::Test {
 protected:
  // Ports base..base+39.
  void StartEngine(uint16_t base, MediaOptions options = {}) {
    options.listen_ip = "127.0.0.1";
    options.port_low = base;
    options.port_high = base + 39;
    engine_ = std::make_unique<MediaEngine>(options, events_.sink());
    ASSERT_TRUE(engine_->Start().ok());
  }
  SessionInfo Create(SessionId near = 0, PeerTrust trust = PeerTrust::kNegotiated) {
    auto info = engine_->CreateSession(near, trust);
    EXPECT_TRUE(info.ok()) << info.error().message;
    return info.ok() ? *info : SessionInfo{};
  }
  std::vector<MediaEvent> Timeouts(SessionId id) {
    return events_.Of(MediaEvent::Kind::kRtpTimeout, id);
  }

  EventLog events_;
  std::unique_ptr<MediaEngine> engine_;
};

std::vector<int16_t> Last(const std::vector<int16_t>& audio, size_t n) {
  n = std::min(n, audio.size());
  return std::vector<int16_t>(audio.end() - static_cast<std::ptrdiff_t>(n), audio.end());
}

// hz clearly present, other_hz clearly absent.
void ExpectTone(const std::vector<int16_t>& audio, double hz, double other_hz) {
  ASSERT_GE(audio.size(), 1600u);
  EXPECT_GT(ToneRatio(audio, hz, kSampleRate), 100.0) << hz << " Hz";
  EXPECT_GT(GoertzelPower(audio, hz, kSampleRate),
            100.0 * GoertzelPower(audio, other_hz, kSampleRate))
      << hz << " vs " << other_hz;
}

// Sends the RFC 4733 packets of one digit from peer to port (as a phone would).
void SendDigit(RtpPeer& peer, uint16_t port, char digit, uint16_t first_sequence) {
  uint16_t sequence = first_sequence;
  for (const TelephoneEventPacket& p : EncodeDigit(digit)) {
    RtpHeader header;
    header.payload_type = kEventPt;
    header.marker = p.marker;
    header.sequence = sequence++;
    header.timestamp = 777000;
    header.ssrc = 0xBAD;
    peer.Send(port, header, p.payload);
  }
}

struct Stereo {
  std::vector<int16_t> left, right;
};

Stereo ReadStereo(const std::string& path) {
  Stereo out;
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) return out;
  std::vector<int16_t> frames(static_cast<size_t>(info.frames) * 2);
  sf_readf_short(file, frames.data(), info.frames);
  sf_close(file);
  for (size_t i = 0; i + 1 < frames.size(); i += 2) {
    out.left.push_back(frames[i]);
    out.right.push_back(frames[i + 1]);
  }
  return out;
}

TEST_F(RtpSourceTest, ForeignSourcesCannotRedirectInjectDtmfOrReachTheRecording) {
  StartEngine(42000);
  RtpPeer caller;
  RtpPeer callee;
  RtpPeer other_host("127.0.0.2");  // no SIP at all: sprays RTP at the call's ports
  RtpPeer other_port;               // the caller's host, another port
  SessionInfo a = Create();
  SessionInfo b = Create(a.id);
  engine_->SetRemote(a.id, RemoteAt(caller.port(), kPayloadPcmu, kEventPt));
  engine_->SetRemote(b.id, RemoteAt(callee.port(), kPayloadPcmu, kEventPt));
  std::string path = ::testing::TempDir() + "foreign_" + std::to_string(getpid()) + ".wav";
  engine_->Bridge(a.id, b.id, path);
  caller.Stream(a.local_port, MakeSine(440, 1000), true);
  callee.Stream(b.local_port, MakeSine(1000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return caller.received_count() >= 25; }));

  // Both legs sprayed with a consistent 2000 Hz stream and digits, as in the probe.
  other_host.Stream(a.local_port, MakeSine(2000, 1000), true);
  other_port.Stream(b.local_port, MakeSine(2000, 1000), true);
  SendDigit(other_host, a.local_port, '5', 100);
  SendDigit(other_port, b.local_port, '7', 100);
  // 2 s of the attack.
  size_t from = caller.received_count();
  ASSERT_TRUE(WaitUntil([&] { return caller.received_count() >= from + 100; }));

  EXPECT_EQ(other_host.received_count(), 0u);  // nothing redirected
  EXPECT_EQ(other_port.received_count(), 0u);
  ExpectTone(Last(caller.ReceivedAudio(), 8000), 1000, 2000);  // each still hears the other
  ExpectTone(Last(callee.ReceivedAudio(), 8000), 440, 2000);
  EXPECT_EQ(events_.Digits(a.id), "");  // no injected digit
  EXPECT_EQ(events_.Digits(b.id), "");
  MediaCounters counters = engine_->counters();
  EXPECT_GE(counters.foreign_source, 150u);
  EXPECT_GT(counters.accepted, 100u);

  engine_->Unbridge(a.id, b.id);
  ASSERT_TRUE(
      WaitUntil([&] { return !events_.Of(MediaEvent::Kind::kRecordingDone, a.id).empty(); }));
  Stereo recording = ReadStereo(path);
  unlink(path.c_str());
  ExpectTone(Last(recording.left, 12000), 440, 2000);
  ExpectTone(Last(recording.right, 12000), 1000, 2000);
}

TEST_F(RtpSourceTest, NatLearningLatchesOnlyAConsistentSourceAndNeverMoves) {
  StartEngine(42040);
  RtpPeer announced;  // the private address a phone behind NAT announces: never sends
  RtpPeer jumbled;    // packets with a new SSRC and a random sequence number each
  RtpPeer nat;        // the phone as seen through its NAT: a consistent stream
  RtpPeer late("127.0.0.2");
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(announced.port()));
  engine_->Play(s.id, MakeSine(1000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return announced.received_count() >= 5; }));

  uint8_t silence[kFrameSamples];
  std::fill(std::begin(silence), std::end(silence), 0xFF);
  for (uint32_t i = 0; i < 20; ++i) {
    RtpHeader header;
    header.ssrc = 0x5000 + i;
    header.sequence = static_cast<uint16_t>(i * 7919);
    header.timestamp = i * kFrameSamples;
    jumbled.Send(s.local_port, header, silence);
  }
  // Inconsistent packets are held back and latch nothing: we still send to the announced
  // address, the jumbled source gets nothing.
  ASSERT_TRUE(WaitUntil([&] { return engine_->counters().learning >= 20; }));
  size_t announced_count = announced.received_count();
  ASSERT_TRUE(WaitUntil([&] { return announced.received_count() >= announced_count + 10; }));
  EXPECT_EQ(jumbled.received_count(), 0u);

  nat.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return nat.ReceivedAudio().size() >= 4000; }));
  ExpectTone(Last(nat.ReceivedAudio(), 4000), 1000, 440);

  // Latched for good: a later consistent source gets nothing, the NAT source everything.
  late.Stream(s.local_port, MakeSine(2000, 1000), true);
  announced_count = announced.received_count();
  size_t nat_count = nat.received_count();
  ASSERT_TRUE(WaitUntil([&] { return nat.received_count() >= nat_count + 50; }));
  EXPECT_EQ(late.received_count(), 0u);
  EXPECT_EQ(jumbled.received_count(), 0u);
  EXPECT_EQ(announced.received_count(), announced_count);
  EXPECT_GE(engine_->counters().foreign_source, 20u);
}

TEST_F(RtpSourceTest, NoLearningAfterTheWindowOnlyTheNegotiatedAddress) {
  MediaOptions options;
  options.learning_window_ms = 200;
  StartEngine(42080, options);
  RtpPeer announced;
  RtpPeer stray;
  RtpPeer nat;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(announced.port()));
  engine_->Echo(s.id);
  // One packet opens the window; a consistent stream after it has closed is refused.
  uint8_t silence[kFrameSamples];
  std::fill(std::begin(silence), std::end(silence), 0xFF);
  stray.Send(s.local_port, RtpHeader{}, silence);
  ASSERT_TRUE(WaitUntil([&] { return engine_->counters().learning >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // past the window
  nat.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return engine_->counters().foreign_source >= 25; }));
  EXPECT_EQ(nat.received_count(), 0u);
  // The negotiated address is always accepted.
  announced.Stream(s.local_port, MakeSine(1000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return announced.ReceivedAudio().size() >= 8000; }));
  ExpectTone(Last(announced.ReceivedAudio(), 4000), 1000, 440);
  EXPECT_EQ(nat.received_count(), 0u);
}

TEST_F(RtpSourceTest, LearningOffAcceptsOnlyTheNegotiatedAddress) {
  MediaOptions options;
  options.learning_window_ms = 0;  // rtp_learning_ms: 0
  StartEngine(42360, options);
  RtpPeer announced;
  RtpPeer nat;
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(announced.port()));
  engine_->Echo(s.id);
  nat.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return engine_->counters().foreign_source >= 25; }));
  EXPECT_EQ(nat.received_count(), 0u);
  EXPECT_EQ(engine_->counters().learning, 0u);
}

TEST_F(RtpSourceTest, TheNegotiatedAddressTakesOverFromALearnedSource) {
  StartEngine(42120);
  RtpPeer announced;
  RtpPeer first("127.0.0.2");  // e.g. a stray stream of an old call on a reused port
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(announced.port()));
  engine_->Play(s.id, MakeSine(1000, 1000), true);
  first.Stream(s.local_port, MakeSine(2000, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return first.received_count() >= 5; }));  // learned (NAT)
  announced.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return announced.received_count() >= 25; }));
  size_t first_count = first.received_count();
  size_t announced_count = announced.received_count();
  ASSERT_TRUE(WaitUntil([&] { return announced.received_count() >= announced_count + 25; }));
  EXPECT_EQ(first.received_count(), first_count);
}

TEST_F(RtpSourceTest, ANewOfferWithANewAddressLearnsAgain) {
  StartEngine(42160);
  RtpPeer phone1;
  RtpPeer phone2;
  RtpPeer nat("127.0.0.2");
  SessionInfo s = Create();
  engine_->SetRemote(s.id, RemoteAt(phone1.port()));
  engine_->Play(s.id, MakeSine(1000, 1000), true);
  phone1.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return phone1.received_count() >= 10; }));

  // Re-INVITE to another address (a transfer, a new phone): the new one is accepted at once,
  // the old one becomes foreign.
  engine_->SetRemote(s.id, RemoteAt(phone2.port()));
  phone2.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return phone2.received_count() >= 10; }));
  size_t phone1_count = phone1.received_count();
  size_t phone2_count = phone2.received_count();
  ASSERT_TRUE(WaitUntil([&] { return phone2.received_count() >= phone2_count + 25; }));
  EXPECT_LE(phone1.received_count(), phone1_count + 1);  // at most one in flight

  // A new offer naming an address nobody sends from: a NAT source is learned again.
  phone1.StopStream();
  phone2.StopStream();
  RtpPeer silent;
  engine_->SetRemote(s.id, RemoteAt(silent.port()));
  nat.Stream(s.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return nat.received_count() >= 25; }));
}

TEST_F(RtpSourceTest, UnverifiedSessionSendsNothingBeforeItReceivedMedia) {
  StartEngine(42200);
  RtpPeer third_party;  // named in an unauthenticated offer; never sends
  RtpPeer clock_peer;
  SessionInfo unverified = Create(0, PeerTrust::kUnverified);
  SessionInfo clock = Create();
  engine_->SetRemote(unverified.id, RemoteAt(third_party.port()));
  engine_->Play(unverified.id, MakeSine(1000, 1000), true);
  engine_->SetRemote(clock.id, RemoteAt(clock_peer.port()));
  // One second of ticks (50 packets to the negotiated session) and nothing to the third party.
  ASSERT_TRUE(WaitUntil([&] { return clock_peer.received_count() >= 50; }));
  EXPECT_EQ(third_party.received_count(), 0u);

  // Once the negotiated address sent valid RTP, it gets the prompt.
  third_party.Stream(unverified.local_port, MakeSine(440, 1000), true);
  ASSERT_TRUE(WaitUntil([&] { return third_party.ReceivedAudio().size() >= 4000; }));
  ExpectTone(Last(third_party.ReceivedAudio(), 4000), 1000, 440);
}

TEST_F(RtpSourceTest, EveryMediaStateHasAnInactivityTimeout) {
  MediaOptions options;
  options.rtp_timeout_ms = 60000;
  options.hold_timeout_ms = 300;
  options.no_media_timeout_ms = 600;
  StartEngine(42240, options);
  RtpPeer peer;
  RtpPeer talker;
  SessionInfo inactive = Create();
  SessionInfo held = Create();
  SessionInfo unverified = Create(0, PeerTrust::kUnverified);
  SessionInfo live = Create(0, PeerTrust::kUnverified);
  RemoteMedia none = RemoteAt(peer.port());
  none.send = none.receive = false;  // a=inactive
  engine_->SetRemote(inactive.id, none);
  RemoteMedia recvonly = RemoteAt(peer.port());
  recvonly.receive = false;  // the peer only listens (we put it on hold)
  engine_->SetRemote(held.id, recvonly);
  engine_->SetRemote(unverified.id, RemoteAt(peer.port()));  // sendrecv, but nobody sends
  engine_->SetRemote(live.id, RemoteAt(talker.port()));
  talker.Stream(live.local_port, MakeSine(440, 1000), true);

  ASSERT_TRUE(WaitUntil([&] { return !Timeouts(unverified.id).empty(); }));
  ASSERT_EQ(Timeouts(inactive.id).size(), 1u);
  EXPECT_EQ(Timeouts(inactive.id)[0].timeout, MediaEvent::Timeout::kHold);
  ASSERT_EQ(Timeouts(held.id).size(), 1u);
  EXPECT_EQ(Timeouts(held.id)[0].timeout, MediaEvent::Timeout::kHold);
  EXPECT_EQ(Timeouts(unverified.id)[0].timeout, MediaEvent::Timeout::kNoMedia);
  EXPECT_TRUE(Timeouts(live.id).empty());
}

TEST_F(RtpSourceTest, AnUnverifiedInactiveCallerIsTimedOutEvenWithALongHoldTimeout) {
  MediaOptions options;
  options.hold_timeout_ms = 3600000;
  options.no_media_timeout_ms = 300;
  StartEngine(42280, options);
  RtpPeer peer;
  SessionInfo s = Create(0, PeerTrust::kUnverified);
  RemoteMedia none = RemoteAt(peer.port());
  none.send = none.receive = false;
  engine_->SetRemote(s.id, none);
  ASSERT_TRUE(WaitUntil([&] { return !Timeouts(s.id).empty(); }));
  EXPECT_EQ(Timeouts(s.id)[0].timeout, MediaEvent::Timeout::kNoMedia);
}

TEST_F(RtpSourceTest, AReleasedPortWaitsOutItsQuarantine) {
  MediaOptions options;
  options.port_quarantine_ms = 60000;
  StartEngine(42320, options);  // 20 even ports
  SessionInfo first = Create();
  engine_->Destroy(first.id);
  // Every other port is handed out before the released one comes back.
  std::vector<uint16_t> ports;
  for (int i = 0; i < 19; ++i) ports.push_back(Create().local_port);
  EXPECT_EQ(std::count(ports.begin(), ports.end(), first.local_port), 0);
  EXPECT_EQ(engine_->counters().ports_reused_early, 0u);
  // Only the quarantined one is left: a call is worth more, it is handed out and counted.
  ASSERT_TRUE(WaitUntil([&] {
    auto again = engine_->CreateSession();
    if (!again.ok()) return false;
    EXPECT_EQ(again->local_port, first.local_port);
    return true;
  }));
  EXPECT_EQ(engine_->counters().ports_reused_early, 1u);
}

}  // namespace
}  // namespace hotline::media
