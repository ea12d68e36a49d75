#include "runtime/instance/table.h"

#include "gtest/gtest.h"
#include "runtime/limits.h"

namespace wasm {
namespace {

TableType Type(ValType elem, uint64_t min, std::optional<uint64_t> max = std::nullopt) {
  TableType t;
  t.elem_type = elem;
  t.limits.min = min;
  t.limits.max = max;
  return t;
}

TEST(TableTest, CreateFillsWithNullOrInit) {
  absl::StatusOr<std::shared_ptr<Table>> table = Table::Create(Type(ValType::kFuncRef, 3, 5));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->size(), 3u);
  EXPECT_EQ((*table)->max(), 5u);
  EXPECT_EQ((*table)->view()->size, 3u);
  for (uint64_t e : (*table)->elements()) EXPECT_EQ(e, 0u);

  absl::StatusOr<std::shared_ptr<Table>> filled = Table::Create(Type(ValType::kExternRef, 2), 9);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(*(*filled)->Get(0), 9u);
  EXPECT_EQ(*(*filled)->Get(1), 9u);
}

TEST(TableTest, GetSetBounds) {
  auto table = *Table::Create(Type(ValType::kExternRef, 2));
  ASSERT_TRUE(table->Set(1, 77).ok());
  EXPECT_EQ(*table->Get(1), 77u);
  EXPECT_EQ(table->Get(2).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(std::string(table->Get(2).status().message()), "out of bounds table access");
  EXPECT_EQ(table->Set(2, 1).code(), absl::StatusCode::kOutOfRange);
}

TEST(TableTest, GrowReturnsOldSizeAndFills) {
  auto table = *Table::Create(Type(ValType::kExternRef, 1, 10));
  ASSERT_TRUE(table->Set(0, 5).ok());
  absl::StatusOr<uint64_t> old = table->Grow(3, 8);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(*old, 1u);
  EXPECT_EQ(table->size(), 4u);
  EXPECT_EQ(table->view()->size, 4u);
  EXPECT_EQ(*table->Get(0), 5u);
  for (uint64_t i = 1; i < 4; ++i) EXPECT_EQ(*table->Get(i), 8u);
  EXPECT_EQ(*table->Grow(0, 1), 4u);
  EXPECT_EQ(table->size(), 4u);
}

TEST(TableTest, GrowPastMaximumFailsAndChangesNothing) {
  auto table = *Table::Create(Type(ValType::kFuncRef, 2, 3));
  EXPECT_EQ(table->Grow(2, 0).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(table->size(), 2u);
  EXPECT_EQ(*table->Grow(1, 0), 2u);
  EXPECT_EQ(table->Grow(1, 0).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(TableTest, GrowPastTheSpecLimitFails) {
  auto table = *Table::Create(Type(ValType::kFuncRef, 16));
  EXPECT_EQ(table->Grow(0xfffffff0u, 0).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(table->size(), 16u);
}

TEST(TableTest, GrowPastTheImplementationLimitFails) {
  auto table = *Table::Create(Type(ValType::kFuncRef, 0));
  const absl::Status status = table->Grow(kMaxTableSize + 1, 0).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(table->size(), 0u);
}

TEST(TableTest, ManySmallGrowsKeepContents) {
  auto table = *Table::Create(Type(ValType::kExternRef, 0));
  for (uint64_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(*table->Grow(1, i + 1), i);
  }
  for (uint64_t i = 0; i < 1000; ++i) ASSERT_EQ(*table->Get(i), i + 1);
}

TEST(TableTest, TypeReportsCurrentSize) {
  auto table = *Table::Create(Type(ValType::kFuncRef, 1, 4));
  ASSERT_TRUE(table->Grow(2, 0).ok());
  const TableType type = table->type();
  EXPECT_EQ(type.elem_type, ValType::kFuncRef);
  EXPECT_EQ(type.limits.min, 3u);
  EXPECT_EQ(type.limits.max, 4u);
}

TEST(TableTest, RejectsBadTypesAndHugeTables) {
  EXPECT_EQ(Table::Create(Type(ValType::kI32, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Table::Create(Type(ValType::kFuncRef, 3, 2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status huge = Table::Create(Type(ValType::kFuncRef, 0xffffffffu)).status();
  EXPECT_EQ(huge.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(huge.message().find("implementation limit"), absl::string_view::npos) << huge;
}

TEST(TableTest, LargestTableIsAllowed) {
  absl::StatusOr<std::shared_ptr<Table>> table =
      Table::Create(Type(ValType::kFuncRef, kMaxTableSize));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->size(), kMaxTableSize);
  EXPECT_EQ(*(*table)->Get(kMaxTableSize - 1), 0u);
}

}  // namespace
}  // namespace wasm
