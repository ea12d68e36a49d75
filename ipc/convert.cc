#include "ipc/convert.h"

#include "absl/strings/str_cat.h"

namespace wasm::ipc {

absl::StatusOr<ValType> ValTypeFromProto(uint32_t byte) {
  if (byte > 0xff || !IsValTypeByte(static_cast<uint8_t>(byte))) {
    return absl::InvalidArgumentError(absl::StrCat("not a value type: 0x", absl::Hex(byte)));
  }
  return static_cast<ValType>(byte);
}

FuncSignature ToProto(const FuncType& type) {
  FuncSignature out;
  for (ValType t : type.params) out.mutable_params()->push_back(static_cast<char>(t));
  for (ValType t : type.results) out.mutable_results()->push_back(static_cast<char>(t));
  return out;
}

absl::StatusOr<FuncType> FromProto(const FuncSignature& signature) {
  FuncType type;
  for (char c : signature.params()) {
    absl::StatusOr<ValType> t = ValTypeFromProto(static_cast<uint8_t>(c));
    if (!t.ok()) return t.status();
    type.params.push_back(*t);
  }
  for (char c : signature.results()) {
    absl::StatusOr<ValType> t = ValTypeFromProto(static_cast<uint8_t>(c));
    if (!t.ok()) return t.status();
    type.results.push_back(*t);
  }
  return type;
}

ipc::Limits ToProto(const wasm::Limits& limits) {
  ipc::Limits out;
  out.set_initial(limits.min);
  out.set_has_maximum(limits.max.has_value());
  if (limits.max.has_value()) out.set_maximum(*limits.max);
  return out;
}

wasm::Limits FromProto(const ipc::Limits& limits) {
  wasm::Limits out;
  out.min = limits.initial();
  if (limits.has_maximum()) out.max = limits.maximum();
  return out;
}

}  // namespace wasm::ipc
