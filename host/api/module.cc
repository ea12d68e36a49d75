#include "host/api/module.h"

#include "host/api/errors.h"
#include "runtime/streaming_compiler.h"
#include "runtime/validator.h"

namespace wasm::api {

absl::StatusOr<Module> Module::Compile(absl::Span<const uint8_t> bytes) {
  absl::StatusOr<std::shared_ptr<const wasm::Module>> m =
      CompileModule(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!m.ok()) return CompileError(m.status().message());
  return Module(*std::move(m));
}

absl::StatusOr<Module> Module::CompileStreaming(ByteSource source) {
  StreamingCompiler compiler;
  while (true) {
    absl::StatusOr<std::optional<std::vector<uint8_t>>> chunk = source();
    if (!chunk.ok()) return chunk.status();
    if (!chunk->has_value()) break;
    if (absl::Status fed = compiler.Feed(**chunk); !fed.ok()) return CompileError(fed.message());
  }
  absl::StatusOr<std::shared_ptr<const wasm::Module>> m = compiler.Finish();
  if (!m.ok()) return CompileError(m.status().message());
  return Module(*std::move(m));
}

absl::Status Module::Validate(absl::Span<const uint8_t> bytes) {
  return Compile(bytes).status();
}

std::vector<ExportDescriptor> Module::Exports() const {
  std::vector<ExportDescriptor> out;
  for (const Export& e : module_->exports) out.push_back({e.name, e.kind});
  return out;
}

std::vector<ImportDescriptor> Module::Imports() const {
  std::vector<ImportDescriptor> out;
  for (const Import& i : module_->imports) out.push_back({i.module, i.name, i.kind});
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
