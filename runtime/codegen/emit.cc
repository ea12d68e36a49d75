// Emission: frame layout, prologue / epilogue, rewriting vreg operands to
// where the allocator put that part of their life (with reloads and spill
// stores through the scratch registers), the allocator's moves (RegAllocResult
// edits, before / after instructions), parallel moves, threading of empty
// edge blocks, trap stubs and jump tables.
#include "runtime/codegen/emit.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <iostream>
#include <utility>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/parallel_move.h"
#include "runtime/ir/verifier.h"
#include "runtime/status_macros.h"

namespace wasm::codegen {

using x64::Form;
using x64::Imm;
using x64::Mem;

namespace {

// The Inst of plain form `form` (x64::FormInfo::plain) with the operands
// x64::EncodePlainTo takes apart: `reg`, *rm_mem or else rm_reg, and `imm`.
x64::Inst PlainInst(Form form, x64::Reg reg, x64::Reg rm_reg, const Mem* rm_mem, int64_t imm) {
  const x64::FormInfo& info = x64::GetFormInfo(form);
  std::array<x64::Operand, x64::kMaxOperands> ops;
  if (info.reg.operand >= 0) ops[info.reg.operand] = reg;
  if (info.rm.operand >= 0) {
    ops[info.rm.operand] = rm_mem != nullptr ? x64::Operand(*rm_mem) : x64::Operand(rm_reg);
  }
  if (info.imm.operand >= 0) ops[info.imm.operand] = Imm(imm);
  switch (info.num_explicit) {
    case 0:
      return x64::Inst(form, {});
    case 1:
      return x64::Inst(form, {ops[0]});
    case 2:
      return x64::Inst(form, {ops[0], ops[1]});
    default:
      return x64::Inst(form, {ops[0], ops[1], ops[2]});
  }
}

class Emitter {
 public:
  Emitter(const LoweredFunction& lowered, const RegAllocResult& alloc, x64::Assembler& as,
          std::vector<std::string>* listing)
      : code_(lowered.vcode), lowered_(lowered), alloc_(alloc), as_(as), listing_(listing) {}

  absl::Status Run(x64::Label entry) {
    Frame();
    ThreadEmptyBlocks();
    as_.Bind(entry);
    Label(entry);
    Prologue();
    for (uint32_t b = 0; b < code_.num_blocks(); ++b) {
      if (skipped_[b]) continue;
      const MachBlock& mb = code_.block(b);
      as_.Bind(mb.label);
      if (listing_ != nullptr) Label(mb.label, mb.name());
      x64::Label next;
      for (uint32_t n = b + 1; n < code_.num_blocks(); ++n) {
        if (!skipped_[n]) {
          next = code_.block(n).label;
          break;
        }
      }
      const absl::Span<const Edit> edits = alloc_.Edits(b);
      size_t e = 0;
      for (size_t k = 0; k < mb.insts.size(); ++k) {
        if (!held_.empty()) held_.clear();
        if (e < edits.size() && edits[e].inst == k) {  // most instructions have no edit
          const size_t first_edit = e;
          for (; e < edits.size() && edits[e].inst == k && edits[e].where == Edit::Where::kBefore;
               ++e) {
            EmitMoves(alloc_.Moves(edits[e]));
          }
          NoteHeldRegisters(edits, first_edit, e);
        }
        const MachInst& mi = mb.insts[k];
        if (mi.kind == MachInst::Kind::kJmp && k + 1 == mb.insts.size() &&
            Target(mi.label) == next) {
          continue;  // falls through
        }
        RETURN_IF_ERROR(EmitInst(mi, b, static_cast<uint32_t>(k)));
        for (; e < edits.size() && edits[e].inst == k && edits[e].where == Edit::Where::kAfter; ++e) {
          EmitMoves(alloc_.Moves(edits[e]));
        }
      }
    }
    for (const auto& [kind, label] : lowered_.trap_stubs) Stub(kind, label);
    Stub(TrapKind::kCallStackExhausted, stack_stub_);
    for (const JumpTable& jt : code_.jump_tables()) {
      as_.Align(4);
      as_.Bind(jt.table);
      Label(jt.table);
      for (x64::Label t : jt.targets) {
        t = Target(t);
        as_.JumpTableEntry(t, jt.table);
        Line(".long L", t.id(), " - L", jt.table.id());
      }
    }
    return absl::OkStatus();
  }

