#include "sip/sdp.h"

#include <gtest/gtest.h>

#include <random>

namespace hotline::sip {
namespace {

// What `sipp -sn uac` sends.
constexpr char kSippOffer[] =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

// baresip-like: opus first, G.711 later, telephone-event on 101, RTCP attributes.
constexpr char kBaresipOffer[] =
    "v=0\r\n"
    "o=- 1876293814 3182938476 IN IP4 192.168.1.20\r\n"
    "s=-\r\n"
    "c=IN IP4 192.168.1.20\r\n"
    "t=0 0\r\n"
    "m=audio 10664 RTP/AVP 96 9 0 8 101\r\n"
    "b=AS:128\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 stereo=1;sprop-stereo=1\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=sendrecv\r\n"
    "a=label:1\r\n"
    "a=ssrc:1273451 cname:7c5a5d87\r\n"
    "a=rtcp-rsize\r\n";

// Linphone-like: many codecs, PCMA before PCMU, telephone-event/8000 on 96 next to a 48 kHz
// one on 101, a video stream after the audio.
constexpr char kLinphoneOffer[] =
    "v=0\r\n"
    "o=1001 3294 1872 IN IP4 10.0.0.15\r\n"
    "s=Talk\r\n"
    "c=IN IP4 10.0.0.15\r\n"
    "t=0 0\r\n"
    "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\r\n"
    "m=audio 7078 RTP/AVP 97 98 8 0 18 101 96 99\r\n"
    "a=rtpmap:97 opus/48000/2\r\n"
    "a=fmtp:97 useinbandfec=1\r\n"
    "a=rtpmap:98 speex/16000\r\n"
    "a=fmtp:98 vbr=on\r\n"
    "a=rtpmap:101 telephone-event/48000\r\n"
    "a=rtpmap:96 telephone-event/8000\r\n"
    "a=rtpmap:99 telephone-event/16000\r\n"
    "a=fmtp:18 annexb=yes\r\n"
    "a=ptime:30\r\n"
    "a=rtcp-fb:* trr-int 1000\r\n"
    "m=video 9078 RTP/AVP 103 99\r\n"
    "a=rtpmap:103 VP8/90000\r\n"
    "a=rtpmap:99 H264/90000\r\n"
    "a=fmtp:99 profile-level-id=42801F\r\n";

std::string Offer(const std::string& media_and_attributes,
                  const std::string& connection = "c=IN IP4 192.0.2.10\r\n") {
  return "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n" + connection + "t=0 0\r\n" +
         media_and_attributes;
}

NegotiatedAudio Negotiate(const std::string& text, const NegotiationPolicy& policy = {}) {
  auto offer = ParseSdp(text);
  EXPECT_TRUE(offer.ok()) << offer.error().message;
  if (!offer.ok()) return {};
  auto negotiated = NegotiateAnswer(*offer, policy);
  EXPECT_TRUE(negotiated.ok()) << negotiated.error().message;
  return negotiated.ok() ? *negotiated : NegotiatedAudio{};
}

TEST(Sdp, ParsesSippOffer) {
  auto offer = ParseSdp(kSippOffer);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->session_id, 53655765u);
  EXPECT_EQ(offer->session_version, 2353687637u);
  EXPECT_EQ(offer->connection_ip, "127.0.0.1");
  EXPECT_FALSE(offer->ipv6);
  EXPECT_EQ(offer->port, 6000);
  ASSERT_EQ(offer->formats.size(), 1u);
  EXPECT_EQ(offer->formats[0].payload_type, 0);
  EXPECT_EQ(offer->formats[0].encoding, "PCMU");
  EXPECT_EQ(offer->formats[0].clock_rate, 8000u);
  EXPECT_EQ(offer->direction, Direction::kSendRecv);
  EXPECT_FALSE(offer->zero_connection);
  EXPECT_FALSE(offer->ptime_ms.has_value());
  EXPECT_EQ(offer->audio_index, 0u);
  ASSERT_EQ(offer->media_lines.size(), 1u);

