#include "call/flow_catalog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "store/flow_store.h"
#include "store/sqlite_db.h"

namespace hotline::call {
namespace {

const char kWelcomeV1[] = R"(flow: welcome
numbers: ["700"]
languages: [en]
start: hello
nodes:
  hello: {type: hangup, reason: v1, prompt: "Hello."}
)";

const char kWelcomeV2[] = R"(flow: welcome
numbers: ["700"]
languages: [en]
start: hello
nodes:
  hello: {type: hangup, reason: v2, prompt: "Hello again."}
)";

// A menu option going to a node that does not exist (line 9).
const char kWelcomeBroken[] = R"(flow: welcome
languages: [en]
start: menu
nodes:
  menu:
    type: menu
    prompt: "Press 1."
    options:
      "1": nowhere
)";

const char kOther[] = R"(flow: other
languages: [en]
start: bye
nodes:
  bye: {type: hangup}
)";

WallTime At(int seconds) { return WallTime{} + std::chrono::seconds(1714550400 + seconds); }

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class FlowCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("hotline_flowcat_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = store::OpenHotlineDb((dir_ / "hotline.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    store_ = std::make_unique<store::FlowStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static DialPlanEntry Ivr(const std::string& number, const std::string& yaml,
                           const std::string& target = "flows/welcome.yaml") {
    DialPlanEntry entry;
    entry.number = number;
    entry.action = "ivr";
    entry.target = target;
    entry.flow_yaml = yaml;
    return entry;
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  int Versions(const std::string& name) {
    auto latest = store_->Latest(name);
    EXPECT_TRUE(latest.ok());
    return latest.ok() && latest->has_value() ? (*latest)->version : 0;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteDb> db_;
  std::unique_ptr<store::FlowStore> store_;
};

TEST_F(FlowCatalogTest, FirstStartStoresTheSeedAsVersionOne) {
  FlowCatalog catalog(*store_, {Ivr("700", kWelcomeV1), {"600", "echo", "en", "", "", ""}});
  Status seeded = catalog.Seed(At(0));
  ASSERT_TRUE(seeded.ok()) << seeded.message();
  auto stored = store_->Latest("welcome");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->version, 1);
  EXPECT_EQ((*stored)->author, "seed");
  EXPECT_EQ((*stored)->yaml, kWelcomeV1);
  EXPECT_EQ(catalog.FlowNameFor("700"), "welcome");

  auto live = catalog.LiveFlows();
  ASSERT_EQ(live.size(), 1u);
  ASSERT_NE(live["700"], nullptr);
  EXPECT_EQ(live["700"]->name, "welcome");
  EXPECT_EQ(live["700"]->source, "welcome v1");
}

TEST_F(FlowCatalogTest, TheDatabaseWinsOverTheSeed) {
  ASSERT_TRUE(store_->SaveVersion("welcome", kWelcomeV1, "seed", At(0)).ok());
  ASSERT_TRUE(store_->SaveVersion("welcome", kWelcomeV2, "alice", At(10)).ok());
  // A restart with the original seed (or a changed one): nothing is stored, v2 stays live.
  FlowCatalog catalog(*store_, {Ivr("700", kWelcomeV1)});
  ASSERT_TRUE(catalog.Seed(At(20)).ok());
  EXPECT_EQ(Versions("welcome"), 2);
  auto live = catalog.LiveFlows();
  ASSERT_NE(live["700"], nullptr);
  EXPECT_EQ(live["700"]->source, "welcome v2");
}

TEST_F(FlowCatalogTest, SeedsFromTheTargetFileWhenTheConfigHasNoText) {
  std::string path = WriteFile("welcome.yaml", kWelcomeV1);
  FlowCatalog catalog(*store_, {Ivr("700", "", path)});
  ASSERT_TRUE(catalog.Seed(At(0)).ok());
  auto stored = store_->Latest("welcome");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->yaml, kWelcomeV1);

  FlowCatalog missing(*store_, {Ivr("701", "", (dir_ / "missing.yaml").string())});
  Status seeded = missing.Seed(At(0));
  ASSERT_FALSE(seeded.ok());
  EXPECT_TRUE(Has(seeded.message(), "701")) << seeded.message();
  EXPECT_TRUE(Has(seeded.message(), "missing.yaml")) << seeded.message();
}

