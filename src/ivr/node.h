// ivr/node.h: the interface every IVR node type implements. A node is immutable flow data
// (shared by all sessions of a flow); what changes during a call lives in the Context it is
// handed (variables, language, the node's NodeScratch). Handlers turn one event into actions
// and at most one transition (Context::Goto) or an end (Context::Finish). Node types live in
// nodes/, one file each, registered by name (node_registry.h).
#pragma once

#include <string>
#include <vector>

#include "ivr/action.h"

namespace hotline::ivr {

class Context;

// A transition out of a node, for validation and documentation: "next", "fallback", "1"...
struct Edge {
  std::string label;
  std::string target;
  int line = 0;
};

class Node {
 public:
  virtual ~Node() = default;

  const std::string& id() const { return id_; }
  const std::string& type() const { return type_; }
  int line() const { return line_; }
  const std::vector<Edge>& edges() const { return edges_; }

  // True when the node waits for the caller's keys (menu, collect, survey). A cycle of nodes
  // none of which takes input is refused by the validator.
  virtual bool TakesInput() const { return false; }

  // The session arrived at this node; its scratch is fresh.
  virtual void Enter(Context& ctx) const = 0;
  virtual void OnDigit(Context& /*ctx*/, char /*digit*/) const {}
  // Only for plays this node started and that were not stopped.
  virtual void OnPlayDone(Context& /*ctx*/, Token /*token*/) const {}
  // Only for timers this node started and that were not cancelled.
  virtual void OnTimer(Context& /*ctx*/, Token /*token*/) const {}
  virtual void OnLookupResult(Context& /*ctx*/, const LookupResult& /*result*/) const {}
  virtual void OnQueueEnded(Context& /*ctx*/, QueueOutcome /*outcome*/) const {}

  // Set by the flow loader once the node is built.
  void Bind(std::string id, std::string type, int line, std::vector<Edge> edges) {
    id_ = std::move(id);
    type_ = std::move(type);
    line_ = line;
    edges_ = std::move(edges);
  }

 private:
  std::string id_;
  std::string type_;
  int line_ = 0;
  std::vector<Edge> edges_;
};

}  // namespace hotline::ivr
