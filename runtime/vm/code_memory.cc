// CodeMemory: mmap RW, copy, pad with int3, mprotect R+X.
#include "runtime/vm/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wasm {
namespace {

constexpr uint8_t kInt3 = 0xcc;

}  // namespace

absl::StatusOr<std::unique_ptr<CodeMemory>> CodeMemory::Create(absl::Span<const uint8_t> code) {
  if (code.empty()) return absl::InvalidArgumentError("code memory: no code to map");
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  if (code.size() > SIZE_MAX - page) {
    return absl::InvalidArgumentError(absl::StrCat("code memory: ", code.size(), " bytes is too large"));
  }
  const size_t mapped_size = (code.size() + page - 1) / page * page;
  void* pages = mmap(nullptr, mapped_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) {
    return absl::ErrnoToStatus(errno, absl::StrCat("code memory: mapping ", mapped_size, " bytes"));
  }
  // Owns the pages from here on, so every error path below unmaps them.
  std::unique_ptr<CodeMemory> memory(
      new CodeMemory(static_cast<uint8_t*>(pages), code.size(), mapped_size));
  std::memcpy(pages, code.data(), code.size());
  std::memset(static_cast<uint8_t*>(pages) + code.size(), kInt3, mapped_size - code.size());
  // W^X: writable until here, executable from here on, never both.
  if (mprotect(pages, mapped_size, PROT_READ | PROT_EXEC) != 0) {
    return absl::ErrnoToStatus(errno, "code memory: mprotect to read+execute");
  }
  // x86-64 keeps instruction fetch coherent with stores; this is a no-op
  // there and keeps the code correct on other targets.
  __builtin___clear_cache(static_cast<char*>(pages), static_cast<char*>(pages) + code.size());
  return memory;
}

CodeMemory::~CodeMemory() { munmap(start_, mapped_size_); }

}  // namespace wasm
