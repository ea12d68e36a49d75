#include "runtime/x64/encode.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "runtime/x64/inst.h"

namespace wasm::x64 {
namespace {

class ByteWriter {
 public:
  explicit ByteWriter(EncodedInst* out) : out_(out) { out_->size = 0; }
  void Byte(uint32_t b) { out_->bytes[out_->size++] = static_cast<uint8_t>(b); }
  void Le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) Byte((v >> (8 * i)) & 0xff);
  }
  int size() const { return out_->size; }

 private:
  EncodedInst* out_;
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
  const FormInfo& f = inst.info();
  // Operands that do not fit the form: CheckOperands says why. The checks
  // below accept exactly what CheckOperands accepts (without building its
  // messages), and come before each operand is used.
  auto reject = [&inst, &f]() -> absl::Status {
    RETURN_IF_ERROR(CheckOperands(inst));
    return absl::InternalError(absl::StrCat(f.name, ": operands rejected by the encoder"));
  };
  if (inst.num_operands() != f.num_explicit) return reject();

  // Gather where each operand goes.
  int reg_field = f.modrm == ModRmKind::kDigit ? f.digit : 0;
  bool rex_r = false, rex_x = false, rex_b = false, force_rex = false;
  uint8_t last_opcode = f.opcode[f.opcode_len - 1];
  const Operand* rm = nullptr;
  const Operand* imm = nullptr;
  const OperandSpec* imm_spec = nullptr;
  const Operand* rel = nullptr;
  const OperandSpec* rel_spec = nullptr;
  int k = 0;
  for (int i = 0; i < f.num_specs; ++i) {
    const OperandSpec& s = f.specs[i];
    if (!s.explicit_operand()) continue;
    const Operand& op = inst.operand(k++);
    const Reg* r = op.reg();
    switch (s.kind) {
      case OperandKind::kGpr:
        if (r == nullptr || !r->is_gpr()) return reject();
        force_rex = force_rex || (s.width == 8 && r->enc() >= 4 && r->enc() <= 7);
        if (f.modrm == ModRmKind::kOpcodeReg) {
          last_opcode = static_cast<uint8_t>(last_opcode + r->low3());
          rex_b = r->high();
          break;
        }
        reg_field = r->low3();
        rex_r = r->high();
        break;
      case OperandKind::kXmm:
        if (r == nullptr || !r->is_xmm()) return reject();
        reg_field = r->low3();
        rex_r = r->high();
        break;
      case OperandKind::kGprMem:
      case OperandKind::kXmmMem:
      case OperandKind::kMem:
        rm = &op;
        if (r != nullptr) {
          if (s.kind == OperandKind::kMem) return reject();
          if (!(s.kind == OperandKind::kGprMem ? r->is_gpr() : r->is_xmm())) return reject();
          force_rex = force_rex || (s.kind == OperandKind::kGprMem && s.width == 8 &&
                                    r->enc() >= 4 && r->enc() <= 7);
          rex_b = r->high();
        } else if (const Mem* m = op.mem(); m == nullptr || !MemOk(*m)) {
          return reject();
        } else if (!m->is_rip()) {
          rex_b = m->base().high();
          rex_x = m->index().is_valid() && m->index().high();
        }
        break;
      case OperandKind::kImm:
        if (op.imm() == nullptr || !ImmFits(s, op.imm()->value)) return reject();
        imm = &op;
        imm_spec = &s;
        break;
      case OperandKind::kRel:
        if (const Label* l = op.label(); !(l != nullptr && l->is_valid()) &&
                                         !(op.symbol() != nullptr && s.width == 32)) {
          return reject();
        }
        rel = &op;
        rel_spec = &s;
        break;
      case OperandKind::kCond:
        if (op.cond() == nullptr) return reject();
        last_opcode = static_cast<uint8_t>(last_opcode + static_cast<uint8_t>(*op.cond()));
        break;
      case OperandKind::kFixedGpr:
        break;
    }
  }

  ByteWriter w(out);
  out->pcrel_offset = -1;
  out->pcrel_size = 0;
  out->pcrel_addend = 0;
  out->imm64_offset = -1;
  switch (f.prefix) {
    case Prefix::kNone:
      break;
    case Prefix::k66:
      w.Byte(0x66);
      break;
    case Prefix::kF2:
      w.Byte(0xf2);
      break;
    case Prefix::kF3:
      w.Byte(0xf3);
      break;
  }
  uint8_t rex = 0x40 | (f.rex_w << 3) | (rex_r << 2) | (rex_x << 1) | rex_b;
  if (rex != 0x40 || force_rex) w.Byte(rex);
  for (int i = 0; i + 1 < f.opcode_len; ++i) w.Byte(f.opcode[i]);
  w.Byte(last_opcode);

  if (rm != nullptr) {
    if (const Reg* r = rm->reg()) {
      w.Byte(ModRmByte(3, reg_field, r->low3()));
    } else {
      int at = WriteMemModRm(w, reg_field, *rm->mem());
      if (at >= 0) {
        out->pcrel_offset = static_cast<int8_t>(at);
        out->pcrel_size = 4;
        out->pcrel_addend = rm->mem()->disp();
      }
    }
  }
  if (imm != nullptr) {
    if (imm_spec->width == 64) out->imm64_offset = static_cast<int8_t>(w.size());
    w.Le(static_cast<uint64_t>(imm->imm()->value), imm_spec->width / 8);
  }
  if (rel != nullptr) {
    out->pcrel_offset = static_cast<int8_t>(w.size());
    out->pcrel_size = static_cast<uint8_t>(rel_spec->width / 8);
    w.Le(0, rel_spec->width / 8);
  }
  return absl::OkStatus();
}

}  // namespace wasm::x64
