#include "media/media_thread.h"

#include <pthread.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "common/log.h"

namespace hotline::media {

namespace {

constexpr long kTickNanoseconds = 20'000'000;

TimePoint MonotonicNow() {
  return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
}

}  // namespace

MediaThread::MediaThread(int index, const MediaOptions& options, const EventSink& sink,
                         PortPool& ports)
    : index_(index), options_(options), sink_(sink), ports_(ports), ready_(512) {}

MediaThread::~MediaThread() {
  Stop();
  CloseAll();  // sessions added while the thread never ran
  for (int fd : {epoll_fd_, sockets_fd_, timer_fd_}) {
    if (fd >= 0) close(fd);
  }
}

Status MediaThread::Start() {
  if (thread_.joinable()) return Status::Ok();
  if (epoll_fd_ >= 0) return Error{"media: a media thread cannot be restarted"};
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  sockets_fd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epoll_fd_ < 0 || sockets_fd_ < 0 || timer_fd_ < 0) {
    return Error{std::string("media: epoll/timerfd: ") + std::strerror(errno)};
  }
  itimerspec spec{};
  spec.it_interval.tv_nsec = kTickNanoseconds;
  spec.it_value.tv_nsec = kTickNanoseconds;
  if (timerfd_settime(timer_fd_, 0, &spec, nullptr) != 0) {
    return Error{std::string("media: timerfd_settime: ") + std::strerror(errno)};
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = timer_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev);
  ev.data.fd = tasks_.fd();
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, tasks_.fd(), &ev);
  // Sessions created before Start are registered now.
  for (RtpSession* s : order_) {
    epoll_event sev{};
    sev.events = EPOLLIN;
    sev.data.ptr = s;
    epoll_ctl(sockets_fd_, EPOLL_CTL_ADD, s->fd(), &sev);
  }
  running_ = true;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void MediaThread::Stop() {
  if (!thread_.joinable()) return;
  Post([this] { running_ = false; });
  thread_.join();
}

void MediaThread::Run() {
  std::string name = "hl-media-" + std::to_string(index_);
  pthread_setname_np(pthread_self(), name.c_str());
  std::array<epoll_event, 2> events;
  while (running_) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      HLOG_ERROR("media: epoll_wait: {}", std::strerror(errno));
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == timer_fd_) {
        uint64_t expirations = 0;
        if (read(timer_fd_, &expirations, sizeof expirations) != sizeof expirations) continue;
        if (expirations > kMaxCatchUpTicks) {
          NoteSkippedTicks(expirations - kMaxCatchUpTicks);
          expirations = kMaxCatchUpTicks;
        }
        // Commands posted before a packet was sent are applied before it is read.
        tasks_.Drain();
        TimePoint now = MonotonicNow();
        for (uint64_t t = 0; t < expirations; ++t) Tick(now);
      } else {
        tasks_.Drain();
      }
    }
  }
  CloseAll();
}

// The thread could not run for more than kMaxCatchUpTicks ticks (overload or starvation):
// those ticks are dropped. Logged at most every 10 s.
void MediaThread::NoteSkippedTicks(uint64_t count) {
  skipped_ticks_ += count;
  TimePoint now = MonotonicNow();
  if (now - last_skip_log_ < std::chrono::seconds(10)) return;
  last_skip_log_ = now;
  HLOG_WARN("media thread {}: fell behind, {} ticks skipped so far", index_, skipped_ticks_);
}

