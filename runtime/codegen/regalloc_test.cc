// Register allocator tests: the parallel-move resolver on cycles, structural
// properties of allocations (spilling under pressure, nothing caller-saved
// across calls), and execution of the hard cases with the allocatable
// register set shrunk to force spills everywhere.
#include "runtime/codegen/regalloc.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/lower.h"
#include "runtime/codegen/parallel_move.h"
#include "runtime/codegen/test_harness.h"
#include "runtime/ir/parser.h"

namespace wasm::codegen {
namespace {

using ::testing::ElementsAre;

// ---- Parallel moves ----------------------------------------------------------------

// Runs `seq` on a machine state (registers by index, slots) and checks that it
// has the parallel semantics of `moves`.
void CheckMoves(const std::vector<LocMove>& moves, x64::RegClass cls) {
  std::map<std::string, int> state;
  auto key = [](const Location& l) {
    return l.is_reg() ? absl::StrCat("r", l.reg.index()) : absl::StrCat("s", l.slot);
  };
  int next = 1;
  for (const LocMove& m : moves) {
    if (!state.count(key(m.src))) state[key(m.src)] = next++;
    if (!state.count(key(m.dst))) state[key(m.dst)] = next++;
  }
  std::map<std::string, int> want = state;
  for (const LocMove& m : moves) want[key(m.dst)] = state[key(m.src)];
  for (const LocMove& m : SequentializeMoves(moves, cls)) state[key(m.dst)] = state[key(m.src)];
  for (const LocMove& m : moves) EXPECT_EQ(state[key(m.dst)], want[key(m.dst)]) << key(m.dst);
}

TEST(ParallelMoveTest, Swap) {
  CheckMoves({{Location::InReg(x64::kRax), Location::InReg(x64::kRbx)},
              {Location::InReg(x64::kRbx), Location::InReg(x64::kRax)}},
             x64::RegClass::kGpr);
}

TEST(ParallelMoveTest, ThreeCycleChainAndSlots) {
  CheckMoves({{Location::InReg(x64::kRax), Location::InReg(x64::kRbx)},
              {Location::InReg(x64::kRbx), Location::InReg(x64::kRcx)},
              {Location::InReg(x64::kRcx), Location::InReg(x64::kRax)},
              {Location::InReg(x64::kRdx), Location::InReg(x64::kRax)},  // fan-out from a cycle
              {Location::InSlot(0), Location::InSlot(1)},
              {Location::InSlot(1), Location::InSlot(0)},                // a cycle through memory
              {Location::InReg(x64::kRsi), Location::InSlot(0)}},
             x64::RegClass::kGpr);
}

TEST(ParallelMoveTest, TwoIndependentCyclesShareTheScratch) {
  const std::vector<LocMove> moves = {
      {Location::InReg(x64::kXmm0), Location::InReg(x64::kXmm1)},
      {Location::InReg(x64::kXmm1), Location::InReg(x64::kXmm0)},
      {Location::InReg(x64::kXmm2), Location::InReg(x64::kXmm3)},
      {Location::InReg(x64::kXmm3), Location::InReg(x64::kXmm2)}};
  CheckMoves(moves, x64::RegClass::kXmm);
  // Identity moves vanish.
  EXPECT_TRUE(SequentializeMoves({{Location::InReg(x64::kRax), Location::InReg(x64::kRax)}},
                                 x64::RegClass::kGpr)
                  .empty());
}

// ---- Allocation structure ---------------------------------------------------------------

struct Lowered {
  std::unique_ptr<Module> module;
  std::unique_ptr<x64::Assembler> as;
  LoweredFunction lowered;
};

Lowered LowerText(const std::string& text) {
  Lowered l;
  absl::StatusOr<ir::Function> f = ir::ParseFunction(text);
  EXPECT_TRUE(f.ok()) << f.status();
  l.module = std::make_unique<Module>();
  l.module->types.push_back(FuncType{});
  l.module->functions = {0, 0};
  l.as = std::make_unique<x64::Assembler>();
  ModuleCodegenContext ctx(*l.module);
  ctx.function_labels = {l.as->NewLabel(), l.as->NewLabel()};
  absl::StatusOr<LoweredFunction> lowered = Lower(*f, ctx, *l.as);
  EXPECT_TRUE(lowered.ok()) << lowered.status();
  l.lowered = std::move(*lowered);
  return l;
}

// n values, all live at once, summed at the end.
std::string Pressure(int n, bool with_call) {
  std::string t = "function %p(i64) -> i64 {\nblock0(v0: i64):\n";
  for (int k = 1; k <= n; ++k) {
    absl::StrAppend(&t, "    v", k, " = iconst.i64 ", k, "\n    v", 100 + k, " = imul.i64 v0, v", k,
                    "\n");
  }
  if (with_call) absl::StrAppend(&t, "    v99 = call f1(v0)\n");
  absl::StrAppend(&t, "    v200 = iadd.i64 v101, v102\n");
  for (int k = 3; k <= n; ++k) {
    absl::StrAppend(&t, "    v", 198 + k, " = iadd.i64 v", 197 + k, ", v", 100 + k, "\n");
  }
  absl::StrAppend(&t, "    return v", 198 + n, "\n}\n");
  return t;
}

TEST(RegAllocTest, PressureBeyondSixteenGprsSpills) {
  Lowered l = LowerText(Pressure(20, false));
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(l.lowered.vcode);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->num_spilled_vregs, 0u);
  EXPECT_GT(r->num_spill_slots, 0u);
  // Slots are shared only between non-overlapping values: at most as many
  // slots as spilled vregs.
  EXPECT_LE(r->num_spill_slots, r->num_spilled_vregs);
}

TEST(RegAllocTest, NothingCallerSavedAcrossACall) {
  Lowered l = LowerText(Pressure(6, true));
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(l.lowered.vcode);
  ASSERT_TRUE(r.ok()) << r.status();
  // The products v101..v106 are computed before the call and used after it.
  // Find them: the vregs defined by imul before the call.
  const MachBlock& b = l.lowered.vcode.block(0);
  bool after_call = false;
  int checked = 0;
  for (const MachInst& mi : b.insts) {
    if (!mi.extra_defs.empty()) after_call = true;
    if (after_call || mi.kind != MachInst::Kind::kInst) continue;
    if (mi.inst.form() != x64::Form::kImul64RM && mi.inst.form() != x64::Form::kImul64RMI) continue;
    const Location& loc = r->locations[mi.vregs[0].index];
    EXPECT_TRUE(loc.is_slot() || x64::kSysVCalleeSaved.Contains(loc.reg))
        << x64::RegName(loc.reg);
    ++checked;
  }
  EXPECT_GE(checked, 6);
  EXPECT_FALSE(r->callee_saved_used.empty());
}

// ---- Execution of the hard cases under shrinking register sets -----------------

class RegAllocExecTest : public testing::TestWithParam<int> {
 protected:
  std::unique_ptr<JitModule> Jit(const std::string& text) {
    JitOptions o;
    o.regalloc.max_gprs = GetParam();
    o.regalloc.max_xmms = GetParam();
    absl::StatusOr<std::unique_ptr<JitModule>> m = JitModule::Compile(text, o);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? std::move(*m) : nullptr;
  }
};

TEST_P(RegAllocExecTest, PressureAndCalls) {
  const std::string text = Pressure(20, true) + R"(
function %id(i64) -> i64 {
block0(v0: i64):
    return v0
}
)";
  auto m = Jit(text);
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(m->Call(0, {3}).results, ElementsAre(3 * 210));
}

