// bench/api_load/api_load.cpp: load benchmark of Hotline's HTTP + WebSocket API (not a test).
// Against a running hotline (bench/api_load/run.sh starts one, with calls flowing):
//  1. signs in (POST /api/v1/session) a supervisor and K agents;
//  2. opens N WebSockets to /api/v1/events with the supervisor's token (one session, many
//     sockets) and subscribes each to ["agents","queues"];
//  3. changes the state of A agents through the API (POST /api/v1/agents/{id}/state,
//     ready <-> not_ready, R changes/s) and measures, for every agent.state event delivered to
//     every socket, the time from sending the request to receiving the event, and from the
//     event's server time (at_ms) to receiving it; counts lost and unexpected deliveries;
//  4. runs an agent's typical read (GET /api/v1/agents/{id}, GET /api/v1/calls?limit=20 with
//     that agent's token) in a closed loop on K keep-alive connections for T s: requests/s,
//     latency, errors; once with every connection on its own client address (K large enough
//     that no address passes the per-IP limit: the server's capacity), once with k
//     connections all from 127.0.0.1 (what the per-IP limit leaves to one address).
// Asynchronous Beast clients on one or two io_context threads, no thread per client. Each
// client binds its own loopback source address (127.B.x.y) so that the server's per-IP
// token bucket (50/s, burst 100) sees N clients, as it would in a call center.
//
//   api_load --port 8080 [--clients 1000] [--toggle-first 3180 --toggle-count 20 --rate 20]
//            [--event-seconds 30] [--rest-first 3000 --rest-agents 16 --rest-conns 200] ...
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;

// ------------------------------------------------------------------------------ options

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  int clients = 1000;
  std::string user = "supervisor";
  std::string password = "demo-supervisor";
  std::string agent_password_prefix = "pw";  // agent N's password: prefix + N
  int toggle_first = 3180;
  int toggle_count = 20;
  double rate = 20;  // state changes per second (all toggled agents together)
  double event_seconds = 30;
  int rest_first = 3000;
  int rest_agents = 16;  // agents signed in for the REST phase (rest_first...)
  int rest_conns = 200;  // connections (connection i reads as agent i % rest_agents)
  double rest_seconds = 10;
  int rest_one_ip_conns = 16;
  double rest_one_ip_seconds = 5;  // 0: skip the all-from-127.0.0.1 REST run
  int threads = 1;
  int max_connecting = 100;  // WebSocket handshakes in flight
  bool one_ip = false;       // every connection from 127.0.0.1 (the rate limit applies to all)
  int server_pid = 0;        // for CPU figures (0: none)
};

[[noreturn]] void Usage(const char* problem, int code = 2) {
  std::fprintf(stderr,
               "%s\nusage: api_load --port N [--host 127.0.0.1] [--clients 1000]\n"
               "  [--user supervisor --password demo-supervisor] [--agent-password-prefix pw]\n"
               "  [--toggle-first 3180 --toggle-count 20 --rate 20 --event-seconds 30]\n"
               "  [--rest-first 3000 --rest-agents 16 --rest-conns 200 --rest-seconds 10]\n"
               "  [--rest-one-ip-conns 16 --rest-one-ip-seconds 5]\n"
               "  [--threads 1] [--max-connecting 100] [--one-ip] [--server-pid PID]\n",
               problem);
  std::exit(code);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--one-ip") {
      o.one_ip = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") Usage("api_load: Hotline API load benchmark", 0);
    if (i + 1 >= argc) Usage(("missing value for " + arg).c_str());
    std::string v = argv[++i];
    if (arg == "--host") {
      o.host = v;
    } else if (arg == "--port") {
      o.port = std::stoi(v);
    } else if (arg == "--clients") {
      o.clients = std::stoi(v);
    } else if (arg == "--user") {
      o.user = v;
    } else if (arg == "--password") {
      o.password = v;
    } else if (arg == "--agent-password-prefix") {
      o.agent_password_prefix = v;
    } else if (arg == "--toggle-first") {
      o.toggle_first = std::stoi(v);
    } else if (arg == "--toggle-count") {
      o.toggle_count = std::stoi(v);
    } else if (arg == "--rate") {
      o.rate = std::stod(v);
    } else if (arg == "--event-seconds") {
      o.event_seconds = std::stod(v);
    } else if (arg == "--rest-first") {
      o.rest_first = std::stoi(v);
    } else if (arg == "--rest-agents") {
      o.rest_agents = std::stoi(v);
    } else if (arg == "--rest-conns") {
      o.rest_conns = std::stoi(v);
    } else if (arg == "--rest-one-ip-conns") {
      o.rest_one_ip_conns = std::stoi(v);
    } else if (arg == "--rest-seconds") {
      o.rest_seconds = std::stod(v);
    } else if (arg == "--rest-one-ip-seconds") {
      o.rest_one_ip_seconds = std::stod(v);
    } else if (arg == "--threads") {
      o.threads = std::stoi(v);
    } else if (arg == "--max-connecting") {
      o.max_connecting = std::stoi(v);
    } else if (arg == "--server-pid") {
      o.server_pid = std::stoi(v);
    } else {
      Usage(("unknown option " + arg).c_str());
    }
  }
  if (o.clients < 0 || o.toggle_count < 1 || o.rest_agents < 0 || o.rest_conns < 0 || o.rate <= 0 ||
      o.threads < 1 || o.max_connecting < 1) {
    Usage("bad option value");
  }
  return o;
}

// ------------------------------------------------------------------------------ clocks, stats

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t WallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Summary {
  size_t n = 0;
  double p50 = 0, p99 = 0, max = 0, mean = 0;  // milliseconds
};

