// Execution tests: IR text → machine code → run, for integer arithmetic on
// edge values, compares, control flow (loops, br_table), traps, memory,
// globals, calls (direct, many arguments, multi-value, imports,
// call_indirect), builtins and stack exhaustion. Floats: exec_float_test.cc.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "runtime/codegen/test_harness.h"

namespace wasm::codegen {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<JitModule> Jit(const std::string& text, JitOptions options = {}) {
  absl::StatusOr<std::unique_ptr<JitModule>> m = JitModule::Compile(text, std::move(options));
  EXPECT_TRUE(m.ok()) << m.status() << "\n" << text;
  return m.ok() ? std::move(*m) : nullptr;
}

std::vector<uint64_t> Exec(JitModule& m, std::vector<uint64_t> args, uint32_t fn = 0) {
  JitModule::Outcome r = m.Call(fn, args);
  EXPECT_FALSE(r.trap.has_value()) << TrapKindName(*r.trap);
  return r.results;
}

std::optional<TrapKind> RunTrap(JitModule& m, std::vector<uint64_t> args, uint32_t fn = 0) {
  return m.Call(fn, args).trap;
}

constexpr uint64_t kI32Edges[] = {0, 1, 2, 7, 31, 32, 33, 0x7fffffff, 0x80000000, 0xffffffff,
                                  0xfffffffe, 0x12345678};
constexpr uint64_t kI64Edges[] = {0, 1, 2, 63, 64, 65, 0x7fffffffffffffff, 0x8000000000000000,
                                  0xffffffffffffffff, 0xfffffffffffffffe, 0x123456789abcdef0,
                                  0xffffffff};

// Reference semantics of the integer binary ops (nullopt: traps).
std::optional<uint64_t> Ref(const std::string& op, bool w, uint64_t a, uint64_t b) {
  const unsigned bits = w ? 64 : 32;
  const uint64_t mask = w ? ~uint64_t{0} : 0xffffffffu;
  a &= mask;
  b &= mask;
  auto sx = [&](uint64_t v) -> int64_t { return w ? static_cast<int64_t>(v) : static_cast<int32_t>(v); };
  const int64_t smin = w ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int32_t>::min();
  const unsigned c = static_cast<unsigned>(b & (bits - 1));
  uint64_t r = 0;
  if (op == "iadd") r = a + b;
  else if (op == "isub") r = a - b;
  else if (op == "imul") r = a * b;
  else if (op == "band") r = a & b;
  else if (op == "bor") r = a | b;
  else if (op == "bxor") r = a ^ b;
  else if (op == "ishl") r = a << c;
  else if (op == "ushr") r = a >> c;
  else if (op == "sshr") r = static_cast<uint64_t>(sx(a) >> c);
  else if (op == "rotl") r = c == 0 ? a : (a << c) | (a >> (bits - c));
  else if (op == "rotr") r = c == 0 ? a : (a >> c) | (a << (bits - c));
  else if (op == "udiv") { if (b == 0) return std::nullopt; r = a / b; }
  else if (op == "urem") { if (b == 0) return std::nullopt; r = a % b; }
  else if (op == "sdiv") {
    if (b == 0 || (sx(a) == smin && sx(b) == -1)) return std::nullopt;
    r = static_cast<uint64_t>(sx(a) / sx(b));
  } else if (op == "srem") {
    if (b == 0) return std::nullopt;
    r = sx(b) == -1 ? 0 : static_cast<uint64_t>(sx(a) % sx(b));
  }
  return r & mask;
}

const char* kBinOps[] = {"iadd", "isub", "imul", "band", "bor",  "bxor", "ishl", "ushr",
                         "sshr", "rotl", "rotr", "udiv", "urem", "sdiv", "srem"};

TEST(ExecIntTest, BinaryOpsOnEdgeValues) {
  for (bool w : {false, true}) {
    const std::string t = w ? "i64" : "i32";
    for (const char* op : kBinOps) {
      auto m = Jit(absl::StrCat("function %f(", t, ", ", t, ") -> ", t, " {\nblock0(v0: ", t,
                                ", v1: ", t, "):\n    v2 = ", op, ".", t, " v0, v1\n    return v2\n}\n"));
      ASSERT_NE(m, nullptr);
      for (uint64_t a : w ? absl::MakeConstSpan(kI64Edges) : absl::MakeConstSpan(kI32Edges)) {
        for (uint64_t b : w ? absl::MakeConstSpan(kI64Edges) : absl::MakeConstSpan(kI32Edges)) {
          const std::optional<uint64_t> want = Ref(op, w, a, b);
          JitModule::Outcome r = m->Call(0, {a, b});
          if (!want) {
            ASSERT_TRUE(r.trap.has_value()) << op << "." << t << " " << a << ", " << b;
            EXPECT_EQ(*r.trap, b == 0 ? TrapKind::kIntegerDivideByZero : TrapKind::kIntegerOverflow);
          } else {
            ASSERT_FALSE(r.trap.has_value()) << op << "." << t << " " << a << ", " << b;
            EXPECT_EQ(r.results[0], *want) << op << "." << t << " " << a << ", " << b;
          }
        }
      }
    }
  }
}

// The same ops with a constant right operand (immediate forms, constant
// shift counts, division by constants).
TEST(ExecIntTest, BinaryOpsWithConstants) {
  for (bool w : {false, true}) {
    const std::string t = w ? "i64" : "i32";
    for (const char* op : kBinOps) {
      for (int64_t k : {int64_t{1}, int64_t{-1}, int64_t{33}, int64_t{65}, int64_t{100},
                        int64_t{-2147483648}, int64_t{0x7fffffff}, int64_t{0x123456789}}) {
        if (!w && (k > 0xffffffffLL)) continue;
        auto m = Jit(absl::StrCat("function %f(", t, ") -> ", t, " {\nblock0(v0: ", t,
                                  "):\n    v1 = iconst.", t, " ", k, "\n    v2 = ", op, ".", t,
                                  " v0, v1\n    return v2\n}\n"));
        ASSERT_NE(m, nullptr);
        for (uint64_t a : w ? absl::MakeConstSpan(kI64Edges) : absl::MakeConstSpan(kI32Edges)) {
          const std::optional<uint64_t> want = Ref(op, w, a, static_cast<uint64_t>(k));
          JitModule::Outcome r = m->Call(0, {a});
          if (!want) {
            EXPECT_TRUE(r.trap.has_value()) << op << "." << t << " " << a << ", " << k;
          } else {
            ASSERT_FALSE(r.trap.has_value()) << op << "." << t << " " << a << ", " << k;
            EXPECT_EQ(r.results[0], *want) << op << "." << t << " " << a << ", " << k;
          }
        }
      }
    }
  }
}

TEST(ExecIntTest, UnaryOps) {
  auto m = Jit(R"(
function %u32(i32) -> i32, i32, i32, i32, i32 {
block0(v0: i32):
    v1 = clz.i32 v0
    v2 = ctz.i32 v0
    v3 = popcnt.i32 v0
    v4 = sext8.i32 v0
    v5 = sext16.i32 v0
    return v1, v2, v3, v4, v5
}
function %u64(i64) -> i64, i64, i64, i64, i64, i64 {
block0(v0: i64):
    v1 = clz.i64 v0
    v2 = ctz.i64 v0
    v3 = popcnt.i64 v0
    v4 = sext8.i64 v0
    v5 = sext16.i64 v0
    v6 = sext32.i64 v0
    return v1, v2, v3, v4, v5, v6
}
function %ext(i32, i64) -> i64, i64, i32 {
block0(v0: i32, v1: i64):
    v2 = uextend.i64 v0
    v3 = sextend.i64 v0
    v4 = ireduce.i32 v1
    return v2, v3, v4
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {0}), ElementsAre(32, 32, 0, 0, 0));
  EXPECT_THAT(Exec(*m, {0x80}), ElementsAre(24, 7, 1, 0xffffff80, 0x80));
  EXPECT_THAT(Exec(*m, {0xffff8000}), ElementsAre(0, 15, 17, 0, 0xffff8000));
  EXPECT_THAT(Exec(*m, {0}, 1), ElementsAre(64, 64, 0, 0, 0, 0));
  EXPECT_THAT(Exec(*m, {0x80008080}, 1),
              ElementsAre(32, 7, 3, 0xffffffffffffff80, 0xffffffffffff8080, 0xffffffff80008080));
  EXPECT_THAT(Exec(*m, {0xffffffff, 0x1234567887654321}, 2),
              ElementsAre(0xffffffff, 0xffffffffffffffff, 0x87654321));
  EXPECT_THAT(Exec(*m, {0x7fffffff, 0}, 2), ElementsAre(0x7fffffff, 0x7fffffff, 0));
}

TEST(ExecIntTest, ComparesAndSelect) {
  const char* conds[] = {"eq", "ne", "slt", "ult", "sgt", "ugt", "sle", "ule", "sge", "uge"};
  auto ref = [](const std::string& c, int64_t a, int64_t b) {
    const uint64_t ua = a, ub = b;
    if (c == "eq") return a == b;
    if (c == "ne") return a != b;
    if (c == "slt") return a < b;
    if (c == "ult") return ua < ub;
    if (c == "sgt") return a > b;
    if (c == "ugt") return ua > ub;
    if (c == "sle") return a <= b;
    if (c == "ule") return ua <= ub;
    if (c == "sge") return a >= b;
    return ua >= ub;
  };
  for (const char* c : conds) {
    // Unfused (the i32 result is returned), fused into select and into brif.
    auto m = Jit(absl::StrCat(R"(
function %set(i64, i64) -> i32 {
block0(v0: i64, v1: i64):
    v2 = icmp.i64 )", c, R"( v0, v1
    return v2
}
function %sel(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = icmp.i64 )", c, R"( v0, v1
    v3 = select.i64 v2, v0, v1
    return v3
}
function %br(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = icmp.i32 )", c, R"( v0, v1
    brif v2, block1, block2
block1:
    v3 = iconst.i32 10
    return v3
block2:
    v4 = iconst.i32 20
    return v4
}
)"));
    ASSERT_NE(m, nullptr);
    for (int64_t a : {int64_t{-1}, int64_t{0}, int64_t{1}, std::numeric_limits<int64_t>::min()}) {
      for (int64_t b : {int64_t{-1}, int64_t{0}, int64_t{1}}) {
        const bool r64 = ref(c, a, b);
        EXPECT_THAT(Exec(*m, {uint64_t(a), uint64_t(b)}, 0), ElementsAre(r64 ? 1 : 0)) << c;
        EXPECT_THAT(Exec(*m, {uint64_t(a), uint64_t(b)}, 1),
                    ElementsAre(r64 ? uint64_t(a) : uint64_t(b))) << c;
        const int32_t a32 = static_cast<int32_t>(a), b32 = static_cast<int32_t>(b);
        const bool r32 = c[0] == 'u' ? ref(c, uint32_t(a32), uint32_t(b32)) : ref(c, a32, b32);
        EXPECT_THAT(Exec(*m, {uint32_t(a32), uint32_t(b32)}, 2), ElementsAre(r32 ? 10 : 20)) << c;
      }
    }
  }
}

TEST(ExecIntTest, LoopSum) {
  // sum of 1..n with loop-carried values.
  auto m = Jit(R"(
function %sum(i32) -> i64 {
block0(v0: i32):
    v1 = iconst.i32 0
    v2 = iconst.i64 0
    jump block1(v1, v2)
block1(v3: i32, v4: i64):
    v5 = icmp.i32 uge v3, v0
    brif v5, block3, block2
block2:
    v6 = iconst.i32 1
    v7 = iadd.i32 v3, v6
    v8 = uextend.i64 v7
    v9 = iadd.i64 v4, v8
    jump block1(v7, v9)
block3:
    return v4
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {0}), ElementsAre(0));
  EXPECT_THAT(Exec(*m, {10}), ElementsAre(55));
  EXPECT_THAT(Exec(*m, {100000}), ElementsAre(5000050000ull));
}

TEST(ExecIntTest, SwapCycleOnBackEdge) {
  // Fibonacci: block parameters swap places every iteration (a cycle).
  auto m = Jit(R"(
function %fib(i32) -> i64 {
block0(v0: i32):
    v1 = iconst.i64 0
    v2 = iconst.i64 1
    jump block1(v0, v1, v2)
block1(v3: i32, v4: i64, v5: i64):
    brif v3, block2, block3
block2:
    v6 = iconst.i32 1
    v7 = isub.i32 v3, v6
    v8 = iadd.i64 v4, v5
    jump block1(v7, v5, v8)
block3:
    return v4
}
function %rot(i32, i32, i32, i32) -> i32 {
block0(v0: i32, v1: i32, v2: i32, v3: i32):
    jump block1(v0, v1, v2, v3)
block1(v4: i32, v5: i32, v6: i32, v7: i32):
    brif v7, block2, block3
block2:
    v8 = iconst.i32 1
    v9 = isub.i32 v7, v8
    jump block1(v6, v4, v5, v9)
block3:
    v10 = iconst.i32 100
    v11 = imul.i32 v4, v10
    v12 = iconst.i32 10
    v13 = imul.i32 v5, v12
    v14 = iadd.i32 v11, v13
    v15 = iadd.i32 v14, v6
    return v15
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {0}), ElementsAre(0));
  EXPECT_THAT(Exec(*m, {10}), ElementsAre(55));
  EXPECT_THAT(Exec(*m, {90}), ElementsAre(2880067194370816120ull));
  // (a, b, c) rotated n times: 1,2,3 -> 3,1,2 -> 2,3,1 -> 1,2,3
  EXPECT_THAT(Exec(*m, {1, 2, 3, 0}, 1), ElementsAre(123));
  EXPECT_THAT(Exec(*m, {1, 2, 3, 1}, 1), ElementsAre(312));
  EXPECT_THAT(Exec(*m, {1, 2, 3, 2}, 1), ElementsAre(231));
  EXPECT_THAT(Exec(*m, {1, 2, 3, 4}, 1), ElementsAre(312));
}

TEST(ExecIntTest, BrTable) {
  auto m = Jit(R"(
function %bt(i32) -> i32 {
block0(v0: i32):
    br_table v0, [block1, block2, block3, block1], block4
block1:
    v1 = iconst.i32 11
    return v1
block2:
    v2 = iconst.i32 22
    return v2
block3:
    v3 = iconst.i32 33
    return v3
block4:
    v4 = iconst.i32 44
    return v4
}
function %only_default(i32) -> i32 {
block0(v0: i32):
    br_table v0, [], block1
block1:
    return v0
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {0}), ElementsAre(11));
  EXPECT_THAT(Exec(*m, {1}), ElementsAre(22));
  EXPECT_THAT(Exec(*m, {2}), ElementsAre(33));
  EXPECT_THAT(Exec(*m, {3}), ElementsAre(11));
  EXPECT_THAT(Exec(*m, {4}), ElementsAre(44));
  EXPECT_THAT(Exec(*m, {0xffffffff}), ElementsAre(44));
  EXPECT_THAT(Exec(*m, {7}, 1), ElementsAre(7));
}

TEST(ExecIntTest, Traps) {
  auto m = Jit(R"(
function %unreachable() {
block0:
    trap #0
}
function %trap_if(i32) -> i32 {
block0(v0: i32):
    trap_if v0, #2
    return v0
}
function %trap_if_cmp(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 5
    v2 = icmp.i32 sgt v0, v1
    trap_if v2, #3
    return v0
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(RunTrap(*m, {}, 0), TrapKind::kUnreachable);
  EXPECT_EQ(RunTrap(*m, {1}, 1), TrapKind::kIntegerDivideByZero);
  EXPECT_THAT(Exec(*m, {0}, 1), ElementsAre(0));
  EXPECT_EQ(RunTrap(*m, {6}, 2), TrapKind::kIntegerOverflow);
  EXPECT_THAT(Exec(*m, {5}, 2), ElementsAre(5));
}

TEST(ExecMemoryTest, LoadsAndStores) {
  auto m = Jit(R"(
function %store_load(i32, i64) -> i64, i64, i64, i32, i32, i64, i64 {
block0(v0: i32, v1: i64):
    store.i64 v0+0, v1
    v2 = load.i64 v0+0
    v3 = load.i64.s8 v0+0
    v4 = load.i64.u16 v0+0
    v5 = load.i32.s16 v0+0
    v6 = load.i32.u8 v0+1
    v7 = load.i64.s32 v0+0
    v8 = load.i64.u32 v0+4
    return v2, v3, v4, v5, v6, v7, v8
}
function %narrow_stores(i32, i32) -> i64 {
block0(v0: i32, v1: i32):
    v2 = iconst.i64 0
    store.i64 v0+0, v2
    store.i32.w8 v0+0, v1
    store.i32.w16 v0+2, v1
    store.i32 v0+4, v1
    v3 = load.i64 v0+0
    return v3
}
function %load(i32) -> i32 {
block0(v0: i32):
    v1 = load.i32 v0+0
    return v1
}
function %load_big_offset(i32) -> i32 {
block0(v0: i32):
    v1 = load.i32 v0+4294967295
    return v1
}
function %load_offset(i32) -> i32 {
block0(v0: i32):
    v1 = load.i32.u8 v0+65535
    return v1
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {16, 0x80c1f2e3d4b5a697}, 0),
              ElementsAre(0x80c1f2e3d4b5a697, 0xffffffffffffff97, 0xa697, 0xffffa697, 0xa6,
                          0xffffffffd4b5a697, 0x80c1f2e3));
  EXPECT_THAT(Exec(*m, {100, 0x11223344}, 1), ElementsAre(0x1122334433440044ull));
  EXPECT_EQ(m->memory().base()[100], 0x44);
  // Out of bounds: at base + size, and index + offset past 4 GiB.
  EXPECT_EQ(RunTrap(*m, {65536}, 2), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(RunTrap(*m, {65533}, 2), TrapKind::kMemoryOutOfBounds);
  EXPECT_THAT(Exec(*m, {65532}, 2), ElementsAre(0));
  EXPECT_EQ(RunTrap(*m, {0xffffffff}, 3), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(RunTrap(*m, {1}, 3), TrapKind::kMemoryOutOfBounds);
  m->memory().base()[65535] = 0xab;
  EXPECT_THAT(Exec(*m, {0}, 4), ElementsAre(0xab));
  EXPECT_EQ(RunTrap(*m, {1}, 4), TrapKind::kMemoryOutOfBounds);
}

TEST(ExecMemoryTest, Globals) {
  auto m = Jit(R"(
function %g(i32, i64) -> i32, i64 {
block0(v0: i32, v1: i64):
    v2 = global_get.i32 g1
    v3 = iadd.i32 v2, v0
    global_set g1, v3
    global_set g2, v1
    v4 = global_get.i32 g1
    v5 = global_get.i64 g2
    return v4, v5
}
)");
  ASSERT_NE(m, nullptr);
  m->global_cell(1)[0] = 5;
  EXPECT_THAT(Exec(*m, {7, 0xffffffffffffffff}), ElementsAre(12, 0xffffffffffffffff));
  EXPECT_EQ(m->global_cell(1)[0], 12);
}

TEST(ExecCallTest, ManyArgumentsAndMultiValue) {
  auto m = Jit(R"(
function %caller(i64) -> i64, i64, i32 {
block0(v0: i64):
    v1 = iconst.i64 1
    v2 = iconst.i64 2
    v3 = iconst.i64 3
    v4 = iconst.i64 4
    v5 = iconst.i64 5
    v6 = iconst.i64 6
    v7 = iconst.i64 7
    v8 = iconst.i64 8
    v9, v10, v11 = call f1(v0, v1, v2, v3, v4, v5, v6, v7, v8)
    v12 = iadd.i64 v9, v0
    return v12, v10, v11
}
function %many(i64, i64, i64, i64, i64, i64, i64, i64, i64) -> i64, i64, i32 {
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64, v8: i64):
    v9 = imul.i64 v0, v1
    v10 = iconst.i64 10
    v11 = imul.i64 v9, v10
    v12 = iadd.i64 v11, v2
    v13 = imul.i64 v12, v10
    v14 = iadd.i64 v13, v3
    v15 = imul.i64 v14, v10
    v16 = iadd.i64 v15, v4
    v17 = imul.i64 v16, v10
    v18 = iadd.i64 v17, v5
    v19 = imul.i64 v18, v10
    v20 = iadd.i64 v19, v6
    v21 = imul.i64 v20, v10
    v22 = iadd.i64 v21, v7
    v23 = imul.i64 v22, v10
    v24 = iadd.i64 v23, v8
    v25 = iconst.i32 -1
    return v24, v8, v25
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1), ElementsAre(23456789, 9, 0xffffffff));
  EXPECT_THAT(Exec(*m, {9}), ElementsAre(92345678 + 9, 8, 0xffffffff));
}

TEST(ExecCallTest, ValuesLiveAcrossCalls) {
  // Twelve values live across two calls: more than the callee-saved GPRs.
  std::string text = "function %f(i64) -> i64 {\nblock0(v0: i64):\n";
  for (int k = 1; k <= 12; ++k) {
    absl::StrAppend(&text, "    v", k, " = iconst.i64 ", k * 1000, "\n");
    absl::StrAppend(&text, "    v", 100 + k, " = iadd.i64 v0, v", k, "\n");
  }
  absl::StrAppend(&text, "    v50 = call f1(v0)\n    v51 = call f1(v50)\n    v60 = iadd.i64 v51, v101\n");
  for (int k = 2; k <= 12; ++k) {
    absl::StrAppend(&text, "    v", 60 + k - 1, " = iadd.i64 v", 60 + k - 2, ", v", 100 + k, "\n");
  }
  absl::StrAppend(&text, "    return v71\n}\n");
  absl::StrAppend(&text, R"(function %double(i64) -> i64 {
block0(v0: i64):
    v1 = iadd.i64 v0, v0
    return v1
}
)");
  auto m = Jit(text);
  ASSERT_NE(m, nullptr);
  // 4x + sum(x + 1000k) = 4x + 12x + 78000
  EXPECT_THAT(Exec(*m, {5}), ElementsAre(16 * 5 + 78000));
}

void HostAdd(void*, uint64_t* slots) { slots[0] = static_cast<uint32_t>(slots[0] + slots[1]); }
void HostMulti(void*, uint64_t* slots) {
  const uint64_t a = slots[0];
  slots[0] = a * 2;
  slots[1] = a * 3;
}

TEST(ExecCallTest, ImportsAndCallIndirect) {
  JitOptions options;
  options.imports.push_back({FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}}, &HostAdd});
  options.imports.push_back({FuncType{{ValType::kI64}, {ValType::kI64, ValType::kI64}}, &HostMulti});
  auto m = Jit(R"(
function %use_imports(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = call f0(v0, v1)
    v3 = uextend.i64 v2
    v4, v5 = call f1(v3)
    v6 = iadd.i64 v4, v5
    v7 = ireduce.i32 v6
    return v7
}
function %indirect(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = call_indirect type4, table0, v0(v1)
    return v2
}
function %plus1(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    v2 = iadd.i32 v0, v1
    return v2
}
function %other(i64) -> i64 {
block0(v0: i64):
    return v0
}
)",
               options);
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {3, 4}, 0), ElementsAre(35));
  // Table 0: the defined functions 0..3 (type indexes 2..5), then null.
  EXPECT_THAT(Exec(*m, {2, 41}, 1), ElementsAre(42));
  EXPECT_EQ(RunTrap(*m, {3, 1}, 1), TrapKind::kSignatureMismatch);
  EXPECT_EQ(RunTrap(*m, {0, 1}, 1), TrapKind::kSignatureMismatch);
  EXPECT_EQ(RunTrap(*m, {4, 1}, 1), TrapKind::kIndirectCallToNull);
  EXPECT_EQ(RunTrap(*m, {5, 1}, 1), TrapKind::kUndefinedElement);
  EXPECT_EQ(RunTrap(*m, {0xffffffff, 1}, 1), TrapKind::kUndefinedElement);
}

