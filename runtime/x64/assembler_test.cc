// Assembler: labels, branch relaxation (boundaries, cascades, alignment),
// trap sites and relocations after relaxation, the constant pool, errors, and
// code that actually runs.
#include "runtime/x64/assembler.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/x64/inst.h"
#include "runtime/x64/regs.h"

namespace wasm::x64 {
namespace {

using F = Form;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Hex(absl::Span<const uint8_t> bytes) {
  std::vector<std::string> parts;
  for (uint8_t b : bytes) parts.push_back(absl::StrCat(absl::Hex(b, absl::kZeroPad2)));
  return absl::StrJoin(parts, " ");
}

AssembledCode FinishOrDie(Assembler& a) {
  absl::StatusOr<AssembledCode> code = a.Finish();
  EXPECT_TRUE(code.ok()) << code.status();
  return code.ok() ? *std::move(code) : AssembledCode{};
}

void Nops(Assembler& a, int n) {
  for (int i = 0; i < n; ++i) a.Emit(F::kNop);
}

int32_t ReadI32(const std::vector<uint8_t>& b, size_t at) {
  int32_t v;
  std::memcpy(&v, &b[at], 4);
  return v;
}

// ---- The allocator's moves ----------------------------------------------------

// MovRegReg / MovLoad / MovStore give exactly Emit's bytes for every register
// and the displacement boundaries.
TEST(MovTest, SameBytesAsEmit) {
  const int32_t disps[] = {0, 8, -8, 127, 128, -128, -129, 0x12345, -0x12345};
  for (RegClass cls : {RegClass::kGpr, RegClass::kXmm}) {
    const bool gpr = cls == RegClass::kGpr;
    for (int a = 0; a < 16; ++a) {
      const Reg r = gpr ? Reg::Gpr(a) : Reg::Xmm(a);
      Assembler direct, emitted;
      for (int b = 0; b < 16; ++b) {
        const Reg s = gpr ? Reg::Gpr(b) : Reg::Xmm(b);
        direct.MovRegReg(cls, r, s);
        emitted.Emit(gpr ? F::kMov64RM : F::kMovapsRM, r, s);
        for (int32_t d : disps) {
          const Reg base = Reg::Gpr(b);
          direct.MovLoad(cls, r, base, d);
          emitted.Emit(gpr ? F::kMov64RM : F::kMovsdRM, r, Mem(base, d));
          direct.MovStore(cls, base, d, r);
          emitted.Emit(gpr ? F::kMov64MR : F::kMovsdMR, Mem(base, d), r);
        }
      }
      EXPECT_EQ(Hex(FinishOrDie(direct).bytes), Hex(FinishOrDie(emitted).bytes));
    }
  }
}

TEST(MovTest, WrongClassFails) {
  Assembler a;
  a.MovRegReg(RegClass::kGpr, kRax, kXmm1);
  EXPECT_FALSE(a.Finish().ok());
  Assembler b;
  b.MovLoad(RegClass::kXmm, kRax, kRbp, -8);
  EXPECT_FALSE(b.Finish().ok());
  Assembler c;
  c.MovStore(RegClass::kGpr, kXmm0, 8, kRax);
  EXPECT_FALSE(c.Finish().ok());
}

// ---- Short / long selection ---------------------------------------------------

// A field patched after later code (the baseline tier's frame size): the
// bytes before any branch are final, so the patch lands as written, and a
// relaxed branch after it does not move it.
TEST(PatchTest, ImmediateBeforeBranchesIsPatchedInPlace) {
  Assembler a;
  a.Emit(F::kSub64MI, kRsp, Imm(0));
  const size_t at = a.FixedSize() - 4;
  Label l = a.NewLabel();
  a.J(Cond::kE, l);
  a.Emit(F::kRet);
  a.Bind(l);
  a.PatchInt32(at, 0x12345678);
  a.PatchInt32(a.FixedSize() + 100, 1);  // beyond the code: ignored
  absl::StatusOr<AssembledCode> code = a.Finish();
  ASSERT_TRUE(code.ok()) << code.status();
  // sub rsp, imm32 = 48 81 ec imm32; then je rel8 (74 01); ret.
  EXPECT_THAT(code->bytes, ElementsAre(0x48, 0x81, 0xec, 0x78, 0x56, 0x34, 0x12, 0x74, 0x01, 0xc3));
}

TEST(RelaxationTest, ForwardAndBackwardShort) {
  Assembler a;
  Label fwd = a.NewLabel(), back = a.NewLabel();
  a.Bind(back);
  a.Jmp(fwd);
  a.Emit(F::kNop);
  a.Bind(fwd);
  a.J(Cond::kNe, back);
  AssembledCode code = FinishOrDie(a);
  // jmp +1; nop; jne -5 (back to 0 from the end at 5)
  EXPECT_EQ(Hex(code.bytes), "eb 01 90 75 fb");
  EXPECT_EQ(a.LabelOffset(fwd), 3u);
  EXPECT_EQ(a.LabelOffset(back), 0u);
}

TEST(RelaxationTest, JumpToTheNextInstruction) {
  Assembler a;
  Label next = a.NewLabel();
  a.Jmp(next);
  a.Bind(next);
  EXPECT_EQ(Hex(FinishOrDie(a).bytes), "eb 00");
}

// Forward: the displacement is counted from the end of the 2-byte branch, so
// `gap` bytes between branch and label give rel8 = gap.
TEST(RelaxationTest, ForwardBoundary127Short128Long) {
  for (bool jcc : {false, true}) {
    for (int gap : {127, 128}) {
      Assembler a;
      Label l = a.NewLabel();
      if (jcc) {
        a.J(Cond::kE, l);
      } else {
        a.Jmp(l);
      }
      Nops(a, gap);
      a.Bind(l);
      AssembledCode code = FinishOrDie(a);
      SCOPED_TRACE(absl::StrCat(jcc ? "je" : "jmp", " over ", gap));
      if (gap == 127) {
        ASSERT_EQ(code.bytes.size(), 2u + gap);
        EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).first(2)), jcc ? "74 7f" : "eb 7f");
      } else {
        size_t size = jcc ? 6 : 5;
        ASSERT_EQ(code.bytes.size(), size + gap);
        EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).first(size)),
                  jcc ? "0f 84 80 00 00 00" : "e9 80 00 00 00");
      }
      EXPECT_EQ(a.LabelOffset(l), code.bytes.size());
    }
  }
}

