// The Api's dispatch and handlers against a real SQLite file and an in-test fake
// ControlPort: sign-in, bearer and cookie sessions, roles, agent commands, errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/control_bridge.h"

namespace hotline::api {
namespace {

using nlohmann::json;

// A call center of two agents; commands change their state.
class FakeControlPort final : public call::ControlPort {
 public:
  FakeControlPort() {
    for (const char* id : {"1001", "1002"}) {
      call::AgentSnapshot agent;
      agent.id = id;
      agent.state = "logged_out";
      agents_.push_back(agent);
    }
  }
  std::vector<call::AgentSnapshot> Agents() override { return agents_; }
  std::vector<call::QueueSnapshot> Queues() override {
    call::QueueSnapshot q;
    q.id = "sales";
    q.skills = {{"sales", 1}};
    return {q};
  }
  Status Command(const call::AgentCommand& command) override {
    commands.push_back(command);
    for (auto& agent : agents_) {
      if (agent.id != command.agent) continue;
      switch (command.kind) {
        case call::AgentCommand::Kind::kReady:
          agent.state = "ready";
          break;
        case call::AgentCommand::Kind::kNotReady:
          agent.state = "not_ready";
          break;
        case call::AgentCommand::Kind::kLogout:
          agent.state = "logged_out";
          break;
        case call::AgentCommand::Kind::kLogin:
          agent.state = "not_ready";
          break;
        case call::AgentCommand::Kind::kHangup:
        case call::AgentCommand::Kind::kDtmf:
        case call::AgentCommand::Kind::kHold:
        case call::AgentCommand::Kind::kResume:
        case call::AgentCommand::Kind::kTransfer:
        case call::AgentCommand::Kind::kDial:
          return Error{"no call"};
      }
    }
    return Status::Ok();
  }
  uint64_t Subscribe(std::function<void(const call::CtiEvent&)>) override { return 1; }
  void Unsubscribe(uint64_t) override {}

  std::vector<call::AgentCommand> commands;

 private:
  std::vector<call::AgentSnapshot> agents_;
};

struct Response {
  unsigned status = 0;
  json body;
  Reply reply;
};

class ApiHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hotline_api_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = store::OpenHotlineDb((dir_ / "hotline.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    config_.users.push_back(SipUser{"1001", "secret-1001", "Agent A"});
    config_.users.push_back(SipUser{"1002", "secret-1002", "Agent B"});
    // The control thread is this thread: tasks run at once, results come back through io.
    bridge_ =
        std::make_unique<ControlBridge>([](std::function<void()> task) { task(); }, port_, io_);
    api_ = std::make_unique<Api>(
        ApiOptions{}, *db_, *bridge_, config_, [this] { reloads_++; }, clock_);
    api_->SeedUsers(true);
  }
  void TearDown() override {
    api_.reset();
    bridge_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response Call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", const std::string& cookie = "") {
    Request request;
    request.method = method;
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = ParseQuery(target.substr(q + 1));
    request.body = body;
    request.client_ip = "127.0.0.1";
    if (!token.empty()) request.authorization = "Bearer " + token;
    request.cookie = cookie;
    Response response;
    bool done = false;
    api_->Handle(request, [&](Reply reply) {
      response.status = reply.status;
      response.body = json::parse(reply.body, nullptr, false);
      response.reply = std::move(reply);
      done = true;
    });
    io_.restart();
    io_.run();
    EXPECT_TRUE(done) << method << " " << target << " never answered";
    return response;
  }

  std::string Login(const std::string& user, const std::string& password) {
    auto r =
        Call("POST", "/api/v1/session", json{{"username", user}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200u) << r.body.dump();
    return r.body.value("token", "");
  }

  std::filesystem::path dir_;
  boost::asio::io_context io_;
  std::unique_ptr<store::SqliteDb> db_;
  FakeControlPort port_;
  Config config_;
  SystemClock clock_;
  std::unique_ptr<ControlBridge> bridge_;
  std::unique_ptr<Api> api_;
  int reloads_ = 0;
};

TEST_F(ApiHandlersTest, SignInWithBearerAndCookieThenSignOut) {
  auto wrong = Call("POST", "/api/v1/session", R"({"username":"1001","password":"nope"})");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.body["error"]["code"], "invalid_credentials");

  auto ok = Call("POST", "/api/v1/session", R"({"username":"1001","password":"secret-1001"})");
  ASSERT_EQ(ok.status, 200u);
  std::string token = ok.body["token"];
  EXPECT_EQ(ok.body["user"]["agent"], "1001");
  bool cookie_set = false;
  for (const auto& [name, value] : ok.reply.headers) {
    if (name == "Set-Cookie") {
      cookie_set = value.find("hotline_session=" + token) == 0 &&
                   value.find("HttpOnly") != std::string::npos &&
                   value.find("SameSite=Strict") != std::string::npos;
    }
  }
  EXPECT_TRUE(cookie_set);

  EXPECT_EQ(Call("GET", "/api/v1/me", "", token).status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", "", "a=b; hotline_session=" + token).status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/me").status, 401u);
  EXPECT_EQ(Call("DELETE", "/api/v1/session", "", token).status, 204u);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", token).status, 401u);
}

TEST_F(ApiHandlersTest, FailedSignInsAreThrottled) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Call("POST", "/api/v1/session", R"({"username":"admin","password":"x"})").status,
              401u);
  }
  auto blocked = Call("POST", "/api/v1/session", R"({"username":"admin","password":"demo-admin"})");
  EXPECT_EQ(blocked.status, 429u);
  bool retry_after = false;
  for (const auto& [name, value] : blocked.reply.headers) retry_after |= name == "Retry-After";
  EXPECT_TRUE(retry_after);
}

