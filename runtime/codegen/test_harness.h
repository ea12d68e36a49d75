// Test support: compiles IR text (one or more functions) into executable
// memory with a fake instance around it, and calls functions through the
// array-entry trampolines under CallWithTrapHandling.
//
//   ASSERT_OK_AND_ASSIGN(auto jit, JitModule::Compile(R"(
//       function %add(i32, i32) -> i32 {
//       block0(v0: i32, v1: i32):
//           v2 = iadd.i32 v0, v1
//           return v2
//       })"));
//   JitModule::Outcome r = jit->Call(0, {2, 3});   // r.results == {5}, no trap
//
// The fake instance: a VMContext laid out per abi.h (every field the code
// reads), one LinearMemory of `memory_pages` pages, 8 global cells, table 0
// holding the FuncRefs of the defined functions (then one null entry),
// canonical signature ids (equal types share an id), host imports called
// through native-to-array trampolines, and test builtins (memory_size,
// memory_grow, table_size; the others record their arguments).
#ifndef RUNTIME_CODEGEN_TEST_HARNESS_H_
#define RUNTIME_CODEGEN_TEST_HARNESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/codegen/regalloc.h"
#include "runtime/module.h"
#include "runtime/types.h"
#include "runtime/vm/code_memory.h"
#include "runtime/vm/code_registry.h"
#include "runtime/vm/linear_memory.h"
#include "runtime/vm/trap.h"

namespace wasm::codegen {

// A host import: an ArrayEntry-style callback.
struct HostImport {
  FuncType type;
  void (*fn)(void* vmctx, uint64_t* args_and_results);
};

struct JitOptions {
  uint64_t memory_pages = 1;
  std::vector<HostImport> imports;  // function indexes 0 .. imports-1
  RegAllocOptions regalloc;
  uintptr_t stack_limit = 0;  // 0: computed for the calling thread
};

class JitModule {
 public:
  static absl::StatusOr<std::unique_ptr<JitModule>> Compile(absl::string_view ir_text,
                                                            JitOptions options = {});
  ~JitModule();

  struct Outcome {
    std::vector<uint64_t> results;
    std::optional<TrapKind> trap;
  };
  // Calls defined function `defined_index` (0 = the first function of the
  // text) with argument bit patterns (i32 / f32 in the low bits).
  Outcome Call(uint32_t defined_index, const std::vector<uint64_t>& args);

  LinearMemory& memory() { return *memory_; }
  uint8_t* global_cell(uint32_t i) { return globals_[i].bytes; }
  // Arguments recorded by the builtins that only record (the last call).
  const std::vector<uint64_t>& builtin_log() const { return builtin_log_; }
  uint32_t last_builtin_index() const { return last_builtin_index_; }
  const std::vector<std::string>& listing() const { return listing_; }

  // The fake VMContext: the fields of runtime/instance/vmcontext.h, then ours.
  struct alignas(16) Context {
    uint8_t* memory_base;
    const MemoryView* memory;
    void* const* globals;
    void* const* tables;
    const void* const* func_refs;
    const uint32_t* sig_ids;
    uintptr_t stack_limit;
    void* instance;
    void* host_function;
    JitModule* harness;
  };
  struct FuncRefRecord {
    const void* native_code;
    const void* array_entry;
    void* vmctx;
    uint32_t sig_id;
  };
  struct TableViewRecord {
    uint64_t* elements;
    uint64_t size;
  };
  struct alignas(16) Cell {
    uint8_t bytes[16];
  };

 private:
  JitModule() = default;
  friend struct BuiltinImpls;

  Module module_;
  std::vector<std::string> listing_;
  std::unique_ptr<LinearMemory> memory_;
  std::unique_ptr<CodeMemory> code_;
  CodeRegistration registration_;
  std::vector<uint32_t> entry_offsets_;  // array trampolines of defined functions
  std::vector<uint32_t> param_counts_, result_counts_;
  Context ctx_ = {};
  std::vector<Cell> globals_;
  std::vector<void*> global_ptrs_;
  std::vector<FuncRefRecord> func_refs_;
  std::vector<const void*> func_ref_ptrs_;
  std::vector<uint64_t> table_elements_;
  TableViewRecord table_view_ = {};
  std::vector<void*> table_ptrs_;
  std::vector<uint32_t> sig_ids_;
  std::vector<uint64_t> builtin_log_;
  uint32_t last_builtin_index_ = 0;
};

}  // namespace wasm::codegen

#endif  // RUNTIME_CODEGEN_TEST_HARNESS_H_
