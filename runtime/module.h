// The decoded form of a WebAssembly module.
//
// A Module owns its bytes; function bodies, data segments and custom sections
// are byte ranges into them, so decoding allocates per definition, never per
// instruction. After DecodeModule + ValidateModule (or CompileModule) the
// Module is immutable and shared by every instance (std::shared_ptr<const>).
//
//   absl::StatusOr<std::shared_ptr<const Module>> m = CompileModule(bytes);
//   if (!m.ok()) return m.status();   // "at byte 0x1d: unexpected end"
//   for (const Export& e : (*m)->exports) ...
#ifndef RUNTIME_MODULE_H_
#define RUNTIME_MODULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "runtime/types.h"

namespace wasm {

// A range of the module's bytes: [offset, offset + size).
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;

  bool operator==(const ByteRange& other) const = default;
};

// A constant expression. The valid ones in WebAssembly 2.0 are exactly one of
// these instructions followed by `end`; any other instruction sequence decodes
// as kComplex and the validator reports why it is not constant.
struct ConstExpr {
  enum class Op : uint8_t { kI32Const, kI64Const, kF32Const, kF64Const, kRefNull, kRefFunc, kGlobalGet, kComplex };
  Op op = Op::kI32Const;
  ValType type = ValType::kI32;  // the expression's result type
  uint64_t bits = 0;             // the constant's bit pattern for *.const
  uint32_t index = 0;            // function index (ref.func) or global index (global.get)
  uint32_t offset = 0;           // byte offset of the expression
  uint32_t size = 0;             // its length in bytes, `end` included

  bool operator==(const ConstExpr& other) const = default;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t func_type = 0;  // kFunc: index into Module::types
  TableType table;         // kTable
  MemoryType memory;       // kMemory
  GlobalType global;       // kGlobal

  bool operator==(const Import& other) const = default;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;

  bool operator==(const Export& other) const = default;
};

struct Global {
  GlobalType type;
  ConstExpr init;

  bool operator==(const Global& other) const = default;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table_index = 0;
  ConstExpr offset;                 // kActive only
  ValType elem_type = ValType::kFuncRef;
  std::vector<ConstExpr> elements;  // ref.func / ref.null / global.get
  uint32_t byte_offset = 0;

  bool operator==(const ElemSegment& other) const = default;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;  // never kDeclarative
  uint32_t memory_index = 0;
  ConstExpr offset;  // kActive only
  ByteRange bytes;
  uint32_t byte_offset = 0;

  bool operator==(const DataSegment& other) const = default;
};

// A local declaration group: `count` locals of `type`.
struct LocalDecl {
  uint32_t count = 0;
  ValType type = ValType::kI32;

  bool operator==(const LocalDecl& other) const = default;
};

// A defined (non-imported) function's code.
struct FunctionBody {
  ByteRange range;               // the whole body, after its size prefix
  uint32_t code_offset = 0;      // first instruction byte (after the locals)
  std::vector<LocalDecl> locals;
  uint32_t num_locals = 0;       // sum of the locals' counts (params excluded)

  bool operator==(const FunctionBody& other) const = default;
};

struct CustomSection {
  std::string name;
  ByteRange contents;  // after the name

  bool operator==(const CustomSection& other) const = default;
};

// The parts of the "name" custom section we use (for backtraces and dumps).
// Decoded leniently: a broken name section is ignored, as the spec requires.
struct Names {
  std::string module;
  absl::flat_hash_map<uint32_t, std::string> functions;
  absl::flat_hash_map<uint32_t, absl::flat_hash_map<uint32_t, std::string>> locals;

  bool operator==(const Names& other) const = default;
};

struct Module {
  std::vector<uint8_t> bytes;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  // The function index space: imported functions first, then defined ones.
  // Each entry is an index into `types`.
  std::vector<uint32_t> functions;
  std::vector<TableType> tables;      // index space, imports first
  std::vector<MemoryType> memories;   // index space, imports first
  std::vector<Global> globals;        // index space, imports first (init unused for imports)
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<FunctionBody> bodies;   // one per defined function
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;
  Names names;

  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  // Functions that may be named by ref.func inside function bodies: those
  // referenced from elements, exports, or global initialisers ("declared").
  std::vector<bool> declared_func_refs;

  // Field by field, bytes included (tests and the fuzzer compare the
  // streaming and whole-buffer compilers' modules).
  bool operator==(const Module& other) const = default;

  const FuncType& FunctionType(uint32_t func_index) const { return types[functions[func_index]]; }
  absl::Span<const uint8_t> Bytes(ByteRange r) const {
    return absl::Span<const uint8_t>(bytes).subspan(r.offset, r.size);
  }
};

}  // namespace wasm

#endif  // RUNTIME_MODULE_H_
