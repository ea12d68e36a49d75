// Replays every input the fuzzer has found (runtime/fuzz/regressions/) and a
// set of truncations of a valid module through the fuzz target body.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/fuzz/fuzz_target.h"
#include "runtime/testing/wasm_builder.h"

namespace wasm {
namespace {

using namespace ::wasm::testing;  // NOLINT: builder vocabulary

TEST(FuzzRegressionTest, ReplaysSavedInputs) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  ASSERT_NE(srcdir, nullptr);
  ASSERT_NE(workspace, nullptr);
  std::filesystem::path dir =
      std::filesystem::path(srcdir) / workspace / "runtime" / "fuzz" / "regressions";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    FuzzDecodeAndValidate(bytes.data(), bytes.size());
    ++replayed;
  }
  EXPECT_GT(replayed, 0) << "no regression inputs found in " << dir;
}

TEST(FuzzRegressionTest, EveryTruncationOfAValidModuleIsRejectedCleanly) {
  const Bytes module = OneFunctionModule({0x7f}, {0x7f},
                                         {0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b}, {{3, 0x7e}});
  for (size_t n = 0; n < module.size(); ++n) FuzzDecodeAndValidate(module.data(), n);
  FuzzDecodeAndValidate(module.data(), module.size());
}

}  // namespace
}  // namespace wasm
