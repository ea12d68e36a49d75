// Runtime types <-> their ipc/messages.proto form.
//
//   FuncSignature s = ToProto(func_type);
//   ASSIGN_OR_RETURN(FuncType t, FromProto(s));   // InvalidArgument on a bad type byte
#ifndef IPC_CONVERT_H_
#define IPC_CONVERT_H_

#include "absl/status/statusor.h"
#include "ipc/messages.pb.h"
#include "runtime/types.h"

namespace wasm::ipc {

FuncSignature ToProto(const FuncType& type);
absl::StatusOr<FuncType> FromProto(const FuncSignature& signature);

ipc::Limits ToProto(const wasm::Limits& limits);
wasm::Limits FromProto(const ipc::Limits& limits);

// A value type from its byte; InvalidArgument when it is not one.
absl::StatusOr<ValType> ValTypeFromProto(uint32_t byte);

}  // namespace wasm::ipc

#endif  // IPC_CONVERT_H_