void MediaThread::Tick(TimePoint now) {
  ReadSockets(now);
  const RtpSession::Timeouts timeouts{Duration(options_.rtp_timeout_ms),
                                      Duration(options_.hold_timeout_ms),
                                      Duration(options_.no_media_timeout_ms)};
  for (RtpSession* s : order_) {
    s->TakeReceivedFrame();
    if (MonoRecorder* mono = s->mono_recorder().get()) {
      mono->WriteFrame(s->received_frame());
      if (mono->full()) FinishMonoRecording(*s, true);
    }
    if (std::optional<MediaEvent::Timeout> expired = s->CheckTimeout(now, timeouts)) {
      MediaEvent event{};
      event.kind = MediaEvent::Kind::kRtpTimeout;
      event.session = s->id();
      event.timeout = *expired;
      Emit(event);
    }
  }
  for (RtpSession* s : order_) {
    const int16_t* frame = nullptr;
    RtpSession* peer = s->peer();
    switch (s->source()) {
      case RtpSession::Source::kSilence:
        break;
      case RtpSession::Source::kPlayer:
        frame = play_frame_.data();
        if (!s->player().Next(play_frame_)) {
          MediaEvent event{};
          event.kind = MediaEvent::Kind::kPlayDone;
          event.session = s->id();
          event.play_token = s->player().token();
          Emit(event);
          s->set_source(RestingSource(*s));
          if (s->source() == RtpSession::Source::kMix && MixFrame(*s)) {
            frame = mix_frame_.data();  // the last prompt frame is replaced by the mix
          }
        }
        break;
      case RtpSession::Source::kPeer:
        frame = peer ? peer->received_frame() : nullptr;
        break;
      case RtpSession::Source::kEcho:
        frame = s->received_frame();
        break;
      case RtpSession::Source::kMix:
        frame = MixFrame(*s) ? mix_frame_.data() : nullptr;
        break;
    }
    if (Recorder* leg = s->leg_recorder().get()) leg->WriteFrame(s->received_frame(), frame);
    s->SendTick(frame);
    if (Recorder* recorder = s->recorder().get()) {
      recorder->WriteFrame(s->received_frame(), peer ? peer->received_frame() : nullptr);
    }
  }
}

// Each round reads one datagram from every socket epoll reports readable. Level-triggered, a
// socket with more waiting is reported again in the next round; the rounds end when nothing is
// left (or after a few extra rounds, so a flooded socket cannot hold up the tick: the kernel
// drops what it cannot queue).
RtpSession::Source MediaThread::RestingSource(const RtpSession& session) {
  if (session.peer() != nullptr) return RtpSession::Source::kPeer;
  if (!session.mix().empty()) return RtpSession::Source::kMix;
  return RtpSession::Source::kSilence;
}

bool MediaThread::MixFrame(const RtpSession& session) {
  bool any = false;
  for (SessionId id : session.mix()) {
    RtpSession* source = Find(id);
    const int16_t* frame = source ? source->received_frame() : nullptr;
    if (frame == nullptr) continue;
    if (!any) {
      for (size_t i = 0; i < kFrameSamples; ++i) mix_sum_[i] = frame[i];
      any = true;
      continue;
    }
    for (size_t i = 0; i < kFrameSamples; ++i) mix_sum_[i] += frame[i];
  }
  if (!any) return false;
  for (size_t i = 0; i < kFrameSamples; ++i) {
    mix_frame_[i] = static_cast<int16_t>(std::clamp<int32_t>(mix_sum_[i], -32768, 32767));
  }
  return true;
}

void MediaThread::ReadSockets(TimePoint now) {
  const int capacity = static_cast<int>(ready_.size());
  const size_t max_rounds = order_.size() / ready_.size() + kMaxExtraRounds;
  for (size_t round = 0; round < max_rounds; ++round) {
    int n = epoll_wait(sockets_fd_, ready_.data(), capacity, 0);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) ReadSocket(*static_cast<RtpSession*>(ready_[i].data.ptr), now);
  }
}

