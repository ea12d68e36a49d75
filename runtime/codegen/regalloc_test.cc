// Register allocator tests: the parallel-move resolver on cycles, structural
// properties of allocations (spilling under pressure, nothing caller-saved
// across calls, live-range splitting around calls and fixed registers, hot
// loops keeping registers while cold values spill, moves on critical edges),
// and execution of the hard cases with the allocatable register set shrunk
// to force spills everywhere.
#include "runtime/codegen/regalloc.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
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

// Calls every (block, instruction, operand) of the VCode.
void ForEachOperand(const VCode& code,
                    const std::function<void(uint32_t, uint32_t, const VOperand&)>& f) {
  for (uint32_t b = 0; b < code.num_blocks(); ++b) {
    const auto& insts = code.block(b).insts;
    for (uint32_t k = 0; k < insts.size(); ++k) {
      ForEachVOperand(code, insts[k], [&](const VOperand& op) { f(b, k, op); });
    }
  }
}

bool IsUse(const VOperand& op) {
  return op.access == x64::Access::kUse || op.access == x64::Access::kUseDef;
}
bool IsDef(const VOperand& op) {
  return op.access == x64::Access::kDef || op.access == x64::Access::kUseDef;
}

std::string LocName(const Location& l) {
  if (l.is_reg()) return std::string(x64::RegName(l.reg));
  if (l.is_slot()) return absl::StrCat("slot", l.slot);
  return "none";
}

// The VCode, the allocation and its edits, for failure messages.
std::string Dump(const VCode& code, const RegAllocResult& r) {
  std::string s = PrintVCode(code) + "allocation: " + PrintAllocation(r) + "\nedits:\n";
  for (uint32_t b = 0; b < r.num_edit_blocks(); ++b) {
    for (const Edit& e : r.Edits(b)) {
      absl::StrAppend(&s, "  ", code.block(b).name(), " #", e.inst,
                      e.where == Edit::Where::kBefore ? " before:" : " after:");
      for (const AllocMove& m : r.Moves(e)) {
        absl::StrAppend(&s, " ", VRegName(m.vreg), " ", LocName(m.from), "->", LocName(m.to));
      }
      absl::StrAppend(&s, "\n");
    }
  }
  return s;
}

// No value sits in a caller-saved register at a call: every vreg live across
// the call (defined before it, used after it in block 0) is in a callee-saved
// register or on the stack there.
TEST(RegAllocTest, NothingCallerSavedAcrossACall) {
  Lowered l = LowerText(Pressure(6, true));
  const VCode& code = l.lowered.vcode;
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(code);
  ASSERT_TRUE(r.ok()) << r.status();
  uint32_t call = 0;
  const auto& insts = code.block(0).insts;
  while (call < insts.size() && insts[call].extra_defs.empty()) ++call;
  ASSERT_LT(call, insts.size());
  std::set<uint32_t> before, across;
  ForEachOperand(code, [&](uint32_t b, uint32_t k, const VOperand& op) {
    if (b != 0 || !op.vreg.valid()) return;
    if (IsDef(op) && k < call) before.insert(op.vreg.index);
    if (IsUse(op) && k > call && before.count(op.vreg.index)) across.insert(op.vreg.index);
  });
  EXPECT_GE(across.size(), 6u);
  for (uint32_t v : across) {
    const Location loc = r->At(VReg(v), 0, call);
    EXPECT_TRUE(loc.is_slot() || x64::kSysVCalleeSaved.Contains(loc.reg))
        << VRegName(VReg(v)) << " in " << LocName(loc) << "\n" << Dump(code, *r);
  }
  EXPECT_FALSE(r->callee_saved_used.empty());
}

