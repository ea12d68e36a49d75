// Instance: a validated Module linked to its imports, with its own memory,
// tables, globals, function references and segment state — everything the
// JIT's code reaches through the VMContext (vmcontext.h).
//
// Instantiation follows the spec's steps, in order:
//   1. resolve every import by (module, name) and check its type exactly
//      (LinkError "unknown import: env.f" / "incompatible import type for
//      env.f: expected ..., got ..."); nothing is allocated before all fit;
//   2. allocate the defined memory, tables and globals (initialised from their
//      constant expressions: constants, ref.null, ref.func, global.get of an
//      imported global) and a FuncRef for each defined function;
//   3. apply the element segments, then the data segments, in module order:
//      an active segment is bounds-checked as a whole, copied and dropped, a
//      declarative one dropped, a passive one kept for table.init /
//      memory.init. An out-of-bounds segment is a trap error ("out of bounds
//      table access" / "out of bounds memory access"); the segments applied
//      before it stay applied (they may have written into imported tables
//      and memories).
// The start function is not run here: the caller runs start_function() with
// the JIT's code.
//
//   // Steps 1-3 at once, for tools and tests that keep nothing on a failure:
//   ASSIGN_OR_RETURN(std::unique_ptr<Instance> instance, Instance::Create(module, imports));
//
//   // The embedder's path: the instance exists from step 2 on, so it can be
//   // kept alive even when step 3 or the start function traps (its functions
//   // may already sit in imported tables: linking.wast relies on it).
//   ASSIGN_OR_RETURN(std::unique_ptr<Instance> instance, Instance::Allocate(module, imports));
//   for (each defined function f) instance->SetFunctionCode(f, code, array_entry);
//   absl::Status status = instance->ApplySegments();   // a trap error, or OK
//   std::optional<Extern> add = instance->GetExport("add");
//   add->func()->array_entry ...
//
// Lifetimes: tables, memories and globals are shared objects that importers
// keep alive. Function references are not: a FuncRef (and the VMContext it
// names) lives as long as its instance, so instances that import each other's
// functions or store references in each other's tables are destroyed
// together, after the last call into any of them (the host keeps linked
// instances in one store).
//
// Element expressions of passive segments are evaluated when table.init uses
// them; that equals the spec's evaluation at instantiation because they read
// only function references and immutable imported globals.
//
// Not thread-safe: one thread at a time runs an instance's code (a shared
// memory is the exception; LinearMemory handles its own growth).
//
// Invariant: after Allocate, the index-space arrays the VMContext points to
//   never change length, and vmctx()->instance == this.
// Invariant: a segment once dropped stays dropped; dropped segments behave
//   as empty ones.
#ifndef RUNTIME_INSTANCE_INSTANCE_H_
#define RUNTIME_INSTANCE_INSTANCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/instance/extern.h"
#include "runtime/instance/imports.h"
#include "runtime/instance/table.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/module.h"
#include "runtime/vm/linear_memory.h"
#include "runtime/vm/trap.h"

namespace wasm {

class Instance {
 public:
  // Allocate, then ApplySegments; on a trap the instance is destroyed and the
  // trap error returned (see the class comment for when that is not enough).
  static absl::StatusOr<std::unique_ptr<Instance>> Create(std::shared_ptr<const Module> module,
                                                          const ImportResolver& imports);

  // Steps 1 and 2. Errors: LinkError (instance_errors.h); ResourceExhausted
  // when a memory or table cannot be had; InvalidArgument for a null module.
  static absl::StatusOr<std::unique_ptr<Instance>> Allocate(std::shared_ptr<const Module> module,
                                                            const ImportResolver& imports);

  // Step 3, once. A TrapError when a segment is out of bounds (the instance
  // stays valid); FailedPrecondition when called again.
  absl::Status ApplySegments();

  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance();

