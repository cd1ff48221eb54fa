#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

TEST(TransferNodeTest, TransfersToAnExtension) {
  Driver d(MustLoad(R"(
flow: t
start: t
nodes:
  t: {type: transfer, to: "1000"}
)"));
  d.Start();
  auto transfers = OfType<Transfer>(d.log());
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].kind, Transfer::Kind::kExtension);
  EXPECT_EQ(transfers[0].target, "1000");
  EXPECT_EQ(d.session().end_reason(), "transfer");
}

TEST(TransferNodeTest, TransfersToANumberFromAVariableAfterAPrompt) {
  Driver d(MustLoad(R"(
flow: t
start: t
nodes:
  t: {type: transfer, to: "{customer.manager}", kind: number, prompt: 正在转接}
)"),
           {"1", "100", "c", "", {{"customer.manager", "13900000000"}}});
  d.Start();
  EXPECT_TRUE(OfType<Transfer>(d.log()).empty());
  d.FinishPlays();
  auto transfers = OfType<Transfer>(d.log());
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].kind, Transfer::Kind::kNumber);
  EXPECT_EQ(transfers[0].target, "13900000000");
}

TEST(TransferNodeTest, EmptyTargetHangsUpInstead) {
  Driver d(MustLoad(R"(
flow: t
start: t
nodes:
  t: {type: transfer, to: "{nobody}"}
)"));
  d.Start();
  EXPECT_EQ(d.session().end_reason(), "transfer_target_empty");
}

TEST(TransferNodeTest, BadKindIsRefused) {
  std::string error = LoadError(R"(
flow: t
start: t
nodes:
  t: {type: transfer, to: "1", kind: fax}
)");
  EXPECT_NE(error.find("bad.yaml:5: node 't': kind must be extension or number"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace hotline::ivr::testing