// Backward: `gap` bytes between label and branch give rel8 = -(gap + 2).
TEST(RelaxationTest, BackwardBoundaryMinus128ShortMinus129Long) {
  for (bool jcc : {false, true}) {
    for (int gap : {126, 127}) {
      Assembler a;
      Label l = a.NewLabel();
      a.Bind(l);
      Nops(a, gap);
      if (jcc) {
        a.J(Cond::kL, l);
      } else {
        a.Jmp(l);
      }
      AssembledCode code = FinishOrDie(a);
      SCOPED_TRACE(absl::StrCat(jcc ? "jl" : "jmp", " back over ", gap));
      auto tail = [&](size_t n) { return Hex(absl::MakeSpan(code.bytes).last(n)); };
      if (gap == 126) {  // -128
        ASSERT_EQ(code.bytes.size(), gap + 2u);
        EXPECT_EQ(tail(2), jcc ? "7c 80" : "eb 80");
      } else if (jcc) {  // would be -129: long, -(127 + 6) = -133
        ASSERT_EQ(code.bytes.size(), gap + 6u);
        EXPECT_EQ(tail(6), "0f 8c 7b ff ff ff");
      } else {  // long, -(127 + 5) = -132
        ASSERT_EQ(code.bytes.size(), gap + 5u);
        EXPECT_EQ(tail(5), "e9 7c ff ff ff");
      }
    }
  }
}

// Relaxing the inner branch pushes the outer one over the edge: the fixed
// point needs a second round.
TEST(RelaxationTest, CascadeNeedsASecondPass) {
  Assembler a;
  Label l1 = a.NewLabel(), l2 = a.NewLabel();
  a.Jmp(l1);  // spans the inner jmp + 123 nops: 125 if the inner is short, 128 if long
  a.Jmp(l2);  // spans 123 + 200 nops: long
  Nops(a, 123);
  a.Bind(l1);
  Nops(a, 200);
  a.Bind(l2);
  AssembledCode code = FinishOrDie(a);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).first(10)), "e9 80 00 00 00 e9 43 01 00 00");
  EXPECT_EQ(a.LabelOffset(l1), 5u + 5u + 123u);
  EXPECT_EQ(a.LabelOffset(l2), 5u + 5u + 123u + 200u);
}

