// Instructions of the text format -> their binary encoding: plain
// (`i32.add`, `br_table 0 1`, `i32.load offset=4 align=2`), structured
// (`block $l (result i32) ... end $l`) and folded (`(i32.add (a) (b))`,
// `(if (cond) (then ...) (else ...))`) forms, in any mix.
//
//   InstrParser parser(cursor, context, &locals);   // locals: null in constant expressions
//   ByteWriter code;
//   RETURN_IF_ERROR(parser.ParseInstrs(code));      // stops before the closing `)`
//
// Instruction names come from runtime/opcodes.def (expanded once into a
// lookup table); no other list of opcodes exists. Flat blocks are tracked on
// an explicit label stack, so only folded nesting recurses, and that is
// capped at kMaxFoldedDepth ("nesting too deep").
#ifndef RUNTIME_TEXT_INSTRUCTIONS_H_
#define RUNTIME_TEXT_INSTRUCTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "runtime/opcode.h"
#include "runtime/text/context.h"
#include "runtime/text/cursor.h"
#include "runtime/text/writer.h"

namespace wasm::text {

inline constexpr int kMaxFoldedDepth = 1000;

// True if `name` is an instruction of opcodes.def.
bool IsInstructionName(absl::string_view name);

class InstrParser {
 public:
  // `locals` names the function's params and locals (null: no locals).
  InstrParser(Cursor& cursor, ModuleContext& context, const NameTable* locals)
      : cursor_(cursor), context_(context), locals_(locals) {}

  // Instructions up to the `)` (or end of input) ending the enclosing form,
  // which is not consumed. Every block opened in flat form must be closed.
  absl::Status ParseInstrs(ByteWriter& out);
  // One folded instruction, at its `(`.
  absl::Status ParseFolded(ByteWriter& out);

 private:
  struct Label {
    std::string name;  // empty: none
    bool is_if = false;
    bool seen_else = false;
    size_t else_end = 0;  // flat form: the code size just after `else`
  };

  absl::Status ParseFoldedAt(ByteWriter& out, int depth);
  absl::Status ParseInstrsAt(ByteWriter& out, int depth);
  // After a block keyword: `$label?` and the block type.
  absl::Status ParseBlockHeader(Label& label, ByteWriter& block_type);
  // `end $l` / `else $l`: the label, if written, must be the block's.
  absl::Status CheckEndLabel(const Label& label);
  // A plain instruction's opcode and immediates, at the keyword.
  absl::Status ParsePlain(ByteWriter& out);
  absl::Status ParseLabelIndex(ByteWriter& out);
  absl::Status ParseLocalIndex(ByteWriter& out);
  absl::Status ParseConst(Opcode op, ByteWriter& out);
  absl::Status ParseMemArg(uint32_t natural_align_log2, ByteWriter& out);
  // An optional index of `s` (default 0).
  absl::StatusOr<uint32_t> ParseOptionalIndex(Space s);
  absl::Status PushLabel(Label label);

  Cursor& cursor_;
  ModuleContext& context_;
  const NameTable* locals_;
  std::vector<Label> labels_;
};

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_INSTRUCTIONS_H_
