// Generates a large, valid module for benchmarks: `num_functions` functions
// of type (i32, i32) -> i32 with i32 / i64 / f64 locals and a body of about
// `body_bytes` bytes, a deterministic mix of local traffic, integer and float
// arithmetic, loads and stores, calls, and nested block / loop / if.
#ifndef RUNTIME_BENCH_GENERATE_MODULE_H_
#define RUNTIME_BENCH_GENERATE_MODULE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wasm {

struct GeneratedModule {
  std::vector<uint8_t> bytes;
  size_t code_section_bytes = 0;
};

GeneratedModule GenerateBenchmarkModule(uint32_t num_functions, size_t body_bytes,
                                        uint32_t seed = 1);

}  // namespace wasm

#endif  // RUNTIME_BENCH_GENERATE_MODULE_H_
