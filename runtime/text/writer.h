// The byte-level encoder of the text parser: a growable buffer with the
// binary format's primitive encodings (text/README.md has the pipeline).
//
//   ByteWriter body;
//   body.U8(0x41);        // i32.const
//   body.S32(-1);         // 0x7f: minimal signed LEB128
//   ByteWriter module;
//   module.Section(10, body);  // id, size, contents
//
// LEB128 output is always minimal, as wabt writes it, so the conformance test
// can compare our bytes with wast2json's byte for byte.
#ifndef RUNTIME_TEXT_WRITER_H_
#define RUNTIME_TEXT_WRITER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace wasm::text {

class ByteWriter {
 public:
  void U8(uint8_t byte) { bytes_.push_back(byte); }
  void U32(uint32_t value);  // unsigned LEB128
  void S32(int32_t value);   // signed LEB128
  void S64(int64_t value);   // signed LEB128
  void Fixed32(uint32_t value);  // little-endian, 4 bytes (f32 bits)
  void Fixed64(uint64_t value);  // little-endian, 8 bytes (f64 bits)
  void Raw(absl::string_view bytes);
  void Append(const ByteWriter& other);
  // A name or a byte vector: LEB128 length, then the bytes.
  void Name(absl::string_view bytes);
  // A section: id, LEB128 size, then `contents`.
  void Section(uint8_t id, const ByteWriter& contents);

  // Drops the bytes from `size` on.
  void Truncate(size_t size) { bytes_.resize(size); }

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> Release() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_WRITER_H_