 private:
  // The listing is built only when asked for: formatting every
  // instruction would cost more than encoding it.
  template <typename... Args>
  void Line(const Args&... args) {
    if (listing_ != nullptr) listing_->push_back(absl::StrCat(args...));
  }
  void Label(x64::Label l, absl::string_view name = "") {
    if (listing_ == nullptr) return;
    Line("L", l.id(), ":", name.empty() ? "" : absl::StrCat("  ; ", name));
  }
  void Emit(const x64::Inst& inst) {
    // Only a form with an imm32 can have a narrower twin: most instructions
    // skip the call.
    const x64::FormInfo& info = inst.info();
    const Form narrow_form = info.imm.operand >= 0 && info.specs[info.imm.spec].width == 32
                                 ? x64::NarrowImmediateForm(inst)
                                 : inst.form();
    if (narrow_form == inst.form()) {  // the usual case: no copy
      as_.Emit(inst);
      if (listing_ != nullptr) ListInst(inst);
      return;
    }
    EmitNarrowed(inst, narrow_form);
  }
  // Emit's rare cases, kept apart so that the usual one holds no Inst copy
  // or string on its stack (and so needs no stack-protector check).
  [[gnu::noinline]] void EmitNarrowed(const x64::Inst& inst, Form narrow_form) {
    x64::Inst narrow = inst;
    narrow.set_form(narrow_form);
    as_.Emit(narrow);
    if (listing_ != nullptr) ListInst(narrow);
  }
  [[gnu::noinline]] void ListInst(const x64::Inst& inst) { Line("    ", x64::ToString(inst)); }
  // Emit(PlainInst(form, reg, rm_reg, rm_mem)) for a plain form without an
  // immediate to narrow, with no Inst built unless for the listing (or to
  // report bad operands).
  void EmitPlainForm(Form form, x64::Reg reg, x64::Reg rm_reg = x64::Reg(),
                     const Mem* rm_mem = nullptr) {
    if (listing_ == nullptr && as_.EmitPlain(x64::GetFormInfo(form), reg, rm_reg, rm_mem)) return;
    Emit(PlainInst(form, reg, rm_reg, rm_mem, 0));
  }

  void Frame() {
    saved_.clear();
    for (x64::Reg r : {x64::kRbx, x64::kR12, x64::kR13}) {
      if (alloc_.callee_saved_used.Contains(r)) saved_.push_back(r);
    }
    saved_.push_back(x64::kR14);
    saved_.push_back(x64::kR15);
    saved_bytes_ = 8 * static_cast<int32_t>(saved_.size());
    locals_ = 8 * alloc_.num_spill_slots + code_.results_buffer_bytes + code_.outgoing_arg_bytes;
    if ((saved_bytes_ + locals_) % 16 != 0) locals_ += 8;
  }

  // Blocks that hold nothing after allocation but a jump (edge blocks whose
  // moves all vanished) are not emitted: jumps to them go to their target.
  void ThreadEmptyBlocks() {
    const uint32_t nb = code_.num_blocks();
    skipped_.assign(nb, 0);
    // Per block: the target of its jump if it is empty (invalid if not);
    // allocated at the first empty block (most functions have none).
    std::vector<x64::Label> jump_to;
    for (uint32_t b = 1; b < nb; ++b) {  // the entry block follows the prologue
      const MachBlock& mb = code_.block(b);
      if (!alloc_.Edits(b).empty() || mb.insts.empty() ||
          mb.insts.back().kind != MachInst::Kind::kJmp) {
        continue;
      }
      bool empty = true;
      for (size_t k = 0; k + 1 < mb.insts.size() && empty; ++k) {
        const MachInst& mi = mb.insts[k];
        if (mi.kind != MachInst::Kind::kParallelMove) {
          empty = false;
          break;
        }
        for (const MoveOp& m : code_.Moves(mi)) {
          const uint32_t kk = static_cast<uint32_t>(k);
          if (!(alloc_.At(m.dst, b, kk) == alloc_.At(m.src, b, kk))) empty = false;
        }
      }
      if (empty) {
        if (jump_to.empty()) jump_to.resize(nb);
        jump_to[b] = mb.insts.back().label;
      }
    }
    if (jump_to.empty()) return;
    // Label id → block: a table over the (dense) ids of this function's
    // block labels, or a hash map if they are spread too far apart.
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t b = 0; b < nb; ++b) {
      lo = std::min(lo, code_.block(b).label.id());
      hi = std::max(hi, code_.block(b).label.id());
    }
    const bool dense = nb > 0 && hi - lo <= 16 * nb + 1024;
    std::vector<uint32_t> block_of_label_table;
    absl::flat_hash_map<uint32_t, uint32_t> block_of_label_map;
    if (dense) {
      label_base_ = lo;
      block_of_label_table.assign(hi - lo + 1, UINT32_MAX);
      redirect_table_.assign(hi - lo + 1, x64::Label());
      for (uint32_t b = 0; b < nb; ++b) block_of_label_table[code_.block(b).label.id() - lo] = b;
    } else {
      for (uint32_t b = 0; b < nb; ++b) block_of_label_map[code_.block(b).label.id()] = b;
    }
    auto block_of_label = [&](x64::Label l) -> uint32_t {
      if (dense) {
        return l.id() >= lo && l.id() <= hi ? block_of_label_table[l.id() - lo] : UINT32_MAX;
      }
      auto it = block_of_label_map.find(l.id());
      return it == block_of_label_map.end() ? UINT32_MAX : it->second;
    };
    // Follow chains of empty blocks; a cycle of them (an empty infinite
    // loop) keeps its blocks.
    for (uint32_t b = 0; b < nb; ++b) {
      if (!jump_to[b].is_valid()) continue;
      x64::Label t = jump_to[b];
      bool cycle = false;
      for (uint32_t steps = 0;; ++steps) {
        const uint32_t tb = block_of_label(t);
        if (tb == UINT32_MAX || !jump_to[tb].is_valid()) break;
        if (steps > nb) {
          cycle = true;
          break;
        }
        t = jump_to[tb];
      }
      if (cycle) continue;
      skipped_[b] = 1;
      const uint32_t id = code_.block(b).label.id();
      if (dense) {
        redirect_table_[id - lo] = t;
      } else {
        redirect_[id] = t;
      }
    }
  }