TEST_P(RegAllocExecTest, DivisionAndShiftsInOneBlock) {
  // rax/rdx (div) and rcx (shift counts) wanted by several values at once.
  auto m = Jit(R"(
function %f(i32, i32, i32, i64) -> i32, i64, i32 {
block0(v0: i32, v1: i32, v2: i32, v3: i64):
    v4 = sdiv.i32 v0, v1
    v5 = ishl.i32 v4, v2
    v6 = urem.i32 v0, v2
    v7 = rotr.i64 v3, v3
    v8 = ushr.i32 v6, v1
    v9 = srem.i32 v5, v1
    v10 = sshr.i64 v3, v7
    v11 = iadd.i32 v8, v9
    v12 = udiv.i64 v10, v3
    v13 = iadd.i32 v11, v2
    v14 = iadd.i32 v13, v0
    return v14, v12, v1
}
)");
  ASSERT_NE(m, nullptr);
  auto ref = [](uint32_t a, uint32_t b, uint32_t c, uint64_t d) {
    const int32_t q = static_cast<int32_t>(a) / static_cast<int32_t>(b);
    const uint32_t v5 = static_cast<uint32_t>(q) << (c & 31);
    const uint32_t v6 = a % c;
    const uint64_t v7 = (d >> (d & 63)) | (d << ((64 - (d & 63)) & 63));
    const uint32_t v8 = v6 >> (b & 31);
    const uint32_t v9 = static_cast<uint32_t>(static_cast<int32_t>(v5) % static_cast<int32_t>(b));
    const uint64_t v10 = static_cast<uint64_t>(static_cast<int64_t>(d) >> (v7 & 63));
    const uint64_t v12 = v10 / d;
    return std::vector<uint64_t>{static_cast<uint32_t>(v8 + v9 + c + a), v12, b};
  };
  for (auto [a, b, c, d] : std::vector<std::tuple<uint32_t, uint32_t, uint32_t, uint64_t>>{
           {100, 7, 3, 0x123456789}, {0xfffffff0, 3, 33, 0x8000000000000001}, {5, 0xffffffff, 1, 65}}) {
    JitModule::Outcome r = m->Call(0, {a, b, c, d});
    ASSERT_FALSE(r.trap.has_value());
    EXPECT_EQ(r.results, ref(a, b, c, d));
  }
}

TEST_P(RegAllocExecTest, LoopCarriedValuesAndMultiValue) {
  auto m = Jit(R"(
function %loop(i32) -> i64, i64, f64, i32 {
block0(v0: i32):
    v1 = iconst.i64 0
    v2 = iconst.i64 1
    v3 = f64const 0x0000000000000000
    jump block1(v0, v1, v2, v3)
block1(v4: i32, v5: i64, v6: i64, v7: f64):
    brif v4, block2, block3
block2:
    v8 = iconst.i32 1
    v9 = isub.i32 v4, v8
    v10 = uextend.i64 v4
    v11 = iadd.i64 v5, v10
    v12 = imul.i64 v6, v10
    v13 = fcvt_from_uint.f64 v10
    v14 = fadd.f64 v7, v13
    jump block1(v9, v11, v12, v14)
block3:
    return v5, v6, v7, v0
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(m->Call(0, {10}).results,
              ElementsAre(55, 3628800, std::bit_cast<uint64_t>(55.0), 10));
}

INSTANTIATE_TEST_SUITE_P(Registers, RegAllocExecTest, testing::Values(0, 5, 3, 2),
                         [](const testing::TestParamInfo<int>& info) {
                           return info.param == 0 ? std::string("All")
                                                  : absl::StrCat("Only", info.param);
                         });

}  // namespace
}  // namespace wasm::codegen
