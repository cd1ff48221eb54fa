#include "ivr/flow_loader.h"

#include <algorithm>
#include <functional>
#include <set>

#include "ivr/node_reader.h"

namespace hotline::ivr {

namespace {

class FlowLoader {
 public:
  FlowLoader(const std::string& source, const NodeRegistry& registry)
      : diagnostics_(source), registry_(registry), flow_(std::make_shared<Flow>()) {
    flow_->source = source;
  }

  Result<FlowPtr> Load(const std::string& yaml_text);

 private:
  void ReadTopLevel(NodeReader& top);
  void ReadCalendars(NodeReader& top);
  void ReadCalendar(NodeReader& top, const std::string& name, const YAML::Node& yaml, int line);
  void ReadNodes(NodeReader& top);
  void CheckGraph(int start_line);
  void CheckInputlessLoops();

  Diagnostics diagnostics_;
  const NodeRegistry& registry_;
  std::shared_ptr<Flow> flow_;
};

Result<FlowPtr> FlowLoader::Load(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    diagnostics_.Error(e.mark.is_null() ? 0 : e.mark.line + 1, "", "YAML syntax error: " + e.msg);
    return Error{diagnostics_.ErrorText()};
  }
  try {
    if (!root.IsMap()) {
      diagnostics_.Error(LineOf(root, 1), "", "a flow must be a mapping with 'start' and 'nodes'");
    } else {
      NodeReader top(root, "", 1, diagnostics_, *flow_);
      ReadTopLevel(top);
      top.ReportUnknownKeys("the flow");
      if (!diagnostics_.has_errors()) CheckGraph(top.LineOfKey("start"));
    }
  } catch (const YAML::Exception& e) {  // not expected: every access is checked first
    diagnostics_.Error(e.mark.is_null() ? 0 : e.mark.line + 1, "", e.msg);
  }
  if (diagnostics_.has_errors()) return Error{diagnostics_.ErrorText()};
  flow_->warnings = diagnostics_.Warnings();
  return FlowPtr(std::move(flow_));
}

void FlowLoader::ReadTopLevel(NodeReader& top) {
  Flow& flow = *flow_;
  flow.name = top.String("flow", true);
  top.Int("version", 1, 1, 1);
  top.String("description", false);
  std::string first_language = "zh";  // the default: the first language listed
  if (top.Has("languages")) {
    YAML::Node list = top.Raw("languages");
    flow.languages.clear();
    if (list.IsSequence()) {
      for (const auto& item : list) {
        std::string language = item.IsScalar() ? item.Scalar() : "";
        if (language != "zh" && language != "en") {
          top.Error(LineOf(item, 1), "languages: \"" + language + "\" is not zh or en");
        } else {
          if (flow.languages.empty()) first_language = language;
          flow.languages.insert(language);
        }
      }
    }
    if (flow.languages.empty()) {
      top.Error(LineOf(list, 1), "'languages' must be a non-empty list of zh / en");
      flow.languages = {"zh", "en"};
    }
  }
  flow.default_language = top.String("language", false, first_language);
  if (!flow.languages.count(flow.default_language)) {
    top.Error(top.LineOfKey("language"),
              "language \"" + flow.default_language + "\" is not one of the flow's languages");
  }
  std::string offset = top.String("utc_offset", false, "+00:00");
  if (auto parsed = ParseUtcOffset(offset)) {
    flow.utc_offset = *parsed;
  } else {
    top.Error(top.LineOfKey("utc_offset"), parsed.error().message);
  }
  if (top.Has("numbers")) {
    YAML::Node list = top.Raw("numbers");
    if (!list.IsSequence()) top.Error(LineOf(list, 1), "'numbers' must be a list");
    for (const auto& item : list) {
      if (auto number = top.Scalar(item, "a number", LineOf(item, 1))) {
        flow.numbers.push_back(*number);
      }
    }
  }
  if (top.Has("limits")) {
    YAML::Node limits = top.Raw("limits");
    NodeReader reader(limits, "", LineOf(limits, 1), diagnostics_, flow);
    flow.limits.max_steps_without_input =
        reader.Int("max_steps_without_input", 2, 10000, flow.limits.max_steps_without_input);
    flow.limits.max_steps = reader.Int("max_steps", 2, 1000000, flow.limits.max_steps);
    reader.ReportUnknownKeys("limits");
  }
  ReadCalendars(top);
  flow.start = top.String("start", true);
  ReadNodes(top);
}

void FlowLoader::ReadCalendars(NodeReader& top) {
  if (!top.Has("calendars")) return;
  YAML::Node calendars = top.Raw("calendars");
  if (!calendars.IsMap()) {
    top.Error(LineOf(calendars, 1), "'calendars' must map names to calendars");
    return;
  }
  for (const auto& item : calendars) {
    std::string name = item.first.IsScalar() ? item.first.Scalar() : "";
    int line = LineOf(item.first, 1);
    if (flow_->calendars.count(name)) {
      top.Error(line, "calendar '" + name + "' is defined twice");
      continue;
    }
    ReadCalendar(top, name, item.second, line);
  }
}

void FlowLoader::ReadCalendar(NodeReader& top, const std::string& name, const YAML::Node& yaml,
                              int line) {
  NodeReader reader(yaml, "", line, diagnostics_, *flow_);
  if (!yaml.IsMap()) {
    top.Error(line, "calendar '" + name + "' must be a mapping with 'weekly' and 'holidays'");
    return;
  }
  Calendar calendar;
  const std::string what = "calendar '" + name + "': ";
  YAML::Node weekly = reader.Raw("weekly");
  if (!weekly.IsDefined() || !weekly.IsMap()) {
    reader.Error(LineOf(weekly, line), what + "'weekly' must map days to HH:MM-HH:MM ranges");
  } else {
    for (const auto& day_item : weekly) {
      int at = LineOf(day_item.first, line);
      auto days = ParseWeekdays(day_item.first.IsScalar() ? day_item.first.Scalar() : "");
      if (!days) {
        reader.Error(at, what + days.error().message);
        continue;
      }
      std::vector<YAML::Node> ranges;
      if (day_item.second.IsSequence()) {
        for (const auto& r : day_item.second) ranges.push_back(r);
      } else {
        ranges.push_back(day_item.second);
      }
      for (const auto& r : ranges) {
        auto range = ParseTimeRange(r.IsScalar() ? r.Scalar() : "");
        if (!range) {
          reader.Error(LineOf(r, at), what + range.error().message);
          continue;
        }
        for (unsigned d = 0; d < 7; ++d) {
          if ((*days)[d]) calendar.AddRange(d, *range);
        }
      }
    }
  }
  YAML::Node holidays = reader.Raw("holidays");
  // Optional. (A missing key is an invalid node: only IsDefined() may be asked of it.)
  if (!holidays.IsDefined() || holidays.IsNull()) {
    // no holidays
  } else if (!holidays.IsSequence()) {
    reader.Error(LineOf(holidays, line), what + "'holidays' must be a list of dates");
  } else {
    for (const auto& h : holidays) {
      int at = LineOf(h, line);
      std::string text = h.IsScalar() ? h.Scalar() : "";
      size_t dots = text.find("..");  // "2025-10-01..2025-10-07"
      auto first = ParseDate(text.substr(0, dots));
      auto last = dots == std::string::npos ? first : ParseDate(text.substr(dots + 2));
      if (!first || !last) {
        reader.Error(
            at, what + "bad holiday \"" + text + "\" (want YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)");
      } else if (*last < *first) {
        reader.Error(at, what + "holiday range \"" + text + "\" ends before it starts");
      } else {
        calendar.AddHolidays(*first, *last);
      }
    }
  }
  reader.ReportUnknownKeys(what.substr(0, what.size() - 2));
  flow_->calendars.emplace(name, std::move(calendar));
}

void FlowLoader::ReadNodes(NodeReader& top) {
  YAML::Node nodes = top.Raw("nodes");
  if (!nodes.IsMap() || nodes.size() == 0) {
    top.Error(LineOf(nodes, 1), "'nodes' must map node ids to nodes");
    return;
  }
  std::vector<std::string> types = registry_.Types();
  std::string known_types;
  for (const auto& t : types) known_types += (known_types.empty() ? "" : ", ") + t;
  for (const auto& item : nodes) {
    std::string id = item.first.IsScalar() ? item.first.Scalar() : "";
    int line = LineOf(item.first, 1);
    if (id.empty()) {
      diagnostics_.Error(line, "", "a node id must be a non-empty name");
      continue;
    }
    if (flow_->nodes.count(id)) {
      diagnostics_.Error(
          line, id,
          "node id defined twice (first on line " + std::to_string(flow_->nodes[id]->line()) + ")");
      continue;
    }
    if (!item.second.IsMap()) {
      diagnostics_.Error(line, id, "a node must be a mapping with a 'type'");
      continue;
    }
    NodeReader reader(item.second, id, line, diagnostics_, *flow_);
    std::string type = reader.String("type", true);
    if (type.empty()) continue;
    const NodeFactory* factory = registry_.Find(type);
    if (!factory) {
      reader.Error(reader.LineOfKey("type"),
                   "unknown node type \"" + type + "\" (known: " + known_types + ")");
      continue;
    }
    std::unique_ptr<Node> node = (*factory)(reader);
    reader.ReportUnknownKeys("a " + type + " node");
    if (!node) continue;
    node->Bind(id, type, line, reader.TakeEdges());
    flow_->nodes.emplace(id, std::move(node));
  }
}

void FlowLoader::CheckGraph(int start_line) {
  const Flow& flow = *flow_;
  if (!flow.FindNode(flow.start)) {
    diagnostics_.Error(start_line, "", "start node '" + flow.start + "' does not exist");
    return;
  }
  for (const auto& [id, node] : flow.nodes) {
    for (const Edge& edge : node->edges()) {
      if (!flow.FindNode(edge.target)) {
        diagnostics_.Error(
            edge.line, id,
            "'" + edge.label + "' goes to '" + edge.target + "', which is not a node of this flow");
      }
    }
  }
  if (diagnostics_.has_errors()) return;
  std::set<std::string> reached{flow.start};
  std::vector<std::string> pending{flow.start};
  while (!pending.empty()) {
    const Node* node = flow.FindNode(pending.back());
    pending.pop_back();
    for (const Edge& edge : node->edges()) {
      if (reached.insert(edge.target).second) pending.push_back(edge.target);
    }
  }
  for (const auto& [id, node] : flow.nodes) {
    if (!reached.count(id)) {
      diagnostics_.Warning(node->line(), id,
                           "unreachable from the start node '" + flow.start + "'");
    }
  }
  CheckInputlessLoops();
}

// A cycle made only of nodes that never wait for the caller would spin without end; such
// cycles are found as strongly connected components (Tarjan) of the non-input subgraph.
void FlowLoader::CheckInputlessLoops() {
  const Flow& flow = *flow_;
  std::map<std::string, int> index;
  std::map<std::string, int> low;
  std::set<std::string> on_stack;
  std::vector<std::string> stack;
  int counter = 0;
  std::function<void(const std::string&)> visit = [&](const std::string& id) {
    index[id] = low[id] = counter++;
    stack.push_back(id);
    on_stack.insert(id);
    const Node* node = flow.FindNode(id);
    bool self_loop = false;
    for (const Edge& edge : node->edges()) {
      if (flow.FindNode(edge.target)->TakesInput()) continue;
      if (edge.target == id) self_loop = true;
      if (!index.count(edge.target)) {
        visit(edge.target);
        low[id] = std::min(low[id], low[edge.target]);
      } else if (on_stack.count(edge.target)) {
        low[id] = std::min(low[id], index[edge.target]);
      }
    }
    if (low[id] != index[id]) return;
    std::vector<std::string> component;
    std::string member;
    do {
      member = stack.back();
      stack.pop_back();
      on_stack.erase(member);
      component.push_back(member);
    } while (member != id);
    if (component.size() < 2 && !self_loop) return;
    std::sort(component.begin(), component.end(), [&](const auto& a, const auto& b) {
      return flow.FindNode(a)->line() < flow.FindNode(b)->line();
    });
    std::string cycle;
    for (const auto& m : component) cycle += m + " -> ";
    const Node* first = flow.FindNode(component.front());
    diagnostics_.Error(first->line(), first->id(),
                       "loop without any input node: " + cycle + component.front() +
                           " (add a menu, collect or survey to the loop)");
  };
  for (const auto& [id, node] : flow.nodes) {
    if (!node->TakesInput() && !index.count(id)) visit(id);
  }
}

}  // namespace

Result<FlowPtr> LoadFlow(const std::string& yaml_text, const std::string& source_name) {
  return LoadFlow(yaml_text, source_name, NodeRegistry::Builtin());
}

Result<FlowPtr> LoadFlow(const std::string& yaml_text, const std::string& source_name,
                         const NodeRegistry& registry) {
  return FlowLoader(source_name, registry).Load(yaml_text);
}

}  // namespace hotline::ivr
