// GlobalCell's value widths (the layout itself is static_asserted in
// vmcontext.h).
#include "runtime/instance/vmcontext.h"

#include <cstring>

#include "gtest/gtest.h"

namespace wasm {
namespace {

TEST(GlobalCellTest, I32UsesTheLowFourBytesOnly) {
  GlobalCell cell;
  cell.Set(ValType::kI64, 0x1122334455667788u);
  cell.Set(ValType::kI32, 0xffffffffaabbccddu);
  EXPECT_EQ(cell.Get(ValType::kI32), 0xaabbccddu);
  // Generated code stores 4 bytes for an i32: the other bytes are untouched.
  EXPECT_EQ(cell.Get(ValType::kI64), 0x11223344aabbccddu);
}

TEST(GlobalCellTest, SixtyFourBitValuesAndReferences) {
  GlobalCell cell;
  cell.Set(ValType::kF64, 0x400921fb54442d18u);
  EXPECT_EQ(cell.Get(ValType::kF64), 0x400921fb54442d18u);
  cell.Set(ValType::kExternRef, 43);
  EXPECT_EQ(cell.Get(ValType::kExternRef), 43u);
}

TEST(GlobalCellTest, LittleEndianFromByteZero) {
  GlobalCell cell;
  cell.Set(ValType::kF32, 0x3fc00000u);  // 1.5f
  float f;
  std::memcpy(&f, cell.bytes, sizeof(f));
  EXPECT_EQ(f, 1.5f);
}

TEST(GlobalCellTest, V128ClearsTheHighHalf) {
  GlobalCell cell;
  std::memset(cell.bytes, 0xab, sizeof(cell.bytes));
  cell.Set(ValType::kV128, 7);
  EXPECT_EQ(cell.Get(ValType::kV128), 7u);
  for (int i = 8; i < 16; ++i) EXPECT_EQ(cell.bytes[i], 0) << i;
}

TEST(VMContextTest, OffsetsAreWhatGeneratedCodeUses) {
  // Spelled out once more so that a layout change shows up as a test diff.
  EXPECT_EQ(kVmMemoryBase, 0);
  EXPECT_EQ(kVmMemory, 8);
  EXPECT_EQ(kVmGlobals, 16);
  EXPECT_EQ(kVmTables, 24);
  EXPECT_EQ(kVmFuncRefs, 32);
  EXPECT_EQ(kVmSigIds, 40);
  EXPECT_EQ(kVmStackLimit, 48);
  EXPECT_EQ(kVmInstance, 56);
  EXPECT_EQ(kVmHostFunction, 64);
  EXPECT_EQ(kFuncRefSigId, 24);
  EXPECT_EQ(kTableViewSize, 8);
}

}  // namespace
}  // namespace wasm
