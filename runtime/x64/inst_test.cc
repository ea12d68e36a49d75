// Inst beyond encoding: operand checking, the register-operand listing the
// register allocator reads, and NarrowImmediate. (Encoding and printing of
// every form: emit_test.cc.)
#include "runtime/x64/inst.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/x64/encode.h"
#include "runtime/x64/regs.h"

namespace wasm::x64 {
namespace {

using F = Form;
using ::testing::HasSubstr;

struct OperandsRow {
  Inst inst;
  const char* listing;
};

// One row per operand shape of the table.
const OperandsRow kOperandRows[] = {
    {{F::kAdd64RM, {kRax, kRbx}}, "usedef rax, use rbx"},
    {{F::kMov64RM, {kRax, Mem(kRbp, kRcx, 8)}}, "def rax, use rbp, use rcx"},
    {{F::kMov64MR, {Mem(kRax, 8), kRbx}}, "use rax, use rbx"},  // a store defines no register
    {{F::kMov64MR, {kRcx, kRbx}}, "def rcx, use rbx"},
    {{F::kMov32OI, {kR9, Imm(1)}}, "def r9"},
    {{F::kAdd32MI8, {Mem(kRsp, 4), Imm(1)}}, "use rsp"},
    {{F::kShl32MC, {kRax}}, "usedef rax, fixed use rcx"},
    {{F::kSar64MI, {kRdx, Imm(3)}}, "usedef rdx"},
    {{F::kDiv64M, {kRcx}}, "use rcx, fixed usedef rax, fixed usedef rdx"},
    {{F::kIdiv32M, {Mem(kRsp)}}, "use rsp, fixed usedef rax, fixed usedef rdx"},
    {{F::kCdq, {}}, "fixed use rax, fixed def rdx"},
    {{F::kCmp64RM, {kRax, kRbx}}, "use rax, use rbx"},
    {{F::kTest32MR, {kRax, kRax}}, "use rax, use rax"},
    {{F::kCmov32RM, {Cond::kE, kRax, kRbx}}, "usedef rax, use rbx"},
    {{F::kSetccM8, {Cond::kNe, kRsi}}, "def rsi"},
    {{F::kImul64RMI, {kRax, kRbx, Imm(10)}}, "def rax, use rbx"},
    {{F::kXchg64MR, {kRax, kR10}}, "usedef rax, usedef r10"},
    {{F::kLea64RM, {kRax, Mem(kRdi, kRsi, 1, 8)}}, "def rax, use rdi, use rsi"},
    {{F::kLea64RM, {kRax, Mem::Rip(Label(0))}}, "def rax"},
    {{F::kPush64O, {kRbp}}, "use rbp"},
    {{F::kPop64O, {kR15}}, "def r15"},
    {{F::kCallM, {kR11}}, "use r11"},
    {{F::kJccRel8, {Cond::kE, Label(0)}}, ""},
    {{F::kRet, {}}, ""},
    {{F::kAddsdRM, {kXmm0, kXmm1}}, "usedef xmm0, use xmm1"},
    {{F::kSqrtsdRM, {kXmm0, Mem(kRax)}}, "def xmm0, use rax"},
    {{F::kMovssMR, {Mem(kRsp, 4), kXmm1}}, "use rsp, use xmm1"},
    {{F::kUcomisdRM, {kXmm2, kXmm3}}, "use xmm2, use xmm3"},
    {{F::kCvttsd2si64RM, {kRax, kXmm1}}, "def rax, use xmm1"},
    {{F::kCvtsi2sd32RM, {kXmm1, kRax}}, "def xmm1, use rax"},
    {{F::kMovqMR, {kRax, kXmm1}}, "def rax, use xmm1"},
    {{F::kRoundsdRMI, {kXmm0, kXmm1, Imm(1)}}, "def xmm0, use xmm1"},
};

TEST(InstTest, RegOperandListing) {
  for (const OperandsRow& row : kOperandRows) {
    EXPECT_EQ(RegOperandsToString(row.inst), row.listing) << ToString(row.inst);
  }
}

TEST(InstTest, RegOperandSlots) {
  Inst store(F::kMov64MR, {Mem(kRbx, kRcx, 4), kRdx});
  std::vector<RegOperand> ops;
  ForEachRegOperand(store, [&](const RegOperand& r) { ops.push_back(r); });
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].reg, kRbx);
  EXPECT_TRUE(ops[0].in_memory);
  EXPECT_EQ(ops[0].operand_index, 0);
  EXPECT_EQ(ops[1].reg, kRcx);
  EXPECT_TRUE(ops[1].in_memory);
  EXPECT_EQ(ops[2].reg, kRdx);
  EXPECT_EQ(ops[2].access, Access::kUse);
  EXPECT_FALSE(ops[2].in_memory);
  EXPECT_EQ(ops[2].operand_index, 1);