// `values` in microseconds (sorted in place).
Summary Summarize(std::vector<int64_t>& values) {
  Summary s;
  s.n = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  auto at = [&values](double p) {
    size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return static_cast<double>(values[std::min(i, values.size() - 1)]) / 1000.0;
  };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = static_cast<double>(values.back()) / 1000.0;
  double sum = 0;
  for (int64_t v : values) sum += static_cast<double>(v);
  s.mean = sum / static_cast<double>(values.size()) / 1000.0;
  return s;
}

// CPU seconds (utime + stime) of /proc/<path>/stat.
double CpuSeconds(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The task (thread) of `pid` named `name`, as "/proc/PID/task/TID/stat" ("" if none).
std::string TaskStat(int pid, const std::string& name) {
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return "";
  std::string found;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(dir + "/" + entry->d_name + "/comm");
    std::string comm_name;
    std::getline(comm, comm_name);
    if (comm_name == name) found = dir + "/" + entry->d_name + "/stat";
  }
  closedir(d);
  return found;
}

// Busy and total jiffies of the whole machine (/proc/stat "cpu" line).
std::pair<double, double> MachineJiffies() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  double total = 0, idle = 0;
  for (int i = 0; i < 10; ++i) {
    double v = 0;
    if (!(in >> v)) break;
    total += v;
    if (i == 3 || i == 4) idle += v;  // idle, iowait
  }
  return {total - idle, total};
}

// CPU use over a phase: hotline (process, API thread), this client, the whole machine.
class CpuMeter {
 public:
  explicit CpuMeter(int server_pid) : pid_(server_pid) {
    if (pid_ > 0) api_stat_ = TaskStat(pid_, "hotline-api");
  }
  void Begin() { begin_ = Take(); }
  std::string End() const {
    Sample end = Take();
    double wall = end.wall - begin_.wall;
    if (wall <= 0) return "";
    char line[256];
    double machine = end.machine_total > begin_.machine_total
                         ? (end.machine_busy - begin_.machine_busy) /
                               (end.machine_total - begin_.machine_total) *
                               static_cast<double>(std::thread::hardware_concurrency())
                         : 0;
    std::snprintf(line, sizeof(line),
                  "cores used: hotline %.2f (API thread %.2f), api_load %.2f, machine %.2f of %u",
                  (end.server - begin_.server) / wall, (end.api - begin_.api) / wall,
                  (end.self - begin_.self) / wall, machine, std::thread::hardware_concurrency());
    return line;
  }

 private:
  struct Sample {
    double wall = 0, server = 0, api = 0, self = 0, machine_busy = 0, machine_total = 0;
  };
  Sample Take() const {
    Sample s;
    s.wall = static_cast<double>(SteadyNs()) / 1e9;
    if (pid_ > 0) s.server = CpuSeconds("/proc/" + std::to_string(pid_) + "/stat");
    if (!api_stat_.empty()) s.api = CpuSeconds(api_stat_);
    s.self = CpuSeconds("/proc/self/stat");
    auto [busy, total] = MachineJiffies();
    s.machine_busy = busy;
    s.machine_total = total;
    return s;
  }
  int pid_;
  std::string api_stat_;
  Sample begin_;
};

// ------------------------------------------------------------------------------ addresses

// A distinct loopback client address for connection `index` of group `block` (1..254):
// 127.block.(index / 250).(index % 250 + 1). nullopt with --one-ip: the default source.
std::optional<asio::ip::address_v4> SourceIp(const Options& o, int block, int index) {
  if (o.one_ip) return std::nullopt;
  asio::ip::address_v4::bytes_type b = {127, static_cast<unsigned char>(block),
                                        static_cast<unsigned char>(index / 250),
                                        static_cast<unsigned char>(index % 250 + 1)};
  return asio::ip::address_v4(b);
}

// Opens `socket` bound to `source` (if any) for a connect to the server.
void OpenBound(tcp::socket& socket, const std::optional<asio::ip::address_v4>& source,
               beast::error_code& ec) {
  socket.open(tcp::v4(), ec);
  if (ec || !source) return;
  socket.bind(tcp::endpoint(*source, 0), ec);
}

// ------------------------------------------------------------------------------ blocking HTTP

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::string error;
};

