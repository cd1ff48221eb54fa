#include "ivr/prompt.h"

#include <gtest/gtest.h>

namespace hotline::ivr {
namespace {

VariableLookup Vars(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(TemplateTest, RendersFormats) {
  auto t = Template::Parse("Balance {amount:b} for {digits:acct}, due {date:due}, {name}.");
  ASSERT_TRUE(t.ok());
  auto vars = Vars({{"b", "1234.5"}, {"acct", "123"}, {"due", "2025-03-08"}, {"name", "Li"}});
  EXPECT_EQ(t->Render("en", vars),
            "Balance one thousand two hundred thirty four yuan and fifty fen for one two three, "
            "due March eighth, two thousand twenty five, Li.");
  auto zh = Template::Parse("余额{amount:b}");
  EXPECT_EQ(zh->Render("zh", vars), "余额一千二百三十四元五角");
}

TEST(TemplateTest, MissingAndUnspeakableValues) {
  auto t = Template::Parse("[{x}] [{amount:y}] [{number:z}]");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->Render("en", Vars({{"y", "lots"}, {"z", "3"}})), "[] [lots] [three]");
}

TEST(TemplateTest, BracesAndErrors) {
  EXPECT_EQ(Template::Parse("{{literal}}")->Render("en", nullptr), "{literal}");
  EXPECT_FALSE(Template::Parse("{unclosed").ok());
  EXPECT_FALSE(Template::Parse("stray }").ok());
  EXPECT_FALSE(Template::Parse("{}").ok());
  EXPECT_FALSE(Template::Parse("{money:x}").ok());
  EXPECT_FALSE(Template::Parse("{a b}").ok());
}

TEST(PromptSpecTest, PicksTheLanguageThenNeutralThenFallback) {
  PromptSpec spec;
  spec.Set("zh", {ResolvedPrompt::Kind::kText, *Template::Parse("你好")});
  spec.Set("en", {ResolvedPrompt::Kind::kFile, *Template::Parse("en/hello.wav")});
  EXPECT_EQ(spec.Resolve("zh", "zh", nullptr),
            (ResolvedPrompt{ResolvedPrompt::Kind::kText, "你好", "zh"}));
  EXPECT_EQ(spec.Resolve("en", "zh", nullptr),
            (ResolvedPrompt{ResolvedPrompt::Kind::kFile, "en/hello.wav", "en"}));

  PromptSpec only_zh;
  only_zh.Set("zh", {ResolvedPrompt::Kind::kText, *Template::Parse("你好")});
  EXPECT_EQ(only_zh.Resolve("en", "zh", nullptr).language, "zh");

  PromptSpec neutral;
  neutral.SetNeutral({ResolvedPrompt::Kind::kFile, *Template::Parse("beep.wav")});
  EXPECT_EQ(neutral.Resolve("en", "zh", nullptr),
            (ResolvedPrompt{ResolvedPrompt::Kind::kFile, "beep.wav", "en"}));
}

}  // namespace
}  // namespace hotline::ivr
