// Register allocation: virtual registers of a VCode → physical registers and
// stack slots, per stretch of each value's life.
//
// The algorithm: linear scan over live intervals with holes, with interval
// splitting and loop-weighted spill decisions (Poletto & Sarkar; Wimmer &
// Mössenböck, "Optimized Interval Splitting in a Linear Scan Register
// Allocator"; Wimmer & Franz for the resolution of SSA-form edges):
//
//  1. Machine CFG: predecessors, a depth-first walk from the entry, back
//     edges (an edge to a block on the walk's stack), natural loops (the
//     blocks reaching a back edge's source without passing its header; loops
//     sharing a header merged) and per block its loop depth.
//  2. Allocation order: reverse post-order, rearranged so that every loop's
//     blocks are contiguous (a loop is placed whole where its header comes).
//     Instructions are numbered in that order; instruction i reads its
//     operands at position 2i and writes its results at 2i+1. The emitter
//     keeps its own block order: allocation results are indexed by
//     (block, instruction), never by position.
//  3. Liveness: per-block upward-exposed uses and defs, then backward dataflow
//     to a fixed point (live-in / live-out), so a value carried around a loop
//     is live in the whole loop.
//  4. Intervals: per vreg, sorted [from, to) ranges built by a backward walk
//     over each block (Wimmer's BuildIntervals), and its use positions, each
//     weighted 10^depth of its block. A use or def wants a register, except
//     in a parallel move or a vreg-to-vreg copy, where a stack slot serves
//     as well (the emitter turns such a copy into one load or store). A vreg
//     defined more than once inside one block (branchy expansions such as
//     fcvt or fmin) gets one range from its first def to its last use there,
//     because local forward branches may skip a def. A vreg live around a
//     loop and used inside it also gets a weighted pseudo-use at the end of
//     each latch: it will be wanted again.
//     Fixed ranges come from the same walk over physical registers: explicit
//     moves to and from fixed registers (idiv's rax/rdx, shifts' cl, call
//     arguments and results) and every call's clobbers ([2i+1, 2i+2); the
//     calls' common clobber set is kept once, as a list of positions).
//  5. Scan (Wimmer's active / inactive / unhandled sets), for the interval
//     `cur` starting at `pos`:
//     a. A register free for all of cur: a move hint first (a physical
//        register the vreg is copied to or from, else the register of a
//        block-parameter partner where the move happens, else that partner's
//        first register — a back edge's value then lands where the loop
//        header's parameter is), then caller-saved ones, then callee-saved
//        ones. Holes count: values whose ranges interleave share a register.
//     b. Otherwise the register free for longest (until a fixed range, a call
//        clobber, or another value's next range), if cur has a use wanting a
//        register before then: cur keeps it until a split position after
//        that use; the rest is a new interval, queued.
//     c. Otherwise (no register free at pos) compare spill costs. The cost of
//        taking a value's register away at pos is the weight of its next use:
//        10^depth if that use lies inside the outermost loop around pos,
//        1 if it lies beyond (its reload can move out of the loop), so values
//        used in inner loops keep their registers; ties go to the value whose
//        next use is furthest (Belady). If cur is the cheapest, cur goes to
//        the stack until just before its next use wanting a register;
//        otherwise the values in the cheapest register are split at pos (or
//        earlier, after their last use): the part before keeps the register,
//        the part after goes to the stack until before its next use wanting a
//        register, and from there on is queued again (it may get another
//        register, or stay on the stack when its uses are rare).
//     Split positions: between instructions (even positions), chosen within
//     the allowed window at the smallest loop depth (a block start counts
//     with the depth of the edges entering it, so a split at a loop header
//     is a split on the loop's entry edges); among those the earliest where
//     a value gives its register up (block boundaries after it then see it
//     on the stack from every predecessor, needing no move) and the latest
//     where it is reloaded. A split where the value is live may not fall
//     where a move would not run on every path: between a block-local jump
//     and its label, or after a block's first jump to another block (its
//     terminator sequence).
//  6. Spill slots: one 8-byte slot per value with any stack part, shared by
//     all its stack parts. Values joined by a block-parameter move share one
//     when their lives do not intersect (heaviest moves first: the move then
//     vanishes when both sides are on the stack); then any values whose
//     lives do not intersect share slots, first-fit.
//     Stores: a value whose defs all lie in one block it is not live into
//     (an SSA value: lowering's two-address code defines it by a copy and an
//     update) has its final value from the last def on; it is stored once
//     there, when that is cheaper (by weight) than storing at each register
//     → stack transition after it, and then those transitions cost nothing.
//  7. Moves (RegAllocResult::edits): where a value lives on across a split
//     position inside a block, a move at that position; on every CFG edge,
//     where a live-in value's location at the predecessor's end differs from
//     the successor's start, a move on the edge — at the successor's start
//     when it has one predecessor, else before the predecessor's final jump
//     (it then has one successor: VCode has no critical edges, lowering
//     inserts edge blocks, vcode.h). All moves at one point form one parallel
//     move; the emitter sequentialises it (parallel_move.h).
//
// The emitter reloads an operand whose part is on the stack into a scratch
// register (r10 / r11, xmm14 / xmm15) before the instruction and stores a
// def on the stack after it (or reads it from the register a move just
// stored it from).
//
// Not done: rematerialising constants instead of reloading them; memory
// operands (add r, [slot]) instead of scratch reloads; branch probabilities
// (a cold path inside a loop weighs as much as the hot one); coalescing
// beyond hints (a value carried around a loop may still cost a move on the
// back edge when the registers rotate); second-chance allocation across
// the whole function (the scan is greedy in one pass).
#ifndef RUNTIME_CODEGEN_REGALLOC_H_
#define RUNTIME_CODEGEN_REGALLOC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/codegen/vcode.h"
#include "runtime/x64/regs.h"

