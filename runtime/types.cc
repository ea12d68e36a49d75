#include "runtime/types.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wasm {

bool IsValTypeByte(uint8_t byte) {
  switch (byte) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x70: case 0x6f:
      return true;
    default:
      return false;  // 0x7b (v128) is decodable only with SIMD, which we lack.
  }
}

bool IsRefType(ValType type) {
  return type == ValType::kFuncRef || type == ValType::kExternRef;
}

bool IsNumType(ValType type) {
  return type == ValType::kI32 || type == ValType::kI64 || type == ValType::kF32 ||
         type == ValType::kF64;
}

absl::string_view ValTypeName(ValType type) {
  switch (type) {
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kFuncRef: return "funcref";
    case ValType::kExternRef: return "externref";
  }
  return "?";
}

std::string FuncType::ToString() const {
  auto fmt = [](std::string* out, ValType t) { absl::StrAppend(out, ValTypeName(t)); };
  return absl::StrCat("(", absl::StrJoin(params, ", ", fmt), ") -> (",
                      absl::StrJoin(results, ", ", fmt), ")");
}

absl::string_view ExternKindName(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc: return "function";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
  }
  return "?";
}

}  // namespace wasm
