// Translates every function of every valid module in the spec testsuite's
// core/ files into the SSA IR, runs the IR verifier on it, then the whole
// optimisation pipeline with the verifier after every pass: one test case
// per .wast file. The spec files' modules exercise every instruction and
// control-flow shape, so this checks the translator's structure (SSA
// dominance, block arguments, types) far beyond the hand-written cases.
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/ir/verifier.h"
#include "runtime/opt/pipeline.h"
#include "runtime/translator/translator.h"
#include "runtime/validator.h"
#include "tests/spec/files.h"
#include "tests/spec/wast2json.h"

namespace wasm::spec {
namespace {

class TranslateAllTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TranslateAllTest, EveryFunctionTranslatesToVerifiedIr) {
  const std::string& wast = GetParam();
  absl::StatusOr<TempDir> dir = TempDir::Create("translate_all");
  ASSERT_TRUE(dir.ok()) << dir.status();
  absl::StatusOr<std::string> json =
      RunWast2Json(Wast2JsonProgram(), wast, Wast2JsonFlagsFor(wast), dir->path());
  ASSERT_TRUE(json.ok()) << json.status();
  int modules = 0, functions = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir->path())) {
    if (e.path().extension() != ".wasm") continue;
    absl::StatusOr<std::vector<uint8_t>> bytes = ReadFileBytes(e.path().string());
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    absl::StatusOr<std::shared_ptr<const Module>> m = CompileModule(std::move(*bytes));
    if (!m.ok()) continue;  // assert_invalid / assert_malformed modules
    ++modules;
    for (uint32_t i = 0; i < (*m)->bodies.size(); ++i) {
      absl::StatusOr<ir::Function> f = TranslateFunction(**m, i);
      ASSERT_TRUE(f.ok()) << e.path().filename() << " function " << i << ": " << f.status();
      const absl::Status v = ir::VerifyFunction(*f);
      ASSERT_TRUE(v.ok()) << e.path().filename() << " defined function " << i << ": " << v
                          << "\n" << ir::PrintFunction(*f);
      // The optimisation pipeline, verifying the IR after every pass.
      const absl::Status o = opt::Optimize(*f, opt::OptimizeOptions{.verify = true});
      ASSERT_TRUE(o.ok()) << e.path().filename() << " defined function " << i << ": " << o;
      ++functions;
    }
  }
  RecordProperty("modules", modules);
  RecordProperty("functions", functions);
}

INSTANTIATE_TEST_SUITE_P(Core, TranslateAllTest, ::testing::ValuesIn(RunfilesCoreWastFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return WastTestName(info.param);
                         });

}  // namespace
}  // namespace wasm::spec
