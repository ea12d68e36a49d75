// Streaming compilation: decode and validate a module while its bytes arrive
// in chunks (the JS API's WebAssembly.compileStreaming), so that a malformed
// or invalid module is reported before its last byte is in.
//
//   StreamingCompiler compiler;
//   while (ReadChunk(&chunk)) {
//     RETURN_IF_ERROR(compiler.Feed(chunk));   // the first error, as soon as known
//   }
//   ASSIGN_OR_RETURN(std::shared_ptr<const Module> module, compiler.Finish());
//
// Each section is decoded by the same SectionDecoder as DecodeModule, as soon
// as all its bytes are in; inside the code section each body is framed and
// validated as soon as its bytes are in (the module header, i.e. every
// section before the code section, is validated when the code section
// starts). A partial section header, section or body is simply waited for:
// every byte is parsed O(1) times whatever the chunking, nothing recurses,
// and the bytes kept never exceed kMaxModuleBytes.
//
// Errors are those of CompileModule, with absolute byte offsets, with one
// difference inherent to streaming: CompileModule decodes the whole module
// before validating, whereas here an invalid header or body is reported
// before later sections are decoded. So a module with several errors may get
// a different (earlier) one; a module with one error gets the same.
#ifndef RUNTIME_STREAMING_COMPILER_H_
#define RUNTIME_STREAMING_COMPILER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/function_validator.h"
#include "runtime/module.h"
#include "runtime/section_decoder.h"

namespace wasm {

class StreamingCompiler {
 public:
  StreamingCompiler();
  StreamingCompiler(const StreamingCompiler&) = delete;
  StreamingCompiler& operator=(const StreamingCompiler&) = delete;

  // Appends `chunk`; decodes every section that is now complete; inside the
  // code section, frames and validates each body whose bytes are all in.
  // Returns the first malformed / invalid error as soon as it is detectable;
  // after an error, further calls return the same error.
  absl::Status Feed(absl::Span<const uint8_t> chunk);

  // End of input: the checks that need the module's end (truncated section,
  // missing code or data section), validation of what follows the code
  // section, names. Returns the module CompileModule would return for the
  // same bytes, or the first error. Call at most once.
  absl::StatusOr<std::shared_ptr<const Module>> Finish();

  // How many function bodies have been validated so far.
  size_t bodies_validated() const { return bodies_validated_; }

 private:
  // Where the parser stands; `pos_` is the next unparsed byte.
  enum class Stage {
    kPreamble,       // waiting for "\0asm" + version
    kSectionHeader,  // at a section's id byte (or the module's end)
    kSection,        // a non-code section: waiting for all its bytes
    kCodeCount,      // at the code section's body count
    kBodySize,       // at a body's size prefix
    kBody,           // waiting for a body's bytes
    kCodeEnd,        // after the last body: the section must end here
    kDone,           // the module's end was reached (Finish only)
  };

  // Advances as far as the bytes in allow; once `finished_`, to the end.
  absl::Status Pump();
  absl::Status Step(bool* progressed);
  absl::Status StartCode();
  // True if a LEB128 starting at `pos` can be read to a definite result:
  // it ends within the bytes in, or 5 bytes (the most a u32 may take) are
  // in, or the reader's end `hard_end` is within the bytes in.
  bool LebReady(size_t pos, size_t hard_end) const;
  size_t available() const { return module_->bytes.size(); }
  absl::Status Fail(absl::Status status);

  std::unique_ptr<Module> module_;
  SectionDecoder decoder_;
  std::optional<FunctionValidator> validator_;  // from the code section's start
  absl::Status error_;                          // the first error, sticky
  bool finished_ = false;                       // Finish was called: no more bytes
  Stage stage_ = Stage::kPreamble;
  size_t pos_ = 0;
  // The current section: id, offset of the id byte, contents [begin, end).
  uint8_t section_id_ = 0;
  size_t section_start_ = 0;
  size_t section_begin_ = 0;
  size_t section_end_ = 0;
  // The current body (kBody): defined index and size; the body starts at pos_.
  uint32_t body_index_ = 0;
  uint32_t body_size_ = 0;
  bool header_validated_ = false;
  size_t bodies_validated_ = 0;
};

}  // namespace wasm

#endif  // RUNTIME_STREAMING_COMPILER_H_
