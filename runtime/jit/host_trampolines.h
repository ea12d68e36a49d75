// Native-ABI entry code for host functions.
//
// Wasm code calls every import through FuncRef.native_code with the JIT's
// native calling convention (codegen/abi.h); a host function only has an
// ArrayEntry. This compiles, once per signature per process, a trampoline
// (codegen's EmitNativeToArrayTrampoline) that spills the arguments into a
// buffer and calls the FuncRef's array entry. The code is never freed:
// signatures are few and FuncRefs of live host functions point at it.
#ifndef RUNTIME_JIT_HOST_TRAMPOLINES_H_
#define RUNTIME_JIT_HOST_TRAMPOLINES_H_

#include "absl/status/statusor.h"
#include "runtime/types.h"

namespace wasm {

// Thread-safe.
absl::StatusOr<const void*> HostNativeTrampoline(const FuncType& type);

}  // namespace wasm

#endif  // RUNTIME_JIT_HOST_TRAMPOLINES_H_
