#include "runtime/jit/parallel_for.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace wasm {

int ResolveThreads(int threads) {
  if (threads > 0) return threads;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus > 0 ? static_cast<int>(std::min<long>(cpus, 64)) : 1;
}

void ParallelFor(size_t n, int threads, absl::FunctionRef<void(size_t)> fn,
                 absl::FunctionRef<bool()> stop) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      if (stop()) return;
      fn(i);
    }
  };
  const size_t extra = threads > 1 ? std::min<size_t>(threads - 1, n > 0 ? n - 1 : 0) : 0;
  std::vector<std::thread> helpers;
  helpers.reserve(extra);
  for (size_t t = 0; t < extra; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // the threads we have do the rest
    }
  }
  work();
  for (std::thread& t : helpers) t.join();
}

}  // namespace wasm
