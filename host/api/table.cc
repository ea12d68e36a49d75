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

}  // namespace

absl::StatusOr<uint32_t> Table::Length() const {
  absl::StatusOr<uint64_t> n = instance_->worker->TableSize(instance_->id, name_);
  if (!n.ok()) return TableError(n.status());
  return static_cast<uint32_t>(*n);
}

absl::StatusOr<std::optional<Function>> Table::Get(uint32_t index) const {
  absl::StatusOr<ipc::TableElement> e = instance_->worker->TableGet(instance_->id, name_, index);
  if (!e.ok()) return TableError(e.status());
  if (element_ != ValType::kFuncRef) {
    return TypeError("Table.get: externref tables hold host values, not functions");
  }
  if (e->handle() == 0) return std::optional<Function>();
  absl::StatusOr<FuncType> type = ipc::FromProto(e->signature());
  if (!type.ok()) return type.status();
  auto impl = std::make_shared<internal::FunctionImpl>();
  impl->type = *std::move(type);
  impl->instance = instance_;
  impl->handle = e->handle();
  return std::optional<Function>(Function(std::move(impl)));
}

absl::StatusOr<uint64_t> Table::HandleOf(const std::optional<Function>& ref) const {
  if (!ref.has_value()) return 0;
  const auto& impl = ref->impl();
  if (impl->instance != instance_ || impl->handle == 0) {
    return TypeError("Table.set: only null or elements of this instance's tables can be stored");
  }
  return impl->handle;
}

absl::Status Table::Set(uint32_t index, const std::optional<Function>& ref) const {
  absl::StatusOr<uint64_t> handle = HandleOf(ref);
  if (!handle.ok()) return handle.status();
  return TableError(instance_->worker->TableSet(instance_->id, name_, index, *handle));
}

absl::StatusOr<uint32_t> Table::Grow(uint32_t delta, const std::optional<Function>& init) const {
  absl::StatusOr<uint64_t> handle = HandleOf(init);
  if (!handle.ok()) return handle.status();
  absl::StatusOr<uint64_t> old = instance_->worker->TableGrow(instance_->id, name_, delta, *handle);
  if (!old.ok()) return TableError(old.status());
  return static_cast<uint32_t>(*old);
}

}  // namespace wasm::api
