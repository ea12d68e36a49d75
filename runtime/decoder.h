// Binary decoder: bytes -> Module.
//
// Decodes every section of WebAssembly 2.0 (minus SIMD) and checks the binary
// format: section order and sizes, LEB128 encodings, counts, UTF-8 names,
// local declarations. Index ranges and typing are the validator's job, so the
// first error here is always a malformed-module error, as in the spec's
// reference interpreter (decode fully, then validate). Function bodies are
// only framed here; their instructions are decoded by the validator.
//
// The sections themselves are decoded by SectionDecoder (section_decoder.h),
// which the streaming compiler (streaming_compiler.h) shares.
//
// The input is untrusted: every read is bounds-checked, every count is checked
// against the remaining bytes and against the limits in limits.h before any
// allocation, and nothing recurses on input.
#ifndef RUNTIME_DECODER_H_
#define RUNTIME_DECODER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/module.h"

namespace wasm {

// Decodes `bytes` into a Module (not yet validated).
absl::StatusOr<std::unique_ptr<Module>> DecodeModule(std::vector<uint8_t> bytes);

}  // namespace wasm

#endif  // RUNTIME_DECODER_H_
