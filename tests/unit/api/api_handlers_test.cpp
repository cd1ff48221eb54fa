// The Api's dispatch and handlers against a real SQLite file and an in-test fake
// ControlPort: sign-in, bearer and cookie sessions, roles, agent commands, errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/control_bridge.h"
#include "store/queue_store.h"

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
        case call::AgentCommand::Kind::kAnswer:
        case call::AgentCommand::Kind::kConsult:
        case call::AgentCommand::Kind::kConference:
        case call::AgentCommand::Kind::kCompleteTransfer:
        case call::AgentCommand::Kind::kCancelConsult:
        case call::AgentCommand::Kind::kListen:
        case call::AgentCommand::Kind::kStopListening:
          return Error{"no call"};
      }
    }
    return Status::Ok();
  }
  uint64_t Subscribe(std::function<void(const call::CtiEvent&)>) override { return 1; }
  void Unsubscribe(uint64_t) override {}
  // Administration: the live queue list and skills, as CallController keeps them.
  std::vector<QueueSettings> QueueSettingsList() override { return queues; }
  Status PutQueue(const QueueSettings& queue) override {
    for (auto& q : queues) {
      if (q.name == queue.name) {
        q = queue;
        return Status::Ok();
      }
    }
    queues.push_back(queue);
    return Status::Ok();
  }
  Status DeleteQueue(const std::string& name) override {
    if (name == busy_queue) return Error{"queue '" + name + "' has 1 call(s)"};
    std::erase_if(queues, [&](const QueueSettings& q) { return q.name == name; });
    return Status::Ok();
  }
  Status SetAgentSkills(const std::string& agent,
                        const std::map<std::string, int>& skills) override {
    agent_skills[agent] = skills;
    return Status::Ok();
  }
  std::vector<QueueSettings> queues;
  std::map<std::string, std::map<std::string, int>> agent_skills;
  std::string busy_queue;  // DeleteQueue refuses this one, as the ACD does with calls in it

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
    // Answers may come from another thread (the password worker) posting to io_.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
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

// Sign-out ends that session, deletion and a role/password change end all of the user's; each
// tells the WebSocket side (SessionsEnded) and stops the user's monitoring on the control
// thread. A display-name change ends nothing.
TEST_F(ApiHandlersTest, SessionsEndWithSignOutDeletionAndChanges) {
  std::vector<SessionsEnded> ended;
  api_->SetSessionsEndedHandler([&ended](const SessionsEnded& e) { ended.push_back(e); });
  std::string admin = Login("admin", "demo-admin");
  std::string supervisor = Login("supervisor", "demo-supervisor");
  ASSERT_EQ(Call("DELETE", "/api/v1/session", "", supervisor).status, 204u);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].username, "supervisor");
  EXPECT_FALSE(ended[0].token_hash.empty()) << "sign-out ends that session only";
  ASSERT_FALSE(port_.commands.empty());
  EXPECT_EQ(port_.commands.back().kind, call::AgentCommand::Kind::kStopListening);
  EXPECT_EQ(port_.commands.back().requested_by, "supervisor");

  ASSERT_EQ(Call("POST", "/api/v1/users",
                 R"({"username":"carol","password":"long-enough","role":"supervisor"})", admin)
                .status,
            201u);
  std::string carol = Login("carol", "long-enough");
  auto renamed = Call("PATCH", "/api/v1/users/carol", R"({"display_name":"Carol 王"})", admin);
  ASSERT_EQ(renamed.status, 200u) << renamed.body.dump();
  EXPECT_EQ(renamed.body["user"]["display_name"], "Carol 王");
  EXPECT_EQ(ended.size(), 1u) << "a new display name ends nothing";
  EXPECT_EQ(Call("GET", "/api/v1/me", "", carol).status, 200u);

  auto demoted = Call("PATCH", "/api/v1/users/carol", R"({"role":"agent"})", admin);
  ASSERT_EQ(demoted.status, 200u) << demoted.body.dump();
  EXPECT_EQ(demoted.body["user"]["role"], "agent");
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[1].username, "carol");
  EXPECT_TRUE(ended[1].token_hash.empty()) << "every session of the user";
  EXPECT_EQ(Call("GET", "/api/v1/me", "", carol).status, 401u);
  EXPECT_EQ(port_.commands.back().kind, call::AgentCommand::Kind::kStopListening);
  EXPECT_EQ(port_.commands.back().requested_by, "carol");

  carol = Login("carol", "long-enough");
  ASSERT_EQ(Call("PATCH", "/api/v1/users/carol", R"({"password":"another-one"})", admin).status,
            200u);
  EXPECT_EQ(ended.size(), 3u);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", carol).status, 401u);
  EXPECT_EQ(
      Call("POST", "/api/v1/session", R"({"username":"carol","password":"long-enough"})").status,
      401u);
  Login("carol", "another-one");

  ASSERT_EQ(Call("DELETE", "/api/v1/users/carol", "", admin).status, 204u);
  ASSERT_EQ(ended.size(), 4u);
  EXPECT_EQ(ended[3].username, "carol");

  EXPECT_EQ(Call("PATCH", "/api/v1/users/admin", R"({"role":"agent"})", admin).status, 409u);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/nobody", R"({"display_name":"x"})", admin).status, 404u);
  auto unknown = Call("PATCH", "/api/v1/users/supervisor", R"({"colour":"red"})", admin);
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.body["error"]["field"], "colour");
  auto weak = Call("PATCH", "/api/v1/users/supervisor", R"({"password":"short"})", admin);
  EXPECT_EQ(weak.status, 422u);
}

