#include "runtime/codegen/test_harness.h"

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/emit.h"
#include "runtime/codegen/lower.h"
#include "runtime/ir/builtins.h"
#include "runtime/ir/parser.h"
#include "runtime/status_macros.h"
#include "runtime/vm/stack_limit.h"
#include "runtime/vm/trap_handler.h"
#include "runtime/x64/assembler.h"

namespace wasm::codegen {

static_assert(offsetof(JitModule::Context, memory_base) == kVmMemoryBase);
static_assert(offsetof(JitModule::Context, globals) == kVmGlobals);
static_assert(offsetof(JitModule::Context, tables) == kVmTables);
static_assert(offsetof(JitModule::Context, func_refs) == kVmFuncRefs);
static_assert(offsetof(JitModule::Context, sig_ids) == kVmSigIds);
static_assert(offsetof(JitModule::Context, stack_limit) == kVmStackLimit);
static_assert(offsetof(JitModule::FuncRefRecord, vmctx) == kFuncRefVmctx);
static_assert(offsetof(JitModule::FuncRefRecord, sig_id) == kFuncRefSigId);
static_assert(offsetof(JitModule::FuncRefRecord, array_entry) == kFuncRefArrayEntry);
static_assert(offsetof(JitModule::TableViewRecord, size) == kTableViewSize);

namespace {

ValType ToValType(ir::Type t) {
  switch (t) {
    case ir::Type::kI32: return ValType::kI32;
    case ir::Type::kI64: return ValType::kI64;
    case ir::Type::kF32: return ValType::kF32;
    default: return ValType::kF64;
  }
}

}  // namespace

// The test builtins, `ret fn(VMContext*, index, args...)`.
struct BuiltinImpls {
  static JitModule* H(JitModule::Context* c) { return c->harness; }
  static uint64_t MemorySize(JitModule::Context* c, uint64_t) {
    return H(c)->memory_->pages();
  }
  static uint64_t MemoryGrow(JitModule::Context* c, uint64_t, uint64_t delta) {
    absl::StatusOr<uint64_t> old = H(c)->memory_->Grow(static_cast<uint32_t>(delta));
    return old.ok() ? *old : 0xffffffffu;
  }
  static uint64_t TableSize(JitModule::Context* c, uint64_t) { return H(c)->table_view_.size; }
  static uint64_t Record(JitModule::Context* c, uint64_t index, uint64_t a, uint64_t b,
                         uint64_t d, uint64_t e) {
    H(c)->last_builtin_index_ = static_cast<uint32_t>(index);
    H(c)->builtin_log_ = {a, b, d, e};
    // Garbage in the upper half: the JIT must zero-extend i32 results.
    return 0xdeadbeef00000000ull | 77;
  }
  static const void* Address(ir::Builtin b) {
    switch (b) {
      case ir::Builtin::kMemorySize: return reinterpret_cast<const void*>(&MemorySize);
      case ir::Builtin::kMemoryGrow: return reinterpret_cast<const void*>(&MemoryGrow);
      case ir::Builtin::kTableSize: return reinterpret_cast<const void*>(&TableSize);
      default: return reinterpret_cast<const void*>(&Record);
    }
  }
};

JitModule::~JitModule() { registration_.Reset(); }

absl::StatusOr<std::unique_ptr<JitModule>> JitModule::Compile(absl::string_view ir_text,
                                                              JitOptions options) {
  ASSIGN_OR_RETURN(std::vector<ir::Function> functions, ir::ParseFunctions(ir_text));
  std::unique_ptr<JitModule> m(new JitModule());
  Module& module = m->module_;
  const uint32_t num_imports = static_cast<uint32_t>(options.imports.size());
  module.num_imported_functions = num_imports;
  for (const HostImport& imp : options.imports) {
    module.functions.push_back(static_cast<uint32_t>(module.types.size()));
    module.types.push_back(imp.type);
  }
  for (const ir::Function& f : functions) {
    FuncType t;
    for (ir::Type p : f.signature.params) t.params.push_back(ToValType(p));
    for (ir::Type r : f.signature.results) t.results.push_back(ToValType(r));
    module.functions.push_back(static_cast<uint32_t>(module.types.size()));
    module.types.push_back(t);
    m->param_counts_.push_back(static_cast<uint32_t>(t.params.size()));
    m->result_counts_.push_back(static_cast<uint32_t>(t.results.size()));
  }
  // Canonical signature ids: equal types share one.
  for (size_t i = 0; i < module.types.size(); ++i) {
    uint32_t id = static_cast<uint32_t>(i) + 1;
    for (size_t j = 0; j < i; ++j) {
      if (module.types[j] == module.types[i]) {
        id = m->sig_ids_[j];
        break;
      }
    }
    m->sig_ids_.push_back(id);
  }

  x64::Assembler as;
  ModuleCodegenContext ctx(module);
  ctx.regalloc = options.regalloc;
  ctx.listing = &m->listing_;
  for (size_t i = 0; i < module.functions.size(); ++i) ctx.function_labels.push_back(as.NewLabel());
  std::vector<x64::Label> entries, import_trampolines;
  for (uint32_t i = 0; i < num_imports; ++i) {
    import_trampolines.push_back(as.NewLabel());
    as.Align(16);
    as.Bind(import_trampolines.back());
    EmitNativeToArrayTrampoline(options.imports[i].type, as);
  }
  for (uint32_t k = 0; k < functions.size(); ++k) {
    as.Align(16);
    RETURN_IF_ERROR(CompileFunction(functions[k], num_imports + k, ctx, as));
    entries.push_back(as.NewLabel());
    as.Align(16);
    as.Bind(entries.back());
    EmitArrayEntryTrampoline(module.types[module.functions[num_imports + k]],
                             ctx.function_labels[num_imports + k], as);
  }
  ASSIGN_OR_RETURN(x64::AssembledCode code, as.Finish());
  for (const x64::Relocation& r : code.relocations) {
    if (r.kind != x64::Relocation::Kind::kAbs64) {
      return absl::InternalError("unexpected relocation kind");
    }
    const void* addr = BuiltinImpls::Address(static_cast<ir::Builtin>(r.symbol.id()));
    std::memcpy(&code.bytes[r.offset], &addr, 8);
  }
  ASSIGN_OR_RETURN(m->code_, CodeMemory::Create(code.bytes));
  ASSIGN_OR_RETURN(m->registration_, RegisterJitCode(m->code_->code(), code.traps));
  for (x64::Label e : entries) m->entry_offsets_.push_back(as.LabelOffset(e));

  // The fake instance.
  ASSIGN_OR_RETURN(m->memory_,
                   LinearMemory::Create(options.memory_pages, 16, MemorySharing::kUnshared));
  m->globals_.resize(8);
  std::memset(m->globals_.data(), 0, sizeof(Cell) * m->globals_.size());
  for (Cell& c : m->globals_) m->global_ptrs_.push_back(&c);
  m->func_refs_.resize(module.functions.size());
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    FuncRefRecord& r = m->func_refs_[i];
    r.vmctx = &m->ctx_;
    r.sig_id = m->sig_ids_[module.functions[i]];
    if (i < num_imports) {
      r.native_code = m->code_->start() + as.LabelOffset(import_trampolines[i]);
      r.array_entry = reinterpret_cast<const void*>(options.imports[i].fn);
    } else {
      r.native_code = m->code_->start() + as.LabelOffset(ctx.function_labels[i]);
      r.array_entry = m->code_->start() + m->entry_offsets_[i - num_imports];
      m->table_elements_.push_back(reinterpret_cast<uint64_t>(&m->func_refs_[i]));
    }
  }
  for (const FuncRefRecord& r : m->func_refs_) m->func_ref_ptrs_.push_back(&r);
  m->table_elements_.push_back(0);  // a null entry
  m->table_view_ = {m->table_elements_.data(), m->table_elements_.size()};
  m->table_ptrs_.push_back(&m->table_view_);

