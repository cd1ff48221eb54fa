// call/flow_catalog.h: which IVR flow version answers each dial-plan number. Flows are YAML
// documents kept, versioned, in the database (store::FlowStore); the catalog is the only way
// they get there and come back out:
//   - Seed: on start, a flow that has no stored version yet is stored from the configuration
//     (the dial-plan entry's flow file) as version 1, author "seed". Once a flow is stored the
//     database wins: a changed seed file is not stored again (import it instead).
//   - Publish: a new version is validated with ivr::LoadFlow first; an invalid document is
//     refused with the loader's "source:line: node 'id': problem" lines and nothing is stored.
//   - LiveFlows: per dial-plan number (action "ivr"), the newest stored version of its flow
//     that validates. If none does (or the database fails), the one returned last time stays.
// A flow is attached to a number by its name: the `flow:` name of the number's seed document.
// Not thread-safe: uses the FlowStore (and so the SqliteDb) of one thread; in the server the
// control thread's.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"
#include "ivr/flow.h"
#include "store/flow_store.h"

namespace hotline::call {

// A version stored by Publish.
struct PublishedFlow {
  std::string name;
  int version = 0;
  std::vector<std::string> warnings;  // the loader's (unreachable nodes, missing languages)
};

class FlowCatalog {
 public:
  // Keeps the dial plan's "ivr" entries. `flows` must outlive the catalog.
  FlowCatalog(store::FlowStore& flows, const std::vector<DialPlanEntry>& dial_plan);

  // Stores each ivr entry's seed document as version 1 of its flow if the database has no
  // version of that flow; resolves which flow name answers which number. The seed text is the
  // entry's flow_yaml, or the file at its target when flow_yaml is empty. Error (naming the
  // number) if a seed cannot be read, or is invalid while no version of it is stored, or the
  // database fails; the other entries are still seeded.
  Status Seed(WallTime now);

  // Validates `yaml_text` (errors name `source`, e.g. the imported file) and stores it as the
  // next version of its `flow:` name. Error: the loader's message, or the database's.
  Result<PublishedFlow> Publish(const std::string& yaml_text, const std::string& author,
                                WallTime now, const std::string& source = "flow");

  // Dial-plan number -> live flow, for CallController::SetFlows. Numbers whose flow has no
  // valid version (and never had one) are left out. Call after Seed.
  std::map<std::string, ivr::FlowPtr> LiveFlows();

  // The flow name answering `number` ("" if unknown); known after Seed.
  std::string FlowNameFor(const std::string& number) const;

 private:
  // The newest version of `name` that validates, with its version number; nullptr if none.
  ivr::FlowPtr NewestValid(const std::string& name, int* version);

  store::FlowStore& flows_;
  std::vector<DialPlanEntry> entries_;        // action "ivr" only
  std::map<std::string, std::string> names_;  // number -> flow name
  std::map<std::string, ivr::FlowPtr> live_;  // last LiveFlows() result
  std::map<std::string, int> live_versions_;  // number -> version in live_
};

}  // namespace hotline::call
