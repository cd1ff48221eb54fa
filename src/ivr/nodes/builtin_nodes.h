// ivr/nodes/builtin_nodes.h: registration hooks of the node types shipped with Hotline, one
// per file in this folder. Each file keeps its node class private and exposes only this.
#pragma once

namespace hotline::ivr {

class NodeRegistry;

void RegisterPlayNode(NodeRegistry& registry);
void RegisterMenuNode(NodeRegistry& registry);
void RegisterCollectNode(NodeRegistry& registry);
void RegisterBranchNode(NodeRegistry& registry);
void RegisterLookupNode(NodeRegistry& registry);
void RegisterSetLanguageNode(NodeRegistry& registry);
void RegisterSetNode(NodeRegistry& registry);
void RegisterQueueNode(NodeRegistry& registry);
void RegisterTransferNode(NodeRegistry& registry);
void RegisterVoicemailNode(NodeRegistry& registry);
void RegisterSurveyNode(NodeRegistry& registry);
void RegisterHangupNode(NodeRegistry& registry);

inline void RegisterBuiltinNodes(NodeRegistry& registry) {
  RegisterPlayNode(registry);
  RegisterMenuNode(registry);
  RegisterCollectNode(registry);
  RegisterBranchNode(registry);
  RegisterLookupNode(registry);
  RegisterSetLanguageNode(registry);
  RegisterSetNode(registry);
  RegisterQueueNode(registry);
  RegisterTransferNode(registry);
  RegisterVoicemailNode(registry);
  RegisterSurveyNode(registry);
  RegisterHangupNode(registry);
}

}  // namespace hotline::ivr
