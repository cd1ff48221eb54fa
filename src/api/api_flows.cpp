// IVR flows: list, read (with versions), publish a new version (validated; the control
// thread reloads its live flows after a publish).
#include "api/api.h"
#include "api/flow_error.h"
#include "common/log.h"
#include "ivr/flow_loader.h"

namespace hotline::api {

namespace {

using nlohmann::json;

bool IsYamlType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  return type == "text/yaml" || type == "application/x-yaml" || type == "application/yaml" ||
         type == "text/x-yaml" || type == "text/plain";
}

}  // namespace

void Api::ListFlows(Request&, Respond respond) {
  auto flows = flows_.List();
  if (!flows) return respond(Reply::Fail(Internal(flows.error().message)));
  json list = json::array();
  for (const auto& flow : *flows) {
    json numbers = json::array();
    for (const auto& entry : config_.dial_plan) {
      if (entry.action == "ivr" && flow_catalog_.FlowNameFor(entry.number) == flow.name) {
        numbers.push_back(entry.number);
      }
    }
    list.push_back({{"name", flow.name},
                    {"latest_version", flow.latest_version},
                    {"author", flow.author},
                    {"saved_ms", flow.saved_ms},
                    {"numbers", numbers}});
  }
  respond(Reply::Json({{"flows", list}}));
}

void Api::GetFlow(Request& request, Respond respond) {
  const std::string& name = request.params["name"];
  ApiError error;
  auto wanted = IntParam(request, "version", &error);
  if (!error.code.empty()) return respond(Reply::Fail(error));
  auto latest = flows_.Latest(name);
  if (!latest) return respond(Reply::Fail(Internal(latest.error().message)));
  if (!*latest) return respond(Reply::Fail(NotFound("no flow " + name)));
  store::FlowVersion shown = **latest;
  json versions = json::array();
  for (int v = (*latest)->version; v >= 1; --v) {
    auto row = v == (*latest)->version ? Result<std::optional<store::FlowVersion>>(*latest)
                                       : flows_.Get(name, v);
    if (!row) return respond(Reply::Fail(Internal(row.error().message)));
    if (!*row) continue;
    versions.push_back(
        {{"version", v}, {"author", (*row)->author}, {"saved_ms", (*row)->saved_ms}});
    if (wanted && *wanted == v) shown = **row;
  }
  if (wanted && shown.version != *wanted) {
    return respond(
        Reply::Fail(NotFound("flow " + name + " has no version " + std::to_string(*wanted))));
  }
  respond(Reply::Json({{"name", name},
                       {"version", shown.version},
                       {"yaml", shown.yaml},
                       {"author", shown.author},
                       {"saved_ms", shown.saved_ms},
                       {"versions", versions}}));
}

void Api::PutFlow(Request& request, Respond respond) {
  const std::string& name = request.params["name"];
  std::string text;
  if (IsYamlType(request.content_type)) {
    text = request.body;
  } else {
    ApiError error;
    auto body = ParseJsonObject(request.body, &error);
    if (!body) return respond(Reply::Fail(error));
    auto yaml = StringField(*body, "yaml", true, &error);
    if (!yaml) return respond(Reply::Fail(error));
    text = *yaml;
  }
  std::string source = name + ".yaml";
  auto loaded = ivr::LoadFlow(text, source);
  if (!loaded) {
    FlowProblem problem = ParseFlowError(loaded.error().message);
    ApiError error = Unprocessable("invalid_flow", problem.message);
    error.extra["line"] = problem.line > 0 ? json(problem.line) : json(nullptr);
    error.extra["node"] = problem.node.empty() ? json(nullptr) : json(problem.node);
    error.extra["details"] = loaded.error().message;
    return respond(Reply::Fail(error));
  }
  if ((*loaded)->name != name) {
    return respond(Reply::Fail(Unprocessable(
        "flow_name_mismatch",
        "the document's flow: name is \"" + (*loaded)->name + "\", not \"" + name + "\"")));
  }
  auto published = flow_catalog_.Publish(text, request.user->username, clock_.WallNow(), source);
  if (!published) return respond(Reply::Fail(Internal(published.error().message)));
  // The control thread re-reads the stored flows with its own catalog and connection.
  if (reload_flows_) control_.Post(reload_flows_);
  respond(Reply::Json({{"name", published->name},
                       {"version", published->version},
                       {"warnings", published->warnings}},
                      200));
}

}  // namespace hotline::api
