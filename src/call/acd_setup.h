// call/acd_setup.h: turns the configuration's queues and agents into the ACD core's queue and
// agent definitions. Every SIP user becomes an agent (users without an `agents:` entry have
// no skills: they can log in but match no queue).
#pragma once

#include "acd/acd.h"
#include "common/config.h"
#include "common/result.h"

namespace hotline::call {

acd::QueueConfig ToQueueConfig(const QueueSettings& settings);

// Adds every queue, then every agent, to `acd`. Queues are added in an order that defines
// each queue an overflow rule borrows from before the rule's queue.
Status ConfigureAcd(const Config& config, acd::Acd& acd);

}  // namespace hotline::call
