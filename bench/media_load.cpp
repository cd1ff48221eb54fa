// bench/media_load.cpp: load test for the RTP media engine. Creates N bridged (and by
// default recorded) session pairs on one media thread; a sender thread plays all 2N remote
// parties over loopback (a packet per session every 20 ms, sent with sendmmsg from a few
// sockets) and drains what the engine sends back. Prints the media thread's CPU time per
// tick and per 1000 sessions, and how many packets came back.
//
//   media_load [--pairs 1000] [--seconds 10] [--threads 1] [--no-record] [--dir /tmp/x]
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "media/g711.h"
#include "media/media_engine.h"
#include "media/rtp_packet.h"

namespace {

using hotline::media::kFrameSamples;

struct Options {
  int pairs = 1000;
  int seconds = 10;
  int threads = 1;
  bool record = true;
  std::string dir = "/tmp/hotline_media_load";
};

// Nanoseconds a thread of this process has run, from /proc/self/task/<tid>/schedstat.
int64_t ThreadCpuNs(const std::string& tid) {
  std::ifstream in("/proc/self/task/" + tid + "/schedstat");
  int64_t ns = 0;
  in >> ns;
  return ns;
}

// Thread ids whose name starts with prefix.
std::vector<std::string> ThreadsNamed(const std::string& prefix) {
  std::vector<std::string> tids;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return tids;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind(prefix, 0) == 0) tids.push_back(entry->d_name);
  }
  closedir(dir);
  return tids;
}

int64_t MediaCpuNs() {
  int64_t total = 0;
  for (const std::string& tid : ThreadsNamed("hl-media-")) total += ThreadCpuNs(tid);
  return total;
}

// Plays the remote parties: one packet per session per 20 ms.
class Sender {
 public:
  static constexpr int kSockets = 16;

  explicit Sender(size_t sessions) : packets_(sessions) {
    for (int i = 0; i < kSockets; ++i) {
      int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      int size = 4 << 20;
      if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
      }
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
      socklen_t len = sizeof address;
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len);
      fds_.push_back(fd);
      ports_.push_back(ntohs(address.sin_port));
    }
  }
  ~Sender() {
    Stop();
    for (int fd : fds_) close(fd);
  }

  // The remote port announced for session i.
  uint16_t RemotePortFor(size_t i) const { return ports_[i % kSockets]; }

  // Session i (engine port local_port) gets a sine of frequency hz.
  void SetTarget(size_t i, uint16_t local_port, double hz) {
    Packet& p = packets_[i];
    p.to.sin_family = AF_INET;
    p.to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    p.to.sin_port = htons(local_port);
    p.hz = hz;
    p.ssrc = static_cast<uint32_t>(i + 1);
  }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t received() const { return received_; }
  uint64_t sent() const { return sent_; }
  int64_t cpu_ns() const { return cpu_ns_; }

 private:
  struct Packet {
    sockaddr_in to{};
    double hz = 0;
    uint32_t ssrc = 0;
    uint8_t bytes[hotline::media::kRtpHeaderSize + kFrameSamples] = {};
  };

  void Run() {
    // 1 s of each tone, encoded once.
    std::vector<std::vector<uint8_t>> encoded;
    for (double hz : {440.0, 1000.0}) {
      std::vector<int16_t> pcm(8000);
      for (size_t n = 0; n < pcm.size(); ++n) {
        pcm[n] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * hz * n / 8000.0));
      }
      std::vector<uint8_t> out(pcm.size());
      hotline::media::G711EncodeFrame(hotline::media::G711Law::kMuLaw, pcm, out);
      encoded.push_back(std::move(out));
    }
    std::vector<mmsghdr> messages(packets_.size());
    std::vector<iovec> iovecs(packets_.size());
    std::vector<uint8_t> rx(64 * 256);
    std::vector<mmsghdr> rx_messages(64);
    std::vector<iovec> rx_iovecs(64);
    for (size_t i = 0; i < rx_messages.size(); ++i) {
      rx_iovecs[i] = {rx.data() + i * 256, 256};
      rx_messages[i].msg_hdr.msg_iov = &rx_iovecs[i];
      rx_messages[i].msg_hdr.msg_iovlen = 1;
    }
    timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    uint32_t tick = 0;
    while (running_) {
      // Build this tick's packets, grouped by sending socket.
      std::vector<std::vector<mmsghdr>> by_socket(kSockets);
      for (size_t i = 0; i < packets_.size(); ++i) {
        Packet& p = packets_[i];
        hotline::media::RtpHeader h;
        h.payload_type = 0;
        h.sequence = static_cast<uint16_t>(tick);
        h.timestamp = tick * kFrameSamples;
        h.ssrc = p.ssrc;
        const auto& tone = encoded[p.hz > 500 ? 1 : 0];
        size_t offset = (tick % 50) * kFrameSamples;
        hotline::media::BuildRtp(h, std::span<const uint8_t>(tone.data() + offset, kFrameSamples),
                                 p.bytes);
        iovecs[i] = {p.bytes, sizeof p.bytes};
        mmsghdr m{};
        m.msg_hdr.msg_name = &p.to;
        m.msg_hdr.msg_namelen = sizeof p.to;
        m.msg_hdr.msg_iov = &iovecs[i];
        m.msg_hdr.msg_iovlen = 1;
        by_socket[i % kSockets].push_back(m);
      }
      for (int s = 0; s < kSockets; ++s) {
        auto& batch = by_socket[s];
        for (size_t at = 0; at < batch.size();) {
          int n = sendmmsg(fds_[s], batch.data() + at, static_cast<unsigned>(batch.size() - at), 0);
          if (n <= 0) break;
          at += n;
          sent_ += n;
        }
      }
      for (int fd : fds_) {
        for (;;) {
          int n = recvmmsg(fd, rx_messages.data(), rx_messages.size(), MSG_DONTWAIT, nullptr);
          if (n <= 0) break;
          received_ += n;
        }
      }
      ++tick;
      next.tv_nsec += 20'000'000;
      if (next.tv_nsec >= 1'000'000'000) {
        next.tv_nsec -= 1'000'000'000;
        ++next.tv_sec;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
      timespec cpu;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
      cpu_ns_ = cpu.tv_sec * 1'000'000'000LL + cpu.tv_nsec;
    }
  }

  std::vector<int> fds_;
  std::vector<uint16_t> ports_;
  std::vector<Packet> packets_;
  std::thread thread_;
  std::atomic<bool> running_{true};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> sent_{0};
  std::atomic<int64_t> cpu_ns_{0};
};

