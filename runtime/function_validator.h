// Function-body validation: decodes each instruction (InstructionReader) and
// type-checks it with one operand stack and a stack of control frames, as in
// the spec's validation algorithm (appendix "Validation Algorithm"):
// - a frame records its label types, the operand-stack height at entry, and
//   an `unreachable` flag; popping below the height in unreachable code
//   yields the polymorphic "any" type;
// - every error carries the instruction's byte offset and the function index;
//   the first error wins.
// The same checker validates constant expressions in "constant mode", where
// only constant instructions are allowed.
//
//   FunctionValidator v(module);
//   RETURN_IF_ERROR(v.ValidateBody(0));   // the first defined function
//
// No recursion on input: nesting lives in the frame vector, bounded by
// kMaxControlDepth.
#ifndef RUNTIME_FUNCTION_VALIDATOR_H_
#define RUNTIME_FUNCTION_VALIDATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "runtime/instruction.h"
#include "runtime/module.h"

namespace wasm {

class FunctionValidator {
 public:
  explicit FunctionValidator(const Module& module) : m_(module) {}

  // Validates defined function `defined_index` (0 = first non-imported).
  absl::Status ValidateBody(uint32_t defined_index);

  // Validates a constant expression whose result must be `expected`.
  absl::Status ValidateConstExpr(const ConstExpr& expr, ValType expected);

 private:
  // The operand stack holds ValType bytes; kAny is the unreachable code's
  // polymorphic type.
  static constexpr uint8_t kAny = 0;

  struct Frame {
    Opcode kind;                      // kBlock, kLoop, kIf, kElse; the function is a kBlock
    absl::Span<const ValType> params;
    absl::Span<const ValType> results;
    uint32_t height;
    bool unreachable;
    absl::Span<const ValType> LabelTypes() const { return kind == Opcode::kLoop ? params : results; }
  };

  enum class Mode { kFunction, kConstExpr };

  // Runs the checker over [begin, end) until the outermost frame closes.
  absl::Status Run(size_t begin, size_t end, Mode mode);
  absl::Status Step(const Instruction& in);
  absl::Status CheckConstant(const Instruction& in);

  void Push(ValType t) { stack_.push_back(static_cast<uint8_t>(t)); }
  void PushRaw(uint8_t t) { stack_.push_back(t); }
  void PushValues(absl::Span<const ValType> types) {
    for (ValType t : types) Push(t);
  }
  absl::Status Pop(uint8_t* out);
  absl::Status PopExpect(ValType expected);
  absl::Status PopValues(absl::Span<const ValType> types);
  absl::Status PushFrame(Opcode kind, absl::Span<const ValType> params,
                         absl::Span<const ValType> results);
  void SetUnreachable();

  absl::Status ResolveBlockType(const BlockType& bt, absl::Span<const ValType>* params,
                                absl::Span<const ValType>* results);

  absl::Status Invalid(absl::string_view text) const;
  absl::Status TypeMismatch(uint8_t expected, uint8_t actual) const;
  absl::Status Unknown(absl::string_view what, uint32_t index) const;
  absl::Status CheckMemory() const;
  absl::Status CheckTable(uint32_t index) const;
  absl::Status CheckDataCount(uint32_t index) const;
  absl::Status CheckAlign(const Instruction& in, uint32_t max_align) const;

  const Module& m_;
  std::vector<uint8_t> stack_;
  std::vector<uint8_t> scratch_;  // br_table's popped operands
  std::vector<Frame> frames_;
  std::vector<ValType> locals_;  // params, then declared locals
  absl::Span<const ValType> func_results_;
  uint32_t func_index_ = kNoFunction;
  size_t offset_ = 0;  // the current instruction's offset, for errors
  Mode mode_ = Mode::kFunction;
};

}  // namespace wasm

#endif  // RUNTIME_FUNCTION_VALIDATOR_H_
