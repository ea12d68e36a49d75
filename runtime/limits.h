// Implementation limits of the decoder and validator.
//
// The input is untrusted and parsed inside the broker, so every count read
// from the bytes is checked against one of these before anything is sized by
// it. The values follow the limits the JS API embedders share (V8's
// wasm-limits.h, SpiderMonkey's) so that a module accepted by browsers is
// accepted here; going past one is a compile error naming the limit.
#ifndef RUNTIME_LIMITS_H_
#define RUNTIME_LIMITS_H_

#include <cstdint>

namespace wasm {

inline constexpr uint64_t kMaxModuleBytes = 1ull << 30;   // 1 GiB
inline constexpr uint32_t kMaxTypes = 1000000;
inline constexpr uint32_t kMaxFunctions = 1000000;        // imported + defined
inline constexpr uint32_t kMaxImports = 100000;
inline constexpr uint32_t kMaxExports = 100000;
inline constexpr uint32_t kMaxGlobals = 1000000;
inline constexpr uint32_t kMaxTables = 100000;
inline constexpr uint32_t kMaxMemories = 1;               // multi-memory is not in 2.0
inline constexpr uint32_t kMaxElemSegments = 10000000;
inline constexpr uint32_t kMaxDataSegments = 100000;
inline constexpr uint32_t kMaxElemSegmentLength = 10000000;
inline constexpr uint32_t kMaxFunctionParams = 1000;
inline constexpr uint32_t kMaxFunctionResults = 1000;
inline constexpr uint32_t kMaxFunctionLocals = 50000;     // declared locals + params
inline constexpr uint32_t kMaxFunctionBodyBytes = 7654321;
inline constexpr uint32_t kMaxBrTableTargets = 65520;
inline constexpr uint32_t kMaxControlDepth = 65536;       // nested blocks in one body
inline constexpr uint32_t kMaxNameBytes = 100000;         // an import / export / section name
inline constexpr uint32_t kMaxTableSize = 10000000;       // elements, initial size
inline constexpr uint64_t kMaxMemoryPages = 65536;        // 4 GiB, the spec's own limit

}  // namespace wasm

#endif  // RUNTIME_LIMITS_H_