  Inst shift(F::kShr64MC, {kRax});
  ops.clear();
  ForEachRegOperand(shift, [&](const RegOperand& r) { ops.push_back(r); });
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_TRUE(ops[1].fixed);
  EXPECT_EQ(ops[1].reg, kRcx);
  EXPECT_EQ(ops[1].operand_index, -1);
}

TEST(InstTest, RewritingAnOperandChangesTheEncoding) {
  Inst add(F::kAdd64RM, {kRax, kRbx});
  *add.mutable_operand(0).mutable_reg() = kR9;
  EXPECT_EQ(ToString(add), "add r9, rbx");
  EncodedInst e;
  ASSERT_TRUE(Encode(add, &e).ok());
  EXPECT_EQ(e.size, 3);
  EXPECT_EQ(e.bytes[0], 0x4c);  // REX.W + REX.R
}

struct BadRow {
  Inst inst;
  const char* error;
};

const BadRow kBadRows[] = {
    {{F::kAdd64RM, {kRax}}, "expected 2 operands, got 1"},
    {{F::kAdd64RM, {kRax, kRbx, kRcx}}, "expected 2 operands, got 3"},
    {{F::kAdd64RM, {kXmm0, kRbx}}, "expected a general-purpose register"},
    {{F::kAddsdRM, {kRax, kXmm1}}, "expected an xmm register"},
    {{F::kAddsdRM, {kXmm0, kRax}}, "expected an xmm register or memory"},
    {{F::kAdd64RM, {kRax, Imm(1)}}, "expected a general-purpose register or memory"},
    {{F::kLea64RM, {kRax, kRbx}}, "expected memory"},
    {{F::kMov32OI, {Mem(kRax), Imm(1)}}, "expected a general-purpose register"},
    {{F::kAdd64MI8, {kRax, Imm(128)}}, "does not fit simm8"},
    {{F::kAdd64MI8, {kRax, Imm(-129)}}, "does not fit simm8"},
    {{F::kShl32MI, {kRax, Imm(256)}}, "does not fit imm8"},
    {{F::kAdd64MI, {kRax, Imm(0x80000000)}}, "does not fit simm32"},
    {{F::kAdd32MI, {kRax, Imm(0x100000000)}}, "does not fit imm32"},
    {{F::kMov16MI, {Mem(kRax), Imm(0x10000)}}, "does not fit imm16"},
    {{F::kMov64RM, {kRax, Mem(kRax, kRsp, 1)}}, "rsp cannot be an index"},
    {{F::kMov64RM, {kRax, Mem(kRax, kRcx, 3)}}, "scale must be 1, 2, 4 or 8"},
    {{F::kMov64RM, {kRax, Mem(Reg())}}, "memory base must be a GPR"},
    {{F::kMov64RM, {kRax, Mem(kXmm0)}}, "memory base must be a GPR"},
    {{F::kJmpRel8, {ExternalSymbol(1)}}, "expected a label (or a symbol for rel32)"},
    {{F::kJmpRel32, {Label()}}, "expected a label"},
    {{F::kJccRel8, {Label(0), Cond::kE}}, "expected a condition code"},
    {{F::kSetccM8, {kRax, Cond::kE}}, "expected a condition code"},
};

