// The interface between the spec runner and a way of running WebAssembly.
//
// The runner (script_runner.h) owns the test logic — what each command
// expects, how results compare, how outcomes are counted — and an Engine only
// does what a command asks: compile, instantiate, register, invoke, read a
// global. One Engine serves one script, so its module registry starts empty
// (plus whatever host modules, such as `spectest`, the engine provides).
//
// Engines differ in how far they go: `validate` only compiles; `jit` runs in
// process; `sandbox` runs through the broker and a sandboxed worker. A request
// an engine cannot serve returns UnsupportedError(), and the runner counts the
// command as skipped — never as passed.
//
// Errors an engine returns are classified by the runner:
//   - UnsupportedError(what): the engine does not do this; command skipped.
//   - TrapError(text): the wasm code trapped (including call stack
//     exhaustion); `text` is the spec's wording ("integer divide by zero").
//   - LinkError(text): instantiation failed while resolving imports.
//   - a compile error from the runtime (wasm::GetErrorKind() is kMalformed or
//     kInvalid), passed through unchanged so the runner can compare kinds.
//   - anything else: the engine itself failed; the command fails.
//
//   std::unique_ptr<Engine> engine = ...;
//   absl::Status compiled = engine->Compile(bytes);   // assert_invalid
//   absl::Status loaded = engine->Instantiate(bytes, "$M");
//   absl::StatusOr<std::vector<Value>> results = engine->Invoke(action);
#ifndef TESTS_SPEC_ENGINE_H_
#define TESTS_SPEC_ENGINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {

class Engine {
 public:
  virtual ~Engine() = default;

  // The name used with --engine.
  virtual absl::string_view Name() const = 0;

  // Decodes and validates `bytes` without instantiating them or changing the
  // engine's state (assert_malformed, assert_invalid). OK, or the runtime's
  // compile error.
  virtual absl::Status Compile(std::vector<uint8_t> bytes) = 0;

  // Compiles and instantiates `bytes` (a `module` command, or the module of an
  // assert_unlinkable / assert_uninstantiable). On success the instance
  // becomes the current module, reachable as `name` too when given. Errors:
  // a compile error, LinkError, TrapError (the start function or a segment
  // initialisation trapped), or UnsupportedError when the engine does not
  // instantiate.
  virtual absl::Status Instantiate(std::vector<uint8_t> bytes,
                                   const std::optional<std::string>& name) = 0;

  // Makes the module `name` (the current one when absent) importable under
  // the module name `as`.
  virtual absl::Status Register(const std::optional<std::string>& name, absl::string_view as) = 0;

  // Calls the export `action.field` of module `action.module` (the current
  // one when absent) with `action.args`. Returns its results, or TrapError.
  virtual absl::StatusOr<std::vector<Value>> Invoke(const Action& action) = 0;

  // Reads the exported global `action.field` of module `action.module`.
  virtual absl::StatusOr<Value> Get(const Action& action) = 0;
};

// The outcome markers above. Each is a Status with a payload naming the
// marker, so an unrelated error that happens to share a status code is never
// mistaken for one.
absl::Status UnsupportedError(absl::string_view what);
absl::Status TrapError(absl::string_view spec_text);
absl::Status LinkError(absl::string_view message);

bool IsUnsupported(const absl::Status& status);
bool IsTrap(const absl::Status& status);
bool IsLinkError(const absl::Status& status);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_ENGINE_H_
