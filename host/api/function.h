// Function: a callable WebAssembly function — an instance's export, an
// element of a table, or a host function (a C++ callable with a declared
// signature that wasm can import).
//
//   ASSIGN_OR_RETURN(Function add, instance.GetFunction("add"));
//   ASSIGN_OR_RETURN(std::vector<Value> r, add({Value::I32(1), Value::I32(2)}));
//
//   Function log = Function::Host(FuncType{{ValType::kI32}, {}},
//       [](absl::Span<const Value> args) -> absl::StatusOr<std::vector<Value>> {
//         std::cout << args[0].i32() << "\n";
//         return std::vector<Value>{};
//       });
//
// Calling checks the arguments against the type (TypeError); a trap is a
// RuntimeError with the spec's message and the wasm backtrace. A host
// function that returns an error makes the calling wasm code trap, and the
// outer call returns a RuntimeError carrying that error's message. Calls may
// nest (host -> wasm -> host -> wasm); one thread uses an instance at a time.
#ifndef HOST_API_FUNCTION_H_
#define HOST_API_FUNCTION_H_

#include <memory>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "host/api/value.h"
#include "runtime/types.h"

namespace wasm::api {

namespace internal {
struct FunctionImpl;
}

class Function {
 public:
  using Callback = absl::AnyInvocable<absl::StatusOr<std::vector<Value>>(absl::Span<const Value>)>;

  // A host function of `type`.
  static Function Host(FuncType type, Callback callback);

  const FuncType& type() const;
  absl::StatusOr<std::vector<Value>> Call(absl::Span<const Value> args) const;
  absl::StatusOr<std::vector<Value>> operator()(std::initializer_list<Value> args) const {
    return Call(absl::MakeConstSpan(args.begin(), args.size()));
  }

  // Internal (host/api): the implementation behind the handle.
  explicit Function(std::shared_ptr<internal::FunctionImpl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<internal::FunctionImpl>& impl() const { return impl_; }

 private:
  std::shared_ptr<internal::FunctionImpl> impl_;
};

namespace internal {

// What a Function is: exactly one of a host callback, an export of an
// instance, or a function reference (a table element) of an instance.
struct FunctionImpl {
  FuncType type;
  Function::Callback callback;                // host
  std::shared_ptr<struct InstanceState> instance;  // export or reference
  std::string export_name;                    // export
  uint64_t handle = 0;                        // reference

  // Calls with the runtime's 64-bit values (arguments already checked).
  absl::StatusOr<std::vector<uint64_t>> CallBits(absl::Span<const uint64_t> args);
};

}  // namespace internal
}  // namespace wasm::api

#endif  // HOST_API_FUNCTION_H_
