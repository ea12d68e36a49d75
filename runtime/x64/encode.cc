#include "runtime/x64/encode.h"

#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "runtime/x64/inst.h"

namespace wasm::x64 {
namespace {

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

bool FitsInt8(int64_t v) { return v >= -128 && v <= 127; }

// Writes ModRM, SIB and displacement for a non-rip memory operand at `p`;
// returns the end.
inline uint8_t* PutMemModRm(uint8_t* p, int reg_field, const Mem& m) {
  const Reg base = m.base();
  const int32_t disp = m.disp();
  // mod=00 with base low bits 101 means rip/disp32, so rbp/r13 need a disp8.
  const int mod = (disp == 0 && base.low3() != 5) ? 0 : FitsInt8(disp) ? 1 : 2;
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

bool MemOk(const Mem& m) {
  if (m.is_rip()) return true;
  if (!m.base().is_gpr()) return false;
  if (m.index().is_valid()) {
    if (!m.index().is_gpr() || m.index() == kRsp) return false;
    const int s = m.scale();
    if (s != 1 && s != 2 && s != 4 && s != 8) return false;
  }
  return true;
}

// EncodePlainTo's work, inlined into EncodeTo too.
inline int EncodePlain(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem,
                       uint8_t* bytes) {
  int reg_field = f.digit;  // 0 but for slash(n) rows; slash_r sets it below
  uint32_t rex = f.rex_w ? 0x48 : 0x40;
  bool force_rex = false;
  uint8_t last_opcode = f.opcode[f.opcode_len - 1];
  if (f.reg.operand >= 0) {
    const OperandSpec& s = f.specs[f.reg.spec];
    if (s.kind == OperandKind::kGpr) {
      if (!reg.is_gpr()) return 0;
      force_rex = s.width == 8 && reg.enc() >= 4 && reg.enc() <= 7;
    } else if (!reg.is_xmm()) {
      return 0;
    }
    if (f.modrm == ModRmKind::kOpcodeReg) {
      last_opcode = static_cast<uint8_t>(last_opcode + reg.low3());
      rex |= reg.high() ? 1 : 0;  // REX.B
    } else {
      reg_field = reg.low3();
      rex |= reg.high() ? 4 : 0;  // REX.R
    }
  }
  const bool has_rm = f.rm.operand >= 0;
  if (has_rm) {
    const OperandSpec& s = f.specs[f.rm.spec];
    if (rm_mem == nullptr) {
      if (s.kind == OperandKind::kMem) return 0;
      if (!(s.kind == OperandKind::kGprMem ? rm_reg.is_gpr() : rm_reg.is_xmm())) return 0;
      force_rex = force_rex || (s.kind == OperandKind::kGprMem && s.width == 8 &&
                                rm_reg.enc() >= 4 && rm_reg.enc() <= 7);
      rex |= rm_reg.high() ? 1 : 0;  // REX.B
    } else if (rm_mem->is_rip() || !MemOk(*rm_mem)) {
      return 0;
    } else {
      rex |= rm_mem->base().high() ? 1 : 0;                                 // REX.B
      rex |= rm_mem->index().is_valid() && rm_mem->index().high() ? 2 : 0;  // REX.X
    }
  }
  uint8_t* p = bytes;
  // Prefix's bytes, by its enumerator value (kNone has none).
  constexpr uint8_t kPrefixByte[] = {0, 0x66, 0xf2, 0xf3};
  if (f.prefix != Prefix::kNone) *p++ = kPrefixByte[static_cast<int>(f.prefix)];
  if (rex != 0x40 || force_rex) *p++ = static_cast<uint8_t>(rex);
  // All three opcode bytes, then the last one overwritten with its +r.
  std::memcpy(p, f.opcode, 3);
  p += f.opcode_len;
  p[-1] = last_opcode;
  if (has_rm) {
    if (rm_mem == nullptr) {
      *p++ = ModRmByte(3, reg_field, rm_reg.low3());
    } else {
      p = PutMemModRm(p, reg_field, *rm_mem);
    }
  }
  return static_cast<int>(p - bytes);
}

}  // namespace

int EncodePlainTo(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem, uint8_t* bytes) {
  return EncodePlain(f, reg, rm_reg, rm_mem, bytes);
}

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
    // No imm, rel or cond: EncodePlain, unless the rm operand is rip-relative.
    Reg reg, rm_reg;
    const Mem* rm_mem = nullptr;
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
    if (!rip) {
      const int size = EncodePlain(f, reg, rm_reg, rm_mem, bytes);
      if (size == 0) return false;
      out->size = static_cast<uint8_t>(size);
      out->pcrel_offset = -1;
      out->pcrel_size = 0;
      out->pcrel_addend = 0;
      out->imm64_offset = -1;
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
