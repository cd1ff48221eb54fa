#include "media/prompt_cache.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace hotline::media {

namespace fs = std::filesystem;

PromptCache::PromptCache(std::string dir, PromptCacheLimits limits)
    : dir_(std::move(dir)), limits_(limits) {
  if (dir_.empty()) return;
  std::error_code ec;
  struct Found {
    std::string name;
    int64_t bytes;
    fs::file_time_type used;
  };
  std::vector<Found> found;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (it->path().extension() == ".tmp") {  // a write cut short: never complete
      fs::remove(it->path(), ec);
      continue;
    }
    if (it->path().extension() != ".wav") continue;
    auto bytes = it->file_size(ec);
    auto used = it->last_write_time(ec);
    if (!ec) found.push_back({name, static_cast<int64_t>(bytes), used});
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.used < b.used; });
  for (const Found& file : found) {  // oldest first, so the newest end up in front
    disk_order_.push_front(file.name);
    disk_[file.name] = {file.bytes, disk_order_.begin()};
    disk_bytes_ += file.bytes;
  }
  TrimDisk("");
}

AudioPtr PromptCache::Find(const std::string& key) {
  auto it = memory_.find(key);
  if (it == memory_.end()) return nullptr;
  memory_order_.splice(memory_order_.begin(), memory_order_, it->second.at);
  return it->second.audio;
}

void PromptCache::Put(const std::string& key, AudioPtr audio) {
  if (!audio) return;
  const int64_t bytes = static_cast<int64_t>(audio->samples.size() * sizeof(int16_t)) +
                        static_cast<int64_t>(key.size());
  if (auto old = memory_.find(key); old != memory_.end()) {
    memory_bytes_ -= old->second.bytes;
    memory_order_.erase(old->second.at);
    memory_.erase(old);
  }
  if (bytes > limits_.memory_bytes) return;
  memory_order_.push_front(key);
  memory_[key] = {std::move(audio), bytes, memory_order_.begin()};
  memory_bytes_ += bytes;
  TrimMemory();
}

void PromptCache::TrimMemory() {
  while (memory_bytes_ > limits_.memory_bytes && !memory_order_.empty()) {
    auto oldest = memory_.find(memory_order_.back());
    memory_bytes_ -= oldest->second.bytes;
    memory_.erase(oldest);
    memory_order_.pop_back();
  }
}

std::string PromptCache::PathOf(const std::string& file_name) const {
  return (fs::path(dir_) / file_name).string();
}

bool PromptCache::UseFile(const std::string& file_name) {
  auto it = disk_.find(file_name);
  if (it == disk_.end()) return false;
  disk_order_.splice(disk_order_.begin(), disk_order_, it->second.at);
  std::error_code ec;  // the order after a restart comes from the mtime
  fs::last_write_time(PathOf(file_name), fs::file_time_type::clock::now(), ec);
  return true;
}

void PromptCache::AddedFile(const std::string& file_name, int64_t bytes) {
  if (auto old = disk_.find(file_name); old != disk_.end()) {
    disk_bytes_ -= old->second.bytes;
    disk_order_.erase(old->second.at);
    disk_.erase(old);
  }
  disk_order_.push_front(file_name);
  disk_[file_name] = {bytes, disk_order_.begin()};
  disk_bytes_ += bytes;
  TrimDisk(file_name);
}

void PromptCache::DropFile(const std::string& file_name) {
  std::error_code ec;
  fs::remove(PathOf(file_name), ec);
  auto it = disk_.find(file_name);
  if (it == disk_.end()) return;
  disk_bytes_ -= it->second.bytes;
  disk_order_.erase(it->second.at);
  disk_.erase(it);
}

void PromptCache::TrimDisk(const std::string& keep) {
  while (disk_bytes_ > limits_.disk_bytes && !disk_order_.empty()) {
    std::string oldest = disk_order_.back();
    if (oldest == keep) break;  // only the newest file is left: keep it
    DropFile(oldest);
  }
}

}  // namespace hotline::media
