#include "runtime/reader.h"

#include "runtime/limits.h"

namespace wasm {

absl::Status Reader::ReadLeb(int bits, bool is_signed, uint64_t* out) {
  const size_t start = pos_;
  const int max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  int shift = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= end_) return EndError();
    const uint8_t byte = data_[pos_++];
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) == 0) {
      if (i == max_bytes - 1) {
        // The last possible byte: its bits beyond `bits` must be zero
        // (unsigned) or copies of the sign bit (signed).
        const int used = bits - 7 * (max_bytes - 1);  // value bits in this byte
        const uint8_t extra = static_cast<uint8_t>(byte & 0x7f) >> used;
        if (is_signed) {
          const bool sign = (byte >> (used - 1)) & 1;
          const uint8_t want = sign ? (0x7f >> used) : 0;
          if (extra != want) return MalformedAt(pos_ - 1, "integer too large");
        } else if (extra != 0) {
          return MalformedAt(pos_ - 1, "integer too large");
        }
      }
      if (is_signed && shift < 64 && (byte & 0x40)) result |= ~uint64_t{0} << shift;
      if (bits < 64 && !is_signed) result &= (uint64_t{1} << bits) - 1;
      *out = result;
      return absl::OkStatus();
    }
  }
  (void)start;
  return MalformedAt(pos_ - 1, "integer representation too long");
}

absl::Status Reader::ReadName(std::string* out) {
  uint32_t length;
  if (absl::Status s = ReadU32(&length); !s.ok()) return s;
  if (length > remaining()) return Malformed("length out of bounds");
  if (length > kMaxNameBytes) return Malformed("name too long (implementation limit 100000 bytes)");
  absl::Span<const uint8_t> bytes(data_ + pos_, length);
  if (!IsValidUtf8(bytes)) return Malformed("malformed UTF-8 encoding");
  out->assign(reinterpret_cast<const char*>(bytes.data()), length);
  pos_ += length;
  return absl::OkStatus();
}

bool IsValidUtf8(absl::Span<const uint8_t> s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const uint8_t c = s[i];
    if (c < 0x80) { ++i; continue; }
    int len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const uint8_t cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (len == 2 && cp < 0x80) return false;     // overlong
    if (len == 3 && cp < 0x800) return false;    // overlong
    if (len == 4 && cp < 0x10000) return false;  // overlong
    if (cp > 0x10ffff) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;  // surrogate
    i += len;
  }
  return true;
}

}  // namespace wasm
