#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

TEST(VoicemailNodeTest, GreetsThenRecords) {
  Driver d(MustLoad(R"(
flow: t
start: vm
nodes:
  vm: {type: voicemail, mailbox: sales, prompt: {zh: 请留言, en: Leave a message}}
)"));
  d.Start();
  EXPECT_EQ(d.LastPlayText(), "请留言");
  EXPECT_FALSE(d.session().ended());
  d.FinishPlays();
  auto mail = OfType<Voicemail>(d.log());
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].mailbox, "sales");
  EXPECT_EQ(d.session().end_reason(), "voicemail");
  EXPECT_TRUE(IsTerminal(d.log().back()));
}

TEST(VoicemailNodeTest, MailboxIsRequired) {
  EXPECT_NE(LoadError("flow: t\nstart: vm\nnodes:\n  vm: {type: voicemail}\n")
                .find("bad.yaml:4: node 'vm': missing field 'mailbox'"),
            std::string::npos);
}

}  // namespace
}  // namespace hotline::ivr::testing
