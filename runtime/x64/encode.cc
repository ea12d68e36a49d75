#include "runtime/x64/encode.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "runtime/x64/inst.h"

namespace wasm::x64 {
namespace {

// Appends bytes at a raw pointer (kept in a register, not re-read).
class ByteWriter {
 public:
  explicit ByteWriter(uint8_t* out) : begin_(out), p_(out) {}
  void Byte(uint32_t b) { *p_++ = static_cast<uint8_t>(b); }
  void Le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) Byte((v >> (8 * i)) & 0xff);
  }
  int size() const { return static_cast<int>(p_ - begin_); }

 private:
  uint8_t* begin_;
  uint8_t* p_;
};

constexpr uint8_t ModRmByte(int mod, int reg, int rm) {
  return static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | (rm & 7));
}

bool FitsInt8(int64_t v) { return v >= -128 && v <= 127; }

// Writes ModRM, SIB and displacement for a memory operand. Returns the offset
// of a rip-relative disp32 (to be patched), or -1.
int WriteMemModRm(ByteWriter& w, int reg_field, const Mem& m) {
  if (m.is_rip()) {
    w.Byte(ModRmByte(0, reg_field, 5));  // mod=00 rm=101: [rip + disp32]
    int at = w.size();
    w.Le(0, 4);
    return at;
  }
  const Reg base = m.base();
  const int64_t disp = m.disp();
  // mod=00 with base low bits 101 means rip/disp32, so rbp/r13 need a disp8.
  int mod = (disp == 0 && base.low3() != 5) ? 0 : FitsInt8(disp) ? 1 : 2;
  // rm=100 means "SIB follows", so rsp/r12 as a base need a SIB byte.
  if (!m.index().is_valid() && base.low3() != 4) {
    w.Byte(ModRmByte(mod, reg_field, base.low3()));
  } else {
    int scale_bits = m.scale() == 8 ? 3 : m.scale() == 4 ? 2 : m.scale() == 2 ? 1 : 0;
    int index_bits = m.index().is_valid() ? m.index().low3() : 4;  // 100 = no index
    if (!m.index().is_valid()) scale_bits = 0;
    w.Byte(ModRmByte(mod, reg_field, 4));
    w.Byte(static_cast<uint8_t>((scale_bits << 6) | (index_bits << 3) | base.low3()));
  }
  if (mod == 1) w.Le(static_cast<uint64_t>(disp), 1);
  if (mod == 2) w.Le(static_cast<uint64_t>(disp), 4);
  return -1;
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

}  // namespace

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

  int reg_field = f.modrm == ModRmKind::kDigit ? f.digit : 0;
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

  ByteWriter w(bytes);
  out->pcrel_offset = -1;
  out->pcrel_size = 0;
  out->pcrel_addend = 0;
  out->imm64_offset = -1;
  // Prefix's bytes, by its enumerator value (kNone has none).
  constexpr uint8_t kPrefixByte[] = {0, 0x66, 0xf2, 0xf3};
  if (f.prefix != Prefix::kNone) w.Byte(kPrefixByte[static_cast<int>(f.prefix)]);
  if (rex != 0x40 || force_rex) w.Byte(rex);
  for (int i = 0; i + 1 < f.opcode_len; ++i) w.Byte(f.opcode[i]);
  w.Byte(last_opcode);

  if (rm_reg != nullptr) {
    w.Byte(ModRmByte(3, reg_field, rm_reg->low3()));
  } else if (rm_mem != nullptr) {
    int at = WriteMemModRm(w, reg_field, *rm_mem);
    if (at >= 0) {
      out->pcrel_offset = static_cast<int8_t>(at);
      out->pcrel_size = 4;
      out->pcrel_addend = rm_mem->disp();
    }
  }
  if (imm != nullptr) {
    if (imm_width == 64) out->imm64_offset = static_cast<int8_t>(w.size());
    w.Le(static_cast<uint64_t>(imm->value), imm_width / 8);
  }
  if (rel_width != 0) {
    out->pcrel_offset = static_cast<int8_t>(w.size());
    out->pcrel_size = static_cast<uint8_t>(rel_width / 8);
    w.Le(0, rel_width / 8);
  }
  out->size = static_cast<uint8_t>(w.size());
  return true;
}

}  // namespace wasm::x64
