// Decoding one instruction: opcode plus immediates, malformed errors only.
//
// The single decode step of function bodies and constant expressions; the
// validator type-checks what it returns, the decoder uses it to frame
// constant expressions, and the JIT front end reads bodies through it too.
//
//   InstructionReader in(reader);
//   Instruction instr;
//   while (...) { RETURN_IF_ERROR(in.Next(&instr)); switch (instr.op) ... }
#ifndef RUNTIME_INSTRUCTION_H_
#define RUNTIME_INSTRUCTION_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "runtime/opcode.h"
#include "runtime/reader.h"
#include "runtime/types.h"

namespace wasm {

// A block type: empty, one value type, or a type index (multi-value).
struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kTypeIndex };
  Kind kind = Kind::kEmpty;
  ValType value = ValType::kI32;  // kValue
  uint32_t type_index = 0;        // kTypeIndex
};

struct Instruction {
  Opcode op = Opcode::kNop;
  uint32_t offset = 0;     // byte offset of the opcode
  // Immediates; which are set depends on `op`:
  //   index:  local / global / function / table / label / type / data / elem index
  //   index2: call_indirect table, table.copy source, table.init table, memory.copy src
  //   align, mem_offset: memarg (align as log2)
  //   bits: i32/i64 constants (sign-extended), f32/f64 bit patterns
  //   type: ref.null's type, select's type
  //   block: block / loop / if
  //   targets: br_table labels, the default last (valid until the next Next())
  uint32_t index = 0;
  uint32_t index2 = 0;
  uint32_t align = 0;
  uint32_t mem_offset = 0;
  uint64_t bits = 0;
  ValType type = ValType::kI32;
  BlockType block;
  absl::Span<const uint32_t> targets;
};

class InstructionReader {
 public:
  explicit InstructionReader(Reader* reader) : r_(reader) {}

  // Decodes the next instruction. Unknown opcodes are "illegal opcode";
  // non-zero reserved bytes are "zero byte expected".
  absl::Status Next(Instruction* out);

 private:
  absl::Status ReadBlockType(BlockType* out);
  absl::Status ReadMemArg(Instruction* out);
  absl::Status ReadZeroByte();
  absl::Status ReadRefType(ValType* out);

  Reader* r_;
  std::vector<uint32_t> targets_;
};

}  // namespace wasm

#endif  // RUNTIME_INSTRUCTION_H_