  auto negotiated = NegotiateAnswer(*offer);
  ASSERT_TRUE(negotiated.ok());
  EXPECT_EQ(negotiated->remote_ip, "127.0.0.1");
  EXPECT_EQ(negotiated->remote_port, 6000);
  EXPECT_EQ(negotiated->codec, Codec::kPcmu);
  EXPECT_EQ(negotiated->payload_type, 0);
  EXPECT_FALSE(negotiated->dtmf_payload_type.has_value());
  EXPECT_EQ(negotiated->local_direction, Direction::kSendRecv);
  EXPECT_EQ(negotiated->remote_ptime_ms, 20);
  EXPECT_TRUE(negotiated->send());
  EXPECT_TRUE(negotiated->receive());
}

TEST(Sdp, SippMinimalOfferWithoutRtpmap) {
  // sipp's "m=audio 6000 RTP/AVP 0" with no a=rtpmap: static PT 0 is PCMU.
  NegotiatedAudio n = Negotiate(Offer("m=audio 6000 RTP/AVP 0\r\n", "c=IN IP4 127.0.0.1\r\n"));
  EXPECT_EQ(n.codec, Codec::kPcmu);
  EXPECT_EQ(n.remote_ip, "127.0.0.1");
  EXPECT_EQ(n.remote_port, 6000);
}

TEST(Sdp, BaresipOfferPicksFirstSupportedInOfferOrder) {
  auto offer = ParseSdp(kBaresipOffer);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  ASSERT_EQ(offer->formats.size(), 5u);
  EXPECT_EQ(offer->formats[0].encoding, "opus");
  EXPECT_EQ(offer->formats[0].clock_rate, 48000u);
  EXPECT_EQ(offer->formats[0].channels, "2");
  EXPECT_EQ(offer->formats[0].fmtp, "stereo=1;sprop-stereo=1");
  EXPECT_EQ(offer->formats[4].encoding, "telephone-event");
  EXPECT_EQ(offer->formats[4].fmtp, "0-15");
  NegotiatedAudio n = Negotiate(kBaresipOffer);
  EXPECT_EQ(n.codec, Codec::kPcmu);
  EXPECT_EQ(n.payload_type, 0);
  EXPECT_EQ(n.dtmf_payload_type, 101);
  EXPECT_EQ(n.remote_ip, "192.168.1.20");
  EXPECT_EQ(n.remote_port, 10664);
}

TEST(Sdp, LinphoneOfferPrefersPcmaAndTelephoneEventAt8k) {
  auto offer = ParseSdp(kLinphoneOffer);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->ptime_ms, 30);
  ASSERT_EQ(offer->media_lines.size(), 2u);
  EXPECT_EQ(offer->audio_index, 0u);
  EXPECT_EQ(offer->media_lines[1].media, "video");
  EXPECT_EQ(offer->media_lines[1].proto, "RTP/AVP");
  EXPECT_EQ(offer->media_lines[1].format, "103");
  EXPECT_EQ(offer->media_lines[1].port, 9078);

  NegotiatedAudio n = Negotiate(kLinphoneOffer);
  EXPECT_EQ(n.codec, Codec::kPcma);
  EXPECT_EQ(n.payload_type, 8);
  EXPECT_EQ(n.dtmf_payload_type, 96);
  EXPECT_EQ(n.remote_ptime_ms, 30);

  NegotiationPolicy ours;
  ours.prefer_ours = true;  // PCMU first in our list
  EXPECT_EQ(Negotiate(kLinphoneOffer, ours).codec, Codec::kPcmu);
  NegotiationPolicy only_pcmu;
  only_pcmu.supported = {Codec::kPcmu};
  EXPECT_EQ(Negotiate(kLinphoneOffer, only_pcmu).codec, Codec::kPcmu);
}