TEST_F(FlowCatalogTest, AnInvalidSeedIsRefusedUnlessAVersionIsStored) {
  FlowCatalog fresh(*store_, {Ivr("700", kWelcomeBroken)});
  Status seeded = fresh.Seed(At(0));
  ASSERT_FALSE(seeded.ok());
  EXPECT_TRUE(Has(seeded.message(), "flows/welcome.yaml:9: node 'menu': '1' goes to 'nowhere'"))
      << seeded.message();
  EXPECT_EQ(Versions("welcome"), 0);
  EXPECT_TRUE(fresh.LiveFlows().empty());

  // Once a version is stored, a broken seed file does not stop the start.
  ASSERT_TRUE(store_->SaveVersion("welcome", kWelcomeV1, "seed", At(0)).ok());
  FlowCatalog restarted(*store_, {Ivr("700", kWelcomeBroken)});
  seeded = restarted.Seed(At(10));
  ASSERT_TRUE(seeded.ok()) << seeded.message();
  EXPECT_EQ(Versions("welcome"), 1);
  auto live = restarted.LiveFlows();
  ASSERT_NE(live["700"], nullptr);
  EXPECT_EQ(live["700"]->source, "welcome v1");
}

TEST_F(FlowCatalogTest, PublishRefusesAnInvalidFlowAndStoresNothing) {
  FlowCatalog catalog(*store_, {Ivr("700", kWelcomeV1)});
  ASSERT_TRUE(catalog.Seed(At(0)).ok());
  auto published = catalog.Publish(kWelcomeBroken, "bob", At(5), "new.yaml");
  ASSERT_FALSE(published.ok());
  EXPECT_TRUE(Has(published.error().message,
                  "new.yaml:9: node 'menu': '1' goes to 'nowhere', which is not a node"))
      << published.error().message;
  EXPECT_EQ(Versions("welcome"), 1);

  published = catalog.Publish("flow: [unclosed\n", "bob", At(5), "junk.yaml");
  ASSERT_FALSE(published.ok());
  EXPECT_TRUE(Has(published.error().message, "junk.yaml")) << published.error().message;
}

TEST_F(FlowCatalogTest, PublishStoresTheNextVersionAndLiveFlowsPicksItUp) {
  FlowCatalog catalog(*store_, {Ivr("700", kWelcomeV1), Ivr("701", kWelcomeV1)});
  ASSERT_TRUE(catalog.Seed(At(0)).ok());
  EXPECT_EQ(Versions("welcome"), 1);  // two numbers, one flow: seeded once
  auto before = catalog.LiveFlows();
  ASSERT_NE(before["700"], nullptr);
  EXPECT_EQ(before["700"], before["701"]);  // parsed once, shared

  auto published = catalog.Publish(kWelcomeV2, "alice", At(10), "welcome.yaml");
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(published->name, "welcome");
  EXPECT_EQ(published->version, 2);
  auto stored = store_->Get("welcome", 2);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->author, "alice");

  // A flow of another name is stored as its own version 1 and answers no number.
  auto other = catalog.Publish(kOther, "alice", At(11));
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->version, 1);

  auto after = catalog.LiveFlows();
  EXPECT_EQ(after.size(), 2u);
  ASSERT_NE(after["700"], nullptr);
  EXPECT_EQ(after["700"]->source, "welcome v2");
  EXPECT_EQ(after["701"]->source, "welcome v2");
  // The previously returned flow is untouched (calls running it keep it).
  EXPECT_EQ(before["700"]->source, "welcome v1");
}

TEST_F(FlowCatalogTest, ANewestVersionThatNoLongerValidatesFallsBackToThePreviousOne) {
  FlowCatalog catalog(*store_, {Ivr("700", kWelcomeV1)});
  ASSERT_TRUE(catalog.Seed(At(0)).ok());
  ASSERT_TRUE(catalog.Publish(kWelcomeV2, "alice", At(10)).ok());
  // Stored behind the catalog's back (an older program, a hand edit): v3 is broken.
  ASSERT_TRUE(store_->SaveVersion("welcome", kWelcomeBroken, "sqlite3", At(20)).ok());
  auto live = catalog.LiveFlows();
  ASSERT_NE(live["700"], nullptr);
  EXPECT_EQ(live["700"]->source, "welcome v2");
}

TEST_F(FlowCatalogTest, WhenNothingValidIsLeftThePreviousLiveFlowStays) {
  FlowCatalog catalog(*store_, {Ivr("700", kWelcomeV1)});
  ASSERT_TRUE(catalog.Seed(At(0)).ok());
  auto first = catalog.LiveFlows();
  ASSERT_NE(first["700"], nullptr);
  ASSERT_TRUE(db_->Exec("DELETE FROM flow_versions").ok());
  auto again = catalog.LiveFlows();
  EXPECT_EQ(again["700"], first["700"]);
}

TEST_F(FlowCatalogTest, AFlowListingOtherNumbersStillAnswersTheDialPlanNumber) {
  // kWelcomeV1 lists "700"; the dial plan attaches it to 800 too: a warning, not a refusal.
  FlowCatalog catalog(*store_, {Ivr("800", kWelcomeV1)});
  ASSERT_TRUE(catalog.Seed(At(0)).ok());
  auto live = catalog.LiveFlows();
  ASSERT_NE(live["800"], nullptr);
  EXPECT_EQ(live["800"]->numbers, std::vector<std::string>{"700"});
}

}  // namespace
}  // namespace hotline::call
