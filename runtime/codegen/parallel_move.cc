#include "runtime/codegen/parallel_move.h"

#include <utility>
#include <vector>

#include "runtime/codegen/abi.h"

namespace wasm::codegen {

void SequentializeMovesInto(const LocMove* moves, size_t n, x64::RegClass cls,
                            std::vector<LocMove>* out, std::vector<LocMove>* pending) {
  out->clear();
  pending->clear();
  for (size_t i = 0; i < n; ++i) {
    if (!(moves[i].dst == moves[i].src)) pending->push_back(moves[i]);
  }
  const Location scratch =
      Location::InReg(cls == x64::RegClass::kGpr ? kScratchGpr1 : kScratchXmm1);
  if (pending->size() == 2) {
    // Two moves (the usual case): in order unless the second reads the
    // first's destination; swapped unless the first also reads the second's
    // (then they are a swap, broken through the scratch register).
    const LocMove a = (*pending)[0], b = (*pending)[1];
    if (!(b.src == a.dst)) {
      *out = {a, b};
    } else if (!(a.src == b.dst)) {
      *out = {b, a};
    } else {
      *out = {{scratch, a.dst}, a, {b.dst, scratch}};
    }
    return;
  }
  while (!pending->empty()) {
    bool progress = false;
    for (size_t i = 0; i < pending->size(); ++i) {
      bool read = false;
      for (size_t j = 0; j < pending->size(); ++j) {
        if (j != i && (*pending)[j].src == (*pending)[i].dst) {
          read = true;
          break;
        }
      }
      if (read) continue;
      out->push_back((*pending)[i]);
      pending->erase(pending->begin() + static_cast<long>(i));
      progress = true;
      break;
    }
    if (progress) continue;
    // All blocked: break a cycle at pending[0]'s destination.
    const Location d = (*pending)[0].dst;
    out->push_back({scratch, d});
    for (LocMove& m : *pending) {
      if (m.src == d) m.src = scratch;
    }
  }
}

std::vector<LocMove> SequentializeMoves(std::vector<LocMove> moves, x64::RegClass cls) {
  std::vector<LocMove> out, pending;
  SequentializeMovesInto(moves.data(), moves.size(), cls, &out, &pending);
  return out;
}

}  // namespace wasm::codegen
