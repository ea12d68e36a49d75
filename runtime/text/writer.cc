#include "runtime/text/writer.h"

namespace wasm::text {

void ByteWriter::U32(uint32_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    bytes_.push_back(byte);
  } while (value != 0);
}

void ByteWriter::S32(int32_t value) { S64(value); }

void ByteWriter::S64(int64_t value) {
  bool more = true;
  while (more) {
    uint8_t byte = value & 0x7f;
    value >>= 7;  // arithmetic shift: C++20 defines it for negative values
    more = !((value == 0 && (byte & 0x40) == 0) || (value == -1 && (byte & 0x40) != 0));
    if (more) byte |= 0x80;
    bytes_.push_back(byte);
  }
}

void ByteWriter::Fixed32(uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void ByteWriter::Fixed64(uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void ByteWriter::Raw(absl::string_view bytes) { bytes_.insert(bytes_.end(), bytes.begin(), bytes.end()); }

void ByteWriter::Append(const ByteWriter& other) {
  bytes_.insert(bytes_.end(), other.bytes_.begin(), other.bytes_.end());
}

void ByteWriter::Name(absl::string_view bytes) {
  U32(static_cast<uint32_t>(bytes.size()));
  Raw(bytes);
}

void ByteWriter::Section(uint8_t id, const ByteWriter& contents) {
  U8(id);
  U32(static_cast<uint32_t>(contents.size()));
  Append(contents);
}

}  // namespace wasm::text
