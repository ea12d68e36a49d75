#include "host/api/global.h"

#include "absl/strings/str_cat.h"
#include "host/api/errors.h"
#include "host/api/state.h"

namespace wasm::api {

absl::StatusOr<Global> Global::Create(const GlobalDescriptor& d, Value init) {
  if (init.type() != d.value) {
    return TypeError(absl::StrCat("Global: the initial value ", init.ToString(), " is not a ",
                                  ValTypeName(d.value)));
  }
  absl::StatusOr<std::unique_ptr<host::GlobalSegment>> segment = host::GlobalSegment::Create(
      GlobalType{d.value, d.mutable_ ? Mutability::kVar : Mutability::kConst}, init.bits());
  if (!segment.ok()) return segment.status();
  return Global(std::shared_ptr<host::GlobalSegment>(*std::move(segment)));
}

GlobalDescriptor Global::descriptor() const {
  const GlobalType& t = segment_ != nullptr ? segment_->type() : type_;
  return GlobalDescriptor{t.type, t.mutability == Mutability::kVar};
}

absl::StatusOr<Value> Global::value() const {
  if (segment_ != nullptr) {
    return Value::FromBits(segment_->type().type, segment_->cell()->Get(segment_->type().type));
  }
  absl::StatusOr<uint64_t> bits = instance_->worker->GetGlobal(instance_->id, name_);
  if (!bits.ok()) return Classify(bits.status());
  return Value::FromBits(type_.type, *bits);
}

absl::Status Global::SetValue(Value v) const {
  const GlobalDescriptor d = descriptor();
  if (!d.mutable_) return TypeError("Global.value: the global is immutable");
  if (v.type() != d.value) {
    return TypeError(absl::StrCat("Global.value: ", v.ToString(), " is not a ", ValTypeName(d.value)));
  }
  if (segment_ != nullptr) {
    segment_->cell()->Set(d.value, v.bits());
    return absl::OkStatus();
  }
  return Classify(instance_->worker->SetGlobal(instance_->id, name_, v.bits()));
}

}  // namespace wasm::api
