// The translator's output for small functions, as exact IR text, plus
// verifier checks. Whole-suite coverage is tests/spec:translate_all_test.
#include "runtime/translator/translator.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/ir/verifier.h"
#include "runtime/testing/wasm_builder.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

using namespace ::wasm::testing;  // NOLINT: builder vocabulary

constexpr uint8_t kI32 = 0x7f;

std::string Translate(const Bytes& bytes) {
  absl::StatusOr<std::shared_ptr<const Module>> m = CompileModule(bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return "";
  absl::StatusOr<ir::Function> f = TranslateFunction(**m, 0);
  EXPECT_TRUE(f.ok()) << f.status();
  if (!f.ok()) return "";
  const absl::Status v = ir::VerifyFunction(*f);
  EXPECT_TRUE(v.ok()) << v << "\n" << ir::PrintFunction(*f);
  return ir::PrintFunction(*f);
}

TEST(TranslatorTest, StraightLineArithmetic) {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add i32.const 3 i32.mul)
  EXPECT_EQ(Translate(OneFunctionModule({kI32, kI32}, {kI32},
                                        {0x20, 0, 0x20, 1, 0x6a, 0x41, 3, 0x6c, 0x0b})),
            "function %f0(i32, i32) -> i32 {\n"
            "block0(v0: i32, v1: i32):\n"
            "    v2 = iadd.i32 v0, v1\n"
            "    v3 = iconst.i32 3\n"
            "    v4 = imul.i32 v2, v3\n"
            "    return v4\n"
            "}\n");
}

TEST(TranslatorTest, LoopCarriesModifiedLocalsAsBlockParameters) {
  // sum = 0; loop { sum += n; n -= 1; br_if 0 (n) }; return sum
  const Bytes code = {0x03, 0x40,                          // loop
                      0x20, 1, 0x20, 0, 0x6a, 0x21, 1,     //   sum = sum + n
                      0x20, 0, 0x41, 1, 0x6b, 0x22, 0,     //   n = n - 1 (tee)
                      0x0d, 0,                             //   br_if 0
                      0x0b,                                // end
                      0x20, 1, 0x0b};                      // sum
  EXPECT_EQ(Translate(OneFunctionModule({kI32}, {kI32}, code, {{1, kI32}})),
            "function %f0(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    v1 = iconst.i32 0\n"
            "    jump block2(v1, v0)\n"
            "block2(v2: i32, v3: i32):\n"
            "    v4 = iadd.i32 v2, v3\n"
            "    v5 = iconst.i32 1\n"
            "    v6 = isub.i32 v3, v5\n"
            "    brif v6, block2(v4, v6), block3\n"
            "block3:\n"
            "    jump block1\n"
            "block1:\n"
            "    return v4\n"
            "}\n");
}

TEST(TranslatorTest, IfElseWithResultMergesThroughABlockParameter) {
  // (if (result i32) (local.get 0) (then i32.const 1) (else i32.const 2))
  EXPECT_EQ(Translate(OneFunctionModule({kI32}, {kI32},
                                        {0x20, 0, 0x04, kI32, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x0b})),
            "function %f0(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    brif v0, block2, block3\n"
            "block2:\n"
            "    v2 = iconst.i32 1\n"
            "    jump block1(v2)\n"
            "block3:\n"
            "    v3 = iconst.i32 2\n"
            "    jump block1(v3)\n"
            "block1(v1: i32):\n"
            "    return v1\n"
            "}\n");
}

TEST(TranslatorTest, BrTableGoesThroughEdgeBlocksCarryingTheLabelValues) {
  // (block (result i32) (i32.const 5) (local.get 0) (br_if 0) (drop)
  //   (i32.const 7) (local.get 0) (br_table 0 1 0))  ; to block / function
  // The br_if makes the block's result a real merge (5 or 7).
  const std::string text = Translate(OneFunctionModule(
      {kI32}, {kI32},
      {0x02, kI32, 0x41, 5, 0x20, 0, 0x0d, 0, 0x1a, 0x41, 7, 0x20, 0, 0x0e, 2, 0, 1, 0, 0x0b,
       0x0b}));
  EXPECT_THAT(text, ::testing::HasSubstr("br_table v0, [block3, block4], block3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("block3:\n    jump block1(v3)\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("block4:\n    return v3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("block1(v1: i32):\n    return v1\n"));
}

TEST(TranslatorTest, TrivialBlockParametersAreRemoved) {
  // (block (result i32) (i32.const 7) (local.get 0) (br_table 0 1 0)): the
  // block's result has one incoming value, so the merge takes no parameter;
  // neither does the loop header for the local the loop does not change.
  EXPECT_EQ(Translate(OneFunctionModule(
                {kI32}, {kI32}, {0x02, kI32, 0x41, 7, 0x20, 0, 0x0e, 2, 0, 1, 0, 0x0b, 0x0b})),
            "function %f0(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    v2 = iconst.i32 7\n"
            "    br_table v0, [block2, block3], block2\n"
            "block2:\n"
            "    jump block1\n"
            "block3:\n"
            "    return v2\n"
            "block1:\n"
            "    return v2\n"
            "}\n");
  // loop (br_if 0 (local.get 0)) end; local.get 0
  EXPECT_EQ(Translate(OneFunctionModule({kI32}, {kI32},
                                        {0x03, 0x40, 0x20, 0, 0x0d, 0, 0x0b, 0x20, 0, 0x0b})),
            "function %f0(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    jump block2\n"
            "block2:\n"
            "    brif v0, block2, block3\n"
            "block3:\n"
            "    jump block1\n"
            "block1:\n"
            "    return v0\n"
            "}\n");
}

TEST(TranslatorTest, CodeAfterBranchesIsNotTranslated) {
  // return; then dead code with a nested block.
  EXPECT_EQ(Translate(OneFunctionModule({}, {kI32},
                                        {0x41, 5, 0x0f, 0x02, 0x40, 0x41, 1, 0x1a, 0x0b, 0x00, 0x0b})),
            "function %f0() -> i32 {\n"
            "block0:\n"
            "    v0 = iconst.i32 5\n"
            "    return v0\n"
            "}\n");
}

TEST(TranslatorTest, ManyLocalsAndBlocksGiveTheSameIrAsFewLocals) {
  // Blocks x locals beyond the SSA builder's dense table (it moves to a hash
  // map): the IR must be the one a function with only the used locals gets.
  // 100 times: block; br_if 0 (local 0); x = x + 1; end. Then return x.
  auto code = [](uint32_t x) {
    Bytes out;
    for (int k = 0; k < 100; ++k) {
      out = Concat({out, {0x02, 0x40, 0x20, 0, 0x0d, 0, 0x20}, Leb(x), {0x41, 1, 0x6a, 0x21},
                    Leb(x), {0x0b}});
    }
    return Concat({out, {0x20}, Leb(x), {0x0b}});
  };
  const std::string many = Translate(OneFunctionModule({kI32}, {kI32}, code(49999), {{49999, kI32}}));
  const std::string few = Translate(OneFunctionModule({kI32}, {kI32}, code(1), {{1, kI32}}));
  EXPECT_FALSE(few.empty());
  EXPECT_EQ(many, few);
}

}  // namespace
}  // namespace wasm