  x64::Label Target(x64::Label l) const {
    if (l.id() - label_base_ < redirect_table_.size()) {
      const x64::Label t = redirect_table_[l.id() - label_base_];
      return t.is_valid() ? t : l;
    }
    if (redirect_.empty()) return l;
    auto it = redirect_.find(l.id());
    return it == redirect_.end() ? l : it->second;
  }

  // Emits the moves of one class, in an order with the parallel move's
  // effect (one move needs no ordering).
  void EmitLocMoves(const LocMove* moves, size_t n, x64::RegClass cls) {
    if (n == 1) {
      if (!(moves[0].dst == moves[0].src)) MoveLoc(moves[0].dst, moves[0].src, cls);
      return;
    }
    if (n == 0) return;
    SequentializeMovesInto(moves, n, cls, &seq_out_, &seq_pending_);
    for (const LocMove& m : seq_out_) MoveLoc(m.dst, m.src, cls);
  }

  // One parallel move of the allocator (split, edge or store moves).
  void EmitMoves(absl::Span<const AllocMove> moves) {
    if (moves.size() == 1) {  // the usual case: one move, no ordering
      const AllocMove& m = moves[0];
      if (!(m.to == m.from)) MoveLoc(m.to, m.from, code_.Class(m.vreg));
      return;
    }
    gpr_moves_.clear();
    xmm_moves_.clear();
    for (const AllocMove& m : moves) {
      (code_.Class(m.vreg) == x64::RegClass::kGpr ? gpr_moves_ : xmm_moves_)
          .push_back({m.to, m.from});
    }
    EmitLocMoves(gpr_moves_.data(), gpr_moves_.size(), x64::RegClass::kGpr);
    EmitLocMoves(xmm_moves_.data(), xmm_moves_.size(), x64::RegClass::kXmm);
  }

  // After the allocator's moves before an instruction: values just stored
  // from a register to their slot that the moves left in that register. The
  // instruction may read them there instead of reloading them.
  void NoteHeldRegisters(absl::Span<const Edit> edits, size_t from, size_t to) {
    x64::RegSet written;
    for (size_t i = from; i < to; ++i) {
      for (const AllocMove& m : alloc_.Moves(edits[i])) {
        if (m.to.is_reg()) written.Add(m.to.reg);
      }
    }
    for (size_t i = from; i < to; ++i) {
      for (const AllocMove& m : alloc_.Moves(edits[i])) {
        if (m.from.is_reg() && m.to.is_slot() && !written.Contains(m.from.reg)) {
          SetHeld(m.vreg.index, m.from.reg);
        }
      }
    }
  }

  // Where instruction (b, k) reads `v`: its allocated location, or the
  // register still holding it (held_) when the instruction only reads it.
  Location UseLoc(VReg v, uint32_t b, uint32_t k, bool only_read) const {
    const Location loc = alloc_.At(v, b, k);
    if (!loc.is_slot() || !only_read) return loc;
    for (const auto& [hv, reg] : held_) {
      if (hv == v.index) return Location::InReg(reg);
    }
    return loc;
  }
  void SetHeld(uint32_t v, x64::Reg reg) {
    for (auto& [hv, r] : held_) {
      if (hv == v) {
        r = reg;
        return;
      }
    }
    held_.push_back({v, reg});
  }

  // A spill slot is [rbp + SlotDisp(slot)].
  int32_t SlotDisp(uint32_t slot) const {
    return -(saved_bytes_ + 8 * static_cast<int32_t>(slot + 1));
  }
  Mem SlotMem(uint32_t slot) const { return Mem(x64::kRbp, SlotDisp(slot)); }

  void Prologue() {
    stack_stub_ = as_.NewLabel();
    EmitPlainForm(Form::kPush64O, x64::kRbp);
    EmitPlainForm(Form::kMov64RM, x64::kRbp, x64::kRsp);
    for (x64::Reg r : saved_) EmitPlainForm(Form::kPush64O, r);
    EmitPlainForm(Form::kMov64RM, kVmctxReg, x64::kRdi);
    if (locals_ > 0) Emit(x64::Inst(Form::kSub64MI, {x64::kRsp, Imm(locals_)}));  // narrowed
    const Mem stack_limit(kVmctxReg, kVmStackLimit);
    EmitPlainForm(Form::kCmp64RM, x64::kRsp, x64::Reg(), &stack_limit);
    as_.J(x64::Cond::kB, stack_stub_);
    Line("    jb L", stack_stub_.id());
    const Mem memory_base(kVmctxReg, kVmMemoryBase);
    EmitPlainForm(Form::kMov64RM, kMemBaseReg, x64::Reg(), &memory_base);
  }

