// The checked frame-pointer walk behind WalkJitFrames.
#include "runtime/vm/stack_walk.h"

#include "runtime/vm/code_registry.h"

namespace wasm {
namespace {

// Where a function's frame is not set up yet (codegen's prologue):
// offset 0 `push rbp` (1 byte), offset 1 `mov rbp, rsp` (3 bytes).
constexpr uintptr_t kPushRbpOffset = 0;
constexpr uintptr_t kMovRbpRspOffset = 1;

class Walker {
 public:
  Walker(uintptr_t sp, uintptr_t stack_end, Backtrace* out)
      : low_(sp), stack_end_(stack_end), out_(out) {
    out_->num_frames = 0;
    out_->omitted_frames = 0;
  }

  // Reads the stack word at `address` if it is 8-aligned, at or above every
  // address read so far, and below stack_end; raises the floor past it.
  bool ReadSlot(uintptr_t address, uintptr_t* value) {
    if (address % 8 != 0 || address < low_ || address >= stack_end_ ||
        stack_end_ - address < 8) {
      return false;
    }
    *value = Read(address);
    low_ = address + 8;
    return true;
  }

  // `fp` may be the next frame pointer: both slots readable and above every
  // address read so far (strictly increasing chain). Raises the floor.
  bool AcceptFramePointer(uintptr_t fp) {
    if (fp % 8 != 0 || fp < low_ || fp >= stack_end_ || stack_end_ - fp < 16) return false;
    low_ = fp + 16;  // the next frame pointer must be above this frame's slots
    return true;
  }

  static uintptr_t Read(uintptr_t address) { return *reinterpret_cast<const uintptr_t*>(address); }

  // The function holding `pc` (a trapping pc, or a return address minus 1).
  // Consecutive frames are mostly in the same function (recursion): that one
  // is remembered, the registry asked only for others.
  bool FindFunction(uintptr_t pc) {
    if (has_cached_ && pc >= cached_.function_start && pc < cached_.function_end) return true;
    const JitCodeLookup lookup = LookupJitCode(pc);
    if (!lookup.function.has_value()) return false;
    cached_ = lookup;
    has_cached_ = true;
    return true;
  }

  // Records a frame at `pc` in the function FindFunction last found.
  void Add(uintptr_t pc) {
    if (out_->num_frames == kMaxBacktraceFrames) {
      ++out_->omitted_frames;
      return;
    }
    BacktraceFrame& frame = out_->frames[out_->num_frames++];
    frame.pc = pc;
    frame.code_start = cached_.code_start;
    frame.function = *cached_.function;
    frame.offset = static_cast<uint32_t>(pc - cached_.function_start);
  }

  // A caller's frame whose return address is `ret`: in a function?
  bool AddCaller(uintptr_t ret) {
    if (ret == 0 || !FindFunction(ret - 1)) return false;
    Add(ret);
    return true;
  }

  // Follows the chain from `fp`, the frame pointer of the innermost recorded
  // function, while return addresses are in functions.
  void FollowChain(uintptr_t fp) {
    while (AcceptFramePointer(fp)) {
      if (!AddCaller(Read(fp + 8))) return;
      fp = Read(fp);
    }
  }

  // A trap raised from C++: crosses native frames until a return address is
  // in a function; returns that function's frame pointer, or 0.
  uintptr_t SkipNativeFrames(uintptr_t fp) {
    for (int i = 0; i < kMaxNativeFrames && AcceptFramePointer(fp); ++i) {
      const uintptr_t caller_fp = Read(fp);
      if (AddCaller(Read(fp + 8))) return caller_fp;
      fp = caller_fp;
    }
    return 0;
  }

  uintptr_t function_start() const { return cached_.function_start; }

 private:
  uintptr_t low_;  // nothing below this is read
  const uintptr_t stack_end_;
  Backtrace* const out_;
  JitCodeLookup cached_;
  bool has_cached_ = false;
};

}  // namespace

void WalkJitFrames(const WalkStart& start, uintptr_t stack_end, Backtrace* out) {
  Walker walker(start.sp, stack_end, out);
  if (!walker.FindFunction(start.pc)) {
    // Registered code outside every function: the RaiseTrap stubs.
    const uintptr_t fp = walker.SkipNativeFrames(start.fp);
    if (fp != 0) walker.FollowChain(fp);
    return;
  }
  walker.Add(start.pc);
  const uintptr_t offset = start.pc - walker.function_start();
  if (offset == kPushRbpOffset || offset == kMovRbpRspOffset) {
    // The frame is not set up: rbp is still the caller's, the return address
    // at [rsp] (before the push) or [rsp + 8] (after it).
    uintptr_t ret = 0;
    if (!walker.ReadSlot(start.sp + (offset == kPushRbpOffset ? 0 : 8), &ret) ||
        !walker.AddCaller(ret)) {
      return;
    }
  }
  walker.FollowChain(start.fp);
}

}  // namespace wasm
