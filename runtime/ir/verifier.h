// IR verifier: checks the invariants of ir.h on a Function and returns the
// first violation, naming the block and instruction ("block3: inst12 (iadd):
// operand v7 is f32, expected i32"). Run after translation and after every
// pass in debug builds and tests.
//
// Checks: entry block parameters match the signature; every block in the
// layout ends in exactly one terminator; operand counts and types per
// opcode; branch arguments match the target's parameters; return values
// match the signature; every use is dominated by its definition (reachable
// blocks only).
#ifndef RUNTIME_IR_VERIFIER_H_
#define RUNTIME_IR_VERIFIER_H_

#include "absl/status/status.h"
#include "runtime/ir/ir.h"

namespace wasm::ir {

absl::Status VerifyFunction(const Function& f);

}  // namespace wasm::ir

#endif  // RUNTIME_IR_VERIFIER_H_
