// Instance: a module instantiated with its imports, running in its own
// sandboxed worker process (forked from the broker's zygote, confined by
// seccomp before it reads a byte). The start function runs during
// Instantiate.
//
//   ImportObject imports;
//   imports.Define("my_namespace", "imported_func", Function::Host(...));
//   ASSIGN_OR_RETURN(Instance instance, Instance::Instantiate(module, imports));
//   ASSIGN_OR_RETURN(Function f, instance.GetFunction("exported_func"));
//   ASSIGN_OR_RETURN(std::vector<Value> results, f({}));
//
// The worker compiles the module with the JIT tier in module.options()
// (Module::Compile's CompileOptions: optimising unless it says baseline).
//
// Imports: host functions run in this process when wasm calls them; Memory
// and host-created Global objects are shared segments the worker maps; a
// Function exported by another Instance is called across processes through
// the broker (multi-instance linking); an exported Global is the worker's
// cell mapped here (sealed memfd arena), so it can be imported elsewhere too.
// Importing another instance's table, or a host-created table, is not
// supported yet (LinkError).
//
// Errors: LinkError (a missing or mistyped import, naming it), RuntimeError
// (the start function or a segment trapped, or the worker could not run).
#ifndef HOST_API_INSTANCE_H_
#define HOST_API_INSTANCE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "host/api/function.h"
#include "host/api/global.h"
#include "host/api/imports.h"
#include "host/api/memory.h"
#include "host/api/module.h"
#include "host/api/table.h"

namespace wasm::api {

class Instance {
 public:
  static absl::StatusOr<Instance> Instantiate(const Module& module, const ImportObject& imports);
  // CompileStreaming, then Instantiate: the module and its instance.
  static absl::StatusOr<std::pair<Module, Instance>> InstantiateStreaming(
      ByteSource source, const ImportObject& imports, const CompileOptions& options = {});

  const Module& module() const { return module_; }
  // Exports by name; NotFound when there is none of that kind.
  absl::StatusOr<Function> GetFunction(absl::string_view name) const;
  absl::StatusOr<Memory> GetMemory(absl::string_view name) const;
  absl::StatusOr<Table> GetTable(absl::string_view name) const;
  absl::StatusOr<Global> GetGlobal(absl::string_view name) const;
  // The peak RSS of the instance's worker process, in KiB.
  absl::StatusOr<uint64_t> WorkerPeakRssKib() const;
  // Whether the worker has installed the optimised code yet (the tiered
  // default; always false for the other tiers), and how many functions the
  // baseline tier left to the optimising compiler.
  struct JitStatus {
    bool optimized_code_installed = false;
    bool optimized_code_compiling = false;
    uint64_t baseline_fallbacks = 0;
  };
  absl::StatusOr<JitStatus> WorkerJitStatus() const;

 private:
  Instance(Module module, std::shared_ptr<internal::InstanceState> state)
      : module_(std::move(module)), state_(std::move(state)) {}
  const Export* FindExport(absl::string_view name, ExternKind kind) const;

  Module module_;
  std::shared_ptr<internal::InstanceState> state_;
};

}  // namespace wasm::api

#endif  // HOST_API_INSTANCE_H_
