#include "ivr_test_support.h"

namespace hotline::ivr::testing {
namespace {

std::string RouteOf(const std::string& flow_yaml, CallContext call, int y = 2025, unsigned m = 3,
                    unsigned day = 10, int hour = 10, int minute = 0) {
  Driver d(MustLoad(flow_yaml), std::move(call));
  SetLocalTime(d.clock(), y, m, day, hour, minute);
  d.Start();
  return d.session().end_reason();
}

constexpr const char* kVariables = R"(
flow: t
start: route
nodes:
  route:
    type: branch
    cases:
      - if: {var: caller, equals: "10086"}
        next: equals
      - if: {var: caller, prefix: ["138", "139"]}
        next: prefix
      - if: {var: dialled, in: ["200", "201"]}
        next: in_list
      - if: {var: score, ge: 90}
        next: high
      - if: {var: score, lt: 10}
        next: low
      - if: {all: [{var: tier, exists: true}, {not: {var: tier, equals: basic}}]}
        next: tiered
      - if: {any: [{var: caller, equals: "1"}, {var: caller, equals: "2"}]}
        next: any
    default: other
  equals: {type: hangup, reason: equals}
  prefix: {type: hangup, reason: prefix}
  in_list: {type: hangup, reason: in_list}
  high: {type: hangup, reason: high}
  low: {type: hangup, reason: low}
  tiered: {type: hangup, reason: tiered}
  any: {type: hangup, reason: any}
  other: {type: hangup, reason: other}
)";

TEST(BranchNodeTest, VariableConditions) {
  EXPECT_EQ(RouteOf(kVariables, {"10086", "100", "c", "", {}}), "equals");
  EXPECT_EQ(RouteOf(kVariables, {"13912345678", "100", "c", "", {}}), "prefix");
  EXPECT_EQ(RouteOf(kVariables, {"555", "201", "c", "", {}}), "in_list");
  EXPECT_EQ(RouteOf(kVariables, {"555", "100", "c", "", {{"score", "90"}}}), "high");
  EXPECT_EQ(RouteOf(kVariables, {"555", "100", "c", "", {{"score", "9.5"}}}), "low");
  EXPECT_EQ(RouteOf(kVariables, {"555", "100", "c", "", {{"score", "abc"}}}), "other");
  EXPECT_EQ(RouteOf(kVariables, {"555", "100", "c", "", {{"tier", "gold"}}}), "tiered");
  EXPECT_EQ(RouteOf(kVariables, {"555", "100", "c", "", {{"tier", "basic"}}}), "other");
  EXPECT_EQ(RouteOf(kVariables, {"2", "100", "c", "", {}}), "any");
  EXPECT_EQ(RouteOf(kVariables, {"555", "100", "c", "", {}}), "other");
}

constexpr const char* kHours = R"(
flow: t
utc_offset: "+08:00"
calendars:
  office:
    weekly:
      mon-fri: "09:00-18:00"
      sat: ["09:00-12:00"]
    holidays: [2025-05-01, "2025-10-01..2025-10-07"]
start: route
nodes:
  route:
    type: branch
    cases:
      - if: {calendar: office}
        next: open
      - if: {time: "18:00-20:00"}
        next: evening
      - if: {weekday: "sat,sun"}
        next: weekend
    default: closed
  open: {type: hangup, reason: open}
  evening: {type: hangup, reason: evening}
  weekend: {type: hangup, reason: weekend}
  closed: {type: hangup, reason: closed}
)";

TEST(BranchNodeTest, BusinessHoursBoundaries) {
  CallContext call{"1", "100", "c", "", {}};
  // 2025-03-10 is a Monday.
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 10, 8, 59), "closed");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 10, 9, 0), "open");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 10, 17, 59), "open");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 10, 18, 0), "evening");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 10, 20, 0), "closed");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 15, 11, 59), "open");  // Saturday
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 15, 12, 0), "weekend");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 3, 16, 10, 0), "weekend");  // Sunday
}

TEST(BranchNodeTest, HolidaysAreClosed) {
  CallContext call{"1", "100", "c", "", {}};
  EXPECT_EQ(RouteOf(kHours, call, 2025, 5, 1, 10, 0), "closed");  // Thursday, Labour Day
  EXPECT_EQ(RouteOf(kHours, call, 2025, 10, 3, 10, 0), "closed");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 10, 7, 17, 0), "closed");
  EXPECT_EQ(RouteOf(kHours, call, 2025, 10, 8, 9, 0), "open");
}

TEST(BranchNodeTest, UsesTheSiteOffsetNotUtc) {
  // 09:30 in Beijing is 01:30 UTC: open for the +08:00 site.
  Driver d(MustLoad(kHours));
  SetLocalTime(d.clock(), 2025, 3, 10, 9, 30, 480);
  d.Start();
  EXPECT_EQ(d.session().end_reason(), "open");
  EXPECT_EQ(d.session().variable("time.hhmm"), "0930");
  EXPECT_EQ(d.session().variable("time.weekday"), "mon");
  EXPECT_EQ(d.session().variable("time.date"), "2025-03-10");
}

TEST(BranchNodeTest, BadConditionsAreRefused) {
  std::string error = LoadError(R"(
flow: t
calendars:
  office:
    weekly: {mon-fri: "18:00-09:00", funday: "09:00-10:00"}
    holidays: [2025-02-30]
start: route
nodes:
  route:
    type: branch
    cases:
      - if: {calendar: shop}
        next: a
      - if: {time: "25:00-26:00"}
        next: a
      - if: {var: x, between: 3}
        next: a
      - if: {var: x, gt: many}
        next: a
    default: a
  a: {type: hangup}
)");
  EXPECT_NE(error.find("bad.yaml:5: calendar 'office': bad time range \"18:00-09:00\""),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bad weekday \"funday\""), std::string::npos) << error;
  EXPECT_NE(error.find("bad.yaml:6: calendar 'office': bad holiday \"2025-02-30\""),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bad.yaml:12: node 'route': no calendar named 'shop'"), std::string::npos)
      << error;
  EXPECT_NE(error.find("bad.yaml:14: node 'route': bad time range \"25:00-26:00\""),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bad.yaml:16: node 'route': unknown condition operator 'between'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bad.yaml:18: node 'route': 'gt' compares numbers"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace hotline::ivr::testing
