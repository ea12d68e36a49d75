// HostFunction: a C++ function that wasm code imports like any other.
//
// It owns a FuncRef record whose array_entry calls the callback, and a small
// VMContext of its own (only `host_function` set) that the FuncRef names, so a
// host function is called exactly like a wasm function through its
// array_entry: args in, results written back in place (vmcontext.h).
//
//   ASSIGN_OR_RETURN(std::shared_ptr<HostFunction> add, HostFunction::Create(
//       FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}},
//       [](absl::Span<uint64_t> slots) {
//         slots[0] = static_cast<uint32_t>(slots[0] + slots[1]);
//       }));
//   imports.Define("env", "add", Extern::FromHostFunction(add));
//
// native_code stays null until the JIT provides a native-convention
// trampoline (set_native_code); callers use array_entry.
//
// A callback that must trap calls RaiseTrap (raise_trap.h) after releasing
// everything that needs a destructor (the jump back to the wasm entry runs
// none). Reporting arbitrary host errors to the caller is not supported yet.
//
// Invariant: func_ref()->vmctx->host_function == this, and the record is
//   never modified after Create but for native_code, set once.
#ifndef RUNTIME_INSTANCE_HOST_FUNCTION_H_
#define RUNTIME_INSTANCE_HOST_FUNCTION_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/types.h"

namespace wasm {

class HostFunction {
 public:
  // Receives max(params, results) slots: the arguments on entry; writes the
  // results from slot 0.
  using Callback = std::function<void(absl::Span<uint64_t> args_and_results)>;

  // InvalidArgument for an empty callback.
  static absl::StatusOr<std::shared_ptr<HostFunction>> Create(FuncType type, Callback callback);

  HostFunction(const HostFunction&) = delete;
  HostFunction& operator=(const HostFunction&) = delete;

  const FuncType& type() const { return type_; }
  const FuncRef* func_ref() const { return &func_ref_; }

  // The JIT's native-ABI entry for this function (wasm code calls imports
  // through FuncRef.native_code). Set once, with process-lifetime code that
  // is the same for every importer (runtime/jit's Store does it).
  void set_native_code(const void* code) { func_ref_.native_code = code; }

  // Calls the function through its FuncRef, as wasm code would.
  // InvalidArgument when `args_and_results` has fewer than
  // max(params, results) slots.
  absl::Status Call(absl::Span<uint64_t> args_and_results) const;

 private:
  HostFunction(FuncType type, Callback callback);
  static void ArrayEntryThunk(VMContext* vmctx, uint64_t* args_and_results);

  const FuncType type_;
  const Callback callback_;
  const size_t slots_;
  VMContext vmctx_ = {};
  FuncRef func_ref_ = {};
};

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_HOST_FUNCTION_H_
