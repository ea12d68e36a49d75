#include "runtime/jit/host_trampolines.h"

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "runtime/codegen/emit.h"
#include "runtime/status_macros.h"
#include "runtime/vm/code_memory.h"
#include "runtime/x64/assembler.h"

namespace wasm {

absl::StatusOr<const void*> HostNativeTrampoline(const FuncType& type) {
  static absl::Mutex mu;
  static auto* cache = new absl::flat_hash_map<std::string, std::unique_ptr<CodeMemory>>();
  absl::MutexLock lock(&mu);
  const std::string key = type.ToString();
  auto it = cache->find(key);
  if (it == cache->end()) {
    x64::Assembler as;
    codegen::EmitNativeToArrayTrampoline(type, as);
    ASSIGN_OR_RETURN(x64::AssembledCode code, as.Finish());
    if (!code.relocations.empty()) {
      return absl::InternalError("host trampoline with relocations");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<CodeMemory> memory, CodeMemory::Create(code.bytes));
    it = cache->emplace(key, std::move(memory)).first;
  }
  return static_cast<const void*>(it->second->start());
}

}  // namespace wasm
