// Benchmark (not a test): decode + validate throughput on a generated module
// with >= 10 MB of code. Prints the best of N runs for decode alone and for
// decode + validate, in MB/s of module bytes (1 MB = 10^6 bytes), and for
// streaming compilation (StreamingCompiler) fed in 1-byte, 1500-byte
// (a network packet) and 64 KiB chunks.
//
//   bazel run -c opt //runtime/bench:decode_benchmark [-- RUNS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/bench/generate_module.h"
#include "absl/types/span.h"
#include "runtime/decoder.h"
#include "runtime/streaming_compiler.h"
#include "runtime/validator.h"

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double BestSeconds(int runs, F&& f) {
  double best = 1e9;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (s < best) best = s;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 10;
  const wasm::GeneratedModule gen = wasm::GenerateBenchmarkModule(2500, 4400);
  const double mb = gen.bytes.size() / 1e6;
  std::printf("module: %.2f MB (code section %.2f MB), 2500 functions\n", mb,
              gen.code_section_bytes / 1e6);

  // Check once that the module is valid, so the timing covers real work.
  auto checked = wasm::CompileModule(gen.bytes);
  if (!checked.ok()) {
    std::printf("generated module is invalid: %s\n", checked.status().ToString().c_str());
    return 1;
  }

  const double copy = BestSeconds(runs, [&] {
    std::vector<uint8_t> bytes = gen.bytes;
    if (bytes.empty()) std::abort();
  });
  const double decode = BestSeconds(runs, [&] {
    auto m = wasm::DecodeModule(gen.bytes);
    if (!m.ok()) std::abort();
  });
  const double full = BestSeconds(runs, [&] {
    auto m = wasm::CompileModule(gen.bytes);
    if (!m.ok()) std::abort();
  });
  std::printf("copy of the bytes:  %8.2f ms\n", copy * 1e3);
  std::printf("decode:             %8.2f ms  %8.1f MB/s\n", decode * 1e3, mb / decode);
  std::printf("decode + validate:  %8.2f ms  %8.1f MB/s  (best of %d; target >= 100 MB/s)\n",
              full * 1e3, mb / full, runs);
  for (const size_t chunk : {size_t{1}, size_t{1500}, size_t{65536}}) {
    const double streamed = BestSeconds(runs, [&] {
      wasm::StreamingCompiler compiler;
      const absl::Span<const uint8_t> bytes(gen.bytes);
      for (size_t pos = 0; pos < bytes.size(); pos += chunk) {
        if (!compiler.Feed(bytes.subspan(pos, chunk)).ok()) std::abort();
      }
      if (!compiler.Finish().ok()) std::abort();
    });
    std::printf("streaming, %5zu-byte chunks: %8.2f ms  %8.1f MB/s\n", chunk, streamed * 1e3,
                mb / streamed);
  }
  return 0;
}
