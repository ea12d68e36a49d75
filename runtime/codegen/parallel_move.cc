#include "runtime/codegen/parallel_move.h"

#include <utility>
#include <vector>

#include "runtime/codegen/abi.h"

namespace wasm::codegen {

std::vector<LocMove> SequentializeMoves(std::vector<LocMove> moves, x64::RegClass cls) {
  std::vector<LocMove> out;
  std::vector<LocMove> pending;
  for (const LocMove& m : moves) {
    if (!(m.dst == m.src)) pending.push_back(m);
  }
  const Location scratch =
      Location::InReg(cls == x64::RegClass::kGpr ? kScratchGpr1 : kScratchXmm1);
  while (!pending.empty()) {
    bool progress = false;
    for (size_t i = 0; i < pending.size(); ++i) {
      bool read = false;
      for (size_t j = 0; j < pending.size(); ++j) {
        if (j != i && pending[j].src == pending[i].dst) {
          read = true;
          break;
        }
      }
      if (read) continue;
      out.push_back(pending[i]);
      pending.erase(pending.begin() + static_cast<long>(i));
      progress = true;
      break;
    }
    if (progress) continue;
    // All blocked: break a cycle at pending[0]'s destination.
    const Location d = pending[0].dst;
    out.push_back({scratch, d});
    for (LocMove& m : pending) {
      if (m.src == d) m.src = scratch;
    }
  }
  return out;
}

}  // namespace wasm::codegen
