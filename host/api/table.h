// Table: an instance's exported table of references. Function elements come
// back as callable Functions (the worker hands out a handle per reference);
// null elements as nullopt.
//
//   ASSIGN_OR_RETURN(Table table, instance.GetTable("tbl"));
//   ASSIGN_OR_RETURN(std::optional<Function> f, table.Get(0));
//   ASSIGN_OR_RETURN(std::vector<Value> r, (*f)({}));      // 13
//   RETURN_IF_ERROR(table.Set(1, f));                       // same-instance references
//   ASSIGN_OR_RETURN(uint32_t old, table.Grow(2, std::nullopt));
//
// RangeError for an index past the end or growth past the maximum.
// Host-created tables (new WebAssembly.Table) are not supported yet: a table
// lives in the worker of the instance that defines it.
#ifndef HOST_API_TABLE_H_
#define HOST_API_TABLE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "host/api/function.h"
#include "runtime/types.h"

namespace wasm::api {

namespace internal {
struct InstanceState;
}

class Table {
 public:
  ValType element_type() const { return element_; }
  absl::StatusOr<uint32_t> Length() const;
  absl::StatusOr<std::optional<Function>> Get(uint32_t index) const;
  // `ref` must be null or a function of the same instance (a table element
  // or an export of it); others are a TypeError.
  absl::Status Set(uint32_t index, const std::optional<Function>& ref) const;
  absl::StatusOr<uint32_t> Grow(uint32_t delta, const std::optional<Function>& init) const;

  // Internal (host/api).
  Table(std::shared_ptr<internal::InstanceState> instance, std::string name, ValType element)
      : instance_(std::move(instance)), name_(std::move(name)), element_(element) {}

 private:
  absl::StatusOr<uint64_t> HandleOf(const std::optional<Function>& ref) const;

  std::shared_ptr<internal::InstanceState> instance_;
  std::string name_;
  ValType element_;
};

}  // namespace wasm::api

#endif  // HOST_API_TABLE_H_