// Four values live across a call, only three callee-saved GPRs (rbx, r12,
// r13): one of them is split — in a register where it is defined, on the
// stack across the call, reloaded into a register for its uses after it.
TEST(RegAllocTest, SplitAroundACallWhenCalleeSavedAreBusy) {
  const std::string text = R"(
function %f(i64) -> i64 {
block0(v0: i64):
    v1 = iadd.i64 v0, v0
    v2 = imul.i64 v0, v0
    v3 = isub.i64 v2, v0
    v4 = bxor.i64 v1, v2
    v5 = call f1(v0)
    v6 = iadd.i64 v5, v1
    v7 = iadd.i64 v6, v2
    v8 = iadd.i64 v7, v3
    v9 = iadd.i64 v8, v4
    v10 = imul.i64 v9, v4
    v11 = iadd.i64 v10, v4
    return v11
}
)";
  Lowered l = LowerText(text);
  const VCode& code = l.lowered.vcode;
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(code);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string dump = Dump(code, *r);
  uint32_t call = 0;
  const auto& insts = code.block(0).insts;
  while (call < insts.size() && insts[call].extra_defs.empty()) ++call;
  std::map<uint32_t, uint32_t> def_at, first_use_after;
  ForEachOperand(code, [&](uint32_t, uint32_t k, const VOperand& op) {
    if (!op.vreg.valid()) return;
    if (IsDef(op) && k < call) def_at[op.vreg.index] = k;
    if (IsUse(op) && k > call && def_at.count(op.vreg.index) &&
        !first_use_after.count(op.vreg.index)) {
      first_use_after[op.vreg.index] = k;
    }
  });
  ASSERT_EQ(first_use_after.size(), 4u) << dump;
  int on_stack = 0;
  for (const auto& [v, use] : first_use_after) {
    const Location at_call = r->At(VReg(v), 0, call);
    EXPECT_TRUE(at_call.is_slot() || x64::kSysVCalleeSaved.Contains(at_call.reg)) << dump;
    if (!at_call.is_slot()) continue;
    ++on_stack;
    EXPECT_TRUE(r->At(VReg(v), 0, def_at[v]).is_reg()) << VRegName(VReg(v)) << "\n" << dump;
    EXPECT_TRUE(r->At(VReg(v), 0, use).is_reg()) << VRegName(VReg(v)) << "\n" << dump;
  }
  EXPECT_EQ(on_stack, 1) << dump;
  EXPECT_GE(r->num_split_vregs, 1u);
  EXPECT_EQ(r->callee_saved_used.size(), 3u);

  auto m = JitModule::Compile(text + R"(
function %g(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 1000
    v2 = iadd.i64 v0, v1
    return v2
}
)");
  ASSERT_TRUE(m.ok()) << m.status();
  for (uint64_t x : {0ull, 3ull, 12345ull, 0xffffffffffffull}) {
    const uint64_t a = x + x, b = x * x, c = b - x, d = a ^ b;
    const uint64_t want = ((x + 1000) + a + b + c + d) * d + d;
    EXPECT_THAT((*m)->Call(0, {x}).results, ElementsAre(want)) << x;
  }
}

// Values live across divisions (rax, rdx) and a shift (rcx) with only those
// three GPRs: no register is free for their whole lives, so they move
// between registers at the fixed-register conflicts (the divisor here goes
// rcx -> rdx -> rcx) instead of living on the stack.
TEST(RegAllocTest, ValueMovesBetweenRegistersAtFixedConflicts) {
  const std::string text = R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = bxor.i32 v0, v1
    v3 = udiv.i32 v0, v1
    v4 = ishl.i32 v3, v1
    v5 = iadd.i32 v4, v2
    v6 = udiv.i32 v5, v1
    v7 = iadd.i32 v6, v2
    return v7
}
)";
  Lowered l = LowerText(text);
  const VCode& code = l.lowered.vcode;
  RegAllocOptions o;
  o.max_gprs = 3;
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(code, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string dump = Dump(code, *r);
  // Some value has parts in two different registers, joined by a
  // register-to-register move.
  bool moved = false;
  for (const Edit& e : r->edits) {
    for (const AllocMove& m : r->Moves(e)) {
      if (m.from.is_reg() && m.to.is_reg() && !(m.from == m.to)) moved = true;
    }
  }
  EXPECT_TRUE(moved) << dump;
  EXPECT_GE(r->num_split_vregs, 1u) << dump;

  JitOptions jo;
  jo.regalloc = o;
  auto m = JitModule::Compile(text, jo);
  ASSERT_TRUE(m.ok()) << m.status();
  for (auto [a, b] : std::vector<std::pair<uint32_t, uint32_t>>{{100, 7}, {0xffffffff, 3}, {5, 33}}) {
    const uint32_t v2r = a ^ b, v5 = ((a / b) << (b & 31)) + v2r;
    EXPECT_THAT((*m)->Call(0, {a, b}).results, ElementsAre(v5 / b + v2r)) << a << " " << b;
  }
}

