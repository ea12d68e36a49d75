// Canonical signature ids: one small integer per distinct function type, the
// same in every instance of the process.
//
// call_indirect compares the callee's FuncRef::sig_id with the id of the
// expected type index (VMContext::sig_ids), so two structurally equal types
// declared by different modules must get the same id, and different types
// different ids. Types are interned by structure (params, results).
//
//   SignatureRegistry& registry = SignatureRegistry::Global();
//   uint32_t a = registry.Intern(FuncType{{ValType::kI32}, {}});
//   uint32_t b = registry.Intern(FuncType{{ValType::kI32}, {}});   // a == b
//   registry.Lookup(a)->ToString() == "(i32) -> ()"
//
// Ids are never freed: the registry grows with the number of distinct types
// the process has seen (a worker sees its own module's, at most kMaxTypes).
//
// Invariant: an id, once returned, names the same type for the life of the
//   process; kInvalidSigId (0) is never returned, so a zeroed FuncRef never
//   matches a signature check.
#ifndef RUNTIME_INSTANCE_SIGNATURE_REGISTRY_H_
#define RUNTIME_INSTANCE_SIGNATURE_REGISTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "runtime/types.h"

namespace wasm {

inline constexpr uint32_t kInvalidSigId = 0;

class SignatureRegistry {
 public:
  // The process-wide registry. Thread-safe.
  static SignatureRegistry& Global();

  SignatureRegistry() = default;
  SignatureRegistry(const SignatureRegistry&) = delete;
  SignatureRegistry& operator=(const SignatureRegistry&) = delete;

  // The id of `type`, assigning the next one if it is new.
  uint32_t Intern(const FuncType& type);
  // Intern() for each type, under one lock.
  std::vector<uint32_t> InternAll(absl::Span<const FuncType> types);
  // The type an id names, or nullopt for an id never returned.
  std::optional<FuncType> Lookup(uint32_t id) const;
  // How many distinct types have ids.
  size_t size() const;

 private:
  uint32_t InternLocked(const FuncType& type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  mutable absl::Mutex mutex_;
  // Key: the types' encoding bytes, params then a 0 separator then results
  // (0 is no value type's encoding).
  absl::flat_hash_map<std::string, uint32_t> ids_ ABSL_GUARDED_BY(mutex_);
  std::vector<FuncType> types_ ABSL_GUARDED_BY(mutex_);  // by id - 1
};

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_SIGNATURE_REGISTRY_H_
