// The baseline tier's hard cases, end to end: testdata/*.wat compiled by the
// baseline tier alone (no function left to the optimising compiler) and by
// the optimising compiler, instantiated, and called with the same arguments:
// the results (or the trap's message) must agree, and some are checked
// against values worked out by hand. The spec suite through the tier is
// //tests/spec:spec_core_baseline_test.
#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "runtime/baseline/test_modules.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/spectest.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

using Tier = CompileOptions::Tier;

uint64_t F64(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

// The results of a call, or the first line of its error (a trap's text).
struct Outcome {
  std::vector<uint64_t> values;
  std::string error;
  bool operator==(const Outcome& o) const { return values == o.values && error == o.error; }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  if (!o.error.empty()) return os << "error \"" << o.error << "\"";
  os << "[";
  for (uint64_t v : o.values) os << " " << v;
  return os << " ]";
}

class BaselineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("WASM_JIT_TIER");  // the tiers are this test's to choose
    ASSERT_TRUE(DefineSpectest(&imports_).ok());
  }

  // testdata/<name>.wat compiled by `tier` and instantiated.
  JitInstance* Instantiate(const std::string& name, Tier tier) {
    const auto key = std::make_pair(name, tier);
    if (auto it = instances_.find(key); it != instances_.end()) return it->second;
    const auto it = baseline_testing::WatModules().find(name);
    EXPECT_NE(it, baseline_testing::WatModules().end()) << name;
    if (it == baseline_testing::WatModules().end()) return nullptr;
    absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(it->second);
    EXPECT_TRUE(module.ok()) << module.status();
    if (!module.ok()) return nullptr;
    absl::StatusOr<std::shared_ptr<const CompiledModule>> code =
        CompiledModule::Compile(*module, {.tier = tier});
    EXPECT_TRUE(code.ok()) << name << ": " << code.status();
    if (!code.ok()) return nullptr;
    EXPECT_EQ((*code)->stats().baseline_fallbacks, 0u);
    absl::StatusOr<JitInstance*> instance = store_.Instantiate(*code, imports_);
    EXPECT_TRUE(instance.ok()) << instance.status();
    if (!instance.ok()) return nullptr;
    instances_[key] = *instance;
    return *instance;
  }

  Outcome Call(const std::string& module, Tier tier, const std::string& func,
               const std::vector<uint64_t>& args) {
    JitInstance* instance = Instantiate(module, tier);
    if (instance == nullptr) return Outcome{{}, "not instantiated"};
    const Instance& inst = instance->instance();
    const std::optional<Extern> e = inst.GetExport(func);
    const Module& m = inst.module();
    for (const Export& ex : m.exports) {
      if (ex.kind != ExternKind::kFunc || ex.name != func || !e.has_value()) continue;
      absl::StatusOr<std::vector<uint64_t>> r =
          CallFunction(*e->func(), m.FunctionType(ex.index), args);
      if (r.ok()) return Outcome{*r, ""};
      const std::vector<std::string> lines = absl::StrSplit(r.status().message(), '\n');
      return Outcome{{}, lines[0]};
    }
    return Outcome{{}, "no export " + func};
  }

  // Both tiers agree on func(args); returns the baseline tier's outcome.
  Outcome Both(const std::string& module, const std::string& func,
               const std::vector<uint64_t>& args) {
    const Outcome baseline = Call(module, Tier::kBaselineOnly, func, args);
    const Outcome optimizing = Call(module, Tier::kOptimizing, func, args);
    EXPECT_EQ(baseline, optimizing) << module << "." << func;
    return baseline;
  }

  Imports imports_;
  Store store_;
  std::map<std::pair<std::string, Tier>, JitInstance*> instances_;
};

TEST_F(BaselineTest, MoreLiveValuesThanRegisters) {
  // sum over k of (x + k) * (y - k) for x = 3, y = 50: by hand below.
  int64_t expect = 0;
  for (int64_t k = 1; k <= 16; ++k) expect += (3 + k) * (50 - k);
  EXPECT_EQ(Both("pressure", "i64_pressure", {3, 50}).values,
            std::vector<uint64_t>{static_cast<uint64_t>(expect)});
  for (uint64_t x : {0ull, 1ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 12345ull}) {
    Both("pressure", "i64_pressure", {x, x * 3 + 1});
  }
  double fexpect = 0;
  for (int k = 1; k <= 16; ++k) fexpect += (0.5 + k) * (20.25 - k);
  EXPECT_EQ(Both("pressure", "f64_pressure", {F64(0.5), F64(20.25)}).values,
            std::vector<uint64_t>{F64(fexpect)});
  Both("pressure", "f64_pressure", {F64(-1e300), F64(3.25)});
}

