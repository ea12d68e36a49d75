#include "runtime/x64/assembler.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "runtime/x64/encode.h"

namespace wasm::x64 {
namespace {

// Code beyond this size could overflow rel32 displacements and our uint32
// offsets; a wasm function is far smaller.
constexpr uint32_t kMaxCodeSize = 1u << 30;

constexpr int kShortBranchSize = 2;  // EB/7x rel8
constexpr int kLongJmpSize = 5;      // E9 rel32
constexpr int kLongJccSize = 6;      // 0F 8x rel32
constexpr int kConstantPoolAlignment = 16;

// The recommended multi-byte nops (Intel SDM Vol. 2B, NOP), by length.
constexpr uint8_t kNops[9][9] = {
    {0x90},
    {0x66, 0x90},
    {0x0f, 0x1f, 0x00},
    {0x0f, 0x1f, 0x40, 0x00},
    {0x0f, 0x1f, 0x44, 0x00, 0x00},
    {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
    {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
    {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

// Writes `n` bytes of nops at `out`.
void PutNops(uint8_t* out, int n) {
  while (n > 0) {
    const int chunk = std::min(n, 9);
    std::memcpy(out, kNops[chunk - 1], chunk);
    out += chunk;
    n -= chunk;
  }
}

void WriteLe(std::vector<uint8_t>* out, uint32_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) (*out)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

bool FitsInt8(int64_t v) { return v >= -128 && v <= 127; }

}  // namespace

Assembler::Pos Assembler::Here() const {
  return Pos{static_cast<uint32_t>(code_size_), static_cast<uint32_t>(items_.size())};
}

void Assembler::Fail(absl::Status status) {
  if (first_error_.ok()) first_error_ = std::move(status);
}

bool Assembler::CheckLabel(Label label) {
  if (label.is_valid() && label.id() < label_pos_.size()) return true;
  Fail(absl::InvalidArgumentError(absl::StrCat("unknown label L", label.id())));
  return false;
}

Label Assembler::NewLabel() {
  label_pos_.push_back(Pos{0, 0});
  label_bound_.push_back(false);
  return Label(static_cast<uint32_t>(label_pos_.size() - 1));
}

Label Assembler::ExternalLabel(ExternalSymbol symbol) {
  auto [it, inserted] = external_labels_.try_emplace(symbol.id(), 0);
  if (inserted) {
    it->second = NewLabel().id();
    if (label_symbol_.size() <= it->second) label_symbol_.resize(label_pos_.size(), -1);
    label_symbol_[it->second] = symbol.id();
    any_external_ = true;
  }
  return Label(it->second);
}

void Assembler::Bind(Label label) {
  if (!CheckLabel(label)) return;
  if (LabelSymbol(label.id()) >= 0) {
    Fail(absl::InvalidArgumentError(absl::StrCat("label L", label.id(), " is external")));
    return;
  }
  if (label_bound_[label.id()]) {
    Fail(absl::InvalidArgumentError(absl::StrCat("label L", label.id(), " bound twice")));
    return;
  }
  label_bound_[label.id()] = true;
  label_pos_[label.id()] = Here();
}

void Assembler::Jmp(Label target) {
  if (!CheckLabel(target)) return;
  items_.push_back(Item{Item::Kind::kJmp, Cond::kO, false, 0, Here().fixed, target.id()});
}

void Assembler::J(Cond cond, Label target) {
  if (!CheckLabel(target)) return;
  items_.push_back(Item{Item::Kind::kJcc, cond, false, 0, Here().fixed, target.id()});
}

void Assembler::Call(Label target) {
  if (finished_ || !target.is_valid() || target.id() >= label_pos_.size()) {
    Emit(Inst(Form::kCallRel32, {target}));  // the general path reports why
    return;
  }
  // Emit's work for this one form, without an Inst: E8 rel32, a fixup.
  const FormInfo& f = GetFormInfo(Form::kCallRel32);
  constexpr uint8_t kSize = 5;
  uint8_t* p = Room(kSize);
  p[0] = f.opcode[0];
  std::memset(p + 1, 0, 4);
  const Pos start = Here();
  code_size_ += kSize;
  fixups_.push_back(Fixup{Fixup::Kind::kLabelPcRel, 4, 4, Pos{start.fixed + 1, start.items_before},
                          target.id(), 0, 0});
}

void Assembler::CallExternal(ExternalSymbol symbol) { Emit(Inst(Form::kCallRel32, {symbol})); }

void Assembler::MovExternalAddress(Reg dst, ExternalSymbol symbol) {
  EncodedFields e;
  Pos start;
  if (!EncodeAndAppend(Inst(Form::kMov64OI, {dst, Imm(0)}), &e, &start)) return;
  relocations_.push_back(PendingRelocation{
      Pos{start.fixed + static_cast<uint32_t>(e.imm64_offset), start.items_before}, symbol,
      Relocation::Kind::kAbs64, 0});
}

void Assembler::JumpTableEntry(Label target, Label table, int32_t addend) {
  if (!CheckLabel(target) || !CheckLabel(table)) return;
  fixups_.push_back(Fixup{Fixup::Kind::kLabelDelta, 4, 4, Here(), target.id(), table.id(), addend});
  std::memset(Room(4), 0, 4);
  code_size_ += 4;
}

void Assembler::MovImm(Reg dst, int64_t value) {
  if (value >= 0 && value <= int64_t{UINT32_MAX}) {
    Emit(Inst(Form::kMov32OI, {dst, Imm(value)}));
  } else if (value >= INT32_MIN && value <= INT32_MAX) {
    Emit(Inst(Form::kMov64MI, {dst, Imm(value)}));
  } else {
    Emit(Inst(Form::kMov64OI, {dst, Imm(value)}));
  }
}

namespace {

// A register of class `cls`.
bool OfClass(Reg r, RegClass cls) { return cls == RegClass::kGpr ? r.is_gpr() : r.is_xmm(); }

// The prefix, REX and opcode of a 64-bit GPR move (REX.W `gpr_opcode`) or an
// XMM one (`xmm_prefix` [REX] 0F `xmm_opcode`), REX.R / REX.B from `reg` and
// `rm`, as the encoder writes them; returns the end.
uint8_t* PutMovHead(uint8_t* p, RegClass cls, Reg reg, Reg rm, uint8_t gpr_opcode,
                    uint8_t xmm_prefix, uint8_t xmm_opcode) {
  const uint8_t rex_rb = static_cast<uint8_t>((reg.high() ? 4 : 0) | (rm.high() ? 1 : 0));
  if (cls == RegClass::kGpr) {
    *p++ = static_cast<uint8_t>(0x48 | rex_rb);
    *p++ = gpr_opcode;
    return p;
  }
  if (xmm_prefix != 0) *p++ = xmm_prefix;
  if (rex_rb != 0) *p++ = static_cast<uint8_t>(0x40 | rex_rb);
  *p++ = 0x0f;
  *p++ = xmm_opcode;
  return p;
}

// ModRM, SIB and displacement of [base + disp] with `reg` in ModRM.reg, as
// the encoder writes them (the shortest displacement; SIB for rsp / r12; a
// disp8 of 0 for rbp / r13); returns the end.
uint8_t* PutBaseDisp(uint8_t* p, Reg reg, Reg base, int32_t disp) {
  const int mod = (disp == 0 && base.low3() != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
  *p++ = static_cast<uint8_t>((mod << 6) | (reg.low3() << 3) | base.low3());
  if (base.low3() == 4) *p++ = static_cast<uint8_t>((4 << 3) | 4);  // SIB: no index
  if (mod == 1) *p++ = static_cast<uint8_t>(disp);
  if (mod == 2) {
    const uint32_t d = static_cast<uint32_t>(disp);
    std::memcpy(p, &d, 4);
    p += 4;
  }
  return p;
}

}  // namespace

void Assembler::MovRegReg(RegClass cls, Reg dst, Reg src) {
  if (finished_ || !OfClass(dst, cls) || !OfClass(src, cls)) {
    Emit(Inst(cls == RegClass::kGpr ? Form::kMov64RM : Form::kMovapsRM, {dst, src}));
    return;
  }
  uint8_t* const start = Room(kMaxInstSize);
  uint8_t* p = PutMovHead(start, cls, dst, src, 0x8b, 0, 0x28);
  *p++ = static_cast<uint8_t>(0xc0 | (dst.low3() << 3) | src.low3());
  code_size_ += static_cast<size_t>(p - start);
}

void Assembler::MovLoad(RegClass cls, Reg dst, Reg base, int32_t disp) {
  if (finished_ || !OfClass(dst, cls) || !base.is_gpr()) {
    Emit(Inst(cls == RegClass::kGpr ? Form::kMov64RM : Form::kMovsdRM, {dst, Mem(base, disp)}));
    return;
  }
  uint8_t* const start = Room(kMaxInstSize);
  uint8_t* p = PutMovHead(start, cls, dst, base, 0x8b, 0xf2, 0x10);
  p = PutBaseDisp(p, dst, base, disp);
  code_size_ += static_cast<size_t>(p - start);
}

void Assembler::MovStore(RegClass cls, Reg base, int32_t disp, Reg src) {
  if (finished_ || !OfClass(src, cls) || !base.is_gpr()) {
    Emit(Inst(cls == RegClass::kGpr ? Form::kMov64MR : Form::kMovsdMR, {Mem(base, disp), src}));
    return;
  }
  uint8_t* const start = Room(kMaxInstSize);
  uint8_t* p = PutMovHead(start, cls, src, base, 0x89, 0xf2, 0x11);
  p = PutBaseDisp(p, src, base, disp);
  code_size_ += static_cast<size_t>(p - start);
}

void Assembler::Align(int alignment) {
  if (alignment <= 0 || alignment > 64 || (alignment & (alignment - 1)) != 0) {
    Fail(absl::InvalidArgumentError(absl::StrCat("bad alignment ", alignment)));
    return;
  }
  if (alignment == 1) return;
  items_.push_back(
      Item{Item::Kind::kAlign, Cond::kO, false, static_cast<uint8_t>(alignment), Here().fixed, 0});
}

void Assembler::RecordTrap(TrapKind kind) { traps_.emplace_back(Here(), kind); }

void Assembler::Grow(size_t n) {
  const size_t capacity = std::max<size_t>(2 * code_capacity_, code_size_ + n + 4096);
  // new[] without (): the bytes are not zeroed first.
  std::unique_ptr<uint8_t[]> grown(new uint8_t[capacity]);
  if (code_size_ > 0) std::memcpy(grown.get(), code_.get(), code_size_);
  code_ = std::move(grown);
  code_capacity_ = capacity;
}

bool Assembler::EncodeAndAppend(const Inst& inst, EncodedFields* e, Pos* start) {
  if (finished_) {
    Fail(absl::FailedPreconditionError("Emit after Finish"));
    return false;
  }
  // Encoded in place, after the code (only e->size of the bytes count).
  if (!EncodeTo(inst, Room(kMaxInstSize), e)) {
    EncodedInst scratch;
    Fail(Encode(inst, &scratch));  // fails too, saying why
    return false;
  }
  *start = Here();
  code_size_ += e->size;
  return true;
}

void Assembler::EmitRest(const Inst& inst, bool encoded, const EncodedFields& e) {
  // EncodeAndAppend inlined (in Emit); on failure it runs again to report why.
  if (!encoded) {
    EncodedFields unused_fields;
    Pos unused;
    EncodeAndAppend(inst, &unused_fields, &unused);  // fails, saying why
    return;
  }
  const Pos start = Here();
  code_size_ += e.size;
  const Pos field{start.fixed + static_cast<uint32_t>(e.pcrel_offset), start.items_before};
  const uint8_t to_end = static_cast<uint8_t>(e.size - e.pcrel_offset);
  // The one operand that produced the pc-relative field: the rel operand,
  // or else the rip-relative memory operand (a form has not both).
  const FormInfo& f = inst.info();
  const Operand& op = inst.operand(f.rel.operand >= 0 ? f.rel.operand : f.rm.operand);
  if (const Label* l = op.label()) {
    if (!CheckLabel(*l)) return;
    fixups_.push_back(
        Fixup{Fixup::Kind::kLabelPcRel, e.pcrel_size, to_end, field, l->id(), 0, 0});
    return;
  }
  if (const ExternalSymbol* sym = op.symbol()) {
    relocations_.push_back(PendingRelocation{field, *sym, Relocation::Kind::kPcRel32,
                                             -static_cast<int32_t>(to_end)});
    return;
  }
  if (const Mem* m = op.mem(); m != nullptr && m->is_rip()) {
    if (m->rip_target() == Mem::RipTarget::kLabel) {
      if (!CheckLabel(Label(m->target_id()))) return;
      fixups_.push_back(
          Fixup{Fixup::Kind::kLabelPcRel, 4, to_end, field, m->target_id(), 0, e.pcrel_addend});
    } else {
      if (m->target_id() >= constants_.size()) {
        Fail(absl::InvalidArgumentError(absl::StrCat("unknown constant C", m->target_id())));
        return;
      }
      fixups_.push_back(Fixup{Fixup::Kind::kConstantPcRel, 4, to_end, field, m->target_id(), 0,
                              e.pcrel_addend});
    }
    return;
  }
}

ConstantRef Assembler::AddConstant(int size, const uint8_t* bytes) {
  std::string key(1, static_cast<char>(size));
  key.append(reinterpret_cast<const char*>(bytes), size);
  auto [it, inserted] = constant_ids_.try_emplace(key, static_cast<uint32_t>(constants_.size()));
  if (inserted) {
    Constant c{static_cast<uint8_t>(size), {}};
    std::memcpy(c.bytes, bytes, size);
    constants_.push_back(c);
  }
  return ConstantRef(it->second);
}

ConstantRef Assembler::Constant32(uint32_t bits) {
  uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(bits >> (8 * i));
  return AddConstant(4, b);
}

ConstantRef Assembler::Constant64(uint64_t bits) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(bits >> (8 * i));
  return AddConstant(8, b);
}

ConstantRef Assembler::Constant128(uint64_t low, uint64_t high) {
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(low >> (8 * i));
    b[8 + i] = static_cast<uint8_t>(high >> (8 * i));
  }
  return AddConstant(16, b);
}

ConstantRef Assembler::ConstantF32(float value) {
  return Constant32(std::bit_cast<uint32_t>(value));
}

ConstantRef Assembler::ConstantF64(double value) {
  return Constant64(std::bit_cast<uint64_t>(value));
}

int Assembler::ItemSize(const Item& item, uint32_t start) const {
  switch (item.kind) {
    case Item::Kind::kJmp:
      return item.is_long ? kLongJmpSize : kShortBranchSize;
    case Item::Kind::kJcc:
      return item.is_long ? kLongJccSize : kShortBranchSize;
    case Item::Kind::kAlign:
      return static_cast<int>((0u - start) & (item.alignment - 1u));
  }
  return 0;
}

void Assembler::Layout(std::vector<uint32_t>* prefix) const {
  prefix->resize(items_.size() + 1);
  (*prefix)[0] = 0;
  for (size_t i = 0; i < items_.size(); ++i) {
    uint32_t start = items_[i].fixed + (*prefix)[i];
    (*prefix)[i + 1] = (*prefix)[i] + ItemSize(items_[i], start);
  }
}

uint32_t Assembler::Offset(Pos p, const std::vector<uint32_t>& prefix) {
  return p.fixed + prefix[p.items_before];
}

absl::StatusOr<AssembledCode> Assembler::Finish() {
  if (finished_) return absl::FailedPreconditionError("Finish called twice");
  finished_ = true;
  if (!first_error_.ok()) return first_error_;
  // Every referenced label must be bound.
  auto require_bound = [this](uint32_t id) -> absl::Status {
    if (label_bound_[id]) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("label L", id, " is used but never bound"));
  };
  for (const Item& item : items_) {
    if (item.kind == Item::Kind::kAlign) continue;
    if (absl::Status s = require_bound(item.label); !s.ok()) return s;
  }
  for (const Fixup& f : fixups_) {
    if (f.kind == Fixup::Kind::kConstantPcRel) continue;
    if (f.kind == Fixup::Kind::kLabelPcRel && f.size == 4 && LabelSymbol(f.target) >= 0) {
      continue;  // a relocation (below)
    }
    if (absl::Status s = require_bound(f.target); !s.ok()) return s;
    if (f.kind == Fixup::Kind::kLabelDelta) {
      if (absl::Status s = require_bound(f.base_label); !s.ok()) return s;
    }
  }

  // Relax to a fixed point (see the file comment of assembler.h).
  std::vector<uint32_t> prefix;
  for (bool changed = true; changed;) {
    Layout(&prefix);
    changed = false;
    for (size_t i = 0; i < items_.size(); ++i) {
      Item& item = items_[i];
      if (item.kind == Item::Kind::kAlign || item.is_long) continue;
      int64_t end = int64_t{item.fixed} + prefix[i] + kShortBranchSize;
      int64_t target = Offset(label_pos_[item.label], prefix);
      if (!FitsInt8(target - end)) {
        item.is_long = true;
        changed = true;
      }
    }
  }
  if (uint64_t{code_size_} + prefix.back() > kMaxCodeSize) {
    return absl::ResourceExhaustedError("code too large");
  }

  AssembledCode out;
  const uint32_t code_end = code_size_ + prefix.back();
  out.bytes.reserve(code_end + 16 * constants_.size() + 16);
  out.bytes.resize(code_end);
  // The fixed bytes between items are copied as they are; each item's bytes
  // are written in its place.
  uint8_t* const dst = out.bytes.data();
  uint32_t copied = 0, at = 0;
  auto copy_fixed = [&](uint32_t upto) {
    if (upto == copied) return;  // (code_ may be null then)
    std::memcpy(dst + at, code_.get() + copied, upto - copied);
    at += upto - copied;
    copied = upto;
  };
  for (size_t i = 0; i < items_.size(); ++i) {
    const Item& item = items_[i];
    copy_fixed(item.fixed);
    if (item.kind == Item::Kind::kAlign) {
      const int n = ItemSize(item, at);
      PutNops(dst + at, n);
      at += n;
      continue;
    }
    // The branch's bytes come from the form table like any instruction's:
    // its opcode (the last byte +cc for jcc), then the rel8 / rel32.
    const FormInfo& f = GetFormInfo(item.kind == Item::Kind::kJmp
                                        ? (item.is_long ? Form::kJmpRel32 : Form::kJmpRel8)
                                        : (item.is_long ? Form::kJccRel32 : Form::kJccRel8));
    for (int k = 0; k < f.opcode_len; ++k) dst[at++] = f.opcode[k];
    if (item.kind == Item::Kind::kJcc) dst[at - 1] += static_cast<uint8_t>(item.cond);
    const int rel_size = item.is_long ? 4 : 1;
    const int64_t disp = int64_t{Offset(label_pos_[item.label], prefix)} - (at + rel_size);
    for (int k = 0; k < rel_size; ++k) dst[at++] = static_cast<uint8_t>(disp >> (8 * k));
  }
  copy_fixed(static_cast<uint32_t>(code_size_));
  out.code_size = at;  // == code_end

  // Constant pool: 16-aligned, entries by decreasing size.
  std::vector<uint32_t> constant_offsets(constants_.size());
  if (!constants_.empty()) {
    while (out.bytes.size() % kConstantPoolAlignment != 0) out.bytes.push_back(0xcc);
    for (int size : {16, 8, 4}) {
      for (size_t i = 0; i < constants_.size(); ++i) {
        if (constants_[i].size != size) continue;
        constant_offsets[i] = static_cast<uint32_t>(out.bytes.size());
        out.bytes.insert(out.bytes.end(), constants_[i].bytes, constants_[i].bytes + size);
      }
    }
  }

  final_label_offsets_.resize(label_pos_.size());
  for (size_t i = 0; i < label_pos_.size(); ++i) {
    final_label_offsets_[i] = label_bound_[i] ? Offset(label_pos_[i], prefix) : 0;
  }

  out.relocations.reserve(relocations_.size());
  for (const Fixup& f : fixups_) {
    const uint32_t field = Offset(f.field, prefix);
    if (f.kind == Fixup::Kind::kLabelPcRel && any_external_) {
      if (const int64_t symbol = LabelSymbol(f.target); symbol >= 0) {
        if (f.size != 4) {
          return absl::InvalidArgumentError(
              absl::StrCat("rel8 reference to external label L", f.target));
        }
        out.relocations.push_back(Relocation{
            field, ExternalSymbol(static_cast<uint32_t>(symbol)), Relocation::Kind::kPcRel32,
            f.addend - static_cast<int32_t>(f.to_end)});
        continue;
      }
    }
    int64_t value = 0;
    switch (f.kind) {
      case Fixup::Kind::kLabelPcRel:
        value = int64_t{final_label_offsets_[f.target]} + f.addend - (field + f.to_end);
        break;
      case Fixup::Kind::kConstantPcRel:
        value = int64_t{constant_offsets[f.target]} + f.addend - (field + f.to_end);
        break;
      case Fixup::Kind::kLabelDelta:
        value =
            int64_t{final_label_offsets_[f.target]} - final_label_offsets_[f.base_label] + f.addend;
        break;
    }
    if (f.size == 1 && !FitsInt8(value)) {
      return absl::OutOfRangeError(absl::StrCat("rel8 displacement ", value, " to L", f.target,
                                                " at offset ", field, " does not fit"));
    }
    WriteLe(&out.bytes, field, static_cast<uint64_t>(value), f.size);
  }

  for (const PendingRelocation& r : relocations_) {
    out.relocations.push_back(Relocation{Offset(r.field, prefix), r.symbol, r.kind, r.addend});
  }
  if (any_external_) {
    std::sort(out.relocations.begin(), out.relocations.end(),
              [](const Relocation& a, const Relocation& b) { return a.offset < b.offset; });
  }
  out.traps.reserve(traps_.size());
  for (const auto& [pos, kind] : traps_) out.traps.push_back(TrapSite{Offset(pos, prefix), kind});
  return out;
}

uint32_t Assembler::LabelOffset(Label label) const {
  if (!label.is_valid() || label.id() >= final_label_offsets_.size()) return 0;
  return final_label_offsets_[label.id()];
}

}  // namespace wasm::x64
