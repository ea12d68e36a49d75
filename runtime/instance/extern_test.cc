#include "runtime/instance/extern.h"

#include "gtest/gtest.h"

namespace wasm {
namespace {

TEST(ExternTest, NewGlobalHoldsItsValue) {
  absl::StatusOr<Extern> g = Extern::NewGlobal({ValType::kI32, Mutability::kVar}, 42);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->kind(), ExternKind::kGlobal);
  EXPECT_EQ(g->global()->Get(ValType::kI32), 42u);
  EXPECT_EQ(g->TypeString(), "global (mut i32)");
  EXPECT_EQ(g->func(), nullptr);
  EXPECT_EQ(g->table(), nullptr);
  EXPECT_EQ(g->memory(), nullptr);
  EXPECT_EQ(g->owner(), g->shared_global());
}

TEST(ExternTest, CopiesShareTheObject) {
  Extern g = *Extern::NewGlobal({ValType::kI64, Mutability::kVar}, 1);
  Extern copy = g;
  copy.global()->Set(ValType::kI64, 2);
  EXPECT_EQ(g.global()->Get(ValType::kI64), 2u);
}

TEST(ExternTest, TableAndMemoryTypeStrings) {
  TableType type;
  type.elem_type = ValType::kExternRef;
  type.limits.min = 3;
  type.limits.max = 9;
  Extern table = Extern::FromTable(*Table::Create(type));
  EXPECT_EQ(table.kind(), ExternKind::kTable);
  EXPECT_EQ(table.TypeString(), "table externref {min 3, max 9}");

  Extern memory = Extern::FromMemory(*LinearMemory::Create(1, 2, MemorySharing::kShared));
  EXPECT_EQ(memory.kind(), ExternKind::kMemory);
  EXPECT_EQ(memory.TypeString(), "memory {min 1, max 2, shared}");
  EXPECT_EQ(memory.owner(), memory.shared_memory());
}

TEST(ExternTest, HostFunctionIsKeptAlive) {
  std::weak_ptr<HostFunction> weak;
  {
    auto f = *HostFunction::Create(FuncType{{ValType::kI32}, {}}, [](absl::Span<uint64_t>) {});
    weak = f;
    Extern e = Extern::FromHostFunction(f);
    f.reset();
    EXPECT_FALSE(weak.expired());
    EXPECT_EQ(e.kind(), ExternKind::kFunc);
    EXPECT_EQ(e.func(), weak.lock()->func_ref());
    EXPECT_EQ(e.TypeString(), "func (i32) -> ()");
  }
  EXPECT_TRUE(weak.expired());
}

TEST(ExternTest, NullObjectsPrintAsNull) {
  EXPECT_EQ(Extern::FromFunction(nullptr).TypeString(), "func (null)");
  EXPECT_EQ(Extern::FromTable(nullptr).TypeString(), "table (null)");
  EXPECT_EQ(Extern::FromMemory(nullptr).TypeString(), "memory (null)");
}

TEST(ExternTest, LimitsString) {
  Limits limits;
  limits.min = 1;
  EXPECT_EQ(LimitsString(limits), "{min 1}");
  limits.max = 4;
  EXPECT_EQ(LimitsString(limits), "{min 1, max 4}");
}

}  // namespace
}  // namespace wasm
