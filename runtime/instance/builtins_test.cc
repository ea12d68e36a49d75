// Every builtin, called directly with a real instance's VMContext
// (testdata/segments.wat); traps are taken through the real trap handler.
#include "runtime/instance/builtins.h"

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/instance/extern.h"
#include "runtime/instance/imports.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/test_util.h"
#include "runtime/ir/builtins.h"
#include "runtime/testing/wasm_builder.h"
#include "runtime/validator.h"
#include "runtime/vm/trap.h"
#include "runtime/vm/trap_handler.h"

namespace wasm {
namespace {

using namespace ::wasm::builtins;  // NOLINT: the functions under test

constexpr uint32_t kFailed = 0xffffffffu;
constexpr uint64_t kExternValue = 77;
constexpr uint64_t kPage = 65536;

// The trap `fn` raised, or nullopt when it returned.
std::optional<TrapKind> TrapOf(const std::function<void()>& fn) {
  const std::optional<Trap> trap = CallWithTrapHandling([&] { fn(); });
  if (!trap.has_value()) return std::nullopt;
  return trap->kind;
}

// segments.wat: memory 1..2 pages with "xy" at 16; table 0 (funcref, 4..8)
// with $c at 0; table 1 (externref, 4); functions $a $b $c; elem 0 passive
// ($a, null, $b, $c), elem 1 active (dropped), elem 2 declarative (dropped),
// elem 3 passive externref (null, null); data 0 passive "hello", data 1
// active (dropped).
class BuiltinsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const Module>> module = testing::CompileTestModule("segments");
    ASSERT_TRUE(module.ok()) << module.status();
    Imports imports;
    ASSERT_TRUE(
        imports
            .Define("env", "ext",
                    *Extern::NewGlobal({ValType::kExternRef, Mutability::kConst}, kExternValue))
            .ok());
    absl::StatusOr<std::unique_ptr<Instance>> instance = Instance::Create(*module, imports);
    ASSERT_TRUE(instance.ok()) << instance.status();
    instance_ = *std::move(instance);
    vmctx_ = instance_->vmctx();
  }

  uint8_t* mem() { return instance_->memory()->base(); }
  std::string MemString(uint32_t offset, size_t n) {
    return std::string(reinterpret_cast<const char*>(mem()) + offset, n);
  }
  uint64_t Ref(uint32_t func) { return reinterpret_cast<uintptr_t>(instance_->func_ref(func)); }
  std::vector<uint64_t> TableContents(uint32_t table) {
    absl::Span<uint64_t> elements = instance_->table(table)->elements();
    return std::vector<uint64_t>(elements.begin(), elements.end());
  }

  std::unique_ptr<Instance> instance_;
  VMContext* vmctx_ = nullptr;
};

// --- memory ------------------------------------------------------------------

TEST_F(BuiltinsTest, MemorySizeAndGrow) {
  EXPECT_EQ(MemorySize(vmctx_, 0), 1u);
  EXPECT_EQ(MemoryGrow(vmctx_, 0, 0), 1u);
  EXPECT_EQ(MemoryGrow(vmctx_, 0, 1), 1u);
  EXPECT_EQ(MemorySize(vmctx_, 0), 2u);
  EXPECT_EQ(vmctx_->memory->size, 2 * kPage);
  EXPECT_EQ(MemoryGrow(vmctx_, 0, 1), kFailed);  // past the maximum of 2
  EXPECT_EQ(MemoryGrow(vmctx_, 0, 0xffffffffu), kFailed);
  EXPECT_EQ(MemorySize(vmctx_, 0), 2u);
  mem()[2 * kPage - 1] = 1;  // the new page is usable
}

TEST_F(BuiltinsTest, MemoryFill) {
  MemoryFill(vmctx_, 0, 100, 0x1ab, 5);  // the low byte only
  EXPECT_EQ(MemString(99, 7), std::string("\0\xab\xab\xab\xab\xab\0", 7));
  MemoryFill(vmctx_, 0, kPage - 1, 7, 1);
  EXPECT_EQ(mem()[kPage - 1], 7);
  MemoryFill(vmctx_, 0, kPage, 7, 0);  // empty, at the end: fine
}

