// Register allocation: virtual registers of a VCode → physical registers or
// stack slots.
//
// The algorithm (linear scan over live intervals with holes, after Poletto &
// Sarkar and Wimmer & Mössenböck, without interval splitting):
//
//  1. Linearise: instructions numbered in machine-block order; instruction i
//     reads its operands at position 2i and writes its results at 2i+1.
//  2. Liveness: per-block upward-exposed uses and defs, then the usual
//     backward dataflow to a fixed point (live-in / live-out). Values carried
//     around a loop are live-out of the latch and live-in of the header, so
//     their intervals cover the whole loop body: live ranges are loop-aware.
//  3. Intervals: one sorted list of [from, to) ranges per vreg, built by a
//     backward walk over each block (Wimmer's BuildIntervals). A vreg defined
//     more than once inside one block (the results of branchy expansions such
//     as fcvt or fmin) gets one range from its first def to its last use in
//     that block, because local forward branches may skip a def.
//  4. Fixed ranges: the same walk over physical registers: explicit moves to
//     and from fixed registers (idiv's rax/rdx, shifts' cl, call arguments and
//     results) and every call's clobber set (all caller-saved registers,
//     [2i+1, 2i+2)). A vreg may not take a register during one of its ranges,
//     so a value live across a call ends up in a callee-saved GPR (rbx, r12,
//     r13) or, for floats (SysV has no callee-saved XMM), on the stack.
//  5. Scan intervals by start. Candidate registers: a move hint first (the
//     physical register a vreg is copied to or from), then caller-saved, then
//     callee-saved. A register is free when neither its fixed ranges nor the
//     intervals already assigned to it intersect the current interval (holes
//     count: two values may share a register when their ranges interleave).
//  6. No free register: the interval with the furthest end among the current
//     one and those occupying some register (whose conflicts are all
//     evictable) is spilled — for its whole life ("spill everywhere").
//  7. Spilled vregs get 8-byte stack slots, shared between spilled intervals
//     that do not overlap. The emitter reloads a spilled use into a scratch
//     register (r10 / r11, xmm14 / xmm15) before the instruction and stores a
//     spilled def after it.
//
// Parallel moves (block parameters) read all sources at 2i and write all
// destinations at 2i+1; the emitter sequentialises them (parallel_move.h).
//
// Not done: splitting an interval into a register part and a stack part
// (a spilled value is reloaded at every use even where registers are free),
// and loop-depth spill weights.
#ifndef RUNTIME_CODEGEN_REGALLOC_H_
#define RUNTIME_CODEGEN_REGALLOC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/codegen/vcode.h"
#include "runtime/x64/regs.h"

namespace wasm::codegen {

// Where a vreg lives for its whole life.
struct Location {
  enum class Kind : uint8_t { kNone, kReg, kSlot };
  Kind kind = Kind::kNone;
  x64::Reg reg;
  uint32_t slot = 0;
  static Location InReg(x64::Reg r) { return {Kind::kReg, r, 0}; }
  static Location InSlot(uint32_t s) { return {Kind::kSlot, x64::Reg(), s}; }
  bool is_reg() const { return kind == Kind::kReg; }
  bool is_slot() const { return kind == Kind::kSlot; }
  bool operator==(const Location& o) const {
    return kind == o.kind && (kind != Kind::kReg || reg == o.reg) &&
           (kind != Kind::kSlot || slot == o.slot);
  }
};

struct RegAllocResult {
  std::vector<Location> locations;  // per vreg
  uint32_t num_spill_slots = 0;
  uint32_t num_spilled_vregs = 0;
  x64::RegSet callee_saved_used;  // among rbx, r12, r13
};

struct RegAllocOptions {
  // Restricts the allocatable GPRs to the first `max_gprs` of
  // kAllocatableGprs (tests force spilling with it); 0 = all.
  int max_gprs = 0;
  int max_xmms = 0;
};

absl::StatusOr<RegAllocResult> AllocateRegisters(const VCode& code,
                                                 const RegAllocOptions& options = {});

// "%3 -> rbx, %4 -> slot0, ..." for dumps.
std::string PrintAllocation(const RegAllocResult& result);

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_REGALLOC_H_