// Checks wait in a per-address queue: past its bound the address gets 429 at once, and
// another address is still queued.
TEST_F(ApiHandlersTest, PasswordChecksAreBoundedPerAddress) {
  ApiOptions options;
  options.password_pool = {1, 2, 10};
  Api api(
      options, *db_, *bridge_, config_, [] {}, clock_);
  std::vector<unsigned> statuses;
  auto attempt = [&](const std::string& ip, const std::string& password) {
    Request request;
    request.method = "POST";
    request.path = "/api/v1/session";
    request.client_ip = ip;
    request.body = json{{"username", "admin"}, {"password", password}}.dump();
    api.Handle(request, [&statuses](Reply reply) { statuses.push_back(reply.status); });
  };
  // Not running the loop: one check runs, two wait, the fourth from the address is refused.
  for (int i = 0; i < 4; ++i) attempt("10.0.0.2", "wrong");
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0], 429u);
  attempt("10.0.0.1", "demo-admin");
  EXPECT_EQ(statuses.size(), 1u) << "another address is queued";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (statuses.size() < 5 && std::chrono::steady_clock::now() < deadline) {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(statuses.size(), 5u);
  // 10.0.0.2's first was running; then the line is served in turn: 10.0.0.2 (which queued
  // first), 10.0.0.1, 10.0.0.2 again: the admin waits behind one check, not the whole queue.
  EXPECT_EQ(statuses[1], 401u);
  EXPECT_EQ(statuses[2], 401u);
  EXPECT_EQ(statuses[3], 200u) << "the admin's check did not wait behind the whole queue";
  EXPECT_EQ(statuses[4], 401u);
}

