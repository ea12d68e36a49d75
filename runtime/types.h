// WebAssembly types: value types, function types, limits, and the types of
// tables, memories and globals. Plain data, shared by decoder, validator, JIT
// and host.
#ifndef RUNTIME_TYPES_H_
#define RUNTIME_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wasm {

// Value types, numbered by their binary encoding.
enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

// True for a byte that encodes a value type this runtime supports.
bool IsValTypeByte(uint8_t byte);
bool IsRefType(ValType type);
bool IsNumType(ValType type);
absl::string_view ValTypeName(ValType type);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  bool operator==(const FuncType& other) const = default;
  // "(i32, i64) -> (f32)"
  std::string ToString() const;
};

// Table and memory limits. `max` is absent when unbounded.
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;

  bool operator==(const Limits& other) const = default;
};

struct TableType {
  ValType elem_type = ValType::kFuncRef;
  Limits limits;
  bool operator==(const TableType& other) const = default;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  bool operator==(const MemoryType& other) const = default;
};

enum class Mutability : uint8_t { kConst = 0, kVar = 1 };

struct GlobalType {
  ValType type = ValType::kI32;
  Mutability mutability = Mutability::kConst;
  bool operator==(const GlobalType& other) const = default;
};

// Kinds of imports and exports, numbered by their binary encoding.
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
absl::string_view ExternKindName(ExternKind kind);

}  // namespace wasm

#endif  // RUNTIME_TYPES_H_
