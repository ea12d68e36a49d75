// Execution tests for floating point: arithmetic with NaN / infinity / -0.0,
// wasm min/max, bit operations, rounding, compares (unfused and fused),
// select, every conversion at its boundaries (traps and saturation), bitcasts,
// and calls with more than eight float arguments.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "runtime/codegen/test_harness.h"

namespace wasm::codegen {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<JitModule> Jit(const std::string& text) {
  absl::StatusOr<std::unique_ptr<JitModule>> m = JitModule::Compile(text);
  EXPECT_TRUE(m.ok()) << m.status() << "\n" << text;
  return m.ok() ? std::move(*m) : nullptr;
}

uint64_t B32(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t B64(double d) { return std::bit_cast<uint64_t>(d); }
float F32(uint64_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b)); }
double F64(uint64_t b) { return std::bit_cast<double>(b); }

const double kEdges[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.7, -3.7,
                         1e30, -1e30, std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN(), 4294967296.0,
                         2147483647.0, -2147483648.0, 9.223372036854775807e18,
                         1.8446744073709552e19, 0x1p-149};

template <typename T>
T WasmMin(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename T>
T WasmMax(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// Equal bit patterns, or both NaN.
template <typename T>
bool Same(T a, T b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::bit_cast<std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>(a) ==
         std::bit_cast<std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>(b);
}

template <typename T>
void CheckBinaryAndUnary(const std::string& t) {
  auto m = Jit(absl::StrCat("function %f(", t, ", ", t, ") -> ", t, ", ", t, ", ", t, ", ", t,
                            ", ", t, ", ", t, ", ", t, " {\nblock0(v0: ", t, ", v1: ", t, R"():
    v2 = fadd.)", t, R"( v0, v1
    v3 = fsub.)", t, R"( v0, v1
    v4 = fmul.)", t, R"( v0, v1
    v5 = fdiv.)", t, R"( v0, v1
    v6 = fmin.)", t, R"( v0, v1
    v7 = fmax.)", t, R"( v0, v1
    v8 = fcopysign.)", t, R"( v0, v1
    return v2, v3, v4, v5, v6, v7, v8
}
function %u()", t, ") -> ", t, ", ", t, ", ", t, ", ", t, ", ", t, ", ", t, ", ", t,
                            " {\nblock0(v0: ", t, R"():
    v1 = fneg.)", t, R"( v0
    v2 = fabs.)", t, R"( v0
    v3 = fsqrt.)", t, R"( v0
    v4 = fceil.)", t, R"( v0
    v5 = ffloor.)", t, R"( v0
    v6 = ftrunc.)", t, R"( v0
    v7 = fnearest.)", t, R"( v0
    return v1, v2, v3, v4, v5, v6, v7
}
)"));
  ASSERT_NE(m, nullptr);
  auto bits = [](T v) { return sizeof(T) == 4 ? B32(static_cast<float>(v)) : B64(static_cast<double>(v)); };
  auto val = [](uint64_t b) { return sizeof(T) == 4 ? static_cast<T>(F32(b)) : static_cast<T>(F64(b)); };
  for (double ad : kEdges) {
    const T a = static_cast<T>(ad);
    JitModule::Outcome u = m->Call(1, {bits(a)});
    ASSERT_FALSE(u.trap.has_value());
    const T want_u[] = {-a, std::fabs(a), std::sqrt(a), std::ceil(a), std::floor(a), std::trunc(a),
                        std::nearbyint(a)};
    for (int k = 0; k < 7; ++k) {
      EXPECT_TRUE(Same(val(u.results[k]), want_u[k])) << t << " unary #" << k << " of " << a
                                                      << " got " << val(u.results[k]);
    }
    for (double bd : kEdges) {
      const T b = static_cast<T>(bd);
      JitModule::Outcome r = m->Call(0, {bits(a), bits(b)});
      ASSERT_FALSE(r.trap.has_value());
      const T want[] = {a + b, a - b, a * b, a / b, WasmMin(a, b), WasmMax(a, b),
                        std::copysign(a, b)};
      for (int k = 0; k < 7; ++k) {
        EXPECT_TRUE(Same(val(r.results[k]), want[k]))
            << t << " binary #" << k << " of " << a << ", " << b << " got " << val(r.results[k]);
      }
      // min / max of zeros: the sign is exact.
      if (a == 0 && b == 0) {
        EXPECT_EQ(std::signbit(val(r.results[4])), std::signbit(a) || std::signbit(b));
        EXPECT_EQ(std::signbit(val(r.results[5])), std::signbit(a) && std::signbit(b));
      }
    }
  }
}

