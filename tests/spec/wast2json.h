// Converting a .wast file with wabt's `wast2json`, run as a child process
// (posix_spawn, no shell) at test time.
//
// wast2json writes `script.json` plus one `script.N.wasm` / `script.N.wat` per
// module into a folder the caller provides (normally a fresh TempDir), and its
// stderr goes to a file there too, so that a conversion failure can be shown.
//
//   absl::StatusOr<std::string> json = RunWast2Json(
//       Wast2JsonProgram(), "core/i32.wast", Wast2JsonFlagsFor("core/i32.wast"), dir.path());
//   if (!json.ok()) ...  // "wast2json: core/i32.wast:3:1: error: ..."
#ifndef TESTS_SPEC_WAST2JSON_H_
#define TESTS_SPEC_WAST2JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wasm::spec {

// The program to run: $WAST2JSON if set, else `wast2json` from PATH.
std::string Wast2JsonProgram();

// The flags the testsuite's README prescribes for a file, chosen by the name
// of the folder holding it: `--enable-threads` under `threads/`, none
// elsewhere (`core/`, `simd/`: wabt 1.0.32's defaults).
std::vector<std::string> Wast2JsonFlagsFor(absl::string_view wast_path);

// Runs `program flags... wast_path -o out_dir/script.json` and returns the
// .json path. On failure (cannot start, non-zero exit, killed) the error
// message is the first line wast2json wrote to stderr, or what went wrong.
absl::StatusOr<std::string> RunWast2Json(const std::string& program, const std::string& wast_path,
                                         absl::Span<const std::string> flags,
                                         const std::string& out_dir);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_WAST2JSON_H_
