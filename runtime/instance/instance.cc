// Instantiation: linking, allocation, segments; and the segment operations
// (table.init, memory.init, elem.drop, data.drop) builtins share with it.
#include "runtime/instance/instance.h"

#include "runtime/instance/global_storage.h"

#include <cstring>
#include <new>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/instance/raise_trap.h"
#include "runtime/instance/signature_registry.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

std::string ImportName(const Import& import) {
  return absl::StrCat(absl::CHexEscape(import.module), ".", absl::CHexEscape(import.name));
}

// The spec's import matching of limits: the provided object is at least as
// large as required and, if a maximum is required, has one no larger.
bool LimitsMatch(const Limits& provided, const Limits& required) {
  if (provided.min < required.min) return false;
  if (required.max.has_value()) {
    if (!provided.max.has_value() || *provided.max > *required.max) return false;
  }
  return true;
}

std::string ExpectedTypeString(const Module& module, const Import& import) {
  switch (import.kind) {
    case ExternKind::kFunc:
      return absl::StrCat("func ", module.types[import.func_type].ToString());
    case ExternKind::kTable:
      return absl::StrCat("table ", ValTypeName(import.table.elem_type), " ",
                          LimitsString(import.table.limits));
    case ExternKind::kMemory:
      return absl::StrCat("memory ", LimitsString(import.memory.limits));
    case ExternKind::kGlobal:
      return absl::StrCat("global ", GlobalTypeString(import.global));
  }
  return "?";
}

Limits MemoryLimits(const LinearMemory& memory) {
  Limits limits;
  limits.min = memory.pages();
  limits.max = memory.max_pages();
  limits.shared = memory.sharing() == MemorySharing::kShared;
  return limits;
}

}  // namespace

Instance::Instance(std::shared_ptr<const Module> module) : module_(std::move(module)) {
  vmctx_.instance = this;
}

Instance::~Instance() = default;

absl::StatusOr<std::unique_ptr<Instance>> Instance::Create(std::shared_ptr<const Module> module,
                                                           const ImportResolver& imports) {
  ASSIGN_OR_RETURN(std::unique_ptr<Instance> instance, Allocate(std::move(module), imports));
  RETURN_IF_ERROR(instance->ApplySegments());
  return instance;
}

absl::StatusOr<std::unique_ptr<Instance>> Instance::Allocate(std::shared_ptr<const Module> module,
                                                             const ImportResolver& imports) {
  if (module == nullptr) return absl::InvalidArgumentError("instance: no module");
  // Builtins raise traps through the stubs: have them before any code runs.
  RETURN_IF_ERROR(PrepareRaiseTrap());
  std::unique_ptr<Instance> instance(new (std::nothrow) Instance(std::move(module)));
  if (instance == nullptr) return absl::ResourceExhaustedError("instance: out of memory");
  RETURN_IF_ERROR(instance->LinkImports(imports));
  RETURN_IF_ERROR(instance->AllocateDefinitions());
  RETURN_IF_ERROR(instance->InitializeGlobals());
  instance->PublishVMContext();
  return instance;
}

// --- Step 1: imports --------------------------------------------------------

absl::Status Instance::LinkImports(const ImportResolver& imports) {
  const Module& m = *module_;
  sig_ids_ = SignatureRegistry::Global().InternAll(m.types);
  func_refs_.reserve(m.functions.size());
  func_owners_.reserve(m.num_imported_functions);
  tables_.reserve(m.tables.size());
  imported_globals_.reserve(m.num_imported_globals);
  for (const Import& import : m.imports) {
    const Extern* value = imports.Resolve(import.module, import.name);
    if (value == nullptr) return LinkError("unknown import:", ImportName(import));
    RETURN_IF_ERROR(LinkImport(import, *value));
  }
  return absl::OkStatus();
}

absl::Status Instance::LinkImport(const Import& import, const Extern& value) {
  const Module& m = *module_;
  bool match = value.kind() == import.kind;
  if (match) {
    switch (import.kind) {
      case ExternKind::kFunc:
        match = value.func() != nullptr && value.func()->sig_id == sig_ids_[import.func_type];
        break;
      case ExternKind::kTable:
        match = value.table() != nullptr && value.table()->elem_type() == import.table.elem_type &&
                LimitsMatch(value.table()->type().limits, import.table.limits);
        break;
      case ExternKind::kMemory:
        match =
            value.memory() != nullptr &&
            LimitsMatch(MemoryLimits(*value.memory()), import.memory.limits) &&
            (value.memory()->sharing() == MemorySharing::kShared) == import.memory.limits.shared;
        break;
      case ExternKind::kGlobal:
        match = value.global() != nullptr && value.global_type() == import.global;
        break;
    }
  }
  if (!match) {
    return LinkError("incompatible import type",
                     absl::StrCat("for ", ImportName(import), ": expected ",
                                  ExpectedTypeString(m, import), ", got ", value.TypeString()));
  }
  switch (import.kind) {
    case ExternKind::kFunc:
      func_refs_.push_back(value.func());
      func_owners_.push_back(value.owner());
      break;
    case ExternKind::kTable:
      tables_.push_back(value.shared_table());
      break;
    case ExternKind::kMemory:
      memory_ = value.shared_memory();
      break;
    case ExternKind::kGlobal:
      imported_globals_.push_back(value.shared_global());
      break;
  }
  return absl::OkStatus();
}