// Queue and skill administration: admin only, field-named errors, stored in the database
// after the control thread accepted the change.
TEST_F(ApiHandlersTest, AdminEditsQueuesAndSkills) {
  std::string admin = Login("admin", "demo-admin");
  std::string supervisor = Login("supervisor", "demo-supervisor");
  std::string agent = Login("1001", "secret-1001");
  const std::string sales = R"({"skills":{"sales":1},"strategy":"ring_all","wrap_up_s":7,
      "overflow":[{"after_s":30,"action":"relax","relax_by":1}]})";
  EXPECT_EQ(Call("PUT", "/api/v1/queues/sales", sales, agent).status, 403u);
  EXPECT_EQ(Call("PUT", "/api/v1/queues/sales", sales, supervisor).status, 403u);
  auto created = Call("PUT", "/api/v1/queues/sales", sales, admin);
  ASSERT_EQ(created.status, 201u) << created.body.dump();
  EXPECT_EQ(created.body["queue"]["wrap_up_s"], 7);
  ASSERT_EQ(port_.queues.size(), 1u);
  EXPECT_EQ(port_.queues[0].strategy, "ring_all");
  auto read = Call("GET", "/api/v1/queues/sales", "", supervisor);
  ASSERT_EQ(read.status, 200u);
  EXPECT_EQ(read.body["queue"]["overflow"][0]["relax_by"], 1);
  EXPECT_EQ(read.body["queue"]["ring_timeout_s"], 20);  // default
  EXPECT_EQ(Call("POST", "/api/v1/queues", R"({"name":"sales"})", admin).status, 409u);

  auto bad_type = Call("PUT", "/api/v1/queues/sales", R"({"wrap_up_s":"long"})", admin);
  EXPECT_EQ(bad_type.status, 400u);
  EXPECT_EQ(bad_type.body["error"]["field"], "wrap_up_s");
  auto bad_value = Call("PUT", "/api/v1/queues/sales", R"({"strategy":"loudest"})", admin);
  EXPECT_EQ(bad_value.status, 422u);
  EXPECT_EQ(bad_value.body["error"]["field"], "strategy");
  auto bad_rule = Call("PUT", "/api/v1/queues/sales",
                       R"({"overflow":[{"after_s":5,"action":"move","target":"nowhere"}]})", admin);
  EXPECT_EQ(bad_rule.status, 422u);
  EXPECT_EQ(bad_rule.body["error"]["field"], "overflow[0].target");
  EXPECT_EQ(Call("PUT", "/api/v1/queues/sales", "{oops", admin).body["error"]["code"],
            "malformed_json");
  EXPECT_EQ(port_.queues[0].strategy, "ring_all") << "refused edits change nothing";

  // A cycle of add_queue rules is refused, naming the rule.
  ASSERT_EQ(
      Call("POST", "/api/v1/queues",
           R"({"name":"ops","overflow":[{"after_s":9,"action":"add_queue","target":"sales"}]})",
           admin)
          .status,
      201u);
  auto cycle = Call("PUT", "/api/v1/queues/sales",
                    R"({"overflow":[{"after_s":9,"action":"add_queue","target":"ops"}]})", admin);
  EXPECT_EQ(cycle.status, 422u);
  EXPECT_EQ(cycle.body["error"]["field"], "overflow[0].target");
  EXPECT_EQ(Call("DELETE", "/api/v1/queues/sales", "", admin).status, 409u) << "ops names it";

  store::QueueStore stored(*db_);
  auto queues = stored.Queues();
  ASSERT_TRUE(queues.ok());
  ASSERT_EQ(queues->size(), 2u);
  EXPECT_EQ((*queues)[0].wrap_up_s, 7);

  port_.busy_queue = "ops";
  EXPECT_EQ(Call("DELETE", "/api/v1/queues/ops", "", admin).status, 409u);
  port_.busy_queue.clear();
  EXPECT_EQ(Call("DELETE", "/api/v1/queues/ops", "", admin).status, 204u);
  EXPECT_EQ(Call("DELETE", "/api/v1/queues/ops", "", admin).status, 404u);
  EXPECT_EQ(Call("GET", "/api/v1/queues/ops", "", admin).status, 404u);

  auto skills = Call("PUT", "/api/v1/agents/1002/skills", R"({"skills":{"sales":4}})", admin);
  ASSERT_EQ(skills.status, 200u) << skills.body.dump();
  EXPECT_EQ(port_.agent_skills["1002"]["sales"], 4);
  EXPECT_EQ(Call("PUT", "/api/v1/agents/1002/skills", R"({"skills":{"sales":4}})", agent).status,
            403u);
  auto level = Call("PUT", "/api/v1/agents/1002/skills", R"({"skills":{"sales":101}})", admin);
  EXPECT_EQ(level.status, 422u);
  EXPECT_EQ(level.body["error"]["field"], "skills.sales");
  EXPECT_EQ(Call("PUT", "/api/v1/agents/1002/skills", R"({"skills":[1]})", admin).status, 400u);
  EXPECT_EQ(Call("PUT", "/api/v1/agents/9999/skills", R"({"skills":{}})", admin).status, 404u);
  auto agent_skills = stored.AgentSkills();
  ASSERT_TRUE(agent_skills.ok());
  ASSERT_EQ(agent_skills->size(), 1u);
  EXPECT_EQ((*agent_skills)[0].skills.at("sales"), 4);
}