TEST(InstTest, CheckOperandsRejects) {
  for (const BadRow& row : kBadRows) {
    absl::Status s = CheckOperands(row.inst);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << row.error;
    EXPECT_THAT(std::string(s.message()), HasSubstr(row.error));
    EncodedInst e;
    EXPECT_FALSE(Encode(row.inst, &e).ok()) << row.error;
  }
}

TEST(InstTest, CheckOperandsAcceptsRangeEnds) {
  EXPECT_TRUE(CheckOperands(Inst(F::kAdd64MI8, {kRax, Imm(-128)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kAdd64MI8, {kRax, Imm(127)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kMov8MI, {Mem(kRax), Imm(255)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kAdd32MI, {kRax, Imm(0xffffffff)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kAdd32MI, {kRax, Imm(INT32_MIN)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kAdd64MI, {kRax, Imm(INT32_MIN)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kMov64OI, {kRax, Imm(INT64_MIN)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kCallRel32, {ExternalSymbol(1)})).ok());
  EXPECT_TRUE(CheckOperands(Inst(F::kMov64RM, {kRax, Mem(kRax, kR12, 8)})).ok());
}

TEST(InstTest, NarrowImmediate) {
  struct Case {
    Inst in;
    Form want;
  };
  const Case cases[] = {
      {{F::kAdd64MI, {kRax, Imm(8)}}, F::kAdd64MI8},
      {{F::kAdd64MI, {kRax, Imm(-128)}}, F::kAdd64MI8},
      {{F::kAdd64MI, {kRax, Imm(128)}}, F::kAdd64MI},
      {{F::kAdd32MI, {kRax, Imm(-1)}}, F::kAdd32MI8},
      {{F::kAdd32MI, {kRax, Imm(0xff)}}, F::kAdd32MI},
      {{F::kCmp64MI, {Mem(kRsp, 8), Imm(0)}}, F::kCmp64MI8},
      {{F::kSub32MI, {kRax, Imm(1)}}, F::kSub32MI8},
      {{F::kImul32RMI, {kRax, kRbx, Imm(5)}}, F::kImul32RMI8},
      {{F::kMov64MI, {kRax, Imm(1)}}, F::kMov64MI},    // no simm8 twin
      {{F::kTest64MI, {kRax, Imm(1)}}, F::kTest64MI},  // no simm8 twin
      {{F::kAdd64RM, {kRax, kRbx}}, F::kAdd64RM},      // no immediate
  };
  for (const Case& c : cases) {
    Inst out = NarrowImmediate(c.in);
    EXPECT_EQ(out.form(), c.want) << ToString(c.in);
    EXPECT_EQ(ToString(out), ToString(c.in));  // same instruction, shorter bytes
    EncodedInst e;
    EXPECT_TRUE(Encode(out, &e).ok()) << ToString(c.in);
  }
}

TEST(InstTest, Conditions) {
  EXPECT_EQ(Negate(Cond::kE), Cond::kNe);
  EXPECT_EQ(Negate(Cond::kNe), Cond::kE);
  EXPECT_EQ(Negate(Cond::kL), Cond::kGe);
  EXPECT_EQ(Negate(Cond::kA), Cond::kBe);
  EXPECT_EQ(std::string(CondName(Cond::kAe)), "ae");
  EXPECT_EQ(std::string(CondName(Cond::kG)), "g");
}

TEST(InstTest, FormInfoComesFromTheTable) {
  const FormInfo& f = GetFormInfo(F::kRoundsdRMI);
  EXPECT_EQ(std::string(f.name), "RoundsdRMI");
  EXPECT_EQ(std::string(f.mnemonic), "roundsd");
  EXPECT_EQ(f.prefix, Prefix::k66);
  EXPECT_EQ(f.opcode_len, 3);
  EXPECT_EQ(f.opcode[1], 0x3a);
  EXPECT_EQ(f.num_explicit, 3);
  EXPECT_EQ(GetFormInfo(F::kDiv64M).num_specs, 3);
  EXPECT_EQ(GetFormInfo(F::kDiv64M).num_explicit, 1);
  EXPECT_EQ(GetFormInfo(F::kShl32MC).digit, 4);
}

}  // namespace
}  // namespace wasm::x64
