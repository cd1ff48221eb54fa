#include "media/media_engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>
#include <unordered_set>
#include <utility>

#include "common/log.h"
#include "media/media_thread.h"
#include "media/port_pool.h"

namespace hotline::media {

namespace {

// A session id carries its media thread in the low 8 bits.
constexpr int kThreadBits = 8;
constexpr int kMaxThreads = 1 << kThreadBits;

size_t ThreadOf(SessionId id) { return id & (kMaxThreads - 1); }

// Numeric IPv4 or IPv6 address (no DNS on the call path).
bool ParseAddress(const std::string& ip, uint16_t port, sockaddr_storage* out, socklen_t* len) {
  *out = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof(sockaddr_in);
    return true;
  }
  *out = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  *len = 0;
  return false;
}

// A non-blocking UDP socket bound to address:port; -errno on failure.
int OpenRtpSocket(sockaddr_storage address, socklen_t len, uint16_t port) {
  int fd = socket(address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (address.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in&>(address).sin_port = htons(port);
    int tos = IPTOS_DSCP_EF;
    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  } else {
    reinterpret_cast<sockaddr_in6&>(address).sin6_port = htons(port);
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), len) != 0) {
    int error = errno;
    close(fd);
    return -error;
  }
  return fd;
}

}  // namespace

struct MediaEngine::Impl {
  Impl(MediaOptions o, EventSink s)
      : options(std::move(o)),
        sink(std::move(s)),
        ports(options.port_low, options.port_high, Duration(options.port_quarantine_ms),
              options.randomize_first_port ? std::random_device{}() : 0) {
    int n = std::clamp(options.threads, 1, kMaxThreads);
    for (int i = 0; i < n; ++i) {
      threads.push_back(std::make_unique<MediaThread>(i, options, sink, ports));
    }
    per_thread.assign(threads.size(), 0);
  }

  // Runs fn(thread) on the media thread owning id, if id is valid.
  template <typename Fn>
  void PostTo(SessionId id, Fn fn) {
    size_t index = ThreadOf(id);
    if (id == 0 || index >= threads.size()) return;
    MediaThread* thread = threads[index].get();
    thread->Post([thread, fn = std::move(fn)]() mutable { fn(*thread); });
  }

  const MediaOptions options;
  const EventSink sink;
  PortPool ports;
  sockaddr_storage listen_address{};
  socklen_t listen_address_len = 0;
  std::vector<std::unique_ptr<MediaThread>> threads;

  mutable std::mutex mutex;  // guards what follows (control calls only)
  bool started = false;
  uint64_t next_sequence = 1;
  std::unordered_set<SessionId> live;
  std::vector<size_t> per_thread;
};

MediaEngine::MediaEngine(MediaOptions options, EventSink sink)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(sink))) {}

MediaEngine::~MediaEngine() { Stop(); }

Status MediaEngine::Start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started) return Status::Ok();
  if (!ParseAddress(impl_->options.listen_ip, 0, &impl_->listen_address,
                    &impl_->listen_address_len)) {
    return Error{"media: listen address is not a numeric IP: " + impl_->options.listen_ip};
  }
  if (impl_->ports.capacity() == 0) {
    return Error{"media: no even RTP port in " + std::to_string(impl_->options.port_low) + "-" +
                 std::to_string(impl_->options.port_high)};
  }
  for (auto& thread : impl_->threads) {
    Status status = thread->Start();
    if (!status.ok()) return status;
  }
  impl_->started = true;
  return Status::Ok();
}

void MediaEngine::Stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->started = false;
    impl_->live.clear();
    std::fill(impl_->per_thread.begin(), impl_->per_thread.end(), 0);
  }
  for (auto& thread : impl_->threads) thread->Stop();
}

