#include "runtime/x64/encode.h"

#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "runtime/x64/inst.h"

namespace wasm::x64 {

// The byte writers EncodeTo shares with EncodePlainTo (encode.h).
using internal::MemOk;
using internal::ModRmByte;
using internal::PutLe;
using internal::PutMemModRm;

namespace internal {

int EncodePlainGeneralTo(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem,
                                int64_t imm, uint8_t* bytes) {
  using RegKind = FormInfo::PlainPlan::RegKind;
  const FormInfo::PlainPlan& pp = f.plain_plan;
  int reg_field = f.digit;  // 0 but for slash(n) rows; the reg operand sets it below
  uint32_t rex = pp.rex;
  bool force_rex = false;
  uint8_t last_opcode = f.opcode[f.opcode_len - 1];
  if (pp.reg != RegKind::kNone) {
    if (!internal::PlainRegFits(pp.reg, reg, &force_rex)) return 0;
    if (pp.reg_in_opcode) {
      last_opcode = static_cast<uint8_t>(last_opcode + reg.low3());
      rex |= reg.high() ? 1 : 0;  // REX.B
    } else {
      reg_field = reg.low3();
      rex |= reg.high() ? 4 : 0;  // REX.R
    }
  }
  if (pp.has_rm) {
    if (rm_mem == nullptr) {
      if (!internal::PlainRegFits(pp.rm, rm_reg, &force_rex)) return 0;
      rex |= rm_reg.high() ? 1 : 0;  // REX.B
    } else if (rm_mem->is_rip() || !internal::MemOk(*rm_mem)) {
      return 0;
    } else {
      rex |= rm_mem->base().high() ? 1 : 0;                                 // REX.B
      rex |= rm_mem->index().is_valid() && rm_mem->index().high() ? 2 : 0;  // REX.X
    }
  }
  if (pp.imm_bytes != 0 && !ImmFits(f.specs[f.imm.spec], imm)) return 0;
  uint8_t* p = bytes;
  if (pp.prefix_byte != 0) *p++ = pp.prefix_byte;
  if (rex != 0x40 || force_rex) *p++ = static_cast<uint8_t>(rex);
  // All three opcode bytes, then the last one overwritten with its +r.
  std::memcpy(p, f.opcode, 3);
  p += f.opcode_len;
  p[-1] = last_opcode;
  if (pp.has_rm) {
    if (rm_mem == nullptr) {
      *p++ = internal::ModRmByte(3, reg_field, rm_reg.low3());
    } else {
      p = internal::PutMemModRm(p, reg_field, *rm_mem);
    }
  }
  if (pp.imm_bytes != 0) p = internal::PutLe(p, static_cast<uint64_t>(imm), pp.imm_bytes);
  return static_cast<int>(p - bytes);
}

}  // namespace internal

absl::Status Encode(const Inst& inst, EncodedInst* out) {
  if (EncodeTo(inst, out->bytes.data(), out)) return absl::OkStatus();
  // Operands that do not fit the form: CheckOperands says why.
  RETURN_IF_ERROR(CheckOperands(inst));
  return absl::InternalError(
      absl::StrCat(inst.info().name, ": operands rejected by the encoder"));
}

bool EncodeTo(const Inst& inst, uint8_t* bytes, EncodedFields* out) {
  const FormInfo& f = inst.info();
  // The checks below accept exactly what CheckOperands accepts (without
  // building its messages), and come before each operand is used. The form's
  // plan (FormInfo::reg / rm / imm / rel / cond) says which operand fills
  // which field, so no operand list is walked here.
  if (inst.num_operands() != f.num_explicit) return false;
  if (f.plain) {
    // No rel or cond: EncodePlainTo, unless the rm operand is rip-relative.
    Reg reg, rm_reg;
    const Mem* rm_mem = nullptr;
    int64_t imm = 0;
    bool rip = false;
    if (f.reg.operand >= 0) {
      const Reg* r = inst.operand(f.reg.operand).reg();
      if (r == nullptr) return false;
      reg = *r;
    }
    if (f.rm.operand >= 0) {
      const Operand& op = inst.operand(f.rm.operand);
      if (const Reg* r = op.reg(); r != nullptr) {
        rm_reg = *r;
      } else if ((rm_mem = op.mem()) == nullptr) {
        return false;
      } else {
        rip = rm_mem->is_rip();
      }
    }
    if (f.imm.operand >= 0) {
      const Imm* i = inst.operand(f.imm.operand).imm();
      if (i == nullptr) return false;
      imm = i->value;
    }
    if (!rip) {
      const int size = EncodePlainTo(f, reg, rm_reg, rm_mem, imm, bytes);
      if (size == 0) return false;
      out->size = static_cast<uint8_t>(size);
      out->pcrel_offset = -1;
      out->pcrel_size = 0;
      out->pcrel_addend = 0;
      // An imm64 (movabs) is the last field.
      out->imm64_offset = f.imm.operand >= 0 && f.specs[f.imm.spec].width == 64
                              ? static_cast<int8_t>(size - 8)
                              : int8_t{-1};
      return true;
    }
  }

  int reg_field = f.digit;  // 0 but for slash(n) rows; slash_r sets it below
  uint32_t rex = f.rex_w ? 0x48 : 0x40;
  bool force_rex = false;
  uint8_t last_opcode = f.opcode[f.opcode_len - 1];
  if (f.reg.operand >= 0) {
    const OperandSpec& s = f.specs[f.reg.spec];
    const Reg* r = inst.operand(f.reg.operand).reg();
    if (s.kind == OperandKind::kGpr) {
      if (r == nullptr || !r->is_gpr()) return false;
      force_rex = s.width == 8 && r->enc() >= 4 && r->enc() <= 7;
    } else if (r == nullptr || !r->is_xmm()) {
      return false;
    }
    if (f.modrm == ModRmKind::kOpcodeReg) {
      last_opcode = static_cast<uint8_t>(last_opcode + r->low3());
      rex |= r->high() ? 1 : 0;  // REX.B
    } else {
      reg_field = r->low3();
      rex |= r->high() ? 4 : 0;  // REX.R
    }
  }
  const Reg* rm_reg = nullptr;
  const Mem* rm_mem = nullptr;
  if (f.rm.operand >= 0) {
    const OperandSpec& s = f.specs[f.rm.spec];
    const Operand& op = inst.operand(f.rm.operand);
    if ((rm_reg = op.reg()) != nullptr) {
      if (s.kind == OperandKind::kMem) return false;
      if (!(s.kind == OperandKind::kGprMem ? rm_reg->is_gpr() : rm_reg->is_xmm())) return false;
      force_rex = force_rex || (s.kind == OperandKind::kGprMem && s.width == 8 &&
                                rm_reg->enc() >= 4 && rm_reg->enc() <= 7);
      rex |= rm_reg->high() ? 1 : 0;  // REX.B
    } else if (rm_mem = op.mem(); rm_mem == nullptr || !MemOk(*rm_mem)) {
      return false;
    } else if (!rm_mem->is_rip()) {
      rex |= rm_mem->base().high() ? 1 : 0;                                 // REX.B
      rex |= rm_mem->index().is_valid() && rm_mem->index().high() ? 2 : 0;  // REX.X
    }
  }
  const Imm* imm = nullptr;
  int imm_width = 0;
  if (f.imm.operand >= 0) {
    const OperandSpec& s = f.specs[f.imm.spec];
    imm = inst.operand(f.imm.operand).imm();
    if (imm == nullptr || !ImmFits(s, imm->value)) return false;
    imm_width = s.width;
  }
  int rel_width = 0;
  if (f.rel.operand >= 0) {
    const OperandSpec& s = f.specs[f.rel.spec];
    const Operand& op = inst.operand(f.rel.operand);
    if (const Label* l = op.label();
        !(l != nullptr && l->is_valid()) && !(op.symbol() != nullptr && s.width == 32)) {
      return false;
    }
    rel_width = s.width;
  }
  if (f.cond.operand >= 0) {
    const Cond* c = inst.operand(f.cond.operand).cond();
    if (c == nullptr) return false;
    last_opcode = static_cast<uint8_t>(last_opcode + static_cast<uint8_t>(*c));
  }

  uint8_t* p = bytes;
  out->pcrel_offset = -1;
  out->pcrel_size = 0;
  out->pcrel_addend = 0;
  out->imm64_offset = -1;
  // Prefix's bytes, by its enumerator value (kNone has none).
  constexpr uint8_t kPrefixByte[] = {0, 0x66, 0xf2, 0xf3};
  if (f.prefix != Prefix::kNone) *p++ = kPrefixByte[static_cast<int>(f.prefix)];
  if (rex != 0x40 || force_rex) *p++ = static_cast<uint8_t>(rex);
  // All three opcode bytes (room enough: at most 5 of the 15 are used so
  // far), then the last one overwritten with its +r / +cc.
  std::memcpy(p, f.opcode, 3);
  p += f.opcode_len;
  p[-1] = last_opcode;

  if (rm_reg != nullptr) {
    *p++ = ModRmByte(3, reg_field, rm_reg->low3());
  } else if (rm_mem != nullptr) {
    if (rm_mem->is_rip()) {
      *p++ = ModRmByte(0, reg_field, 5);  // mod=00 rm=101: [rip + disp32]
      out->pcrel_offset = static_cast<int8_t>(p - bytes);
      out->pcrel_size = 4;
      out->pcrel_addend = rm_mem->disp();
      p = PutLe(p, 0, 4);
    } else {
      p = PutMemModRm(p, reg_field, *rm_mem);
    }
  }
  if (imm != nullptr) {
    if (imm_width == 64) out->imm64_offset = static_cast<int8_t>(p - bytes);
    p = PutLe(p, static_cast<uint64_t>(imm->value), imm_width / 8);
  }
  if (rel_width != 0) {
    out->pcrel_offset = static_cast<int8_t>(p - bytes);
    out->pcrel_size = static_cast<uint8_t>(rel_width / 8);
    p = PutLe(p, 0, rel_width / 8);
  }
  out->size = static_cast<uint8_t>(p - bytes);
  return true;
}

}  // namespace wasm::x64