// A hot loop with five GPRs: the loop's values stay in registers at every
// instruction of the loop, while the values computed before the loop and
// used only after it wait on the stack.
TEST(RegAllocTest, HotLoopKeepsRegistersColdValuesSpill) {
  const std::string text = R"(
function %f(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = imul.i64 v0, v0
    v3 = iadd.i64 v0, v1
    v4 = bxor.i64 v0, v1
    v5 = isub.i64 v1, v0
    v21 = imul.i64 v1, v1
    v20 = iconst.i64 0
    jump block1(v1, v20, v0)
block1(v6: i64, v7: i64, v8: i64):
    v9 = iadd.i64 v7, v6
    v10 = bxor.i64 v8, v9
    v11 = iconst.i64 1
    v12 = isub.i64 v6, v11
    v18 = iconst.i64 0
    v19 = icmp.i64 ne v12, v18
    brif v19, block1(v12, v9, v10), block2
block2:
    v13 = iadd.i64 v9, v2
    v14 = iadd.i64 v13, v3
    v15 = iadd.i64 v14, v4
    v16 = iadd.i64 v15, v5
    v22 = iadd.i64 v16, v21
    v17 = bxor.i64 v22, v10
    return v17
}
)";
  Lowered l = LowerText(text);
  const VCode& code = l.lowered.vcode;
  RegAllocOptions o;
  o.max_gprs = 5;
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(code, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string dump = Dump(code, *r);
  int in_loop = 0;
  ForEachOperand(code, [&](uint32_t b, uint32_t k, const VOperand& op) {
    if (!op.vreg.valid() || r->loop_depth[b] == 0) return;
    ++in_loop;
    EXPECT_TRUE(r->At(op.vreg, b, k).is_reg())
        << VRegName(op.vreg) << " at " << code.block(b).name() << " #" << k << "\n" << dump;
  });
  EXPECT_GT(in_loop, 5);
  // Of the five cold values (defined in block0, used in the exit block), the
  // three the loop's registers leave no room for are on the stack at the
  // loop header's first instruction.
  uint32_t header = 0;
  while (header < code.num_blocks() && code.block(header).name() != "block1") ++header;
  ASSERT_LT(header, code.num_blocks());
  EXPECT_EQ(r->loop_depth[header], 1u);
  std::set<uint32_t> defined_in_entry, cold;
  ForEachOperand(code, [&](uint32_t b, uint32_t, const VOperand& op) {
    if (op.vreg.valid() && b == 0 && op.access == x64::Access::kDef) defined_in_entry.insert(op.vreg.index);
  });
  ForEachOperand(code, [&](uint32_t b, uint32_t, const VOperand& op) {
    if (op.vreg.valid() && code.block(b).name() == "block2" && IsUse(op) &&
        defined_in_entry.count(op.vreg.index)) {
      cold.insert(op.vreg.index);
    }
  });
  EXPECT_EQ(cold.size(), 5u) << dump;
  int cold_on_stack = 0;
  for (uint32_t v : cold) cold_on_stack += r->At(VReg(v), header, 0).is_slot() ? 1 : 0;
  EXPECT_GE(cold_on_stack, 3) << dump;

  JitOptions jo;
  jo.regalloc = o;
  auto m = JitModule::Compile(text, jo);
  ASSERT_TRUE(m.ok()) << m.status();
  for (auto [a, n] : std::vector<std::pair<uint64_t, uint64_t>>{{3, 10}, {12345, 1}, {7, 1000}}) {
    uint64_t i = n, acc = 0, x = a;
    for (;;) {
      acc += i;
      x ^= acc;
      if (--i == 0) break;
    }
    const uint64_t want = ((acc + a * a + (a + n) + (a ^ n) + (n - a) + n * n) ^ x);
    EXPECT_THAT((*m)->Call(0, {a, n}).results, ElementsAre(want)) << a << " " << n;
  }
}