// Many branches over one another; check every displacement against the final
// label offsets by decoding the bytes.
TEST(RelaxationTest, EveryBranchLandsOnItsLabel) {
  Assembler a;
  std::vector<Label> labels;
  for (int i = 0; i < 40; ++i) labels.push_back(a.NewLabel());
  // Branch i sits before label i's binding, with growing gaps; backward
  // branches go to earlier labels.
  for (int i = 0; i < 40; ++i) {
    a.J(static_cast<Cond>(i % 16), labels[i]);
    if (i >= 2) a.Jmp(labels[i - 2]);
    Nops(a, i * 5);
    if (i % 3 == 0) a.Align(16);
    a.Bind(labels[i]);
  }
  AssembledCode code = FinishOrDie(a);
  // Walk the code: 70+cc rel8 / 0f 8x rel32 / eb rel8 / e9 rel32 / nops / padding.
  std::vector<uint32_t> targets;
  size_t pc = 0;
  const std::vector<uint8_t>& b = code.bytes;
  while (pc < b.size()) {
    uint8_t op = b[pc];
    if (op == 0xeb || (op >= 0x70 && op <= 0x7f)) {
      targets.push_back(static_cast<uint32_t>(pc + 2 + static_cast<int8_t>(b[pc + 1])));
      pc += 2;
    } else if (op == 0xe9) {
      targets.push_back(static_cast<uint32_t>(pc + 5 + ReadI32(b, pc + 1)));
      pc += 5;
    } else if (op == 0x0f && (b[pc + 1] & 0xf0) == 0x80) {
      targets.push_back(static_cast<uint32_t>(pc + 6 + ReadI32(b, pc + 2)));
      pc += 6;
    } else if (op == 0x90) {
      pc += 1;
    } else {
      // A multi-byte nop from Align: 66* 0f 1f ...; skip to the next label
      // offset, which Align guarantees is where padding ends.
      size_t next = b.size();
      for (Label l : labels) {
        if (a.LabelOffset(l) > pc) next = std::min<size_t>(next, a.LabelOffset(l));
      }
      ASSERT_EQ(next % 16, 0u) << "unexpected byte " << int{op} << " at " << pc;
      pc = next;
    }
  }
  std::vector<uint32_t> want;
  for (int i = 0; i < 40; ++i) {
    want.push_back(a.LabelOffset(labels[i]));
    if (i >= 2) want.push_back(a.LabelOffset(labels[i - 2]));
  }
  EXPECT_EQ(targets, want);
  for (int i = 0; i < 40; i += 3) EXPECT_EQ(a.LabelOffset(labels[i]) % 16, 0u) << i;
}

TEST(RelaxationTest, AlignPadsWithNopsAndFollowsRelaxation) {
  Assembler a;
  Label far = a.NewLabel(), aligned = a.NewLabel();
  a.Jmp(far);  // becomes long (5 bytes): padding shrinks from 14 to 11 (9 + 2)
  a.Align(16);
  a.Bind(aligned);
  a.Emit(F::kRet);
  Nops(a, 200);
  a.Bind(far);
  AssembledCode code = FinishOrDie(a);
  EXPECT_EQ(a.LabelOffset(aligned), 16u);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(5, 12)), "66 0f 1f 84 00 00 00 00 00 66 90 c3");
}

TEST(RelaxationTest, AlignAtAnAlignedOffsetAddsNothing) {
  Assembler a;
  a.Align(8);
  Nops(a, 8);
  a.Align(8);
  a.Emit(F::kRet);
  EXPECT_EQ(FinishOrDie(a).bytes.size(), 9u);
}

TEST(RelaxationTest, ExplicitFormsAreNotRelaxed) {
  Assembler a;
  Label l = a.NewLabel();
  a.Emit(F::kJmpRel32, l);  // stays 5 bytes although rel8 would do
  a.Emit(F::kJccRel8, Cond::kE, l);
  a.Bind(l);
  EXPECT_EQ(Hex(FinishOrDie(a).bytes), "e9 02 00 00 00 74 00");
}

TEST(RelaxationTest, ExplicitRel8OutOfRangeFails) {
  Assembler a;
  Label l = a.NewLabel();
  a.Emit(F::kJmpRel8, l);
  Nops(a, 128);
  a.Bind(l);
  absl::StatusOr<AssembledCode> code = a.Finish();
  EXPECT_EQ(code.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(code.status().message()), HasSubstr("rel8 displacement 128"));
}

// ---- Metadata survives relaxation -----------------------------------------------