TEST_F(BaselineTest, DivisionAndShiftsWhileTheirRegistersHoldValues) {
  Both("pressure", "fixed_regs", {100, 7, 3});
  Both("pressure", "fixed_regs", {0x80000000u, 31, 0xffffffffu});
  Both("pressure", "fixed_regs", {5, 33, 2});
  EXPECT_EQ(Both("pressure", "fixed_regs", {1, 2, 0}).error, "integer divide by zero");
}

TEST_F(BaselineTest, StackArgumentsMultiValueAndIndirectCalls) {
  // many(x, -1, 3, -4, 5, 6, x, -8, 9.5, 10.5, -11, 12, 13, 14, 15, 16, 17, -18):
  // (((x + 0xffffffff + 3 - 4 + 5 + 6) * x) - 8) + (9 + 10 - 11 + 12 + 13 + 14 + 15 + 16 + 17 - 18)
  const int64_t x = 10;
  const int64_t many = ((x + 0xffffffffll + 3 - 4 + 5 + 6) * x) - 8 + 77;
  EXPECT_EQ(Both("calls", "call_many", {x}).values,
            std::vector<uint64_t>{static_cast<uint64_t>(x - many)});
  EXPECT_EQ(Both("calls", "call_many_indirect", {x}).values,
            std::vector<uint64_t>{static_cast<uint64_t>(many)});
  EXPECT_EQ(Both("calls", "fib", {10}).values, std::vector<uint64_t>{55});
  EXPECT_EQ(Both("calls", "fib", {90}).values, std::vector<uint64_t>{2880067194370816120ull});
  EXPECT_EQ(Both("calls", "indirect_rot", {1}).values, std::vector<uint64_t>{84});
  EXPECT_EQ(Both("calls", "indirect_rot", {0}).error, "indirect call type mismatch");
  EXPECT_EQ(Both("calls", "indirect_rot", {2}).error, "undefined element");
  EXPECT_EQ(Both("calls", "deep", {0}).error, "call stack exhausted");
}

TEST_F(BaselineTest, LabelsWithValues) {
  // br_table index 0..4 and beyond (the default, $b1).
  EXPECT_EQ(Both("control", "table", {0}).values, std::vector<uint64_t>{111007});
  EXPECT_EQ(Both("control", "table", {1}).values, std::vector<uint64_t>{110008});
  EXPECT_EQ(Both("control", "table", {2}).values, std::vector<uint64_t>{100009});
  EXPECT_EQ(Both("control", "table", {3}).values, std::vector<uint64_t>{10});
  EXPECT_EQ(Both("control", "table", {4}).values, std::vector<uint64_t>{110011});
  EXPECT_EQ(Both("control", "table", {99}).values, std::vector<uint64_t>{110106});
  EXPECT_EQ(Both("control", "fac", {20}).values, std::vector<uint64_t>{2432902008176640000ull});
  EXPECT_EQ(Both("control", "fac", {1}).values, std::vector<uint64_t>{1});
  EXPECT_EQ(Both("control", "if_params", {1}).values, std::vector<uint64_t>{42});
  EXPECT_EQ(Both("control", "if_params", {0}).values, std::vector<uint64_t>{38});
  EXPECT_EQ(Both("control", "early", {0}).values, std::vector<uint64_t>{0xffffffffu});
  EXPECT_EQ(Both("control", "early", {5}).values, std::vector<uint64_t>{0xfffffffcu});  // 1 + 5 * -1
}

TEST_F(BaselineTest, CompareFusion) {
  const uint64_t minus5 = static_cast<uint64_t>(-5);
  EXPECT_EQ(Both("control", "clamp", {minus5, 0, 10}).values, std::vector<uint64_t>{0});
  EXPECT_EQ(Both("control", "clamp", {7, 0, 10}).values, std::vector<uint64_t>{7});
  EXPECT_EQ(Both("control", "clamp", {70, 0, 10}).values, std::vector<uint64_t>{10});
  EXPECT_EQ(Both("control", "count_below", {100, 37}).values, std::vector<uint64_t>{37});
  EXPECT_EQ(Both("control", "count_below", {10, 0xffffffffu}).values, std::vector<uint64_t>{10});
}

TEST_F(BaselineTest, AMillionStackEntriesCompile) {
  EXPECT_EQ(Both("deep_stack", "f", {}).error, "unreachable");
}

TEST_F(BaselineTest, Memory) {
  EXPECT_EQ(Both("control", "mem", {16}).values,
            std::vector<uint64_t>{0x1122334455667788ull + 0xff});
  EXPECT_EQ(Both("control", "mem", {65536 - 16}).values,
            std::vector<uint64_t>{0x1122334455667788ull + 0xff});
  EXPECT_EQ(Both("control", "mem", {65536 - 15}).error, "out of bounds memory access");
  EXPECT_EQ(Both("control", "far", {0}).error, "out of bounds memory access");
}

}  // namespace
}  // namespace wasm