Result<SessionInfo> MediaEngine::CreateSession(SessionId near, PeerTrust trust) {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->started) return Error{"media: engine not started"};
  size_t index;
  if (near != 0 && impl_->live.count(near)) {
    index = ThreadOf(near);
  } else {
    if (near != 0) HLOG_WARN("media: session {} to share a thread with is gone", near);
    index = std::min_element(impl_->per_thread.begin(), impl_->per_thread.end()) -
            impl_->per_thread.begin();
  }
  // A port another program holds is skipped (and returned to the back of the pool).
  for (size_t attempt = 0; attempt < impl_->ports.capacity(); ++attempt) {
    TimePoint now = std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
    std::optional<uint16_t> port = impl_->ports.Acquire(now);
    if (!port) break;
    int fd = OpenRtpSocket(impl_->listen_address, impl_->listen_address_len, *port);
    if (fd < 0) {
      impl_->ports.Release(*port, now);
      if (-fd == EADDRINUSE) continue;
      return Error{"media: RTP socket on port " + std::to_string(*port) + ": " +
                   std::strerror(-fd)};
    }
    SessionId id = (impl_->next_sequence++ << kThreadBits) | index;
    impl_->live.insert(id);
    ++impl_->per_thread[index];
    uint16_t local_port = *port;
    impl_->PostTo(id, [id, fd, local_port, trust](MediaThread& t) {
      t.AddSession(id, fd, local_port, trust);
    });
    return SessionInfo{id, local_port};
  }
  return Error{"media: no free RTP port"};
}

void MediaEngine::Destroy(SessionId id) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->live.erase(id) == 0) return;
    --impl_->per_thread[ThreadOf(id)];
  }
  impl_->PostTo(id, [id](MediaThread& t) { t.DestroySession(id); });
}

void MediaEngine::SetRemote(SessionId id, const RemoteMedia& remote) {
  sockaddr_storage address;
  socklen_t len;
  if (!ParseAddress(remote.ip, remote.port, &address, &len)) {
    HLOG_WARN("media: session {}: remote address '{}' is not a numeric IP", id, remote.ip);
  }
  impl_->PostTo(
      id, [id, address, len, remote](MediaThread& t) { t.SetRemote(id, address, len, remote); });
}

void MediaEngine::Play(SessionId id, AudioPtr audio, bool loop, uint64_t token) {
  impl_->PostTo(id, [id, audio = std::move(audio), loop, token](MediaThread& t) mutable {
    t.Play(id, std::move(audio), loop, token);
  });
}

void MediaEngine::StopPlay(SessionId id) {
  impl_->PostTo(id, [id](MediaThread& t) { t.StopPlay(id); });
}

void MediaEngine::Echo(SessionId id) {
  impl_->PostTo(id, [id](MediaThread& t) { t.Echo(id); });
}

void MediaEngine::Bridge(SessionId a, SessionId b, const std::string& recording_path) {
  if (ThreadOf(a) != ThreadOf(b)) {
    HLOG_ERROR("media: cannot bridge {} and {}: different media threads", a, b);
    return;
  }
  impl_->PostTo(a, [a, b, recording_path](MediaThread& t) { t.Bridge(a, b, recording_path); });
}

void MediaEngine::Unbridge(SessionId a, SessionId b) {
  impl_->PostTo(a, [a, b](MediaThread& t) { t.Unbridge(a, b); });
}

void MediaEngine::Mix(SessionId id, std::vector<SessionId> sources) {
  for (SessionId source : sources) {
    if (ThreadOf(source) != ThreadOf(id)) {
      HLOG_WARN("media: session {} cannot mix {}: different media threads", id, source);
    }
  }
  impl_->PostTo(id, [id, sources = std::move(sources)](MediaThread& t) mutable {
    t.Mix(id, std::move(sources));
  });
}

void MediaEngine::RecordLeg(SessionId id, const std::string& path) {
  impl_->PostTo(id, [id, path](MediaThread& t) { t.RecordLeg(id, path); });
}

void MediaEngine::StopRecordLeg(SessionId id) {
  impl_->PostTo(id, [id](MediaThread& t) { t.StopRecordLeg(id); });
}

void MediaEngine::SendDtmf(SessionId id, const std::string& digits) {
  impl_->PostTo(id, [id, digits](MediaThread& t) { t.SendDtmf(id, digits); });
}

void MediaEngine::DetectInband(SessionId id, bool enabled) {
  impl_->PostTo(id, [id, enabled](MediaThread& t) { t.DetectInband(id, enabled); });
}

void MediaEngine::RecordMono(SessionId id, const std::string& path, int max_ms) {
  impl_->PostTo(id, [id, path, max_ms](MediaThread& t) { t.RecordMono(id, path, max_ms); });
}

void MediaEngine::StopRecordMono(SessionId id) {
  impl_->PostTo(id, [id](MediaThread& t) { t.StopRecordMono(id); });
}

size_t MediaEngine::session_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->live.size();
}

MediaCounters MediaEngine::counters() const {
  MediaCounters total;
  for (const auto& thread : impl_->threads) thread->AddCounters(total);
  total.ports_reused_early = impl_->ports.early_reuses();
  return total;
}

}  // namespace hotline::media
