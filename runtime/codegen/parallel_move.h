// Sequentialising a parallel move (block parameters on an edge): every
// destination receives its source's value from before the move.
//
//   std::vector<LocMove> seq = SequentializeMoves(
//       {{rax <- rbx}, {rbx <- rax}}, kGpr);   // a swap: a cycle
//   // rax -> r11 ; rax <- rbx ; rbx <- r11
//
// Algorithm: repeatedly emit a move whose destination no pending move still
// reads; when every pending move is blocked, the rest are cycles: copy one
// blocked destination into the cycle scratch register (r11 / xmm15) and read
// it from there, which turns that cycle into a chain. A chain drains before
// the next cycle is broken, so one scratch register suffices. Stack-to-stack
// moves go through a second scratch (r10 / xmm14) when emitted.
//
// Invariant: sources and destinations are allocator locations (never scratch
//   registers), destinations are pairwise distinct.
#ifndef RUNTIME_CODEGEN_PARALLEL_MOVE_H_
#define RUNTIME_CODEGEN_PARALLEL_MOVE_H_

#include <cstddef>
#include <vector>

#include "runtime/codegen/regalloc.h"
#include "runtime/x64/regs.h"

namespace wasm::codegen {

struct LocMove {
  Location dst;
  Location src;
};

// A sequence of moves with the parallel move's effect; may use the scratch
// register of class `cls` (kScratchGpr1 / kScratchXmm1) as a location.
std::vector<LocMove> SequentializeMoves(std::vector<LocMove> moves, x64::RegClass cls);

// The same sequence, written into `*out` (cleared first) from the n moves at
// `moves`; `*pending` is working space. The emitter reuses both vectors.
void SequentializeMovesInto(const LocMove* moves, size_t n, x64::RegClass cls,
                            std::vector<LocMove>* out, std::vector<LocMove>* pending);

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_PARALLEL_MOVE_H_
