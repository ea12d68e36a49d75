// Interning of function types by their encoding.
#include "runtime/instance/signature_registry.h"

#include <string>

namespace wasm {
namespace {

std::string Key(const FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + 1 + type.results.size());
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  return key;
}

}  // namespace

SignatureRegistry& SignatureRegistry::Global() {
  static SignatureRegistry* const registry = new SignatureRegistry();  // never destroyed
  return *registry;
}

uint32_t SignatureRegistry::InternLocked(const FuncType& type) {
  auto [it, inserted] = ids_.try_emplace(Key(type), 0);
  if (inserted) {
    types_.push_back(type);
    it->second = static_cast<uint32_t>(types_.size());  // ids start at 1
  }
  return it->second;
}

uint32_t SignatureRegistry::Intern(const FuncType& type) {
  absl::MutexLock lock(&mutex_);
  return InternLocked(type);
}

std::vector<uint32_t> SignatureRegistry::InternAll(absl::Span<const FuncType> types) {
  std::vector<uint32_t> ids;
  ids.reserve(types.size());
  absl::MutexLock lock(&mutex_);
  for (const FuncType& type : types) ids.push_back(InternLocked(type));
  return ids;
}

std::optional<FuncType> SignatureRegistry::Lookup(uint32_t id) const {
  absl::MutexLock lock(&mutex_);
  if (id == kInvalidSigId || id > types_.size()) return std::nullopt;
  return types_[id - 1];
}

size_t SignatureRegistry::size() const {
  absl::MutexLock lock(&mutex_);
  return types_.size();
}

}  // namespace wasm
