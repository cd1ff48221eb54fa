// media/prompt_cache.h: the bounded cache behind TtsEngine. Prompts are kept in memory and as
// WAV files in one directory, each side limited in bytes and trimmed least recently used
// first, so prompts built from callers' input (read-backs, balances, queue positions) cannot
// grow the server without end. The disk side survives restarts: at start the directory is
// scanned and its files ordered by modification time (a use refreshes it).
// Not thread-safe: owned by the TtsEngine, used on the control thread. AudioPtrs handed out
// stay valid after eviction (shared ownership).
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include "media/audio.h"

namespace hotline::media {

struct PromptCacheLimits {
  int64_t memory_bytes = 64LL << 20;
  int64_t disk_bytes = 256LL << 20;
};

class PromptCache {
 public:
  // dir: where cache files live ("" = no disk cache). Scans it; removes leftover *.tmp files
  // and trims it to the disk limit.
  PromptCache(std::string dir, PromptCacheLimits limits);

  // The prompt stored under `key`, or nullptr; a hit makes it the most recently used.
  AudioPtr Find(const std::string& key);
  // Stores `audio` under `key`, then drops least recently used prompts beyond the memory
  // limit. A prompt larger than the whole limit is not kept.
  void Put(const std::string& key, AudioPtr audio);

  // Full path of a cache file name ("en-0123abcd.wav") in the directory.
  std::string PathOf(const std::string& file_name) const;
  // True if `file_name` is in the disk cache; marks it used (and refreshes its mtime).
  bool UseFile(const std::string& file_name);
  // A file of `bytes` was just written as `file_name`: it becomes the most recently used and
  // the oldest files beyond the disk limit are deleted (never the new one).
  void AddedFile(const std::string& file_name, int64_t bytes);
  // Forgets (and deletes) a file found unreadable.
  void DropFile(const std::string& file_name);

  int64_t memory_bytes() const { return memory_bytes_; }
  size_t memory_entries() const { return memory_.size(); }
  int64_t disk_bytes() const { return disk_bytes_; }
  size_t disk_files() const { return disk_.size(); }

 private:
  struct MemoryEntry {
    AudioPtr audio;
    int64_t bytes = 0;
    std::list<std::string>::iterator at;
  };
  struct DiskEntry {
    int64_t bytes = 0;
    std::list<std::string>::iterator at;
  };
  void TrimMemory();
  void TrimDisk(const std::string& keep);

  const std::string dir_;
  const PromptCacheLimits limits_;
  std::list<std::string> memory_order_;  // most recently used first
  std::unordered_map<std::string, MemoryEntry> memory_;
  int64_t memory_bytes_ = 0;
  std::list<std::string> disk_order_;  // most recently used first
  std::unordered_map<std::string, DiskEntry> disk_;
  int64_t disk_bytes_ = 0;
};

}  // namespace hotline::media
