// Shared by the store tests: a fresh temporary directory per test and fixed wall times.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "store/cdr_store.h"
#include "store/sqlite_db.h"

namespace hotline::store::test_support {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("hotline_store2_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string DbPath() const { return (dir_ / "hotline.db").string(); }

  // hotline.db with every migration applied; nullptr (and a test failure) on error.
  std::unique_ptr<SqliteDb> OpenDb() {
    auto db = OpenHotlineDb(DbPath());
    EXPECT_TRUE(db.ok()) << db.error().message;
    return db.ok() ? std::move(db).value() : nullptr;
  }

  std::filesystem::path dir_;
};

// A temporary directory and a CdrStore in it.
class CdrStoreDirTest : public TempDirTest {
 protected:
  std::unique_ptr<CdrStore> OpenStore() {
    auto store = CdrStore::Open(DbPath());
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }
};

// 2024-05-01T08:00:00.000Z plus `ms`.
inline WallTime At(int64_t ms) {
  return WallTime{} + std::chrono::seconds(1714550400) + std::chrono::milliseconds(ms);
}

}  // namespace hotline::store::test_support