TEST_F(ApiHandlersTest, RolesLimitWhatAgentsSee) {
  std::string agent = Login("1001", "secret-1001");
  std::string supervisor = Login("supervisor", "demo-supervisor");
  auto mine = Call("GET", "/api/v1/agents", "", agent);
  ASSERT_EQ(mine.status, 200u);
  ASSERT_EQ(mine.body["agents"].size(), 1u);
  EXPECT_EQ(mine.body["agents"][0]["id"], "1001");
  EXPECT_EQ(Call("GET", "/api/v1/agents/1002", "", agent).status, 403u);
  EXPECT_EQ(Call("GET", "/api/v1/users", "", agent).status, 403u);
  EXPECT_EQ(Call("GET", "/api/v1/queues", "", agent).status, 403u);
  EXPECT_EQ(Call("GET", "/api/v1/agents", "", supervisor).body["agents"].size(), 2u);
  auto queues = Call("GET", "/api/v1/queues", "", supervisor);
  ASSERT_EQ(queues.status, 200u);
  EXPECT_EQ(queues.body["queues"][0]["id"], "sales");
  EXPECT_EQ(queues.body["queues"][0]["today"]["offered"], 0);
}

TEST_F(ApiHandlersTest, AgentStateCommandsReachTheControlPort) {
  std::string agent = Login("1001", "secret-1001");
  auto ready = Call("POST", "/api/v1/agents/1001/state", R"({"state":"ready"})", agent);
  ASSERT_EQ(ready.status, 200u) << ready.body.dump();
  EXPECT_EQ(ready.body["agent"]["state"], "ready");
  ASSERT_EQ(port_.commands.size(), 1u);
  EXPECT_EQ(port_.commands[0].kind, call::AgentCommand::Kind::kReady);
  auto nr =
      Call("POST", "/api/v1/agents/1001/state", R"({"state":"not_ready","reason":"break"})", agent);
  EXPECT_EQ(nr.body["agent"]["state"], "not_ready");
  EXPECT_EQ(port_.commands.back().reason, "break");
  EXPECT_EQ(Call("POST", "/api/v1/agents/1002/state", R"({"state":"ready"})", agent).status, 403u);
  EXPECT_EQ(Call("POST", "/api/v1/agents/1001/state", R"({"state":"asleep"})", agent).status, 422u);
  std::string admin = Login("admin", "demo-admin");
  EXPECT_EQ(Call("POST", "/api/v1/agents/1002/state", R"({"state":"logged_out"})", admin).status,
            200u);
  EXPECT_EQ(Call("POST", "/api/v1/agents/9999/state", R"({"state":"ready"})", admin).status, 404u);
}

TEST_F(ApiHandlersTest, ErrorsAreJson) {
  std::string admin = Login("admin", "demo-admin");
  auto malformed = Call("POST", "/api/v1/users", "{nope", admin);
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(malformed.body["error"]["code"], "malformed_json");
  auto missing = Call("GET", "/api/v1/nowhere", "", admin);
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body["error"]["code"], "not_found");
  EXPECT_EQ(Call("PATCH", "/api/v1/users", "", admin).status, 405u);
  EXPECT_EQ(Call("GET", "/api/v1/calls?limit=abc", "", admin).status, 400u);
  EXPECT_EQ(Call("GET", "/api/v1/calls?limit=501", "", admin).status, 400u);
}

TEST_F(ApiHandlersTest, AdminManagesUsers) {
  std::string admin = Login("admin", "demo-admin");
  auto created =
      Call("POST", "/api/v1/users",
           R"({"username":"carol","password":"long-enough","role":"supervisor"})", admin);
  ASSERT_EQ(created.status, 201u) << created.body.dump();
  EXPECT_EQ(Call("POST", "/api/v1/users",
                 R"({"username":"carol","password":"long-enough","role":"supervisor"})", admin)
                .status,
            409u);
  EXPECT_EQ(Call("POST", "/api/v1/users",
                 R"({"username":"x","password":"long-enough","role":"boss"})", admin)
                .status,
            422u);
  std::string carol = Login("carol", "long-enough");
  EXPECT_EQ(Call("GET", "/api/v1/queues", "", carol).status, 200u);
  EXPECT_EQ(Call("DELETE", "/api/v1/users/carol", "", admin).status, 204u);
  EXPECT_EQ(Call("GET", "/api/v1/queues", "", carol).status, 401u) << "sessions go with the user";
  EXPECT_EQ(Call("DELETE", "/api/v1/users/carol", "", admin).status, 404u);
}

}  // namespace
}  // namespace hotline::api
