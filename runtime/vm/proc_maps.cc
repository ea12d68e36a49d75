// Parses /proc/self/maps lines: "start-end perms offset dev inode   path".
#include "runtime/vm/proc_maps.h"

#include <fstream>
#include <sstream>

namespace wasm {

std::vector<Mapping> MappingsOverlapping(uintptr_t start, uintptr_t end) {
  std::vector<Mapping> result;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, permissions, offset, device, inode;
    fields >> range >> permissions >> offset >> device >> inode;
    std::string path;
    std::getline(fields >> std::ws, path);
    const size_t dash = range.find('-');
    if (dash == std::string::npos) continue;
    Mapping mapping;
    mapping.start = std::stoull(range.substr(0, dash), nullptr, 16);
    mapping.end = std::stoull(range.substr(dash + 1), nullptr, 16);
    mapping.permissions = permissions;
    mapping.path = path;
    if (mapping.start < end && start < mapping.end) result.push_back(mapping);
  }
  return result;
}

}  // namespace wasm
