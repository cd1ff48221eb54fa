// api/flow_error.h: the line and node of an invalid IVR flow, read back from the flow
// loader's message ("SOURCE:LINE: node 'ID': problem", one problem per line), so the console
// can point at the place. Pure.
#pragma once

#include <string>

namespace hotline::api {

struct FlowProblem {
  int line = 0;         // 0: unknown
  std::string node;     // "" if the problem is not about one node
  std::string message;  // the first problem without its "SOURCE:LINE: " prefix
};

FlowProblem ParseFlowError(const std::string& loader_message);

}  // namespace hotline::api
