#include "ivr/action.h"

namespace hotline::ivr {

namespace {

struct Describer {
  std::string operator()(const Play& a) const {
    std::string kind = a.prompt.kind == ResolvedPrompt::Kind::kFile ? "file " : "tts ";
    return "Play(" + kind + a.prompt.language + ":" + a.prompt.content + ", #" +
           std::to_string(a.token) + (a.allow_barge_in ? ", barge-in)" : ")");
  }
  std::string operator()(const StopPlay&) const { return "StopPlay"; }
  std::string operator()(const StartTimer& a) const {
    return "StartTimer(#" + std::to_string(a.token) + ", " + std::to_string(a.after.count()) +
           "ms)";
  }
  std::string operator()(const CancelTimer& a) const {
    return "CancelTimer(#" + std::to_string(a.token) + ")";
  }
  std::string operator()(const Lookup& a) const {
    std::string keys;
    for (const auto& [name, value] : a.keys) keys += " " + name + "=" + value;
    return "Lookup(#" + std::to_string(a.token) + " " + a.kind + keys + ")";
  }
  std::string operator()(const Queue& a) const {
    return "Queue(" + a.queue + ", priority " + std::to_string(a.priority) +
           (a.vip ? ", vip" : "") + (a.returns ? ", returns" : "") + ")";
  }
  std::string operator()(const Transfer& a) const {
    return std::string("Transfer(") +
           (a.kind == Transfer::Kind::kExtension ? "extension " : "number ") + a.target + ")";
  }
  std::string operator()(const Voicemail& a) const { return "Voicemail(" + a.mailbox + ")"; }
  std::string operator()(const Hangup& a) const { return "Hangup(" + a.reason + ")"; }
  std::string operator()(const RecordEvent& a) const {
    return "RecordEvent(" + a.kind + ": " + a.detail + ")";
  }
};

}  // namespace

bool IsTerminal(const Action& action) {
  if (const auto* queue = std::get_if<Queue>(&action)) return !queue->returns;
  return std::holds_alternative<Transfer>(action) || std::holds_alternative<Voicemail>(action) ||
         std::holds_alternative<Hangup>(action);
}

std::string Describe(const Action& action) { return std::visit(Describer{}, action); }

}  // namespace hotline::ivr
