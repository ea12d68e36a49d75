// Parses the IR's text form (what PrintFunction prints) back into Functions,
// for golden filetests, hand-written test inputs and replaying dumps.
//
//   absl::StatusOr<Function> f = ParseFunction(
//       "function %f(i32) -> i32 {\n"
//       "block0(v0: i32):\n"
//       "    v1 = iconst.i32 1\n"
//       "    v2 = iadd.i32 v0, v1\n"
//       "    return v2\n"
//       "}\n");
//   // PrintFunction(*f) is the same text again.
//
// Value and block numbers are kept: `v7` in the text is Value(7) in the
// Function and `block3` is Block(3), so printing reproduces the text, and
// the expectations of a filetest keep the numbers of its input. Numbers may
// be sparse and in any order; the values and blocks in the gaps are
// placeholders that nothing refers to (a placeholder value has type kNone and
// kind kResult with an invalid def; a placeholder block is empty and not in
// the layout). Layout order is text order; the first block is the entry.
//
// The text is free-form within a line, but every block header and every
// instruction sits on a line of its own. `;` starts a comment that runs to the
// end of the line.
//
// The one thing the text does not say is the type of a call's results
// (call, call_indirect; call_builtin's come from builtins.h). The parser
// infers it from the uses (an operand of iadd.i64 is an i64, a branch
// argument has its parameter's type, ...). A result whose uses say nothing
// (unused, or only passed to calls and global_set) becomes i32 unless the text
// annotates it, `v6: i64 = call f5(v0)`: the parser accepts that annotation
// on any result; the printer never prints it.
//
// Errors: InvalidArgumentError "line:column: message" for the first problem
// (syntax, unknown opcode, a value defined twice, a use of a value or block
// that is never defined). The parser checks no typing rules beyond what it
// needs to build the Function: run VerifyFunction on the result.
#ifndef RUNTIME_IR_PARSER_H_
#define RUNTIME_IR_PARSER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/ir/ir.h"

namespace wasm::ir {

// Exactly one function, with nothing but comments around it.
absl::StatusOr<Function> ParseFunction(absl::string_view text);

// Any number of functions, one after the other.
absl::StatusOr<std::vector<Function>> ParseFunctions(absl::string_view text);

}  // namespace wasm::ir

#endif  // RUNTIME_IR_PARSER_H_