TEST(Sdp, AnswerMirrorsOtherStreamsAsRejected) {
  auto offer = ParseSdp(kLinphoneOffer);
  ASSERT_TRUE(offer.ok());
  auto negotiated = NegotiateAnswer(*offer);
  ASSERT_TRUE(negotiated.ok());
  std::string answer = BuildAnswer(*offer, *negotiated, 42, 1, "203.0.113.5", 20000);
  EXPECT_EQ(answer,
            "v=0\r\n"
            "o=hotline 42 1 IN IP4 203.0.113.5\r\n"
            "s=hotline\r\n"
            "c=IN IP4 203.0.113.5\r\n"
            "t=0 0\r\n"
            "m=audio 20000 RTP/AVP 8 96\r\n"
            "a=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:96 telephone-event/8000\r\n"
            "a=fmtp:96 0-16\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n"
            "m=video 0 RTP/AVP 103\r\n");
  auto reparsed = ParseSdp(answer);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
  EXPECT_EQ(reparsed->media_lines.size(), 2u);
  EXPECT_EQ(reparsed->media_lines[1].port, 0);
}

TEST(Sdp, AudioAfterVideoKeepsPosition) {
  std::string text = Offer(
      "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
      "m=audio 0 RTP/AVP 0\r\n"
      "m=audio 4000 RTP/AVP 8\r\n");
  auto offer = ParseSdp(text);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->audio_index, 2u);
  EXPECT_EQ(offer->port, 4000);
  auto negotiated = NegotiateAnswer(*offer);
  ASSERT_TRUE(negotiated.ok());
  std::string answer = BuildAnswer(*offer, *negotiated, 1, 2, "127.0.0.1", 30000);
  EXPECT_NE(answer.find("m=video 0 RTP/AVP 96\r\nm=audio 0 RTP/AVP 0\r\nm=audio 30000 RTP/AVP 8"
                        "\r\n"),
            std::string::npos)
      << answer;
}

TEST(Sdp, DynamicPayloadTypeForG711) {
  NegotiatedAudio n =
      Negotiate(Offer("m=audio 4000 RTP/AVP 110 101\r\na=rtpmap:110 pcmu/8000\r\n"
                      "a=rtpmap:101 telephone-event/8000\r\n"));
  EXPECT_EQ(n.codec, Codec::kPcmu);
  EXPECT_EQ(n.payload_type, 110);
  EXPECT_EQ(n.dtmf_payload_type, 101);
}

TEST(Sdp, MediaLevelConnectionWins) {
  auto offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\nc=IN IP4 198.51.100.7\r\n"));
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->connection_ip, "198.51.100.7");
  // Media-level only.
  offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\nc=IN IP4 198.51.100.8\r\n", ""));
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->connection_ip, "198.51.100.8");
}

TEST(Sdp, Ipv6Offer) {
  auto offer = ParseSdp(
      "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 8\r\n");
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->connection_ip, "2001:db8::1");
  EXPECT_TRUE(offer->ipv6);
}

TEST(Sdp, LfOnlyLineEndingsAndMissingFinalNewline) {
  auto offer = ParseSdp(
      "v=0\no=- 1 1 IN IP4 10.1.1.1\ns=-\nc=IN IP4 10.1.1.1\nt=0 0\nm=audio 4000 RTP/AVP 0 8");
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_EQ(offer->formats.size(), 2u);
}

TEST(Sdp, HoldSendonly) {
  NegotiatedAudio n = Negotiate(Offer("m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n"));
  EXPECT_EQ(n.remote_direction, Direction::kSendOnly);
  EXPECT_EQ(n.local_direction, Direction::kRecvOnly);
  EXPECT_FALSE(n.send());
  EXPECT_TRUE(n.receive());
}

TEST(Sdp, HoldSessionLevelSendonly) {
  NegotiatedAudio n = Negotiate(Offer("a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n"));
  EXPECT_EQ(n.local_direction, Direction::kRecvOnly);
  // Media level overrides session level.
  n = Negotiate(Offer("a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n"));
  EXPECT_EQ(n.local_direction, Direction::kSendRecv);
}

