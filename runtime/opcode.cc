#include "runtime/opcode.h"

namespace wasm {

absl::string_view OpcodeName(Opcode op) {
  switch (op) {
#define WASM_CONTROL_OP(name, code, text) case Opcode::k##name: return text;
#define WASM_LOAD_OP(name, code, text, result, align) case Opcode::k##name: return text;
#define WASM_STORE_OP(name, code, text, value, align) case Opcode::k##name: return text;
#define WASM_BINARY_OP(name, code, text, result, operand) case Opcode::k##name: return text;
#define WASM_UNARY_OP(name, code, text, result, operand) case Opcode::k##name: return text;
#define WASM_FC_UNARY_OP(name, code, text, result, operand) case Opcode::k##name: return text;
#define WASM_FC_CONTROL_OP(name, code, text) case Opcode::k##name: return text;
#include "runtime/opcodes.def"
  }
  return "<unknown>";
}

bool IsKnownOpcode(Opcode op) { return OpcodeName(op) != "<unknown>"; }

}  // namespace wasm
