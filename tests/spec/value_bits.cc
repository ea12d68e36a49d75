#include "tests/spec/value_bits.h"

#include "runtime/instance/instance_errors.h"
#include "runtime/vm/trap.h"
#include "tests/spec/engine.h"

namespace wasm::spec {

absl::StatusOr<uint64_t> ToBits(const Value& v) {
  switch (v.type) {
    case ValueType::kI32:
    case ValueType::kF32:
      return v.scalar.bits & 0xffffffffu;
    case ValueType::kI64:
    case ValueType::kF64:
      return v.scalar.bits;
    case ValueType::kExternRef:
      return v.is_null ? 0 : v.scalar.bits + 1;
    case ValueType::kFuncRef:
      if (v.is_null) return 0;
      return UnsupportedError("funcref arguments other than null");
    case ValueType::kV128:
      return UnsupportedError("v128 values (SIMD is not supported)");
  }
  return absl::InternalError("unknown value type");
}

absl::StatusOr<Value> FromBits(ValType type, uint64_t bits) {
  Value v;
  switch (type) {
    case ValType::kI32: v.type = ValueType::kI32; v.scalar.bits = bits & 0xffffffffu; return v;
    case ValType::kF32: v.type = ValueType::kF32; v.scalar.bits = bits & 0xffffffffu; return v;
    case ValType::kI64: v.type = ValueType::kI64; v.scalar.bits = bits; return v;
    case ValType::kF64: v.type = ValueType::kF64; v.scalar.bits = bits; return v;
    case ValType::kExternRef:
      v.type = ValueType::kExternRef;
      v.is_null = bits == 0;
      v.scalar.bits = bits == 0 ? 0 : bits - 1;
      return v;
    case ValType::kFuncRef:
      v.type = ValueType::kFuncRef;
      v.is_null = bits == 0;
      return v;
    case ValType::kV128:
      return UnsupportedError("v128 results (SIMD is not supported)");
  }
  return absl::InternalError("unknown value type");
}

absl::Status ToScriptError(const absl::Status& status) {
  switch (GetInstanceErrorKind(status)) {
    case InstanceErrorKind::kLink:
      return LinkError(status.message());
    case InstanceErrorKind::kTrap: {
      const std::optional<TrapKind> kind = GetTrapKind(status);
      return TrapError(kind.has_value() ? TrapMessage(*kind) : status.message());
    }
    default:
      return status;
  }
}

}  // namespace wasm::spec
