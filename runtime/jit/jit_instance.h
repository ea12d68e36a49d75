// A JIT-compiled instance: instantiation with code, and calls into wasm.
//
//   ASSIGN_OR_RETURN(auto code, CompiledModule::Compile(module));
//   Store store;
//   ASSIGN_OR_RETURN(JitInstance* inst, store.Instantiate(code, imports));  // runs start
//   std::optional<Extern> f = inst->instance().GetExport("add");
//   ASSIGN_OR_RETURN(std::vector<uint64_t> r, CallFunction(*f->func, type, {1, 2}));
//
// Traps come back as the instance runtime's TrapError (instance_errors.h),
// with the spec's message ("integer divide by zero") followed by the wasm
// backtrace (backtrace.h), one "  at func ..." line per frame; the broker and
// other instances are unaffected.
#ifndef RUNTIME_JIT_JIT_INSTANCE_H_
#define RUNTIME_JIT_JIT_INSTANCE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/instance/imports.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/jit/compiled_module.h"

namespace wasm {

class JitInstance {
 public:
  // Detaches the instance from its code's tier-up (compiled_module.h).
  ~JitInstance();
  JitInstance(const JitInstance&) = delete;
  JitInstance& operator=(const JitInstance&) = delete;

  Instance& instance() { return *instance_; }
  const Instance& instance() const { return *instance_; }

 private:
  friend class Store;
  JitInstance(std::shared_ptr<const CompiledModule> code, std::unique_ptr<Instance> instance)
      : code_(std::move(code)), instance_(std::move(instance)) {}

  std::shared_ptr<const CompiledModule> code_;  // outlives the instance's use of it
  std::unique_ptr<Instance> instance_;
};

// Owns instances, like the JS API's agent or Wasmtime's Store: instances that
// import each other's functions are destroyed together (function references
// are not reference-counted).
class Store {
 public:
  // The spec's instantiation: link imports, allocate, give every defined
  // function its code, apply segments, run the start function. A trap in a
  // segment or the start function is a TrapError, and the instance stays in
  // the store anyway: segments applied before the trap may have put its
  // functions into imported tables.
  absl::StatusOr<JitInstance*> Instantiate(std::shared_ptr<const CompiledModule> code,
                                           const ImportResolver& imports);

 private:
  std::vector<std::unique_ptr<JitInstance>> instances_;
};

// Calls `ref` (a wasm or host function) of type `type` with `args` (8 bytes
// each, f32/f64 as bit patterns) and returns its results the same way.
// Installs the trap handlers and this thread's signal stack on first use.
absl::StatusOr<std::vector<uint64_t>> CallFunction(const FuncRef& ref, const FuncType& type,
                                                   absl::Span<const uint64_t> args);

}  // namespace wasm

#endif  // RUNTIME_JIT_JIT_INSTANCE_H_
