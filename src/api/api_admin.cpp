// Administration (admin role; reads also for supervisors): queues with every setting,
// agents' skills, and the business hours of IVR flows. An edit is checked here against the
// database (common/queue_rules.h: field-named 422s), applied live on the control thread
// (which may still refuse: 409, e.g. a queue with calls in it), and only then stored on the
// API's connection, so the database, which the next start loads, holds what runs.
// Business hours are published as a new version of the flow through the same validation
// and reload as PUT /api/v1/ivr-flows/{name}.
#include <algorithm>

#include "api/api.h"
#include "api/flow_calendars.h"
#include "api/flow_error.h"
#include "api/input_limits.h"
#include "api/queue_json.h"
#include "common/log.h"
#include "common/queue_rules.h"
#include "ivr/flow_loader.h"
#include "store/queue_store.h"

namespace hotline::api {

namespace {

using nlohmann::json;

// 400 for a body the API cannot read (types, unknown keys), 422 for values the rules refuse;
// both name the first field, and list every problem.
ApiError FieldError(unsigned status, const std::string& code,
                    const std::vector<FieldProblem>& problems) {
  ApiError error{status, code, problems.front().message};
  error.extra["field"] = problems.front().field;
  error.extra["problems"] = ProblemsJson(problems);
  return error;
}

// 400 naming the field when there are too many calendars or holidays (the body limit of
// 256 KiB bounds the rest).
std::optional<ApiError> CalendarCountError(const json& calendars) {
  if (!calendars.is_object()) return std::nullopt;
  if (auto e = limits::CheckCount("calendars", calendars.size(), limits::kCalendars)) return e;
  for (const auto& [name, calendar] : calendars.items()) {
    if (!calendar.is_object()) continue;
    auto holidays = calendar.find("holidays");
    if (holidays == calendar.end() || !holidays->is_array()) continue;
    if (auto e = limits::CheckCount("calendars." + name + ".holidays", holidays->size(),
                                    limits::kHolidays)) {
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace

void Api::GetQueue(Request& request, Respond respond) {
  const std::string name = request.params["name"];
  store::QueueStore queues(db_);
  auto queue = queues.Queue(name);
  if (!queue) return respond(Reply::Fail(Internal(queue.error().message)));
  if (!*queue) return respond(Reply::Fail(NotFound("no queue " + name)));
  respond(Reply::Json({{"queue", QueueToJson(**queue)}, {"strategies", QueueStrategies()}}));
}

void Api::CreateQueue(Request& request, Respond respond) { SaveQueue(request, respond, true); }

void Api::PutQueue(Request& request, Respond respond) { SaveQueue(request, respond, false); }

void Api::SaveQueue(Request& request, Respond respond, bool create) {
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  std::vector<FieldProblem> problems;
  auto queue = QueueFromJson(*body, &problems);
  if (!queue) return respond(Reply::Fail(FieldError(400, "invalid_field", problems)));
  if (!create) {
    const std::string& name = request.params["name"];
    if (!body->contains("name")) queue->name = name;
    if (queue->name != name) {
      return respond(
          Reply::Fail(FieldError(422, "invalid_queue",
                                 {{"name", "the body's name \"" + queue->name +
                                               "\" is not the path's \"" + name + "\""}})));
    }
  }
  store::QueueStore store(db_);
  auto all = store.Queues();
  if (!all) return respond(Reply::Fail(Internal(all.error().message)));
  auto existing = std::find_if(all->begin(), all->end(),
                               [&](const QueueSettings& q) { return q.name == queue->name; });
  if (create && existing != all->end()) {
    return respond(Reply::Fail(Conflict("queue_exists", "queue " + queue->name + " exists")));
  }
  if (existing == all->end() && all->size() >= limits::kQueues) {
    return respond(Reply::Fail(FieldError(
        400, "invalid_field",
        {{"name", "there are already " + std::to_string(all->size()) + " queues (the most)"}})));
  }
  const bool created = existing == all->end();
  if (created) {
    all->push_back(*queue);
  } else {
    *existing = *queue;
  }
  problems = CheckQueue(*queue, *all);
  if (!problems.empty()) return respond(Reply::Fail(FieldError(422, "invalid_queue", problems)));

  QueueSettings settings = *queue;
  std::string author = request.user->username;
  control_.Ask(
      [settings](call::ControlPort& port) {
        Status applied = port.PutQueue(settings);
        return applied.ok() ? std::string() : applied.message();
      },
      [this, settings, author, created, respond](std::string refused) {
        if (!refused.empty()) return respond(Reply::Fail(Conflict("queue_refused", refused)));
        store::QueueStore store(db_);
        if (auto saved = store.PutQueue(settings, author, clock_.WallNow()); !saved.ok()) {
          HLOG_ERROR("API: queue {} is live but not stored: {}", settings.name, saved.message());
          return respond(Reply::Fail(Internal(saved.message())));
        }
        HLOG_INFO("API: queue {} {} by {}", settings.name, created ? "created" : "changed", author);
        respond(Reply::Json({{"queue", QueueToJson(settings)}}, created ? 201 : 200));
      });
}

void Api::DeleteQueue(Request& request, Respond respond) {
  const std::string name = request.params["name"];
  store::QueueStore store(db_);
  auto all = store.Queues();
  if (!all) return respond(Reply::Fail(Internal(all.error().message)));
  if (std::none_of(all->begin(), all->end(),
                   [&](const QueueSettings& q) { return q.name == name; })) {
    return respond(Reply::Fail(NotFound("no queue " + name)));
  }
  std::vector<std::string> naming = QueuesNaming(name, *all);
  if (!naming.empty()) {
    ApiError error = Conflict("queue_in_use", "queue " + name +
                                                  " is named by the overflow rules "
                                                  "or max_wait_target of queue " +
                                                  naming.front());
    error.extra["queues"] = naming;
    return respond(Reply::Fail(error));
  }
  std::string author = request.user->username;
  control_.Ask(
      [name](call::ControlPort& port) {
        Status removed = port.DeleteQueue(name);
        return removed.ok() ? std::string() : removed.message();
      },
      [this, name, author, respond](std::string refused) {
        if (!refused.empty()) return respond(Reply::Fail(Conflict("queue_busy", refused)));
        store::QueueStore store(db_);
        if (auto deleted = store.DeleteQueue(name); !deleted) {
          HLOG_ERROR("API: queue {} is removed live but still stored: {}", name,
                     deleted.error().message);
          return respond(Reply::Fail(Internal(deleted.error().message)));
        }
        HLOG_INFO("API: queue {} deleted by {}", name, author);
        respond(Reply::Empty());
      });
}

void Api::PutAgentSkills(Request& request, Respond respond) {
  const std::string agent = request.params["id"];
  if (std::none_of(config_.users.begin(), config_.users.end(),
                   [&](const SipUser& user) { return user.number == agent; })) {
    return respond(Reply::Fail(NotFound("no agent " + agent)));
  }
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  std::vector<FieldProblem> problems;
  for (const auto& [key, value] : body->items()) {
    if (key != "skills") problems.push_back({key, key + " is not a known setting"});
  }
  auto it = body->find("skills");
  if (it == body->end()) problems.push_back({"skills", "skills is required"});
  std::optional<std::map<std::string, int>> skills;
  if (problems.empty()) skills = SkillsFromJson(*it, "skills", &problems);
  if (!skills) return respond(Reply::Fail(FieldError(400, "invalid_field", problems)));
  problems = CheckSkills(*skills);
  if (!problems.empty()) return respond(Reply::Fail(FieldError(422, "invalid_skills", problems)));
  std::map<std::string, int> wanted = *skills;
  control_.Ask(
      [agent, wanted](call::ControlPort& port) {
        Status changed = port.SetAgentSkills(agent, wanted);
        return changed.ok() ? std::string() : changed.message();
      },
      [this, agent, wanted, respond](std::string refused) {
        if (!refused.empty()) return respond(Reply::Fail(Conflict("skills_refused", refused)));
        store::QueueStore store(db_);
        if (auto saved = store.SetAgentSkills(agent, wanted); !saved.ok()) {
          HLOG_ERROR("API: skills of {} are live but not stored: {}", agent, saved.message());
          return respond(Reply::Fail(Internal(saved.message())));
        }
        json skills = json::object();
        for (const auto& [skill, level] : wanted) skills[skill] = level;
        respond(Reply::Json({{"agent", agent}, {"skills", skills}}));
      });
}

void Api::GetFlowCalendars(Request& request, Respond respond) {
  const std::string name = request.params["name"];
  auto latest = flows_.Latest(name);
  if (!latest) return respond(Reply::Fail(Internal(latest.error().message)));
  if (!*latest) return respond(Reply::Fail(NotFound("no flow " + name)));
  auto calendars = ReadCalendars((*latest)->yaml);
  if (!calendars) return respond(Reply::Fail(Internal(calendars.error().message)));
  json out = std::move(calendars).value();
  out["name"] = name;
  out["version"] = (*latest)->version;
  respond(Reply::Json(out));
}

void Api::PutFlowCalendars(Request& request, Respond respond) {
  const std::string name = request.params["name"];
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  auto calendars = body->find("calendars");
  if (calendars == body->end()) {
    return respond(
        Reply::Fail(FieldError(400, "invalid_field", {{"calendars", "calendars is required"}})));
  }
  if (auto e = CalendarCountError(*calendars)) return respond(Reply::Fail(*e));
  auto latest = flows_.Latest(name);
  if (!latest) return respond(Reply::Fail(Internal(latest.error().message)));
  if (!*latest) return respond(Reply::Fail(NotFound("no flow " + name)));
  std::vector<FieldProblem> problems;
  auto text = ReplaceCalendars((*latest)->yaml, *calendars, &problems);
  if (!text) return respond(Reply::Fail(FieldError(422, "invalid_calendar", problems)));
  // The whole flow must still validate (a branch may name a calendar that is gone).
  const std::string source = name + ".yaml";
  auto loaded = ivr::LoadFlow(*text, source);
  if (!loaded) {
    FlowProblem problem = ParseFlowError(loaded.error().message);
    ApiError invalid = Unprocessable("invalid_flow", problem.message);
    invalid.extra["node"] = problem.node.empty() ? json(nullptr) : json(problem.node);
    invalid.extra["details"] = loaded.error().message;
    return respond(Reply::Fail(invalid));
  }
  auto published = flow_catalog_.Publish(*text, request.user->username, clock_.WallNow(), source);
  if (!published) return respond(Reply::Fail(Internal(published.error().message)));
  if (reload_flows_) control_.Post(reload_flows_);
  auto shown = ReadCalendars(*text);
  json out = shown ? std::move(shown).value() : json::object();
  out["name"] = published->name;
  out["version"] = published->version;
  respond(Reply::Json(out));
}

}  // namespace hotline::api
