// Runs every golden filetest in runtime/opt/filetests/ (see its README.md):
// one test per file, failing with a diff per mismatching case.
//
// Bless (rewrite the expectations in the source tree from the actual output):
//   FILETESTS_BLESS=1 bazel run //runtime/opt:filetests_test
// `bazel run` sets BUILD_WORKSPACE_DIRECTORY, which is how the test finds the
// source files; under `bazel test` it reads the runfiles and never writes.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "runtime/ir/ir.h"
#include "runtime/ir/parser.h"
#include "runtime/opt/filetest.h"
#include "runtime/opt/pipeline.h"

namespace wasm::opt {
namespace {

std::filesystem::path FiletestDir() { return opt::FiletestDir("runtime/opt/filetests"); }
std::vector<std::string> FiletestNames() { return opt::FiletestNames(FiletestDir()); }
bool Blessing() { return opt::BlessRequested(); }

class FiletestTest : public testing::TestWithParam<std::string> {};

TEST_P(FiletestTest, MatchesExpectations) {
  const std::filesystem::path path = FiletestDir() / GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<FileTest> test = ParseFileTest(contents.str());
  ASSERT_TRUE(test.ok()) << GetParam() << ": " << test.status().message();

  std::vector<std::string> actual;
  bool mismatch = false;
  for (const FileTest::Case& c : test->cases) {
    absl::StatusOr<std::string> out = RunCase(*test, c);
    ASSERT_TRUE(out.ok()) << GetParam() << ", function at line " << c.function_begin + 1 << ": "
                          << out.status().message();
    if (*out != c.expected) {
      mismatch = true;
      if (!Blessing()) {
        ADD_FAILURE() << GetParam() << ", function at line " << c.function_begin + 1
                      << ": the output differs from the '; check:' block"
                      << (c.check_begin < 0 ? " (there is none)" : "") << ":\n"
                      << UnifiedDiff(c.expected, *out)
                      << "To accept the new output: FILETESTS_BLESS=1 bazel run "
                         "//runtime/opt:filetests_test";
      }
    }
    actual.push_back(*std::move(out));
  }
  if (Blessing() && mismatch) {
    ASSERT_NE(std::getenv("BUILD_WORKSPACE_DIRECTORY"), nullptr)
        << "FILETESTS_BLESS=1 needs `bazel run` (BUILD_WORKSPACE_DIRECTORY) to find the sources";
    std::ofstream outfile(path, std::ios::trunc);
    outfile << Bless(*test, actual);
    ASSERT_TRUE(outfile.good()) << "cannot write " << path;
    std::cout << "blessed " << path.string() << "\n";
  }
}

// Every input of every file also goes through the whole pipeline, verified
// after each pass, and a second run must find nothing left to do.
TEST_P(FiletestTest, OptimizeVerifiesAndIsIdempotent) {
  std::ifstream in(FiletestDir() / GetParam());
  std::stringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<FileTest> test = ParseFileTest(contents.str());
  ASSERT_TRUE(test.ok()) << test.status();
  for (const FileTest::Case& c : test->cases) {
    absl::StatusOr<ir::Function> f = ir::ParseFunction(c.input);
    ASSERT_TRUE(f.ok()) << f.status();
    OptimizeOptions options;
    options.verify = true;
    ASSERT_TRUE(Optimize(*f, options).ok()) << GetParam() << ":" << c.function_begin + 1 << ": "
                                            << Optimize(*f, options);
    const std::string once = ir::PrintFunction(*f);
    for (const Pass& pass : AllPasses()) {
      EXPECT_FALSE(pass.run(*f)) << GetParam() << ":" << c.function_begin + 1 << ": " << pass.name
                                 << " still changes\n" << once;
    }
    EXPECT_EQ(ir::PrintFunction(*f), once);
  }
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  return FiletestTestName(info.param);
}

INSTANTIATE_TEST_SUITE_P(Filetests, FiletestTest, testing::ValuesIn(FiletestNames()), TestName);

// Guards against a glob that finds nothing, which would pass silently.
TEST(FiletestsTest, FindsTheFiles) { EXPECT_GE(FiletestNames().size(), 20u) << FiletestDir(); }

}  // namespace
}  // namespace wasm::opt
