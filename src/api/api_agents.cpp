// Live call-center state through the control thread: agents, agent state commands, queues
// (with today's figures from the call records), skills, and /metrics.
#include <set>

#include "api/api.h"
#include "api/json_views.h"
#include "api/metrics.h"

namespace hotline::api {

namespace {

using nlohmann::json;

std::optional<call::AgentSnapshot> FindAgent(call::ControlPort& port, const std::string& id) {
  return port.Agent(id);
}

// The outcome of an agent command as the control thread saw it.
struct CommandOutcome {
  bool known = false;
  std::string error;  // "" if applied
  std::optional<call::AgentSnapshot> after;
};

}  // namespace

void Api::ListAgents(Request& request, Respond respond) {
  store::User user = *request.user;
  control_.Ask([](call::ControlPort& port) { return port.Agents(); },
               [this, user, respond](std::vector<call::AgentSnapshot> agents) {
                 json list = json::array();
                 for (const auto& agent : agents) {
                   if (MaySeeAgent(user, agent.id)) list.push_back(ToJson(agent));
                 }
                 respond(Reply::Json({{"agents", list}}));
               });
}

void Api::GetAgent(Request& request, Respond respond) {
  std::string id = request.params["id"];
  if (!MaySeeAgent(*request.user, id)) {
    return respond(Reply::Fail(Forbidden("agents may only see themselves")));
  }
  control_.Ask([id](call::ControlPort& port) { return FindAgent(port, id); },
               [id, respond](std::optional<call::AgentSnapshot> agent) {
                 if (!agent) return respond(Reply::Fail(NotFound("no agent " + id)));
                 respond(Reply::Json({{"agent", ToJson(*agent)}}));
               });
}

void Api::SetAgentState(Request& request, Respond respond) {
  std::string id = request.params["id"];
  if (!MaySeeAgent(*request.user, id)) {
    return respond(Reply::Fail(Forbidden("agents may only change their own state")));
  }
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  auto state = StringField(*body, "state", true, &error);
  auto reason = state ? StringField(*body, "reason", false, &error) : std::nullopt;
  if (!reason) return respond(Reply::Fail(error));
  call::AgentCommand::Kind kind;
  if (*state == "ready") {
    kind = call::AgentCommand::Kind::kReady;
  } else if (*state == "not_ready") {
    kind = call::AgentCommand::Kind::kNotReady;
  } else if (*state == "logged_out") {
    kind = call::AgentCommand::Kind::kLogout;
  } else {
    return respond(Reply::Fail(
        Unprocessable("invalid_state", "state must be ready, not_ready or logged_out")));
  }
  CommandAgent(*request.user, id, kind, *reason, [this, id, respond](std::optional<ApiError> e) {
    if (e) return respond(Reply::Fail(*e));
    control_.Ask([id](call::ControlPort& port) { return FindAgent(port, id); },
                 [respond](std::optional<call::AgentSnapshot> agent) {
                   json out = {{"agent", agent ? ToJson(*agent) : json(nullptr)}};
                   respond(Reply::Json(out));
                 });
  });
}

void Api::CommandAgent(const store::User& user, const std::string& agent_id,
                       call::AgentCommand::Kind kind, const std::string& reason, Done done) {
  if (agent_id.empty()) {
    return done(Unprocessable("no_agent", "this user is not an agent"));
  }
  if (!MaySeeAgent(user, agent_id)) return done(Forbidden("agents may only command themselves"));
  if (reason.size() > 64) return done(Unprocessable("invalid_reason", "reason is too long"));
  call::AgentCommand command;
  command.kind = kind;
  command.agent = agent_id;
  command.reason = reason;
  command.argument = reason;  // the same text: digits, transfer target or number for calls
  RunCommand(command, std::move(done));
}

void Api::ListenToAgent(const store::User& user, const std::string& agent_id,
                        const std::string& phone, Done done) {
  if (RoleRank(user.role) < RoleRank("supervisor")) {
    return done(Forbidden("only supervisors and admins may listen to calls"));
  }
  if (agent_id.empty()) return done(BadRequest("invalid_field", "\"agent\" is required"));
  if (phone.empty() || phone.size() > 64) {
    return done(BadRequest("invalid_field", "\"phone\" (the extension to ring) is required"));
  }
  call::AgentCommand command;
  command.kind = call::AgentCommand::Kind::kListen;
  command.agent = agent_id;
  command.argument = phone;
  command.requested_by = user.username;
  RunCommand(command, std::move(done));
}

// Runs an agent command on the control thread: 404 for an unknown agent, 409 with the reason
// when the call center refuses it now.
void Api::RunCommand(const call::AgentCommand& command, Done done) {
  std::string agent_id = command.agent;
  control_.Ask(
      [command](call::ControlPort& port) {
        CommandOutcome outcome;
        outcome.known = FindAgent(port, command.agent).has_value();
        if (!outcome.known) return outcome;
        Status status = port.Command(command);
        if (!status.ok()) outcome.error = status.message();
        return outcome;
      },
      [agent_id, done](CommandOutcome outcome) {
        if (!outcome.known) return done(NotFound("no agent " + agent_id));
        if (!outcome.error.empty()) return done(Conflict("command_refused", outcome.error));
        done(std::nullopt);
      });
}

void Api::ListQueues(Request&, Respond respond) {
  int64_t since = TodayStartMs();
  int64_t within = options_.service_level_ms;
  control_.Ask(
      [](call::ControlPort& port) { return port.Queues(); },
      [this, since, within, respond](std::vector<call::QueueSnapshot> queues) {
        auto stats = calls_.QueueStats(since, within);
        if (!stats) return respond(Reply::Fail(Internal(stats.error().message)));
        json list = json::array();
        for (const auto& queue : queues) {
          json q = ToJson(queue);
          store::QueueDayStats day;
          for (const auto& s : *stats) {
            if (s.queue == queue.id) day = s;
          }
          q["today"] = {
              {"offered", day.offered},
              {"answered", day.answered},
              {"abandoned", day.abandoned},
              {"service_level", day.offered > 0 ? json(static_cast<double>(day.answered_within) /
                                                       static_cast<double>(day.offered))
                                                : json(nullptr)},
              {"average_speed_of_answer_ms", day.average_speed_of_answer_ms}};
          list.push_back(q);
        }
        respond(Reply::Json(
            {{"queues", list}, {"today_since_ms", since}, {"service_level_threshold_ms", within}}));
      });
}

void Api::ListSkills(Request&, Respond respond) {
  struct Both {
    std::vector<call::AgentSnapshot> agents;
    std::vector<call::QueueSnapshot> queues;
    media::MediaCounters media;
  };
  control_.Ask(
      [](call::ControlPort& port) {
        return Both{port.Agents(), port.Queues(), port.MediaStats()};
      },
      [respond](Both both) {
        std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> by;
        for (const auto& q : both.queues) {
          for (const auto& [skill, level] : q.skills) by[skill].first.insert(q.id);
        }
        for (const auto& a : both.agents) {
          for (const auto& [skill, level] : a.skills) by[skill].second.insert(a.id);
        }
        json list = json::array();
        for (const auto& [skill, users] : by) {
          list.push_back(
              {{"skill", skill},
               {"queues", json(std::vector<std::string>(users.first.begin(), users.first.end()))},
               {"agents",
                json(std::vector<std::string>(users.second.begin(), users.second.end()))}});
        }
        respond(Reply::Json({{"skills", list}}));
      });
}

void Api::Metrics(Request&, Respond respond) {
  struct Both {
    std::vector<call::AgentSnapshot> agents;
    std::vector<call::QueueSnapshot> queues;
    media::MediaCounters media;
  };
  control_.Ask(
      [](call::ControlPort& port) {
        return Both{port.Agents(), port.Queues(), port.MediaStats()};
      },
      [this, respond](Both both) {
        MetricsInput input;
        input.http_requests_by_code = responses_by_code_;
        input.ws_clients = ws_clients_ ? ws_clients_() : 0;
        input.agents = std::move(both.agents);
        input.queues = std::move(both.queues);
        input.media = both.media;
        auto counts = calls_.DispositionCounts(TodayStartMs());
        if (counts) input.calls_today_by_disposition = std::move(*counts);
        Reply reply;
        reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
        reply.body = RenderMetrics(input);
        respond(std::move(reply));
      });
}

}  // namespace hotline::api
