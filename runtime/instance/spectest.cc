// The spectest host module's objects and print functions.
#include "runtime/instance/spectest.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "runtime/instance/extern.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/table.h"
#include "runtime/status_macros.h"
#include "runtime/vm/linear_memory.h"

namespace wasm {
namespace {

constexpr absl::string_view kModule = "spectest";

// The shortest %g form that reads back as the same value ("666.6", not
// "666.599976"); NaNs and infinities as printf writes them.
template <typename Float>
std::string Shortest(Float value) {
  constexpr int kMaxDigits = sizeof(Float) == 4 ? 9 : 17;
  std::string text;
  for (int digits = 1; digits <= kMaxDigits; ++digits) {
    text = absl::StrFormat("%.*g", digits, value);
    if (!std::isfinite(value)) break;
    Float parsed;
    if constexpr (sizeof(Float) == 4) {
      parsed = std::strtof(text.c_str(), nullptr);
    } else {
      parsed = std::strtod(text.c_str(), nullptr);
    }
    if (parsed == value) break;
  }
  return text;
}

std::string FormatValue(ValType type, uint64_t bits) {
  switch (type) {
    case ValType::kI32:
      return absl::StrCat(static_cast<int32_t>(static_cast<uint32_t>(bits)), " : i32");
    case ValType::kI64:
      return absl::StrCat(static_cast<int64_t>(bits), " : i64");
    case ValType::kF32: {
      const uint32_t b = static_cast<uint32_t>(bits);
      float f;
      std::memcpy(&f, &b, sizeof(f));
      return absl::StrCat(Shortest(f), " : f32");
    }
    case ValType::kF64: {
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      return absl::StrCat(Shortest(d), " : f64");
    }
    default:
      return absl::StrCat(bits, " : ", ValTypeName(type));
  }
}

absl::Status DefinePrint(Imports* imports, const PrintSink& sink, absl::string_view name,
                         std::vector<ValType> params) {
  FuncType type{params, {}};
  ASSIGN_OR_RETURN(
      std::shared_ptr<HostFunction> f,
      HostFunction::Create(std::move(type), [sink, params](absl::Span<uint64_t> slots) {
        for (size_t i = 0; i < params.size(); ++i) {
          sink(FormatValue(params[i], slots[i]));
        }
      }));
  return imports->Define(kModule, name, Extern::FromHostFunction(std::move(f)));
}

absl::Status DefineGlobal(Imports* imports, absl::string_view name, ValType type, uint64_t bits) {
  ASSIGN_OR_RETURN(Extern global, Extern::NewGlobal(GlobalType{type, Mutability::kConst}, bits));
  return imports->Define(kModule, name, std::move(global));
}

absl::Status DefineMemory(Imports* imports, absl::string_view name, MemorySharing sharing) {
  ASSIGN_OR_RETURN(std::unique_ptr<LinearMemory> memory, LinearMemory::Create(1, 2, sharing));
  return imports->Define(kModule, name,
                         Extern::FromMemory(std::shared_ptr<LinearMemory>(std::move(memory))));
}

template <typename T, typename From>
uint64_t Bits(From value) {
  const T narrowed = static_cast<T>(value);
  uint64_t bits = 0;
  std::memcpy(&bits, &narrowed, sizeof(narrowed));
  return bits;
}

}  // namespace

absl::Status DefineSpectest(Imports* imports, PrintSink sink) {
  if (imports == nullptr) return absl::InvalidArgumentError("spectest: no imports");
  if (!sink) {
    sink = [](absl::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    };
  }
  using T = ValType;
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print", {}));
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print_i32", {T::kI32}));
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print_i64", {T::kI64}));
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print_f32", {T::kF32}));
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print_f64", {T::kF64}));
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print_i32_f32", {T::kI32, T::kF32}));
  RETURN_IF_ERROR(DefinePrint(imports, sink, "print_f64_f64", {T::kF64, T::kF64}));

  RETURN_IF_ERROR(DefineGlobal(imports, "global_i32", T::kI32, 666));
  RETURN_IF_ERROR(DefineGlobal(imports, "global_i64", T::kI64, 666));
  RETURN_IF_ERROR(DefineGlobal(imports, "global_f32", T::kF32, Bits<float>(666.6)));
  RETURN_IF_ERROR(DefineGlobal(imports, "global_f64", T::kF64, Bits<double>(666.6)));

  TableType table_type;
  table_type.elem_type = T::kFuncRef;
  table_type.limits.min = 10;
  table_type.limits.max = 20;
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, Table::Create(table_type));
  RETURN_IF_ERROR(imports->Define(kModule, "table", Extern::FromTable(std::move(table))));

  RETURN_IF_ERROR(DefineMemory(imports, "memory", MemorySharing::kUnshared));
  RETURN_IF_ERROR(DefineMemory(imports, "shared_memory", MemorySharing::kShared));
  return absl::OkStatus();
}

}  // namespace wasm
