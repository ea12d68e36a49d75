// A bounds-checked cursor over untrusted module bytes.
//
// All reads report errors through absl::Status with the spec's wording and the
// absolute byte offset in the module. LEB128 decoding enforces the spec's
// rules: at most ceil(N/7) bytes ("integer representation too long") and
// unused bits of the last byte zero or sign bits ("integer too large").
//
//   Reader r(module_bytes, section_begin, section_end);
//   uint32_t count;
//   RETURN_IF_ERROR(r.ReadU32(&count));
//
// Invariant: begin <= pos_ <= end_ <= data.size(), always.
#ifndef RUNTIME_READER_H_
#define RUNTIME_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "runtime/errors.h"

namespace wasm {

class Reader {
 public:
  // Reads data[begin, end). `whole_module` tells which "unexpected end"
  // wording applies when a read runs past `end`.
  Reader(absl::Span<const uint8_t> data, size_t begin, size_t end, bool whole_module = false)
      : data_(data.data()), pos_(begin), end_(end), whole_module_(whole_module) {}

  size_t offset() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool AtEnd() const { return pos_ >= end_; }
  void set_function(uint32_t func_index) { func_index_ = func_index; }

  absl::Status ReadU8(uint8_t* out) {
    if (pos_ >= end_) return EndError();
    *out = data_[pos_++];
    return absl::OkStatus();
  }
  // The next byte without consuming it; false at the end.
  bool Peek(uint8_t* out) const {
    if (pos_ >= end_) return false;
    *out = data_[pos_];
    return true;
  }

  absl::Status ReadU32(uint32_t* out) {
    if (pos_ < end_ && data_[pos_] < 0x80) {  // the common one-byte case
      *out = data_[pos_++];
      return absl::OkStatus();
    }
    uint64_t v;
    absl::Status s = ReadLeb(32, false, &v);
    *out = static_cast<uint32_t>(v);
    return s;
  }
  absl::Status ReadS32(int32_t* out) {
    uint64_t v;
    absl::Status s = ReadLeb(32, true, &v);
    *out = static_cast<int32_t>(v);
    return s;
  }
  absl::Status ReadS33(int64_t* out) {
    uint64_t v;
    absl::Status s = ReadLeb(33, true, &v);
    *out = static_cast<int64_t>(v);
    return s;
  }
  absl::Status ReadS64(int64_t* out) {
    uint64_t v;
    absl::Status s = ReadLeb(64, true, &v);
    *out = static_cast<int64_t>(v);
    return s;
  }
  absl::Status ReadU64(uint64_t* out) { return ReadLeb(64, false, out); }

  // Little-endian fixed-width reads (float constants).
  absl::Status ReadFixed32(uint32_t* out) {
    if (remaining() < 4) return EndError();
    std::memcpy(out, data_ + pos_, 4);
    pos_ += 4;
    return absl::OkStatus();
  }
  absl::Status ReadFixed64(uint64_t* out) {
    if (remaining() < 8) return EndError();
    std::memcpy(out, data_ + pos_, 8);
    pos_ += 8;
    return absl::OkStatus();
  }

  // Skips `n` bytes.
  absl::Status Skip(size_t n) {
    if (remaining() < n) return EndError();
    pos_ += n;
    return absl::OkStatus();
  }

  // A name: u32 length, then that many bytes of valid UTF-8.
  absl::Status ReadName(std::string* out);

  // LEB128 of at most `bits` bits (32, 33 or 64), signed or not.
  absl::Status ReadLeb(int bits, bool is_signed, uint64_t* out);

  absl::Status EndError() const {
    return MalformedError(pos_, whole_module_ ? "unexpected end"
                                              : "unexpected end of section or function",
                          func_index_);
  }
  absl::Status Malformed(absl::string_view text) const {
    return MalformedError(pos_, text, func_index_);
  }
  absl::Status MalformedAt(size_t offset, absl::string_view text) const {
    return MalformedError(offset, text, func_index_);
  }

 private:
  const uint8_t* data_;
  size_t pos_;
  size_t end_;
  bool whole_module_;
  uint32_t func_index_ = kNoFunction;
};

// True if `bytes` is valid UTF-8 (no overlongs, surrogates, or > U+10FFFF).
bool IsValidUtf8(absl::Span<const uint8_t> bytes);

}  // namespace wasm

#endif  // RUNTIME_READER_H_
