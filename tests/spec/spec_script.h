// A spec-test script in typed form: the commands of one .wast file, as
// written by wabt's `wast2json` (a .json file plus one .wasm / .wat file per
// module).
//
// The JSON is untrusted input: ParseScript checks every field it uses (types,
// ranges, lane counts, module file names) and reports the first problem as
// "<source>:<line>: <what>", never crashing on a malformed file. Fields it does
// not use are ignored, so a newer wast2json that adds fields still parses.
//
//   absl::StatusOr<Script> script = ParseScript(json_text, "core/i32.wast");
//   if (!script.ok()) return script.status();  // "core/i32.wast:12: ..."
//   for (const Command& command : script->commands) ...
#ifndef TESTS_SPEC_SPEC_SCRIPT_H_
#define TESTS_SPEC_SPEC_SCRIPT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasm::spec {

enum class ValueType : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef };

// The lane shape of a v128 constant ("lane_type" in the JSON).
enum class LaneType : uint8_t { kI8, kI16, kI32, kI64, kF32, kF64 };

// An expected float may be a NaN pattern instead of exact bits.
enum class NanPattern : uint8_t { kNone, kCanonical, kArithmetic };

// A scalar or one v128 lane: exact bits, or (expected floats only) a NaN
// pattern, in which case `bits` is 0.
struct Bits {
  uint64_t bits = 0;
  NanPattern nan = NanPattern::kNone;

  bool operator==(const Bits& other) const = default;
};

struct Value {
  ValueType type = ValueType::kI32;
  // Only the type is given: the results listed by assert_trap and
  // assert_exhaustion, which never produce them.
  bool unspecified = false;
  // funcref / externref: the null reference.
  bool is_null = false;
  // i32 / i64 / f32 / f64: the bit pattern, zero-extended.
  // funcref / externref (non-null): the reference's number, which for
  // externref is the host value `(ref.extern N)`.
  Bits scalar;
  // v128 only: the lane shape and 16 / 8 / 4 / 2 lanes, lane 0 first.
  LaneType lane_type = LaneType::kI32;
  std::vector<Bits> lanes;

  bool operator==(const Value& other) const = default;
};

struct Action {
  enum class Type : uint8_t { kInvoke, kGet };
  Type type = Type::kInvoke;
  // The module's $name; absent means the most recently defined module.
  std::optional<std::string> module;
  std::string field;        // may be empty: "" is a valid export name
  std::vector<Value> args;  // kInvoke only
};

enum class CommandType : uint8_t {
  kModule,
  kRegister,
  kAction,
  kAssertReturn,
  kAssertTrap,
  kAssertExhaustion,
  kAssertMalformed,
  kAssertInvalid,
  kAssertUnlinkable,
  kAssertUninstantiable,
};

// The JSON spelling: "assert_return", "module", ...
absl::string_view CommandTypeName(CommandType type);

// How a module of an assert_* command is written: binary (.wasm) or text
// (.wat, from `(module quote ...)`).
enum class ModuleForm : uint8_t { kBinary, kText };

// One command. Which fields are set depends on `type`:
//   kModule                  filename, name?
//   kRegister                name?, as
//   kAction                  action, expected (empty or types)
//   kAssertReturn            action, expected
//   kAssertTrap/Exhaustion   action, text, expected (types only)
//   kAssertMalformed/Invalid/Unlinkable/Uninstantiable
//                            filename, text, module_form
struct Command {
  CommandType type = CommandType::kModule;
  int line = 0;
  // A plain file name inside the folder of the .json file (checked: no '/',
  // not "." or "..").
  std::string filename;
  // kModule: the module's $name. kRegister: the module to register (absent
  // means the most recent one).
  std::optional<std::string> name;
  std::string as;  // kRegister: the import module name it becomes
  ModuleForm module_form = ModuleForm::kBinary;
  std::string text;  // the expected error message
  std::optional<Action> action;
  std::vector<Value> expected;
};

struct Script {
  std::string source_filename;  // as written by wast2json; informational
  std::vector<Command> commands;
};

// Parses wast2json's JSON output. `source` names the file in error messages
// (usually the .wast path).
absl::StatusOr<Script> ParseScript(absl::string_view json, absl::string_view source);

absl::string_view ValueTypeName(ValueType type);
absl::string_view LaneTypeName(LaneType type);
// The number of lanes of a v128 of this shape (16 for kI8 ... 2 for kI64).
int LaneCount(LaneType type);
// "i32:42", "f32:0x7fc00000", "f64:nan:canonical", "externref:null",
// "v128:i32x4[1 2 3 4]"; used in failure messages.
std::string ValueToString(const Value& value);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_SPEC_SCRIPT_H_
