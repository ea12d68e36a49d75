// Validator: a decoded Module -> OK or the first validation error.
//
// Module-level rules (index ranges, limits, constant expressions, exports,
// start function, declared function references, data count) and every
// function body: the body decoder (function_validator.h) type-checks each
// instruction with an operand stack and control frames, including unreachable
// code's polymorphic stack.
#ifndef RUNTIME_VALIDATOR_H_
#define RUNTIME_VALIDATOR_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/module.h"

namespace wasm {

// Validates everything but the function bodies.
absl::Status ValidateModuleHeader(const Module& module);

// Validates one defined function's body; `defined_index` counts defined
// functions only (0 is the first non-imported function).
absl::Status ValidateFunctionBody(const Module& module, uint32_t defined_index);

// Validates the whole module: the header, then every body.
absl::Status ValidateModule(const Module& module);

// Decode + validate: the broker's entry point.
absl::StatusOr<std::shared_ptr<const Module>> CompileModule(std::vector<uint8_t> bytes);

}  // namespace wasm

#endif  // RUNTIME_VALIDATOR_H_