  const Module& module() const { return *module_; }
  const std::shared_ptr<const Module>& shared_module() const { return module_; }
  VMContext* vmctx() { return &vmctx_; }
  // The function to run after instantiation, if the module has one.
  std::optional<uint32_t> start_function() const { return module_->start; }
  // Sets the rsp limit function prologues check (stack_limit.h).
  void set_stack_limit(uintptr_t limit) { vmctx_.stack_limit = limit; }

  // The export named `name`, or nullopt.
  std::optional<Extern> GetExport(absl::string_view name) const;
  // The extern for an index of one of the index spaces (imports first).
  Extern ExternFor(ExternKind kind, uint32_t index) const;

  // Index spaces. Out-of-range indices return null.
  const FuncRef* func_ref(uint32_t func_index) const;
  Table* table(uint32_t table_index) const;
  LinearMemory* memory() const { return memory_.get(); }
  GlobalCell* global(uint32_t global_index) const;

  // Gives a defined function its code. InvalidArgument for an imported or
  // unknown function index.
  absl::Status SetFunctionCode(uint32_t func_index, const void* native_code,
                               const void* array_entry);

  // table.init / memory.init with the spec's checks: a trap kind when
  // [src, src + count) is past the segment (a dropped segment is empty) or
  // [dst, dst + count) past the table / memory; nothing is written then.
  // The indices are the validated module's.
  std::optional<TrapKind> TableInit(uint32_t table_index, uint32_t elem_index, uint32_t dst,
                                    uint32_t src, uint32_t count);
  std::optional<TrapKind> MemoryInit(uint32_t data_index, uint32_t dst, uint32_t src,
                                     uint32_t count);
  void ElemDrop(uint32_t elem_index);
  void DataDrop(uint32_t data_index);
  bool elem_dropped(uint32_t elem_index) const;
  bool data_dropped(uint32_t data_index) const;

 private:
  explicit Instance(std::shared_ptr<const Module> module);

  absl::Status LinkImports(const ImportResolver& imports);
  absl::Status LinkImport(const Import& import, const Extern& value);
  absl::Status AllocateDefinitions();
  absl::Status InitializeGlobals();
  // The value of a constant expression whose global.get operands are
  // already initialised.
  absl::StatusOr<uint64_t> Evaluate(const ConstExpr& expr) const;
  // The reference an element expression stands for.
  uint64_t ElementValue(const ConstExpr& expr) const;
  void PublishVMContext();

  absl::Status ApplyElemSegment(uint32_t elem_index);
  absl::Status ApplyDataSegment(uint32_t data_index);

  const std::shared_ptr<const Module> module_;
  VMContext vmctx_ = {};
  bool segments_applied_ = false;

  // Canonical signature id per type index.
  std::vector<uint32_t> sig_ids_;

  // Functions: a record per defined function; a pointer per index.
  std::vector<FuncRef> defined_funcs_;
  std::vector<const FuncRef*> func_refs_;
  // Keeps imported host functions alive (null for wasm functions).
  std::vector<std::shared_ptr<const void>> func_owners_;

  std::vector<std::shared_ptr<Table>> tables_;
  std::vector<TableView*> table_views_;

  std::shared_ptr<LinearMemory> memory_;

  // Imported globals' cells (shared with the exporter), then one block for
  // the defined ones.
  std::vector<std::shared_ptr<GlobalCell>> imported_globals_;
  std::shared_ptr<GlobalCell[]> defined_globals_;
  std::vector<GlobalCell*> global_cells_;

  std::vector<bool> elem_dropped_;
  std::vector<bool> data_dropped_;

  absl::flat_hash_map<absl::string_view, uint32_t> exports_;  // name -> index in module exports
};

// Defines every export of `instance` under `module_name` (the spec runner's
// `register`).
absl::Status DefineInstanceExports(absl::string_view module_name, const Instance& instance,
                                   Imports* imports,
                                   Imports::OnDuplicate on_duplicate = Imports::OnDuplicate::kFail);

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_INSTANCE_H_
