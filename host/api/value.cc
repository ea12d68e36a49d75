#include "host/api/value.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace wasm::api {

Value Value::F32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return Value(ValType::kF32, bits);
}

Value Value::F64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  return Value(ValType::kF64, bits);
}

float Value::f32() const {
  const uint32_t b = static_cast<uint32_t>(bits_);
  float v;
  std::memcpy(&v, &b, 4);
  return v;
}

double Value::f64() const {
  double v;
  std::memcpy(&v, &bits_, 8);
  return v;
}

std::string Value::ToString() const {
  switch (type_) {
    case ValType::kI32: return absl::StrCat(i32(), " : i32");
    case ValType::kI64: return absl::StrCat(i64(), " : i64");
    case ValType::kF32: return absl::StrCat(f32(), " : f32");
    case ValType::kF64: return absl::StrCat(f64(), " : f64");
    default:
      return bits_ == 0 ? absl::StrCat("null : ", ValTypeName(type_))
                        : absl::StrCat(bits_, " : ", ValTypeName(type_));
  }
}

}  // namespace wasm::api
