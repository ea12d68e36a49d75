#include "runtime/x64/regs.h"

#include <string>

#include "gtest/gtest.h"

namespace wasm::x64 {
namespace {

TEST(RegsTest, EncodingsAndRexBit) {
  EXPECT_EQ(kRax.enc(), 0);
  EXPECT_EQ(kRdi.enc(), 7);
  EXPECT_EQ(kR12.enc(), 12);
  EXPECT_EQ(kR12.low3(), 4);  // shares rsp's low bits: the SIB special case
  EXPECT_TRUE(kR12.high());
  EXPECT_FALSE(kRsp.high());
  EXPECT_EQ(kXmm13.enc(), 13);
  EXPECT_TRUE(kXmm13.is_xmm());
  EXPECT_FALSE(kXmm13.is_gpr());
  EXPECT_FALSE(Reg().is_valid());
  EXPECT_NE(Reg::Gpr(3), Reg::Xmm(3));
}

TEST(RegsTest, NamesByWidth) {
  EXPECT_EQ(std::string(RegName(kRax)), "rax");
  EXPECT_EQ(std::string(RegName(kRax, 32)), "eax");
  EXPECT_EQ(std::string(RegName(kRax, 16)), "ax");
  EXPECT_EQ(std::string(RegName(kRax, 8)), "al");
  EXPECT_EQ(std::string(RegName(kRsi, 8)), "sil");
  EXPECT_EQ(std::string(RegName(kRsp, 8)), "spl");
  EXPECT_EQ(std::string(RegName(kR8, 32)), "r8d");
  EXPECT_EQ(std::string(RegName(kR15, 16)), "r15w");
  EXPECT_EQ(std::string(RegName(kR9, 8)), "r9b");
  EXPECT_EQ(std::string(RegName(kXmm3, 32)), "xmm3");
  EXPECT_EQ(std::string(RegName(Reg())), "<bad>");
  EXPECT_EQ(std::string(RegName(kRax, 12)), "<bad>");
}

TEST(RegsTest, RegSet) {
  RegSet s = {kRbx, kXmm0};
  s.Add(kR15);
  EXPECT_TRUE(s.Contains(kRbx));
  EXPECT_FALSE(s.Contains(kXmm3));
  EXPECT_FALSE(s.Contains(kRax));
  EXPECT_EQ(s.size(), 3);
  EXPECT_EQ(s.ToString(), "{rbx, r15, xmm0}");
  s.Remove(kRbx);
  EXPECT_EQ(s.ToString(), "{r15, xmm0}");
  EXPECT_EQ(RegSet(kSysVIntArgRegs).ToString(), "{rcx, rdx, rsi, rdi, r8, r9}");
}

TEST(RegsTest, SysVSetsPartitionEverythingButRsp) {
  RegSet all;
  for (int i = 0; i < 16; ++i) all.Add(Reg::Gpr(i));
  for (int i = 0; i < 16; ++i) all.Add(Reg::Xmm(i));
  EXPECT_EQ(kSysVCalleeSaved.bits() & kSysVCallerSaved.bits(), 0u);  // disjoint
  EXPECT_EQ(kSysVCalleeSaved.Union(kSysVCallerSaved), all.Minus({kRsp}));
  EXPECT_EQ(kSysVCalleeSaved.ToString(), "{rbx, rbp, r12, r13, r14, r15}");
  EXPECT_EQ(kSysVIntArgRegs[0], kRdi);
  EXPECT_EQ(kSysVIntArgRegs[3], kRcx);
  EXPECT_EQ(kSysVFloatArgRegs[7], kXmm7);
  EXPECT_EQ(kSysVIntReturnRegs[1], kRdx);
  for (Reg r : kSysVIntArgRegs) EXPECT_TRUE(kSysVCallerSaved.Contains(r));
}

}  // namespace
}  // namespace wasm::x64
