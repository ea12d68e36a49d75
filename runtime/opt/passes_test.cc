// Unit tests of the passes where a filetest is awkward: the changed flag,
// queries the lowering uses, the pipeline's options and errors, and sizes
// that would overflow a recursive walk. Behaviour on small functions is in
// filetests/.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "runtime/ir/ir.h"
#include "runtime/ir/parser.h"
#include "runtime/ir/verifier.h"
#include "runtime/opt/constant_folding.h"
#include "runtime/opt/dce.h"
#include "runtime/opt/gvn.h"
#include "runtime/opt/pipeline.h"
#include "runtime/opt/redundant_checks.h"
#include "runtime/opt/util.h"

namespace wasm::opt {
namespace {

using ::testing::HasSubstr;
using ir::Function;

Function Parse(const std::string& text) {
  absl::StatusOr<Function> f = ir::ParseFunction(text);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? *std::move(f) : Function();
}

// Uses constants, dead code, duplicates and a redundant check: every pass
// has work.
constexpr char kBusy[] =
    "function %busy(i32) -> i32 {\n"
    "block0(v0: i32):\n"
    "    v1 = iconst.i32 2\n"
    "    v2 = iconst.i32 3\n"
    "    v3 = iadd.i32 v1, v2\n"
    "    v4 = iadd.i32 v0, v3\n"
    "    v5 = iadd.i32 v0, v3\n"
    "    trap_if v4, #1\n"
    "    trap_if v4, #2\n"
    "    trap_if v5, #1\n"
    "    v6 = imul.i32 v4, v4\n"
    "    return v0\n"
    "}\n";

TEST(PassesTest, EachPassReportsChangeThenReachesAFixedPoint) {
  for (const Pass& pass : AllPasses()) {
    Function f = Parse(kBusy);
    EXPECT_TRUE(pass.run(f)) << pass.name;
    ASSERT_TRUE(ir::VerifyFunction(f).ok()) << pass.name << ": " << ir::VerifyFunction(f);
    for (int round = 0; round < 3 && pass.run(f); ++round) {
    }
    const std::string before = ir::PrintFunction(f);
    EXPECT_FALSE(pass.run(f)) << pass.name;
    EXPECT_EQ(ir::PrintFunction(f), before) << pass.name;
  }
}

TEST(PassesTest, FindPassKnowsEveryPass) {
  ASSERT_EQ(AllPasses().size(), 4u);
  for (const Pass& pass : AllPasses()) EXPECT_EQ(FindPass(pass.name), &pass);
  EXPECT_EQ(FindPass("nope"), nullptr);
}

TEST(PipelineTest, OptimizesToAFixedPointAndResolvesAliases) {
  Function f = Parse(kBusy);
  ASSERT_TRUE(Optimize(f).ok());
  EXPECT_EQ(ir::PrintFunction(f),
            "function %busy(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    v3 = iconst.i32 5\n"
            "    v4 = iadd.i32 v0, v3\n"
            "    trap_if v4, #1\n"
            "    return v0\n"
            "}\n");
  for (ir::Block b : f.layout) {
    for (ir::Inst i : f.block(b).insts) {
      for (ir::Value v : f.Args(i)) EXPECT_EQ(f.Resolve(v), v);
    }
  }
}

TEST(PipelineTest, VerifiesTheInputAndNamesTheStage) {
  Function f = Parse(
      "function %bad(i32) -> i32 {\n"
      "block0(v0: i32):\n"
      "    v1 = iconst.i64 1\n"
      "    return v1\n"
      "}\n");
  OptimizeOptions options;
  options.verify = true;
  const absl::Status s = Optimize(f, options);
  EXPECT_THAT(std::string(s.message()), HasSubstr("before optimisation: IR verifier"));
  options.verify = false;
  EXPECT_TRUE(Optimize(f, options).ok());
}

TEST(PipelineTest, ZeroIterationsRunsNothing) {
  Function f = Parse(kBusy);
  OptimizeOptions options;
  options.max_iterations = 0;
  ASSERT_TRUE(Optimize(f, options).ok());
  EXPECT_EQ(ir::PrintFunction(f), kBusy);
}

TEST(UtilTest, WhatMayTrapAndWhatIsRemovable) {
  Function f = Parse(
      "function %f(i32, f64) {\n"
      "block0(v0: i32, v1: f64):\n"
      "    v2 = iconst.i32 -1\n"
      "    v3 = iconst.i32 7\n"
      "    v4 = iconst.i32 -2147483648\n"
      "    v5 = sdiv.i32 v0, v2\n"       // inst 3: INT_MIN / -1 possible
      "    v6 = sdiv.i32 v3, v2\n"       // inst 4: 7 / -1, fine
      "    v7 = sdiv.i32 v4, v2\n"       // inst 5: INT_MIN / -1
      "    v8 = srem.i32 v0, v2\n"       // inst 6: never traps
      "    v9 = udiv.i32 v0, v0\n"       // inst 7: may be 0
      "    v10 = load.i32 v0+0\n"        // inst 8
      "    v11 = fcvt_to_sint_sat.i32 v1\n"  // inst 9
      "    v12 = fcvt_to_uint.i32 v1\n"  // inst 10
      "    v13 = global_get.i32 g0\n"    // inst 11
      "    global_set g0, v13\n"         // inst 12
      "    return\n"
      "}\n");
  const std::vector<bool> may_trap = {false, false, false, true, false, true, false,
                                      true,  true,  false, true, false, false, false};
  const std::vector<bool> removable = {true, true,  true,  false, true,  false, true,
                                       false, false, true, false, true, false, false};
  for (uint32_t i = 0; i < may_trap.size(); ++i) {
    EXPECT_EQ(MayTrap(f, ir::Inst(i)), may_trap[i]) << "inst" << i;
    EXPECT_EQ(IsRemovableIfUnused(f, ir::Inst(i)), removable[i]) << "inst" << i;
  }
}

TEST(RedundantChecksTest, RequiredDivisionChecks) {
  Function f = Parse(
      "function %f(i32, i64) {\n"
      "block0(v0: i32, v1: i64):\n"
      "    v2 = iconst.i32 -1\n"
      "    v3 = iconst.i32 7\n"
      "    v4 = iconst.i32 0\n"
      "    v5 = sdiv.i32 v0, v0\n"  // inst 3: variable divisor
      "    v6 = sdiv.i32 v0, v3\n"  // inst 4: 7
      "    v7 = sdiv.i32 v0, v2\n"  // inst 5: -1, variable dividend
      "    v8 = srem.i32 v3, v2\n"  // inst 6: -1, dividend 7
      "    v9 = udiv.i32 v0, v2\n"  // inst 7: unsigned
      "    v10 = urem.i32 v0, v4\n" // inst 8: zero
      "    v11 = sdiv.i32 v3, v0\n" // inst 9: dividend 7, variable divisor
      "    return\n"
      "}\n");
  struct Row {
    uint32_t inst;
    bool zero, overflow;
  };
  for (const Row& r : std::vector<Row>{{3, true, true},
                                       {4, false, false},
                                       {5, false, true},
                                       {6, false, false},
                                       {7, false, false},
                                       {8, true, false},
                                       {9, true, false}}) {
    const DivisionChecks c = RequiredDivisionChecks(f, ir::Inst(r.inst));
    EXPECT_EQ(c.zero, r.zero) << "inst" << r.inst;
    EXPECT_EQ(c.overflow, r.overflow) << "inst" << r.inst;
  }
}

// A chain of n blocks, each recomputing v0 + v1 and checking it: deep
// enough that a recursive dominator-tree walk would overflow the stack.
// (Not verified: the verifier's dominance test walks the idom chain per
// use, quadratic on such a chain.)
Function LongChain(int n) {
  std::string text = "function %chain(i32, i32) -> i32 {\nblock0(v0: i32, v1: i32):\n";
  int next_value = 2;
  for (int b = 0; b < n; ++b) {
    if (b > 0) absl::StrAppend(&text, "block", b, ":\n");
    const int v = next_value++;
    absl::StrAppend(&text, "    v", v, " = iadd.i32 v0, v1\n", "    trap_if v", v, ", #1\n",
                    "    jump block", b + 1, "\n");
  }
  absl::StrAppend(&text, "block", n, ":\n    return v2\n}\n");
  return Parse(text);
}

TEST(GvnTest, DeepDominatorTreesDoNotRecurse) {
  Function f = LongChain(50000);
  EXPECT_TRUE(RunGvn(f));              // the adds merge into the entry's
  EXPECT_TRUE(RunRedundantChecks(f));  // so the checks are all the entry's
  EXPECT_FALSE(RunDce(f));             // GVN left nothing dead
  // One add and one check are left, in the entry; the rest are jumps.
  EXPECT_EQ(f.block(f.layout[0]).insts.size(), 3u);
  for (size_t b = 1; b < f.layout.size(); ++b) {
    ASSERT_EQ(f.block(f.layout[b]).insts.size(), 1u) << b;
  }

  Function small = LongChain(100);
  ASSERT_TRUE(Optimize(small).ok());
  EXPECT_TRUE(ir::VerifyFunction(small).ok()) << ir::VerifyFunction(small);
}

TEST(DceTest, RemovedBlocksLeaveTheirInstructionsDetached) {
  Function f = Parse(
      "function %f() {\n"
      "block0:\n"
      "    return\n"
      "block1:\n"
      "    v0 = iconst.i32 1\n"
      "    return\n"
      "}\n");
  EXPECT_TRUE(RemoveUnreachableBlocks(f));
  EXPECT_EQ(f.layout.size(), 1u);
  EXPECT_FALSE(f.inst(ir::Inst(1)).block.valid());
  EXPECT_FALSE(IntConstant(f, ir::Value(0)).has_value());  // no longer in a block
  EXPECT_FALSE(RemoveUnreachableBlocks(f));
}

TEST(GvnTest, CopyPropagationLeavesLoopCarriedParameters) {
  Function f = Parse(
      "function %f(i32) -> i32 {\n"
      "block0(v0: i32):\n"
      "    jump block1(v0, v0)\n"
      "block1(v1: i32, v2: i32):\n"
      "    v3 = iadd.i32 v1, v2\n"
      "    brif v3, block1(v3, v2), block2\n"
      "block2:\n"
      "    return v1\n"
      "}\n");
  EXPECT_TRUE(PropagateBlockParamCopies(f));
  EXPECT_EQ(ir::PrintFunction(f),
            "function %f(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    jump block1(v0)\n"
            "block1(v1: i32):\n"
            "    v3 = iadd.i32 v1, v0\n"
            "    brif v3, block1(v3), block2\n"
            "block2:\n"
            "    return v1\n"
            "}\n");
  EXPECT_FALSE(PropagateBlockParamCopies(f));
}

}  // namespace
}  // namespace wasm::opt