// --- Step 2: definitions ----------------------------------------------------

absl::Status Instance::AllocateDefinitions() {
  const Module& m = *module_;
  if (m.memories.size() > 1 || m.functions.size() < m.num_imported_functions ||
      m.globals.size() < m.num_imported_globals || m.tables.size() < m.num_imported_tables) {
    return absl::InvalidArgumentError("instance: module index spaces are inconsistent");
  }

  // Functions: the records exist now; the JIT fills in their code later.
  defined_funcs_.resize(m.functions.size() - m.num_imported_functions);
  for (size_t i = 0; i < defined_funcs_.size(); ++i) {
    FuncRef& ref = defined_funcs_[i];
    ref.native_code = nullptr;
    ref.array_entry = nullptr;
    ref.vmctx = &vmctx_;
    ref.sig_id = sig_ids_[m.functions[m.num_imported_functions + i]];
  }
  for (const FuncRef& ref : defined_funcs_) func_refs_.push_back(&ref);

  for (uint32_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    absl::StatusOr<std::shared_ptr<Table>> table = Table::Create(m.tables[i]);
    if (!table.ok()) {
      return absl::Status(table.status().code(),
                          absl::StrCat("table ", i, ": ", table.status().message()));
    }
    tables_.push_back(*std::move(table));
  }
  table_views_.reserve(tables_.size());
  for (const std::shared_ptr<Table>& table : tables_) table_views_.push_back(table->view());

  if (m.memories.size() > m.num_imported_memories) {
    const Limits& limits = m.memories[0].limits;
    absl::StatusOr<std::unique_ptr<LinearMemory>> memory = LinearMemory::Create(
        limits.min, limits.max, limits.shared ? MemorySharing::kShared : MemorySharing::kUnshared);
    if (!memory.ok()) {
      return absl::Status(memory.status().code(),
                          absl::StrCat("memory 0: ", memory.status().message()));
    }
    memory_ = *std::move(memory);
  }

  elem_dropped_.assign(m.elems.size(), false);
  data_dropped_.assign(m.datas.size(), false);
  exports_.reserve(m.exports.size());
  for (uint32_t i = 0; i < m.exports.size(); ++i) exports_.emplace(m.exports[i].name, i);
  return absl::OkStatus();
}