void MediaThread::ReadSocket(RtpSession& session, TimePoint now) {
  sockaddr_storage from;
  socklen_t from_len = sizeof from;
  // One recvfrom per datagram: cheaper than recvmmsg when, as usual, one packet is waiting.
  ssize_t n = recvfrom(session.fd(), recv_buffer_.data(), recv_buffer_.size(),
                       MSG_DONTWAIT | MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
  if (n <= 0 || static_cast<size_t>(n) > recv_buffer_.size()) return;  // nothing, or too big
  RtpSession::Verdict verdict =
      session.OnDatagram(std::span<const uint8_t>(recv_buffer_.data(), static_cast<size_t>(n)),
                         from, from_len, now, *this);
  std::atomic<uint64_t>& counter = verdicts_[static_cast<size_t>(verdict)];
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void MediaThread::AddCounters(MediaCounters& total) const {
  auto count = [this](RtpSession::Verdict verdict) {
    return verdicts_[static_cast<size_t>(verdict)].load(std::memory_order_relaxed);
  };
  total.accepted += count(RtpSession::Verdict::kAccepted);
  total.malformed += count(RtpSession::Verdict::kMalformed);
  total.no_remote += count(RtpSession::Verdict::kNoRemote);
  total.learning += count(RtpSession::Verdict::kLearning);
  total.foreign_source += count(RtpSession::Verdict::kForeignSource);
}

RtpSession* MediaThread::Find(SessionId id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void MediaThread::AddSession(SessionId id, int fd, uint16_t local_port, PeerTrust trust) {
  // Seeds SSRC, first sequence number and timestamp.
  uint64_t seed =
      id ^ static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  RtpSession::SourcePolicy policy;
  policy.learning_window = Duration(options_.learning_window_ms);
  policy.learning_packets = std::max(1, options_.learning_packets);
  policy.trust = trust;
  auto session = std::make_unique<RtpSession>(id, fd, local_port, seed, policy);
  RtpSession* s = session.get();
  if (!sessions_.emplace(id, std::move(session)).second) return;
  s->set_index(order_.size());
  order_.push_back(s);
  if (sockets_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = s;
    if (epoll_ctl(sockets_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      HLOG_ERROR("media: epoll_ctl add: {}", std::strerror(errno));
    }
  }
}

void MediaThread::DestroySession(SessionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  RtpSession* s = it->second.get();
  Unlink(*s, true);
  FinishMonoRecording(*s, true);
  FinishLegRecording(*s, true);
  if (sockets_fd_ >= 0) epoll_ctl(sockets_fd_, EPOLL_CTL_DEL, s->fd(), nullptr);
  size_t index = s->index();
  order_[index] = order_.back();
  order_[index]->set_index(index);
  order_.pop_back();
  uint16_t port = s->local_port();
  sessions_.erase(it);  // closes the socket
  ports_.Release(port, MonotonicNow());
}

void MediaThread::SetRemote(SessionId id, const sockaddr_storage& address, socklen_t address_len,
                            const RemoteMedia& remote) {
  if (RtpSession* s = Find(id)) s->SetRemote(address, address_len, remote, MonotonicNow());
}

void MediaThread::Play(SessionId id, AudioPtr audio, bool loop, uint64_t token) {
  RtpSession* s = Find(id);
  if (!s) return;
  s->player().Start(std::move(audio), loop, token);
  s->set_source(RtpSession::Source::kPlayer);
}

void MediaThread::StopPlay(SessionId id) {
  RtpSession* s = Find(id);
  if (!s) return;
  s->player().Stop();
  if (s->source() == RtpSession::Source::kPlayer) s->set_source(RestingSource(*s));
}

void MediaThread::Echo(SessionId id) {
  RtpSession* s = Find(id);
  if (!s) return;
  s->player().Stop();
  s->set_source(RtpSession::Source::kEcho);
}

void MediaThread::Bridge(SessionId a, SessionId b, const std::string& recording_path) {
  RtpSession* left = Find(a);
  RtpSession* right = Find(b);
  if (!left || !right || left == right) {
    HLOG_WARN("media: cannot bridge {} and {}: not both on media thread {}", a, b, index_);
    return;
  }
  Unlink(*left, true);
  Unlink(*right, true);
  left->set_peer(right);
  right->set_peer(left);
  for (RtpSession* s : {left, right}) {
    s->mix().clear();
    s->player().Stop();
    s->set_source(RtpSession::Source::kPeer);
  }
  if (recording_path.empty()) return;
  auto recorder = Recorder::Open(recording_path, a);
  if (!recorder.ok()) {
    HLOG_ERROR("media: recording {}: {}", recording_path, recorder.error().message);
    return;
  }
  left->recorder() = std::move(recorder).value();
}

void MediaThread::Unbridge(SessionId a, SessionId b) {
  RtpSession* s = Find(a);
  if (s && s->peer() && s->peer()->id() == b) Unlink(*s, true);
}

void MediaThread::Unlink(RtpSession& session, bool emit_events) {
  RtpSession* peer = session.peer();
  if (!peer) return;
  for (RtpSession* s : {&session, peer}) {
    if (std::unique_ptr<Recorder> recorder = std::move(s->recorder())) {
      int64_t frames = recorder->Close();
      if (emit_events) EmitRecordingDone(s->id(), recorder->path(), frames, /*mono=*/false);
    }
    s->set_peer(nullptr);
    if (s->source() == RtpSession::Source::kPeer) s->set_source(RestingSource(*s));
  }
}

void MediaThread::Mix(SessionId id, std::vector<SessionId> sources) {
  RtpSession* s = Find(id);
  if (!s) return;
  Unlink(*s, true);
  std::erase(sources, id);  // a session never hears itself
  s->mix() = std::move(sources);
  s->player().Stop();
  s->set_source(RestingSource(*s));
}

void MediaThread::RecordLeg(SessionId id, const std::string& path) {
  RtpSession* s = Find(id);
  if (!s) return;
  FinishLegRecording(*s, true);
  auto recorder = Recorder::Open(path, id);
  if (!recorder.ok()) {
    HLOG_ERROR("media: recording {}: {}", path, recorder.error().message);
    return;
  }
  s->leg_recorder() = std::move(recorder).value();
}

void MediaThread::StopRecordLeg(SessionId id) {
  if (RtpSession* s = Find(id)) FinishLegRecording(*s, true);
}

void MediaThread::FinishLegRecording(RtpSession& session, bool emit_event) {
  std::unique_ptr<Recorder> recorder = std::move(session.leg_recorder());
  if (!recorder) return;
  int64_t frames = recorder->Close();
  if (emit_event) EmitRecordingDone(session.id(), recorder->path(), frames, /*mono=*/false);
}

void MediaThread::EmitRecordingDone(SessionId session, const std::string& path, int64_t frames,
                                    bool mono) {
  MediaEvent event{};
  event.kind = MediaEvent::Kind::kRecordingDone;
  event.session = session;
  event.frames = frames;
  event.path = path;
  event.mono = mono;
  Emit(event);
}

void MediaThread::SendDtmf(SessionId id, const std::string& digits) {
  if (RtpSession* s = Find(id)) s->QueueDtmf(digits);
}

void MediaThread::DetectInband(SessionId id, bool enabled) {
  if (RtpSession* s = Find(id)) s->SetInbandDetection(enabled);
}

void MediaThread::RecordMono(SessionId id, const std::string& path, int max_ms) {
  RtpSession* s = Find(id);
  if (!s) return;
  FinishMonoRecording(*s, true);
  const int64_t max_samples = max_ms > 0 ? int64_t{max_ms} * kSampleRate / 1000 : 0;
  auto recorder = MonoRecorder::Open(path, max_samples, id);
  if (!recorder.ok()) {
    HLOG_ERROR("media: recording {}: {}", path, recorder.error().message);
    EmitRecordingDone(id, path, 0, /*mono=*/true);
    return;
  }
  s->mono_recorder() = std::move(recorder).value();
}

void MediaThread::StopRecordMono(SessionId id) {
  if (RtpSession* s = Find(id)) FinishMonoRecording(*s, true);
}

void MediaThread::FinishMonoRecording(RtpSession& session, bool emit_event) {
  std::unique_ptr<MonoRecorder> recorder = std::move(session.mono_recorder());
  if (!recorder) return;
  int64_t frames = recorder->Close();
  if (emit_event) EmitRecordingDone(session.id(), recorder->path(), frames, /*mono=*/true);
}

void MediaThread::CloseAll() {
  for (RtpSession* s : order_) Unlink(*s, false);
  for (RtpSession* s : order_) FinishMonoRecording(*s, false);
  for (RtpSession* s : order_) FinishLegRecording(*s, false);
  for (RtpSession* s : order_) {
    if (sockets_fd_ >= 0) epoll_ctl(sockets_fd_, EPOLL_CTL_DEL, s->fd(), nullptr);
  }
  std::vector<uint16_t> ports;
  for (RtpSession* s : order_) ports.push_back(s->local_port());
  order_.clear();
  sessions_.clear();
  for (uint16_t port : ports) ports_.Release(port, MonotonicNow());
}

void MediaThread::Emit(const MediaEvent& event) {
  if (sink_) sink_(event);
}

void MediaThread::OnDigit(RtpSession& session, char digit, DtmfSource source) {
  MediaEvent event{};
  event.kind = MediaEvent::Kind::kDtmf;
  event.session = session.id();
  event.digit = digit;
  event.dtmf_source = source;
  Emit(event);
}

}  // namespace hotline::media
