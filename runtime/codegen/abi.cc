#include "runtime/codegen/abi.h"

namespace wasm::codegen {

CallConv ComputeCallConv(absl::Span<const ir::Type> params, absl::Span<const ir::Type> results) {
  CallConv cc;
  cc.has_results_out = results.size() >= 2;
  // rdi is the VMContext; rsi is results_out when present.
  static constexpr x64::Reg kIntRegs[] = {x64::kRsi, x64::kRdx, x64::kRcx, x64::kR8, x64::kR9};
  size_t next_int = cc.has_results_out ? 1 : 0;
  size_t next_float = 0;
  cc.params.reserve(params.size());  // one allocation, not one per doubling
  for (ir::Type t : params) {
    ArgLoc loc;
    if (IsIntClass(t)) {
      if (next_int < std::size(kIntRegs)) loc.reg = kIntRegs[next_int++];
    } else {
      if (next_float < x64::kSysVFloatArgRegs.size()) loc.reg = x64::kSysVFloatArgRegs[next_float++];
    }
    if (!loc.in_reg()) loc.stack_slot = cc.stack_slots++;
    cc.params.push_back(loc);
  }
  if (results.size() == 1) cc.result_reg = IsIntClass(results[0]) ? x64::kRax : x64::kXmm0;
  return cc;
}

}  // namespace wasm::codegen