  void Epilogue() {
    const Mem frame(x64::kRbp, -saved_bytes_);
    EmitPlainForm(Form::kLea64RM, x64::kRsp, x64::Reg(), &frame);
    for (size_t k = saved_.size(); k-- > 0;) EmitPlainForm(Form::kPop64O, saved_[k]);
    EmitPlainForm(Form::kPop64O, x64::kRbp);
    EmitPlainForm(Form::kRet, x64::Reg());
  }

  void Stub(TrapKind kind, x64::Label label) {
    as_.Bind(label);
    Label(label);
    as_.RecordTrap(kind);
    Emit(x64::Inst(Form::kUd2, {}));
    Line("    ; trap ", TrapKindName(kind));
  }

  // A 64-bit move between locations of class `cls` (one side may be memory).
  void MoveLoc(const Location& dst, const Location& src, x64::RegClass cls) {
    const bool gpr = cls == x64::RegClass::kGpr;
    if (listing_ != nullptr && (dst.is_reg() || src.is_reg())) {
      ListedMoveLoc(dst, src, cls);
    } else if (dst.is_reg() && src.is_reg()) {
      as_.MovRegReg(cls, dst.reg, src.reg);
    } else if (dst.is_reg()) {
      as_.MovLoad(cls, dst.reg, x64::kRbp, SlotDisp(src.slot));
    } else if (src.is_reg()) {
      as_.MovStore(cls, x64::kRbp, SlotDisp(dst.slot), src.reg);
    } else {
      const x64::Reg t = gpr ? kScratchGpr0 : kScratchXmm0;
      MoveLoc(Location::InReg(t), src, cls);
      MoveLoc(dst, Location::InReg(t), cls);
    }
  }

  // MoveLoc's register-to-register, load and store for the listing: the
  // same instructions, through Emit.
  [[gnu::noinline]] void ListedMoveLoc(const Location& dst, const Location& src,
                                       x64::RegClass cls) {
    const bool gpr = cls == x64::RegClass::kGpr;
    if (dst.is_reg() && src.is_reg()) {
      Emit(x64::Inst(gpr ? Form::kMov64RM : Form::kMovapsRM, {dst.reg, src.reg}));
    } else if (dst.is_reg()) {
      Emit(x64::Inst(gpr ? Form::kMov64RM : Form::kMovsdRM, {dst.reg, SlotMem(src.slot)}));
    } else {
      Emit(x64::Inst(gpr ? Form::kMov64MR : Form::kMovsdMR, {SlotMem(dst.slot), src.reg}));
    }
  }

  absl::Status EmitParallelMove(const MachInst& mi, uint32_t b, uint32_t k) {
    gpr_moves_.clear();
    xmm_moves_.clear();
    for (const MoveOp& m : code_.Moves(mi)) {
      const Location d = alloc_.At(m.dst, b, k), s = UseLoc(m.src, b, k, /*only_read=*/true);
      if (d.kind == Location::Kind::kNone || s.kind == Location::Kind::kNone) {
        return absl::InternalError(absl::StrCat("parallel move of unallocated ", VRegName(m.src)));
      }
      (code_.Class(m.dst) == x64::RegClass::kGpr ? gpr_moves_ : xmm_moves_).push_back({d, s});
    }
    EmitLocMoves(gpr_moves_.data(), gpr_moves_.size(), x64::RegClass::kGpr);
    EmitLocMoves(xmm_moves_.data(), xmm_moves_.size(), x64::RegClass::kXmm);
    return absl::OkStatus();
  }

  absl::Status EmitInst(const MachInst& mi, uint32_t b, uint32_t k) {
    using Kind = MachInst::Kind;
    switch (mi.kind) {
      case Kind::kJmp:
        as_.Jmp(Target(mi.label));
        Line("    jmp L", Target(mi.label).id());
        return absl::OkStatus();
      case Kind::kJcc:
        as_.J(mi.cond, Target(mi.label));
        Line("    j", x64::CondName(mi.cond), " L", Target(mi.label).id());
        return absl::OkStatus();
      case Kind::kBind:
        as_.Bind(mi.label);
        Label(mi.label);
        return absl::OkStatus();
      case Kind::kParallelMove:
        return EmitParallelMove(mi, b, k);
      case Kind::kMovExternal:
        as_.MovExternalAddress(*mi.inst.operand(0).reg(), x64::ExternalSymbol(mi.symbol));
        Line("    movabs ", x64::RegName(*mi.inst.operand(0).reg()), ", sym",
                          mi.symbol);
        return absl::OkStatus();
      case Kind::kRet:
        Epilogue();
        return absl::OkStatus();
      case Kind::kJumpTable:
        return absl::OkStatus();
      case Kind::kInst:
        break;
    }
    if (RewriteInRegisters(mi, b, k)) return absl::OkStatus();
    return RewriteAndEmit(mi, b, k);
  }

