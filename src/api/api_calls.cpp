// Call records, wrap-up, recordings (with byte ranges) and customers.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "api/api.h"
#include "api/http_range.h"
#include "api/json_views.h"
#include "common/log.h"

namespace hotline::api {

namespace {

using nlohmann::json;

constexpr int kMaxLimit = 500;

// Agents see only their own calls; others see everything.
bool MaySeeCall(const store::User& user, const store::CallRecord& call) {
  if (user.role != "agent") return true;
  return !user.agent_id.empty() && call.agent == user.agent_id;
}

std::optional<int> LimitParam(const Request& request, int fallback, ApiError* error) {
  ApiError e;
  auto limit = IntParam(request, "limit", &e);
  if (!e.code.empty()) {
    *error = e;
    return std::nullopt;
  }
  if (!limit) return fallback;
  if (*limit < 1 || *limit > kMaxLimit) {
    *error = BadRequest("invalid_parameter", "limit must be between 1 and 500");
    return std::nullopt;
  }
  return static_cast<int>(*limit);
}

}  // namespace

void Api::ListCalls(Request& request, Respond respond) {
  ApiError error;
  store::CallFilter filter;
  filter.from_ms = IntParam(request, "from_ms", &error);
  filter.to_ms = IntParam(request, "to_ms", &error);
  filter.before_ms = IntParam(request, "before", &error);
  auto limit = LimitParam(request, 50, &error);
  if (!error.code.empty() || !limit) return respond(Reply::Fail(error));
  filter.limit = *limit;
  auto text = [&request](const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? std::string() : it->second;
  };
  filter.agent = text("agent");
  filter.queue = text("queue");
  filter.disposition = text("disposition");
  filter.number = text("number");
  const store::User& user = *request.user;
  if (user.role == "agent") {
    if (user.agent_id.empty()) return respond(Reply::Json({{"calls", json::array()}}));
    if (!filter.agent.empty() && filter.agent != user.agent_id) {
      return respond(Reply::Fail(Forbidden("agents may only list their own calls")));
    }
    filter.agent = user.agent_id;
  }
  auto calls = calls_.ListCalls(filter);
  if (!calls) return respond(Reply::Fail(Internal(calls.error().message)));
  json list = json::array();
  for (const auto& call : *calls) list.push_back(ToJson(call));
  json next = static_cast<int>(calls->size()) == filter.limit && !calls->empty()
                  ? json(calls->back().start_ms)
                  : json(nullptr);
  respond(Reply::Json({{"calls", list}, {"next_before", next}}));
}

void Api::GetCall(Request& request, Respond respond) {
  auto call = calls_.GetCall(request.params["id"]);
  if (!call) return respond(Reply::Fail(Internal(call.error().message)));
  if (!*call) return respond(Reply::Fail(NotFound("no call " + request.params["id"])));
  if (!MaySeeCall(*request.user, **call)) {
    return respond(Reply::Fail(Forbidden("agents may only see their own calls")));
  }
  respond(Reply::Json({{"call", ToJson(**call)}}));
}

void Api::PostWrapup(Request& request, Respond respond) {
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  auto code = StringField(*body, "code", false, &error);
  auto notes = code ? StringField(*body, "notes", false, &error) : std::nullopt;
  if (!notes) return respond(Reply::Fail(error));
  Wrapup(*request.user, request.params["id"], *code, *notes, std::move(respond));
}

// The customer the agent picked in the screen pop (several customers share the number); null
// clears it. An agent may set it on a call it is offered, talks on, or handled.
void Api::PutCallCustomer(Request& request, Respond respond) {
  ApiError error;
  auto body = ParseJsonObject(request.body, &error);
  if (!body) return respond(Reply::Fail(error));
  auto field = body->find("customer_id");
  if (field == body->end() || !(field->is_null() || field->is_number_integer())) {
    return respond(
        Reply::Fail(BadRequest("invalid_field", "\"customer_id\" must be a customer id or null")));
  }
  std::optional<int64_t> customer_id;
  if (!field->is_null()) customer_id = field->get<int64_t>();
  std::string call_id = request.params["id"];
  auto call = calls_.GetCall(call_id);
  if (!call) return respond(Reply::Fail(Internal(call.error().message)));
  if (!*call) return respond(Reply::Fail(NotFound("no call " + call_id)));
  if (customer_id) {
    auto customer = customers_.Get(*customer_id);
    if (!customer) return respond(Reply::Fail(Internal(customer.error().message)));
    if (!*customer) {
      return respond(Reply::Fail(
          Unprocessable("unknown_customer", "no customer " + std::to_string(*customer_id))));
    }
  }
  auto store_pick = [this, call_id, customer_id, respond, record = **call]() mutable {
    auto saved = calls_.SetCustomer(call_id, customer_id);
    if (!saved) return respond(Reply::Fail(Internal(saved.error().message)));
    record.customer_id = customer_id;
    respond(Reply::Json({{"call", ToJson(record)}}));
  };
  const store::User& user = *request.user;
  // An agent picks only a customer it may read (one of the caller's customers).
  auto save = [this, user, customer_id, store_pick, respond]() mutable {
    if (user.role != "agent" || !customer_id) return store_pick();
    WithCustomerScope(user, [this, customer_id, store_pick, respond](auto scope) mutable {
      if (!scope) return respond(Reply::Fail(Internal(scope.error().message)));
      auto customer = customers_.Get(*customer_id);
      if (!customer || !*customer || (*scope && !(*scope)->MaySeeCustomer(**customer))) {
        return respond(Reply::Fail(Forbidden("agents pick only a customer of the call's number")));
      }
      store_pick();
    });
  };
  if (user.role != "agent" || (*call)->agent == user.agent_id) return save();
  // Not (yet) in the record as the agent's: allowed while the call rings or talks at it.
  std::string agent = user.agent_id;
  control_.Ask(
      [agent](call::ControlPort& port) {
        auto live = port.Agent(agent);
        return live ? live->call_id : std::string();
      },
      [call_id, save, respond](std::string live_call) mutable {
        if (live_call != call_id) {
          return respond(
              Reply::Fail(Forbidden("agents may only pick customers on their own calls")));
        }
        save();
      });
}

void Api::Wrapup(const store::User& user, const std::string& call_id, const std::string& code,
                 const std::string& notes, std::function<void(Reply)> done) {
  if (code.size() > 64) {
    return done(Reply::Fail(Unprocessable("invalid_code", "code is at most 64 characters")));
  }
  if (notes.size() > 16384) {
    return done(Reply::Fail(Unprocessable("invalid_notes", "notes are at most 16 KiB")));
  }
  auto call = calls_.GetCall(call_id);
  if (!call) return done(Reply::Fail(Internal(call.error().message)));
  if (!*call) return done(Reply::Fail(NotFound("no call " + call_id)));
  if ((*call)->agent.empty()) {
    return done(Reply::Fail(Conflict("no_agent", "no agent handled this call")));
  }
  if (user.role == "agent" && (*call)->agent != user.agent_id) {
    return done(Reply::Fail(Forbidden("only the agent who handled the call can wrap it up")));
  }
  if (auto saved = calls_.SetWrapup(call_id, code, notes); !saved) {
    return done(Reply::Fail(Internal(saved.error().message)));
  }
  (*call)->wrapup_code = code;
  (*call)->notes = notes;
  json out = {{"call", ToJson(**call)}};
  // The agent who handled it finishes after-call work: ready for the next call.
  if (user.role != "agent") return done(Reply::Json(out));
  std::string agent = (*call)->agent;
  control_.Ask(
      [agent](call::ControlPort& port) {
        for (const auto& a : port.Agents()) {
          if (a.id != agent) continue;
          if (a.state != "after_call_work") return a.state;
          call::AgentCommand ready;
          ready.kind = call::AgentCommand::Kind::kReady;
          ready.agent = agent;
          Status status = port.Command(ready);
          return status.ok() ? std::string("ready") : a.state;
        }
        return std::string();
      },
      [out, done](std::string state) mutable {
        out["agent_state"] = state.empty() ? json(nullptr) : json(state);
        done(Reply::Json(out));
      });
}

void Api::ListRecordings(Request& request, Respond respond) {
  ApiError error;
  auto before = IntParam(request, "before", &error);
  auto limit = LimitParam(request, 50, &error);
  if (!error.code.empty() || !limit) return respond(Reply::Fail(error));
  const store::User& user = *request.user;
  std::string agent;
  if (user.role == "agent") {
    if (user.agent_id.empty()) return respond(Reply::Json({{"recordings", json::array()}}));
    agent = user.agent_id;
  }
  auto recordings = calls_.ListRecordings(agent, *limit, before);
  if (!recordings) return respond(Reply::Fail(Internal(recordings.error().message)));
  json list = json::array();
  for (const auto& r : *recordings) list.push_back(ToJson(r));
  respond(Reply::Json({{"recordings", list}}));
}

void Api::RecordingAudio(Request& request, Respond respond) {
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(request.params["id"], &used);
    if (used != request.params["id"].size()) throw std::invalid_argument("id");
  } catch (...) {
    return respond(Reply::Fail(NotFound("no recording " + request.params["id"])));
  }
  auto recording = calls_.GetRecording(id);
  if (!recording) return respond(Reply::Fail(Internal(recording.error().message)));
  if (!*recording) return respond(Reply::Fail(NotFound("no recording " + request.params["id"])));
  const store::User& user = *request.user;
  if (user.role == "agent" && (user.agent_id.empty() || (*recording)->agent != user.agent_id)) {
    return respond(Reply::Fail(Forbidden("agents may only hear their own calls")));
  }
  std::error_code ec;
  const std::string& path = (*recording)->path;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return respond(Reply::Fail(NotFound("the recording's file is missing")));
  ByteRange range = ParseRange(request.range, size);
  Reply reply;
  reply.content_type = "audio/wav";
  reply.headers.emplace_back("Accept-Ranges", "bytes");
  if (range.kind == ByteRange::Kind::kUnsatisfiable) {
    reply = Reply::Fail({416, "range_not_satisfiable", "the range is outside the file"});
    reply.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return respond(std::move(reply));
  }
  if (range.kind == ByteRange::Kind::kWhole) {
    reply.file_path = path;
    return respond(std::move(reply));
  }
  uint64_t last = std::min<uint64_t>(range.last, range.first + options_.range_chunk_limit - 1);
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(range.first));
  reply.body.resize(last - range.first + 1);
  in.read(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
  if (!in) return respond(Reply::Fail(Internal("cannot read the recording")));
  reply.status = 206;
  reply.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                  std::to_string(last) + "/" +
                                                  std::to_string(size));
  respond(std::move(reply));
}

