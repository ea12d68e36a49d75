// Module: compiled (decoded and fully validated) WebAssembly code, stateless
// and shareable: instantiate it any number of times. Compilation happens in
// the broker; each instance's worker gets the validated bytes.
//
//   ASSIGN_OR_RETURN(Module module, Module::Compile(bytes));   // or CompileError
//   for (const ExportDescriptor& e : module.Exports()) ... // {"add", kFunc}
//   absl::Status ok = Module::Validate(bytes);
//
//   // Streaming: sections are decoded and function bodies validated as the
//   // chunks arrive; a bad module fails before its last byte is pulled.
//   ASSIGN_OR_RETURN(Module m, Module::CompileStreaming(
//       [&]() -> absl::StatusOr<std::optional<std::vector<uint8_t>>> { return download.Next(); }));
//
//   // Options: which JIT tier compiles the code in each instance's worker.
//   ASSIGN_OR_RETURN(Module quick, Module::Compile(bytes, {.tier = Tier::kBaseline}));
#ifndef HOST_API_MODULE_H_
#define HOST_API_MODULE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "runtime/module.h"

namespace wasm::api {

// `type` as the link errors print it: "func (i32, i32) -> (i32)",
// "table funcref {min 2, max 10}", "memory {min 1}", "global (mut i32)".
struct ExportDescriptor {
  std::string name;
  ExternKind kind;
  std::string type;
};

struct ImportDescriptor {
  std::string module;
  std::string name;
  ExternKind kind;
  std::string type;
};

// Where CompileStreaming pulls bytes from: the next chunk, nullopt at the
// end, or an error (e.g. the download failed), which is returned as is.
using ByteSource = absl::AnyInvocable<absl::StatusOr<std::optional<std::vector<uint8_t>>>()>;

// The JIT tier that turns a module into machine code, in the worker of each
// of its instances (at Instantiate).
enum class Tier {
  kTiered,      // (default) the baseline tier's code at once, then the
                // optimising compiler's, compiled in the worker's background
                // and installed while the instance runs (calls in progress
                // finish in the baseline code): quick start, fast code
  kOptimizing,  // the optimising compiler only: the fastest code from the
                // first call, after the longest compile
  kBaseline,    // a one-pass compiler only: compiles several times faster,
                // slower code; functions it cannot compile get the optimising one
};

struct CompileOptions {
  Tier tier = Tier::kTiered;
};

class Module {
 public:
  // CompileError ("at byte 0x1d in function 0: type mismatch: ...").
  // `options` travel with the Module to every instance of it.
  static absl::StatusOr<Module> Compile(absl::Span<const uint8_t> bytes,
                                        const CompileOptions& options = {});
  // Compiles while the bytes arrive (runtime/streaming_compiler.h): the
  // same Module or CompileError as Compile, reported as soon as detectable.
  static absl::StatusOr<Module> CompileStreaming(ByteSource source,
                                                 const CompileOptions& options = {});
  // OK or the CompileError Compile would give.
  static absl::Status Validate(absl::Span<const uint8_t> bytes);

  std::vector<ExportDescriptor> Exports() const;
  std::vector<ImportDescriptor> Imports() const;
  // The contents of every custom section called `name`, in order.
  std::vector<std::vector<uint8_t>> CustomSections(absl::string_view name) const;

  const CompileOptions& options() const { return options_; }

  // Internal (host/api).
  explicit Module(std::shared_ptr<const wasm::Module> module, CompileOptions options = {})
      : module_(std::move(module)), options_(options) {}
  const std::shared_ptr<const wasm::Module>& module() const { return module_; }

 private:
  std::shared_ptr<const wasm::Module> module_;
  CompileOptions options_;
};

}  // namespace wasm::api

#endif  // HOST_API_MODULE_H_
