// CodeMemory: executable pages for JIT output, never writable and executable
// at once (W^X).
//
// Create() maps fresh read/write pages, copies the machine code in, fills the
// rest of the last page with int3 (a stray jump past the end traps), then
// mprotects the pages to read+execute. The pages are never made writable
// again; code that needs patching is compiled anew. The region is unmapped
// when the CodeMemory is destroyed, so it must outlive every call into it and
// its registration with the trap handler (code_registry.h).
//
//   const uint8_t kReturn42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00,   // mov eax, 42
//                                0xc3};                          // ret
//   ASSIGN_OR_RETURN(std::unique_ptr<CodeMemory> code, CodeMemory::Create(kReturn42));
//   auto* fn = code->EntryPoint<int()>(0);
//   fn() == 42;  code->Contains(reinterpret_cast<uintptr_t>(fn)) == true
//
// Invariant: the pages are read+execute from the end of Create() until
//   destruction; at no point are they writable and executable together.
//
// Mapping executable memory is a dangerous capability: the Bazel target is
// visible only to runtime/ (the JIT and its tests).
#ifndef RUNTIME_VM_CODE_MEMORY_H_
#define RUNTIME_VM_CODE_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace wasm {

class CodeMemory {
 public:
  // Copies `code` (not empty) into new read+execute pages.
  static absl::StatusOr<std::unique_ptr<CodeMemory>> Create(absl::Span<const uint8_t> code);

  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // The first code byte (page-aligned).
  const uint8_t* start() const { return start_; }
  // Code bytes, as passed to Create().
  size_t size() const { return code_size_; }
  absl::Span<const uint8_t> code() const { return {start_, code_size_}; }
  // Bytes mapped: size() rounded up to whole pages.
  size_t mapped_size() const { return mapped_size_; }

  // True if `pc` points into the code bytes [start, start + size).
  bool Contains(uintptr_t pc) const {
    const uintptr_t start = reinterpret_cast<uintptr_t>(start_);
    return pc >= start && pc - start < code_size_;
  }

  // The code at `offset` as a function pointer of type Fn* (a C ABI
  // function type, e.g. `int64_t(void*, int64_t)`). The caller vouches for
  // the signature.
  template <typename Fn>
  Fn* EntryPoint(size_t offset) const {
    return reinterpret_cast<Fn*>(const_cast<uint8_t*>(start_ + offset));
  }

 private:
  CodeMemory(uint8_t* start, size_t code_size, size_t mapped_size)
      : start_(start), code_size_(code_size), mapped_size_(mapped_size) {}

  uint8_t* const start_;
  const size_t code_size_;
  const size_t mapped_size_;
};

}  // namespace wasm

#endif  // RUNTIME_VM_CODE_MEMORY_H_
