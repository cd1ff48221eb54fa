// app/server.h: wiring. The only place that knows every layer: builds the store writer,
// media engine, SIP stack and call controller from a Config, runs the control loop on the
// calling thread, reloads the IVR flows on SIGHUP and shuts everything down in order on
// SIGINT/SIGTERM.
#pragma once

#include "common/config.h"

namespace hotline::app {

// Returns the process exit code.
int RunServer(const Config& config);

}  // namespace hotline::app
