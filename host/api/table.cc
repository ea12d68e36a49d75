#include "host/api/table.h"

#include "absl/strings/str_cat.h"
#include "host/api/errors.h"
#include "host/api/state.h"
#include "ipc/convert.h"

namespace wasm::api {
namespace {

// Table errors from the worker (out of range) as RangeErrors.
absl::Status TableError(const absl::Status& s) {
  if (absl::IsResourceExhausted(s) || absl::IsOutOfRange(s)) return RangeError(s.message());
  return Classify(s);
}

absl::Status OutOfRange(uint64_t index, uint64_t length) {
  return RangeError(absl::StrCat("table index ", index, " is out of range (length ", length, ")"));
}

}  // namespace

Table::Table(std::shared_ptr<internal::InstanceState> instance, std::string name, ValType element)
    : state_(std::make_shared<internal::TableState>()) {
  state_->element = element;
  state_->instance = std::move(instance);
  state_->ref.instance_id = state_->instance->id;
  state_->ref.export_name = std::move(name);
}

absl::StatusOr<Table> Table::Create(const TableDescriptor& d) {
  if (d.element != ValType::kFuncRef && d.element != ValType::kExternRef) {
    return TypeError(absl::StrCat("Table: the element type must be funcref or externref, not ",
                                  ValTypeName(d.element)));
  }
  if (d.maximum.has_value() && *d.maximum < d.initial) {
    return RangeError(absl::StrCat("Table: initial length ", d.initial,
                                   " is larger than the maximum ", *d.maximum));
  }
  auto state = std::make_shared<internal::TableState>();
  state->element = d.element;
  state->host_created = true;
  state->length = d.initial;
  state->maximum = d.maximum;
  return Table(std::move(state));
}

ValType Table::element_type() const { return state_->element; }

absl::StatusOr<uint32_t> Table::Length() const {
  if (state_->instance == nullptr) return static_cast<uint32_t>(state_->length);
  absl::StatusOr<uint64_t> n = state_->instance->worker->TableSize(state_->ref);
  if (!n.ok()) return TableError(n.status());
  return static_cast<uint32_t>(*n);
}

absl::StatusOr<std::optional<Function>> Table::Get(uint32_t index) const {
  if (state_->element != ValType::kFuncRef) {
    return TypeError("Table.get: externref tables hold host values, not functions");
  }
  if (state_->instance == nullptr) {
    if (index >= state_->length) return OutOfRange(index, state_->length);
    return std::optional<Function>();
  }
  absl::StatusOr<ipc::TableElement> e = state_->instance->worker->TableGet(state_->ref, index);
  if (!e.ok()) return TableError(e.status());
  if (e->handle() == 0) return std::optional<Function>();
  absl::StatusOr<FuncType> type = ipc::FromProto(e->signature());
  if (!type.ok()) return type.status();
  auto impl = std::make_shared<internal::FunctionImpl>();
  impl->type = *std::move(type);
  impl->instance = state_->instance;
  impl->handle = e->handle();
  return std::optional<Function>(Function(std::move(impl)));
}

absl::StatusOr<uint64_t> Table::HandleOf(const std::optional<Function>& ref) const {
  if (!ref.has_value()) return 0;
  const auto& impl = ref->impl();
  if (state_->instance == nullptr || impl->instance == nullptr || impl->handle == 0 ||
      impl->instance->worker != state_->instance->worker) {
    return TypeError("Table.set: only null or elements of tables in the same worker can be stored");
  }
  return impl->handle;
}

absl::Status Table::Set(uint32_t index, const std::optional<Function>& ref) const {
  absl::StatusOr<uint64_t> handle = HandleOf(ref);
  if (!handle.ok()) return handle.status();
  if (state_->instance == nullptr) {
    return index < state_->length ? absl::OkStatus() : OutOfRange(index, state_->length);
  }
  return TableError(state_->instance->worker->TableSet(state_->ref, index, *handle));
}

absl::StatusOr<uint32_t> Table::Grow(uint32_t delta, const std::optional<Function>& init) const {
  absl::StatusOr<uint64_t> handle = HandleOf(init);
  if (!handle.ok()) return handle.status();
  if (state_->instance == nullptr) {
    const uint64_t limit = state_->maximum.value_or(0xffffffffu);
    if (delta > limit - state_->length) {
      return RangeError(absl::StrCat("Table.grow(", delta, "): past the maximum of ", limit));
    }
    const uint64_t old = state_->length;
    state_->length += delta;
    return static_cast<uint32_t>(old);
  }
  absl::StatusOr<uint64_t> old = state_->instance->worker->TableGrow(state_->ref, delta, *handle);
  if (!old.ok()) return TableError(old.status());
  return static_cast<uint32_t>(*old);
}

}  // namespace wasm::api