// One request on a fresh connection (used for sign-in, outside the measured phases).
HttpResult BlockingRequest(const Options& o, http::verb verb, const std::string& target,
                           const std::string& body, const std::string& token) {
  HttpResult result;
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address(o.host), static_cast<uint16_t>(o.port)), ec);
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, o.host + ":" + std::to_string(o.port));
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) {
    result.error = "write: " + ec.message();
    return result;
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  if (ec) {
    result.error = "read: " + ec.message();
    return result;
  }
  result.status = res.result_int();
  result.body = std::move(res.body());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

// Signs in; the token, or exits. Retries 429 (rate limit) a few times.
std::string SignIn(const Options& o, const std::string& user, const std::string& password,
                   double* seconds) {
  json body = {{"username", user}, {"password", password}};
  for (int attempt = 0; attempt < 10; ++attempt) {
    int64_t t0 = SteadyNs();
    HttpResult r = BlockingRequest(o, http::verb::post, "/api/v1/session", body.dump(), "");
    if (seconds) *seconds = static_cast<double>(SteadyNs() - t0) / 1e9;
    if (r.status == 200) {
      json reply = json::parse(r.body, nullptr, false);
      if (reply.is_object() && reply.contains("token")) return reply["token"].get<std::string>();
    }
    if (r.status == 429) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    std::fprintf(stderr, "sign-in of %s failed: %u %s %s\n", user.c_str(), r.status,
                 r.error.c_str(), r.body.c_str());
    std::exit(1);
  }
  std::fprintf(stderr, "sign-in of %s: rate limited 10 times\n", user.c_str());
  std::exit(1);
}

// ------------------------------------------------------------------------------ shared state

// A delivery of a measured agent.state event: the k-th event (0-based) of key on this socket.
// key = (agent - toggle_first) * 2 + (state == "ready").
struct Receipt {
  uint32_t key;
  uint32_t k;
  int64_t recv_ns;
};

struct Shared {
  const Options* options = nullptr;
  std::string token;
  std::string host_header;
  tcp::endpoint server;
  // Events with at_ms >= this are measured (0: none yet).
  std::atomic<int64_t> measure_from_ms{0};
  // 0: state changes, 1: REST run from own addresses, 2: after (event latencies kept apart).
  std::atomic<int> phase{0};
  std::atomic<int> subscribed{0};
  std::atomic<int> failed{0};   // gave up connecting
  std::atomic<int> dropped{0};  // closed after subscribing
  std::atomic<int> retries{0};  // handshakes retried (e.g. 429)
  std::atomic<int> next_to_start{0};
  std::atomic<int64_t> last_subscribed_ns{0};
  std::mutex error_mutex;
  std::map<std::string, int> errors;  // first failure reasons
  std::function<void()> launch_next;

  void Error(const std::string& what) {
    std::lock_guard<std::mutex> lock(error_mutex);
    errors[what]++;
  }
};

// Value of "key":"..." in a compact JSON text ("" if absent). Hotline's messages are dumped
// by nlohmann::json: no spaces, keys sorted, no escapes in the fields read here. `last`: the
// last occurrence — top-level "type", "state", "previous_state" sort after the nested
// "data" object (whose keys are IVR variables), "agent" and "at_ms" before it.
std::string_view StringField(std::string_view text, std::string_view key_colon_quote,
                             bool last = false) {
  size_t at = last ? text.rfind(key_colon_quote) : text.find(key_colon_quote);
  if (at == std::string_view::npos) return {};
  size_t start = at + key_colon_quote.size();
  size_t end = text.find('"', start);
  if (end == std::string_view::npos) return {};
  return text.substr(start, end - start);
}

int64_t IntField(std::string_view text, std::string_view key_colon) {
  size_t at = text.find(key_colon);
  if (at == std::string_view::npos) return -1;
  int64_t v = 0;
  for (size_t i = at + key_colon.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// ------------------------------------------------------------------------------ WebSocket client

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  WsClient(asio::io_context& io, Shared& shared, int index)
      : io_(io), shared_(shared), index_(index), retry_timer_(io) {
    counts_.assign(static_cast<size_t>(shared.options->toggle_count) * 2, 0);
  }

  void Start() {
    ws_.emplace(asio::make_strand(io_));
    auto& socket = beast::get_lowest_layer(*ws_).socket();
    beast::error_code ec;
    OpenBound(socket, SourceIp(*shared_.options, 1, index_), ec);
    if (ec) return Fail("bind: " + ec.message(), false);
    beast::get_lowest_layer(*ws_).expires_after(std::chrono::seconds(30));
    auto self = shared_from_this();
    beast::get_lowest_layer(*ws_).async_connect(shared_.server, [self](beast::error_code e) {
      if (e) return self->Fail("connect: " + e.message(), true);
      self->Handshake();
    });
  }

  bool subscribed() const { return subscribed_; }
  bool closed() const { return closed_; }
  const std::vector<Receipt>& receipts() const { return receipts_; }
  std::vector<int64_t>& toggle_at_latency_us() { return toggle_at_us_; }
  std::vector<int64_t>& event_at_latency_us(int phase) { return event_at_us_[phase]; }
  uint64_t messages() const { return messages_; }
  uint64_t snapshots() const { return snapshots_; }
  const std::map<std::string, uint64_t>& event_types() const { return types_; }
  uint64_t unmatched_agents() const { return unmatched_; }

  void Close() {
    asio::post(ws_->get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      beast::get_lowest_layer(*self->ws_).socket().close(ec);
    });
  }

 private:
  void Handshake() {
    beast::get_lowest_layer(*ws_).expires_never();
    ws_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string bearer = "Bearer " + shared_.token;
    ws_->set_option(websocket::stream_base::decorator(
        [bearer](websocket::request_type& req) { req.set(http::field::authorization, bearer); }));
    auto self = shared_from_this();
    ws_->async_handshake(
        response_, shared_.host_header, "/api/v1/events", [self](beast::error_code ec) {
          if (ec) {
            std::string why = "handshake: " + ec.message();
            if (self->response_.result_int() != 0) {
              why = "handshake: HTTP " + std::to_string(self->response_.result_int());
            }
            return self->Fail(why, true);
          }
          self->ReadUntilSubscribed();
        });
  }

  // hello, then (after sending subscribe) everything up to the subscribe reply.
  void ReadUntilSubscribed() {
    auto self = shared_from_this();
    ws_->async_read(buffer_, [self](beast::error_code ec, size_t) {
      if (ec) return self->Fail("reading before subscribed: " + ec.message(), true);
      std::string_view text(static_cast<const char*>(self->buffer_.data().data()),
                            self->buffer_.size());
      std::string_view type = StringField(text, "\"type\":\"", true);
      if (type == "hello") {
        self->buffer_.consume(self->buffer_.size());
        return self->Subscribe();
      }
      if (type == "reply") {
        bool ok = text.find("\"ok\":true") != std::string_view::npos;
        self->buffer_.consume(self->buffer_.size());
        if (!ok) return self->Fail("subscribe refused: " + std::string(text), false);
        self->subscribed_ = true;
        self->shared_.subscribed++;
        self->shared_.last_subscribed_ns = SteadyNs();
        if (self->shared_.launch_next) self->shared_.launch_next();
        return self->Read();
      }
      self->buffer_.consume(self->buffer_.size());
      self->ReadUntilSubscribed();
    });
  }

  void Subscribe() {
    outgoing_ = R"({"id":1,"command":"subscribe","topics":["agents","queues"]})";
    ws_->text(true);
    auto self = shared_from_this();
    ws_->async_write(asio::buffer(outgoing_), [self](beast::error_code ec, size_t) {
      if (ec) return self->Fail("subscribe: " + ec.message(), true);
      self->ReadUntilSubscribed();
    });
  }

  void Read() {
    auto self = shared_from_this();
    ws_->async_read(buffer_, [self](beast::error_code ec, size_t) {
      if (ec) {
        self->closed_ = true;
        if (ec != asio::error::operation_aborted && ec != asio::error::bad_descriptor) {
          self->shared_.dropped++;
          self->shared_.Error("dropped after subscribing: " + ec.message());
        }
        return;
      }
      self->OnMessage(std::string_view(static_cast<const char*>(self->buffer_.data().data()),
                                       self->buffer_.size()));
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void OnMessage(std::string_view text) {
    int64_t now_ns = SteadyNs();
    int64_t now_us = WallUs();
    ++messages_;
    std::string_view type = StringField(text, "\"type\":\"", true);
    if (type == "queues") {
      ++snapshots_;
      return;
    }
    int64_t from_ms = shared_.measure_from_ms.load(std::memory_order_relaxed);
    int64_t at_ms = IntField(text, "\"at_ms\":");
    if (from_ms == 0 || at_ms < from_ms) return;
    types_[std::string(type)]++;
    int64_t at_latency_us = now_us - at_ms * 1000;
    event_at_us_[shared_.phase.load(std::memory_order_relaxed)].push_back(at_latency_us);
    if (type != "agent.state") return;
    std::string_view agent = StringField(text, "\"agent\":\"");
    int id = 0;
    for (char c : agent) id = (c >= '0' && c <= '9') ? id * 10 + (c - '0') : -1000000;
    int offset = id - shared_.options->toggle_first;
    if (offset < 0 || offset >= shared_.options->toggle_count) return;  // a call agent
    // Only the toggles: not_ready -> ready and ready -> not_ready (not a login, say).
    std::string_view state = StringField(text, "\"state\":\"", true);
    std::string_view previous = StringField(text, "\"previous_state\":\"", true);
    if (!((state == "ready" && previous == "not_ready") ||
          (state == "not_ready" && previous == "ready"))) {
      ++unmatched_;
      return;
    }
    uint32_t key = static_cast<uint32_t>(offset * 2 + (state == "ready" ? 1 : 0));
    receipts_.push_back({key, counts_[key]++, now_ns});
    toggle_at_us_.push_back(at_latency_us);
  }

  void Fail(const std::string& why, bool retry) {
    if (subscribed_) return;
    shared_.Error(why);
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
    if (retry && ++attempts_ < 30) {
      shared_.retries++;
      retry_timer_.expires_after(std::chrono::seconds(1));
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->Start();
      });
      return;
    }
    closed_ = true;
    shared_.failed++;
    if (shared_.launch_next) shared_.launch_next();
  }

  asio::io_context& io_;
  Shared& shared_;
  int index_;
  int attempts_ = 0;
  asio::steady_timer retry_timer_;
  std::optional<websocket::stream<beast::tcp_stream>> ws_;
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::string outgoing_;
  bool subscribed_ = false;
  bool closed_ = false;
  std::vector<uint32_t> counts_;
  std::vector<Receipt> receipts_;
  std::vector<int64_t> toggle_at_us_;
  std::vector<int64_t> event_at_us_[3];
  std::map<std::string, uint64_t> types_;
  uint64_t messages_ = 0, snapshots_ = 0, unmatched_ = 0;
};

// ------------------------------------------------------------------------------ HTTP keep-alive

// One keep-alive HTTP/1.1 connection from its own client address; one request at a time;
// (re)connects when needed. Its handlers run on `executor` (a strand).
class HttpConn : public std::enable_shared_from_this<HttpConn> {
 public:
  using Done = std::function<void(unsigned status, const std::string& error)>;

  HttpConn(asio::any_io_executor executor, Shared& shared,
           std::optional<asio::ip::address_v4> source)
      : stream_(executor), shared_(shared), source_(source) {}

  void Request(http::verb verb, const std::string& target, const std::string& body,
               const std::string& token, Done done) {
    req_ = {verb, target, 11};
    req_.set(http::field::host, shared_.host_header);
    req_.set(http::field::authorization, "Bearer " + token);
    req_.keep_alive(true);
    if (!body.empty()) {
      req_.set(http::field::content_type, "application/json");
      req_.body() = body;
    }
    req_.prepare_payload();
    done_ = std::move(done);
    if (connected_) return Write();
    beast::error_code ec;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    OpenBound(stream_.socket(), source_, ec);
    if (ec) return Finish(0, "bind: " + ec.message());
    stream_.expires_after(std::chrono::seconds(30));
    auto self = shared_from_this();
    stream_.async_connect(shared_.server, [self](beast::error_code e) {
      if (e) return self->Finish(0, "connect: " + e.message());
      self->connected_ = true;
      self->Write();
    });
  }

  const http::response<http::string_body>& response() const { return res_; }

 private:
  void Write() {
    stream_.expires_after(std::chrono::seconds(30));
    auto self = shared_from_this();
    http::async_write(stream_, req_, [self](beast::error_code ec, size_t) {
      if (ec) return self->Finish(0, "write: " + ec.message());
      self->res_ = {};
      http::async_read(self->stream_, self->buffer_, self->res_,
                       [self](beast::error_code e, size_t) {
                         if (e) return self->Finish(0, "read: " + e.message());
                         if (!self->res_.keep_alive()) self->connected_ = false;
                         self->Finish(self->res_.result_int(), "");
                       });
    });
  }

  void Finish(unsigned status, const std::string& error) {
    if (status == 0) {
      connected_ = false;
      beast::error_code ignored;
      stream_.socket().close(ignored);
      buffer_.clear();
    }
    Done done = std::move(done_);
    done_ = nullptr;
    if (done) done(status, error);
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  std::optional<asio::ip::address_v4> source_;
  bool connected_ = false;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  Done done_;
};

// ------------------------------------------------------------------------------ state changes

// Changes the state of the toggled agents (ready <-> not_ready) at a steady rate, round
// robin, one request in flight per agent (its own connection and client address). Remembers
// when each successful change was sent: the k-th successful change to (agent, state) is the
// k-th agent.state event of that key on every socket. Everything runs on one strand.
class Toggler : public std::enable_shared_from_this<Toggler> {
 public:
  Toggler(asio::io_context& io, Shared& shared)
      : strand_(asio::make_strand(io)), shared_(shared), timer_(strand_) {
    const Options& o = *shared.options;
    for (int i = 0; i < o.toggle_count; ++i) {
      Agent agent;
      agent.id = std::to_string(o.toggle_first + i);
      agent.conn = std::make_shared<HttpConn>(strand_, shared, SourceIp(o, 2, i));
      agents_.push_back(std::move(agent));
    }
    sends_ns_.resize(agents_.size() * 2);
  }

  // Puts every agent in not_ready (logging it in), retrying failures (e.g. 429) every second
  // up to 20 times; `done` on the strand when all are settled.
  void Warmup(std::function<void(int ok)> done) {
    asio::post(strand_, [self = shared_from_this(), done] {
      auto left = std::make_shared<int>(static_cast<int>(self->agents_.size()));
      auto ok = std::make_shared<int>(0);
      for (size_t i = 0; i < self->agents_.size(); ++i) self->WarmOne(i, 0, left, ok, done);
    });
  }

  void Run(int64_t until_ns) {
    asio::post(strand_, [self = shared_from_this(), until_ns] {
      self->until_ns_ = until_ns;
      self->next_ns_ = SteadyNs();
      self->Tick();
    });
  }

  bool idle() const { return in_flight_.load() == 0 && finished_.load(); }
  uint64_t sent() const { return sent_; }
  uint64_t ok() const { return ok_; }
  uint64_t failed() const { return failed_; }
  uint64_t skipped() const { return skipped_; }
  uint64_t warmup_failures() const { return warmup_failures_; }
  const std::map<std::string, int>& failures() const { return failures_; }
  const std::vector<std::vector<int64_t>>& sends_ns() const { return sends_ns_; }
  std::vector<int64_t>& request_latency_us() { return request_us_; }

 private:
  struct Agent {
    std::string id;
    std::shared_ptr<HttpConn> conn;
    bool busy = false;
    bool ready = false;  // the state last set
  };

  void Tick() {
    int64_t now = SteadyNs();
    if (now >= until_ns_) {
      finished_ = true;
      return;
    }
    Agent& agent = agents_[next_agent_];
    size_t index = next_agent_;
    next_agent_ = (next_agent_ + 1) % agents_.size();
    if (agent.busy) {
      ++skipped_;  // its previous change is still unanswered
    } else {
      ++sent_;
      bool to_ready = !agent.ready;
      Send(index, to_ready, [this](bool success) {
        if (!success) ++failed_;
      });
    }
    next_ns_ += static_cast<int64_t>(1e9 / shared_.options->rate);
    timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(next_ns_)));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Tick();
    });
  }

  void WarmOne(size_t index, int attempt, std::shared_ptr<int> left, std::shared_ptr<int> ok,
               std::function<void(int)> done) {
    Send(index, false, [self = shared_from_this(), index, attempt, left, ok, done](bool success) {
      if (!success && attempt < 20) {
        auto timer = std::make_shared<asio::steady_timer>(self->strand_, std::chrono::seconds(1));
        timer->async_wait([self, timer, index, attempt, left, ok, done](beast::error_code) {
          self->WarmOne(index, attempt + 1, left, ok, done);
        });
        return;
      }
      if (success) ++*ok;
      if (--*left == 0) done(*ok);
    });
  }

  void Send(size_t index, bool to_ready, std::function<void(bool)> done) {
    Agent& agent = agents_[index];
    agent.busy = true;
    in_flight_++;
    json body =
        to_ready ? json{{"state", "ready"}} : json{{"state", "not_ready"}, {"reason", "bench"}};
    int64_t sent_ns = SteadyNs();
    bool measured = until_ns_ != 0;
    agent.conn->Request(http::verb::post, "/api/v1/agents/" + agent.id + "/state", body.dump(),
                        shared_.token,
                        [self = shared_from_this(), index, to_ready, sent_ns, measured, done](
                            unsigned status, const std::string& error) {
                          Agent& a = self->agents_[index];
                          a.busy = false;
                          self->in_flight_--;
                          bool success = status == 200;
                          if (success) {
                            a.ready = to_ready;
                            if (measured) {
                              ++self->ok_;
                              self->sends_ns_[index * 2 + (to_ready ? 1 : 0)].push_back(sent_ns);
                              self->request_us_.push_back((SteadyNs() - sent_ns) / 1000);
                            }
                          } else if (measured) {
                            self->failures_[status ? "HTTP " + std::to_string(status) : error]++;
                          } else {
                            self->warmup_failures_++;
                          }
                          done(success);
                        });
  }

  asio::strand<asio::io_context::executor_type> strand_;
  Shared& shared_;
  asio::steady_timer timer_;
  std::vector<Agent> agents_;
  std::vector<std::vector<int64_t>> sends_ns_;
  std::vector<int64_t> request_us_;
  std::map<std::string, int> failures_;
  uint64_t warmup_failures_ = 0;
  size_t next_agent_ = 0;
  int64_t until_ns_ = 0, next_ns_ = 0;
  uint64_t sent_ = 0, ok_ = 0, failed_ = 0, skipped_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> finished_{false};
};

