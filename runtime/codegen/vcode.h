// VCode: x86-64 machine instructions over virtual registers, one machine block
// per reachable IR block (plus edge blocks for branch arguments), between
// lowering (lower.h) and register allocation (regalloc.h).
//
// How virtual registers appear: a MachInst holds a real x64::Inst whose
// register operands are physical placeholders, plus `vregs`, an array
// parallel to the NON-fixed register operands that x64::ForEachRegOperand
// reports for that Inst, in its order. vregs[k] names the virtual register of
// the k-th such operand; an invalid VReg means "this operand really is the
// physical register written in the Inst" (r14, r15, rsp, rax for idiv ...).
// So ForEachRegOperand stays THE source of use/def information: the
// allocator reads it, looks up vregs[k], and after allocation the emitter
// writes the chosen physical registers back into the operands.
//
//   VCode code;
//   VReg a = code.NewVReg(x64::RegClass::kGpr), b = ...;
//   code.Emit(block, x64::Inst(Form::kAdd32RM, {kRax, kRax}), {a, b});  // a += b
//
// Fixed-register constraints are explicit moves to and from physical
// registers (mov ecx, %3 ; shl %4, cl), whose short live ranges the allocator
// respects. Calls list the argument registers they read (`extra_uses`) and the
// caller-saved registers they clobber (`extra_defs`).
//
// Invariant: physical registers are never live across a machine-block
//   boundary, except argument registers at the start of the entry block.
// Invariant: no critical edges: a block with several successors only
//   branches to blocks with a single predecessor (lowering inserts an edge
//   block, empty if the branch has no arguments, wherever the target has
//   other predecessors; the entry block counts the function's entry as one).
//   The register allocator places its edge moves in them; the emitter does
//   not emit edge blocks that end up empty, jumping straight to the target.
// Invariant: a block's local labels (kBind) are only jumped to forward from
//   the same block, and a vreg used after a local label is defined on every
//   path to it (lowering defines results before branching).
// Invariant: a MachInst has at most two distinct vregs per register class
//   among its uses (the allocator's two reload scratch registers).
#ifndef RUNTIME_CODEGEN_VCODE_H_
#define RUNTIME_CODEGEN_VCODE_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "runtime/vm/trap.h"
#include "runtime/x64/inst.h"
#include "runtime/x64/regs.h"

namespace wasm::codegen {

// A virtual register, printed "%12".
struct VReg {
  static constexpr uint32_t kInvalid = 0xffffffffu;
  uint32_t index = kInvalid;
  constexpr VReg() = default;
  constexpr explicit VReg(uint32_t i) : index(i) {}
  bool valid() const { return index != kInvalid; }
  bool operator==(const VReg&) const = default;
};

inline constexpr int kMaxVRegOperands = 4;

// One move of a parallel move: dst := src, all reads before all writes.
struct MoveOp {
  VReg dst;
  VReg src;
};

struct MachInst {
  enum class Kind : uint8_t {
    kInst,          // `inst` (with `vregs`)
    kJmp,           // jmp `label` (relaxed by the assembler)
    kJcc,           // j`cond` `label`
    kBind,          // binds a block-local `label` here
    kParallelMove,  // VCode::moves[moves_begin, +moves_count)
    kMovExternal,   // movabs `inst`'s physical reg, ExternalSymbol(symbol)
    kRet,           // epilogue + ret; `extra_uses` = the result registers
    kJumpTable,     // jump-table data label `label`: emitted after the code
  };
  MachInst() = default;
  explicit MachInst(const x64::Inst& i) : inst(i) {}

  Kind kind = Kind::kInst;
  x64::Inst inst{x64::Form::kNop, {}};
  std::array<VReg, kMaxVRegOperands> vregs{};
  x64::Cond cond = x64::Cond::kE;
  x64::Label label;
  std::optional<TrapKind> trap;  // RecordTrap(trap) right before the instruction
  x64::RegSet extra_uses;  // physical registers read besides the operands (call args, ret)
  x64::RegSet extra_defs;  // physical registers clobbered (a call's caller-saved set)
  uint32_t moves_begin = 0, moves_count = 0;
  uint32_t symbol = 0;
};

struct MachBlock {
  MachBlock() = default;
  // A block whose instructions live in `arena` (VCode's, see there).
  explicit MachBlock(std::pmr::memory_resource* arena) : insts(arena) {}

  x64::Label label;
  // The block's name, built only when printed: "block<ir_block>", or
  // "edge<edge_number>_to_block<ir_block>" for an edge block (numbered by its
  // own machine block index).
  uint32_t ir_block = 0;
  uint32_t edge_number = UINT32_MAX;  // UINT32_MAX: not an edge block
  std::string name() const;
  std::pmr::vector<MachInst> insts;
  // Machine block indexes (inline: a block has one or two, but for br_table).
  absl::InlinedVector<uint32_t, 2> succs;
};

// A jump table: 4-byte entries target - table, emitted after the code.
struct JumpTable {
  x64::Label table;
  std::vector<x64::Label> targets;
};

class VCode {
 public:
  VReg NewVReg(x64::RegClass cls);
  x64::RegClass Class(VReg v) const { return vreg_class_[v.index]; }
  uint32_t num_vregs() const { return static_cast<uint32_t>(vreg_class_.size()); }

