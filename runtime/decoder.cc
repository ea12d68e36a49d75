#include "runtime/decoder.h"

#include <utility>

#include "runtime/errors.h"
#include "runtime/reader.h"
#include "runtime/section_decoder.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

// The whole-buffer framing: preamble, then each section in turn, all bytes
// present. The streaming compiler (streaming_compiler.h) frames the same
// sections as their bytes arrive; both hand them to SectionDecoder.
absl::Status Decode(Module* m) {
  RETURN_IF_ERROR(CheckModuleSize(m->bytes.size()));
  RETURN_IF_ERROR(DecodePreamble(m->bytes));
  SectionDecoder decoder(m);
  Reader r(m->bytes, kPreambleBytes, m->bytes.size(), /*whole_module=*/true);
  while (!r.AtEnd()) {
    const size_t section_start = r.offset();
    uint8_t id;
    uint32_t size;
    RETURN_IF_ERROR(decoder.ReadSectionHeader(r, &id, &size));
    if (size > r.remaining()) return MalformedError(r.offset(), "length out of bounds");
    RETURN_IF_ERROR(decoder.CheckOrder(id, section_start));
    RETURN_IF_ERROR(decoder.DecodeSectionContents(id, r.offset(), r.offset() + size));
    RETURN_IF_ERROR(r.Skip(size));
  }
  return decoder.Finish();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Module>> DecodeModule(std::vector<uint8_t> bytes) {
  auto module = std::make_unique<Module>();
  module->bytes = std::move(bytes);
  RETURN_IF_ERROR(Decode(module.get()));
  return module;
}

}  // namespace wasm
