// The "spectest" host module the official testsuite imports from
// (core/imports.wast, linking.wast, ...; threads/ for shared_memory):
//
//   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32,
//   print_f64_f64                    functions returning nothing
//   global_i32 = 666 (i32), global_i64 = 666 (i64),
//   global_f32 = 666.6 (f32), global_f64 = 666.6 (f64)   immutable
//   table          funcref, min 10, max 20
//   memory         1 page, max 2
//   shared_memory  1 page, max 2, shared
//
// Each print function writes one line per argument, as the reference
// interpreter does: "42 : i32", "666.6 : f32" (floats with enough digits to
// round-trip); `print` writes nothing.
//
//   Imports imports;
//   RETURN_IF_ERROR(DefineSpectest(&imports));                  // stdout
//   std::vector<std::string> lines;
//   RETURN_IF_ERROR(DefineSpectest(&imports,
//       [&](absl::string_view line) { lines.emplace_back(line); }));
//
// Every call of DefineSpectest creates fresh objects (a new table, memory,
// globals), as a new instance of the host module would.
#ifndef RUNTIME_INSTANCE_SPECTEST_H_
#define RUNTIME_INSTANCE_SPECTEST_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/instance/imports.h"

namespace wasm {

// Receives one printed line, without its newline.
using PrintSink = std::function<void(absl::string_view line)>;

// Every name DefineSpectest defines, for hosts that re-export them (the
// sandbox engine serves each one from the broker).
inline constexpr absl::string_view kSpectestNames[] = {
    "print",      "print_i32",     "print_i64",     "print_f32",  "print_f64",
    "print_i32_f32", "print_f64_f64", "global_i32", "global_i64", "global_f32",
    "global_f64", "table",         "memory",        "shared_memory"};

// Defines the spectest externs under the module name "spectest".
// `sink` defaults to stdout (flushed per line). AlreadyExists if `imports`
// already has one of the names.
absl::Status DefineSpectest(Imports* imports, PrintSink sink = nullptr);

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_SPECTEST_H_
