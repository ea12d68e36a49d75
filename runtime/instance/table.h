// Table: a wasm table of 64-bit references, owned by one instance or shared
// by every instance that imports it (std::shared_ptr).
//
// The references are one contiguous array that generated code indexes through
// the table's TableView (vmcontext.h); growing may move the array and updates
// the view. A funcref entry is a `const FuncRef*`, an externref entry an
// opaque host value; null is 0 for both.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<Table> table,
//                    Table::Create(TableType{ValType::kFuncRef, Limits{10, 20}}));
//   table->size() == 10;  table->Get(3) == 0  (null)
//   RETURN_IF_ERROR(table->Set(3, reinterpret_cast<uint64_t>(func_ref)));
//   ASSIGN_OR_RETURN(uint64_t old_size, table->Grow(5, /*init=*/0));  // 10
//   table->Grow(6, 0) -> OutOfRange (past the maximum of 20)
//
// Besides the type's maximum, a table never holds more than kMaxTableSize
// (runtime/limits.h) elements: a module may declare up to 2^32 - 1, which
// would be 32 GiB of references. Creating a larger table is a
// ResourceExhausted error; growing past it fails like growing past the
// maximum (table.grow returns -1, which the spec allows).
//
// Not thread-safe: wasm 2.0 tables are not shared between threads.
//
// Invariant: view_.elements has room for capacity_ >= view_.size entries and
//   view_.size <= Limit() <= kMaxTableSize.
#ifndef RUNTIME_INSTANCE_TABLE_H_
#define RUNTIME_INSTANCE_TABLE_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/types.h"

namespace wasm {

class Table {
 public:
  // A table of type.limits.min elements, each `init`. InvalidArgument for a
  // non-reference element type or min > max; ResourceExhausted past
  // kMaxTableSize or when the memory cannot be had.
  static absl::StatusOr<std::shared_ptr<Table>> Create(const TableType& type, uint64_t init = 0);

  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table();

  ValType elem_type() const { return elem_type_; }
  uint64_t size() const { return view_.size; }
  std::optional<uint64_t> max() const { return max_; }
  // The type an import of this table is checked against: the current size
  // as the minimum (the spec's `tabletype` of a table instance).
  TableType type() const;

  // What generated code reads; stable for the table's life.
  TableView* view() { return &view_; }
  // The entries, for bulk operations (valid until the next Grow).
  absl::Span<uint64_t> elements() { return absl::Span<uint64_t>(view_.elements, view_.size); }

  // table.get / table.set for the host: OutOfRange "out of bounds table
  // access" past the end.
  absl::StatusOr<uint64_t> Get(uint64_t index) const;
  absl::Status Set(uint64_t index, uint64_t ref);

  // table.grow: appends `delta` entries set to `init`, returns the old size.
  // OutOfRange past the maximum (or 2^32 - 1), ResourceExhausted past
  // kMaxTableSize or on allocation failure; the table is unchanged on error.
  absl::StatusOr<uint64_t> Grow(uint64_t delta, uint64_t init);

 private:
  Table(ValType elem_type, std::optional<uint64_t> max) : elem_type_(elem_type), max_(max) {}

  // The size this table may reach: its maximum, the spec's 2^32 - 1 and
  // kMaxTableSize, whichever is smallest.
  uint64_t Limit() const;
  // Makes room for `count` entries (capacity_ >= count).
  absl::Status Reserve(uint64_t count);

  TableView view_ = {nullptr, 0};
  uint64_t capacity_ = 0;
  const ValType elem_type_;
  const std::optional<uint64_t> max_;
};

}  // namespace wasm

#endif  // RUNTIME_INSTANCE_TABLE_H_