TEST_F(BuiltinsTest, MemoryFillOutOfBoundsWritesNothing) {
  EXPECT_EQ(TrapOf([&] { MemoryFill(vmctx_, 0, kPage - 4, 9, 5); }), TrapKind::kMemoryOutOfBounds);
  for (uint64_t i = kPage - 4; i < kPage; ++i) EXPECT_EQ(mem()[i], 0) << i;
  EXPECT_EQ(TrapOf([&] { MemoryFill(vmctx_, 0, kPage + 1, 9, 0); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(TrapOf([&] { MemoryFill(vmctx_, 0, 0xffffffffu, 9, 2); }),
            TrapKind::kMemoryOutOfBounds);
}

TEST_F(BuiltinsTest, MemoryCopyOverlapsLikeMemmove) {
  std::memcpy(mem(), "abcdef", 6);
  MemoryCopy(vmctx_, 0, 2, 0, 4);  // forward overlap
  EXPECT_EQ(MemString(0, 6), "ababcd");
  std::memcpy(mem(), "abcdef", 6);
  MemoryCopy(vmctx_, 0, 0, 2, 4);  // backward overlap
  EXPECT_EQ(MemString(0, 6), "cdefef");
  MemoryCopy(vmctx_, 0, kPage, 0, 0);
  MemoryCopy(vmctx_, 0, 0, kPage, 0);
}

TEST_F(BuiltinsTest, MemoryCopyOutOfBoundsWritesNothing) {
  std::memcpy(mem(), "abcdef", 6);
  // Source range past the end.
  EXPECT_EQ(TrapOf([&] { MemoryCopy(vmctx_, 0, 0, kPage - 2, 3); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(MemString(0, 6), "abcdef");
  // Destination range past the end.
  EXPECT_EQ(TrapOf([&] { MemoryCopy(vmctx_, 0, kPage - 2, 0, 3); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(mem()[kPage - 2], 0);
  EXPECT_EQ(mem()[kPage - 1], 0);
  // Empty but starting past the end.
  EXPECT_EQ(TrapOf([&] { MemoryCopy(vmctx_, 0, kPage + 1, 0, 0); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(TrapOf([&] { MemoryCopy(vmctx_, 0, 0, kPage + 1, 0); }), TrapKind::kMemoryOutOfBounds);
  // 32-bit wrap-around is out of bounds, not a small range.
  EXPECT_EQ(TrapOf([&] { MemoryCopy(vmctx_, 0, 0xfffffff0u, 0, 0x20); }),
            TrapKind::kMemoryOutOfBounds);
}

TEST_F(BuiltinsTest, ActiveDataSegmentWasAppliedAndDropped) {
  EXPECT_EQ(MemString(16, 2), "xy");
  EXPECT_TRUE(instance_->data_dropped(1));
  MemoryInit(vmctx_, 1, 0, 0, 0);
  EXPECT_EQ(TrapOf([&] { MemoryInit(vmctx_, 1, 0, 0, 1); }), TrapKind::kMemoryOutOfBounds);
}

TEST_F(BuiltinsTest, MemoryInit) {
  MemoryInit(vmctx_, 0, 200, 1, 3);
  EXPECT_EQ(MemString(200, 3), "ell");
  MemoryInit(vmctx_, 0, kPage - 5, 0, 5);
  EXPECT_EQ(MemString(kPage - 5, 5), "hello");
  MemoryInit(vmctx_, 0, kPage, 5, 0);  // both ranges empty at their ends
}

TEST_F(BuiltinsTest, MemoryInitOutOfBoundsWritesNothing) {
  EXPECT_EQ(TrapOf([&] { MemoryInit(vmctx_, 0, 300, 3, 3); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(MemString(300, 3), std::string(3, '\0'));
  EXPECT_EQ(TrapOf([&] { MemoryInit(vmctx_, 0, kPage - 2, 0, 3); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(mem()[kPage - 2], 0);
  EXPECT_EQ(TrapOf([&] { MemoryInit(vmctx_, 0, 0, 6, 0); }), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(TrapOf([&] { MemoryInit(vmctx_, 0, kPage + 1, 0, 0); }), TrapKind::kMemoryOutOfBounds);
}

TEST_F(BuiltinsTest, DataDropEmptiesTheSegment) {
  EXPECT_FALSE(instance_->data_dropped(0));
  DataDrop(vmctx_, 0);
  EXPECT_TRUE(instance_->data_dropped(0));
  DataDrop(vmctx_, 0);  // dropping again is allowed
  MemoryInit(vmctx_, 0, 0, 0, 0);
  EXPECT_EQ(TrapOf([&] { MemoryInit(vmctx_, 0, 0, 0, 1); }), TrapKind::kMemoryOutOfBounds);
}

// --- tables ------------------------------------------------------------------

TEST_F(BuiltinsTest, ActiveElemSegmentWasAppliedAndDropped) {
  EXPECT_EQ(TableContents(0), (std::vector<uint64_t>{Ref(2), 0, 0, 0}));
  EXPECT_TRUE(instance_->elem_dropped(1));
  EXPECT_TRUE(instance_->elem_dropped(2));  // declarative
  EXPECT_FALSE(instance_->elem_dropped(0));
}

TEST_F(BuiltinsTest, TableGetAndSet) {
  EXPECT_EQ(TableGet(vmctx_, 0, 0), Ref(2));
  TableSet(vmctx_, 1, 3, kExternValue);
  EXPECT_EQ(TableGet(vmctx_, 1, 3), kExternValue);
  EXPECT_EQ(TrapOf([&] { TableGet(vmctx_, 0, 4); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableGet(vmctx_, 0, 0xffffffffu); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableSet(vmctx_, 1, 4, 1); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{0, 0, 0, kExternValue}));
}

TEST_F(BuiltinsTest, TableSizeAndGrow) {
  EXPECT_EQ(TableSize(vmctx_, 0), 4u);
  EXPECT_EQ(TableGrow(vmctx_, 0, Ref(0), 3), 4u);
  EXPECT_EQ(TableSize(vmctx_, 0), 7u);
  EXPECT_EQ(vmctx_->tables[0]->size, 7u);
  EXPECT_EQ(TableGet(vmctx_, 0, 6), Ref(0));
  EXPECT_EQ(TableGrow(vmctx_, 0, 0, 2), kFailed);  // past the maximum of 8
  EXPECT_EQ(TableGrow(vmctx_, 0, 0, 1), 7u);
  EXPECT_EQ(TableGrow(vmctx_, 0, 0, 0), 8u);
  // No maximum: bounded by 2^32 - 1 and the implementation limit.
  EXPECT_EQ(TableGrow(vmctx_, 1, 0, 0xffffffffu), kFailed);
  EXPECT_EQ(TableGrow(vmctx_, 1, kExternValue, 1000), 4u);
  EXPECT_EQ(TableSize(vmctx_, 1), 1004u);
  EXPECT_EQ(TableGet(vmctx_, 1, 1003), kExternValue);
}

TEST_F(BuiltinsTest, TableFill) {
  TableFill(vmctx_, 1, 1, kExternValue, 2);
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{0, kExternValue, kExternValue, 0}));
  TableFill(vmctx_, 1, 4, 5, 0);
  EXPECT_EQ(TrapOf([&] { TableFill(vmctx_, 1, 2, 5, 3); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableFill(vmctx_, 1, 5, 5, 0); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{0, kExternValue, kExternValue, 0}));
}

TEST_F(BuiltinsTest, TableCopyOverlaps) {
  const std::vector<uint64_t> start = {1, 2, 3, 4};
  auto reset = [&] {
    for (uint32_t i = 0; i < 4; ++i) TableSet(vmctx_, 1, i, start[i]);
  };
  reset();
  TableCopy(vmctx_, 1, 1, 0, 3, 1);
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{1, 1, 2, 3}));
  reset();
  TableCopy(vmctx_, 1, 0, 1, 3, 1);
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{2, 3, 4, 4}));
  TableCopy(vmctx_, 1, 4, 4, 0, 1);
}

TEST_F(BuiltinsTest, TableCopyAfterGrow) {
  // The copy reads and writes the grown part (the elements array moved).
  ASSERT_EQ(TableGrow(vmctx_, 0, Ref(1), 4), 4u);
  TableCopy(vmctx_, 0, 1, 4, 2, 0);
  EXPECT_EQ(TableContents(0),
            (std::vector<uint64_t>{Ref(2), Ref(1), Ref(1), 0, Ref(1), Ref(1), Ref(1), Ref(1)}));
}

TEST_F(BuiltinsTest, TableCopyOutOfBoundsWritesNothing) {
  TableSet(vmctx_, 1, 0, 9);
  EXPECT_EQ(TrapOf([&] { TableCopy(vmctx_, 1, 2, 0, 3, 1); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableCopy(vmctx_, 1, 0, 2, 3, 1); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableCopy(vmctx_, 1, 5, 0, 0, 1); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableCopy(vmctx_, 1, 0, 5, 0, 1); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{9, 0, 0, 0}));
}

TEST_F(BuiltinsTest, TableInit) {
  TableInit(vmctx_, 0, 1, 1, 3, 0);
  EXPECT_EQ(TableContents(0), (std::vector<uint64_t>{Ref(2), 0, Ref(1), Ref(2)}));
  TableInit(vmctx_, 0, 0, 0, 1, 0);
  EXPECT_EQ(TableGet(vmctx_, 0, 0), Ref(0));
  TableInit(vmctx_, 0, 4, 4, 0, 0);  // empty at both ends
  TableInit(vmctx_, 3, 0, 0, 2, 1);  // the externref segment: nulls
  EXPECT_EQ(TableContents(1), (std::vector<uint64_t>{0, 0, 0, 0}));
}

TEST_F(BuiltinsTest, TableInitOutOfBoundsWritesNothing) {
  const std::vector<uint64_t> before = TableContents(0);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 0, 0, 2, 3, 0); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 0, 2, 0, 3, 0); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 0, 5, 0, 0, 0); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 0, 0, 5, 0, 0); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TableContents(0), before);
}

TEST_F(BuiltinsTest, DroppedElemSegmentsAreEmpty) {
  // The active segment (applied at instantiation) and the declarative one.
  TableInit(vmctx_, 1, 0, 0, 0, 0);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 1, 0, 0, 1, 0); }), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 2, 0, 0, 1, 0); }), TrapKind::kTableOutOfBounds);
  ElemDrop(vmctx_, 0);
  EXPECT_TRUE(instance_->elem_dropped(0));
  ElemDrop(vmctx_, 0);
  TableInit(vmctx_, 0, 0, 0, 0, 0);
  EXPECT_EQ(TrapOf([&] { TableInit(vmctx_, 0, 0, 0, 1, 0); }), TrapKind::kTableOutOfBounds);
}

TEST_F(BuiltinsTest, RefFunc) {
  for (uint32_t f = 0; f < 3; ++f) {
    const uint64_t ref = RefFunc(vmctx_, f);
    EXPECT_EQ(ref, Ref(f));
    EXPECT_EQ(reinterpret_cast<const FuncRef*>(ref)->vmctx, vmctx_);
  }
}

// A passive externref segment whose first element is `global.get` of an
// imported global (wat2wasm 1.0.32 cannot write one, hence the bytes).
TEST(BuiltinsElementExpressionTest, GlobalGetElementsReadTheImportedGlobal) {
  using namespace ::wasm::testing;  // NOLINT: the byte builder
  const Bytes bytes = ModuleBytes({
      Section(2, Vec({Concat({Name("env"), Name("ext"), {0x03, 0x6f, 0x00}})})),  // global
      Section(4, Vec({{0x6f, 0x00, 0x02}})),  // table externref 2
      Section(9, Vec({Concat({{0x05, 0x6f},   // passive, externref, expressions
                              Vec({{0x23, 0x00, 0x0b}, {0xd0, 0x6f, 0x0b}})})})),
  });
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(bytes);
  ASSERT_TRUE(module.ok()) << module.status();
  Imports imports;
  ASSERT_TRUE(
      imports.Define("env", "ext", *Extern::NewGlobal({ValType::kExternRef, Mutability::kConst}, 5))
          .ok());
  absl::StatusOr<std::unique_ptr<Instance>> instance = Instance::Create(*module, imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  ASSERT_TRUE((*instance)->table(0)->Set(1, 9).ok());
  TableInit((*instance)->vmctx(), 0, 0, 0, 2, 0);
  EXPECT_EQ(*(*instance)->table(0)->Get(0), 5u);
  EXPECT_EQ(*(*instance)->table(0)->Get(1), 0u);
}

// --- the address table ---------------------------------------------------------

TEST(BuiltinAddressTest, EveryBuiltinHasItsFunction) {
  EXPECT_EQ(BuiltinAddress(ir::Builtin::kMemoryCopy), reinterpret_cast<const void*>(&MemoryCopy));
  EXPECT_EQ(BuiltinAddress(ir::Builtin::kTableInit), reinterpret_cast<const void*>(&TableInit));
  EXPECT_EQ(BuiltinAddress(ir::Builtin::kRefFunc), reinterpret_cast<const void*>(&RefFunc));
  std::set<const void*> addresses;
  int count = 0;
#define WASM_COUNT_BUILTIN(name, text, params, results)             \
  ++count;                                                          \
  EXPECT_NE(BuiltinAddress(ir::Builtin::k##name), nullptr) << text; \
  addresses.insert(BuiltinAddress(ir::Builtin::k##name));
  IR_BUILTINS(WASM_COUNT_BUILTIN)
#undef WASM_COUNT_BUILTIN
  EXPECT_GT(count, 0);
  EXPECT_EQ(addresses.size(), static_cast<size_t>(count));  // all distinct
}

TEST_F(BuiltinsTest, CalledThroughTheAddressTable) {
  using Fill = void(VMContext*, uint32_t, uint32_t, uint32_t, uint32_t);
  auto* fill = reinterpret_cast<Fill*>(const_cast<void*>(BuiltinAddress(ir::Builtin::kMemoryFill)));
  fill(vmctx_, 0, 10, 'q', 2);
  EXPECT_EQ(MemString(10, 2), "qq");
  EXPECT_EQ(TrapOf([&] { fill(vmctx_, 0, kPage, 'q', 1); }), TrapKind::kMemoryOutOfBounds);
}

}  // namespace
}  // namespace wasm
