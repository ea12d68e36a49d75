// Emitter tests: one row per (instruction, hex bytes, assembly text), covering
// every form of inst_forms.def (EveryFormHasARow enforces it) and the tricky
// encodings: rsp/r12 bases need a SIB byte, rbp/r13 bases a disp8 of 0,
// spl/bpl/sil/dil need an empty REX, r8..r15 / xmm8..15 set REX.R/X/B,
// disp8/disp32 and imm8/imm32 boundaries, rip-relative fields followed by an
// immediate.
//
// The harness emits the row's instruction, then binds label L0 right after it,
// so "jne L0" / "[rip+L0]" encode a displacement of 0.
//
// Every hex string was checked against real disassemblers, not written by
// hand: run
//   X64_EMIT_DUMP=/tmp/rows.tsv bazel-bin/runtime/x64/emit_test
//   python3 runtime/x64/cross_check_emit.py /tmp/rows.tsv
// which disassembles each row's bytes with objdump and compares the text, and
// reassembles each row's text with llvm-mc and compares the bytes.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/x64/assembler.h"
#include "runtime/x64/inst.h"
#include "runtime/x64/regs.h"

namespace wasm::x64 {
namespace {

using F = Form;

struct EmitRow {
  Inst inst;
  const char* hex;
  const char* text;
};

// clang-format off
const EmitRow kRows[] = {
    // Moves
    {{F::kMov32RM, {kRax, kRbx}}, "8b c3", "mov eax, ebx"},
    {{F::kMov32RM, {kR8, kR15}}, "45 8b c7", "mov r8d, r15d"},
    {{F::kMov32RM, {kRax, Mem(kRbp, -8)}}, "8b 45 f8", "mov eax, dword ptr [rbp-0x8]"},
    {{F::kMov64RM, {kRax, kRbx}}, "48 8b c3", "mov rax, rbx"},
    {{F::kMov64RM, {kR12, Mem(kRsp)}}, "4c 8b 24 24", "mov r12, qword ptr [rsp]"},
    {{F::kMov64RM, {kRax, Mem(kR12)}}, "49 8b 04 24", "mov rax, qword ptr [r12]"},
    {{F::kMov64RM, {kRax, Mem(kRbp)}}, "48 8b 45 00", "mov rax, qword ptr [rbp]"},
    {{F::kMov64RM, {kRax, Mem(kR13)}}, "49 8b 45 00", "mov rax, qword ptr [r13]"},
    {{F::kMov64RM, {kRax, Mem(kR13, 16)}}, "49 8b 45 10", "mov rax, qword ptr [r13+0x10]"},
    {{F::kMov64RM, {kRdx, Mem(kRbx, kRcx, 8, 16)}},
     "48 8b 54 cb 10", "mov rdx, qword ptr [rbx+rcx*8+0x10]"},
    {{F::kMov64RM, {kRax, Mem(kRbx, kR12, 4)}}, "4a 8b 04 a3", "mov rax, qword ptr [rbx+r12*4]"},
    {{F::kMov64RM, {kRax, Mem(kR13, kR14, 1)}}, "4b 8b 44 35 00", "mov rax, qword ptr [r13+r14*1]"},
    {{F::kMov64RM, {kRax, Mem(kRbp, kRax, 2)}}, "48 8b 44 45 00", "mov rax, qword ptr [rbp+rax*2]"},
    {{F::kMov64RM, {kRax, Mem(kRsp, kRbp, 1)}}, "48 8b 04 2c", "mov rax, qword ptr [rsp+rbp*1]"},
    {{F::kMov64RM, {kR9, Mem(kRsp, 0x100)}},
     "4c 8b 8c 24 00 01 00 00", "mov r9, qword ptr [rsp+0x100]"},
    {{F::kMov64RM, {kRax, Mem(kRax, 127)}}, "48 8b 40 7f", "mov rax, qword ptr [rax+0x7f]"},
    {{F::kMov64RM, {kRax, Mem(kRax, 128)}},
     "48 8b 80 80 00 00 00", "mov rax, qword ptr [rax+0x80]"},
    {{F::kMov64RM, {kRax, Mem(kRax, -128)}}, "48 8b 40 80", "mov rax, qword ptr [rax-0x80]"},
    {{F::kMov64RM, {kRax, Mem(kRax, -129)}},
     "48 8b 80 7f ff ff ff", "mov rax, qword ptr [rax-0x81]"},
    {{F::kMov64RM, {kRax, Mem(kR15, kR11, 8, -0x12345678)}},
     "4b 8b 84 df 88 a9 cb ed", "mov rax, qword ptr [r15+r11*8-0x12345678]"},
    {{F::kMov64RM, {kR10, Mem::Rip(Label(0))}},
     "4c 8b 15 00 00 00 00", "mov r10, qword ptr [rip+L0]"},
    {{F::kMov8MR, {Mem(kRax), kRcx}}, "88 08", "mov byte ptr [rax], cl"},
    {{F::kMov8MR, {Mem(kRax), kRsi}}, "40 88 30", "mov byte ptr [rax], sil"},
    {{F::kMov8MR, {Mem(kRdx), kRsp}}, "40 88 22", "mov byte ptr [rdx], spl"},
    {{F::kMov8MR, {Mem(kR8), kRax}}, "41 88 00", "mov byte ptr [r8], al"},
    {{F::kMov8MR, {Mem(kRax), kR9}}, "44 88 08", "mov byte ptr [rax], r9b"},
    {{F::kMov8MR, {kRdi, kRbx}}, "40 88 df", "mov dil, bl"},
    {{F::kMov16MR, {Mem(kRax), kRcx}}, "66 89 08", "mov word ptr [rax], cx"},
    {{F::kMov16MR, {Mem(kR9, kRdx, 2), kR10}}, "66 45 89 14 51", "mov word ptr [r9+rdx*2], r10w"},
    {{F::kMov32MR, {Mem(kRbp, -8), kRax}}, "89 45 f8", "mov dword ptr [rbp-0x8], eax"},
    {{F::kMov32MR, {Mem(kR12, 8), kR13}}, "45 89 6c 24 08", "mov dword ptr [r12+0x8], r13d"},
    {{F::kMov64MR, {Mem(kRsp, 8), kRax}}, "48 89 44 24 08", "mov qword ptr [rsp+0x8], rax"},
    {{F::kMov64MR, {kRcx, kRdx}}, "48 89 d1", "mov rcx, rdx"},
    {{F::kMov8MI, {Mem(kRax), Imm(0xff)}}, "c6 00 ff", "mov byte ptr [rax], 0xff"},
    {{F::kMov8MI, {Mem(kR13, 1), Imm(-1)}}, "41 c6 45 01 ff", "mov byte ptr [r13+0x1], -0x1"},
    {{F::kMov16MI, {Mem(kRax), Imm(0x1234)}}, "66 c7 00 34 12", "mov word ptr [rax], 0x1234"},
    {{F::kMov32MI, {Mem(kRax, 4), Imm(0x12345678)}},
     "c7 40 04 78 56 34 12", "mov dword ptr [rax+0x4], 0x12345678"},
    {{F::kMov32MI, {kRax, Imm(1)}}, "c7 c0 01 00 00 00", "mov eax, 0x1"},
    {{F::kMov64MI, {Mem(kRax), Imm(-1)}}, "48 c7 00 ff ff ff ff", "mov qword ptr [rax], -0x1"},
    {{F::kMov64MI, {kRcx, Imm(INT32_MIN)}}, "48 c7 c1 00 00 00 80", "mov rcx, -0x80000000"},
    {{F::kMov32OI, {kRax, Imm(0x12345678)}}, "b8 78 56 34 12", "mov eax, 0x12345678"},
    {{F::kMov32OI, {kR9, Imm(0xffffffff)}}, "41 b9 ff ff ff ff", "mov r9d, 0xffffffff"},
    {{F::kMov64OI, {kRax, Imm(0x123456789abcdef0)}},
     "48 b8 f0 de bc 9a 78 56 34 12", "movabs rax, 0x123456789abcdef0"},
    {{F::kMov64OI, {kR15, Imm(-2)}}, "49 bf fe ff ff ff ff ff ff ff", "movabs r15, -0x2"},
    {{F::kMovzx32RM8, {kRax, kRbx}}, "0f b6 c3", "movzx eax, bl"},
    {{F::kMovzx32RM8, {kRax, kRsi}}, "40 0f b6 c6", "movzx eax, sil"},
    {{F::kMovzx32RM8, {kRbp, kRdi}}, "40 0f b6 ef", "movzx ebp, dil"},
    {{F::kMovzx32RM8, {kR8, Mem(kRax)}}, "44 0f b6 00", "movzx r8d, byte ptr [rax]"},
    {{F::kMovzx32RM8, {kRax, kR9}}, "41 0f b6 c1", "movzx eax, r9b"},
    {{F::kMovzx32RM16, {kRax, Mem(kRdi, 2)}}, "0f b7 47 02", "movzx eax, word ptr [rdi+0x2]"},
    {{F::kMovzx32RM16, {kR11, kRsi}}, "44 0f b7 de", "movzx r11d, si"},
    {{F::kMovzx64RM8, {kRax, kRdi}}, "48 0f b6 c7", "movzx rax, dil"},
    {{F::kMovzx64RM16, {kRax, kRcx}}, "48 0f b7 c1", "movzx rax, cx"},
    {{F::kMovsx32RM8, {kRax, Mem(kRsi)}}, "0f be 06", "movsx eax, byte ptr [rsi]"},
    {{F::kMovsx32RM8, {kRcx, kRbp}}, "40 0f be cd", "movsx ecx, bpl"},
    {{F::kMovsx32RM16, {kRdx, kR14}}, "41 0f bf d6", "movsx edx, r14w"},
    {{F::kMovsx64RM8, {kRax, kRsp}}, "48 0f be c4", "movsx rax, spl"},
    {{F::kMovsx64RM16, {kR12, Mem(kRbp, kR12, 2, -2)}},
     "4e 0f bf 64 65 fe", "movsx r12, word ptr [rbp+r12*2-0x2]"},
    {{F::kMovsxd64RM32, {kRax, kRcx}}, "48 63 c1", "movsxd rax, ecx"},
    {{F::kMovsxd64RM32, {kRax, Mem(kRdi, kR8, 4)}},
     "4a 63 04 87", "movsxd rax, dword ptr [rdi+r8*4]"},
    {{F::kLea32RM, {kRax, Mem(kRdi, kRsi, 1)}}, "8d 04 37", "lea eax, [rdi+rsi*1]"},
    {{F::kLea64RM, {kRax, Mem::Rip(Label(0))}}, "48 8d 05 00 00 00 00", "lea rax, [rip+L0]"},
    {{F::kLea64RM, {kRsp, Mem(kRsp, -16)}}, "48 8d 64 24 f0", "lea rsp, [rsp-0x10]"},
    {{F::kLea64RM, {kR13, Mem(kR13)}}, "4d 8d 6d 00", "lea r13, [r13]"},
    {{F::kLea64RM, {kRcx, Mem(kRax, kRax, 8, 0x1000)}},
     "48 8d 8c c0 00 10 00 00", "lea rcx, [rax+rax*8+0x1000]"},
    {{F::kXchg32MR, {kRbx, kRcx}}, "87 cb", "xchg ebx, ecx"},
    {{F::kXchg64MR, {kRax, kR10}}, "4c 87 d0", "xchg rax, r10"},
    {{F::kXchg64MR, {Mem(kRsp), kRdi}}, "48 87 3c 24", "xchg qword ptr [rsp], rdi"},
    {{F::kCmov32RM, {Cond::kE, kRax, kRbx}}, "0f 44 c3", "cmove eax, ebx"},
    {{F::kCmov64RM, {Cond::kL, kR8, Mem(kRsp)}}, "4c 0f 4c 04 24", "cmovl r8, qword ptr [rsp]"},
    {{F::kCmov64RM, {Cond::kA, kRax, kR15}}, "49 0f 47 c7", "cmova rax, r15"},
    {{F::kSetccM8, {Cond::kO, kRax}}, "0f 90 c0", "seto al"},
    {{F::kSetccM8, {Cond::kNo, kRax}}, "0f 91 c0", "setno al"},
    {{F::kSetccM8, {Cond::kB, kRax}}, "0f 92 c0", "setb al"},
    {{F::kSetccM8, {Cond::kAe, kRax}}, "0f 93 c0", "setae al"},
    {{F::kSetccM8, {Cond::kE, kRax}}, "0f 94 c0", "sete al"},
    {{F::kSetccM8, {Cond::kNe, kRsi}}, "40 0f 95 c6", "setne sil"},
    {{F::kSetccM8, {Cond::kBe, kRdi}}, "40 0f 96 c7", "setbe dil"},
    {{F::kSetccM8, {Cond::kA, kRsp}}, "40 0f 97 c4", "seta spl"},
    {{F::kSetccM8, {Cond::kS, kRbp}}, "40 0f 98 c5", "sets bpl"},
    {{F::kSetccM8, {Cond::kNs, kRbx}}, "0f 99 c3", "setns bl"},
    {{F::kSetccM8, {Cond::kP, kRcx}}, "0f 9a c1", "setp cl"},
    {{F::kSetccM8, {Cond::kNp, kRdx}}, "0f 9b c2", "setnp dl"},
    {{F::kSetccM8, {Cond::kL, kR8}}, "41 0f 9c c0", "setl r8b"},
    {{F::kSetccM8, {Cond::kGe, kR15}}, "41 0f 9d c7", "setge r15b"},
    {{F::kSetccM8, {Cond::kLe, Mem(kRax)}}, "0f 9e 00", "setle byte ptr [rax]"},
    {{F::kSetccM8, {Cond::kG, kR9}}, "41 0f 9f c1", "setg r9b"},
    {{F::kPush64O, {kRbp}}, "55", "push rbp"},
    {{F::kPush64O, {kR12}}, "41 54", "push r12"},
    {{F::kPop64O, {kRbp}}, "5d", "pop rbp"},
    {{F::kPop64O, {kR15}}, "41 5f", "pop r15"},
    // Integer arithmetic
    {{F::kAdd32RM, {kRax, kRbx}}, "03 c3", "add eax, ebx"},
    {{F::kAdd64RM, {kRax, kRbx}}, "48 03 c3", "add rax, rbx"},
    {{F::kAdd64RM, {kR8, Mem(kR9, kR10, 8, 8)}},
     "4f 03 44 d1 08", "add r8, qword ptr [r9+r10*8+0x8]"},
    {{F::kAdd32MI8, {kRcx, Imm(127)}}, "83 c1 7f", "add ecx, 0x7f"},
    {{F::kAdd64MI8, {kRax, Imm(-128)}}, "48 83 c0 80", "add rax, -0x80"},
    {{F::kAdd64MI8, {Mem(kRbx, 8), Imm(1)}}, "48 83 43 08 01", "add qword ptr [rbx+0x8], 0x1"},
    {{F::kAdd32MI, {kRax, Imm(0xffffffff)}}, "81 c0 ff ff ff ff", "add eax, 0xffffffff"},
    {{F::kAdd64MI, {kRax, Imm(0x80)}}, "48 81 c0 80 00 00 00", "add rax, 0x80"},
    {{F::kAdd64MI, {kR11, Imm(INT32_MIN)}}, "49 81 c3 00 00 00 80", "add r11, -0x80000000"},
    {{F::kOr32RM, {kRax, kRbx}}, "0b c3", "or eax, ebx"},
    {{F::kOr64RM, {kRsi, Mem(kRsp, 0x20)}}, "48 0b 74 24 20", "or rsi, qword ptr [rsp+0x20]"},
    {{F::kOr32MI8, {kRdx, Imm(1)}}, "83 ca 01", "or edx, 0x1"},
    {{F::kOr64MI8, {kR12, Imm(-1)}}, "49 83 cc ff", "or r12, -0x1"},
    {{F::kOr32MI, {kRdx, Imm(0x10000)}}, "81 ca 00 00 01 00", "or edx, 0x10000"},
    {{F::kOr64MI, {Mem(kRax), Imm(0x7fffffff)}},
     "48 81 08 ff ff ff 7f", "or qword ptr [rax], 0x7fffffff"},
    {{F::kAnd32RM, {kR9, kRcx}}, "44 23 c9", "and r9d, ecx"},
    {{F::kAnd64RM, {kRax, kR15}}, "49 23 c7", "and rax, r15"},
    {{F::kAnd32MI8, {kRax, Imm(-16)}}, "83 e0 f0", "and eax, -0x10"},
    {{F::kAnd64MI8, {kRsp, Imm(-16)}}, "48 83 e4 f0", "and rsp, -0x10"},
    {{F::kAnd32MI, {kRax, Imm(0xff00ff00)}}, "81 e0 00 ff 00 ff", "and eax, 0xff00ff00"},
    {{F::kAnd64MI, {kRbx, Imm(0x0fffffff)}}, "48 81 e3 ff ff ff 0f", "and rbx, 0xfffffff"},
    {{F::kSub32RM, {kRax, Mem(kRbp, -4)}}, "2b 45 fc", "sub eax, dword ptr [rbp-0x4]"},
    {{F::kSub64RM, {kRdi, kRsi}}, "48 2b fe", "sub rdi, rsi"},
    {{F::kSub32MI8, {kRax, Imm(1)}}, "83 e8 01", "sub eax, 0x1"},
    {{F::kSub64MI8, {kRsp, Imm(8)}}, "48 83 ec 08", "sub rsp, 0x8"},
    {{F::kSub64MI8, {Mem(kR14, 0x40), Imm(1)}}, "49 83 6e 40 01", "sub qword ptr [r14+0x40], 0x1"},
    {{F::kSub32MI, {kRax, Imm(1000)}}, "81 e8 e8 03 00 00", "sub eax, 0x3e8"},
    {{F::kSub64MI, {kRsp, Imm(0x1000)}}, "48 81 ec 00 10 00 00", "sub rsp, 0x1000"},
    {{F::kXor32RM, {kRax, kRax}}, "33 c0", "xor eax, eax"},
    {{F::kXor32RM, {kR10, kR10}}, "45 33 d2", "xor r10d, r10d"},
    {{F::kXor64RM, {kRax, Mem::Rip(Label(0))}},
     "48 33 05 00 00 00 00", "xor rax, qword ptr [rip+L0]"},
    {{F::kXor32MI8, {kRax, Imm(-1)}}, "83 f0 ff", "xor eax, -0x1"},
    {{F::kXor64MI8, {kRcx, Imm(5)}}, "48 83 f1 05", "xor rcx, 0x5"},
    {{F::kXor32MI, {kRax, Imm(0x80000000)}}, "81 f0 00 00 00 80", "xor eax, 0x80000000"},
    {{F::kXor64MI, {kR8, Imm(0x12345)}}, "49 81 f0 45 23 01 00", "xor r8, 0x12345"},
    {{F::kCmp32RM, {kRax, kRcx}}, "3b c1", "cmp eax, ecx"},
    {{F::kCmp64RM, {kRsp, Mem(kR14, 0x10)}}, "49 3b 66 10", "cmp rsp, qword ptr [r14+0x10]"},
    {{F::kCmp32MR, {Mem(kRdi), kRax}}, "39 07", "cmp dword ptr [rdi], eax"},
    {{F::kCmp64MR, {kRax, kRcx}}, "48 39 c8", "cmp rax, rcx"},
    {{F::kCmp32MI8, {kRax, Imm(0)}}, "83 f8 00", "cmp eax, 0x0"},
    {{F::kCmp64MI8, {Mem(kRsp, 8), Imm(-1)}}, "48 83 7c 24 08 ff", "cmp qword ptr [rsp+0x8], -0x1"},
    {{F::kCmp32MI, {kRdi, Imm(0x7fffffff)}}, "81 ff ff ff ff 7f", "cmp edi, 0x7fffffff"},
    {{F::kCmp64MI, {kRax, Imm(-0x1000)}}, "48 81 f8 00 f0 ff ff", "cmp rax, -0x1000"},
    {{F::kTest32MR, {kRax, kRax}}, "85 c0", "test eax, eax"},
    {{F::kTest64MR, {kRdi, kRdi}}, "48 85 ff", "test rdi, rdi"},
    {{F::kTest64MR, {Mem(kRax), kR9}}, "4c 85 08", "test qword ptr [rax], r9"},
    {{F::kTest32MI, {kRcx, Imm(0x1f)}}, "f7 c1 1f 00 00 00", "test ecx, 0x1f"},
    {{F::kTest64MI, {kRax, Imm(-8)}}, "48 f7 c0 f8 ff ff ff", "test rax, -0x8"},
    {{F::kImul32RM, {kRax, kRcx}}, "0f af c1", "imul eax, ecx"},
    {{F::kImul64RM, {kR9, Mem(kRbx)}}, "4c 0f af 0b", "imul r9, qword ptr [rbx]"},
    {{F::kImul32RMI8, {kRax, kRcx, Imm(10)}}, "6b c1 0a", "imul eax, ecx, 0xa"},
    {{F::kImul64RMI8, {kRdx, Mem(kRsp, 8), Imm(-3)}},
     "48 6b 54 24 08 fd", "imul rdx, qword ptr [rsp+0x8], -0x3"},
    {{F::kImul32RMI, {kRax, kRax, Imm(1000)}}, "69 c0 e8 03 00 00", "imul eax, eax, 0x3e8"},
    {{F::kImul64RMI, {kR15, kR14, Imm(-100000)}},
     "4d 69 fe 60 79 fe ff", "imul r15, r14, -0x186a0"},
    {{F::kNeg32M, {kRax}}, "f7 d8", "neg eax"},
    {{F::kNeg64M, {kR11}}, "49 f7 db", "neg r11"},
    {{F::kNot32M, {Mem(kRax)}}, "f7 10", "not dword ptr [rax]"},
    {{F::kNot64M, {kRcx}}, "48 f7 d1", "not rcx"},
    {{F::kDiv32M, {kRcx}}, "f7 f1", "div ecx"},
    {{F::kDiv64M, {kR8}}, "49 f7 f0", "div r8"},
    {{F::kIdiv32M, {Mem(kRsp, 4)}}, "f7 7c 24 04", "idiv dword ptr [rsp+0x4]"},
    {{F::kIdiv64M, {kRsi}}, "48 f7 fe", "idiv rsi"},
    {{F::kCdq, {}}, "99", "cdq"},
    {{F::kCqo, {}}, "48 99", "cqo"},
    {{F::kLzcnt32RM, {kRax, kRcx}}, "f3 0f bd c1", "lzcnt eax, ecx"},
    {{F::kLzcnt64RM, {kR8, Mem(kR9)}}, "f3 4d 0f bd 01", "lzcnt r8, qword ptr [r9]"},
    {{F::kTzcnt32RM, {kRdx, kR12}}, "f3 41 0f bc d4", "tzcnt edx, r12d"},
    {{F::kTzcnt64RM, {kRax, kRax}}, "f3 48 0f bc c0", "tzcnt rax, rax"},
    {{F::kPopcnt32RM, {kRax, Mem(kRdi, 4)}}, "f3 0f b8 47 04", "popcnt eax, dword ptr [rdi+0x4]"},
    {{F::kPopcnt64RM, {kR13, kRbx}}, "f3 4c 0f b8 eb", "popcnt r13, rbx"},
    // Shifts
    {{F::kRol32MC, {kRax}}, "d3 c0", "rol eax, cl"},
    {{F::kRol64MC, {kR9}}, "49 d3 c1", "rol r9, cl"},
    {{F::kRol32MI, {kRdx, Imm(7)}}, "c1 c2 07", "rol edx, 0x7"},
    {{F::kRol64MI, {kRax, Imm(63)}}, "48 c1 c0 3f", "rol rax, 0x3f"},
    {{F::kRor32MC, {Mem(kRax)}}, "d3 08", "ror dword ptr [rax], cl"},
    {{F::kRor64MC, {kRbx}}, "48 d3 cb", "ror rbx, cl"},
    {{F::kRor32MI, {kRax, Imm(1)}}, "c1 c8 01", "ror eax, 0x1"},
    {{F::kRor64MI, {kR12, Imm(32)}}, "49 c1 cc 20", "ror r12, 0x20"},
    {{F::kShl32MC, {kRax}}, "d3 e0", "shl eax, cl"},
    {{F::kShl64MC, {kRdi}}, "48 d3 e7", "shl rdi, cl"},
    {{F::kShl32MI, {kRax, Imm(31)}}, "c1 e0 1f", "shl eax, 0x1f"},
    {{F::kShl64MI, {kR15, Imm(3)}}, "49 c1 e7 03", "shl r15, 0x3"},
    {{F::kShr32MC, {kRsi}}, "d3 ee", "shr esi, cl"},
    {{F::kShr64MC, {kR8}}, "49 d3 e8", "shr r8, cl"},
    {{F::kShr32MI, {kRax, Imm(16)}}, "c1 e8 10", "shr eax, 0x10"},
    {{F::kShr64MI, {Mem(kRsp, 8), Imm(1)}}, "48 c1 6c 24 08 01", "shr qword ptr [rsp+0x8], 0x1"},
    {{F::kSar32MC, {kRdx}}, "d3 fa", "sar edx, cl"},
    {{F::kSar64MC, {kRax}}, "48 d3 f8", "sar rax, cl"},
    {{F::kSar32MI, {kRax, Imm(31)}}, "c1 f8 1f", "sar eax, 0x1f"},
    {{F::kSar64MI, {kR10, Imm(63)}}, "49 c1 fa 3f", "sar r10, 0x3f"},
    // Control flow (the harness binds L0 right after the instruction)
    {{F::kJccRel8, {Cond::kO, Label(0)}}, "70 00", "jo L0"},
    {{F::kJccRel8, {Cond::kNo, Label(0)}}, "71 00", "jno L0"},
    {{F::kJccRel8, {Cond::kB, Label(0)}}, "72 00", "jb L0"},
    {{F::kJccRel8, {Cond::kAe, Label(0)}}, "73 00", "jae L0"},
    {{F::kJccRel8, {Cond::kE, Label(0)}}, "74 00", "je L0"},
    {{F::kJccRel8, {Cond::kNe, Label(0)}}, "75 00", "jne L0"},
    {{F::kJccRel8, {Cond::kBe, Label(0)}}, "76 00", "jbe L0"},
    {{F::kJccRel8, {Cond::kA, Label(0)}}, "77 00", "ja L0"},
    {{F::kJccRel8, {Cond::kS, Label(0)}}, "78 00", "js L0"},
    {{F::kJccRel8, {Cond::kNs, Label(0)}}, "79 00", "jns L0"},
    {{F::kJccRel8, {Cond::kP, Label(0)}}, "7a 00", "jp L0"},
    {{F::kJccRel8, {Cond::kNp, Label(0)}}, "7b 00", "jnp L0"},
    {{F::kJccRel8, {Cond::kL, Label(0)}}, "7c 00", "jl L0"},
    {{F::kJccRel8, {Cond::kGe, Label(0)}}, "7d 00", "jge L0"},
    {{F::kJccRel8, {Cond::kLe, Label(0)}}, "7e 00", "jle L0"},
    {{F::kJccRel8, {Cond::kG, Label(0)}}, "7f 00", "jg L0"},
    {{F::kJccRel32, {Cond::kNe, Label(0)}}, "0f 85 00 00 00 00", "jne L0"},
    {{F::kJccRel32, {Cond::kG, Label(0)}}, "0f 8f 00 00 00 00", "jg L0"},
    {{F::kJmpRel8, {Label(0)}}, "eb 00", "jmp L0"},
    {{F::kJmpRel32, {Label(0)}}, "e9 00 00 00 00", "jmp L0"},
    {{F::kJmpM, {kRax}}, "ff e0", "jmp rax"},
    {{F::kJmpM, {kR11}}, "41 ff e3", "jmp r11"},
    {{F::kJmpM, {Mem(kRax, kRcx, 8)}}, "ff 24 c8", "jmp qword ptr [rax+rcx*8]"},
    {{F::kCallRel32, {Label(0)}}, "e8 00 00 00 00", "call L0"},
    {{F::kCallRel32, {ExternalSymbol(3)}}, "e8 00 00 00 00", "call sym3"},
    {{F::kCallM, {kRax}}, "ff d0", "call rax"},
    {{F::kCallM, {kR11}}, "41 ff d3", "call r11"},
    {{F::kCallM, {Mem(kR14, 0x18)}}, "41 ff 56 18", "call qword ptr [r14+0x18]"},
    {{F::kRet, {}}, "c3", "ret"},
    {{F::kUd2, {}}, "0f 0b", "ud2"},
    {{F::kInt3, {}}, "cc", "int3"},
    {{F::kNop, {}}, "90", "nop"},
    // SSE
    {{F::kMovssRM, {kXmm0, Mem(kRax)}}, "f3 0f 10 00", "movss xmm0, dword ptr [rax]"},
    {{F::kMovssRM, {kXmm1, kXmm2}}, "f3 0f 10 ca", "movss xmm1, xmm2"},
    {{F::kMovssRM, {kXmm8, Mem::Rip(Label(0))}},
     "f3 44 0f 10 05 00 00 00 00", "movss xmm8, dword ptr [rip+L0]"},
    {{F::kMovssMR, {Mem(kRsp, 4), kXmm9}},
     "f3 44 0f 11 4c 24 04", "movss dword ptr [rsp+0x4], xmm9"},
    {{F::kMovsdRM, {kXmm15, Mem(kR13, kRax, 8)}},
     "f2 45 0f 10 7c c5 00", "movsd xmm15, qword ptr [r13+rax*8]"},
    {{F::kMovsdRM, {kXmm0, kXmm1}}, "f2 0f 10 c1", "movsd xmm0, xmm1"},
    {{F::kMovsdMR, {Mem(kRbp, -16), kXmm3}}, "f2 0f 11 5d f0", "movsd qword ptr [rbp-0x10], xmm3"},
    {{F::kMovapsRM, {kXmm0, kXmm15}}, "41 0f 28 c7", "movaps xmm0, xmm15"},
    {{F::kMovapsRM, {kXmm9, kXmm1}}, "44 0f 28 c9", "movaps xmm9, xmm1"},
    {{F::kMovupsRM, {kXmm1, Mem(kRdi)}}, "0f 10 0f", "movups xmm1, xmmword ptr [rdi]"},
    {{F::kMovupsMR, {Mem(kRsp, 16), kXmm10}},
     "44 0f 11 54 24 10", "movups xmmword ptr [rsp+0x10], xmm10"},
    {{F::kMovdRM, {kXmm0, kRax}}, "66 0f 6e c0", "movd xmm0, eax"},
    {{F::kMovdRM, {kXmm9, kR10}}, "66 45 0f 6e ca", "movd xmm9, r10d"},
    {{F::kMovdRM, {kXmm2, Mem(kRax)}}, "66 0f 6e 10", "movd xmm2, dword ptr [rax]"},
    {{F::kMovqRM, {kXmm0, kRax}}, "66 48 0f 6e c0", "movq xmm0, rax"},
    {{F::kMovqRM, {kXmm12, kR13}}, "66 4d 0f 6e e5", "movq xmm12, r13"},
    {{F::kMovdMR, {kRax, kXmm1}}, "66 0f 7e c8", "movd eax, xmm1"},
    {{F::kMovdMR, {Mem(kRdi, 4), kXmm8}}, "66 44 0f 7e 47 04", "movd dword ptr [rdi+0x4], xmm8"},
    {{F::kMovqMR, {kRax, kXmm1}}, "66 48 0f 7e c8", "movq rax, xmm1"},
    {{F::kMovqMR, {kR11, kXmm15}}, "66 4d 0f 7e fb", "movq r11, xmm15"},
    {{F::kAddssRM, {kXmm0, kXmm1}}, "f3 0f 58 c1", "addss xmm0, xmm1"},
    {{F::kAddsdRM, {kXmm8, kXmm15}}, "f2 45 0f 58 c7", "addsd xmm8, xmm15"},
    {{F::kAddsdRM, {kXmm0, Mem(kRax, 8)}}, "f2 0f 58 40 08", "addsd xmm0, qword ptr [rax+0x8]"},
    {{F::kSubssRM, {kXmm2, Mem(kRsp)}}, "f3 0f 5c 14 24", "subss xmm2, dword ptr [rsp]"},
    {{F::kSubsdRM, {kXmm3, kXmm4}}, "f2 0f 5c dc", "subsd xmm3, xmm4"},
    {{F::kMulssRM, {kXmm5, kXmm6}}, "f3 0f 59 ee", "mulss xmm5, xmm6"},
    {{F::kMulsdRM, {kXmm7, kXmm8}}, "f2 41 0f 59 f8", "mulsd xmm7, xmm8"},
    {{F::kDivssRM, {kXmm9, kXmm10}}, "f3 45 0f 5e ca", "divss xmm9, xmm10"},
    {{F::kDivsdRM, {kXmm11, Mem(kR12)}}, "f2 45 0f 5e 1c 24", "divsd xmm11, qword ptr [r12]"},
    {{F::kMinssRM, {kXmm0, kXmm1}}, "f3 0f 5d c1", "minss xmm0, xmm1"},
    {{F::kMinsdRM, {kXmm0, kXmm1}}, "f2 0f 5d c1", "minsd xmm0, xmm1"},
    {{F::kMaxssRM, {kXmm0, kXmm1}}, "f3 0f 5f c1", "maxss xmm0, xmm1"},
    {{F::kMaxsdRM, {kXmm14, kXmm13}}, "f2 45 0f 5f f5", "maxsd xmm14, xmm13"},
    {{F::kSqrtssRM, {kXmm0, kXmm0}}, "f3 0f 51 c0", "sqrtss xmm0, xmm0"},
    {{F::kSqrtsdRM, {kXmm1, Mem(kRbp, 16)}}, "f2 0f 51 4d 10", "sqrtsd xmm1, qword ptr [rbp+0x10]"},
    {{F::kRoundssRMI, {kXmm0, kXmm1, Imm(1)}}, "66 0f 3a 0a c1 01", "roundss xmm0, xmm1, 0x1"},
    {{F::kRoundssRMI, {kXmm2, Mem::Rip(Label(0)), Imm(9)}},
     "66 0f 3a 0a 15 00 00 00 00 09", "roundss xmm2, dword ptr [rip+L0], 0x9"},
    {{F::kRoundsdRMI, {kXmm0, kXmm1, Imm(3)}}, "66 0f 3a 0b c1 03", "roundsd xmm0, xmm1, 0x3"},
    {{F::kRoundsdRMI, {kXmm10, kXmm11, Imm(2)}},
     "66 45 0f 3a 0b d3 02", "roundsd xmm10, xmm11, 0x2"},
    {{F::kUcomissRM, {kXmm0, kXmm1}}, "0f 2e c1", "ucomiss xmm0, xmm1"},
    {{F::kUcomisdRM, {kXmm0, kXmm9}}, "66 41 0f 2e c1", "ucomisd xmm0, xmm9"},
    {{F::kUcomisdRM, {kXmm2, Mem::Rip(Label(0))}},
     "66 0f 2e 15 00 00 00 00", "ucomisd xmm2, qword ptr [rip+L0]"},
    {{F::kComissRM, {kXmm3, Mem(kRax)}}, "0f 2f 18", "comiss xmm3, dword ptr [rax]"},
    {{F::kComisdRM, {kXmm12, kXmm1}}, "66 44 0f 2f e1", "comisd xmm12, xmm1"},
    {{F::kCvtsi2ss32RM, {kXmm0, kRax}}, "f3 0f 2a c0", "cvtsi2ss xmm0, eax"},
    {{F::kCvtsi2ss64RM, {kXmm1, kR9}}, "f3 49 0f 2a c9", "cvtsi2ss xmm1, r9"},
    {{F::kCvtsi2sd32RM, {kXmm2, Mem(kRsp, 4)}},
     "f2 0f 2a 54 24 04", "cvtsi2sd xmm2, dword ptr [rsp+0x4]"},
    {{F::kCvtsi2sd64RM, {kXmm8, kRax}}, "f2 4c 0f 2a c0", "cvtsi2sd xmm8, rax"},
    {{F::kCvttss2si32RM, {kRax, kXmm0}}, "f3 0f 2c c0", "cvttss2si eax, xmm0"},
    {{F::kCvttss2si64RM, {kR10, kXmm1}}, "f3 4c 0f 2c d1", "cvttss2si r10, xmm1"},
    {{F::kCvttsd2si32RM, {kRcx, Mem(kRax)}}, "f2 0f 2c 08", "cvttsd2si ecx, qword ptr [rax]"},
    {{F::kCvttsd2si64RM, {kRax, kXmm15}}, "f2 49 0f 2c c7", "cvttsd2si rax, xmm15"},
    {{F::kCvtss2sdRM, {kXmm0, kXmm1}}, "f3 0f 5a c1", "cvtss2sd xmm0, xmm1"},
    {{F::kCvtsd2ssRM, {kXmm9, Mem(kRsp)}}, "f2 44 0f 5a 0c 24", "cvtsd2ss xmm9, qword ptr [rsp]"},
    {{F::kAndpsRM, {kXmm0, Mem::Rip(Label(0))}},
     "0f 54 05 00 00 00 00", "andps xmm0, xmmword ptr [rip+L0]"},
    {{F::kAndpdRM, {kXmm1, kXmm2}}, "66 0f 54 ca", "andpd xmm1, xmm2"},
    {{F::kAndnpsRM, {kXmm3, kXmm4}}, "0f 55 dc", "andnps xmm3, xmm4"},
    {{F::kAndnpdRM, {kXmm9, Mem(kRax)}}, "66 44 0f 55 08", "andnpd xmm9, xmmword ptr [rax]"},
    {{F::kOrpsRM, {kXmm0, kXmm1}}, "0f 56 c1", "orps xmm0, xmm1"},
    {{F::kOrpdRM, {kXmm14, kXmm15}}, "66 45 0f 56 f7", "orpd xmm14, xmm15"},
    {{F::kXorpsRM, {kXmm0, kXmm0}}, "0f 57 c0", "xorps xmm0, xmm0"},
    {{F::kXorpdRM, {kXmm1, kXmm8}}, "66 41 0f 57 c8", "xorpd xmm1, xmm8"},
    {{F::kPxorRM, {kXmm2, kXmm3}}, "66 0f ef d3", "pxor xmm2, xmm3"},
};
// clang-format on

std::string Hex(absl::Span<const uint8_t> bytes) {
  std::vector<std::string> parts;
  for (uint8_t b : bytes) parts.push_back(absl::StrCat(absl::Hex(b, absl::kZeroPad2)));
  return absl::StrJoin(parts, " ");
}

// The row's code bytes, through the whole Assembler (fix-ups included).
std::string Assemble(const Inst& inst) {
  Assembler a;
  Label after = a.NewLabel();
  EXPECT_EQ(after.id(), 0u);
  a.Emit(inst);
  a.Bind(after);
  absl::StatusOr<AssembledCode> code = a.Finish();
  if (!code.ok()) return std::string(code.status().ToString());
  return Hex(absl::MakeSpan(code->bytes).first(code->code_size));
}

TEST(EmitTest, RowsEncodeAndPrint) {
  for (const EmitRow& row : kRows) {
    EXPECT_EQ(Assemble(row.inst), row.hex) << row.text;
    EXPECT_EQ(ToString(row.inst), row.text);
  }
}

TEST(EmitTest, EveryFormHasARow) {
  std::set<int> covered;
  for (const EmitRow& row : kRows) covered.insert(static_cast<int>(row.inst.form()));
  for (int i = 0; i < kNumForms; ++i) {
    EXPECT_TRUE(covered.count(i)) << "no emit_test row for "
                                  << GetFormInfo(static_cast<Form>(i)).name;
  }
}

// The encoder's own length agrees with the bytes (no stray fix-up bytes).
TEST(EmitTest, EncodedSizeMatchesRowLength) {
  for (const EmitRow& row : kRows) {
    EncodedInst e;
    ASSERT_TRUE(Encode(row.inst, &e).ok()) << row.text;
    EXPECT_EQ(e.size * 3 - 1, static_cast<int>(std::string(row.hex).size())) << row.text;
  }
}

// Not a check: with X64_EMIT_DUMP=<file>, writes "<actual hex>\t<text>" per
// row for cross_check_emit.py.
TEST(EmitTest, DumpForCrossCheck) {
  const char* path = std::getenv("X64_EMIT_DUMP");
  if (path == nullptr) GTEST_SKIP() << "set X64_EMIT_DUMP to dump the rows";
  std::ofstream out(path);
  for (const EmitRow& row : kRows) out << Assemble(row.inst) << "\t" << ToString(row.inst) << "\n";
  ASSERT_TRUE(out.good());
}

}  // namespace
}  // namespace wasm::x64
