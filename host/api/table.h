// Table: a table of references — an instance's export, or host-created
// (new WebAssembly.Table). Function elements come back as callable Functions
// (the worker hands out a handle per reference); null elements as nullopt.
//
//   ASSIGN_OR_RETURN(Table table, instance.GetTable("tbl"));
//   ASSIGN_OR_RETURN(std::optional<Function> f, table.Get(0));
//   ASSIGN_OR_RETURN(std::vector<Value> r, (*f)({}));      // 13
//   RETURN_IF_ERROR(table.Set(1, f));                       // same-worker references
//   ASSIGN_OR_RETURN(uint32_t old, table.Grow(2, std::nullopt));
//
//   ASSIGN_OR_RETURN(Table mine, Table::Create({.element = ValType::kFuncRef, .initial = 2}));
//   imports.Define("js", "tbl", mine);   // it now lives in that instance's worker
//
// A table lives in one worker process, because function references are
// process-local: a host-created table moves into the worker of the first
// instance that imports it (until then it holds nulls), and instances in
// other workers cannot import it, nor another instance's table (LinkError).
// RangeError for an index past the end or growth past the maximum.
#ifndef HOST_API_TABLE_H_
#define HOST_API_TABLE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "host/api/function.h"
#include "host/worker_connection.h"
#include "runtime/types.h"

namespace wasm::api {

namespace internal {
struct InstanceState;
struct TableState;
}  // namespace internal

struct TableDescriptor {
  ValType element = ValType::kFuncRef;
  uint32_t initial = 0;
  std::optional<uint32_t> maximum;
};

class Table {
 public:
  // RangeError when initial > maximum; TypeError for an element type that is
  // not a reference type.
  static absl::StatusOr<Table> Create(const TableDescriptor& descriptor);

  ValType element_type() const;
  absl::StatusOr<uint32_t> Length() const;
  absl::StatusOr<std::optional<Function>> Get(uint32_t index) const;
  // `ref` must be null or a function of the table's worker (a table element
  // or an export there); others are a TypeError.
  absl::Status Set(uint32_t index, const std::optional<Function>& ref) const;
  absl::StatusOr<uint32_t> Grow(uint32_t delta, const std::optional<Function>& init) const;

  // Internal (host/api).
  Table(std::shared_ptr<internal::InstanceState> instance, std::string name, ValType element);
  const std::shared_ptr<internal::TableState>& state() const { return state_; }

 private:
  explicit Table(std::shared_ptr<internal::TableState> state) : state_(std::move(state)) {}
  absl::StatusOr<uint64_t> HandleOf(const std::optional<Function>& ref) const;

  std::shared_ptr<internal::TableState> state_;
};

namespace internal {

struct TableState {
  ValType element = ValType::kFuncRef;
  // Where it lives: the instance (and its worker) and how the worker names
  // it. Null instance: a host-created table no instance has imported yet.
  std::shared_ptr<InstanceState> instance;
  host::WorkerConnection::TableRef ref;
  // A host-created table: its limits, and its length while unbound.
  bool host_created = false;
  uint64_t length = 0;
  std::optional<uint32_t> maximum;
};

}  // namespace internal
}  // namespace wasm::api

#endif  // HOST_API_TABLE_H_