TEST_F(ApiHandlersTest, AdminEditsBusinessHoursAsANewFlowVersion) {
  std::string admin = Login("admin", "demo-admin");
  const std::string flow =
      "# the welcome flow\nflow: hours\nlanguages: [en]\ncalendars:\n  open:\n    weekly:\n"
      "      mon-fri: \"09:00-18:00\"\n    holidays: [2026-01-01]\n\n# nodes below\n"
      "start: check\nnodes:\n  check:\n    type: branch\n    cases:\n"
      "      - {if: {calendar: open}, next: bye}\n    default: bye\n"
      "  bye: {type: hangup}\n";
  ASSERT_EQ(Call("PUT", "/api/v1/ivr-flows/hours", json{{"yaml", flow}}.dump(), admin).status,
            200u);
  auto read = Call("GET", "/api/v1/ivr-flows/hours/calendars", "", admin);
  ASSERT_EQ(read.status, 200u) << read.body.dump();
  EXPECT_EQ(read.body["calendars"]["open"]["weekly"]["wed"], json({"09:00-18:00"}));
  EXPECT_EQ(read.body["calendars"]["open"]["weekly"]["sat"], json::array());
  EXPECT_EQ(read.body["calendars"]["open"]["holidays"], json({"2026-01-01"}));

  json hours = {{"calendars",
                 {{"open",
                   {{"weekly", {{"mon", {"08:00-12:00", "13:00-17:00"}}, {"sat", {"10:00-12:00"}}}},
                    {"holidays", {"2026-10-01..2026-10-07"}}}}}}};
  auto put = Call("PUT", "/api/v1/ivr-flows/hours/calendars", hours.dump(), admin);
  ASSERT_EQ(put.status, 200u) << put.body.dump();
  EXPECT_EQ(put.body["version"], 2);
  EXPECT_EQ(reloads_, 2);
  auto stored = Call("GET", "/api/v1/ivr-flows/hours", "", admin);
  const std::string text = stored.body["yaml"];
  EXPECT_NE(text.find("# nodes below"), std::string::npos) << "comments outside stay";
  EXPECT_NE(text.find("# the welcome flow"), std::string::npos);
  auto again = Call("GET", "/api/v1/ivr-flows/hours/calendars", "", admin);
  EXPECT_EQ(again.body["calendars"]["open"]["weekly"]["mon"], json({"08:00-12:00", "13:00-17:00"}));
  EXPECT_EQ(again.body["calendars"]["open"]["weekly"]["tue"], json::array());

  json bad_range = {{"calendars", {{"open", {{"weekly", {{"mon", {"18:00-09:00"}}}}}}}}};
  auto refused = Call("PUT", "/api/v1/ivr-flows/hours/calendars", bad_range.dump(), admin);
  EXPECT_EQ(refused.status, 422u);
  EXPECT_EQ(refused.body["error"]["field"], "calendars.open.weekly.mon[0]");
  json bad_day = {{"calendars", {{"open", {{"holidays", {"2026-13-01"}}}}}}};
  EXPECT_EQ(Call("PUT", "/api/v1/ivr-flows/hours/calendars", bad_day.dump(), admin)
                .body["error"]["field"],
            "calendars.open.holidays[0]");
  // The branch names calendar "open": removing it makes the flow invalid.
  auto gone = Call("PUT", "/api/v1/ivr-flows/hours/calendars", R"({"calendars":{}})", admin);
  EXPECT_EQ(gone.status, 422u);
  EXPECT_EQ(gone.body["error"]["code"], "invalid_flow");
  EXPECT_EQ(Call("GET", "/api/v1/ivr-flows/hours", "", admin).body["version"], 2);
  EXPECT_EQ(Call("GET", "/api/v1/ivr-flows/nope/calendars", "", admin).status, 404u);
  std::string agent = Login("1001", "secret-1001");
  EXPECT_EQ(Call("PUT", "/api/v1/ivr-flows/hours/calendars", hours.dump(), agent).status, 403u);
}

}  // namespace
}  // namespace hotline::api
