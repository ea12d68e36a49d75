#include "runtime/jit/compiled_module.h"

#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "runtime/codegen/emit.h"
#include "runtime/instance/builtins.h"
#include "runtime/ir/builtins.h"
#include "runtime/opt/pipeline.h"
#include "runtime/status_macros.h"
#include "runtime/translator/translator.h"
#include "runtime/x64/assembler.h"

namespace wasm {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Writes the builtins' addresses into the code (kAbs64 relocations; the code
// generator calls builtins through `movabs r11, addr; call r11`).
absl::Status PatchRelocations(x64::AssembledCode& code) {
  for (const x64::Relocation& r : code.relocations) {
    if (r.kind != x64::Relocation::Kind::kAbs64) {
      return absl::InternalError(absl::StrCat("unsupported relocation kind at code offset ", r.offset));
    }
    const void* address = BuiltinAddress(static_cast<ir::Builtin>(r.symbol.id()));
    if (address == nullptr) {
      return absl::InternalError(absl::StrCat("unknown builtin ", r.symbol.id()));
    }
    const uint64_t value = reinterpret_cast<uintptr_t>(address);
    std::memcpy(code.bytes.data() + r.offset, &value, sizeof(value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledModule>> CompiledModule::Compile(
    std::shared_ptr<const Module> module) {
  if (module == nullptr) return absl::InvalidArgumentError("CompiledModule::Compile: null module");
  auto out = std::shared_ptr<CompiledModule>(new CompiledModule());
  out->module_ = module;
  const Module& m = *module;
  const uint32_t num_defined = static_cast<uint32_t>(m.bodies.size());

  x64::Assembler as;
  codegen::ModuleCodegenContext ctx(m);
  ctx.function_labels.clear();
  ctx.function_labels.reserve(m.functions.size());
  for (size_t i = 0; i < m.functions.size(); ++i) ctx.function_labels.push_back(as.NewLabel());

  for (uint32_t d = 0; d < num_defined; ++d) {
    const uint32_t func_index = m.num_imported_functions + d;
    auto t0 = Clock::now();
    ASSIGN_OR_RETURN(ir::Function f, TranslateFunction(m, d));
    out->stats_.translate_seconds += Since(t0);
    t0 = Clock::now();
    RETURN_IF_ERROR(opt::Optimize(f));
    out->stats_.optimize_seconds += Since(t0);
    t0 = Clock::now();
    RETURN_IF_ERROR(codegen::CompileFunction(f, func_index, ctx, as));
    out->stats_.codegen_seconds += Since(t0);
  }
  std::vector<x64::Label> entries;
  entries.reserve(num_defined);
  for (uint32_t d = 0; d < num_defined; ++d) {
    const uint32_t func_index = m.num_imported_functions + d;
    entries.push_back(as.NewLabel());
    as.Bind(entries.back());
    codegen::EmitArrayEntryTrampoline(m.FunctionType(func_index), ctx.function_labels[func_index], as);
  }

  const auto t0 = Clock::now();
  ASSIGN_OR_RETURN(x64::AssembledCode code, as.Finish());
  out->stats_.code_bytes = code.bytes.size();
  if (code.bytes.empty()) {  // a module without functions: nothing to map
    out->stats_.assemble_seconds = Since(t0);
    return std::shared_ptr<const CompiledModule>(std::move(out));
  }
  RETURN_IF_ERROR(PatchRelocations(code));
  out->code_offsets_.reserve(num_defined);
  out->entry_offsets_.reserve(num_defined);
  for (uint32_t d = 0; d < num_defined; ++d) {
    out->code_offsets_.push_back(as.LabelOffset(ctx.function_labels[m.num_imported_functions + d]));
    out->entry_offsets_.push_back(as.LabelOffset(entries[d]));
  }
  ASSIGN_OR_RETURN(out->code_, CodeMemory::Create(code.bytes));
  JitFunctionTable functions;
  if (num_defined > 0) {  // else the code is trampolines and pool only: no functions
    functions.first_index = m.num_imported_functions;
    functions.starts = out->code_offsets_;
    functions.end = out->entry_offsets_[0];
  }
  ASSIGN_OR_RETURN(out->registration_,
                   RegisterJitCode(out->code_->code(), std::move(code.traps), functions));
  out->symbols_ = RegisterModuleSymbols(out->code_->start(), module);
  out->stats_.assemble_seconds = Since(t0);
  return std::shared_ptr<const CompiledModule>(std::move(out));
}

const void* CompiledModule::native_code(uint32_t defined_index) const {
  return code_->start() + code_offsets_[defined_index];
}

const void* CompiledModule::array_entry(uint32_t defined_index) const {
  return code_->start() + entry_offsets_[defined_index];
}

}  // namespace wasm