TEST(ExecFloatTest, F32Arithmetic) { CheckBinaryAndUnary<float>("f32"); }
TEST(ExecFloatTest, F64Arithmetic) { CheckBinaryAndUnary<double>("f64"); }

TEST(ExecFloatTest, ComparesFusedAndUnfused) {
  const char* conds[] = {"eq", "ne", "lt", "gt", "le", "ge"};
  for (const char* c : conds) {
    auto m = Jit(absl::StrCat(R"(
function %set(f64, f64) -> i32 {
block0(v0: f64, v1: f64):
    v2 = fcmp.f64 )", c, R"( v0, v1
    return v2
}
function %br(f32, f32) -> i32 {
block0(v0: f32, v1: f32):
    v2 = fcmp.f32 )", c, R"( v0, v1
    brif v2, block1, block2
block1:
    v3 = iconst.i32 1
    return v3
block2:
    v4 = iconst.i32 0
    return v4
}
function %sel(f64, f64) -> f64 {
block0(v0: f64, v1: f64):
    v2 = fcmp.f64 )", c, R"( v0, v1
    v3 = select.f64 v2, v0, v1
    return v3
}
function %isel(f64, f64) -> i64 {
block0(v0: f64, v1: f64):
    v2 = fcmp.f64 )", c, R"( v0, v1
    v3 = iconst.i64 7
    v4 = iconst.i64 9
    v5 = select.i64 v2, v3, v4
    return v5
}
)"));
    ASSERT_NE(m, nullptr);
    const std::string cs = c;
    for (double a : {0.0, -0.0, 1.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
      for (double b : {0.0, 1.0, std::numeric_limits<double>::quiet_NaN()}) {
        const bool want = cs == "eq" ? a == b : cs == "ne" ? a != b : cs == "lt" ? a < b
                        : cs == "gt" ? a > b : cs == "le" ? a <= b : a >= b;
        EXPECT_EQ(m->Call(0, {B64(a), B64(b)}).results[0], want ? 1u : 0u) << c << a << " " << b;
        EXPECT_EQ(m->Call(1, {B32(float(a)), B32(float(b))}).results[0], want ? 1u : 0u)
            << c << a << " " << b;
        EXPECT_EQ(m->Call(2, {B64(a), B64(b)}).results[0], want ? B64(a) : B64(b)) << c << a << b;
        EXPECT_EQ(m->Call(3, {B64(a), B64(b)}).results[0], want ? 7u : 9u) << c << a << b;
      }
    }
  }
}

// Reference float→int conversion: nullopt = trap (invalid or overflow).
template <typename I>
std::optional<I> Convert(double v) {
  if (std::isnan(v)) return std::nullopt;
  const double t = std::trunc(v);
  // [min, max + 1): max + 1 is 2^31, 2^32, 2^63 or 2^64, exact in a double.
  const double upper = static_cast<double>(std::numeric_limits<I>::max()) + 1.0;
  if (t < static_cast<double>(std::numeric_limits<I>::min()) || t >= upper) return std::nullopt;
  return static_cast<I>(t);
}
template <typename I>
I Saturate(double v) {
  if (std::isnan(v)) return 0;
  const std::optional<I> c = Convert<I>(v);
  if (c) return *c;
  return v < 0 ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
}

TEST(ExecFloatTest, FloatToIntConversions) {
  for (const char* ft : {"f32", "f64"}) {
    auto m = Jit(absl::StrCat(R"(
function %s32()", ft, R"() -> i32 {
block0(v0: )", ft, R"():
    v1 = fcvt_to_sint.i32 v0
    return v1
}
function %u32()", ft, R"() -> i32 {
block0(v0: )", ft, R"():
    v1 = fcvt_to_uint.i32 v0
    return v1
}
function %s64()", ft, R"() -> i64 {
block0(v0: )", ft, R"():
    v1 = fcvt_to_sint.i64 v0
    return v1
}
function %u64()", ft, R"() -> i64 {
block0(v0: )", ft, R"():
    v1 = fcvt_to_uint.i64 v0
    return v1
}
function %sat()", ft, R"() -> i32, i32, i64, i64 {
block0(v0: )", ft, R"():
    v1 = fcvt_to_sint_sat.i32 v0
    v2 = fcvt_to_uint_sat.i32 v0
    v3 = fcvt_to_sint_sat.i64 v0
    v4 = fcvt_to_uint_sat.i64 v0
    return v1, v2, v3, v4
}
)"));
    ASSERT_NE(m, nullptr);
    const bool f32 = std::string(ft) == "f32";
    std::vector<double> values = {0.0, -0.0, 0.9, -0.9, -1.0, 1.5, -1.5, 2147483647.0,
                                  2147483648.0, -2147483648.0, -2147483649.0, -2147483648.9,
                                  2147483647.5, 4294967295.0, 4294967296.0, 4294967295.5,
                                  9223372036854775807.0, -9223372036854775808.0,
                                  9223372036854774784.0, 18446744073709551615.0,
                                  18446744073709549568.0, 1e300, -1e300,
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::quiet_NaN()};
    for (double v : values) {
      if (f32) v = static_cast<float>(v);
      const uint64_t arg = f32 ? B32(static_cast<float>(v)) : B64(v);
      auto check = [&](uint32_t fn, auto want, bool is32) {
        JitModule::Outcome r = m->Call(fn, {arg});
        if (!want) {
          ASSERT_TRUE(r.trap.has_value()) << ft << " fn" << fn << " " << v;
          EXPECT_EQ(*r.trap, std::isnan(v) ? TrapKind::kInvalidConversion : TrapKind::kIntegerOverflow)
              << ft << " fn" << fn << " " << v;
        } else {
          ASSERT_FALSE(r.trap.has_value()) << ft << " fn" << fn << " " << v;
          const uint64_t w = is32 ? static_cast<uint32_t>(*want) : static_cast<uint64_t>(*want);
          EXPECT_EQ(r.results[0], w) << ft << " fn" << fn << " " << v;
        }
      };
      check(0, Convert<int32_t>(v), true);
      check(1, Convert<uint32_t>(v), true);
      check(2, Convert<int64_t>(v), false);
      check(3, Convert<uint64_t>(v), false);
      JitModule::Outcome s = m->Call(4, {arg});
      ASSERT_FALSE(s.trap.has_value());
      EXPECT_THAT(s.results, ElementsAre(static_cast<uint32_t>(Saturate<int32_t>(v)),
                                         Saturate<uint32_t>(v),
                                         static_cast<uint64_t>(Saturate<int64_t>(v)),
                                         Saturate<uint64_t>(v)))
          << ft << " " << v;
    }
  }
}

TEST(ExecFloatTest, IntToFloatPromoteDemoteBitcast) {
  auto m = Jit(R"(
function %from_i64(i64) -> f32, f64, f32, f64 {
block0(v0: i64):
    v1 = fcvt_from_sint.f32 v0
    v2 = fcvt_from_sint.f64 v0
    v3 = fcvt_from_uint.f32 v0
    v4 = fcvt_from_uint.f64 v0
    return v1, v2, v3, v4
}
function %from_i32(i32) -> f32, f64, f32, f64 {
block0(v0: i32):
    v1 = fcvt_from_sint.f32 v0
    v2 = fcvt_from_sint.f64 v0
    v3 = fcvt_from_uint.f32 v0
    v4 = fcvt_from_uint.f64 v0
    return v1, v2, v3, v4
}
function %pd(f32, f64) -> f64, f32, i32, i64, f32, f64 {
block0(v0: f32, v1: f64):
    v2 = fpromote.f64 v0
    v3 = fdemote.f32 v1
    v4 = bitcast.i32 v0
    v5 = bitcast.i64 v1
    v6 = bitcast.f32 v4
    v7 = bitcast.f64 v5
    return v2, v3, v4, v5, v6, v7
}
)");
  ASSERT_NE(m, nullptr);
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x7fffffffffffffff}, uint64_t{0x8000000000000000},
                     uint64_t{0xffffffffffffffff}, uint64_t{0x8000000000000401},
                     uint64_t{0x20000000000001}, uint64_t{0xfffffffffffff7ff}}) {
    EXPECT_THAT(m->Call(0, {v}).results,
                ElementsAre(B32(static_cast<float>(static_cast<int64_t>(v))),
                            B64(static_cast<double>(static_cast<int64_t>(v))),
                            B32(static_cast<float>(v)), B64(static_cast<double>(v))))
        << v;
  }
  for (uint32_t v : {0u, 1u, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x1000001u}) {
    EXPECT_THAT(m->Call(1, {v}).results,
                ElementsAre(B32(static_cast<float>(static_cast<int32_t>(v))),
                            B64(static_cast<double>(static_cast<int32_t>(v))),
                            B32(static_cast<float>(v)), B64(static_cast<double>(v))))
        << v;
  }
  const float f = -1.25f;
  const double d = 1e300;
  EXPECT_THAT(m->Call(2, {B32(f), B64(d)}).results,
              ElementsAre(B64(-1.25), B32(std::numeric_limits<float>::infinity()), B32(f), B64(d),
                          B32(f), B64(d)));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(F32(m->Call(2, {B32(f), B64(nan)}).results[1])));
}

