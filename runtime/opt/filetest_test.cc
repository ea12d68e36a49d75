// The filetest machinery itself: splitting a file into cases, the diff, and
// blessing (which must keep everything but the check blocks).
#include "runtime/opt/filetest.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wasm::opt {
namespace {

using ::testing::HasSubstr;

constexpr char kFile[] =
    "; test: constant_folding\n"
    "; A comment.\n"
    "\n"
    "function %a() -> i32 {\n"
    "block0:\n"
    "    v0 = iconst.i32 1\n"
    "    v1 = iconst.i32 2\n"
    "    v2 = iadd.i32 v0, v1\n"
    "    return v2\n"
    "}\n"
    "; check:\n"
    "; function %a() -> i32 {\n"
    "; block0:\n"
    ";     stale\n"
    "; }\n"
    "\n"
    "; The second case has no check block yet.\n"
    "function %b() {\n"
    "block0:\n"
    "    return\n"
    "}\n";

TEST(FiletestTest, SplitsCasesAndChecks) {
  absl::StatusOr<FileTest> t = ParseFileTest(kFile);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->passes, std::vector<std::string>{"constant_folding"});
  ASSERT_EQ(t->cases.size(), 2u);
  EXPECT_EQ(t->cases[0].function_begin, 3);
  EXPECT_EQ(t->cases[0].function_end, 9);
  EXPECT_EQ(t->cases[0].check_begin, 10);
  EXPECT_EQ(t->cases[0].check_end, 15);
  EXPECT_EQ(t->cases[0].expected, "function %a() -> i32 {\nblock0:\n    stale\n}\n");
  EXPECT_EQ(t->cases[1].check_begin, -1);
  // Parse errors keep the file's line numbers.
  EXPECT_EQ(t->cases[1].input.substr(0, 17), std::string(17, '\n'));
}

TEST(FiletestTest, RunsAndBlesses) {
  absl::StatusOr<FileTest> t = ParseFileTest(kFile);
  ASSERT_TRUE(t.ok()) << t.status();
  std::vector<std::string> actual;
  for (const FileTest::Case& c : t->cases) {
    absl::StatusOr<std::string> out = RunCase(*t, c);
    ASSERT_TRUE(out.ok()) << out.status();
    actual.push_back(*out);
  }
  EXPECT_THAT(actual[0], HasSubstr("    v2 = iconst.i32 3\n"));
  const std::string blessed = Bless(*t, actual);
  EXPECT_EQ(blessed,
            "; test: constant_folding\n"
            "; A comment.\n"
            "\n"
            "function %a() -> i32 {\n"
            "block0:\n"
            "    v0 = iconst.i32 1\n"
            "    v1 = iconst.i32 2\n"
            "    v2 = iadd.i32 v0, v1\n"
            "    return v2\n"
            "}\n"
            "; check:\n"
            "; function %a() -> i32 {\n"
            "; block0:\n"
            ";     v0 = iconst.i32 1\n"
            ";     v1 = iconst.i32 2\n"
            ";     v2 = iconst.i32 3\n"
            ";     return v2\n"
            "; }\n"
            "\n"
            "; The second case has no check block yet.\n"
            "function %b() {\n"
            "block0:\n"
            "    return\n"
            "}\n"
            "; check:\n"
            "; function %b() {\n"
            "; block0:\n"
            ";     return\n"
            "; }\n");
  // Blessing what is blessed changes nothing.
  absl::StatusOr<FileTest> again = ParseFileTest(blessed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Bless(*again, actual), blessed);
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_EQ(again->cases[i].expected, actual[i]);
}

TEST(FiletestTest, ReportsMalformedFiles) {
  EXPECT_THAT(std::string(ParseFileTest("function %a() {\nblock0:\n    return\n}\n")
                              .status()
                              .message()),
              HasSubstr("no '; test: <pass>' line"));
  EXPECT_THAT(std::string(ParseFileTest("; test: frobnicate\n").status().message()),
              HasSubstr("line 1: unknown pass 'frobnicate'"));
  EXPECT_THAT(std::string(ParseFileTest("; test: dce\nfunction %a() {\nblock0:\n").status().message()),
              HasSubstr("line 2: the function has no '}'"));
  EXPECT_THAT(std::string(ParseFileTest("; test: dce\n; check:\n").status().message()),
              HasSubstr("line 2: '; check:' must follow a function"));
  EXPECT_THAT(std::string(ParseFileTest("; test: dce\nreturn\n").status().message()),
              HasSubstr("line 2: expected a function"));
}

TEST(FiletestTest, RunCaseReportsBadInput) {
  absl::StatusOr<FileTest> t = ParseFileTest(
      "; test: dce\n"
      "function %a() -> i32 {\n"
      "block0:\n"
      "    return v9\n"
      "}\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(RunCase(*t, t->cases[0]).status().message(), "4:12: v9 is never defined");
}

TEST(UnifiedDiffTest, ShowsHunksWithContext) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n"), "");
  EXPECT_EQ(UnifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\nX\n5\n6\n7\n8\n9\nY\n"),
            "--- expected\n"
            "+++ actual\n"
            "@@ -2,5 +2,5 @@\n"
            " 2\n"
            " 3\n"
            "-4\n"
            "+X\n"
            " 5\n"
            " 6\n"
            "@@ -8,2 +8,3 @@\n"
            " 8\n"
            " 9\n"
            "+Y\n");
  EXPECT_EQ(UnifiedDiff("", "new\n"), "--- expected\n+++ actual\n@@ -1,0 +1,1 @@\n+new\n");
}

}  // namespace
}  // namespace wasm::opt
