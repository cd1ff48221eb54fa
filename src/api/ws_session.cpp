#include "api/ws_session.h"

#include <set>

#include "api/json_views.h"
#include "common/log.h"

namespace hotline::api {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using nlohmann::json;

namespace {

constexpr size_t kMaxMessage = 64 * 1024;
constexpr size_t kMaxQueued = 1000;

json UserJson(const store::User& user) {
  return {{"username", user.username},
          {"role", user.role},
          {"agent", user.agent_id.empty() ? json(nullptr) : json(user.agent_id)},
          {"display_name", user.display_name}};
}

}  // namespace

WsSession::WsSession(beast::tcp_stream stream, Api& api, EventsHub& hub, store::User user,
                     std::string token_hash, ConnectionSlot slot)
    : ws_(std::in_place_type<PlainWs>, std::move(stream)),
      api_(api),
      hub_(hub),
      user_(std::move(user)),
      token_hash_(std::move(token_hash)),
      end_timer_(std::get<PlainWs>(ws_).get_executor()),
      slot_(std::move(slot)) {
  interest_.agent_id = user_.agent_id;
}

WsSession::WsSession(beast::ssl_stream<beast::tcp_stream> stream, Api& api, EventsHub& hub,
                     store::User user, std::string token_hash, ConnectionSlot slot)
    : ws_(std::in_place_type<TlsWs>, std::move(stream)),
      api_(api),
      hub_(hub),
      user_(std::move(user)),
      token_hash_(std::move(token_hash)),
      end_timer_(std::get<TlsWs>(ws_).get_executor()),
      slot_(std::move(slot)) {
  interest_.agent_id = user_.agent_id;
}

void WsSession::Start(beast::http::request<beast::http::string_body> request) {
  auto self = shared_from_this();
  Visit([&](auto& ws) {
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout timeouts =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    // Nothing heard for this long (a ping goes out half-way): the client is gone.
    timeouts.idle_timeout = api_.options().ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.read_message_max(kMaxMessage);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "hotline"); }));
    ws.async_accept(request, [self](beast::error_code ec) {
      if (ec) {
        HLOG_DEBUG("API: WebSocket accept failed: {}", ec.message());
        return;
      }
      self->SayHello();
    });
  });
}

void WsSession::SayHello() {
  auto self = shared_from_this();
  std::string agent_id = user_.agent_id;
  api_.control().Ask(
      [agent_id](call::ControlPort& port) {
        std::optional<call::AgentSnapshot> found;
        if (agent_id.empty()) return found;
        for (auto& agent : port.Agents()) {
          if (agent.id == agent_id) found = std::move(agent);
        }
        return found;
      },
      [self](std::optional<call::AgentSnapshot> agent) {
        if (self->closed_) return;
        self->Send(json{{"type", "hello"},
                        {"user", UserJson(self->user_)},
                        {"agent", agent ? ToJson(*agent) : json(nullptr)}}
                       .dump());
        // Events from now on; the hello carried the state up to here.
        self->hub_.Add(self);
        self->Read();
      });
}

void WsSession::Read() {
  auto self = shared_from_this();
  Visit([&](auto& ws) {
    ws.async_read(buffer_, [self](beast::error_code ec, size_t) { self->OnRead(ec); });
  });
}

void WsSession::OnRead(beast::error_code ec) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      HLOG_INFO("API: WebSocket of {} sent a message over 64 KiB; closing", user_.username);
    }
    closed_ = true;
    hub_.Remove(this);
    return;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  Handle(text);
  if (!closed_) Read();
}

void WsSession::Send(std::string text) {
  if (closed_) return;
  if (outbox_.size() >= kMaxQueued) {
    HLOG_WARN("API: WebSocket client {} is not reading; dropping it", user_.username);
    Close();
    return;
  }
  outbox_.push_back(std::move(text));
  if (!writing_) Write();
}

