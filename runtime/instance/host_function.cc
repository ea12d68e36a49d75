// The array-call thunk shared by every host function.
#include "runtime/instance/host_function.h"

#include <algorithm>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/instance/signature_registry.h"

namespace wasm {

absl::StatusOr<std::shared_ptr<HostFunction>> HostFunction::Create(FuncType type,
                                                                   Callback callback) {
  if (!callback) return absl::InvalidArgumentError("host function: empty callback");
  std::shared_ptr<HostFunction> f(new (std::nothrow)
                                      HostFunction(std::move(type), std::move(callback)));
  if (f == nullptr) return absl::ResourceExhaustedError("host function: out of memory");
  return f;
}

HostFunction::HostFunction(FuncType type, Callback callback)
    : type_(std::move(type)),
      callback_(std::move(callback)),
      slots_(std::max(type_.params.size(), type_.results.size())) {
  vmctx_.host_function = this;
  func_ref_.native_code = nullptr;
  func_ref_.array_entry = reinterpret_cast<const void*>(&HostFunction::ArrayEntryThunk);
  func_ref_.vmctx = &vmctx_;
  func_ref_.sig_id = SignatureRegistry::Global().Intern(type_);
}

void HostFunction::ArrayEntryThunk(VMContext* vmctx, uint64_t* args_and_results) {
  const HostFunction* self = vmctx->host_function;
  self->callback_(absl::Span<uint64_t>(args_and_results, self->slots_));
}

absl::Status HostFunction::Call(absl::Span<uint64_t> args_and_results) const {
  if (args_and_results.size() < slots_) {
    return absl::InvalidArgumentError(absl::StrCat("host function ", type_.ToString(), " needs ",
                                                   slots_, " slots, got ",
                                                   args_and_results.size()));
  }
  reinterpret_cast<ArrayEntry>(const_cast<void*>(func_ref_.array_entry))(func_ref_.vmctx,
                                                                      args_and_results.data());
  return absl::OkStatus();
}

}  // namespace wasm
