#include "tests/spec/jit_engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/instance/spectest.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/status_macros.h"
#include "runtime/validator.h"
#include "runtime/vm/trap.h"
#include "tests/spec/value_bits.h"

namespace wasm::spec {

JitEngine::JitEngine(CompileOptions::Tier tier) : tier_(tier) {
  setup_ = DefineSpectest(&imports_);
}

absl::Status JitEngine::Compile(std::vector<uint8_t> bytes) {
  return CompileModule(std::move(bytes)).status();
}

absl::Status JitEngine::Instantiate(std::vector<uint8_t> bytes,
                                    const std::optional<std::string>& name) {
  RETURN_IF_ERROR(setup_);
  ASSIGN_OR_RETURN(std::shared_ptr<const Module> module, CompileModule(std::move(bytes)));
  // On every CPU: the suite is also the parallel compiler's thread-safety test.
  ASSIGN_OR_RETURN(std::shared_ptr<const CompiledModule> code,
                   CompiledModule::Compile(module, {.threads = 0, .tier = tier_}));
  absl::StatusOr<JitInstance*> instance = store_.Instantiate(code, imports_);
  if (!instance.ok()) return ToScriptError(instance.status());
  current_ = *instance;
  if (name.has_value()) named_[*name] = current_;
  return absl::OkStatus();
}

absl::StatusOr<JitInstance*> JitEngine::Find(const std::optional<std::string>& name) {
  if (!name.has_value()) {
    if (current_ == nullptr) return absl::FailedPreconditionError("no module instantiated yet");
    return current_;
  }
  auto it = named_.find(*name);
  if (it == named_.end()) return absl::NotFoundError(absl::StrCat("no module named ", *name));
  return it->second;
}

absl::Status JitEngine::Register(const std::optional<std::string>& name, absl::string_view as) {
  ASSIGN_OR_RETURN(JitInstance * instance, Find(name));
  return DefineInstanceExports(as, instance->instance(), &imports_, Imports::OnDuplicate::kReplace);
}

absl::StatusOr<std::vector<Value>> JitEngine::Invoke(const Action& action) {
  ASSIGN_OR_RETURN(JitInstance * instance, Find(action.module));
  const Instance& inst = instance->instance();
  std::optional<Extern> e = inst.GetExport(action.field);
  if (!e.has_value() || e->kind() != ExternKind::kFunc) {
    return absl::NotFoundError(absl::StrCat("no exported function \"", action.field, "\""));
  }
  // The export's type: the module's type for the function index it names.
  const Module& m = inst.module();
  const FuncType* type = nullptr;
  for (const Export& ex : m.exports) {
    if (ex.kind == ExternKind::kFunc && ex.name == action.field) type = &m.FunctionType(ex.index);
  }
  if (type == nullptr) return absl::InternalError("export without a type");
  std::vector<uint64_t> args;
  for (const Value& v : action.args) {
    ASSIGN_OR_RETURN(uint64_t bits, ToBits(v));
    args.push_back(bits);
  }
  absl::StatusOr<std::vector<uint64_t>> results = CallFunction(*e->func(), *type, args);
  if (!results.ok()) return ToScriptError(results.status());
  std::vector<Value> out;
  for (size_t i = 0; i < results->size(); ++i) {
    ASSIGN_OR_RETURN(Value v, FromBits(type->results[i], (*results)[i]));
    out.push_back(v);
  }
  return out;
}

absl::StatusOr<Value> JitEngine::Get(const Action& action) {
  ASSIGN_OR_RETURN(JitInstance * instance, Find(action.module));
  std::optional<Extern> e = instance->instance().GetExport(action.field);
  if (!e.has_value() || e->kind() != ExternKind::kGlobal) {
    return absl::NotFoundError(absl::StrCat("no exported global \"", action.field, "\""));
  }
  const ValType type = e->global_type().type;
  return FromBits(type, e->global()->Get(type));
}

}  // namespace wasm::spec
