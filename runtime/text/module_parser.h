// Module fields of the text format -> a binary module.
//
//   Cursor cursor(tokens);   // after `(module $id?`, or at the first bare field
//   ASSIGN_OR_RETURN(std::vector<uint8_t> wasm, ParseModuleFields(cursor));
//   // the cursor is now at the `)` closing the module, or at the end of input
//
// Two passes over the fields: the first allocates every index space in text
// order (imports first: an import after a definition is "import after
// function" etc.), binds $ids ("duplicate func $f") and reads the explicit
// types; the second parses each field and encodes it, appending implicit
// types as type uses need them, in order of appearance (as the spec and wabt
// do). Sections come out in the binary format's order, with minimal LEB128s
// and wabt's encoding choices (text/README.md), so the output matches
// wast2json's byte for byte.
#ifndef RUNTIME_TEXT_MODULE_PARSER_H_
#define RUNTIME_TEXT_MODULE_PARSER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/text/cursor.h"

namespace wasm::text {

// `function_names`: also write a "name" custom section with the functions'
// $ids (without the "$"), as wat2wasm --debug-names does, so backtraces name
// them; off by default (wast2json writes none).
absl::StatusOr<std::vector<uint8_t>> ParseModuleFields(Cursor& cursor, bool function_names = false);

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_MODULE_PARSER_H_