TEST(TrapTest, OffsetsAreFinalAfterRelaxation) {
  Assembler a;
  Label far = a.NewLabel(), near = a.NewLabel();
  a.RecordTrap(TrapKind::kUnreachable);  // before anything: offset 0
  a.Emit(F::kUd2);
  a.J(Cond::kE, far);  // long: 6 bytes
  a.RecordTrap(TrapKind::kIntegerDivideByZero);
  a.Emit(F::kIdiv32M, kRcx);  // at 2 + 6 = 8
  a.Jmp(near);                // short
  a.Bind(near);
  a.RecordTrap(TrapKind::kMemoryOutOfBounds);
  a.Emit(F::kMov64RM, kRax, Mem(kR15, kRax, 1));  // at 8 + 2 + 2 = 12
  Nops(a, 300);
  a.Bind(far);
  a.Emit(F::kRet);
  AssembledCode code = FinishOrDie(a);
  ASSERT_EQ(code.traps.size(), 3u);
  EXPECT_EQ(code.traps[0].code_offset, 0u);
  EXPECT_EQ(code.traps[0].kind, TrapKind::kUnreachable);
  EXPECT_EQ(code.traps[1].code_offset, 8u);
  EXPECT_EQ(code.traps[1].kind, TrapKind::kIntegerDivideByZero);
  EXPECT_EQ(code.traps[2].code_offset, 12u);
  EXPECT_EQ(code.traps[2].kind, TrapKind::kMemoryOutOfBounds);
  // The bytes at the recorded offsets are the trapping instructions.
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(0, 2)), "0f 0b");
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(2, 2)), "0f 84");
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(8, 2)), "f7 f9");
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(12, 4)), "49 8b 04 07");
  EXPECT_EQ(std::string(TrapMessage(TrapKind::kIntegerDivideByZero)), "integer divide by zero");
}

TEST(RelocationTest, ExternalCallsAfterRelaxation) {
  Assembler a;
  Label far = a.NewLabel();
  a.Jmp(far);                                     // long: 5 bytes
  a.CallExternal(ExternalSymbol(7));              // e8 at 5, field at 6
  a.MovExternalAddress(kRax, ExternalSymbol(9));  // 48 b8 at 10, imm64 at 12
  a.Emit(F::kCallM, kRax);
  Nops(a, 200);
  a.Bind(far);
  AssembledCode code = FinishOrDie(a);
  ASSERT_EQ(code.relocations.size(), 2u);
  EXPECT_EQ(code.relocations[0].offset, 6u);
  EXPECT_EQ(code.relocations[0].symbol, ExternalSymbol(7));
  EXPECT_EQ(code.relocations[0].kind, Relocation::Kind::kPcRel32);
  EXPECT_EQ(code.relocations[0].addend, -4);
  EXPECT_EQ(code.relocations[1].offset, 12u);
  EXPECT_EQ(code.relocations[1].symbol, ExternalSymbol(9));
  EXPECT_EQ(code.relocations[1].kind, Relocation::Kind::kAbs64);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(5, 5)), "e8 00 00 00 00");
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(10, 2)), "48 b8");
}

// A call to an external label (another function, compiled on its own) is a
// kPcRel32 relocation to its symbol, in offset order with the others; the
// label cannot be bound, branched to, or reached with rel8.
TEST(RelocationTest, ExternalLabelsBecomeRelocations) {
  Assembler a;
  Label far = a.NewLabel();
  const Label f3 = a.ExternalLabel(ExternalSymbol(0x80000003));
  EXPECT_EQ(a.ExternalLabel(ExternalSymbol(0x80000003)), f3);
  a.Jmp(far);                                     // long: 5 bytes
  a.MovExternalAddress(kRax, ExternalSymbol(9));  // 48 b8 at 5, imm64 at 7
  a.Call(f3);                                     // e8 at 15, field at 16
  Nops(a, 200);
  a.Bind(far);
  AssembledCode code = FinishOrDie(a);
  ASSERT_EQ(code.relocations.size(), 2u);
  EXPECT_EQ(code.relocations[0].offset, 7u);
  EXPECT_EQ(code.relocations[0].symbol, ExternalSymbol(9));
  EXPECT_EQ(code.relocations[1].offset, 16u);
  EXPECT_EQ(code.relocations[1].symbol, ExternalSymbol(0x80000003));
  EXPECT_EQ(code.relocations[1].kind, Relocation::Kind::kPcRel32);
  EXPECT_EQ(code.relocations[1].addend, -4);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(15, 5)), "e8 00 00 00 00");

  Assembler bind;
  bind.Bind(bind.ExternalLabel(ExternalSymbol(1)));
  EXPECT_THAT(std::string(bind.Finish().status().message()), HasSubstr("is external"));
  Assembler jump;
  jump.Jmp(jump.ExternalLabel(ExternalSymbol(1)));
  EXPECT_THAT(std::string(jump.Finish().status().message()), HasSubstr("never bound"));
}

