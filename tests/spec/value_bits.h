// Script values (spec_script.h) <-> the runtime's 64-bit value patterns, as
// both the jit and the sandbox engines pass them. Host references
// `(ref.extern N)` are N + 1, so that 0 stays null.
//
//   ASSIGN_OR_RETURN(uint64_t bits, ToBits(value));
//   ASSIGN_OR_RETURN(Value v, FromBits(ValType::kF32, bits));
#ifndef TESTS_SPEC_VALUE_BITS_H_
#define TESTS_SPEC_VALUE_BITS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/types.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {

// UnsupportedError for values the engines cannot pass (non-null funcref
// arguments, v128).
absl::StatusOr<uint64_t> ToBits(const Value& value);
absl::StatusOr<Value> FromBits(ValType type, uint64_t bits);

// The runtime's instantiation / call errors in the terms the script runner
// checks (engine.h): link errors and traps become its markers; the rest
// passes through.
absl::Status ToScriptError(const absl::Status& status);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_VALUE_BITS_H_
