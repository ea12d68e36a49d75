// Emission: frame layout, prologue / epilogue, rewriting vreg operands to
// where the allocator put that part of their life (with reloads and spill
// stores through the scratch registers), the allocator's moves (RegAllocResult
// edits, before / after instructions), parallel moves, threading of empty
// edge blocks, trap stubs and jump tables.
#include "runtime/codegen/emit.h"

#include <array>
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
      Label(mb.label, mb.name);
      x64::Label next;
      for (uint32_t n = b + 1; n < code_.num_blocks(); ++n) {
        if (!skipped_[n]) {
          next = code_.block(n).label;
          break;
        }
      }
      const std::vector<Edit>& edits = alloc_.edits[b];
      size_t e = 0;
      for (size_t k = 0; k < mb.insts.size(); ++k) {
        held_.clear();
        const size_t first_edit = e;
        for (; e < edits.size() && edits[e].inst == k && edits[e].where == Edit::Where::kBefore; ++e) {
          EmitMoves(edits[e].moves);
        }
        NoteHeldRegisters(edits, first_edit, e);
        const MachInst& mi = mb.insts[k];
        if (mi.kind == MachInst::Kind::kJmp && k + 1 == mb.insts.size() &&
            Target(mi.label) == next) {
          continue;  // falls through
        }
        RETURN_IF_ERROR(EmitInst(mi, b, static_cast<uint32_t>(k)));
        for (; e < edits.size() && edits[e].inst == k && edits[e].where == Edit::Where::kAfter; ++e) {
          EmitMoves(edits[e].moves);
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
    const x64::Inst narrow = x64::NarrowImmediate(inst);
    as_.Emit(narrow);
    if (listing_ != nullptr) Line("    ", x64::ToString(narrow));
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
    skipped_.assign(nb, false);
    absl::flat_hash_map<uint32_t, uint32_t> block_of_label;
    for (uint32_t b = 0; b < nb; ++b) block_of_label[code_.block(b).label.id()] = b;
    std::vector<x64::Label> jump_to(nb);
    for (uint32_t b = 1; b < nb; ++b) {  // the entry block follows the prologue
      const MachBlock& mb = code_.block(b);
      if (!alloc_.edits[b].empty() || mb.insts.empty() ||
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
      if (empty) jump_to[b] = mb.insts.back().label;
    }
    // Follow chains of empty blocks; a cycle of them (an empty infinite
    // loop) keeps its blocks.
    for (uint32_t b = 0; b < nb; ++b) {
      if (!jump_to[b].is_valid()) continue;
      x64::Label t = jump_to[b];
      bool cycle = false;
      for (uint32_t steps = 0;; ++steps) {
        auto it = block_of_label.find(t.id());
        if (it == block_of_label.end() || !jump_to[it->second].is_valid()) break;
        if (steps > nb) {
          cycle = true;
          break;
        }
        t = jump_to[it->second];
      }
      if (cycle) continue;
      skipped_[b] = true;
      redirect_[code_.block(b).label.id()] = t;
    }
  }

  x64::Label Target(x64::Label l) const {
    auto it = redirect_.find(l.id());
    return it == redirect_.end() ? l : it->second;
  }

  // One parallel move of the allocator (split, edge or store moves).
  void EmitMoves(const std::vector<AllocMove>& moves) {
    std::vector<LocMove> gpr, xmm;
    for (const AllocMove& m : moves) {
      (code_.Class(m.vreg) == x64::RegClass::kGpr ? gpr : xmm).push_back({m.to, m.from});
    }
    for (const LocMove& m : SequentializeMoves(gpr, x64::RegClass::kGpr)) {
      MoveLoc(m.dst, m.src, x64::RegClass::kGpr);
    }
    for (const LocMove& m : SequentializeMoves(xmm, x64::RegClass::kXmm)) {
      MoveLoc(m.dst, m.src, x64::RegClass::kXmm);
    }
  }

  // After the allocator's moves before an instruction: values just stored
  // from a register to their slot that the moves left in that register. The
  // instruction may read them there instead of reloading them.
  void NoteHeldRegisters(const std::vector<Edit>& edits, size_t from, size_t to) {
    x64::RegSet written;
    for (size_t i = from; i < to; ++i) {
      for (const AllocMove& m : edits[i].moves) {
        if (m.to.is_reg()) written.Add(m.to.reg);
      }
    }
    for (size_t i = from; i < to; ++i) {
      for (const AllocMove& m : edits[i].moves) {
        if (m.from.is_reg() && m.to.is_slot() && !written.Contains(m.from.reg)) {
          held_[m.vreg.index] = m.from.reg;
        }
      }
    }
  }

  // Where instruction (b, k) reads `v`: its allocated location, or the
  // register still holding it (held_) when the instruction only reads it.
  Location UseLoc(VReg v, uint32_t b, uint32_t k, bool only_read) const {
    const Location loc = alloc_.At(v, b, k);
    if (!loc.is_slot() || !only_read) return loc;
    auto it = held_.find(v.index);
    return it == held_.end() ? loc : Location::InReg(it->second);
  }

  Mem SlotMem(uint32_t slot) const {
    return Mem(x64::kRbp, -(saved_bytes_ + 8 * static_cast<int32_t>(slot + 1)));
  }

  void Prologue() {
    stack_stub_ = as_.NewLabel();
    Emit(x64::Inst(Form::kPush64O, {x64::kRbp}));
    Emit(x64::Inst(Form::kMov64RM, {x64::kRbp, x64::kRsp}));
    for (x64::Reg r : saved_) Emit(x64::Inst(Form::kPush64O, {r}));
    Emit(x64::Inst(Form::kMov64RM, {kVmctxReg, x64::kRdi}));
    if (locals_ > 0) Emit(x64::Inst(Form::kSub64MI, {x64::kRsp, Imm(locals_)}));
    Emit(x64::Inst(Form::kCmp64RM, {x64::kRsp, Mem(kVmctxReg, kVmStackLimit)}));
    as_.J(x64::Cond::kB, stack_stub_);
    Line("    jb L", stack_stub_.id());
    Emit(x64::Inst(Form::kMov64RM, {kMemBaseReg, Mem(kVmctxReg, kVmMemoryBase)}));
  }

  void Epilogue() {
    Emit(x64::Inst(Form::kLea64RM, {x64::kRsp, Mem(x64::kRbp, -saved_bytes_)}));
    for (size_t k = saved_.size(); k-- > 0;) Emit(x64::Inst(Form::kPop64O, {saved_[k]}));
    Emit(x64::Inst(Form::kPop64O, {x64::kRbp}));
    Emit(x64::Inst(Form::kRet, {}));
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
    if (dst.is_reg() && src.is_reg()) {
      Emit(x64::Inst(gpr ? Form::kMov64RM : Form::kMovapsRM, {dst.reg, src.reg}));
    } else if (dst.is_reg()) {
      Emit(x64::Inst(gpr ? Form::kMov64RM : Form::kMovsdRM, {dst.reg, SlotMem(src.slot)}));
    } else if (src.is_reg()) {
      Emit(x64::Inst(gpr ? Form::kMov64MR : Form::kMovsdMR, {SlotMem(dst.slot), src.reg}));
    } else {
      const x64::Reg t = gpr ? kScratchGpr0 : kScratchXmm0;
      MoveLoc(Location::InReg(t), src, cls);
      MoveLoc(dst, Location::InReg(t), cls);
    }
  }

  absl::Status EmitParallelMove(const MachInst& mi, uint32_t b, uint32_t k) {
    std::vector<LocMove> gpr, xmm;
    for (const MoveOp& m : code_.Moves(mi)) {
      const Location d = alloc_.At(m.dst, b, k), s = UseLoc(m.src, b, k, /*only_read=*/true);
      if (d.kind == Location::Kind::kNone || s.kind == Location::Kind::kNone) {
        return absl::InternalError(absl::StrCat("parallel move of unallocated ", VRegName(m.src)));
      }
      (code_.Class(m.dst) == x64::RegClass::kGpr ? gpr : xmm).push_back({d, s});
    }
    for (const LocMove& m : SequentializeMoves(gpr, x64::RegClass::kGpr)) {
      MoveLoc(m.dst, m.src, x64::RegClass::kGpr);
    }
    for (const LocMove& m : SequentializeMoves(xmm, x64::RegClass::kXmm)) {
      MoveLoc(m.dst, m.src, x64::RegClass::kXmm);
    }
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
    return RewriteAndEmit(mi, b, k);
  }

  absl::Status RewriteAndEmit(const MachInst& mi, uint32_t b, uint32_t k_inst) {
    struct Site {
      int op;
      int which;  // 0 register operand, 1 memory base, 2 memory index
      x64::Access access;
      VReg v;
    };
    absl::InlinedVector<Site, 8> sites;
    int k = 0;
    std::array<int, x64::kMaxOperands> mem_seen{};
    x64::ForEachRegOperand(mi.inst, [&](const x64::RegOperand& r) {
      if (r.fixed) return;
      const VReg v = k < kMaxVRegOperands ? mi.vregs[k] : VReg();
      ++k;
      int which = 0;
      if (r.in_memory) {
        const Mem* m = mi.inst.operand(r.operand_index).mem();
        which = (mem_seen[r.operand_index]++ == 0 && m->base().is_valid()) ? 1 : 2;
      }
      if (v.valid()) sites.push_back({r.operand_index, which, r.access, v});
    });
    // Where each site's vreg is: a vreg only read here may still be in the
    // register it was just stored from.
    absl::InlinedVector<Location, 8> locs;
    for (const Site& s : sites) {
      bool only_read = true;
      for (const Site& o : sites) {
        if (o.v == s.v && o.access != x64::Access::kUse) only_read = false;
      }
      locs.push_back(UseLoc(s.v, b, k_inst, only_read));
      if (locs.back().kind == Location::Kind::kNone) {
        return absl::InternalError(absl::StrCat("unallocated ", VRegName(s.v), " in ",
                                                x64::ToString(mi.inst)));
      }
    }
    // A copy between a register and a stack part: one load or store.
    const Form form = mi.inst.form();
    if ((form == Form::kMov64RM || form == Form::kMov32RM || form == Form::kMovapsRM) &&
        !mi.trap && sites.size() == 2 && sites[0].op == 0 && sites[0].which == 0 &&
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
    x64::Inst inst = mi.inst;
    // Spilled vregs → scratch registers; uses get the scratches first.
    // vreg → its scratch register (at most two per class).
    absl::InlinedVector<std::pair<uint32_t, x64::Reg>, 4> scratch;
    auto scratch_of = [&](uint32_t v) -> const x64::Reg* {
      for (const auto& [sv, r] : scratch) {
        if (sv == v) return &r;
      }
      return nullptr;
    };
    int next_gpr = 0, next_xmm = 0;
    const x64::Reg kGprs[] = {kScratchGpr0, kScratchGpr1};
    const x64::Reg kXmms[] = {kScratchXmm0, kScratchXmm1};
    absl::InlinedVector<VReg, 4> reload, store;
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < sites.size(); ++i) {
        const Site& s = sites[i];
        const bool use = s.access == x64::Access::kUse || s.access == x64::Access::kUseDef;
        if ((pass == 0) != use) continue;
        const Location& loc = locs[i];
        if (!loc.is_slot() || scratch_of(s.v.index) != nullptr) continue;
        const bool gpr = code_.Class(s.v) == x64::RegClass::kGpr;
        int& next = gpr ? next_gpr : next_xmm;
        if (pass == 1) next = 0;  // a def-only spill may reuse a use's scratch
        if (next >= 2) {
          return absl::InternalError(
              absl::StrCat("more than two spilled operands in ", x64::ToString(mi.inst)));
        }
        scratch.push_back({s.v.index, gpr ? kGprs[next] : kXmms[next]});
        ++next;
        if (use) reload.push_back(s.v);
      }
    }
    for (size_t i = 0; i < sites.size(); ++i) {
      const Site& s = sites[i];
      const bool def = s.access == x64::Access::kDef || s.access == x64::Access::kUseDef;
      const Location& loc = locs[i];
      const x64::Reg reg = loc.is_reg() ? loc.reg : *scratch_of(s.v.index);
      if (loc.is_slot() && def &&
          std::find(store.begin(), store.end(), s.v) == store.end()) {
        store.push_back(s.v);
      }
      x64::Operand& op = inst.mutable_operand(s.op);
      if (s.which == 0) {
        *op.mutable_reg() = reg;
      } else if (s.which == 1) {
        *op.mutable_mem()->mutable_base() = reg;
      } else {
        *op.mutable_mem()->mutable_index() = reg;
      }
    }
    for (VReg v : reload) {
      MoveLoc(Location::InReg(*scratch_of(v.index)), alloc_.At(v, b, k_inst), code_.Class(v));
    }
    // A register copied onto itself (the allocator honoured a move hint).
    const bool self_move =
        (inst.form() == Form::kMov64RM || inst.form() == Form::kMovapsRM) && !mi.trap &&
        inst.operand(0).reg() != nullptr && inst.operand(1).reg() != nullptr &&
        *inst.operand(0).reg() == *inst.operand(1).reg();
    if (mi.trap) as_.RecordTrap(*mi.trap);
    if (self_move) {
      // Nothing to emit (spill stores below still happen).
    } else if (inst.form() == Form::kCallRel32 && inst.operand(0).label() != nullptr) {
      as_.Call(*inst.operand(0).label());
      Line("    call L", inst.operand(0).label()->id());
    } else {
      Emit(inst);
    }
    if (mi.trap) Line("    ; trap ", TrapKindName(*mi.trap));
    for (VReg v : store) {
      MoveLoc(alloc_.At(v, b, k_inst), Location::InReg(*scratch_of(v.index)), code_.Class(v));
    }
    return absl::OkStatus();
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
  std::vector<bool> skipped_;                              // per block: threaded away
  absl::flat_hash_map<uint32_t, x64::Label> redirect_;     // label id → jump target
  absl::flat_hash_map<uint32_t, x64::Reg> held_;           // see NoteHeldRegisters
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
                               x64::Label entry, x64::Assembler& as) {
#ifndef NDEBUG
  // The IR comes from the translator and the optimiser, which verify it in
  // builds with assertions (opt::OptimizeOptions::verify); release builds
  // trust them here too.
  RETURN_IF_ERROR(ir::VerifyFunction(f));
#endif
  if (ctx.dump.ir) std::cerr << "=== IR " << f.name << "\n" << ir::PrintFunction(f);
  ASSIGN_OR_RETURN(LoweredFunction lowered, Lower(f, ctx, as));
  if (ctx.dump.vcode) std::cerr << "=== VCode " << f.name << "\n" << PrintVCode(lowered.vcode);
  ASSIGN_OR_RETURN(RegAllocResult alloc, AllocateRegisters(lowered.vcode, ctx.regalloc));
  if (ctx.dump.vcode) {
    std::cerr << "=== allocation " << f.name << " (" << alloc.num_spill_slots << " slots)\n"
              << PrintAllocation(alloc) << "\n";
    for (uint32_t b = 0; b < alloc.edits.size(); ++b) {
      for (const Edit& e : alloc.edits[b]) {
        std::cerr << lowered.vcode.block(b).name << " #" << e.inst
                  << (e.where == Edit::Where::kBefore ? " before:" : " after:");
        for (const AllocMove& m : e.moves) {
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
                                                 const ModuleCodegenContext& ctx) {
  if (!ctx.function_labels.empty()) {
    return absl::InvalidArgumentError(
        "CompileFunctionCode: the context has module-wide function labels");
  }
  x64::Assembler as;
  const x64::Label entry = as.NewLabel();
  RETURN_IF_ERROR(CompileFunctionAt(f, ctx, entry, as));
  FunctionCode out;
  ASSIGN_OR_RETURN(out.code, as.Finish());
  out.entry = as.LabelOffset(entry);
  return out;
}

}  // namespace wasm::codegen
