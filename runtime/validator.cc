#include "runtime/validator.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "runtime/decoder.h"
#include "runtime/errors.h"
#include "runtime/function_validator.h"
#include "runtime/limits.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

class HeaderValidator {
 public:
  explicit HeaderValidator(const Module& m) : m_(m), exprs_(m) {}

  absl::Status Validate() {
    for (const Import& imp : m_.imports) {
      switch (imp.kind) {
        case ExternKind::kFunc: RETURN_IF_ERROR(CheckTypeIndex(imp.func_type, 0)); break;
        case ExternKind::kTable: RETURN_IF_ERROR(CheckTableType(imp.table, 0)); break;
        case ExternKind::kMemory: RETURN_IF_ERROR(CheckMemoryType(imp.memory, 0)); break;
        case ExternKind::kGlobal: break;
      }
    }
    for (size_t i = m_.num_imported_functions; i < m_.functions.size(); ++i) {
      RETURN_IF_ERROR(CheckTypeIndex(m_.functions[i], 0));
    }
    for (size_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
      RETURN_IF_ERROR(CheckTableType(m_.tables[i], 0));
    }
    for (size_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
      RETURN_IF_ERROR(CheckMemoryType(m_.memories[i], 0));
    }
    if (m_.memories.size() > kMaxMemories) {
      return InvalidError(0, "multiple memories");
    }
    for (size_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
      const Global& g = m_.globals[i];
      RETURN_IF_ERROR(CheckConstExpr(g.init, g.type.type));
    }
    for (const ElemSegment& seg : m_.elems) RETURN_IF_ERROR(CheckElem(seg));
    for (const DataSegment& seg : m_.datas) RETURN_IF_ERROR(CheckData(seg));
    if (m_.start.has_value()) {
      if (*m_.start >= m_.functions.size()) return InvalidError(0, UnknownText("function", *m_.start));
      const FuncType& type = m_.FunctionType(*m_.start);
      if (!type.params.empty() || !type.results.empty()) {
        return InvalidError(0, absl::StrCat("start function must have type () -> (), not ",
                                            type.ToString()));
      }
    }
    return CheckExports();
  }

 private:
  static std::string UnknownText(absl::string_view what, uint32_t index) {
    return absl::StrCat("unknown ", what, " ", index);
  }

  absl::Status CheckTypeIndex(uint32_t index, size_t offset) {
    if (index >= m_.types.size()) return InvalidError(offset, UnknownText("type", index));
    return absl::OkStatus();
  }

  absl::Status CheckLimits(const Limits& limits, uint64_t bound, absl::string_view too_large,
                           size_t offset) {
    if (limits.min > bound || (limits.max.has_value() && *limits.max > bound)) {
      return InvalidError(offset, too_large);
    }
    if (limits.max.has_value() && limits.min > *limits.max) {
      return InvalidError(offset, "size minimum must not be greater than maximum");
    }
    return absl::OkStatus();
  }

  absl::Status CheckTableType(const TableType& t, size_t offset) {
    return CheckLimits(t.limits, 0xffffffffull, "table size must be at most 2^32-1", offset);
  }

  absl::Status CheckMemoryType(const MemoryType& t, size_t offset) {
    RETURN_IF_ERROR(CheckLimits(t.limits, kMaxMemoryPages,
                                "memory size must be at most 65536 pages (4GiB)", offset));
    if (t.limits.shared && !t.limits.max.has_value()) {
      return InvalidError(offset, "shared memory must have maximum");
    }
    return absl::OkStatus();
  }

  absl::Status CheckConstExpr(const ConstExpr& e, ValType expected) {
    if (e.size == 0) {
      // An element given as a bare function index (element kinds 0-3).
      if (e.index >= m_.functions.size()) return InvalidError(e.offset, UnknownText("function", e.index));
      return absl::OkStatus();
    }
    return exprs_.ValidateConstExpr(e, expected);
  }

  absl::Status CheckElem(const ElemSegment& seg) {
    if (seg.mode == SegmentMode::kActive) {
      if (seg.table_index >= m_.tables.size()) {
        return InvalidError(seg.byte_offset, UnknownText("table", seg.table_index));
      }
      RETURN_IF_ERROR(CheckConstExpr(seg.offset, ValType::kI32));
      if (m_.tables[seg.table_index].elem_type != seg.elem_type) {
        return InvalidError(seg.byte_offset, absl::StrCat(
            "type mismatch: element segment of ", ValTypeName(seg.elem_type), " for a table of ",
            ValTypeName(m_.tables[seg.table_index].elem_type)));
      }
    }
    for (const ConstExpr& e : seg.elements) RETURN_IF_ERROR(CheckConstExpr(e, seg.elem_type));
    return absl::OkStatus();
  }

  absl::Status CheckData(const DataSegment& seg) {
    if (seg.mode != SegmentMode::kActive) return absl::OkStatus();
    if (seg.memory_index >= m_.memories.size()) {
      return InvalidError(seg.byte_offset, UnknownText("memory", seg.memory_index));
    }
    return CheckConstExpr(seg.offset, ValType::kI32);
  }

  absl::Status CheckExports() {
    absl::flat_hash_set<absl::string_view> names;
    names.reserve(m_.exports.size());
    for (const Export& e : m_.exports) {
      if (!names.insert(e.name).second) {
        return InvalidError(0, absl::StrCat("duplicate export name \"", e.name, "\""));
      }
      size_t count = 0;
      switch (e.kind) {
        case ExternKind::kFunc: count = m_.functions.size(); break;
        case ExternKind::kTable: count = m_.tables.size(); break;
        case ExternKind::kMemory: count = m_.memories.size(); break;
        case ExternKind::kGlobal: count = m_.globals.size(); break;
      }
      if (e.index >= count) return InvalidError(0, UnknownText(ExternKindName(e.kind), e.index));
    }
    return absl::OkStatus();
  }

  const Module& m_;
  FunctionValidator exprs_;
};

}  // namespace

absl::Status ValidateModuleHeader(const Module& module) {
  return HeaderValidator(module).Validate();
}

absl::Status ValidateFunctionBody(const Module& module, uint32_t defined_index) {
  return FunctionValidator(module).ValidateBody(defined_index);
}

absl::Status ValidateModule(const Module& module) {
  RETURN_IF_ERROR(ValidateModuleHeader(module));
  FunctionValidator validator(module);  // reused: its stacks keep their capacity
  for (uint32_t i = 0; i < module.bodies.size(); ++i) {
    RETURN_IF_ERROR(validator.ValidateBody(i));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Module>> CompileModule(std::vector<uint8_t> bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<Module> module, DecodeModule(std::move(bytes)));
  RETURN_IF_ERROR(ValidateModule(*module));
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace wasm