// ------------------------------------------------------------------------------ REST reads

// One agent's desktop polling its own state and call list, as fast as answers come
// (closed loop), on one keep-alive connection. Like a well-behaved client it waits
// Retry-After (1 s) after a 429, and 100 ms after a connection error.
class RestWorker : public std::enable_shared_from_this<RestWorker> {
 public:
  RestWorker(asio::io_context& io, Shared& shared, std::string agent, std::string token,
             std::optional<asio::ip::address_v4> source)
      : agent_(std::move(agent)),
        token_(std::move(token)),
        strand_(asio::make_strand(io)),
        pause_(strand_) {
    conn_ = std::make_shared<HttpConn>(strand_, shared, source);
  }

  void Run(int64_t until_ns, std::atomic<int>* running) {
    until_ns_ = until_ns;
    running_ = running;
    Next();
  }

  std::vector<int64_t> latency_us[2];        // [0] GET /agents/{id}, [1] GET /calls?limit=20
  std::map<std::string, uint64_t> outcomes;  // "200", "429", "read: ..."
  uint64_t ok[2] = {0, 0};

 private:
  void Next() {
    if (SteadyNs() >= until_ns_) {
      (*running_)--;
      return;
    }
    int kind = kind_;
    kind_ ^= 1;
    std::string target = kind == 0 ? "/api/v1/agents/" + agent_ : "/api/v1/calls?limit=20";
    int64_t t0 = SteadyNs();
    conn_->Request(http::verb::get, target, "", token_,
                   [self = shared_from_this(), kind, t0](unsigned status, const std::string& e) {
                     int64_t us = (SteadyNs() - t0) / 1000;
                     self->outcomes[status ? std::to_string(status) : e]++;
                     if (status == 200) {
                       self->ok[kind]++;
                       self->latency_us[kind].push_back(us);
                     }
                     if (status == 200 || (status != 0 && status != 429)) return self->Next();
                     int64_t wait_ms = 100;
                     if (status == 429) {
                       auto retry = self->conn_->response().find(http::field::retry_after);
                       wait_ms = 1000;
                       if (retry != self->conn_->response().end()) {
                         wait_ms =
                             1000 * std::max(1, std::atoi(std::string(retry->value()).c_str()));
                       }
                     }
                     self->pause_.expires_after(std::chrono::milliseconds(wait_ms));
                     self->pause_.async_wait([self](beast::error_code ec) {
                       if (!ec) self->Next();
                     });
                   });
  }

