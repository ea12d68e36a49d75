// The Opcode enum and its names, expanded from opcodes.def.
//
// One-byte opcodes keep their byte value; 0xFC-prefixed ones are 0xFC00 | sub.
//   Opcode op = Opcode::kI32Add;   OpcodeName(op) == "i32.add"
#ifndef RUNTIME_OPCODE_H_
#define RUNTIME_OPCODE_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace wasm {

inline constexpr uint8_t kPrefixFC = 0xfc;

enum class Opcode : uint16_t {
#define WASM_CONTROL_OP(name, code, text) k##name = code,
#define WASM_LOAD_OP(name, code, text, result, align) k##name = code,
#define WASM_STORE_OP(name, code, text, value, align) k##name = code,
#define WASM_BINARY_OP(name, code, text, result, operand) k##name = code,
#define WASM_UNARY_OP(name, code, text, result, operand) k##name = code,
#define WASM_FC_UNARY_OP(name, code, text, result, operand) k##name = 0xfc00 | code,
#define WASM_FC_CONTROL_OP(name, code, text) k##name = 0xfc00 | code,
#include "runtime/opcodes.def"
};

// The text-format name ("i32.add"), or "<unknown>" for a value not in the table.
absl::string_view OpcodeName(Opcode op);

// True if `op` is in the table.
bool IsKnownOpcode(Opcode op);

}  // namespace wasm

#endif  // RUNTIME_OPCODE_H_