absl::Status Instance::InitializeGlobals() {
  const Module& m = *module_;
  const size_t defined = m.globals.size() - m.num_imported_globals;
  global_cells_.reserve(m.globals.size());
  for (const std::shared_ptr<GlobalCell>& cell : imported_globals_) {
    global_cells_.push_back(cell.get());
  }
  if (defined == 0) return absl::OkStatus();
  // In the process's shared storage when there is one (global_storage.h),
  // which outlives the instance; else on the heap.
  GlobalCell* shared = GetGlobalCellAllocator() != nullptr ? GetGlobalCellAllocator()(defined) : nullptr;
  if (shared != nullptr) {
    defined_globals_ = std::shared_ptr<GlobalCell[]>(shared, [](GlobalCell*) {});
  } else {
    defined_globals_.reset(new (std::nothrow) GlobalCell[defined]);
  }
  if (defined_globals_ == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat("globals: cannot allocate ", defined));
  }
  for (size_t i = 0; i < defined; ++i) {
    const Global& global = m.globals[m.num_imported_globals + i];
    ASSIGN_OR_RETURN(const uint64_t value, Evaluate(global.init));
    defined_globals_[i].Set(global.type.type, value);
    global_cells_.push_back(&defined_globals_[i]);
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Instance::Evaluate(const ConstExpr& expr) const {
  switch (expr.op) {
    case ConstExpr::Op::kI32Const:
    case ConstExpr::Op::kF32Const:
      return expr.bits & 0xffffffffu;
    case ConstExpr::Op::kI64Const:
    case ConstExpr::Op::kF64Const:
      return expr.bits;
    case ConstExpr::Op::kRefNull:
      return 0;
    case ConstExpr::Op::kRefFunc:
      if (expr.index >= func_refs_.size()) break;
      return reinterpret_cast<uintptr_t>(func_refs_[expr.index]);
    case ConstExpr::Op::kGlobalGet:
      // Only globals already initialised (in 2.0: the imported ones).
      if (expr.index >= global_cells_.size()) break;
      return global_cells_[expr.index]->Get(module_->globals[expr.index].type.type);
    case ConstExpr::Op::kComplex:
      break;
  }
  return absl::InternalError(absl::StrCat("at byte 0x", absl::Hex(expr.offset),
                                          ": constant expression cannot be evaluated"));
}

uint64_t Instance::ElementValue(const ConstExpr& expr) const {
  // Validated: only ref.null, ref.func and global.get of an imported global of
  // the segment's reference type. Runs inside builtins: no Status here.
  switch (expr.op) {
    case ConstExpr::Op::kRefFunc:
      if (expr.index < func_refs_.size())
        return reinterpret_cast<uintptr_t>(func_refs_[expr.index]);
      return 0;
    case ConstExpr::Op::kGlobalGet:
      if (expr.index < global_cells_.size()) {
        return global_cells_[expr.index]->Get(module_->globals[expr.index].type.type);
      }
      return 0;
    default:
      return 0;  // ref.null
  }
}

void Instance::PublishVMContext() {
  vmctx_.memory_base = memory_ != nullptr ? memory_->base() : nullptr;
  vmctx_.memory = memory_ != nullptr ? memory_->view() : nullptr;
  vmctx_.globals = global_cells_.data();
  vmctx_.tables = table_views_.data();
  vmctx_.func_refs = func_refs_.data();
  vmctx_.sig_ids = sig_ids_.data();
  vmctx_.instance = this;
  vmctx_.host_function = nullptr;
}

// --- Step 3: segments -------------------------------------------------------

absl::Status Instance::ApplySegments() {
  if (segments_applied_) {
    return absl::FailedPreconditionError("instance: segments were already applied");
  }
  segments_applied_ = true;
  for (uint32_t i = 0; i < module_->elems.size(); ++i) RETURN_IF_ERROR(ApplyElemSegment(i));
  for (uint32_t i = 0; i < module_->datas.size(); ++i) RETURN_IF_ERROR(ApplyDataSegment(i));
  return absl::OkStatus();
}

absl::Status Instance::ApplyElemSegment(uint32_t elem_index) {
  const ElemSegment& seg = module_->elems[elem_index];
  switch (seg.mode) {
    case SegmentMode::kPassive:
      return absl::OkStatus();
    case SegmentMode::kDeclarative:
      ElemDrop(elem_index);
      return absl::OkStatus();
    case SegmentMode::kActive:
      break;
  }
  if (seg.table_index >= tables_.size()) {
    return absl::InternalError(
        absl::StrCat("element segment ", elem_index, ": no table ", seg.table_index));
  }
  ASSIGN_OR_RETURN(const uint64_t offset, Evaluate(seg.offset));
  const uint32_t dst = static_cast<uint32_t>(offset);
  const uint32_t count = static_cast<uint32_t>(seg.elements.size());
  if (std::optional<TrapKind> trap = TableInit(seg.table_index, elem_index, dst, 0, count)) {
    return TrapError(
        *trap, absl::StrCat("element segment ", elem_index, " writes [", dst, ", ",
                            uint64_t{dst} + count, ") of table ", seg.table_index, ", which has ",
                            tables_[seg.table_index]->size(), " elements"));
  }
  ElemDrop(elem_index);
  return absl::OkStatus();
}

absl::Status Instance::ApplyDataSegment(uint32_t data_index) {
  const DataSegment& seg = module_->datas[data_index];
  if (seg.mode != SegmentMode::kActive) return absl::OkStatus();
  if (memory_ == nullptr || seg.memory_index != 0) {
    return absl::InternalError(
        absl::StrCat("data segment ", data_index, ": no memory ", seg.memory_index));
  }
  ASSIGN_OR_RETURN(const uint64_t offset, Evaluate(seg.offset));
  const uint32_t dst = static_cast<uint32_t>(offset);
  if (std::optional<TrapKind> trap = MemoryInit(data_index, dst, 0, seg.bytes.size)) {
    return TrapError(*trap, absl::StrCat("data segment ", data_index, " writes [", dst, ", ",
                                         uint64_t{dst} + seg.bytes.size, ") of a memory of ",
                                         memory_->size_bytes(), " bytes"));
  }
  DataDrop(data_index);
  return absl::OkStatus();
}

std::optional<TrapKind> Instance::TableInit(uint32_t table_index, uint32_t elem_index, uint32_t dst,
                                            uint32_t src, uint32_t count) {
  ABSL_RAW_CHECK(table_index < tables_.size() && elem_index < module_->elems.size(),
                 "table.init: index out of range (the module was validated)");
  Table& table = *tables_[table_index];
  const ElemSegment& seg = module_->elems[elem_index];
  const uint64_t seg_size = elem_dropped_[elem_index] ? 0 : seg.elements.size();
  if (uint64_t{src} + count > seg_size || uint64_t{dst} + count > table.size()) {
    return TrapKind::kTableOutOfBounds;
  }
  uint64_t* out = table.elements().data() + dst;
  for (uint32_t k = 0; k < count; ++k) out[k] = ElementValue(seg.elements[src + k]);
  return std::nullopt;
}

std::optional<TrapKind> Instance::MemoryInit(uint32_t data_index, uint32_t dst, uint32_t src,
                                             uint32_t count) {
  ABSL_RAW_CHECK(data_index < module_->datas.size() && memory_ != nullptr,
                 "memory.init: index out of range (the module was validated)");
  const DataSegment& seg = module_->datas[data_index];
  const uint64_t seg_size = data_dropped_[data_index] ? 0 : seg.bytes.size;
  if (uint64_t{src} + count > seg_size || uint64_t{dst} + count > memory_->size_bytes()) {
    return TrapKind::kMemoryOutOfBounds;
  }
  if (count > 0) {
    std::memcpy(memory_->base() + dst, module_->bytes.data() + seg.bytes.offset + src, count);
  }
  return std::nullopt;
}

void Instance::ElemDrop(uint32_t elem_index) {
  ABSL_RAW_CHECK(elem_index < elem_dropped_.size(), "elem.drop: index out of range");
  elem_dropped_[elem_index] = true;
}

void Instance::DataDrop(uint32_t data_index) {
  ABSL_RAW_CHECK(data_index < data_dropped_.size(), "data.drop: index out of range");
  data_dropped_[data_index] = true;
}

bool Instance::elem_dropped(uint32_t elem_index) const {
  return elem_index < elem_dropped_.size() && elem_dropped_[elem_index];
}

bool Instance::data_dropped(uint32_t data_index) const {
  return data_index < data_dropped_.size() && data_dropped_[data_index];
}

// --- Accessors --------------------------------------------------------------

const FuncRef* Instance::func_ref(uint32_t func_index) const {
  return func_index < func_refs_.size() ? func_refs_[func_index] : nullptr;
}

Table* Instance::table(uint32_t table_index) const {
  return table_index < tables_.size() ? tables_[table_index].get() : nullptr;
}

GlobalCell* Instance::global(uint32_t global_index) const {
  return global_index < global_cells_.size() ? global_cells_[global_index] : nullptr;
}

absl::Status Instance::SetFunctionCode(uint32_t func_index, const void* native_code,
                                       const void* array_entry) {
  const uint32_t imported = module_->num_imported_functions;
  if (func_index < imported || func_index - imported >= defined_funcs_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("function ", func_index, " is not a defined function of this instance"));
  }
  FuncRef& ref = defined_funcs_[func_index - imported];
  // Atomic stores: a tier-up (runtime/jit) replaces the code of an instance
  // whose functions may be running on another thread, reading these.
  __atomic_store_n(&ref.native_code, native_code, __ATOMIC_RELEASE);
  __atomic_store_n(&ref.array_entry, array_entry, __ATOMIC_RELEASE);
  return absl::OkStatus();
}

