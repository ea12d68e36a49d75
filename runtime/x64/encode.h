// The table-driven x86-64 encoder: one Inst to its bytes.
//
//   EncodedInst e;
//   RETURN_IF_ERROR(Encode(Inst(Form::kMov64RM, {kRax, Mem(kR12, 8)}), &e));
//   // e.bytes[0, e.size) == 49 8b 44 24 08
//
// Byte layout, all derived from the form's row and the operands:
//   [66|F2|F3] [REX] [0F [38|3A]] opcode(+r|+cc) [ModRM [SIB] [disp8|disp32]] [imm|rel]
// REX is emitted when REX.W, or any of R/X/B is needed for r8..r15 / xmm8..15,
// or an 8-bit operand names spl/bpl/sil/dil (which without REX would be
// ah/ch/dh/bh). Memory operands take the shortest displacement (none, disp8,
// disp32) with the two exceptions of the ISA: base rsp/r12 needs a SIB byte,
// base rbp/r13 cannot use "no displacement" and gets a disp8 of 0.
//
// Invariant: Encode never writes bytes for an Inst that fails CheckOperands.
#ifndef RUNTIME_X64_ENCODE_H_
#define RUNTIME_X64_ENCODE_H_

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "runtime/x64/inst.h"

namespace wasm::x64 {

inline constexpr int kMaxInstSize = 15;

// Where an encoding's patchable fields are (everything but its bytes).
struct EncodedFields {
  uint8_t size = 0;
  // The instruction's pc-relative field, if any (a rel8/rel32 branch target or
  // the disp32 of a rip-relative memory operand): its offset in the bytes and
  // its size. It is encoded as zero; its final value is
  //   target + pcrel_addend - (address of the instruction + size).
  int8_t pcrel_offset = -1;
  uint8_t pcrel_size = 0;
  int32_t pcrel_addend = 0;
  // Offset of an 8-byte immediate (movabs), for absolute relocations; -1 if none.
  int8_t imm64_offset = -1;
};

struct EncodedInst : EncodedFields {
  std::array<uint8_t, kMaxInstSize> bytes{};
};

// Encodes `inst`. InvalidArgument (from CheckOperands) if its operands do not
// fit its form; `out` is then unspecified.
absl::Status Encode(const Inst& inst, EncodedInst* out);

// Encode's core, for the assembler's hot path: writes the bytes of `inst` to
// `bytes` (room for kMaxInstSize) and sets `fields`. False if the operands do
// not fit the form (Encode says why); `bytes` and `fields` are then
// unspecified.
bool EncodeTo(const Inst& inst, uint8_t* bytes, EncodedFields* fields);

// EncodeTo for a plain form (FormInfo::plain: no imm, rel or cond operand)
// with its operands given apart, so that a caller rewriting registers needs
// no Inst: `reg` fills ModRM.reg or the opcode's +r (unused if the form has
// no such operand); the rm operand (unused if the form has none) is the
// non-rip memory operand *rm_mem, or the register `rm_reg` if rm_mem is
// null. Writes the bytes to `bytes` (room for kMaxInstSize) and returns their
// number; 0 if the operands do not fit the form (or rm_mem is rip-relative),
// having written nothing that counts.
int EncodePlainTo(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem, uint8_t* bytes);

}  // namespace wasm::x64

#endif  // RUNTIME_X64_ENCODE_H_
