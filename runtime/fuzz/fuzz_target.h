// The body of the decoder + validator fuzz target, shared by the libFuzzer
// entry point (decode_fuzzer.cc, built with clang by tools/fuzz.sh) and the
// regression test that replays every input in regressions/.
#ifndef RUNTIME_FUZZ_FUZZ_TARGET_H_
#define RUNTIME_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>

namespace wasm {

// Decodes and validates `data`, whole and streamed in input-seeded chunks
// (StreamingCompiler); returns normally for any input. Errors must be
// well-formed (a kind and a message with an offset), and the streamed result
// must agree with the whole-buffer one (same module, or also rejected);
// anything else aborts.
void FuzzDecodeAndValidate(const uint8_t* data, size_t size);

}  // namespace wasm

#endif  // RUNTIME_FUZZ_FUZZ_TARGET_H_