  // The register of mi's k-th vreg operand at `pos` into *r (a fixed
  // register, with no vreg, stays). False if that vreg is not in a register
  // there. (RewriteInRegisters' and RewritePlainInRegisters' walks.)
  bool RegisterOf(const MachInst& mi, uint32_t pos, int k, x64::Reg* r) const {
    const VReg v = k < kMaxVRegOperands ? mi.vregs[k] : VReg();
    if (!v.valid()) return true;
    const Location loc = alloc_.AtPosition(v.index, pos);
    if (!loc.is_reg()) return false;
    *r = loc.reg;
    return true;
  }

  // RewriteAndEmit's usual case in one pass: every vreg operand of `mi` is
  // in a register at (b, k), so a copy of the instruction gets them written
  // in as the form's register operands are walked (the k-th register operand
  // met, a memory operand's base then its index, is vregs[k]), and is
  // emitted. False, having emitted nothing, when some vreg is not in a
  // register there (a slot, or unallocated): RewriteAndEmit then does the
  // general work (reloads, spill stores, held registers, errors).
  bool RewriteInRegisters(const MachInst& mi, uint32_t b, uint32_t k_inst) {
    const uint32_t pos = alloc_.Position(b, k_inst);
    if (mi.inst.info().plain && listing_ == nullptr) {
      const int plain = RewritePlainInRegisters(mi, pos);
      if (plain >= 0) return plain == 1;
    }
    x64::Inst inst = mi.inst;
    const int num_ops = std::min(inst.num_operands(), x64::kMaxOperands);
    uint32_t mask = inst.info().reg_operand_mask & ((1u << num_ops) - 1);
    int k = 0;
    auto rewrite = [&](x64::Reg* r) { return RegisterOf(mi, pos, k++, r); };
    for (; mask != 0; mask &= mask - 1) {
      x64::Operand& o = inst.mutable_operand(std::countr_zero(mask));
      if (x64::Reg* r = o.mutable_reg(); r != nullptr) {
        if (!rewrite(r)) return false;
      } else if (Mem* m = o.mutable_mem(); m != nullptr && !m->is_rip()) {
        if (m->base().is_valid() && !rewrite(m->mutable_base())) return false;
        if (m->index().is_valid() && !rewrite(m->mutable_index())) return false;
      }
    }
    // EmitRewritten's and Emit's usual case without their calls: no trap
    // site, not a possible self-move or call, no immediate to narrow.
    const x64::FormInfo& info = inst.info();
    const Form form = inst.form();
    if (!mi.trap && form != Form::kMov64RM && form != Form::kMovapsRM &&
        form != Form::kCallRel32 && info.imm.operand < 0 && listing_ == nullptr) {
      as_.Emit(inst);
      return true;
    }
    EmitRewritten(mi, inst);
    return true;
  }

  // RewriteInRegisters for a plain form (x64::FormInfo::plain), with no
  // copy of the instruction: its reg and rm operands, rewritten, go to the
  // encoder apart. 1: emitted; 0: some vreg is not in a register at `pos`
  // (nothing emitted); -1: left to RewriteInRegisters' general path (a
  // rip-relative or malformed operand; nothing emitted).
  int RewritePlainInRegisters(const MachInst& mi, uint32_t pos) {
    const x64::Inst& inst = mi.inst;
    const x64::FormInfo& info = inst.info();
    if (inst.num_operands() != info.num_explicit) return -1;
    x64::Reg reg, rm_reg;
    Mem mem(x64::Reg{});
    const Mem* rm_mem = nullptr;
    int64_t imm = 0;
    int k = 0;
    auto rewrite = [&](x64::Reg* r) { return RegisterOf(mi, pos, k++, r); };
    // The explicit operands of a plain form are its reg and rm operands, met
    // in operand order as RewriteInRegisters' walk meets them, and its
    // immediate.
    for (int op = 0; op < info.num_explicit; ++op) {
      const x64::Operand& o = inst.operand(op);
      if (op == info.reg.operand) {
        const x64::Reg* r = o.reg();
        if (r == nullptr) return -1;
        reg = *r;
        if (!rewrite(&reg)) return 0;
      } else if (op == info.rm.operand) {
        if (const x64::Reg* r = o.reg(); r != nullptr) {
          rm_reg = *r;
          if (!rewrite(&rm_reg)) return 0;
        } else if (const Mem* m = o.mem(); m != nullptr && !m->is_rip()) {
          mem = *m;
          rm_mem = &mem;
          if (mem.base().is_valid() && !rewrite(mem.mutable_base())) return 0;
          if (mem.index().is_valid() && !rewrite(mem.mutable_index())) return 0;
        } else {
          return -1;
        }
      } else if (op == info.imm.operand) {
        const Imm* i = o.imm();
        if (i == nullptr) return -1;
        imm = i->value;
      }
    }
    // EmitRewritten's work: the trap site; a register copied onto itself
    // (the allocator honoured a move hint) is dropped.
    if (mi.trap) {
      as_.RecordTrap(*mi.trap);
    } else if ((inst.form() == Form::kMov64RM || inst.form() == Form::kMovapsRM) &&
               rm_mem == nullptr && reg == rm_reg) {
      return 1;
    }
    // Emit's narrowing: an imm32 that fits in a simm8 takes the form's
    // simm8 twin (same operands) if the table has one.
    const x64::FormInfo& encoded =
        info.imm.operand >= 0 && info.specs[info.imm.spec].width == 32
            ? x64::GetFormInfo(x64::NarrowImmediateForm(inst))
            : info;
    if (!as_.EmitPlain(encoded, reg, rm_reg, rm_mem, imm)) {
      Emit(PlainInst(inst.form(), reg, rm_reg, rm_mem, imm));  // fails, saying why
    }
    return 1;
  }

