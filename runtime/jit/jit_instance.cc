#include "runtime/jit/jit_instance.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/jit/backtrace.h"
#include "runtime/jit/host_trampolines.h"
#include "runtime/status_macros.h"
#include "runtime/vm/signal_stack.h"
#include "runtime/vm/stack_limit.h"
#include "runtime/vm/trap_handler.h"

namespace wasm {
namespace {

// Trap handlers (process-wide) and this thread's alternate signal stack, once.
absl::Status PrepareThread() {
  static const absl::Status handlers = InstallTrapHandlers();
  RETURN_IF_ERROR(handlers);
  thread_local std::optional<ScopedAltSignalStack> alt_stack;
  if (!alt_stack.has_value()) {
    ASSIGN_OR_RETURN(ScopedAltSignalStack s, ScopedAltSignalStack::Install());
    alt_stack.emplace(std::move(s));
  }
  return absl::OkStatus();
}

absl::StatusOr<uintptr_t> ThreadStackLimit() {
  thread_local uintptr_t limit = 0;
  if (limit == 0) {
    ASSIGN_OR_RETURN(limit, ComputeStackLimit(kWholeStack));
  }
  return limit;
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> CallFunction(const FuncRef& ref, const FuncType& type,
                                                   absl::Span<const uint64_t> args) {
  if (args.size() != type.params.size()) {
    return absl::InvalidArgumentError(absl::StrCat("function of type ", type.ToString(),
                                                   " called with ", args.size(), " arguments"));
  }
  // (A tier-up may replace array_entry meanwhile: Instance::SetFunctionCode.)
  const void* array_entry = __atomic_load_n(&ref.array_entry, __ATOMIC_ACQUIRE);
  if (array_entry == nullptr) return absl::FailedPreconditionError("function has no code");
  RETURN_IF_ERROR(PrepareThread());
  ASSIGN_OR_RETURN(const uintptr_t limit, ThreadStackLimit());
  ref.vmctx->stack_limit = limit;
  std::vector<uint64_t> buffer(std::max(type.params.size(), type.results.size()));
  std::copy(args.begin(), args.end(), buffer.begin());
  const auto entry = reinterpret_cast<ArrayEntry>(const_cast<void*>(array_entry));
  VMContext* const vmctx = ref.vmctx;
  uint64_t* const data = buffer.data();
  // Invariant: nothing with a destructor lives inside the lambda: a trap
  // siglongjmps out of it.
  const std::optional<Trap> trap = CallWithTrapHandling([entry, vmctx, data] { entry(vmctx, data); });
  if (trap.has_value()) {
    return TrapErrorWithBacktrace(trap->kind, FormatBacktrace(trap->backtrace));
  }
  buffer.resize(type.results.size());
  return buffer;
}

JitInstance::~JitInstance() { code_->DetachInstance(instance_.get()); }

absl::StatusOr<JitInstance*> Store::Instantiate(std::shared_ptr<const CompiledModule> code,
                                                const ImportResolver& imports) {
  if (code == nullptr) return absl::InvalidArgumentError("Store::Instantiate: null code");
  ASSIGN_OR_RETURN(std::unique_ptr<Instance> allocated,
                   Instance::Allocate(code->shared_module(), imports));
  const Module& m = code->module();
  // Imported host functions get native-ABI entry code (wasm calls imports
  // through FuncRef.native_code), once per HostFunction.
  for (uint32_t i = 0; i < m.num_imported_functions; ++i) {
    const FuncRef* ref = allocated->func_ref(i);
    if (ref->native_code != nullptr) continue;
    HostFunction* host = ref->vmctx->host_function;
    if (host == nullptr) return absl::InternalError("an imported function without code");
    ASSIGN_OR_RETURN(const void* trampoline, HostNativeTrampoline(m.FunctionType(i)));
    host->set_native_code(trampoline);
  }
  for (uint32_t d = 0; d < m.bodies.size(); ++d) {
    RETURN_IF_ERROR(allocated->SetFunctionCode(m.num_imported_functions + d,
                                               code->native_code(d), code->array_entry(d)));
  }
  ASSIGN_OR_RETURN(const uintptr_t limit, ThreadStackLimit());
  allocated->set_stack_limit(limit);
  instances_.push_back(
      std::unique_ptr<JitInstance>(new JitInstance(std::move(code), std::move(allocated))));
  Instance& instance = instances_.back()->instance();
  // A tiered module's optimised code reaches the instance when ready.
  instances_.back()->code_->AttachInstance(&instance);
  RETURN_IF_ERROR(instance.ApplySegments());
  if (instance.start_function().has_value()) {
    const uint32_t start = *instance.start_function();
    RETURN_IF_ERROR(CallFunction(*instance.func_ref(start), m.FunctionType(start), {}).status());
  }
  return instances_.back().get();
}

}  // namespace wasm