TEST(Sdp, HoldInactive) {
  NegotiatedAudio n = Negotiate(Offer("m=audio 4000 RTP/AVP 0\r\na=inactive\r\n"));
  EXPECT_EQ(n.remote_direction, Direction::kInactive);
  EXPECT_EQ(n.local_direction, Direction::kInactive);
  EXPECT_FALSE(n.send());
  EXPECT_FALSE(n.receive());
}

TEST(Sdp, RecvonlyIsAnsweredSendonly) {
  NegotiatedAudio n = Negotiate(Offer("m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n"));
  EXPECT_EQ(n.local_direction, Direction::kSendOnly);
}

TEST(Sdp, HoldWithZeroConnection) {
  std::string text = Offer("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 0.0.0.0\r\n");
  auto offer = ParseSdp(text);
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  EXPECT_TRUE(offer->zero_connection);
  EXPECT_EQ(offer->direction, Direction::kSendRecv);
  EXPECT_EQ(EffectiveDirection(*offer), Direction::kSendOnly);
  NegotiatedAudio n = Negotiate(text);
  EXPECT_EQ(n.local_direction, Direction::kRecvOnly);
  EXPECT_FALSE(n.send());

  n = Negotiate(Offer("m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n", "c=IN IP4 0.0.0.0\r\n"));
  EXPECT_EQ(n.local_direction, Direction::kInactive);
  n = Negotiate(Offer("m=audio 4000 RTP/AVP 0\r\na=inactive\r\n", "c=IN IP4 0.0.0.0\r\n"));
  EXPECT_EQ(n.local_direction, Direction::kInactive);
}

// The connection address of an offer decides where we would stream: never to a group, a
// broadcast or a reserved address, never outside the configured media networks (an
// unauthenticated offer must not turn Hotline into an amplifier aimed at a third party).
Status AddressCheck(const std::string& connection, const std::vector<std::string>& networks = {}) {
  auto offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\n", connection));
  EXPECT_TRUE(offer.ok()) << connection;
  if (!offer.ok()) return Error{"unparsable"};
  std::vector<IpNetwork> parsed;
  for (const auto& text : networks) {
    auto network = IpNetwork::Parse(text);
    EXPECT_TRUE(network.ok()) << text;
    if (network.ok()) parsed.push_back(*network);
  }
  return CheckMediaAddress(*offer, parsed);
}

TEST(Sdp, MediaAddressCheckRefusesMulticastBroadcastAndReserved) {
  EXPECT_TRUE(AddressCheck("c=IN IP4 192.0.2.10\r\n").ok());
  EXPECT_TRUE(AddressCheck("c=IN IP4 127.0.0.2\r\n").ok());
  EXPECT_TRUE(AddressCheck("c=IN IP6 2001:db8::1\r\n").ok());
  // c=0.0.0.0 is old-style hold: accepted (we send nothing there).
  EXPECT_TRUE(AddressCheck("c=IN IP4 0.0.0.0\r\n").ok());
  EXPECT_TRUE(AddressCheck("c=IN IP6 ::\r\n").ok());

  Status multicast = AddressCheck("c=IN IP4 239.1.2.3/127\r\n");
  EXPECT_FALSE(multicast.ok());
  EXPECT_NE(multicast.message().find("multicast"), std::string::npos) << multicast.message();
  EXPECT_FALSE(AddressCheck("c=IN IP4 224.0.0.1\r\n").ok());
  EXPECT_FALSE(AddressCheck("c=IN IP6 ff02::1\r\n").ok());
  EXPECT_FALSE(AddressCheck("c=IN IP6 ::ffff:239.1.2.3\r\n").ok());  // mapped IPv4
  Status broadcast = AddressCheck("c=IN IP4 255.255.255.255\r\n");
  EXPECT_FALSE(broadcast.ok());
  EXPECT_NE(broadcast.message().find("broadcast"), std::string::npos) << broadcast.message();
  EXPECT_FALSE(AddressCheck("c=IN IP4 240.0.0.1\r\n").ok());
}

