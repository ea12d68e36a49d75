// Status propagation helpers. Debian's Abseil (20220623) ships none, so we keep
// exactly these two and no other return-hiding macros (see shared/STYLE.md).
#ifndef RUNTIME_STATUS_MACROS_H_
#define RUNTIME_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WASM_STATUS_CONCAT_INNER_(a, b) a##b
#define WASM_STATUS_CONCAT_(a, b) WASM_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the caller if not OK.
#define RETURN_IF_ERROR(expr)                       \
  do {                                              \
    ::absl::Status status_macro_tmp_ = (expr);      \
    if (!status_macro_tmp_.ok()) return status_macro_tmp_; \
  } while (0)

// `ASSIGN_OR_RETURN(lhs, expr)`: evaluates `expr` (an absl::StatusOr<T>); on
// error returns its status, otherwise moves the value into `lhs`, which may be
// a declaration (`auto x`) or an existing lvalue.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(WASM_STATUS_CONCAT_(statusor_tmp_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // RUNTIME_STATUS_MACROS_H_
