// The baseline compiler's floating-point instructions and conversions.
#include "runtime/baseline/compiler.h"

namespace wasm::baseline {

bool Compiler::FloatOp(const Instruction& in) {
  (void)in;
  return false;
}

}  // namespace wasm::baseline