TEST(ExecFloatTest, ManyFloatArgumentsAndConstants) {
  auto m = Jit(R"(
function %caller(f64) -> f64 {
block0(v0: f64):
    v1 = f64const 0x3ff0000000000000
    v2 = f32const 0x40000000
    v3 = call f1(v0, v1, v0, v1, v0, v1, v0, v1, v0, v2, v1)
    return v3
}
function %sum(f64, f64, f64, f64, f64, f64, f64, f64, f64, f32, f64) -> f64 {
block0(v0: f64, v1: f64, v2: f64, v3: f64, v4: f64, v5: f64, v6: f64, v7: f64, v8: f64, v9: f32, v10: f64):
    v11 = fadd.f64 v0, v1
    v12 = fmul.f64 v11, v2
    v13 = fadd.f64 v12, v3
    v14 = fadd.f64 v13, v4
    v15 = fadd.f64 v14, v5
    v16 = fadd.f64 v15, v6
    v17 = fadd.f64 v16, v7
    v18 = fadd.f64 v17, v8
    v19 = fpromote.f64 v9
    v20 = fmul.f64 v18, v19
    v21 = fsub.f64 v20, v10
    return v21
}
)");
  ASSERT_NE(m, nullptr);
  // x = 3: ((3+1)*3 + 1 + 3 + 1 + 3 + 1 + 3) * 2 - 1 = 47
  EXPECT_THAT(m->Call(0, {B64(3.0)}).results, ElementsAre(B64(47.0)));
  EXPECT_THAT(m->Call(1, {B64(1), B64(2), B64(3), B64(4), B64(5), B64(6), B64(7), B64(8), B64(9),
                          B32(0.5f), B64(10)})
                  .results,
              ElementsAre(B64((((1.0 + 2) * 3 + 4 + 5 + 6 + 7 + 8 + 9) * 0.5) - 10)));
}

}  // namespace
}  // namespace wasm::codegen
