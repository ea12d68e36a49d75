// libFuzzer entry point over the text parser (runtime/text): any input must
// give bytes or a malformed error, never a crash, a hang or unbounded
// recursion. Built with clang -fsanitize=fuzzer,address by
// `tools/fuzz.sh SECONDS text`; seeded with the spec testsuite's .wast files
// and the .wat files wast2json extracts from them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/strings/string_view.h"
#include "runtime/errors.h"
#include "runtime/text/wat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<uint8_t>> wasm = wasm::text::ParseWatModule(text);
  if (!wasm.ok() && wasm::GetErrorKind(wasm.status()) != wasm::ErrorKind::kMalformed) std::abort();
  return 0;
}