std::optional<Extern> Instance::GetExport(absl::string_view name) const {
  auto it = exports_.find(name);
  if (it == exports_.end()) return std::nullopt;
  const Export& e = module_->exports[it->second];
  return ExternFor(e.kind, e.index);
}

Extern Instance::ExternFor(ExternKind kind, uint32_t index) const {
  const Module& m = *module_;
  switch (kind) {
    case ExternKind::kFunc:
      return Extern::FromFunction(func_ref(index),
                                  index < func_owners_.size() ? func_owners_[index] : nullptr);
    case ExternKind::kTable:
      return Extern::FromTable(index < tables_.size() ? tables_[index] : nullptr);
    case ExternKind::kMemory:
      return Extern::FromMemory(index == 0 ? memory_ : nullptr);
    case ExternKind::kGlobal: {
      if (index >= global_cells_.size()) return Extern::FromGlobal(GlobalType{}, nullptr);
      const GlobalType& type = m.globals[index].type;
      if (index < imported_globals_.size())
        return Extern::FromGlobal(type, imported_globals_[index]);
      // Shares ownership of the block, so the cell outlives the instance.
      return Extern::FromGlobal(
          type, std::shared_ptr<GlobalCell>(defined_globals_,
                                            &defined_globals_[index - imported_globals_.size()]));
    }
  }
  return Extern::FromFunction(nullptr);
}

absl::Status DefineInstanceExports(absl::string_view module_name, const Instance& instance,
                                   Imports* imports, Imports::OnDuplicate on_duplicate) {
  for (const Export& e : instance.module().exports) {
    RETURN_IF_ERROR(
        imports->Define(module_name, e.name, instance.ExternFor(e.kind, e.index), on_duplicate));
  }
  return absl::OkStatus();
}

}  // namespace wasm
