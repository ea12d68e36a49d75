// plugin-run's values on the command line: arguments parsed by the export's
// signature, results printed as wasmtime run --invoke prints them.
//
//   ASSIGN_OR_RETURN(Value v, ParseValue(ValType::kF32, "-inf"));
//   FormatValue(Value::I32(-1)) == "-1"
//
// Integers: decimal or 0x hex, optionally signed, with `_` separators; an
// i32 takes -2^31 .. 2^32 - 1 (so 0xffffffff is -1), an i64 -2^63 .. 2^64 - 1.
// Floats: decimal or hex floats, `inf`, `-inf`, `nan`, `nan:0x...` payloads.
#ifndef TOOLS_PLUGIN_RUN_VALUES_H_
#define TOOLS_PLUGIN_RUN_VALUES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "host/api/value.h"

namespace wasm::plugin_run {

absl::StatusOr<api::Value> ParseValue(ValType type, absl::string_view text);
std::string FormatValue(const api::Value& value);

}  // namespace wasm::plugin_run

#endif  // TOOLS_PLUGIN_RUN_VALUES_H_