TEST(LabelTest, CallAndJumpTableEntries) {
  Assembler a;
  Label table = a.NewLabel(), f = a.NewLabel(), c0 = a.NewLabel(), c1 = a.NewLabel();
  a.Call(f);      // e8 rel32 at 0
  a.Jmp(c1);      // short, at 5
  a.Bind(table);  // at 7
  a.JumpTableEntry(c0, table);
  a.JumpTableEntry(c1, table);
  a.Bind(c0);  // at 15
  a.Emit(F::kNop);
  a.Bind(c1);  // at 16
  a.Bind(f);
  a.Emit(F::kRet);
  AssembledCode code = FinishOrDie(a);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).first(7)), "e8 0b 00 00 00 eb 09");
  EXPECT_EQ(ReadI32(code.bytes, 7), 8);   // c0 - table
  EXPECT_EQ(ReadI32(code.bytes, 11), 9);  // c1 - table
}

// ---- Constant pool ---------------------------------------------------------------

TEST(ConstantPoolTest, AlignedDeduplicatedAndAddressedRipRelative) {
  Assembler a;
  ConstantRef one = a.ConstantF64(1.0);
  ConstantRef mask = a.Constant128(0x7fffffffffffffff, 0);
  ConstantRef f = a.ConstantF32(2.5f);
  EXPECT_EQ(a.ConstantF64(1.0).id(), one.id());  // deduplicated
  EXPECT_NE(a.Constant32(std::bit_cast<uint32_t>(1.0f)).id(), f.id());
  a.Emit(F::kMovsdRM, kXmm0, Mem::Rip(one));           // 0..8
  a.Emit(F::kAndpdRM, kXmm0, Mem::Rip(mask));          // 8..16
  a.Emit(F::kRoundssRMI, kXmm1, Mem::Rip(f), Imm(1));  // 16..26, imm after disp
  a.Emit(F::kAddsdRM, kXmm0, Mem::Rip(one));           // 26..34
  a.Emit(F::kMovssRM, kXmm2, Mem::Rip(f, 2));          // 34..42, addend
  a.Emit(F::kRet);                                     // 42
  AssembledCode code = FinishOrDie(a);
  EXPECT_EQ(code.code_size, 43u);
  // Pool at 48: mask (16), then 1.0 (8), then 2.5f and 1.0f (4 each).
  ASSERT_EQ(code.bytes.size(), 48u + 16 + 8 + 4 + 4);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(43, 5)), "cc cc cc cc cc");
  auto target = [&](size_t disp_at, size_t inst_end) {
    return static_cast<size_t>(static_cast<int64_t>(inst_end) + ReadI32(code.bytes, disp_at));
  };
  EXPECT_EQ(target(4, 8), 64u);    // 1.0
  EXPECT_EQ(target(12, 16), 48u);  // mask
  EXPECT_EQ(target(21, 26), 72u);  // 2.5f
  EXPECT_EQ(target(30, 34), 64u);  // 1.0 again
  EXPECT_EQ(target(38, 42), 74u);  // 2.5f + 2
  double d;
  std::memcpy(&d, &code.bytes[64], 8);
  EXPECT_EQ(d, 1.0);
  float fl;
  std::memcpy(&fl, &code.bytes[72], 4);
  EXPECT_EQ(fl, 2.5f);
  EXPECT_EQ(Hex(absl::MakeSpan(code.bytes).subspan(48, 16)),
            "ff ff ff ff ff ff ff 7f 00 00 00 00 00 00 00 00");
}

TEST(ConstantPoolTest, NoConstantsNoPool) {
  Assembler a;
  a.Emit(F::kRet);
  AssembledCode code = FinishOrDie(a);
  EXPECT_EQ(code.bytes.size(), 1u);
  EXPECT_EQ(code.code_size, 1u);
}

// ---- Helpers and errors ----------------------------------------------------------

