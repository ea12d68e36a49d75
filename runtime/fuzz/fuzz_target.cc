#include "runtime/fuzz/fuzz_target.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/types/span.h"
#include "runtime/errors.h"
#include "runtime/streaming_compiler.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

[[noreturn]] void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::abort();
}

// Streams the input in chunks of 1..64 bytes chosen by a generator seeded
// from the input (so a crash replays), and checks the result against
// CompileModule's: the same module, or a rejection too. (The error itself may
// differ when the module has several: streaming validates the header and
// bodies before it decodes the sections that follow the code.)
void CheckStreamingAgrees(const uint8_t* data, size_t size,
                          const absl::StatusOr<std::shared_ptr<const Module>>& whole) {
  uint64_t state = 0x9e3779b97f4a7c15ull ^ size;
  for (size_t i = 0; i < size && i < 16; ++i) state = state * 0x100000001b3ull ^ data[i];
  StreamingCompiler compiler;
  absl::Status fed;
  for (size_t pos = 0; pos < size && fed.ok();) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const size_t n = std::min<size_t>(1 + state % 64, size - pos);
    fed = compiler.Feed(absl::MakeConstSpan(data + pos, n));
    pos += n;
  }
  absl::StatusOr<std::shared_ptr<const Module>> streamed = compiler.Finish();
  if (!fed.ok() && streamed.status() != fed) Fail("streaming: Finish lost Feed's error", fed);
  if (whole.ok() != streamed.ok()) {
    Fail("streaming and CompileModule disagree", whole.ok() ? streamed.status() : whole.status());
  }
  if (whole.ok() && !(**whole == **streamed)) {
    Fail("streaming built a different module", absl::OkStatus());
  }
}

}  // namespace

void FuzzDecodeAndValidate(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(std::move(bytes));
  CheckStreamingAgrees(data, size, module);
  if (module.ok()) return;
  // Every rejection is a classified compile error with a location.
  const ErrorKind kind = GetErrorKind(module.status());
  if ((kind != ErrorKind::kMalformed && kind != ErrorKind::kInvalid) ||
      module.status().message().substr(0, 8) != "at byte ") {
    std::fprintf(stderr, "unclassified compile error: %s\n",
                 module.status().ToString().c_str());
    std::abort();
  }
}

}  // namespace wasm
