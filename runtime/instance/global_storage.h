// Where instances keep the cells of the globals they define. By default the
// heap; a sandboxed worker installs an allocator over a sealed memfd arena, so
// that the broker can map the cell of an exported global and share it with
// the host and with instances in other workers (../shared/DESIGN.md: "a
// shared cell for every imported, exported or host-created global").
//
//   SetGlobalCellAllocator([](size_t n) -> GlobalCell* { return arena.Take(n); });
//
// The allocator returns `count` zeroed, 16-byte-aligned cells that stay valid
// for the life of the process, or null (the instance then uses the heap).
#ifndef RUNTIME_INSTANCE_GLOBAL_STORAGE_H_
#define RUNTIME_INSTANCE_GLOBAL_STORAGE_H_

#include <cstddef>

#include "runtime/instance/vmcontext.h"

namespace wasm {

using GlobalCellAllocator = GlobalCell* (*)(size_t count);

// Process-wide; set it before instantiating (not thread-safe against
// concurrent instantiation).
void SetGlobalCellAllocator(GlobalCellAllocator allocator);
GlobalCellAllocator GetGlobalCellAllocator();

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_GLOBAL_STORAGE_H_