  absl::Status RewriteAndEmit(const MachInst& mi, uint32_t b, uint32_t k_inst) {
    // At most kMaxVRegOperands operands carry a vreg, so fixed arrays hold
    // everything below (no allocation per instruction).
    struct Site {
      int op;
      int which;  // 0 register operand, 1 memory base, 2 memory index
      x64::Access access;
      VReg v;
    };
    std::array<Site, kMaxVRegOperands> sites;
    int num_sites = 0;
    // The walk of x64::VisitRegOperands without its fixed registers (which
    // carry no vreg), from the form's precomputed register operands: the
    // k-th register operand met (a memory operand's base, then its index)
    // is vregs[k].
    {
      const x64::FormInfo& info = mi.inst.info();
      const int num_ops = std::min(mi.inst.num_operands(), x64::kMaxOperands);
      int k = 0;
      auto add = [&](int op, int which, x64::Access access) {
        const VReg v = k < kMaxVRegOperands ? mi.vregs[k] : VReg();
        ++k;
        if (v.valid()) sites[num_sites++] = Site{op, which, access, v};
      };
      for (int op = 0; op < num_ops; ++op) {
        if (((info.reg_operand_mask >> op) & 1) == 0) continue;
        const x64::Operand& o = mi.inst.operand(op);
        if (o.reg() != nullptr) {
          add(op, 0, info.reg_operand_access[op]);
        } else if (const Mem* m = o.mem(); m != nullptr && !m->is_rip()) {
          if (m->base().is_valid()) add(op, 1, x64::Access::kUse);
          if (m->index().is_valid()) add(op, 2, x64::Access::kUse);
        }
      }
    }
    // Where each site's vreg is: a vreg only read here may still be in the
    // register it was just stored from.
    std::array<Location, kMaxVRegOperands> locs;
    bool any_slot = false;
    const uint32_t pos = alloc_.Position(b, k_inst);
    for (int i = 0; i < num_sites; ++i) {
      const Site& s = sites[i];
      locs[i] = alloc_.AtPosition(s.v.index, pos);
      if (locs[i].is_slot()) {
        // UseLoc's register, when the vreg is only read here.
        bool only_read = true;
        for (int j = 0; j < num_sites; ++j) {
          if (sites[j].v == s.v && sites[j].access != x64::Access::kUse) only_read = false;
        }
        if (only_read) {
          for (const auto& [hv, reg] : held_) {
            if (hv == s.v.index) locs[i] = Location::InReg(reg);
          }
        }
        any_slot = any_slot || locs[i].is_slot();
      } else if (locs[i].kind == Location::Kind::kNone) {
        return absl::InternalError(absl::StrCat("unallocated ", VRegName(s.v), " in ",
                                                x64::ToString(mi.inst)));
      }
    }
    x64::Inst inst = mi.inst;
    if (!any_slot) {
      // Everything in registers (the usual case): no reloads, no stores.
      for (int i = 0; i < num_sites; ++i) SetOperandReg(inst, sites[i].op, sites[i].which, locs[i].reg);
      EmitRewritten(mi, inst);
      return absl::OkStatus();
    }
    // A copy between a register and a stack part: one load or store (only
    // with a slot on one side, so not on the path above).
    const Form form = mi.inst.form();
    if ((form == Form::kMov64RM || form == Form::kMov32RM || form == Form::kMovapsRM) &&
        !mi.trap && num_sites == 2 && sites[0].op == 0 && sites[0].which == 0 &&
        sites[0].access == x64::Access::kDef && sites[1].op == 1 && sites[1].which == 0 &&
        sites[1].access == x64::Access::kUse && !(sites[0].v == sites[1].v)) {
      const Location& d = locs[0];
      const Location& src = locs[1];
      const bool gpr = code_.Class(sites[0].v) == x64::RegClass::kGpr;
      if (d.is_reg() && src.is_slot()) {
        const Form load = !gpr ? Form::kMovsdRM : form;  // mov r32 zero-extends
        Emit(x64::Inst(load, {d.reg, SlotMem(src.slot)}));
        return absl::OkStatus();
      }
      // (A 32-bit copy may truncate: it stays a register operation.)
      if (d.is_slot() && src.is_reg() && form != Form::kMov32RM) {
        MoveLoc(d, src, code_.Class(sites[0].v));
        return absl::OkStatus();
      }
    }
    // Spilled vregs → scratch registers; uses get the scratches first.
    // vreg → its scratch register (at most two per class), with its slot:
    // a spilled site's location is its allocated one (UseLoc only swaps in
    // a held register for a slot, and then the site is not spilled).
    struct Scratch {
      uint32_t v;
      x64::Reg reg;
      Location slot;
      x64::RegClass cls;
      bool reload;
      bool store;
    };
    std::array<Scratch, kMaxVRegOperands> scratch;
    int num_scratch = 0;
    auto scratch_of = [&](uint32_t v) -> Scratch* {
      for (int i = 0; i < num_scratch; ++i) {
        if (scratch[i].v == v) return &scratch[i];
      }
      return nullptr;
    };
    int next_gpr = 0, next_xmm = 0;
    const x64::Reg kGprs[] = {kScratchGpr0, kScratchGpr1};
    const x64::Reg kXmms[] = {kScratchXmm0, kScratchXmm1};
    for (int pass = 0; pass < 2; ++pass) {
      for (int i = 0; i < num_sites; ++i) {
        const Site& s = sites[i];
        const bool use = s.access == x64::Access::kUse || s.access == x64::Access::kUseDef;
        if ((pass == 0) != use) continue;
        const Location& loc = locs[i];
        if (!loc.is_slot() || scratch_of(s.v.index) != nullptr) continue;
        const x64::RegClass cls = code_.Class(s.v);
        const bool gpr = cls == x64::RegClass::kGpr;
        int& next = gpr ? next_gpr : next_xmm;
        if (pass == 1) next = 0;  // a def-only spill may reuse a use's scratch
        if (next >= 2) {
          return absl::InternalError(
              absl::StrCat("more than two spilled operands in ", x64::ToString(mi.inst)));
        }
        scratch[num_scratch++] =
            Scratch{s.v.index, gpr ? kGprs[next] : kXmms[next], loc, cls, use, false};
        ++next;
      }
    }
    // Spill stores in the order of their first def site.
    std::array<Scratch*, kMaxVRegOperands> store;
    int num_store = 0;
    for (int i = 0; i < num_sites; ++i) {
      const Site& s = sites[i];
      const bool def = s.access == x64::Access::kDef || s.access == x64::Access::kUseDef;
      const Location& loc = locs[i];
      x64::Reg reg = loc.reg;
      if (!loc.is_reg()) {
        Scratch* sc = scratch_of(s.v.index);
        reg = sc->reg;
        if (loc.is_slot() && def && !sc->store) {
          sc->store = true;
          store[num_store++] = sc;
        }
      }
      SetOperandReg(inst, s.op, s.which, reg);
    }
    for (int i = 0; i < num_scratch; ++i) {
      const Scratch& sc = scratch[i];
      if (sc.reload) MoveLoc(Location::InReg(sc.reg), sc.slot, sc.cls);
    }
    EmitRewritten(mi, inst);
    for (int i = 0; i < num_store; ++i) {
      MoveLoc(store[i]->slot, Location::InReg(store[i]->reg), store[i]->cls);
    }
    return absl::OkStatus();
  }

