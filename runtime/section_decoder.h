// The section decoders: one implementation of each section's binary format,
// shared by the whole-buffer DecodeModule (decoder.h) and the streaming
// compiler (streaming_compiler.h).
//
// A SectionDecoder fills one Module. Its caller owns the framing: it finds a
// section's id and size (ReadSectionHeader), waits until the section's bytes
// are in Module::bytes, and hands them over (DecodeSectionContents). The code
// section is also offered piece by piece (BeginCode, CheckBodySize,
// DecodeBody) so that a streaming caller can validate each body as soon as
// its bytes are in; DecodeSectionContents on the code section runs the same
// pieces in a loop.
//
//   SectionDecoder d(module);
//   Reader r(module->bytes, 8, module->bytes.size(), /*whole_module=*/true);
//   RETURN_IF_ERROR(d.ReadSectionHeader(r, &id, &size));
//   RETURN_IF_ERROR(d.CheckOrder(id, section_start));
//   RETURN_IF_ERROR(d.DecodeSectionContents(id, r.offset(), r.offset() + size));
//   ...
//   RETURN_IF_ERROR(d.Finish());
//
// The decoder never keeps a span of Module::bytes between calls (a streaming
// caller appends to the vector, which may move it); every call re-derives its
// reader from the vector, and all positions are absolute module offsets.
//
// Invariant: all errors are malformed-module errors (validation is the
// validator's job), worded and placed as in the spec's reference interpreter.
#ifndef RUNTIME_SECTION_DECODER_H_
#define RUNTIME_SECTION_DECODER_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "runtime/module.h"
#include "runtime/reader.h"

namespace wasm {

enum SectionId : uint8_t {
  kCustomSection = 0,
  kTypeSection = 1,
  kImportSection = 2,
  kFunctionSection = 3,
  kTableSection = 4,
  kMemorySection = 5,
  kGlobalSection = 6,
  kExportSection = 7,
  kStartSection = 8,
  kElementSection = 9,
  kCodeSection = 10,
  kDataSection = 11,
  kDataCountSection = 12,
};

// The module preamble is "\0asm" and version 1: 8 bytes.
inline constexpr size_t kPreambleBytes = 8;

// Checks the preamble of `bytes` (the whole module, or a prefix of it: a
// shorter input gives "unexpected end" where the whole module would).
absl::Status DecodePreamble(absl::Span<const uint8_t> bytes);

// "module too large" when `size` bytes exceed kMaxModuleBytes.
absl::Status CheckModuleSize(uint64_t size);

class SectionDecoder {
 public:
  explicit SectionDecoder(Module* m) : m_(m) {}

  // A section's id and size, read by `r` (a whole-module reader at the
  // section's first byte); "malformed section id" for an unknown id.
  absl::Status ReadSectionHeader(Reader& r, uint8_t* id, uint32_t* size) const;

  // Section order: every non-custom section at most once, in the spec's
  // order. `section_start` is the offset of the id byte, for the error.
  absl::Status CheckOrder(uint8_t id, size_t section_start);

  // Decodes section `id` from Module::bytes[begin, end) (all present) and
  // checks it used exactly those bytes ("section size mismatch").
  absl::Status DecodeSectionContents(uint8_t id, size_t begin, size_t end);

  // The code section in pieces. BeginCode reads the body count with `r` (a
  // reader over the section's contents) and sizes Module::bodies.
  absl::Status BeginCode(Reader& r);
  // Checks body `defined_index`'s size, read just before `offset`, against
  // the section's end and kMaxFunctionBodyBytes.
  absl::Status CheckBodySize(uint32_t defined_index, size_t offset, uint32_t size,
                             size_t section_end) const;
  // Frames body `defined_index` in Module::bytes[offset, offset + size) (all
  // present): its local declarations and where its code starts.
  absl::Status DecodeBody(uint32_t defined_index, size_t offset, uint32_t size);

  // C.refs: the functions ref.func may name inside bodies (those named in
  // global initialisers, element segments and exports, all of which precede
  // the code section). Idempotent.
  void CollectDeclaredFunctionRefs();

  // After the last section (Module::bytes is the whole module): the checks
  // between sections (function vs code, data count vs data), the name
  // section and the declared function references.
  absl::Status Finish();

 private:
  absl::Status DecodeSection(uint8_t id, Reader& r);
  absl::Status DecodeTypes(Reader& r);
  absl::Status DecodeImports(Reader& r);
  absl::Status DecodeFunctions(Reader& r);
  absl::Status DecodeTables(Reader& r);
  absl::Status DecodeMemories(Reader& r);
  absl::Status DecodeGlobals(Reader& r);
  absl::Status DecodeExports(Reader& r);
  absl::Status DecodeStart(Reader& r);
  absl::Status DecodeElements(Reader& r);
  absl::Status DecodeDataCount(Reader& r);
  absl::Status DecodeCode(Reader& r);
  absl::Status DecodeData(Reader& r);
  absl::Status DecodeCustom(Reader& r);

  absl::Status ReadCount(Reader& r, uint32_t limit, absl::string_view what, uint32_t* count);
  absl::Status ReadValType(Reader& r, ValType* out);
  absl::Status ReadRefType(Reader& r, ValType* out);
  absl::Status ReadLimits(Reader& r, bool is_memory, Limits* out);
  absl::Status ReadTableType(Reader& r, TableType* out);
  absl::Status ReadGlobalType(Reader& r, GlobalType* out);
  absl::Status ReadConstExpr(Reader& r, ConstExpr* out);
  absl::Status CheckFunctionCount(Reader& r);

  Module* m_;
  int last_order_ = 0;               // SectionOrder of the last non-custom section
  uint32_t declared_functions_ = 0;  // count from the function section
  bool saw_code_section_ = false;
  bool saw_data_section_ = false;
};

}  // namespace wasm

#endif  // RUNTIME_SECTION_DECODER_H_
