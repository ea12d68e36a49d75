// The WebAssembly text format -> binary module bytes. The entry points of
// runtime/text (README.md there has the pipeline).
//
//   absl::StatusOr<std::vector<uint8_t>> wasm = ParseWat("(module (func (export \"f\")))");
//   if (!wasm.ok()) ...   // a malformed error: "1:9: unexpected token ..."
//   ASSIGN_OR_RETURN(auto module, wasm::CompileModule(*std::move(wasm)));
//
// The output is what `wat2wasm` writes (no name section). Errors are
// malformed errors (runtime/errors.h, GetErrorKind == kMalformed) with the
// reference interpreter's wording where the spec testsuite tests it
// ("unknown operator", "unexpected token", "constant out of range",
// "alignment must be a power of two", "mismatching label", "inline function
// type", "duplicate func", "malformed UTF-8 encoding", ...). Validation is
// not done here: the bytes go to the decoder and validator like any binary.
#ifndef RUNTIME_TEXT_WAT_H_
#define RUNTIME_TEXT_WAT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasm::text {

// A text module: `(module $id? field*)`, or bare fields (as wat2wasm and
// `module quote` accept them).
absl::StatusOr<std::vector<uint8_t>> ParseWat(absl::string_view text);

// ParseWat, plus a "name" section with the functions' $ids (as wat2wasm
// --debug-names writes it), so that traps' backtraces name them: what
// plugin-run uses for .wat files.
absl::StatusOr<std::vector<uint8_t>> ParseWatWithNames(absl::string_view text);

// Like ParseWat, and also the script forms `(module $id? binary "..."*)`
// (the strings' bytes, concatenated, are the module) and `(module $id? quote
// "..."*)` (the strings, concatenated, are parsed as text).
absl::StatusOr<std::vector<uint8_t>> ParseWatModule(absl::string_view text);

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_WAT_H_
