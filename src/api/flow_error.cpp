#include "api/flow_error.h"

#include <regex>

namespace hotline::api {

FlowProblem ParseFlowError(const std::string& loader_message) {
  FlowProblem problem;
  std::string first = loader_message.substr(0, loader_message.find('\n'));
  problem.message = first;
  static const std::regex kLine(R"(^.*?:(\d+): (.*)$)");
  static const std::regex kNode(R"(^node '([^']*)': (.*)$)");
  std::smatch match;
  std::string rest = first;
  if (std::regex_match(first, match, kLine)) {
    try {
      problem.line = std::stoi(match[1].str());
    } catch (...) {
      problem.line = 0;
    }
    rest = match[2].str();
    problem.message = rest;
  }
  std::smatch node;
  if (std::regex_match(rest, node, kNode)) problem.node = node[1].str();
  return problem;
}

}  // namespace hotline::api
