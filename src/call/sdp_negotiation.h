// call/sdp_negotiation.h: what call control needs from SDP offer/answer, expressed in media
// terms: answer a caller's offer (choose PCMU/PCMA + telephone-event), make our offer to a
// callee, accept the callee's answer, and follow hold/resume directions. Pure functions over
// sip/sdp.h; any thread.
#pragma once

#include <string>
#include <vector>

#include "common/ip_network.h"
#include "common/result.h"
#include "media/media_engine.h"

namespace hotline::call {

enum class MediaDirection { kSendRecv, kSendOnly, kRecvOnly, kInactive };

struct LocalEndpoint {
  std::string ip;
  uint16_t port = 0;
  uint64_t session_id = 0;  // o= line session id
  uint64_t version = 1;     // o= line version; bump for each new offer/answer in a dialog
};

struct AnsweredOffer {
  media::RemoteMedia remote;  // where and how to send to the offerer
  MediaDirection offered = MediaDirection::kSendRecv;
  MediaDirection answer = MediaDirection::kSendRecv;
  std::string answer_sdp;
};

// Answers an offer. Error when it is not SDP, has no audio or no codec we support, or its
// connection address is one we must not send to (sip::CheckMediaAddress: multicast,
// broadcast, reserved, outside media_networks; empty = any unicast) (-> 488).
Result<AnsweredOffer> AnswerOffer(const std::string& offer_sdp, const LocalEndpoint& local,
                                  const std::vector<IpNetwork>& media_networks = {});

// Our offer: PCMU, PCMA and telephone-event/8000 on 101, with the given direction.
std::string MakeOffer(const LocalEndpoint& local, MediaDirection direction);

// Reads a callee's answer to MakeOffer. Error also for a multicast/broadcast/reserved address.
Result<media::RemoteMedia> AcceptAnswer(const std::string& answer_sdp);

}  // namespace hotline::call
