// media/media_thread.h: one media thread. It owns a set of RtpSessions and their sockets and
// runs one loop: an epoll set waits for a 20 ms timerfd and for commands (a TaskQueue posted
// to by MediaEngine on the control thread). Each tick reads every socket that has data
// (found with non-blocking epoll_waits on a second, sockets-only epoll set; one recvfrom
// per datagram), then gives each session one frame of received audio, then makes each session
// send one packet from its source (silence, player, bridge peer, or echo) and feeds the
// recorders (bridge recordings, leg recordings and single-leg RecordMono recordings). Per packet
// and per session nothing allocates or locks (the tick takes the task queue's lock once).
// Everything below except Start, Stop and Post runs on the media thread.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/task_queue.h"
#include "media/media_engine.h"
#include "media/port_pool.h"
#include "media/rtp_session.h"

namespace hotline::media {

class MediaThread final : private RtpSession::Observer {
 public:
  // sink and ports must outlive the thread.
  MediaThread(int index, const MediaOptions& options, const EventSink& sink, PortPool& ports);
  ~MediaThread() override;  // Stop()
  MediaThread(const MediaThread&) = delete;
  MediaThread& operator=(const MediaThread&) = delete;

  Status Start();
  // Stops the loop and closes every session (recordings are finalized without events).
  void Stop();
  // Any thread: runs task on this media thread, in order.
  void Post(TaskQueue::Task task) { tasks_.Post(std::move(task)); }

  // --- commands: media thread only (posted by MediaEngine) ---
  // Takes ownership of fd, a bound non-blocking UDP socket on local_port (from ports).
  void AddSession(SessionId id, int fd, uint16_t local_port, PeerTrust trust);
  void DestroySession(SessionId id);
  void SetRemote(SessionId id, const sockaddr_storage& address, socklen_t address_len,
                 const RemoteMedia& remote);
  void Play(SessionId id, AudioPtr audio, bool loop, uint64_t token);
  void StopPlay(SessionId id);
  void Echo(SessionId id);
  void Bridge(SessionId a, SessionId b, const std::string& recording_path);
  void Unbridge(SessionId a, SessionId b);
  void Mix(SessionId id, std::vector<SessionId> sources);
  void RecordLeg(SessionId id, const std::string& path);
  void StopRecordLeg(SessionId id);
  void SendDtmf(SessionId id, const std::string& digits);
  void DetectInband(SessionId id, bool enabled);
  void RecordMono(SessionId id, const std::string& path, int max_ms);
  void StopRecordMono(SessionId id);

  // Any thread: this thread's packet counters so far (relaxed reads).
  void AddCounters(MediaCounters& total) const;

 private:
  static constexpr size_t kMaxExtraRounds = 8;
  static constexpr int kMaxCatchUpTicks = 3;

  void Run();
  void Tick(TimePoint now);
  void NoteSkippedTicks(uint64_t count);
  void ReadSockets(TimePoint now);
  void ReadSocket(RtpSession& session, TimePoint now);
  RtpSession* Find(SessionId id);
  // Breaks session's bridge, if any: both sides back to silence, recording closed.
  void Unlink(RtpSession& session, bool emit_events);
  // What session sends when no prompt plays: its bridge peer, its mix, or silence.
  static RtpSession::Source RestingSource(const RtpSession& session);
  // Sums what session's mix sources received this tick into mix_frame_; false if none did.
  bool MixFrame(const RtpSession& session);
  // Closes session's RecordLeg recording, if any, and reports it when emit_event.
  void FinishLegRecording(RtpSession& session, bool emit_event);
  // Closes session's RecordMono recording, if any, and reports it when emit_event.
  void FinishMonoRecording(RtpSession& session, bool emit_event);
  void CloseAll();
  void Emit(const MediaEvent& event);
  void EmitRecordingDone(SessionId session, const std::string& path, int64_t frames, bool mono);
  void OnDigit(RtpSession& session, char digit, DtmfSource source) override;

  const int index_;
  const MediaOptions& options_;
  const EventSink& sink_;
  PortPool& ports_;
  TaskQueue tasks_;
  std::thread thread_;
  bool running_ = false;  // media thread only
  uint64_t skipped_ticks_ = 0;
  TimePoint last_skip_log_{};

  int epoll_fd_ = -1;    // timer + tasks
  int sockets_fd_ = -1;  // readable sockets, polled each tick
  int timer_fd_ = -1;

  // Received packets by RtpSession::Verdict: written by this thread only (a relaxed load and
  // store, no read-modify-write), read by any thread.
  std::array<std::atomic<uint64_t>, RtpSession::kVerdictCount> verdicts_{};

  std::unordered_map<SessionId, std::unique_ptr<RtpSession>> sessions_;
  std::vector<RtpSession*> order_;  // tick order; RtpSession::index() is the position

  // Scratch for the tick, allocated once.
  std::vector<epoll_event> ready_;
  std::array<uint8_t, 2048> recv_buffer_{};
  std::array<int16_t, kFrameSamples> play_frame_{};
  std::array<int16_t, kFrameSamples> mix_frame_{};
  std::array<int32_t, kFrameSamples> mix_sum_{};
};

}  // namespace hotline::media
