// ivr/node_registry.h: node types by name ("menu", "collect"...). A factory reads its node's
// fields through a NodeReader (which records problems and transitions) and returns the node.
// Builtin() holds the node types in nodes/; it is filled by explicit calls rather than static
// initialisers, which a static library would silently drop. Read-only once built.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ivr/node.h"
#include "ivr/node_reader.h"

namespace hotline::ivr {

// Returns the node, or nullptr when the fields were too broken to build one (after reporting
// why through the reader).
using NodeFactory = std::function<std::unique_ptr<Node>(NodeReader& reader)>;

class NodeRegistry {
 public:
  // REQUIRES: `type` not registered yet.
  void Register(const std::string& type, NodeFactory factory);
  const NodeFactory* Find(const std::string& type) const;
  std::vector<std::string> Types() const;

  // play, menu, collect, branch, lookup, set_language, set, queue, transfer, voicemail,
  // survey, hangup.
  static const NodeRegistry& Builtin();

 private:
  std::map<std::string, NodeFactory> factories_;
};

}  // namespace hotline::ivr
