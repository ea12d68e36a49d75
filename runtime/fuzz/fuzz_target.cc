#include "runtime/fuzz/fuzz_target.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/errors.h"
#include "runtime/validator.h"

namespace wasm {

void FuzzDecodeAndValidate(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(std::move(bytes));
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
