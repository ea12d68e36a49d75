// Value: a WebAssembly value as the embedding API passes it — i32, i64, f32,
// f64, or a reference (externref: an opaque 64-bit host value; funcref: null
// only, for now).
//
//   Value v = Value::I32(42);
//   v.type() == ValType::kI32 && v.i32() == 42
//   Value::F64(0.5).ToString() == "0.5 : f64"
#ifndef HOST_API_VALUE_H_
#define HOST_API_VALUE_H_

#include <cstdint>
#include <string>

#include "runtime/types.h"

namespace wasm::api {

class Value {
 public:
  static Value I32(int32_t v) { return Value(ValType::kI32, static_cast<uint32_t>(v)); }
  static Value I64(int64_t v) { return Value(ValType::kI64, static_cast<uint64_t>(v)); }
  static Value F32(float v);
  static Value F64(double v);
  // A host reference; 0 is null.
  static Value ExternRef(uint64_t v) { return Value(ValType::kExternRef, v); }
  static Value NullFuncRef() { return Value(ValType::kFuncRef, 0); }
  // A value of `type` from the runtime's 64-bit pattern.
  static Value FromBits(ValType type, uint64_t bits) { return Value(type, bits); }

  ValType type() const { return type_; }
  uint64_t bits() const { return bits_; }
  int32_t i32() const { return static_cast<int32_t>(static_cast<uint32_t>(bits_)); }
  int64_t i64() const { return static_cast<int64_t>(bits_); }
  float f32() const;
  double f64() const;
  // "42 : i32"
  std::string ToString() const;

  bool operator==(const Value& other) const = default;

 private:
  Value(ValType type, uint64_t bits) : type_(type), bits_(bits) {}
  ValType type_;
  uint64_t bits_;
};

}  // namespace wasm::api

#endif  // HOST_API_VALUE_H_