// Lowering leaves no critical edge (an edge from a block with several
// successors to a block with several predecessors).
void ExpectNoCriticalEdges(const VCode& code) {
  std::vector<std::set<uint32_t>> preds(code.num_blocks());
  for (uint32_t b = 0; b < code.num_blocks(); ++b) {
    for (uint32_t s : code.block(b).succs) preds[s].insert(b);
  }
  preds[0].insert(UINT32_MAX);  // the function's entry
  for (uint32_t b = 0; b < code.num_blocks(); ++b) {
    const std::set<uint32_t> succs(code.block(b).succs.begin(), code.block(b).succs.end());
    if (succs.size() < 2) continue;
    for (uint32_t s : succs) {
      EXPECT_EQ(preds[s].size(), 1u) << code.block(b).name() << " -> " << code.block(s).name();
    }
  }
}

// block0 -> block2 is a critical edge in the IR (block0 branches two ways,
// block2 is also reached from block1). The value v2 is in a register at
// block0's end but somewhere else at block2's start (block1 has a call, and
// only caller-saved registers exist), so the edge needs a move: it goes into
// the edge block lowering inserted there.
TEST(RegAllocTest, MovesOnACriticalEdge) {
  const std::string text = R"(
function %f(i32, i64) -> i64 {
block0(v0: i32, v1: i64):
    v2 = imul.i64 v1, v1
    v3 = iconst.i64 5
    v4 = iadd.i64 v1, v3
    brif v0, block1, block2
block1:
    v5 = call f1(v4)
    v6 = iadd.i64 v5, v4
    jump block2
block2:
    store.i64 v0+16, v2
    v7 = load.i64 v0+16
    v8 = iadd.i64 v7, v2
    return v8
}
)";
  Lowered l = LowerText(text);
  const VCode& code = l.lowered.vcode;
  ExpectNoCriticalEdges(code);
  RegAllocOptions o;
  o.max_gprs = 3;
  absl::StatusOr<RegAllocResult> r = AllocateRegisters(code, o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string dump = Dump(code, *r);
  bool edge_moves = false;
  for (uint32_t b = 0; b < code.num_blocks(); ++b) {
    const MachBlock& mb = code.block(b);
    if (mb.name().rfind("edge", 0) != 0 || r->Edits(b).empty()) continue;
    ASSERT_EQ(mb.succs.size(), 1u);
    if (code.block(mb.succs[0]).name() == "block2") edge_moves = true;
  }
  EXPECT_TRUE(edge_moves) << dump;

  JitOptions jo;
  jo.regalloc = o;
  auto m = JitModule::Compile(text + R"(
function %g(i64) -> i64 {
block0(v0: i64):
    return v0
}
)",
                              jo);
  ASSERT_TRUE(m.ok()) << m.status();
  for (auto [a, b] : std::vector<std::pair<uint64_t, uint64_t>>{{0, 7}, {3, 7}, {1, 0xfffffffff}}) {
    EXPECT_THAT((*m)->Call(0, {a, b}).results, ElementsAre(2 * (b * b))) << a << " " << b;
  }
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