TEST(Sdp, MediaAddressCheckHonoursTheMediaNetworks) {
  std::vector<std::string> networks = {"10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"};
  EXPECT_TRUE(AddressCheck("c=IN IP4 10.20.30.40\r\n", networks).ok());
  EXPECT_TRUE(AddressCheck("c=IN IP4 192.0.2.200\r\n", networks).ok());
  EXPECT_TRUE(AddressCheck("c=IN IP6 2001:db8:5::9\r\n", networks).ok());
  Status outside = AddressCheck("c=IN IP4 198.51.100.7\r\n", networks);
  EXPECT_FALSE(outside.ok());
  EXPECT_NE(outside.message().find("outside the media networks"), std::string::npos);
  EXPECT_FALSE(AddressCheck("c=IN IP4 192.0.3.1\r\n", networks).ok());
  EXPECT_FALSE(AddressCheck("c=IN IP6 2001:db9::1\r\n", networks).ok());
  // Hold is not an address we send to: accepted whatever the networks.
  EXPECT_TRUE(AddressCheck("c=IN IP4 0.0.0.0\r\n", networks).ok());
  // Media-level c= is the one checked.
  auto offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\nc=IN IP4 239.0.0.9\r\n"));
  ASSERT_TRUE(offer.ok());
  EXPECT_FALSE(CheckMediaAddress(*offer).ok());
}

TEST(Sdp, IpNetworkParsing) {
  EXPECT_TRUE(IpNetwork::Parse("127.0.0.1").ok());  // one host
  EXPECT_TRUE(IpNetwork::Parse("0.0.0.0/0").ok());
  EXPECT_TRUE(IpNetwork::Parse("::/0").ok());
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/33").ok());
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/").ok());
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/8x").ok());
  EXPECT_FALSE(IpNetwork::Parse("example.com/8").ok());
  auto host = IpNetwork::Parse("127.0.0.1");
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->Contains(*IpAddress::Parse("127.0.0.1")));
  EXPECT_FALSE(host->Contains(*IpAddress::Parse("127.0.0.2")));
  auto v4 = IpNetwork::Parse("10.1.2.3/8");  // host bits ignored
  ASSERT_TRUE(v4.ok());
  EXPECT_TRUE(v4->Contains(*IpAddress::Parse("10.255.0.1")));
  EXPECT_FALSE(v4->Contains(*IpAddress::Parse("2001:db8::1")));
}

TEST(Sdp, ResumeAfterHold) {
  NegotiatedAudio n = Negotiate(Offer("m=audio 4000 RTP/AVP 8\r\na=sendrecv\r\n"));
  EXPECT_EQ(n.local_direction, Direction::kSendRecv);
  EXPECT_EQ(n.codec, Codec::kPcma);
}

TEST(Sdp, PtimeVariants) {
  auto offer = ParseSdp(Offer("a=ptime:40\r\nm=audio 4000 RTP/AVP 0\r\n"));
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->ptime_ms, 40);  // session level
  offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\na=ptime:abc\r\n"));
  ASSERT_TRUE(offer.ok());
  EXPECT_FALSE(offer->ptime_ms.has_value());
  offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\na=ptime:0\r\n"));
  ASSERT_TRUE(offer.ok());
  EXPECT_FALSE(offer->ptime_ms.has_value());
}

