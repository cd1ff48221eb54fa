// call/queue_announcement.h: what a caller waiting in a queue is told: position, expected
// wait and, when the caller can be dialled back, the "press 1 for a callback" offer; plus the
// callback confirmations. Chinese or English text for the TTS engine. Pure.
#pragma once

#include <cstddef>
#include <string>

#include "common/clock.h"

namespace hotline::call {

// The key a waiting caller presses to be called back.
inline constexpr char kCallbackKey = '1';

// position: 1 = next. expected_wait: the ACD's estimate.
std::string QueueAnnouncement(const std::string& language, std::size_t position,
                              Duration expected_wait, bool offer_callback);

// Said after the caller asked for a callback, before hanging up.
std::string CallbackConfirmation(const std::string& language);

// Said to the agent who answers a callback, while the customer's phone rings.
std::string CallbackAgentIntro(const std::string& language, const std::string& number);

}  // namespace hotline::call
