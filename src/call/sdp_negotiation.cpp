#include "call/sdp_negotiation.h"

#include "sip/sdp.h"

namespace hotline::call {

namespace {

sip::Direction ToSip(MediaDirection direction) {
  switch (direction) {
    case MediaDirection::kSendRecv:
      return sip::Direction::kSendRecv;
    case MediaDirection::kSendOnly:
      return sip::Direction::kSendOnly;
    case MediaDirection::kRecvOnly:
      return sip::Direction::kRecvOnly;
    case MediaDirection::kInactive:
      return sip::Direction::kInactive;
  }
  return sip::Direction::kSendRecv;
}

MediaDirection FromSip(sip::Direction direction) {
  switch (direction) {
    case sip::Direction::kSendRecv:
      return MediaDirection::kSendRecv;
    case sip::Direction::kSendOnly:
      return MediaDirection::kSendOnly;
    case sip::Direction::kRecvOnly:
      return MediaDirection::kRecvOnly;
    case sip::Direction::kInactive:
      return MediaDirection::kInactive;
  }
  return MediaDirection::kSendRecv;
}

media::RemoteMedia ToRemote(const sip::NegotiatedAudio& audio) {
  media::RemoteMedia remote;
  remote.ip = audio.remote_ip;
  remote.port = audio.remote_port;
  remote.payload_type = audio.payload_type;
  remote.dtmf_payload_type = audio.dtmf_payload_type.value_or(0);
  remote.send = audio.send();
  remote.receive = audio.receive();
  return remote;
}

}  // namespace

Result<AnsweredOffer> AnswerOffer(const std::string& offer_sdp, const LocalEndpoint& local,
                                  const std::vector<IpNetwork>& media_networks) {
  if (offer_sdp.empty()) return Error{"INVITE without SDP offer (late offer is not supported)"};
  auto offer = sip::ParseSdp(offer_sdp);
  if (!offer) return offer.error();
  if (Status address = sip::CheckMediaAddress(*offer, media_networks); !address.ok()) {
    return Error{address.message()};
  }
  auto negotiated = sip::NegotiateAnswer(*offer);
  if (!negotiated) return negotiated.error();
  AnsweredOffer answered;
  answered.remote = ToRemote(*negotiated);
  answered.offered = FromSip(negotiated->remote_direction);
  answered.answer = FromSip(negotiated->local_direction);
  answered.answer_sdp =
      sip::BuildAnswer(*offer, *negotiated, local.session_id, local.version, local.ip, local.port);
  return answered;
}

std::string MakeOffer(const LocalEndpoint& local, MediaDirection direction) {
  sip::SdpParams params;
  params.session_id = local.session_id;
  params.version = local.version;
  params.ip = local.ip;
  params.port = local.port;
  params.direction = ToSip(direction);
  return sip::BuildSdp(params);
}

Result<media::RemoteMedia> AcceptAnswer(const std::string& answer_sdp) {
  auto answer = sip::ParseAnswer(answer_sdp);
  if (!answer) return answer.error();
  // Re-checked on the answer's own address (ParseAnswer keeps only the negotiated audio).
  auto address = IpAddress::Parse(answer->remote_ip);
  if (address && !address->IsUnspecified() &&
      (address->IsMulticast() || address->IsBroadcast() || address->IsReserved())) {
    return Error{"answer's connection address " + answer->remote_ip + " refused"};
  }
  return ToRemote(*answer);
}

}  // namespace hotline::call
