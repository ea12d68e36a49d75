// The code-start → Module map and the frame lines.
#include "runtime/jit/backtrace.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

namespace wasm {
namespace {

struct SymbolMap {
  absl::Mutex mutex;
  absl::flat_hash_map<uintptr_t, std::weak_ptr<const Module>> modules ABSL_GUARDED_BY(mutex);
};

SymbolMap& Symbols() {
  static SymbolMap* const map = new SymbolMap();
  return *map;
}

std::shared_ptr<const Module> FindModule(uintptr_t code_start) {
  SymbolMap& map = Symbols();
  absl::MutexLock lock(&map.mutex);
  auto it = map.modules.find(code_start);
  return it == map.modules.end() ? nullptr : it->second.lock();
}

std::string PrintableName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

std::string FrameLine(const BacktraceFrame& frame, const Module* module) {
  std::string name;
  if (module != nullptr) {
    auto it = module->names.functions.find(frame.function);
    if (it != module->names.functions.end()) name = absl::StrCat(" <", PrintableName(it->second), ">");
  }
  return absl::StrCat("  at func ", frame.function, name, " +0x", absl::Hex(frame.offset));
}

}  // namespace

ModuleSymbolsRegistration& ModuleSymbolsRegistration::operator=(
    ModuleSymbolsRegistration&& other) noexcept {
  if (this != &other) {
    Reset();
    code_start_ = other.code_start_;
    other.code_start_ = 0;
  }
  return *this;
}

void ModuleSymbolsRegistration::Reset() {
  if (code_start_ == 0) return;
  SymbolMap& map = Symbols();
  absl::MutexLock lock(&map.mutex);
  map.modules.erase(code_start_);
  code_start_ = 0;
}

ModuleSymbolsRegistration RegisterModuleSymbols(const void* code_start,
                                                std::weak_ptr<const Module> module) {
  const uintptr_t start = reinterpret_cast<uintptr_t>(code_start);
  if (start == 0) return ModuleSymbolsRegistration();
  SymbolMap& map = Symbols();
  absl::MutexLock lock(&map.mutex);
  // Invariant: code ranges do not overlap (code_registry.h), so a start
  // names one live range; a stale entry at the same address was Reset.
  map.modules[start] = std::move(module);
  return ModuleSymbolsRegistration(start);
}

std::string FormatBacktrace(const Backtrace& backtrace) {
  std::vector<std::string> lines;
  lines.reserve(backtrace.num_frames + 1);
  // Consecutive frames are mostly in the same range: look each one up once.
  uintptr_t last_start = 0;
  std::shared_ptr<const Module> module;
  for (uint32_t i = 0; i < backtrace.num_frames && i < kMaxBacktraceFrames; ++i) {
    const BacktraceFrame& frame = backtrace.frames[i];
    if (i == 0 || frame.code_start != last_start) {
      module = FindModule(frame.code_start);
      last_start = frame.code_start;
    }
    lines.push_back(FrameLine(frame, module.get()));
  }
  if (backtrace.omitted_frames > 0) {
    lines.push_back(absl::StrCat("  ... ", backtrace.omitted_frames, " more frame",
                                 backtrace.omitted_frames == 1 ? "" : "s"));
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace wasm