int64_t ProcessCpuNs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ns = [](const timeval& t) { return t.tv_sec * 1'000'000'000LL + t.tv_usec * 1000LL; };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (arg == "--pairs") {
      o.pairs = std::atoi(next().c_str());
    } else if (arg == "--seconds") {
      o.seconds = std::atoi(next().c_str());
    } else if (arg == "--threads") {
      o.threads = std::atoi(next().c_str());
    } else if (arg == "--no-record") {
      o.record = false;
    } else if (arg == "--dir") {
      o.dir = next();
    } else {
      std::fprintf(stderr,
                   "usage: %s [--pairs N] [--seconds S] [--threads T] [--no-record] "
                   "[--dir DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  // 2 sockets per pair: lift the soft descriptor limit to the hard one.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  if (o.record && std::system(("mkdir -p '" + o.dir + "'").c_str()) != 0) return 1;

  hotline::media::MediaOptions options;
  options.listen_ip = "127.0.0.1";
  options.port_low = 10000;
  options.port_high = 29999;
  options.threads = o.threads;
  options.rtp_timeout_ms = 3'600'000;
  std::atomic<int> recordings_done{0};
  hotline::media::MediaEngine engine(options, [&](const hotline::media::MediaEvent& e) {
    if (e.kind == hotline::media::MediaEvent::Kind::kRecordingDone) ++recordings_done;
  });
  if (!engine.Start().ok()) return 1;

  size_t sessions = 2 * static_cast<size_t>(o.pairs);
  Sender sender(sessions);
  std::vector<hotline::media::SessionId> ids;
  for (int p = 0; p < o.pairs; ++p) {
    auto a = engine.CreateSession();
    if (!a.ok()) {
      std::fprintf(stderr, "create: %s\n", a.error().message.c_str());
      return 1;
    }
    auto b = engine.CreateSession(a->id);
    if (!b.ok()) {
      std::fprintf(stderr, "create: %s\n", b.error().message.c_str());
      return 1;
    }
    size_t ia = 2 * p;
    size_t ib = 2 * p + 1;
    sender.SetTarget(ia, a->local_port, 440);
    sender.SetTarget(ib, b->local_port, 1000);
    hotline::media::RemoteMedia remote;
    remote.ip = "127.0.0.1";
    remote.port = sender.RemotePortFor(ia);
    engine.SetRemote(a->id, remote);
    remote.port = sender.RemotePortFor(ib);
    engine.SetRemote(b->id, remote);
    engine.Bridge(a->id, b->id,
                  o.record ? o.dir + "/pair_" + std::to_string(p) + ".wav" : std::string());
    ids.push_back(a->id);
    ids.push_back(b->id);
  }
  sender.Start();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // warm up

  auto wall0 = std::chrono::steady_clock::now();
  int64_t media0 = MediaCpuNs();
  int64_t sender0 = sender.cpu_ns();
  int64_t process0 = ProcessCpuNs();
  uint64_t received0 = sender.received();
  uint64_t sent0 = sender.sent();
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double media_ms = (MediaCpuNs() - media0) / 1e6;
  double sender_ms = (sender.cpu_ns() - sender0) / 1e6;
  double process_ms = (ProcessCpuNs() - process0) / 1e6;
  uint64_t received = sender.received() - received0;
  uint64_t sent = sender.sent() - sent0;
  sender.Stop();

  double ticks = wall_s * 50;
  double expected = sessions * ticks;
  std::printf("pairs %d  sessions %zu  media threads %d  recording %s  window %.1f s\n", o.pairs,
              sessions, o.threads, o.record ? "on" : "off", wall_s);
  std::printf(
      "media threads CPU: %.1f%% of one core, %.3f ms per tick, %.3f ms per tick per "
      "1000 sessions\n",
      100.0 * media_ms / (wall_s * 1000), media_ms / ticks, media_ms / ticks / (sessions / 1000.0));
  std::printf("sender thread CPU: %.1f%%   whole process CPU: %.1f%%\n",
              100.0 * sender_ms / (wall_s * 1000), 100.0 * process_ms / (wall_s * 1000));
  std::printf(
      "packets: sent to engine %.0f/s, back from engine %.0f/s (%.1f%% of %.0f/s "
      "expected)\n",
      sent / wall_s, received / wall_s, 100.0 * received / expected, expected / wall_s);

  for (auto id : ids) engine.Destroy(id);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (o.record && recordings_done < o.pairs && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (o.record) std::printf("recordings finished: %d of %d\n", recordings_done.load(), o.pairs);
  engine.Stop();
  return 0;
}
