// Test helper: the calling process's mappings, from /proc/self/maps.
//
// Tests check permissions (W^X of code pages, PROT_NONE reservations) and
// that a range is unmapped after destruction:
//
//   std::vector<Mapping> maps = MappingsOverlapping(start, start + size);
//   EXPECT_EQ(maps[0].permissions, "r-xp");
#ifndef RUNTIME_VM_PROC_MAPS_H_
#define RUNTIME_VM_PROC_MAPS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace wasm {

struct Mapping {
  uintptr_t start = 0;
  uintptr_t end = 0;
  std::string permissions;  // "rw-s", "r-xp", "---p", ...
  std::string path;         // "/memfd:wasm-memory (deleted)", "" for anonymous
};

// Every mapping that overlaps [start, end), in address order.
std::vector<Mapping> MappingsOverlapping(uintptr_t start, uintptr_t end);

}  // namespace wasm

#endif  // RUNTIME_VM_PROC_MAPS_H_