  // Writes `reg` into operand `op`: the register itself (which 0), or the
  // base (1) or index (2) of its memory operand.
  static void SetOperandReg(x64::Inst& inst, int op_index, int which, x64::Reg reg) {
    x64::Operand& op = inst.mutable_operand(op_index);
    if (which == 0) {
      *op.mutable_reg() = reg;
    } else if (which == 1) {
      *op.mutable_mem()->mutable_base() = reg;
    } else {
      *op.mutable_mem()->mutable_index() = reg;
    }
  }

  // Emits `mi` rewritten to physical registers as `inst`, with its trap site.
  void EmitRewritten(const MachInst& mi, const x64::Inst& inst) {
    // A register copied onto itself (the allocator honoured a move hint).
    const bool self_move =
        (inst.form() == Form::kMov64RM || inst.form() == Form::kMovapsRM) && !mi.trap &&
        inst.operand(0).reg() != nullptr && inst.operand(1).reg() != nullptr &&
        *inst.operand(0).reg() == *inst.operand(1).reg();
    if (mi.trap) as_.RecordTrap(*mi.trap);
    if (self_move) {
      // Nothing to emit (spill stores still happen).
    } else if (inst.form() == Form::kCallRel32 && inst.operand(0).label() != nullptr) {
      as_.Call(*inst.operand(0).label());
      Line("    call L", inst.operand(0).label()->id());
    } else {
      Emit(inst);
    }
    if (mi.trap) Line("    ; trap ", TrapKindName(*mi.trap));
  }