void WsSession::Write() {
  if (outbox_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto self = shared_from_this();
  Visit([&](auto& ws) {
    ws.text(true);
    ws.async_write(boost::asio::buffer(outbox_.front()), [self](beast::error_code ec, size_t) {
      self->outbox_.pop_front();
      if (ec) {
        self->closed_ = true;
        self->writing_ = false;
        self->hub_.Remove(self.get());
        return;
      }
      self->Write();
    });
  });
}

void WsSession::Close() {
  if (closed_) return;
  closed_ = true;
  hub_.Remove(this);
  CutSocket();
}

void WsSession::CutSocket() {
  end_timer_.cancel();
  Visit([](auto& ws) {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(ws).socket();
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  });
}

void WsSession::End(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  hub_.Remove(this);
  HLOG_INFO("API: closing the WebSocket of {}: {}", user_.username, reason);
  // A message is being written: a close frame cannot go out beside it; just cut.
  if (writing_) return CutSocket();
  auto self = shared_from_this();
  end_timer_.expires_after(std::chrono::seconds(1));
  end_timer_.async_wait([self](beast::error_code ec) {
    if (!ec) self->CutSocket();
  });
  Visit([&](auto& ws) {
    ws.async_close(websocket::close_reason(websocket::close_code::policy_error, reason),
                   [self](beast::error_code) { self->CutSocket(); });
  });
}

void WsSession::ReplyOk(const json& id, json extra) {
  json reply = {{"type", "reply"}, {"id", id}, {"ok", true}};
  for (auto& [key, value] : extra.items()) reply[key] = value;
  Send(reply.dump());
}

void WsSession::ReplyError(const json& id, const ApiError& error) {
  Send(json{{"type", "reply"},
            {"id", id},
            {"ok", false},
            {"error", {{"code", error.code}, {"message", error.message}}}}
           .dump());
}

void WsSession::Handle(const std::string& text) {
  json message = json::parse(text, nullptr, false);
  if (message.is_discarded() || !message.is_object()) {
    Send(json{{"type", "error"},
              {"error", {{"code", "malformed_json"}, {"message", "messages must be JSON objects"}}}}
             .dump());
    return;
  }
  json id = message.contains("id") ? message["id"] : json(nullptr);
  auto command_it = message.find("command");
  if (command_it == message.end() || !command_it->is_string()) {
    return ReplyError(id, BadRequest("invalid_command", "\"command\" must be a string"));
  }
  std::string command = *command_it;
  auto text_field = [&message](const char* name) {
    auto it = message.find(name);
    return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto self = shared_from_this();

  if (command == "ping") return ReplyOk(id, {{"pong", true}});
  used_ = true;  // a command of the user (not the console's keep-alive ping)
  if (command == "listen" || command == "monitor") {
    api_.ListenToAgent(user_, text_field("agent"), text_field("phone"),
                       [self, id](std::optional<ApiError> error) {
                         if (error) return self->ReplyError(id, *error);
                         self->ReplyOk(id);
                       });
    return;
  }
  static const std::map<std::string, call::AgentCommand::Kind> kAgentCommands = {
      {"login", call::AgentCommand::Kind::kLogin},
      {"logout", call::AgentCommand::Kind::kLogout},
      {"ready", call::AgentCommand::Kind::kReady},
      {"not_ready", call::AgentCommand::Kind::kNotReady},
      {"hangup", call::AgentCommand::Kind::kHangup},
      {"dtmf", call::AgentCommand::Kind::kDtmf},
      {"hold", call::AgentCommand::Kind::kHold},
      {"resume", call::AgentCommand::Kind::kResume},
      {"transfer", call::AgentCommand::Kind::kTransfer},
      {"dial", call::AgentCommand::Kind::kDial},
      {"answer", call::AgentCommand::Kind::kAnswer},
      {"consult", call::AgentCommand::Kind::kConsult},
      {"conference", call::AgentCommand::Kind::kConference},
      {"complete_transfer", call::AgentCommand::Kind::kCompleteTransfer},
      {"cancel_consult", call::AgentCommand::Kind::kCancelConsult},
  };
  // The text each command takes: a not-ready reason, DTMF digits, a transfer target, a number.
  static const std::map<std::string, std::string> kArgumentField = {
      {"not_ready", "reason"}, {"dtmf", "digits"},    {"transfer", "target"},
      {"dial", "number"},      {"consult", "target"}, {"conference", "target"}};
  auto agent_command = kAgentCommands.find(command);
  if (agent_command != kAgentCommands.end()) {
    auto field = kArgumentField.find(command);
    std::string argument = field == kArgumentField.end() ? "" : text_field(field->second.c_str());
    // A conference may join the consultation in progress: its target is optional.
    bool optional = command == "not_ready" || command == "conference";
    if (field != kArgumentField.end() && !optional && argument.empty()) {
      return ReplyError(id, BadRequest("invalid_field", "\"" + field->second + "\" is required"));
    }
    api_.CommandAgent(user_, user_.agent_id, agent_command->second, argument,
                      [self, id](std::optional<ApiError> error) {
                        if (error) return self->ReplyError(id, *error);
                        self->ReplyOk(id);
                      });
    return;
  }
  if (command == "subscribe") {
    if (RoleRank(user_.role) < RoleRank("supervisor")) {
      return ReplyError(id, Forbidden("only supervisors and admins may subscribe"));
    }
    auto topics = message.find("topics");
    if (topics == message.end() || !topics->is_array()) {
      return ReplyError(id, BadRequest("invalid_field", "\"topics\" must be an array"));
    }
    EventInterest wanted;
    wanted.agent_id = user_.agent_id;
    for (const auto& topic : *topics) {
      if (topic == "agents") {
        wanted.agents = true;
      } else if (topic == "queues") {
        wanted.queues = true;
      } else {
        return ReplyError(id,
                          Unprocessable("invalid_topic", "topics are \"agents\" and \"queues\""));
      }
    }
    interest_ = wanted;
    hub_.InterestChanged();
    return ReplyOk(id, {{"topics", *topics}});
  }
  if (command == "wrapup") {
    std::string call_id = text_field("call_id");
    if (call_id.empty())
      return ReplyError(id, BadRequest("invalid_field", "\"call_id\" is required"));
    api_.Wrapup(user_, call_id, text_field("code"), text_field("notes"), [self, id](Reply reply) {
      if (reply.status < 300) {
        json body = json::parse(reply.body, nullptr, false);
        return self->ReplyOk(id, {{"agent_state", body.is_object() && body.contains("agent_state")
                                                      ? body["agent_state"]
                                                      : json(nullptr)}});
      }
      json body = json::parse(reply.body, nullptr, false);
      ApiError error{reply.status, "error", "wrap-up failed"};
      if (body.is_object() && body.contains("error")) {
        error.code = body["error"].value("code", "error");
        error.message = body["error"].value("message", "wrap-up failed");
      }
      self->ReplyError(id, error);
    });
    return;
  }
  ReplyError(id, BadRequest("unknown_command", "unknown command \"" + command + "\""));
}

}  // namespace hotline::api
