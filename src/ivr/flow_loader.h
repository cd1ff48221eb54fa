// ivr/flow_loader.h: parses and validates an IVR flow document (YAML). A flow is accepted
// only whole: any error refuses it with every problem found, one per line, as
// "source:line: node 'id': problem". Warnings (unreachable nodes, prompts missing a language)
// do not refuse a flow; they are kept in Flow::warnings. Pure: text in, flow out.
//
// Callers keep serving the previous FlowPtr until a new one loads:
//   auto loaded = LoadFlow(text, "flows/hotline.yaml");
//   if (loaded) current = *loaded; else log(loaded.error().message);
#pragma once

#include <string>

#include "common/result.h"
#include "ivr/flow.h"
#include "ivr/node_registry.h"

namespace hotline::ivr {

// Loads with the built-in node types.
Result<FlowPtr> LoadFlow(const std::string& yaml_text, const std::string& source_name);
// Loads with the node types of `registry` (tests, extensions).
Result<FlowPtr> LoadFlow(const std::string& yaml_text, const std::string& source_name,
                         const NodeRegistry& registry);

}  // namespace hotline::ivr
