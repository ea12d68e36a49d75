// Wasm backtraces in trap messages: naming the frames the trap handler
// recorded.
//
//   integer divide by zero
//     at func 3 <div_helper> +0x12
//     at func 5 <run> +0x4c
//     ... 12 more frames
//
// Innermost frame first, one line per wasm frame: the function's index in
// its own module's function index space, its name from that module's name
// section (omitted when there is none), and the offset of the pc (the
// trapping instruction, or the return address in callers) from the start of
// the function's machine code. At most kMaxBacktraceFrames lines, then the
// count of the rest.
//
// Who knows what:
//   vm/code_registry   code range → function table (CompiledModule registers
//                      its functions' code offsets, numbered from the first
//                      defined function's index); read in the signal handler
//   vm/stack_walk      the handler's walk: Trap::backtrace = per frame (code
//                      range start, function index, offset), captured before
//                      the siglongjmp, while the frames are still live
//   here               code range start → Module, for the names; read after
//                      the trap returned, under a mutex
//
//   // CompiledModule::Compile, once the code is mapped:
//   symbols_ = RegisterModuleSymbols(code->start(), module);
//   // CallFunction, after a trap:
//   return TrapErrorWithBacktrace(trap->kind, FormatBacktrace(trap->backtrace));
//
// The walk ends at the first frame outside wasm code: the array-entry
// trampoline CallFunction entered through, or a host function's native-to-
// array trampoline. Traps raised by builtins (RaiseTrap) start at the wasm
// function that called the builtin when the builtin's C++ frames keep rbp
// (runtime/instance builds with -fno-omit-frame-pointer), else they have no
// frames (stack_walk.h).
#ifndef RUNTIME_JIT_BACKTRACE_H_
#define RUNTIME_JIT_BACKTRACE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/module.h"
#include "runtime/vm/stack_walk.h"

namespace wasm {

// Keeps a code range's module known to FormatBacktrace; forgets it on
// destruction. Move-only.
class ModuleSymbolsRegistration {
 public:
  ModuleSymbolsRegistration() = default;
  ModuleSymbolsRegistration(ModuleSymbolsRegistration&& other) noexcept
      : code_start_(other.code_start_) {
    other.code_start_ = 0;
  }
  ModuleSymbolsRegistration& operator=(ModuleSymbolsRegistration&& other) noexcept;
  ModuleSymbolsRegistration(const ModuleSymbolsRegistration&) = delete;
  ModuleSymbolsRegistration& operator=(const ModuleSymbolsRegistration&) = delete;
  ~ModuleSymbolsRegistration() { Reset(); }

  void Reset();

 private:
  friend ModuleSymbolsRegistration RegisterModuleSymbols(const void*,
                                                         std::weak_ptr<const Module>);
  explicit ModuleSymbolsRegistration(uintptr_t code_start) : code_start_(code_start) {}

  uintptr_t code_start_ = 0;
};

// Frames whose code range starts at `code_start` are `module`'s functions.
// Held weakly: a module gone by the time a trap is formatted loses only its
// names. Thread-safe.
ModuleSymbolsRegistration RegisterModuleSymbols(const void* code_start,
                                                std::weak_ptr<const Module> module);

// The backtrace lines ("  at func 3 <f> +0x12", "  ... 7 more frames")
// joined by '\n', without a trailing one; "" without frames. Names are
// printed with control characters as '?', so a frame stays one line.
// Thread-safe.
std::string FormatBacktrace(const Backtrace& backtrace);

}  // namespace wasm

#endif  // RUNTIME_JIT_BACKTRACE_H_