  Context& c = m->ctx_;
  c.memory_base = m->memory_->base();
  c.memory = m->memory_->view();
  c.globals = m->global_ptrs_.data();
  c.tables = m->table_ptrs_.data();
  c.func_refs = m->func_ref_ptrs_.data();
  c.sig_ids = m->sig_ids_.data();
  c.harness = m.get();
  if (options.stack_limit != 0) {
    c.stack_limit = options.stack_limit;
  } else {
    ASSIGN_OR_RETURN(c.stack_limit, ComputeStackLimit(kWholeStack));
  }
  return m;
}

JitModule::Outcome JitModule::Call(uint32_t defined_index, const std::vector<uint64_t>& args) {
  const size_t slots =
      std::max<size_t>({args.size(), result_counts_[defined_index], size_t{1}});
  std::vector<uint64_t> buffer(slots, 0);
  std::copy(args.begin(), args.end(), buffer.begin());
  using Entry = void(Context*, uint64_t*);
  Entry* entry = code_->EntryPoint<Entry>(entry_offsets_[defined_index]);
  Outcome out;
  std::optional<Trap> trap = CallWithTrapHandling([&] { entry(&ctx_, buffer.data()); });
  if (trap) {
    out.trap = trap->kind;
    return out;
  }
  out.results.assign(buffer.begin(), buffer.begin() + result_counts_[defined_index]);
  return out;
}

}  // namespace wasm::codegen