void Api::FindCustomers(Request& request, Respond respond) {
  auto phone = request.query.find("phone");
  if (phone == request.query.end() || phone->second.empty()) {
    return respond(
        Reply::Fail(BadRequest("invalid_parameter", "query parameter phone is required")));
  }
  std::string number = phone->second;
  // Agents search only the numbers of their own calls (api/customer_scope.h).
  WithCustomerScope(*request.user, [this, number, respond](auto scope) {
    if (!scope) return respond(Reply::Fail(Internal(scope.error().message)));
    if (*scope && !(*scope)->MaySeeNumber(number)) {
      return respond(
          Reply::Fail(Forbidden("agents look up customers only by the number of their own calls")));
    }
    auto found = customers_.FindByPhone(number);
    if (!found) return respond(Reply::Fail(Internal(found.error().message)));
    json list = json::array();
    for (const auto& customer : *found) list.push_back(ToJson(customer));
    respond(Reply::Json({{"customers", list}}));
  });
}

void Api::GetCustomer(Request& request, Respond respond) {
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(request.params["id"], &used);
    if (used != request.params["id"].size()) throw std::invalid_argument("id");
  } catch (...) {
    return respond(Reply::Fail(NotFound("no customer " + request.params["id"])));
  }
  std::string agent = request.user->role == "agent" ? request.user->agent_id : std::string();
  WithCustomerScope(*request.user, [this, id, agent, respond](auto scope) {
    if (!scope) return respond(Reply::Fail(Internal(scope.error().message)));
    auto customer = customers_.Get(id);
    if (!customer) return respond(Reply::Fail(Internal(customer.error().message)));
    if (!*customer) return respond(Reply::Fail(NotFound("no customer " + std::to_string(id))));
    if (*scope && !(*scope)->MaySeeCustomer(**customer)) {
      return respond(Reply::Fail(
          Forbidden("agents see a customer only while on a call with them or after one")));
    }
    auto contacts = calls_.CallsOfNumbers((*customer)->phones, 10);
    if (!contacts) return respond(Reply::Fail(Internal(contacts.error().message)));
    if (*scope) RedactContactsForAgent(agent, *contacts);
    json list = json::array();
    for (const auto& call : *contacts) list.push_back(ToJson(call));
    respond(Reply::Json({{"customer", ToJson(**customer)}, {"contacts", list}}));
  });
}

}  // namespace hotline::api