TEST(Sdp, OnlyUnsupportedCodecsIsAnError) {
  auto offer = ParseSdp(Offer("m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"));
  ASSERT_TRUE(offer.ok());
  auto negotiated = NegotiateAnswer(*offer);
  ASSERT_FALSE(negotiated.ok());
  EXPECT_NE(negotiated.error().message.find("no common codec"), std::string::npos);

  // G.711 names at other rates or in stereo are not G.711 as we do it.
  for (const char* media : {"m=audio 4000 RTP/AVP 100\r\na=rtpmap:100 PCMU/16000\r\n",
                            "m=audio 4000 RTP/AVP 100\r\na=rtpmap:100 PCMA/8000/2\r\n",
                            "m=audio 4000 RTP/AVP 100\r\n",  // dynamic PT, no rtpmap
                            "m=audio 4000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n"}) {
    auto parsed = ParseSdp(Offer(media));
    ASSERT_TRUE(parsed.ok()) << media << parsed.error().message;
    EXPECT_FALSE(NegotiateAnswer(*parsed).ok()) << media;
  }
  NegotiationPolicy nothing;
  nothing.supported = {};
  auto parsed = ParseSdp(kSippOffer);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(NegotiateAnswer(*parsed, nothing).ok());
}

TEST(Sdp, StreamErrors) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {Offer(""), "no audio stream"},
      {Offer("m=video 5000 RTP/AVP 96\r\n"), "no audio stream"},
      {Offer("m=audio 0 RTP/AVP 0\r\n"), "rejected"},
      {Offer("m=audio 4000 RTP/SAVP 0\r\n"), "RTP/AVP"},
      {Offer("m=audio 99999 RTP/AVP 0\r\n"), "port"},
      {Offer("m=audio 4000 RTP/AVP 0\r\n", "c=IN IP4 pbx.example.com\r\n"), "not an IP"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", "c="},
  };
  for (const Case& c : cases) {
    auto parsed = ParseSdp(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.error().message.find(c.expected), std::string::npos) << parsed.error().message;
  }
}

TEST(Sdp, RejectsGarbageAndTruncation) {
  EXPECT_FALSE(ParseSdp("").ok());
  EXPECT_FALSE(ParseSdp("hello world").ok());
  EXPECT_FALSE(ParseSdp("INVITE sip:600@127.0.0.1 SIP/2.0\r\n\r\n").ok());
  EXPECT_FALSE(ParseSdp("v=0\r\n").ok());
  EXPECT_FALSE(ParseSdp(std::string_view("v=0\r\no=\0\0", 9)).ok());
  EXPECT_FALSE(ParseSdp(std::string(70 * 1024, 'a')).ok());
  std::string full = kSippOffer;
  // Cut anywhere before the m= line's payload list: never accepted.
  size_t m_line = full.find("m=audio 6000 RTP/AVP ");
  for (size_t cut = 0; cut < m_line + 21; ++cut) {
    EXPECT_FALSE(ParseSdp(full.substr(0, cut)).ok()) << cut;
  }
  // Cut after it: the description is complete enough.
  EXPECT_TRUE(ParseSdp(full.substr(0, m_line + 22)).ok());
}

