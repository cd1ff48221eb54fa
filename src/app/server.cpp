#include "app/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "api/api_server.h"
#include "app/tls_setup.h"
#include "call/call_controller.h"
#include "call/flow_catalog.h"
#include "common/log.h"
#include "media/media_engine.h"
#include "media/tts.h"
#include "media/wav_repair.h"
#include "sip/stack.h"
#include "store/callback_store.h"
#include "store/cdr_store.h"
#include "store/customer_store.h"
#include "store/flow_store.h"
#include "store/queue_store.h"
#include "store/sqlite_db.h"
#include "store/store_writer.h"

namespace hotline::app {

namespace {

// Blocks SIGINT/SIGTERM (shut down) and SIGHUP (reload the IVR flows) in every thread started
// after this; a watcher thread takes them.
sigset_t BlockWatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// The queues and agents' skills to start with: seeded from `config` on the first start, then
// the database's.
struct AcdLists {
  std::vector<QueueSettings> queues;
  std::vector<AgentSettings> agents;
};
Result<AcdLists> LoadAcdConfig(store::SqliteDb& db, const Config& config) {
  store::QueueStore queue_store(db);
  auto seeded =
      queue_store.SeedOnce(config.queues, config.agents, std::chrono::system_clock::now());
  if (!seeded) return Error{"queues: " + seeded.error().message};
  if (*seeded) {
    HLOG_INFO("queues and agent skills stored from the configuration ({} queue(s))",
              config.queues.size());
  }
  AcdLists lists;
  auto queues = queue_store.Queues();
  if (!queues) return Error{"queues: " + queues.error().message};
  auto agents = queue_store.AgentSkills();
  if (!agents) return Error{"agent skills: " + agents.error().message};
  lists.queues = std::move(queues).value();
  lists.agents = std::move(agents).value();
  if (!*seeded) {
    HLOG_INFO(
        "{} queue(s) and the agents' skills from the database (the configuration's "
        "queues and agents only seed it)",
        lists.queues.size());
  }
  return lists;
}

// Crash recovery of a recording cut short by the crash: its WAV header is made to match the
// audio that reached the disk.
store::RecoveredFile RepairInterruptedRecording(const std::string& path) {
  store::RecoveredFile file;
  std::error_code ec;
  file.exists = std::filesystem::exists(path, ec);
  if (!file.exists) {
    HLOG_WARN("interrupted recording {} is missing", path);
    return file;
  }
  auto repaired = media::RepairWavHeader(path);
  if (!repaired) {
    HLOG_WARN("interrupted recording {} cannot be repaired: {}", path, repaired.error().message);
    return file;
  }
  file.readable = true;
  file.duration_ms = repaired->duration_ms();
  file.size_bytes = repaired->size_bytes;
  HLOG_WARN("interrupted recording {}: {} ms of audio kept{}", path, file.duration_ms,
            repaired->rewritten ? " (header repaired)" : "");
  return file;
}

}  // namespace

// One UDP socket per call leg: the default soft limit of 1024 descriptors caps a server at a
// few hundred calls. Raise it to the hard limit.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int RunServer(const Config& config) {
  RaiseFileLimit();
  sigset_t signals = BlockWatchedSignals();
  signal(SIGPIPE, SIG_IGN);
  HLOG_INFO("hotline starting with configuration {}", config.source);

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir + "/recordings", ec);
  if (ec) {
    HLOG_ERROR("cannot create data directory {}: {}", config.data_dir, ec.message());
    return 1;
  }
  std::string db_path = config.data_dir + "/hotline.db";
  auto store = store::CdrStore::Open(db_path);
  if (!store) {
    HLOG_ERROR("cannot open database {}: {}", db_path, store.error().message);
    return 1;
  }
  auto recovered =
      (*store)->RecoverUnfinished(std::chrono::system_clock::now(), RepairInterruptedRecording);
  if (!recovered) {
    HLOG_ERROR("crash recovery failed: {}", recovered.error().message);
  } else if (*recovered > 0) {
    HLOG_WARN(
        "closed {} call record(s) left open by an earlier run (marked crash_recovery, ended at "
        "their last known activity)",
        *recovered);
  }
  store::StoreWriter records(std::move(store).value());
  HLOG_INFO("database {}", db_path);

  // A second connection, owned by the control thread, for the reads call control makes
  // (IVR lookups); writes go through the storage writer.
  auto control_db = store::OpenHotlineDb(db_path);
  if (!control_db) {
    HLOG_ERROR("cannot open database {}: {}", db_path, control_db.error().message);
    return 1;
  }
  store::CustomerStore customers(**control_db);
  if (config.seed_demo_data) {
    auto seeded = customers.SeedDemoCustomers(std::chrono::system_clock::now());
    if (seeded && *seeded > 0) HLOG_INFO("added {} demo customer(s)", *seeded);
  }
  call::CustomerLookup customer_lookup(customers);

  // IVR flows live in the database (table flow_versions); the configuration's flow files only
  // seed it on first start. Validated before they are stored; the control thread reads them.
  store::FlowStore flow_store(**control_db);
  call::FlowCatalog flow_catalog(flow_store, config.dial_plan);
  if (auto seeded = flow_catalog.Seed(std::chrono::system_clock::now()); !seeded.ok()) {
    HLOG_ERROR("{}", seeded.message());
    return 1;
  }

  // Queues and agents' skills live in the database too (tables queues, agent_skills): the
  // configuration seeds them on first start, then the administrator's edits win. The control
  // thread starts from what is stored.
  Config live_config = config;
  auto acd_lists = LoadAcdConfig(**control_db, config);
  if (!acd_lists) {
    HLOG_ERROR("{}", acd_lists.error().message);
    return 1;
  }
  live_config.queues = std::move(acd_lists->queues);
  live_config.agents = std::move(acd_lists->agents);

  SystemClock clock;
  media::PromptCacheLimits tts_limits;
  tts_limits.memory_bytes = int64_t{config.tts_cache_memory_mb} << 20;
  tts_limits.disk_bytes = int64_t{config.tts_cache_disk_mb} << 20;
  media::TtsEngine tts(config.data_dir + "/prompts-cache", tts_limits);

  sip::StackOptions sip_options;
  sip_options.listen_ip = config.listen;
  sip_options.port = config.sip_port;
  sip_options.realm = config.realm;
  sip_options.nonce_ttl_s = config.nonce_ttl_s;
  sip_options.register_min_expires_s = config.register_min_expires_s;
  sip_options.register_max_expires_s = config.register_max_expires_s;
  sip_options.users = config.users;
  sip_options.trunks = config.trunks;
  sip_options.security = config.sip_security;
  auto tls_files = PrepareTls(config);
  if (!tls_files) {
    HLOG_ERROR("{}", tls_files.error().message);
    return 1;
  }
  sip_options.tls_port = config.tls.sip_port;
  sip_options.tls_directory = tls_files->sofia_directory;

  // The controller is created after the stack and engine; media events reach it through the
  // stack's task queue, so they always run on the control thread.
  call::CallController* controller = nullptr;
  sip::Stack* stack_ptr = nullptr;
  media::MediaOptions media_options;
  media_options.listen_ip = config.listen;
  media_options.port_low = config.rtp_port_low;
  media_options.port_high = config.rtp_port_high;
  media_options.threads = config.media_threads;
  media_options.rtp_timeout_ms = config.rtp_timeout_s * 1000;
  media_options.hold_timeout_ms = config.hold_timeout_s * 1000;
  media_options.no_media_timeout_ms = config.unauthenticated_no_media_timeout_s * 1000;
  media_options.learning_window_ms = config.rtp_learning_ms;
  media_options.learning_packets = config.rtp_learning_packets;
  media_options.port_quarantine_ms = config.rtp_port_quarantine_s * 1000;
  media_options.randomize_first_port = true;
  media::MediaEngine media(media_options, [&](const media::MediaEvent& event) {
    stack_ptr->Post([&controller, event] {
      if (controller != nullptr) controller->OnMediaEvent(event);
    });
  });

  // The stack needs its handler at construction; the controller needs the stack: a small
  // forwarding handler breaks the cycle.
  struct Forwarder final : sip::StackHandler {
    call::CallController* target = nullptr;
    void OnInvite(const sip::IncomingInvite& i) override { target->OnInvite(i); }
    void OnReinvite(sip::LegId l, const std::string& s) override { target->OnReinvite(l, s); }
    void OnAck(sip::LegId l) override { target->OnAck(l); }
    void OnCancel(sip::LegId l) override { target->OnCancel(l); }
    void OnBye(sip::LegId l) override { target->OnBye(l); }
    void OnInfoDtmf(sip::LegId l, char d) override { target->OnInfoDtmf(l, d); }
    void OnInviteResponse(sip::LegId l, int s, const std::string& sdp) override {
      target->OnInviteResponse(l, s, sdp);
    }
    void OnLegTerminated(sip::LegId l) override { target->OnLegTerminated(l); }
    void OnShutdownComplete() override { target->OnShutdownComplete(); }
  } forwarder;

  sip::Stack stack(sip_options, forwarder, clock);
  stack_ptr = &stack;
  call::CallController call_controller(live_config, stack, media, records, tts, clock,
                                       &customer_lookup);
  forwarder.target = &call_controller;

  if (auto started = media.Start(); !started.ok()) {
    HLOG_ERROR("media engine: {}", started.message());
    return 1;
  }
  HLOG_INFO("RTP ports {}-{} on {} ({} media thread(s))", config.rtp_port_low, config.rtp_port_high,
            config.listen, config.media_threads);
  // Control thread only: new calls get the newest valid stored flows (running calls keep
  // theirs). SIGHUP and a flow published through the API both post this.
  std::function<void()> reload_flows = [&] {
    call_controller.SetFlows(flow_catalog.LiveFlows());
    HLOG_INFO("IVR flows reloaded");
  };
  call_controller.SetFlows(flow_catalog.LiveFlows());
  // Callers who were waiting for a callback when the server last stopped get their place
  // back (on the control thread, once it runs).
  if (auto waiting = store::CallbackStore(**control_db).All(); !waiting) {
    HLOG_ERROR("waiting callbacks: {}", waiting.error().message);
  } else if (!waiting->empty()) {
    HLOG_INFO("{} caller(s) still wait for a callback", waiting->size());
    stack.Post([&call_controller, list = std::move(waiting).value()] {
      call_controller.RestoreCallbacks(list);
    });
  }

  // The HTTP + WebSocket API: its own thread and SQLite connection; live state and agent
  // commands reach the control thread through the stack's task queue.
  api::ApiServerOptions api_options;
  api_options.listen = config.listen;
  api_options.port = config.http_port;
  api_options.db_path = db_path;
  api_options.seed_demo_users = config.seed_demo_data;
  api_options.api.web_root = api::DefaultConsoleRoot();
  const HttpSettings& http = config.http;
  api_options.max_connections = static_cast<size_t>(http.max_connections);
  api_options.max_connections_per_source = static_cast<size_t>(http.max_connections_per_source);
  api_options.api.http_idle_timeout = std::chrono::seconds(http.idle_timeout_s);
  api_options.api.ws_idle_timeout = std::chrono::seconds(http.ws_idle_timeout_s);
  api_options.api.password_pool.threads = http.password_threads;
  api_options.api.password_pool.per_source = static_cast<size_t>(http.password_queue_per_source);
  api_options.api.password_pool.total = static_cast<size_t>(http.password_queue_total);
  api_options.api.sign_in.per_user_and_source = http.login_failures_per_user_and_source;
  api_options.api.sign_in.per_source = http.login_failures_per_source;
  api_options.api.sign_in.per_user = http.login_failures_per_user;
  api_options.api.sign_in.window = std::chrono::seconds(http.login_window_s);
  api_options.api.agent_customer_window = std::chrono::hours(http.agent_customer_window_h);
  api_options.https_port = static_cast<uint16_t>(config.tls.https_port);
  api_options.tls_certificate = tls_files->certificate;
  api_options.tls_key = tls_files->key;
  api_options.http_redirect = config.tls.http_redirect;
  api::ApiServer api_server(
      api_options, config, call_controller,
      [&stack](std::function<void()> task) { stack.Post(std::move(task)); }, reload_flows, clock);
  if (auto prepared = call_controller.PreparePrompts(); !prepared.ok()) {
    HLOG_ERROR("{}", prepared.message());
    return 1;
  }
  if (auto started = stack.Start(); !started.ok()) {
    HLOG_ERROR("{}", started.message());
    return 1;
  }
  controller = &call_controller;
  if (auto started = api_server.Start(); !started.ok()) {
    HLOG_ERROR("{}", started.message());
    controller = nullptr;
    media.Stop();
    records.Stop();
    return 1;
  }
  HLOG_INFO("HTTP API on {} (console files: {})", api_server.address(), api_options.api.web_root);
  if (std::string https = api_server.https_address(); !https.empty()) {
    HLOG_INFO("HTTPS API on {}{}", https,
              config.tls.http_redirect ? " (plain HTTP redirects to it)" : "");
  }
  HLOG_INFO("hotline ready: {} SIP user(s), {} dial-plan entr(ies)", config.users.size(),
            config.dial_plan.size());

  // SIGHUP: new calls get the flows stored since (running calls keep theirs); the watcher
  // goes on waiting. SIGINT/SIGTERM: shut down. `stopping` tells the watcher that the wake-up
  // signal sent below is not a request.
  std::atomic<bool> stopping{false};
  std::thread signal_watcher([&] {
    while (true) {
      int received = 0;
      if (sigwait(&signals, &received) != 0 || stopping.load()) return;
      if (received == SIGHUP) {
        HLOG_INFO("signal {}: reloading the IVR flows", received);
        stack.Post(reload_flows);
        continue;
      }
      HLOG_INFO("signal {}: shutting down", received);
      api_server.Stop();  // the API first: no new commands while calls are being ended
      stack.Post([&] {
        call_controller.Shutdown();
        // However the far ends behave, the loop ends within 8 s: after 5 s the SIP stack is
        // told to stop whatever still hangs (a CANCEL nobody answers), 3 s later the loop ends.
        stack.SetTimer(std::chrono::seconds(5), [&] {
          HLOG_WARN("shutdown: {} call(s) still ending after 5 s; stopping the SIP stack",
                    call_controller.active_calls());
          stack.Shutdown();
          stack.SetTimer(std::chrono::seconds(3), [&] { stack.Break(); });
        });
      });
      return;
    }
  });

  stack.Run();
  api_server.Join();  // before the pending tasks run: nothing posts to control after this
  // Calls ended by the shutdown destroyed their media sessions; give the media threads a
  // moment to close those recordings and report them, so their rows are completed.
  for (int i = 0; i < 20 && media.session_count() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  media.Stop();
  stack.RunPendingTasks();
  controller = nullptr;
  records.Stop();
  stopping.store(true);
  pthread_kill(signal_watcher.native_handle(), SIGTERM);
  signal_watcher.join();
  HLOG_INFO("hotline stopped");
  return 0;
}

}  // namespace hotline::app
