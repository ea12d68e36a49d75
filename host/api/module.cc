#include "host/api/module.h"

#include "absl/strings/str_cat.h"
#include "host/api/errors.h"
#include "runtime/instance/extern.h"
#include "runtime/streaming_compiler.h"
#include "runtime/validator.h"

namespace wasm::api {

absl::StatusOr<Module> Module::Compile(absl::Span<const uint8_t> bytes,
                                       const CompileOptions& options) {
  absl::StatusOr<std::shared_ptr<const wasm::Module>> m =
      CompileModule(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!m.ok()) return CompileError(m.status().message());
  return Module(*std::move(m), options);
}

absl::StatusOr<Module> Module::CompileStreaming(ByteSource source, const CompileOptions& options) {
  StreamingCompiler compiler;
  while (true) {
    absl::StatusOr<std::optional<std::vector<uint8_t>>> chunk = source();
    if (!chunk.ok()) return chunk.status();
    if (!chunk->has_value()) break;
    if (absl::Status fed = compiler.Feed(**chunk); !fed.ok()) return CompileError(fed.message());
  }
  absl::StatusOr<std::shared_ptr<const wasm::Module>> m = compiler.Finish();
  if (!m.ok()) return CompileError(m.status().message());
  return Module(*std::move(m), options);
}

absl::Status Module::Validate(absl::Span<const uint8_t> bytes) {
  return Compile(bytes).status();
}

namespace {

std::string FuncTypeString(const FuncType& t) { return absl::StrCat("func ", t.ToString()); }
std::string TableTypeString(const TableType& t) {
  return absl::StrCat("table ", ValTypeName(t.elem_type), " ", LimitsString(t.limits));
}
std::string MemoryTypeString(const MemoryType& t) { return absl::StrCat("memory ", LimitsString(t.limits)); }

}  // namespace

std::vector<ExportDescriptor> Module::Exports() const {
  std::vector<ExportDescriptor> out;
  const wasm::Module& m = *module_;
  for (const Export& e : m.exports) {
    std::string type;
    switch (e.kind) {
      case ExternKind::kFunc: type = FuncTypeString(m.FunctionType(e.index)); break;
      case ExternKind::kTable: type = TableTypeString(m.tables[e.index]); break;
      case ExternKind::kMemory: type = MemoryTypeString(m.memories[e.index]); break;
      case ExternKind::kGlobal: type = absl::StrCat("global ", GlobalTypeString(m.globals[e.index].type)); break;
    }
    out.push_back({e.name, e.kind, std::move(type)});
  }
  return out;
}

std::vector<ImportDescriptor> Module::Imports() const {
  std::vector<ImportDescriptor> out;
  for (const Import& i : module_->imports) {
    std::string type;
    switch (i.kind) {
      case ExternKind::kFunc: type = FuncTypeString(module_->types[i.func_type]); break;
      case ExternKind::kTable: type = TableTypeString(i.table); break;
      case ExternKind::kMemory: type = MemoryTypeString(i.memory); break;
      case ExternKind::kGlobal: type = absl::StrCat("global ", GlobalTypeString(i.global)); break;
    }
    out.push_back({i.module, i.name, i.kind, std::move(type)});
  }
  return out;
}

std::vector<std::vector<uint8_t>> Module::CustomSections(absl::string_view name) const {
  std::vector<std::vector<uint8_t>> out;
  for (const CustomSection& c : module_->customs) {
    if (c.name != name) continue;
    absl::Span<const uint8_t> bytes = module_->Bytes(c.contents);
    out.emplace_back(bytes.begin(), bytes.end());
  }
  return out;
}

}  // namespace wasm::api