TEST(Sdp, InputsThatHangOrOverreadSofia) {
  // Each of these made sofia-sip 1.12.11 loop forever or read past its buffer.
  EXPECT_FALSE(ParseSdp(Offer("m=audio 6000 XYZ :\r\n")).ok());
  EXPECT_FALSE(ParseSdp(Offer("m=audio 6000 RT\xb1/AVP 0\r\n")).ok());
  EXPECT_FALSE(ParseSdp(Offer("m=video 6000 XYZ 0//1\r\n")).ok());
  // Tabs after the transport used to hang it too; whitespace in m= lines is normalized.
  auto tabs = ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\nm=audio 6000 XYZ\t\t\t\r\n"));
  ASSERT_TRUE(tabs.ok()) << tabs.error().message;
  EXPECT_EQ(tabs->media_lines.size(), 2u);
  tabs = ParseSdp(Offer("m=audio\t4000  RTP/AVP\t0 \t8\t\r\n"));
  ASSERT_TRUE(tabs.ok()) << tabs.error().message;
  EXPECT_EQ(tabs->formats.size(), 2u);
  EXPECT_FALSE(ParseSdp(std::string(kSippOffer) + "x").ok());
  EXPECT_FALSE(ParseSdp(std::string(kSippOffer) + "  a\r\n").ok());
  // Other transports with token formats still parse; the answer rejects them.
  auto offer =
      ParseSdp(Offer("m=audio 4000 RTP/AVP 0\r\nm=image 6000 udptl t38\r\n"
                     "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  ASSERT_EQ(offer->media_lines.size(), 3u);
  EXPECT_EQ(offer->media_lines[1].format, "t38");
  EXPECT_EQ(offer->media_lines[2].format, "webrtc-datachannel");
  auto negotiated = NegotiateAnswer(*offer);
  ASSERT_TRUE(negotiated.ok());
  std::string answer = BuildAnswer(*offer, *negotiated, 1, 1, "127.0.0.1", 20000);
  EXPECT_NE(answer.find("m=image 0 udptl t38\r\nm=application 0 UDP/DTLS/SCTP "
                        "webrtc-datachannel\r\n"),
            std::string::npos)
      << answer;
}

TEST(Sdp, RandomMutationsNeverCrash) {
  std::mt19937 rng(7);
  const std::string seeds[] = {kSippOffer, kBaresipOffer, kLinphoneOffer};
  for (int i = 0; i < 3000; ++i) {
    std::string text = seeds[i % 3];
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          text.erase(at, 1 + rng() % 10);
          break;
        default:
          text.insert(at, 1, "=: \r\n0/"[rng() % 7]);
      }
    }
    auto offer = ParseSdp(text);
    if (!offer.ok()) continue;
    auto negotiated = NegotiateAnswer(*offer);
    if (!negotiated.ok()) continue;
    std::string answer = BuildAnswer(*offer, *negotiated, 1, 1, "127.0.0.1", 20000);
    EXPECT_TRUE(ParseSdp(answer).ok()) << text << "\n---\n" << answer;
  }
}

TEST(Sdp, BuildSdpExact) {
  SdpParams params;
  params.session_id = 1234;
  params.version = 5;
  params.ip = "127.0.0.1";
  params.port = 20002;
  EXPECT_EQ(BuildSdp(params),
            "v=0\r\n"
            "o=hotline 1234 5 IN IP4 127.0.0.1\r\n"
            "s=hotline\r\n"
            "c=IN IP4 127.0.0.1\r\n"
            "t=0 0\r\n"
            "m=audio 20002 RTP/AVP 0 8 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n");
}

TEST(Sdp, BuildSdpVariantsRoundTrip) {
  SdpParams params;
  params.session_id = 9;
  params.version = 10;
  params.ip = "::1";
  params.port = 30000;
  params.codecs = {Codec::kPcma, Codec::kPcma};
  params.dtmf_payload_type.reset();
  params.direction = Direction::kSendOnly;
  std::string text = BuildSdp(params);
  EXPECT_NE(text.find("c=IN IP6 ::1\r\n"), std::string::npos);
  EXPECT_NE(text.find("m=audio 30000 RTP/AVP 8\r\n"), std::string::npos);
  EXPECT_EQ(text.find("telephone-event"), std::string::npos);
  EXPECT_NE(text.find("a=sendonly\r\n"), std::string::npos);
  auto parsed = ParseSdp(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->session_id, 9u);
  EXPECT_EQ(parsed->session_version, 10u);
  EXPECT_EQ(parsed->connection_ip, "::1");
  EXPECT_EQ(parsed->port, 30000);
  EXPECT_EQ(parsed->direction, Direction::kSendOnly);
  EXPECT_EQ(parsed->ptime_ms, 20);
  ASSERT_EQ(parsed->formats.size(), 1u);
  EXPECT_EQ(parsed->formats[0].encoding, "PCMA");

  for (Direction d :
       {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly, Direction::kInactive}) {
    params.direction = d;
    params.ip = "10.0.0.1";
    auto round = ParseSdp(BuildSdp(params));
    ASSERT_TRUE(round.ok());
    EXPECT_EQ(round->direction, d);
  }
  params.codecs = {};
  EXPECT_NE(BuildSdp(params).find("m=audio 30000 RTP/AVP 0\r\n"), std::string::npos);
}