namespace wasm::codegen {

// Where a vreg lives during one part of its life.
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

// One part of a vreg's life: positions [begin, end) of the allocation order
// (instruction i at 2i and 2i+1, i = RegAllocResult::block_base[b] + k).
// Invariant: a vreg's parts are sorted, disjoint, and begin at even positions.
struct LivePart {
  uint32_t begin = 0, end = 0;
  Location loc;
};

// A move of one vreg between two of its locations.
struct AllocMove {
  VReg vreg;
  Location from, to;
};

// Moves the emitter inserts before or after instruction `inst` of a block;
// all of one Edit's moves are one parallel move: RegAllocResult::moves
// [moves_begin, moves_end) (RegAllocResult::Moves).
struct Edit {
  enum class Where : uint8_t { kBefore, kAfter };
  uint32_t inst = 0;
  Where where = Where::kBefore;
  uint32_t moves_begin = 0, moves_end = 0;
};

struct RegAllocResult {
  // Every vreg's parts, by vreg then position: vreg v's are
  // parts[parts_begin[v], parts_begin[v + 1]) (Parts(v)).
  std::vector<LivePart> parts;
  std::vector<uint32_t> parts_begin;         // per vreg, + the end
  std::vector<uint32_t> block_base;          // per block: its first instruction's number
  std::vector<uint32_t> loop_depth;          // per block
  // Every block's Edits, by block: block b's are edits[edits_begin[b],
  // edits_begin[b + 1]) (Edits(b)), sorted by (inst, where); several Edits at
  // one point run in order. Their moves, in one buffer (few allocations per
  // function).
  std::vector<Edit> edits;
  std::vector<uint32_t> edits_begin;  // per block, + the end
  std::vector<AllocMove> moves;
  uint32_t num_spill_slots = 0;
  uint32_t num_spilled_vregs = 0;  // vregs with a stack part
  uint32_t num_split_vregs = 0;    // vregs with more than one part
  x64::RegSet callee_saved_used;   // among rbx, r12, r13

  // Where `v` is while instruction `inst` of `block` reads and writes it
  // (kNone where v is not live).
  // Inline: the emitter asks for every operand of every instruction.
  Location At(VReg v, uint32_t block, uint32_t inst) const {
    return v.valid() ? AtPosition(v.index, Position(block, inst)) : Location();
  }
  // The same in two steps, for several vregs at one instruction: its
  // position (kNoPosition for a block out of range), then where vreg `v` is
  // there.
  static constexpr uint32_t kNoPosition = UINT32_MAX;
  uint32_t Position(uint32_t block, uint32_t inst) const {
    return block < block_base.size() ? 2 * (block_base[block] + inst) : kNoPosition;
  }
  Location AtPosition(uint32_t v, uint32_t pos) const {
    if (v >= num_vregs()) return Location();
    const uint32_t first = parts_begin[v];
    // Most vregs have one part.
    if (parts_begin[v + 1] - first != 1) return AtSplit(v, pos);
    const LivePart& p = parts[first];
    return p.begin <= pos && pos < p.end ? p.loc : Location();
  }
  absl::Span<const Edit> Edits(uint32_t b) const {
    return absl::MakeConstSpan(edits).subspan(edits_begin[b], edits_begin[b + 1] - edits_begin[b]);
  }
  uint32_t num_edit_blocks() const {
    return edits_begin.empty() ? 0 : static_cast<uint32_t>(edits_begin.size() - 1);
  }
  absl::Span<const AllocMove> Moves(const Edit& e) const {
    return absl::MakeConstSpan(moves).subspan(e.moves_begin, e.moves_end - e.moves_begin);
  }
  absl::Span<const LivePart> Parts(uint32_t v) const {
    return absl::MakeConstSpan(parts).subspan(parts_begin[v], parts_begin[v + 1] - parts_begin[v]);
  }
  uint32_t num_vregs() const {
    return parts_begin.empty() ? 0 : static_cast<uint32_t>(parts_begin.size() - 1);
  }

 private:
  // At for a vreg with zero or several parts: a binary search.
  Location AtSplit(uint32_t v, uint32_t pos) const;
};

struct RegAllocOptions {
  // Restricts the allocatable GPRs to the first `max_gprs` of
  // kAllocatableGprs (tests force spilling with it); 0 = all.
  int max_gprs = 0;
  int max_xmms = 0;
};

absl::StatusOr<RegAllocResult> AllocateRegisters(const VCode& code,
                                                 const RegAllocOptions& options = {});

// "%3 -> rbx, %4 -> [10,24) rax [24,40) slot0, ..." for dumps.
std::string PrintAllocation(const RegAllocResult& result);

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_REGALLOC_H_
