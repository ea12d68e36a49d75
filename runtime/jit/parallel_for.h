// ParallelFor: runs fn(0) .. fn(n - 1) on up to `threads` threads (the caller's
// included), each index exactly once, claimed in increasing order from a
// shared counter, so a thread that finishes early takes the next index.
//
//   ParallelFor(bodies.size(), ResolveThreads(options.threads),
//               [&](size_t i) { results[i] = Compile(i); });
//
// threads <= 1, or n <= 1, runs everything on the calling thread. If a
// thread cannot be started (a process limit, EAGAIN) the others do its share;
// no exception escapes. `fn` must not throw; `stop`, when it returns true,
// makes every thread stop claiming indices (the rest are never run).
#ifndef RUNTIME_JIT_PARALLEL_FOR_H_
#define RUNTIME_JIT_PARALLEL_FOR_H_

#include <cstddef>

#include "absl/functional/function_ref.h"

namespace wasm {

// 0 = one thread per online CPU; otherwise `threads` (at least 1).
int ResolveThreads(int threads);

void ParallelFor(size_t n, int threads, absl::FunctionRef<void(size_t)> fn,
                 absl::FunctionRef<bool()> stop = [] { return false; });

}  // namespace wasm

#endif  // RUNTIME_JIT_PARALLEL_FOR_H_
