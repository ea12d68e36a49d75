// Table storage: a malloc'd array so that growth can realloc (and the
// allocator can mremap large tables) and allocation failure is an error, not
// an exception.
#include "runtime/instance/table.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "absl/strings/str_cat.h"
#include "runtime/limits.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

constexpr uint64_t kSpecMaxTableSize = 0xffffffffu;

std::string ElementsText(uint64_t count) {
  return absl::StrCat(count, count == 1 ? " element" : " elements");
}

}  // namespace

absl::StatusOr<std::shared_ptr<Table>> Table::Create(const TableType& type, uint64_t init) {
  if (!IsRefType(type.elem_type)) {
    return absl::InvalidArgumentError(
        absl::StrCat("table: element type ", ValTypeName(type.elem_type), " is not a reference"));
  }
  const Limits& limits = type.limits;
  if (limits.max.has_value() && limits.min > *limits.max) {
    return absl::InvalidArgumentError(
        absl::StrCat("table: minimum ", limits.min, " is greater than the maximum ", *limits.max));
  }
  if (limits.min > kMaxTableSize) {
    return absl::ResourceExhaustedError(absl::StrCat("table: ", ElementsText(limits.min),
                                                     " exceed the implementation limit of ",
                                                     kMaxTableSize));
  }
  std::shared_ptr<Table> table(new (std::nothrow) Table(type.elem_type, limits.max));
  if (table == nullptr) return absl::ResourceExhaustedError("table: out of memory");
  if (limits.min > 0) {
    // calloc: a large table of nulls costs address space, not memory, until
    // entries are written.
    table->view_.elements = static_cast<uint64_t*>(std::calloc(limits.min, sizeof(uint64_t)));
    if (table->view_.elements == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat("table: cannot allocate ", ElementsText(limits.min)));
    }
    table->capacity_ = limits.min;
    table->view_.size = limits.min;
    if (init != 0) std::fill_n(table->view_.elements, limits.min, init);
  }
  return table;
}

Table::~Table() { std::free(view_.elements); }

TableType Table::type() const {
  TableType t;
  t.elem_type = elem_type_;
  t.limits.min = view_.size;
  t.limits.max = max_;
  return t;
}

uint64_t Table::Limit() const {
  return std::min(
      {max_.value_or(kSpecMaxTableSize), kSpecMaxTableSize, static_cast<uint64_t>(kMaxTableSize)});
}

absl::StatusOr<uint64_t> Table::Get(uint64_t index) const {
  if (index >= view_.size) return absl::OutOfRangeError("out of bounds table access");
  return view_.elements[index];
}

absl::Status Table::Set(uint64_t index, uint64_t ref) {
  if (index >= view_.size) return absl::OutOfRangeError("out of bounds table access");
  view_.elements[index] = ref;
  return absl::OkStatus();
}

absl::Status Table::Reserve(uint64_t count) {
  if (count <= capacity_) return absl::OkStatus();
  // Doubling keeps a loop of table.grow(1) linear; never past Limit().
  uint64_t capacity = std::max(count, std::min(capacity_ * 2, Limit()));
  void* grown = std::realloc(view_.elements, capacity * sizeof(uint64_t));
  if (grown == nullptr && capacity > count) {
    capacity = count;
    grown = std::realloc(view_.elements, capacity * sizeof(uint64_t));
  }
  if (grown == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat("table.grow: cannot allocate ", ElementsText(count)));
  }
  view_.elements = static_cast<uint64_t*>(grown);
  capacity_ = capacity;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Table::Grow(uint64_t delta, uint64_t init) {
  const uint64_t old_size = view_.size;
  const uint64_t spec_limit = std::min(max_.value_or(kSpecMaxTableSize), kSpecMaxTableSize);
  // delta is at most 2^32 - 1 from wasm; the subtraction form cannot overflow.
  if (delta > spec_limit - old_size) {
    return absl::OutOfRangeError(absl::StrCat("table.grow: ", old_size, " + ", delta,
                                              " elements exceeds the maximum of ", spec_limit));
  }
  const uint64_t new_size = old_size + delta;
  if (new_size > kMaxTableSize) {
    return absl::ResourceExhaustedError(absl::StrCat("table.grow: ", ElementsText(new_size),
                                                     " exceed the implementation limit of ",
                                                     kMaxTableSize));
  }
  RETURN_IF_ERROR(Reserve(new_size));
  std::fill(view_.elements + old_size, view_.elements + new_size, init);
  view_.size = new_size;
  return old_size;
}

}  // namespace wasm
