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
#include <cstring>

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

// EncodeTo for a plain form (FormInfo::plain: no rel or cond operand) with
// its operands given apart, so that a caller rewriting registers needs no
// Inst: `reg` fills ModRM.reg or the opcode's +r (unused if the form has no
// such operand); the rm operand (unused if the form has none) is the non-rip
// memory operand *rm_mem, or the register `rm_reg` if rm_mem is null; `imm`
// is the immediate's value (unused if the form has none; the form itself
// fixes its width, so narrowing is the caller's). Writes the bytes to
// `bytes` (room for kMaxInstSize) and returns their number; 0 if the
// operands do not fit the form (or rm_mem is rip-relative), having written
// nothing that counts. Inline: it is the emitter's per-instruction work, and
// reads only FormInfo::plain_plan and the opcode. Its register-register
// case (PlainPlan::reg_rm) is encoded inline; the rest out of line.
inline int EncodePlainTo(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem, int64_t imm,
                         uint8_t* bytes);

// ---- Implementation: the byte writers EncodeTo shares with EncodePlainTo --

namespace internal {

// Stores `v`'s low `bytes` bytes (1, 2, 4 or 8) little-endian at `p`, as
// x86-64 itself stores them; returns the end.
inline uint8_t* PutLe(uint8_t* p, uint64_t v, int bytes) {
  switch (bytes) {
    case 1:
      *p = static_cast<uint8_t>(v);
      break;
    case 2: {
      const uint16_t x = static_cast<uint16_t>(v);
      std::memcpy(p, &x, 2);
      break;
    }
    case 4: {
      const uint32_t x = static_cast<uint32_t>(v);
      std::memcpy(p, &x, 4);
      break;
    }
    default:
      std::memcpy(p, &v, 8);
      break;
  }
  return p + bytes;
}

constexpr uint8_t ModRmByte(int mod, int reg, int rm) {
  return static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | (rm & 7));
}

// Writes ModRM, SIB and displacement for a non-rip memory operand at `p`;
// returns the end.
inline uint8_t* PutMemModRm(uint8_t* p, int reg_field, const Mem& m) {
  const Reg base = m.base();
  const int32_t disp = m.disp();
  // mod=00 with base low bits 101 means rip/disp32, so rbp/r13 need a disp8.
  const int mod = (disp == 0 && base.low3() != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
  // rm=100 means "SIB follows", so rsp/r12 as a base need a SIB byte.
  if (!m.index().is_valid()) {
    if (base.low3() != 4) {
      *p++ = ModRmByte(mod, reg_field, base.low3());
    } else {
      *p++ = ModRmByte(mod, reg_field, 4);
      *p++ = static_cast<uint8_t>((4 << 3) | base.low3());  // 100 = no index
    }
  } else {
    const int s = m.scale();
    const int scale_bits = s == 8 ? 3 : s == 4 ? 2 : s == 2 ? 1 : 0;
    *p++ = ModRmByte(mod, reg_field, 4);
    *p++ = static_cast<uint8_t>((scale_bits << 6) | (m.index().low3() << 3) | base.low3());
  }
  if (mod == 1) *p++ = static_cast<uint8_t>(disp);
  if (mod == 2) p = PutLe(p, static_cast<uint32_t>(disp), 4);
  return p;
}

// A memory operand the encoder takes: rip-relative, or a GPR base with no
// index or a GPR index other than rsp, scaled by 1, 2, 4 or 8.
inline bool MemOk(const Mem& m) {
  if (m.is_rip()) return true;
  if (!m.base().is_gpr()) return false;
  if (m.index().is_valid()) {
    if (!m.index().is_gpr() || m.index() == kRsp) return false;
    const int s = m.scale();
    if (s != 1 && s != 2 && s != 4 && s != 8) return false;
  }
  return true;
}

// Whether `r` is a register of `kind` (never for kNone); sets *force_rex
// for spl / bpl / sil / dil as a kGpr8.
inline bool PlainRegFits(FormInfo::PlainPlan::RegKind kind, Reg r, bool* force_rex) {
  using RegKind = FormInfo::PlainPlan::RegKind;
  switch (kind) {
    case RegKind::kGpr:
      return r.is_gpr();
    case RegKind::kGpr8:
      if (!r.is_gpr()) return false;
      *force_rex = *force_rex || (r.enc() >= 4 && r.enc() <= 7);
      return true;
    case RegKind::kXmm:
      return r.is_xmm();
    case RegKind::kNone:
      break;
  }
  return false;
}

// EncodePlainTo's general path (encode.cc: out of line, so that the short
// path inlines into its callers).
int EncodePlainGeneralTo(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem, int64_t imm,
                         uint8_t* bytes);

}  // namespace internal

inline int EncodePlainTo(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem, int64_t imm,
                         uint8_t* bytes) {
  const FormInfo::PlainPlan& pp = f.plain_plan;
  if (!pp.reg_rm || rm_mem != nullptr) {
    return internal::EncodePlainGeneralTo(f, reg, rm_reg, rm_mem, imm, bytes);
  }
  // Register, register: the general path's bytes with its questions answered
  // by the plan (no +r, no digit, no immediate, no REX forced for a byte
  // register).
  if (reg.cls() != pp.reg_class || rm_reg.cls() != pp.rm_class ||
      (reg.enc() | rm_reg.enc()) >= 16) {
    return 0;  // not both valid registers of the form's classes
  }
  uint8_t* p = bytes;
  if (pp.prefix_byte != 0) *p++ = pp.prefix_byte;
  const uint32_t rex = pp.rex | (reg.high() ? 4u : 0u) | (rm_reg.high() ? 1u : 0u);
  if (rex != 0x40) *p++ = static_cast<uint8_t>(rex);
  std::memcpy(p, f.opcode, 3);
  p += f.opcode_len;
  *p++ = internal::ModRmByte(3, reg.low3(), rm_reg.low3());
  return static_cast<int>(p - bytes);
}

}  // namespace wasm::x64

#endif  // RUNTIME_X64_ENCODE_H_