  const VCode& code_;
  const LoweredFunction& lowered_;
  const RegAllocResult& alloc_;
  x64::Assembler& as_;
  std::vector<std::string>* listing_;
  std::vector<x64::Reg> saved_;
  int32_t saved_bytes_ = 0;
  int32_t locals_ = 0;
  x64::Label stack_stub_;
  std::vector<uint8_t> skipped_;                            // per block: threaded away
  // Label id → jump target: redirect_table_[id - label_base_] when this
  // function's block labels are dense (invalid: not redirected), else redirect_.
  uint32_t label_base_ = 0;
  std::vector<x64::Label> redirect_table_;
  absl::flat_hash_map<uint32_t, x64::Label> redirect_;
  // (vreg, register) pairs, see NoteHeldRegisters; a few at most.
  absl::InlinedVector<std::pair<uint32_t, x64::Reg>, 4> held_;
  // EmitMoves / EmitParallelMove's scratch, by class.
  std::vector<LocMove> gpr_moves_, xmm_moves_;
  std::vector<LocMove> seq_out_, seq_pending_;  // SequentializeMovesInto's
};

}  // namespace

absl::Status EmitFunction(const LoweredFunction& lowered, const RegAllocResult& alloc,
                          x64::Label entry, x64::Assembler& as, std::vector<std::string>* listing) {
  Emitter e(lowered, alloc, as, listing);
  return e.Run(entry);
}

namespace {

// CompileFunction's and CompileFunctionCode's steps: lower, allocate, emit
// with `entry` bound at the function's first instruction.
absl::Status CompileFunctionAt(const ir::Function& f, const ModuleCodegenContext& ctx,
                               x64::Label entry, x64::Assembler& as,
                               absl::Span<const ir::Block> block_order = {}) {
#ifndef NDEBUG
  // The IR comes from the translator and the optimiser, which verify it in
  // builds with assertions (opt::OptimizeOptions::verify); release builds
  // trust them here too.
  RETURN_IF_ERROR(ir::VerifyFunction(f));
#endif
  if (ctx.dump.ir) std::cerr << "=== IR " << f.name << "\n" << ir::PrintFunction(f);
  ASSIGN_OR_RETURN(LoweredFunction lowered, Lower(f, ctx, as, block_order));
  if (ctx.dump.vcode) std::cerr << "=== VCode " << f.name << "\n" << PrintVCode(lowered.vcode);
  ASSIGN_OR_RETURN(RegAllocResult alloc, AllocateRegisters(lowered.vcode, ctx.regalloc));
  if (ctx.dump.vcode) {
    std::cerr << "=== allocation " << f.name << " (" << alloc.num_spill_slots << " slots)\n"
              << PrintAllocation(alloc) << "\n";
    for (uint32_t b = 0; b < alloc.num_edit_blocks(); ++b) {
      for (const Edit& e : alloc.Edits(b)) {
        std::cerr << lowered.vcode.block(b).name() << " #" << e.inst
                  << (e.where == Edit::Where::kBefore ? " before:" : " after:");
        for (const AllocMove& m : alloc.Moves(e)) {
          auto name = [](const Location& l) {
            return l.is_reg() ? std::string(x64::RegName(l.reg)) : absl::StrCat("slot", l.slot);
          };
          std::cerr << " " << VRegName(m.vreg) << " " << name(m.from) << "->" << name(m.to);
        }
        std::cerr << "\n";
      }
    }
  }
  std::vector<std::string> local_listing;
  std::vector<std::string>* listing = ctx.listing;
  if (listing == nullptr && ctx.dump.asm_text) listing = &local_listing;
  const size_t first_line = listing != nullptr ? listing->size() : 0;
  RETURN_IF_ERROR(EmitFunction(lowered, alloc, entry, as, listing));
  if (ctx.dump.asm_text && listing != nullptr) {
    std::cerr << "=== asm " << f.name << "\n";
    for (size_t k = first_line; k < listing->size(); ++k) std::cerr << (*listing)[k] << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CompileFunction(const ir::Function& f, uint32_t func_index,
                             const ModuleCodegenContext& ctx, x64::Assembler& as) {
  if (func_index >= ctx.function_labels.size()) {
    return absl::InvalidArgumentError(absl::StrCat("no label for function ", func_index));
  }
  return CompileFunctionAt(f, ctx, ctx.function_labels[func_index], as);
}

absl::StatusOr<FunctionCode> CompileFunctionCode(const ir::Function& f,
                                                 const ModuleCodegenContext& ctx,
                                                 absl::Span<const ir::Block> block_order) {
  if (!ctx.function_labels.empty()) {
    return absl::InvalidArgumentError(
        "CompileFunctionCode: the context has module-wide function labels");
  }
  x64::Assembler as;
  const x64::Label entry = as.NewLabel();
  RETURN_IF_ERROR(CompileFunctionAt(f, ctx, entry, as, block_order));
  FunctionCode out;
  ASSIGN_OR_RETURN(out.code, as.Finish());
  out.entry = as.LabelOffset(entry);
  return out;
}

}  // namespace wasm::codegen
