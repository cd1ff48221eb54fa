#include "ivr/node_registry.h"

#include <cassert>

#include "ivr/nodes/builtin_nodes.h"

namespace hotline::ivr {

void NodeRegistry::Register(const std::string& type, NodeFactory factory) {
  bool inserted = factories_.emplace(type, std::move(factory)).second;
  assert(inserted);
  (void)inserted;
}

const NodeFactory* NodeRegistry::Find(const std::string& type) const {
  auto it = factories_.find(type);
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> NodeRegistry::Types() const {
  std::vector<std::string> types;
  for (const auto& [type, factory] : factories_) types.push_back(type);
  return types;
}

const NodeRegistry& NodeRegistry::Builtin() {
  static const NodeRegistry registry = [] {
    NodeRegistry r;
    RegisterBuiltinNodes(r);
    return r;
  }();
  return registry;
}

}  // namespace hotline::ivr