  std::string agent_, token_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer pause_;
  std::shared_ptr<HttpConn> conn_;
  int64_t until_ns_ = 0;
  std::atomic<int>* running_ = nullptr;
  int kind_ = 0;
};

struct RestResult {
  std::string label;
  int conns = 0;
  double seconds = 0;
  uint64_t requests = 0, ok = 0;
  std::map<std::string, uint64_t> outcomes;
  Summary all, agent, calls;
  std::string cpu;
};

RestResult RunRest(asio::io_context& io, Shared& shared, const std::vector<std::string>& tokens,
                   int conns, bool one_ip, double seconds, const std::string& label) {
  const Options& o = *shared.options;
  std::vector<std::shared_ptr<RestWorker>> workers;
  Options source_options = o;
  source_options.one_ip = one_ip || o.one_ip;
  for (int i = 0; i < conns; ++i) {
    int agent = i % static_cast<int>(tokens.size());
    workers.push_back(std::make_shared<RestWorker>(io, shared, std::to_string(o.rest_first + agent),
                                                   tokens[agent], SourceIp(source_options, 3, i)));
  }
  CpuMeter cpu(o.server_pid);
  cpu.Begin();
  std::atomic<int> running{static_cast<int>(workers.size())};
  int64_t t0 = SteadyNs();
  int64_t until = t0 + static_cast<int64_t>(seconds * 1e9);
  for (auto& w : workers) {
    asio::post(io, [w, until, &running] { w->Run(until, &running); });
  }
  while (SteadyNs() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  RestResult r;
  r.cpu = cpu.End();
  while (running.load() > 0 && SteadyNs() < until + 30'000'000'000LL) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.label = label;
  r.conns = conns;
  r.seconds = seconds;  // no request starts after `until`; one per connection may end after
  std::vector<int64_t> all, agent, calls;
  for (auto& w : workers) {
    for (auto& [k, n] : w->outcomes) {
      r.outcomes[k] += n;
      r.requests += n;
    }
    r.ok += w->ok[0] + w->ok[1];
    agent.insert(agent.end(), w->latency_us[0].begin(), w->latency_us[0].end());
    calls.insert(calls.end(), w->latency_us[1].begin(), w->latency_us[1].end());
  }
  all = agent;
  all.insert(all.end(), calls.begin(), calls.end());
  r.all = Summarize(all);
  r.agent = Summarize(agent);
  r.calls = Summarize(calls);
  return r;
}

void PrintLatency(const char* label, const Summary& s) {
  std::printf("  %-44s n %8zu  p50 %8.2f  p99 %8.2f  max %8.2f  mean %8.2f ms\n", label, s.n, s.p50,
              s.p99, s.max, s.mean);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  Shared shared;
  shared.options = &o;
  shared.server = tcp::endpoint(asio::ip::make_address(o.host), static_cast<uint16_t>(o.port));
  shared.host_header = o.host + ":" + std::to_string(o.port);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  // --- sign-in (outside every measurement; argon2id verification on the API thread)
  double sign_in_s = 0;
  shared.token = SignIn(o, o.user, o.password, &sign_in_s);
  std::printf("signed in %s in %.3f s\n", o.user.c_str(), sign_in_s);
  std::vector<std::string> agent_tokens;
  double agent_sign_in_total = 0, agent_sign_in_max = 0;
  for (int i = 0; i < o.rest_agents; ++i) {
    std::string id = std::to_string(o.rest_first + i);
    double s = 0;
    agent_tokens.push_back(SignIn(o, id, o.agent_password_prefix + id, &s));
    agent_sign_in_total += s;
    agent_sign_in_max = std::max(agent_sign_in_max, s);
  }
  if (o.rest_agents > 0) {
    std::printf("signed in %d agents (%d..%d): mean %.3f s, max %.3f s each\n", o.rest_agents,
                o.rest_first, o.rest_first + o.rest_agents - 1, agent_sign_in_total / o.rest_agents,
                agent_sign_in_max);
  }

  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&io] { io.run(); });

  // --- 1. N WebSockets, subscribed
  std::vector<std::shared_ptr<WsClient>> clients;
  for (int i = 0; i < o.clients; ++i) clients.push_back(std::make_shared<WsClient>(io, shared, i));
  shared.launch_next = [&clients, &shared, &io] {
    int i = shared.next_to_start++;
    if (i < static_cast<int>(clients.size())) {
      asio::post(io, [c = clients[i]] { c->Start(); });
    }
  };
  CpuMeter connect_cpu(o.server_pid);
  connect_cpu.Begin();
  int64_t connect_t0 = SteadyNs();
  for (int i = 0; i < std::min(o.max_connecting, o.clients); ++i) shared.launch_next();
  int64_t connect_deadline = connect_t0 + 180'000'000'000LL;
  while (shared.subscribed.load() + shared.failed.load() < o.clients &&
         SteadyNs() < connect_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int subscribed = shared.subscribed.load();
  double connect_s =
      static_cast<double>((subscribed ? shared.last_subscribed_ns.load() : SteadyNs()) -
                          connect_t0) /
      1e9;
  std::string connect_cpu_line = connect_cpu.End();
  std::printf("%d of %d WebSockets subscribed in %.2f s (%d retries, %d gave up)\n", subscribed,
              o.clients, connect_s, shared.retries.load(), shared.failed.load());
  {
    std::lock_guard<std::mutex> lock(shared.error_mutex);
    for (auto& [what, n] : shared.errors) std::printf("  %6d x %s\n", n, what.c_str());
  }

  // --- 2. agent state changes -> agent.state events on every socket
  auto toggler = std::make_shared<Toggler>(io, shared);
  std::atomic<int> warm_ok{-1};
  toggler->Warmup([&warm_ok](int ok) { warm_ok = ok; });
  while (warm_ok.load() < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (warm_ok.load() != o.toggle_count) {
    std::printf("warning: only %d of %d agents went not_ready in the warm-up\n", warm_ok.load(),
                o.toggle_count);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // warm-up events delivered
  int subscribed_at_start = shared.subscribed.load() - shared.dropped.load();
  std::printf("changing %d agents' states at %.1f/s for %.0f s with %d subscribers ...\n",
              o.toggle_count, o.rate, o.event_seconds, subscribed_at_start);
  CpuMeter event_cpu(o.server_pid);
  event_cpu.Begin();
  shared.measure_from_ms = WallUs() / 1000 + 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  int64_t event_t0 = SteadyNs();
  toggler->Run(event_t0 + static_cast<int64_t>(o.event_seconds * 1e9));
  while (!toggler->idle()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string event_cpu_line = event_cpu.End();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // let the last events arrive
  int dropped_in_events = shared.dropped.load();
  double event_phase_s = static_cast<double>(SteadyNs() - event_t0) / 1e9;

  // --- 3. REST reads (the sockets stay connected and keep receiving)
  std::vector<RestResult> rest;
  if (o.rest_agents > 0 && o.rest_conns > 0 && o.rest_seconds > 0) {
    std::printf("REST reads on %d connections for %.0f s (each its own client address) ...\n",
                o.rest_conns, o.rest_seconds);
    shared.phase = 1;
    rest.push_back(RunRest(io, shared, agent_tokens, o.rest_conns, false, o.rest_seconds,
                           o.one_ip ? "all from 127.0.0.1" : "own address each"));
    shared.phase = 2;
    if (o.rest_one_ip_seconds > 0 && o.rest_one_ip_conns > 0 && !o.one_ip) {
      std::this_thread::sleep_for(std::chrono::seconds(3));  // buckets refill
      std::printf("REST reads on %d connections for %.0f s, all from 127.0.0.1 ...\n",
                  o.rest_one_ip_conns, o.rest_one_ip_seconds);
      rest.push_back(RunRest(io, shared, agent_tokens, o.rest_one_ip_conns, true,
                             o.rest_one_ip_seconds, "all from 127.0.0.1"));
    }
  }

  // --- stop
  int still_open = 0;
  for (auto& c : clients) still_open += c->subscribed() && !c->closed() ? 1 : 0;
  int dropped_total = shared.dropped.load();
  for (auto& c : clients) {
    if (c->subscribed()) c->Close();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  guard.reset();
  io.stop();
  for (auto& t : threads) t.join();

  // --- figures
  const auto& sends = toggler->sends_ns();
  uint64_t changes = 0;
  for (const auto& s : sends) changes += s.size();
  std::vector<int64_t> e2e_us, toggle_at_us, all_at_us, rest_at_us;
  // Per change (key, k): the latest delivery = when every subscriber had it.
  std::map<std::pair<uint32_t, uint32_t>, int64_t> last_delivery;
  uint64_t delivered = 0, unexpected = 0, unmatched_state = 0;
  uint64_t messages = 0, snapshots = 0;
  std::map<std::string, uint64_t> types;
  int measured_sockets = 0;
  for (auto& c : clients) {
    if (!c->subscribed()) continue;
    ++measured_sockets;
    messages += c->messages();
    snapshots += c->snapshots();
    unmatched_state += c->unmatched_agents();
    for (auto& [t, n] : c->event_types()) types[t] += n;
    for (const Receipt& r : c->receipts()) {
      if (r.key >= sends.size() || r.k >= sends[r.key].size()) {
        ++unexpected;
        continue;
      }
      ++delivered;
      int64_t latency_ns = r.recv_ns - sends[r.key][r.k];
      e2e_us.push_back(latency_ns / 1000);
      auto& last = last_delivery[{r.key, r.k}];
      last = std::max(last, latency_ns / 1000);
    }
    auto& ta = c->toggle_at_latency_us();
    toggle_at_us.insert(toggle_at_us.end(), ta.begin(), ta.end());
    auto& aa = c->event_at_latency_us(0);
    all_at_us.insert(all_at_us.end(), aa.begin(), aa.end());
    auto& ra = c->event_at_latency_us(1);
    rest_at_us.insert(rest_at_us.end(), ra.begin(), ra.end());
  }
  std::vector<int64_t> fanout_us;
  for (auto& [key, us] : last_delivery) fanout_us.push_back(us);
  uint64_t expected = changes * static_cast<uint64_t>(measured_sockets);
  Summary e2e = Summarize(e2e_us), toggle_at = Summarize(toggle_at_us),
          all_at = Summarize(all_at_us), fanout = Summarize(fanout_us),
          rest_at = Summarize(rest_at_us), request = Summarize(toggler->request_latency_us());

  std::printf("\n===================== Hotline API load: summary =====================\n");
  std::printf("server %s, %d io thread(s) in api_load, client addresses: %s\n",
              shared.host_header.c_str(), o.threads,
              o.one_ip ? "all 127.0.0.1" : "one 127.x.y.z per connection");
  std::printf("\nWebSockets (GET /api/v1/events, one supervisor token, topics agents+queues)\n");
  std::printf("  subscribed %d of %d in %.2f s (%.0f/s); retries %d, gave up %d\n", subscribed,
              o.clients, connect_s, connect_s > 0 ? subscribed / connect_s : 0.0,
              shared.retries.load(), shared.failed.load());
  std::printf("  %s\n", connect_cpu_line.c_str());
  std::printf("  dropped after subscribing: %d during events, %d by the end; open at end %d\n",
              dropped_in_events, dropped_total, still_open);
  std::printf(
      "\nEvent delivery: POST /api/v1/agents/{id}/state, %d agents, %.1f changes/s, %.0f s\n",
      o.toggle_count, o.rate, o.event_seconds);
  std::printf(
      "  state changes: timer ticks %llu, answered 200 %llu, failed %llu, skipped %llu "
      "(warm-up to not_ready: %d of %d, %llu retried)\n",
      static_cast<unsigned long long>(toggler->sent() + toggler->skipped()),
      static_cast<unsigned long long>(changes), static_cast<unsigned long long>(toggler->failed()),
      static_cast<unsigned long long>(toggler->skipped()), warm_ok.load(), o.toggle_count,
      static_cast<unsigned long long>(toggler->warmup_failures()));
  for (auto& [what, n] : toggler->failures()) std::printf("    %6d x %s\n", n, what.c_str());
  std::printf(
      "  agent.state deliveries: expected %llu (%llu changes x %d sockets), delivered "
      "%llu, lost %lld, unexpected %llu, other states %llu\n",
      static_cast<unsigned long long>(expected), static_cast<unsigned long long>(changes),
      measured_sockets, static_cast<unsigned long long>(delivered),
      static_cast<long long>(expected) - static_cast<long long>(delivered),
      static_cast<unsigned long long>(unexpected),
      static_cast<unsigned long long>(unmatched_state));
  PrintLatency("POST state: request -> 200", request);
  PrintLatency("request sent -> event received (each socket)", e2e);
  PrintLatency("request sent -> event on ALL sockets", fanout);
  PrintLatency("server at_ms -> received (agent.state above)", toggle_at);
  PrintLatency("server at_ms -> received (every event type)", all_at);
  std::printf(
      "  fan-out in this phase (%.0f s incl. 3 s drain): %.0f events/s to each socket, %.0f "
      "WebSocket messages/s in all\n",
      event_phase_s,
      measured_sockets ? static_cast<double>(all_at.n) / measured_sockets / event_phase_s : 0.0,
      static_cast<double>(all_at.n) / event_phase_s);
  if (rest_at.n > 0) PrintLatency("  the same during the REST capacity run", rest_at);
  std::printf("  events received from the start of this phase to the end (all sockets):");
  for (auto& [t, n] : types) std::printf(" %s %llu", t.c_str(), static_cast<unsigned long long>(n));
  std::printf("; queue snapshots %llu; messages %llu\n", static_cast<unsigned long long>(snapshots),
              static_cast<unsigned long long>(messages));
  std::printf("  %s\n", event_cpu_line.c_str());
  std::printf("  (at_ms has millisecond resolution: at_ms latencies are +-1 ms)\n");
  if (!rest.empty()) {
    std::printf(
        "\nREST: an agent's typical read, GET /api/v1/agents/{id} + GET "
        "/api/v1/calls?limit=20 alternately,\n      keep-alive connections in a closed loop, "
        "%d agent tokens (connection i reads as agent i %% %d)\n",
        o.rest_agents, o.rest_agents);
    std::printf("  %-20s %6s %8s %9s %9s %8s %8s %8s  %s\n", "client addresses", "conns", "seconds",
                "requests", "ok req/s", "p50 ms", "p99 ms", "max ms", "outcomes");
    for (auto& r : rest) {
      std::string outcomes;
      for (auto& [k, n] : r.outcomes) outcomes += k + ":" + std::to_string(n) + " ";
      std::printf("  %-20s %6d %8.1f %9llu %9.1f %8.2f %8.2f %8.2f  %s\n", r.label.c_str(), r.conns,
                  r.seconds, static_cast<unsigned long long>(r.requests),
                  static_cast<double>(r.ok) / r.seconds, r.all.p50, r.all.p99, r.all.max,
                  outcomes.c_str());
    }
    for (auto& r : rest) {
      std::printf("  [%s]\n", r.label.c_str());
      PrintLatency("GET /api/v1/agents/{id}", r.agent);
      PrintLatency("GET /api/v1/calls?limit=20", r.calls);
      std::printf("  %s\n", r.cpu.c_str());
    }
  }
  std::printf("=====================================================================\n");
  return 0;
}