TEST(ExecCallTest, Builtins) {
  auto m = Jit(R"(
function %mem() -> i32, i32, i32 {
block0:
    v0 = call_builtin memory_size #0()
    v1 = iconst.i32 2
    v2 = call_builtin memory_grow #0(v1)
    v3 = call_builtin memory_size #0()
    return v0, v2, v3
}
function %copy(i32, i32, i32, i32) -> i32 {
block0(v0: i32, v1: i32, v2: i32, v3: i32):
    call_builtin table_copy #7(v0, v1, v2, v3)
    v4 = call_builtin table_grow #5(v0, v1)
    return v4
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(Exec(*m, {}), ElementsAre(1, 1, 3));
  EXPECT_THAT(Exec(*m, {10, 20, 30, 40}, 1), ElementsAre(77));
  EXPECT_EQ(m->last_builtin_index(), 5u);
  EXPECT_EQ(m->builtin_log()[0], 10u);
  EXPECT_EQ(m->builtin_log()[1], 20u);
}

TEST(ExecCallTest, StackExhaustion) {
  auto m = Jit(R"(
function %recurse(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    v2 = iadd.i32 v0, v1
    v3 = call f0(v2)
    v4 = iadd.i32 v3, v1
    return v4
}
)");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(RunTrap(*m, {0}), TrapKind::kCallStackExhausted);
  // Still usable afterwards.
  EXPECT_EQ(RunTrap(*m, {0}), TrapKind::kCallStackExhausted);
}

}  // namespace
}  // namespace wasm::codegen
