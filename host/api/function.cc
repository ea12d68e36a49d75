#include "host/api/function.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "host/api/errors.h"
#include "host/api/state.h"

namespace wasm::api {

Function Function::Host(FuncType type, Callback callback) {
  auto impl = std::make_shared<internal::FunctionImpl>();
  impl->type = std::move(type);
  impl->callback = std::move(callback);
  return Function(std::move(impl));
}

const FuncType& Function::type() const { return impl_->type; }

absl::StatusOr<std::vector<Value>> Function::Call(absl::Span<const Value> args) const {
  const FuncType& type = impl_->type;
  if (args.size() != type.params.size()) {
    return TypeError(absl::StrCat("function ", type.ToString(), " takes ", type.params.size(),
                                  " arguments, got ", args.size()));
  }
  std::vector<uint64_t> bits;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type() != type.params[i]) {
      return TypeError(absl::StrCat("argument ", i, " of function ", type.ToString(), " is ",
                                    args[i].ToString(), ", expected ",
                                    ValTypeName(type.params[i])));
    }
    bits.push_back(args[i].bits());
  }
  absl::StatusOr<std::vector<uint64_t>> results = impl_->CallBits(bits);
  if (!results.ok()) return Classify(results.status());
  if (results->size() != type.results.size()) {
    // Only a broken (or hostile) worker answers with the wrong arity.
    return RuntimeError(absl::StrCat("the call returned ", results->size(), " values, expected ",
                                     type.results.size()));
  }
  std::vector<Value> out;
  for (size_t i = 0; i < results->size(); ++i) {
    out.push_back(Value::FromBits(type.results[i], (*results)[i]));
  }
  return out;
}

namespace internal {

absl::StatusOr<std::vector<uint64_t>> FunctionImpl::CallBits(absl::Span<const uint64_t> args) {
  if (callback) {
    std::vector<Value> values;
    for (size_t i = 0; i < args.size() && i < type.params.size(); ++i) {
      values.push_back(Value::FromBits(type.params[i], args[i]));
    }
    absl::StatusOr<std::vector<Value>> results = callback(values);
    if (!results.ok()) return results.status();
    if (results->size() != type.results.size()) {
      return TypeError(absl::StrCat("host function ", type.ToString(), " returned ",
                                    results->size(), " values"));
    }
    std::vector<uint64_t> bits;
    for (size_t i = 0; i < results->size(); ++i) {
      if ((*results)[i].type() != type.results[i]) {
        return TypeError(absl::StrCat("host function ", type.ToString(), " returned ",
                                      (*results)[i].ToString(), " as result ", i));
      }
      bits.push_back((*results)[i].bits());
    }
    return bits;
  }
  if (instance == nullptr) return absl::FailedPreconditionError("an empty Function");
  if (handle != 0) return instance->worker->CallFuncRef(handle, args);
  return instance->worker->CallExport(instance->id, export_name, args);
}

}  // namespace internal
}  // namespace wasm::api