TEST(AssemblerTest, MovImmPicksTheShortestForm) {
  struct Case {
    int64_t value;
    const char* hex;
  };
  const Case cases[] = {
      {5, "b8 05 00 00 00"},
      {0xffffffff, "b8 ff ff ff ff"},
      {-1, "48 c7 c0 ff ff ff ff"},
      {INT32_MIN, "48 c7 c0 00 00 00 80"},
      {0x100000000, "48 b8 00 00 00 00 01 00 00 00"},
      {INT64_MIN, "48 b8 00 00 00 00 00 00 00 80"},
  };
  for (const Case& c : cases) {
    Assembler a;
    a.MovImm(kRax, c.value);
    EXPECT_EQ(Hex(FinishOrDie(a).bytes), c.hex) << c.value;
  }
}

TEST(AssemblerTest, Errors) {
  {
    Assembler a;
    Label l = a.NewLabel();
    a.Jmp(l);
    EXPECT_THAT(std::string(a.Finish().status().message()),
                HasSubstr("L0 is used but never bound"));
  }
  {
    Assembler a;
    Label l = a.NewLabel();
    a.Bind(l);
    a.Bind(l);
    EXPECT_THAT(std::string(a.Finish().status().message()), HasSubstr("bound twice"));
  }
  {
    Assembler a;
    a.Jmp(Label(3));
    EXPECT_THAT(std::string(a.Finish().status().message()), HasSubstr("unknown label L3"));
  }
  {  // The first error wins.
    Assembler a;
    a.Emit(F::kAdd64MI8, kRax, Imm(1000));
    a.Emit(F::kLea64RM, kRax, kRbx);
    absl::Status s = a.Finish().status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr("Add64MI8 operand 1: immediate 1000"));
  }
  {
    Assembler a;
    a.Align(3);
    EXPECT_FALSE(a.Finish().ok());
  }
  {
    Assembler a;
    a.Emit(F::kRet);
    ASSERT_TRUE(a.Finish().ok());
    EXPECT_EQ(a.Finish().status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

// ---- Running the code ------------------------------------------------------------

// Maps assembled code the W^X way: RW while copying and patching, then RX.
class ExecutableCode {
 public:
  // `resolve` gives a symbol's address for kAbs64 relocations.
  template <typename Resolve>
  ExecutableCode(const AssembledCode& code, Resolve resolve) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_ = (code.bytes.size() + page - 1) / page * page;
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<uint8_t*>(p);
    std::memcpy(base_, code.bytes.data(), code.bytes.size());
    for (const Relocation& r : code.relocations) {
      EXPECT_EQ(r.kind, Relocation::Kind::kAbs64);
      uint64_t address = resolve(r.symbol);
      std::memcpy(base_ + r.offset, &address, 8);
    }
    if (mprotect(base_, size_, PROT_READ | PROT_EXEC) != 0) {
      munmap(base_, size_);
      base_ = nullptr;
    }
  }
  explicit ExecutableCode(const AssembledCode& code)
      : ExecutableCode(code, [](ExternalSymbol) { return uint64_t{0}; }) {}
  ~ExecutableCode() {
    if (base_ != nullptr) munmap(base_, size_);
  }
  ExecutableCode(const ExecutableCode&) = delete;
  ExecutableCode& operator=(const ExecutableCode&) = delete;

  bool ok() const { return base_ != nullptr; }
  template <typename Fn>
  Fn* At(uint32_t offset = 0) const {
    return reinterpret_cast<Fn*>(base_ + offset);
  }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

TEST(ExecuteTest, AddTwoInt64) {
  Assembler a;
  a.Emit(F::kMov64RM, kRax, kRdi);
  a.Emit(F::kAdd64RM, kRax, kRsi);
  a.Emit(F::kRet);
  ExecutableCode code(FinishOrDie(a));
  ASSERT_TRUE(code.ok());
  auto* add = code.At<int64_t(int64_t, int64_t)>();
  EXPECT_EQ(add(2, 3), 5);
  EXPECT_EQ(add(INT64_MAX, 1), INT64_MIN);
  EXPECT_EQ(add(-7, 0x100000000), 0xfffffff9);
}

// sum = 1 + 2 + ... + n, counting n down; `padding` bytes in the loop body
// make the backward branch long.
AssembledCode SumLoop(int padding) {
  Assembler a;
  Label loop = a.NewLabel(), done = a.NewLabel();
  a.Emit(F::kXor32RM, kRax, kRax);
  a.Emit(F::kTest64MR, kRdi, kRdi);
  a.J(Cond::kLe, done);
  a.Align(16);
  a.Bind(loop);
  a.Emit(F::kAdd64RM, kRax, kRdi);
  Nops(a, padding);
  a.Emit(F::kSub64MI8, kRdi, Imm(1));
  a.J(Cond::kNe, loop);
  a.Bind(done);
  a.Emit(F::kRet);
  return FinishOrDie(a);
}

TEST(ExecuteTest, SumLoopShortAndLongBranches) {
  for (int padding : {0, 200}) {
    AssembledCode assembled = SumLoop(padding);
    ExecutableCode code(assembled);
    ASSERT_TRUE(code.ok());
    auto* sum = code.At<int64_t(int64_t)>();
    EXPECT_EQ(sum(0), 0) << padding;
    EXPECT_EQ(sum(-5), 0) << padding;
    EXPECT_EQ(sum(1), 1) << padding;
    EXPECT_EQ(sum(100), 5050) << padding;
    EXPECT_EQ(sum(100000), 5000050000) << padding;
  }
}

// f(x, y) = sqrt(x*x + y*y), and g(x) = |x| * 2 + 1 with pool constants.
TEST(ExecuteTest, FloatOpsAndConstants) {
  Assembler a;
  Label g = a.NewLabel();
  a.Emit(F::kMulsdRM, kXmm0, kXmm0);
  a.Emit(F::kMulsdRM, kXmm1, kXmm1);
  a.Emit(F::kAddsdRM, kXmm0, kXmm1);
  a.Emit(F::kSqrtsdRM, kXmm0, kXmm0);
  a.Emit(F::kRet);
  a.Align(16);
  a.Bind(g);
  a.Emit(F::kAndpdRM, kXmm0, Mem::Rip(a.Constant128(0x7fffffffffffffff, 0)));
  a.Emit(F::kMulsdRM, kXmm0, Mem::Rip(a.ConstantF64(2.0)));
  a.Emit(F::kAddsdRM, kXmm0, Mem::Rip(a.ConstantF64(1.0)));
  a.Emit(F::kRet);
  AssembledCode assembled = FinishOrDie(a);
  ExecutableCode code(assembled);
  ASSERT_TRUE(code.ok());
  auto* hypot = code.At<double(double, double)>();
  EXPECT_EQ(hypot(3.0, 4.0), 5.0);
  EXPECT_EQ(hypot(-5.0, 12.0), 13.0);
  auto* gf = code.At<double(double)>(a.LabelOffset(g));
  EXPECT_EQ(gf(-3.0), 7.0);
  EXPECT_EQ(gf(0.25), 1.5);
}

// float: trunc(x) * y via roundss, and int64 -> double -> int64 round trips.
TEST(ExecuteTest, ConversionsAndRounding) {
  Assembler a;
  Label cvt = a.NewLabel();
  a.Emit(F::kRoundssRMI, kXmm0, kXmm0, Imm(3 | 8));  // truncate, no inexact
  a.Emit(F::kMulssRM, kXmm0, kXmm1);
  a.Emit(F::kRet);
  a.Bind(cvt);  // (int64)((double)x * 0.5)
  a.Emit(F::kCvtsi2sd64RM, kXmm0, kRdi);
  a.Emit(F::kMulsdRM, kXmm0, Mem::Rip(a.ConstantF64(0.5)));
  a.Emit(F::kCvttsd2si64RM, kRax, kXmm0);
  a.Emit(F::kRet);
  AssembledCode assembled = FinishOrDie(a);
  ExecutableCode code(assembled);
  ASSERT_TRUE(code.ok());
  auto* trunc_mul = code.At<float(float, float)>();
  EXPECT_EQ(trunc_mul(2.75f, 4.0f), 8.0f);
  EXPECT_EQ(trunc_mul(-2.75f, 2.0f), -4.0f);
  auto* half = code.At<int64_t(int64_t)>(a.LabelOffset(cvt));
  EXPECT_EQ(half(9), 4);
  EXPECT_EQ(half(-9), -4);
  EXPECT_EQ(half(int64_t{1} << 40), int64_t{1} << 39);
}

// int64 a / b and a % b (signed) through idiv with cqo.
TEST(ExecuteTest, SignedDivision) {
  Assembler a;
  Label rem = a.NewLabel();
  a.Emit(F::kMov64RM, kRax, kRdi);
  a.Emit(F::kCqo);
  a.Emit(F::kIdiv64M, kRsi);
  a.Emit(F::kRet);
  a.Bind(rem);
  a.Emit(F::kMov64RM, kRax, kRdi);
  a.Emit(F::kCqo);
  a.Emit(F::kIdiv64M, kRsi);
  a.Emit(F::kMov64RM, kRax, kRdx);
  a.Emit(F::kRet);
  AssembledCode assembled = FinishOrDie(a);
  ExecutableCode code(assembled);
  ASSERT_TRUE(code.ok());
  auto* div = code.At<int64_t(int64_t, int64_t)>();
  auto* mod = code.At<int64_t(int64_t, int64_t)>(a.LabelOffset(rem));
  EXPECT_EQ(div(-7, 2), -3);
  EXPECT_EQ(mod(-7, 2), -1);
  EXPECT_EQ(div(int64_t{1} << 50, 3), (int64_t{1} << 50) / 3);
}

// switch (i) through a jump table of label deltas: lea / movsxd / add / jmp.
TEST(ExecuteTest, JumpTable) {
  Assembler a;
  Label table = a.NewLabel(), dflt = a.NewLabel();
  Label cases[3] = {a.NewLabel(), a.NewLabel(), a.NewLabel()};
  a.Emit(F::kCmp64MI8, kRdi, Imm(3));
  a.J(Cond::kAe, dflt);
  a.Emit(F::kLea64RM, kRcx, Mem::Rip(table));
  a.Emit(F::kMovsxd64RM32, kRax, Mem(kRcx, kRdi, 4));
  a.Emit(F::kAdd64RM, kRax, kRcx);
  a.Emit(F::kJmpM, kRax);
  a.Align(4);
  a.Bind(table);
  for (Label c : cases) a.JumpTableEntry(c, table);
  for (int i = 0; i < 3; ++i) {
    a.Bind(cases[i]);
    a.MovImm(kRax, 100 + i);
    a.Emit(F::kRet);
  }
  a.Bind(dflt);
  a.MovImm(kRax, -1);
  a.Emit(F::kRet);
  AssembledCode assembled = FinishOrDie(a);
  ExecutableCode code(assembled);
  ASSERT_TRUE(code.ok());
  auto* sw = code.At<int64_t(uint64_t)>();
  EXPECT_EQ(sw(0), 100);
  EXPECT_EQ(sw(1), 101);
  EXPECT_EQ(sw(2), 102);
  EXPECT_EQ(sw(3), -1);
  EXPECT_EQ(sw(~uint64_t{0}), -1);
}

int64_t TimesThreePlusOne(int64_t x) { return 3 * x + 1; }

// A runtime-helper call: movabs + call through a register, patched by the
// "loader" from the relocation list.
TEST(ExecuteTest, CallExternalHelper) {
  Assembler a;
  a.Emit(F::kPush64O, kRbx);  // also realigns the stack to 16 for the call
  a.Emit(F::kMov64RM, kRbx, kRsi);
  a.MovExternalAddress(kRax, ExternalSymbol(1));
  a.Emit(F::kCallM, kRax);
  a.Emit(F::kAdd64RM, kRax, kRbx);
  a.Emit(F::kPop64O, kRbx);
  a.Emit(F::kRet);
  AssembledCode assembled = FinishOrDie(a);
  ExecutableCode code(assembled, [](ExternalSymbol s) {
    EXPECT_EQ(s, ExternalSymbol(1));
    return reinterpret_cast<uint64_t>(&TimesThreePlusOne);
  });
  ASSERT_TRUE(code.ok());
  auto* f = code.At<int64_t(int64_t, int64_t)>();
  EXPECT_EQ(f(5, 100), 116);
  EXPECT_EQ(f(-1, 0), -2);
}

// i32 comparisons materialized with setcc + movzx (the REX byte-register path).
TEST(ExecuteTest, SetccWithRexByteRegisters) {
  Assembler a;
  a.Emit(F::kCmp32RM, kRdi, kRsi);
  a.Emit(F::kSetccM8, Cond::kL, kRsi);  // sil: needs an empty REX
  a.Emit(F::kMovzx32RM8, kRax, kRsi);
  a.Emit(F::kRet);
  AssembledCode assembled = FinishOrDie(a);
  ExecutableCode code(assembled);
  ASSERT_TRUE(code.ok());
  auto* lt = code.At<int32_t(int32_t, int32_t)>();
  EXPECT_EQ(lt(1, 2), 1);
  EXPECT_EQ(lt(2, 1), 0);
  EXPECT_EQ(lt(-1, 0), 1);
  EXPECT_EQ(lt(0x100, 0x1ff), 1);  // would fail if "sil" were encoded as "dh"
}

}  // namespace
}  // namespace wasm::x64