std::string OurOffer() {
  SdpParams params;
  params.session_id = 1;
  params.version = 1;
  params.ip = "127.0.0.1";
  params.port = 20000;
  return BuildSdp(params);
}

TEST(Sdp, ParseAnswerPicksTheAnsweredCodec) {
  ASSERT_TRUE(ParseSdp(OurOffer()).ok());
  auto answer =
      ParseAnswer(Offer("m=audio 5004 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
                        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->codec, Codec::kPcma);
  EXPECT_EQ(answer->payload_type, 8);
  EXPECT_EQ(answer->dtmf_payload_type, 101);
  EXPECT_EQ(answer->remote_ip, "192.0.2.10");
  EXPECT_EQ(answer->remote_port, 5004);
  EXPECT_EQ(answer->local_direction, Direction::kSendRecv);

  // An answer with several codecs: the first one that we offered.
  answer = ParseAnswer(Offer("m=audio 5004 RTP/AVP 18 0 8\r\n"));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->codec, Codec::kPcmu);
  EXPECT_FALSE(answer->dtmf_payload_type.has_value());
}

TEST(Sdp, ParseAnswerErrors) {
  EXPECT_FALSE(ParseAnswer(Offer("m=audio 5004 RTP/AVP 18\r\n")).ok());
  EXPECT_FALSE(ParseAnswer(Offer("m=audio 0 RTP/AVP 0\r\n")).ok());
  EXPECT_FALSE(ParseAnswer("").ok());
  EXPECT_FALSE(ParseAnswer("garbage").ok());
  // PCMA answered although we offered only PCMU.
  EXPECT_FALSE(ParseAnswer(Offer("m=audio 5004 RTP/AVP 8\r\n"), {Codec::kPcmu}).ok());
}

TEST(Sdp, ParseAnswerDirections) {
  auto answer = ParseAnswer(Offer("m=audio 5004 RTP/AVP 0\r\na=sendonly\r\n"));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->local_direction, Direction::kRecvOnly);
  // We offered sendonly (we hold them); they answer recvonly.
  answer = ParseAnswer(Offer("m=audio 5004 RTP/AVP 0\r\na=recvonly\r\n"),
                       {Codec::kPcmu, Codec::kPcma}, Direction::kSendOnly);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->local_direction, Direction::kSendOnly);
  // A sloppy sendrecv answer to our sendonly offer: we still only send.
  answer = ParseAnswer(Offer("m=audio 5004 RTP/AVP 0\r\n"), {Codec::kPcmu}, Direction::kSendOnly);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->local_direction, Direction::kSendOnly);
  answer = ParseAnswer(Offer("m=audio 5004 RTP/AVP 0\r\na=inactive\r\n"));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->local_direction, Direction::kInactive);
}

TEST(Sdp, DirectionHelpers) {
  EXPECT_EQ(Reverse(Direction::kSendOnly), Direction::kRecvOnly);
  EXPECT_EQ(Reverse(Direction::kRecvOnly), Direction::kSendOnly);
  EXPECT_EQ(Reverse(Direction::kSendRecv), Direction::kSendRecv);
  EXPECT_EQ(Reverse(Direction::kInactive), Direction::kInactive);
  EXPECT_STREQ(ToString(Direction::kRecvOnly), "recvonly");
  EXPECT_STREQ(EncodingName(Codec::kPcma), "PCMA");
  EXPECT_EQ(StaticPayloadType(Codec::kPcma), 8);
  EXPECT_EQ(StaticPayloadType(Codec::kPcmu), 0);
}

}  // namespace
}  // namespace hotline::sip
