#include "runtime/instance/global_storage.h"

namespace wasm {
namespace {
GlobalCellAllocator g_allocator = nullptr;
}  // namespace

void SetGlobalCellAllocator(GlobalCellAllocator allocator) { g_allocator = allocator; }
GlobalCellAllocator GetGlobalCellAllocator() { return g_allocator; }

}  // namespace wasm
