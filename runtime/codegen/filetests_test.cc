// Golden tests of the code generator: runtime/codegen/filetests/*.ir hold IR
// functions followed by their expected assembly after register allocation
// (the emitter's listing, prologue to jump tables) as `; check:` comments.
// Same format and machinery as runtime/opt/filetests (ParseFileTest,
// UnifiedDiff, Bless from //runtime/opt:filetest); the header line is
// `; test: codegen`.
//
// Bless (rewrite the expectations in the source tree from the actual output):
//   FILETESTS_BLESS=1 bazel run //runtime/codegen:filetests_test
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/codegen/emit.h"
#include "runtime/codegen/lower.h"
#include "runtime/ir/parser.h"
#include "runtime/opt/filetest.h"
#include "runtime/x64/assembler.h"

namespace wasm::codegen {
namespace {

constexpr absl::string_view kHeader = "; test: codegen";

std::filesystem::path FiletestDir() { return opt::FiletestDir("runtime/codegen/filetests"); }
std::vector<std::string> FiletestNames() { return opt::FiletestNames(FiletestDir()); }
bool Blessing() { return opt::BlessRequested(); }

// Compiles the case's function as function 0 of a module whose other
// functions (f1..f7) are declared but not compiled, and returns the listing.
absl::StatusOr<std::string> Compile(const std::string& input) {
  absl::StatusOr<ir::Function> f = ir::ParseFunction(input);
  if (!f.ok()) return f.status();
  Module module;
  module.types.push_back(FuncType{});
  module.functions.assign(8, 0);
  x64::Assembler as;
  ModuleCodegenContext ctx(module);
  ctx.dump = DumpOptions{};
  for (int k = 0; k < 8; ++k) ctx.function_labels.push_back(as.NewLabel());
  std::vector<std::string> listing;
  ctx.listing = &listing;
  if (absl::Status s = CompileFunction(*f, 0, ctx, as); !s.ok()) return s;
  return absl::StrCat(absl::StrJoin(listing, "\n"), "\n");
}

class FiletestTest : public testing::TestWithParam<std::string> {};

TEST_P(FiletestTest, MatchesExpectations) {
  const std::filesystem::path path = FiletestDir() / GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string contents = buffer.str();
  ASSERT_TRUE(absl::StartsWith(contents, kHeader)) << GetParam() << ": must start with " << kHeader;
  absl::StatusOr<opt::FileTest> test = opt::ParseFileTest(
      contents, [](absl::string_view pass) { return pass == "codegen"; });
  ASSERT_TRUE(test.ok()) << GetParam() << ": " << test.status().message();

  std::vector<std::string> actual;
  bool mismatch = false;
  for (const opt::FileTest::Case& c : test->cases) {
    absl::StatusOr<std::string> out = Compile(c.input);
    ASSERT_TRUE(out.ok()) << GetParam() << ", function at line " << c.function_begin + 1 << ": "
                          << out.status().message();
    if (*out != c.expected) {
      mismatch = true;
      if (!Blessing()) {
        ADD_FAILURE() << GetParam() << ", function at line " << c.function_begin + 1
                      << ": the output differs from the '; check:' block"
                      << (c.check_begin < 0 ? " (there is none)" : "") << ":\n"
                      << opt::UnifiedDiff(c.expected, *out)
                      << "To accept the new output: FILETESTS_BLESS=1 bazel run "
                         "//runtime/codegen:filetests_test";
      }
    }
    actual.push_back(*std::move(out));
  }
  if (Blessing() && mismatch) {
    ASSERT_NE(std::getenv("BUILD_WORKSPACE_DIRECTORY"), nullptr)
        << "FILETESTS_BLESS=1 needs `bazel run` to find the sources";
    std::string blessed = opt::Bless(*test, actual);
    std::ofstream outfile(path, std::ios::trunc);
    outfile << blessed;
    ASSERT_TRUE(outfile.good()) << "cannot write " << path;
    std::cout << "blessed " << path.string() << "\n";
  }
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  return opt::FiletestTestName(info.param);
}

INSTANTIATE_TEST_SUITE_P(Filetests, FiletestTest, testing::ValuesIn(FiletestNames()), TestName);

// Guards against a glob that finds nothing, which would pass silently.
TEST(FiletestsTest, FindsTheFiles) { EXPECT_GE(FiletestNames().size(), 4u) << FiletestDir(); }

}  // namespace
}  // namespace wasm::codegen