  // A block for IR block `ir_block`, or (edge) an edge block into it.
  uint32_t NewBlock(x64::Label label, uint32_t ir_block, bool edge = false);
  // Room for `n` blocks without moving them.
  void ReserveBlocks(size_t n) { blocks_.reserve(n); }
  // Sizes the instruction arena's first buffer for about `n` MachInsts
  // (taken as the blocks reserve and grow them). Only before the first block.
  void ReserveInsts(size_t n) {
    if (blocks_.empty()) {
      arena_ = std::make_unique<std::pmr::monotonic_buffer_resource>(n * sizeof(MachInst) + 256);
    }
  }
  MachBlock& block(uint32_t b) { return blocks_[b]; }
  const MachBlock& block(uint32_t b) const { return blocks_[b]; }
  uint32_t num_blocks() const { return static_cast<uint32_t>(blocks_.size()); }

  // Appends an instruction whose k-th non-fixed register operand is vregs[k]
  // (invalid: physical as written).
  // (Inline: lowering calls it for every instruction.)
  MachInst& Emit(uint32_t b, const x64::Inst& inst, std::initializer_list<VReg> vregs = {}) {
    MachInst& mi = blocks_[b].insts.emplace_back(inst);  // built in place: MachInsts are big
    int k = 0;
    for (VReg v : vregs) mi.vregs[k++] = v;
    return mi;
  }
  MachInst& Append(uint32_t b, MachInst mi);
  // Appends a default MachInst (built in place) for the caller to fill in.
  MachInst& AppendNew(uint32_t b) { return blocks_[b].insts.emplace_back(); }
  void AddParallelMove(uint32_t b, const std::vector<MoveOp>& moves);

  const std::vector<MoveOp>& moves() const { return moves_; }
  absl::Span<const MoveOp> Moves(const MachInst& mi) const {
    return absl::MakeConstSpan(moves_).subspan(mi.moves_begin, mi.moves_count);
  }
  std::vector<JumpTable>& jump_tables() { return jump_tables_; }
  const std::vector<JumpTable>& jump_tables() const { return jump_tables_; }

  // Outgoing-argument and multi-result buffer sizes the frame must reserve.
  uint32_t outgoing_arg_bytes = 0;
  uint32_t results_buffer_bytes = 0;

 private:
  std::vector<x64::RegClass> vreg_class_;
  // The blocks' instruction vectors are allocated from this arena (one
  // malloc per many blocks instead of one per block; freed with the VCode).
  // Declared before blocks_, which must go first. Behind a pointer so that
  // moving a VCode keeps the blocks' allocator valid.
  std::unique_ptr<std::pmr::monotonic_buffer_resource> arena_ =
      std::make_unique<std::pmr::monotonic_buffer_resource>();
  std::vector<MachBlock> blocks_;
  std::vector<MoveOp> moves_;
  std::vector<JumpTable> jump_tables_;
};

// Register operands of `mi` with their vreg (invalid for physical ones),
// including kParallelMove's moves (uses then defs) and extra_uses/defs.
struct VOperand {
  VReg vreg;      // or invalid
  x64::Reg preg;  // when vreg is invalid
  x64::Access access;
};
// ForEachExplicitVOperand: the same without extra_uses/defs (the allocator
// takes those as register sets).
// (Templates: the allocator calls them for every instruction, and `f` is
// called once per operand.)
template <typename F>
void ForEachExplicitVOperand(const VCode& code, const MachInst& mi, F&& f) {
  using Kind = MachInst::Kind;
  if (mi.kind == Kind::kParallelMove) {
    for (const MoveOp& m : code.Moves(mi)) f(VOperand{m.src, x64::Reg(), x64::Access::kUse});
    for (const MoveOp& m : code.Moves(mi)) f(VOperand{m.dst, x64::Reg(), x64::Access::kDef});
    return;
  }
  if (mi.kind == Kind::kInst || mi.kind == Kind::kMovExternal) {
    int k = 0;
    x64::VisitRegOperands(mi.inst, [&](const x64::RegOperand& r) {
      if (r.fixed) {
        f(VOperand{VReg(), r.reg, r.access});
        return;
      }
      const VReg v = k < kMaxVRegOperands ? mi.vregs[k] : VReg();
      ++k;
      f(VOperand{v, v.valid() ? x64::Reg() : r.reg, r.access});
    });
  }
}
template <typename F>
void ForEachVOperand(const VCode& code, const MachInst& mi, F&& f) {
  ForEachExplicitVOperand(code, mi, f);
  // Set bits in index order (Reg::index(): GPRs 0-15, XMMs 16-31).
  auto regs = [&](x64::RegSet set, x64::Access access) {
    for (uint32_t bits = set.bits(); bits != 0; bits &= bits - 1) {
      const int i = __builtin_ctz(bits);
      f(VOperand{VReg(), i < 16 ? x64::Reg::Gpr(i) : x64::Reg::Xmm(i - 16), access});
    }
  };
  regs(mi.extra_uses, x64::Access::kUse);
  regs(mi.extra_defs, x64::Access::kDef);
}

// Text dump: one line per instruction, the x64 text with its vreg operands
// listed: "add eax, eax  ; usedef %3, use %4".
std::string PrintVCode(const VCode& code);
std::string VRegName(VReg v);

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_VCODE_H_
