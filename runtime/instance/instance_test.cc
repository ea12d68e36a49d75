// Instantiation: exports, sharing of imported objects, link errors, segment
// traps and what stays applied, globals, limits, canonical signature ids.
#include "runtime/instance/instance.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "runtime/instance/extern.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/imports.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/instance/signature_registry.h"
#include "runtime/instance/test_util.h"
#include "runtime/limits.h"
#include "runtime/testing/wasm_builder.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

using ::wasm::testing::Bytes;
using ::wasm::testing::CompileTestModule;
using ::wasm::testing::Concat;
using ::wasm::testing::FuncTypeBytes;
using ::wasm::testing::Leb;
using ::wasm::testing::ModuleBytes;
using ::wasm::testing::Name;
using ::wasm::testing::Section;
using ::wasm::testing::Vec;

constexpr uint8_t kI32 = 0x7f;
constexpr uint8_t kI64 = 0x7e;
constexpr uint8_t kFuncRefByte = 0x70;
constexpr uint8_t kExternRefByte = 0x6f;

std::shared_ptr<const Module> Compile(const std::string& name) {
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileTestModule(name);
  EXPECT_TRUE(module.ok()) << name << ": " << module.status();
  return module.ok() ? *module : nullptr;
}

std::shared_ptr<const Module> CompileBytes(Bytes bytes) {
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(std::move(bytes));
  EXPECT_TRUE(module.ok()) << module.status();
  return module.ok() ? *module : nullptr;
}

// Limits bytes: min only, min and max, or shared min max.
Bytes LimitsBytes(uint32_t min, std::optional<uint32_t> max,
                  MemorySharing sharing = MemorySharing::kUnshared) {
  if (!max.has_value()) return Concat({{0x00}, Leb(min)});
  const uint8_t flags = sharing == MemorySharing::kShared ? 0x03 : 0x01;
  return Concat({{flags}, Leb(min), Leb(*max)});
}

// A module whose only content is imports; `types` are its type section's
// entries (FuncTypeBytes), `imports` the import entries (ImportEntry).
Bytes ImportsModule(std::initializer_list<Bytes> types, std::initializer_list<Bytes> imports) {
  if (types.size() == 0) return ModuleBytes({Section(2, Vec(imports))});
  return ModuleBytes({Section(1, Vec(types)), Section(2, Vec(imports))});
}

Bytes ImportEntry(const std::string& module, const std::string& name, Bytes desc) {
  return Concat({Name(module), Name(name), desc});
}
Bytes FuncDesc(uint32_t type_index) { return Concat({{0x00}, Leb(type_index)}); }
Bytes TableDesc(uint8_t elem, uint32_t min, std::optional<uint32_t> max) {
  return Concat({{0x01, elem}, LimitsBytes(min, max)});
}
Bytes MemoryDesc(uint32_t min, std::optional<uint32_t> max,
                 MemorySharing sharing = MemorySharing::kUnshared) {
  return Concat({{0x02}, LimitsBytes(min, max, sharing)});
}
Bytes GlobalDesc(uint8_t type, Mutability mutability) {
  return {0x03, type, static_cast<uint8_t>(mutability)};
}

uint64_t Ref(const FuncRef* ref) { return reinterpret_cast<uintptr_t>(ref); }

// The exporter (testdata/exporter.wat), registered as "M".
class LinkedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Instance>> exporter =
        Instance::Create(Compile("exporter"), Imports());
    ASSERT_TRUE(exporter.ok()) << exporter.status();
    exporter_ = *std::move(exporter);
    ASSERT_TRUE(DefineInstanceExports("M", *exporter_, &imports_).ok());
  }

  absl::Status LinkStatus(Bytes module) {
    return Instance::Create(CompileBytes(std::move(module)), imports_).status();
  }

  std::unique_ptr<Instance> exporter_;
  Imports imports_;
};

TEST_F(LinkedTest, ExporterContents) {
  const Instance& m = *exporter_;
  EXPECT_FALSE(m.start_function().has_value());
  ASSERT_NE(m.memory(), nullptr);
  EXPECT_EQ(m.memory()->pages(), 1u);
  EXPECT_EQ(std::memcmp(m.memory()->base(), "abc", 3), 0);

  std::optional<Extern> f = m.GetExport("f");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind(), ExternKind::kFunc);
  EXPECT_EQ(f->func(), m.func_ref(0));
  EXPECT_EQ(f->func()->vmctx, exporter_->vmctx());
  EXPECT_EQ(f->func()->sig_id,
            SignatureRegistry::Global().Intern(FuncType{{ValType::kI32}, {ValType::kI32}}));

  Table* tab = m.table(0);
  ASSERT_NE(tab, nullptr);
  EXPECT_EQ(tab->size(), 10u);
  EXPECT_EQ(*tab->Get(0), 0u);
  EXPECT_EQ(*tab->Get(1), Ref(m.func_ref(0)));
  EXPECT_EQ(*tab->Get(2), Ref(m.func_ref(1)));
  EXPECT_EQ(*tab->Get(3), 0u);

  EXPECT_EQ(m.GetExport("const_i32")->global()->Get(ValType::kI32), 42u);
  EXPECT_EQ(m.GetExport("mut_i32")->global()->Get(ValType::kI32), 7u);
  EXPECT_EQ(m.GetExport("ref_f")->global()->Get(ValType::kFuncRef), Ref(m.func_ref(0)));
  EXPECT_EQ(m.GetExport("mut_i32")->global_type(), (GlobalType{ValType::kI32, Mutability::kVar}));
  EXPECT_FALSE(m.GetExport("nope").has_value());
}

TEST_F(LinkedTest, VMContextPointsAtTheInstance) {
  VMContext* vmctx = exporter_->vmctx();
  EXPECT_EQ(vmctx->instance, exporter_.get());
  EXPECT_EQ(vmctx->host_function, nullptr);
  EXPECT_EQ(vmctx->memory_base, exporter_->memory()->base());
  EXPECT_EQ(vmctx->memory, exporter_->memory()->view());
  EXPECT_EQ(vmctx->memory->size, 65536u);
  EXPECT_EQ(vmctx->tables[0], exporter_->table(0)->view());
  EXPECT_EQ(vmctx->tables[1], exporter_->table(1)->view());
  EXPECT_EQ(vmctx->globals[1], exporter_->global(1));
  EXPECT_EQ(vmctx->func_refs[1], exporter_->func_ref(1));
  EXPECT_EQ(vmctx->sig_ids[exporter_->module().functions[0]], exporter_->func_ref(0)->sig_id);
  EXPECT_EQ(vmctx->stack_limit, 0u);
  exporter_->set_stack_limit(0x1000);
  EXPECT_EQ(vmctx->stack_limit, 0x1000u);
}

TEST_F(LinkedTest, ImporterSharesTheExportersObjects) {
  absl::StatusOr<std::unique_ptr<Instance>> importer =
      Instance::Create(Compile("importer"), imports_);
  ASSERT_TRUE(importer.ok()) << importer.status();
  Instance& n = **importer;

  // Memory: the same LinearMemory; the importer's data segment is visible
  // to the exporter.
  EXPECT_EQ(n.memory(), exporter_->memory());
  EXPECT_EQ(n.vmctx()->memory_base, exporter_->vmctx()->memory_base);
  EXPECT_EQ(std::memcmp(exporter_->memory()->base() + 10, "xyz", 3), 0);
  EXPECT_EQ(n.GetExport("mem_again")->memory(), exporter_->memory());

  // Table: the same Table; the importer's elements landed in it.
  EXPECT_EQ(n.table(0), exporter_->table(0));
  EXPECT_EQ(n.vmctx()->tables[0], exporter_->table(0)->view());
  EXPECT_EQ(*exporter_->table(0)->Get(5), Ref(n.func_ref(1)));           // $h
  EXPECT_EQ(*exporter_->table(0)->Get(6), Ref(exporter_->func_ref(0)));  // M.f
  EXPECT_EQ(n.GetExport("tab_again")->table(), exporter_->table(0));

  // Functions: imported entries are the exporter's records.
  EXPECT_EQ(n.func_ref(0), exporter_->func_ref(0));
  EXPECT_EQ(n.GetExport("f_again")->func(), exporter_->func_ref(0));
  EXPECT_EQ(n.func_ref(1)->vmctx, n.vmctx());
  EXPECT_EQ(n.GetExport("ref_import")->global()->Get(ValType::kFuncRef),
            Ref(exporter_->func_ref(0)));

  // Globals: an imported global is the exporter's cell.
  GlobalCell* exporter_cell = exporter_->GetExport("mut_i32")->global();
  EXPECT_EQ(n.global(1), exporter_cell);
  EXPECT_EQ(n.vmctx()->globals[1], exporter_cell);
  EXPECT_EQ(n.GetExport("m_again")->global(), exporter_cell);
  n.global(1)->Set(ValType::kI32, 99);
  EXPECT_EQ(exporter_cell->Get(ValType::kI32), 99u);
  EXPECT_EQ(n.GetExport("derived")->global()->Get(ValType::kI32), 42u);
}

TEST_F(LinkedTest, UnknownImport) {
  const absl::Status status =
      LinkStatus(ImportsModule({FuncTypeBytes({}, {})}, {ImportEntry("M", "nope", FuncDesc(0))}));
  EXPECT_EQ(std::string(status.message()), "unknown import: M.nope");
  EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kLink);

  const absl::Status module_missing =
      LinkStatus(ImportsModule({}, {ImportEntry("env", "mem", MemoryDesc(1, std::nullopt))}));
  EXPECT_EQ(std::string(module_missing.message()), "unknown import: env.mem");
}

TEST_F(LinkedTest, FirstFailingImportIsReported) {
  const absl::Status status = LinkStatus(ImportsModule(
      {FuncTypeBytes({kI64}, {})},
      {ImportEntry("M", "mem", MemoryDesc(1, std::nullopt)), ImportEntry("M", "f", FuncDesc(0)),
       ImportEntry("M", "missing", GlobalDesc(kI32, Mutability::kConst))}));
  EXPECT_EQ(std::string(status.message()),
            "incompatible import type for M.f: expected func (i64) -> (), got func (i32) -> (i32)");
  EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kLink);
}

TEST_F(LinkedTest, FunctionSignaturesMustBeEqual) {
  EXPECT_TRUE(LinkStatus(ImportsModule({FuncTypeBytes({kI32}, {kI32})},
                                       {ImportEntry("M", "f", FuncDesc(0))}))
                  .ok());
  for (Bytes type : {FuncTypeBytes({kI32}, {}), FuncTypeBytes({}, {kI32}),
                     FuncTypeBytes({kI32, kI32}, {kI32}), FuncTypeBytes({kI32}, {kI64})}) {
    const absl::Status status =
        LinkStatus(ImportsModule({type}, {ImportEntry("M", "f", FuncDesc(0))}));
    EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kLink) << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), "incompatible import type for M.f")) << status;
  }
}

TEST_F(LinkedTest, KindMustMatch) {
  const absl::Status status =
      LinkStatus(ImportsModule({FuncTypeBytes({}, {})}, {ImportEntry("M", "mem", FuncDesc(0))}));
  EXPECT_EQ(
      std::string(status.message()),
      "incompatible import type for M.mem: expected func () -> (), got memory {min 1, max 5}");
  EXPECT_EQ(GetInstanceErrorKind(LinkStatus(
                ImportsModule({}, {ImportEntry("M", "f", GlobalDesc(kI32, Mutability::kConst))}))),
            InstanceErrorKind::kLink);
}

TEST_F(LinkedTest, MemoryLimitsSubtyping) {
  auto link = [&](uint32_t min, std::optional<uint32_t> max) {
    return LinkStatus(ImportsModule({}, {ImportEntry("M", "mem", MemoryDesc(min, max))}));
  };
  // The exporter's memory: 1 page now, max 5.
  EXPECT_TRUE(link(0, std::nullopt).ok());
  EXPECT_TRUE(link(1, std::nullopt).ok());
  EXPECT_TRUE(link(1, 5).ok());
  EXPECT_TRUE(link(0, 6).ok());
  EXPECT_EQ(
      std::string(link(2, std::nullopt).message()),
      "incompatible import type for M.mem: expected memory {min 2}, got memory {min 1, max 5}");
  EXPECT_EQ(GetInstanceErrorKind(link(1, 4)), InstanceErrorKind::kLink);
  // After growing, the current size counts.
  ASSERT_TRUE(exporter_->memory()->Grow(1).ok());
  EXPECT_TRUE(link(2, std::nullopt).ok());
}

TEST_F(LinkedTest, MemoryWithoutMaximumDoesNotMatchARequiredMaximum) {
  Imports imports;
  ASSERT_TRUE(imports
                  .Define("env", "mem",
                          Extern::FromMemory(
                              *LinearMemory::Create(1, std::nullopt, MemorySharing::kUnshared)))
                  .ok());
  const absl::Status status =
      Instance::Create(
          CompileBytes(ImportsModule({}, {ImportEntry("env", "mem", MemoryDesc(1, 2))})), imports)
          .status();
  EXPECT_EQ(std::string(status.message()),
            "incompatible import type for env.mem: expected memory {min 1, max 2}, got memory "
            "{min 1}");
}

TEST_F(LinkedTest, TableTypeAndLimitsSubtyping) {
  auto link = [&](uint8_t elem, uint32_t min, std::optional<uint32_t> max) {
    return LinkStatus(ImportsModule({}, {ImportEntry("M", "tab", TableDesc(elem, min, max))}));
  };
  // The exporter's table: funcref, 10, no maximum.
  EXPECT_TRUE(link(kFuncRefByte, 10, std::nullopt).ok());
  EXPECT_TRUE(link(kFuncRefByte, 0, std::nullopt).ok());
  EXPECT_EQ(std::string(link(kFuncRefByte, 11, std::nullopt).message()),
            "incompatible import type for M.tab: expected table funcref {min 11}, got table "
            "funcref {min 10}");
  EXPECT_EQ(GetInstanceErrorKind(link(kFuncRefByte, 10, 20)), InstanceErrorKind::kLink);
  EXPECT_EQ(GetInstanceErrorKind(link(kExternRefByte, 10, std::nullopt)), InstanceErrorKind::kLink);
  EXPECT_TRUE(
      LinkStatus(ImportsModule(
                     {}, {ImportEntry("M", "ext_tab", TableDesc(kExternRefByte, 2, std::nullopt))}))
          .ok());
}

TEST_F(LinkedTest, GlobalTypeAndMutabilityMustBeEqual) {
  constexpr Mutability kConst = Mutability::kConst;
  constexpr Mutability kVar = Mutability::kVar;
  auto link = [&](const std::string& name, uint8_t type, Mutability mutability) {
    return LinkStatus(ImportsModule({}, {ImportEntry("M", name, GlobalDesc(type, mutability))}));
  };
  EXPECT_TRUE(link("const_i32", kI32, kConst).ok());
  EXPECT_TRUE(link("mut_i32", kI32, kVar).ok());
  EXPECT_TRUE(link("mut_ext", kExternRefByte, kVar).ok());
  EXPECT_EQ(std::string(link("const_i32", kI32, kVar).message()),
            "incompatible import type for M.const_i32: expected global (mut i32), got global i32");
  EXPECT_EQ(GetInstanceErrorKind(link("mut_i32", kI32, kConst)), InstanceErrorKind::kLink);
  EXPECT_EQ(GetInstanceErrorKind(link("const_i32", kI64, kConst)), InstanceErrorKind::kLink);
  EXPECT_EQ(GetInstanceErrorKind(link("mut_ext", kFuncRefByte, kVar)), InstanceErrorKind::kLink);
  EXPECT_EQ(GetInstanceErrorKind(link("ref_f", kExternRefByte, kConst)), InstanceErrorKind::kLink);
}

TEST_F(LinkedTest, SharedMemoryMustMatchSharedImport) {
  Imports imports;
  ASSERT_TRUE(imports
                  .Define("env", "shared",
                          Extern::FromMemory(*LinearMemory::Create(1, 2, MemorySharing::kShared)))
                  .ok());
  auto link = [&](MemorySharing sharing) {
    return Instance::Create(CompileBytes(ImportsModule(
                                {}, {ImportEntry("env", "shared", MemoryDesc(1, 2, sharing))})),
                            imports)
        .status();
  };
  EXPECT_TRUE(link(MemorySharing::kShared).ok());
  EXPECT_EQ(std::string(link(MemorySharing::kUnshared).message()),
            "incompatible import type for env.shared: expected memory {min 1, max 2}, got memory "
            "{min 1, max 2, shared}");
  // The other way round.
  EXPECT_EQ(GetInstanceErrorKind(LinkStatus(ImportsModule(
                {}, {ImportEntry("M", "mem", MemoryDesc(1, 5, MemorySharing::kShared))}))),
            InstanceErrorKind::kLink);
}

TEST_F(LinkedTest, NullObjectsAreIncompatible) {
  Imports imports;
  ASSERT_TRUE(imports.Define("env", "t", Extern::FromTable(nullptr)).ok());
  const absl::Status status =
      Instance::Create(
          CompileBytes(ImportsModule(
              {}, {ImportEntry("env", "t", TableDesc(kFuncRefByte, 0, std::nullopt))})),
          imports)
          .status();
  EXPECT_EQ(std::string(status.message()),
            "incompatible import type for env.t: expected table funcref {min 0}, got table (null)");
}

TEST_F(LinkedTest, ElemSegmentTrapKeepsEarlierSegmentsAndSkipsData) {
  absl::StatusOr<std::unique_ptr<Instance>> failing =
      Instance::Allocate(Compile("elem_out_of_bounds"), imports_);
  ASSERT_TRUE(failing.ok()) << failing.status();
  const absl::Status status = (*failing)->ApplySegments();
  EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kTrap);
  EXPECT_EQ(GetTrapKind(status), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(std::string(status.message()),
            "out of bounds table access: element segment 1 writes [9, 11) of table 0, which has "
            "10 elements");
  // Segment 0 stays applied; segment 1 wrote nothing; the data segment after
  // it never ran.
  Table& tab = *exporter_->table(0);
  EXPECT_EQ(*tab.Get(7), Ref((*failing)->func_ref(0)));
  EXPECT_EQ(*tab.Get(8), 0u);
  EXPECT_EQ(*tab.Get(9), 0u);
  EXPECT_EQ(std::memcmp(exporter_->memory()->base(), "abc", 3), 0);
  EXPECT_FALSE((*failing)->elem_dropped(1));
  EXPECT_TRUE((*failing)->elem_dropped(0));
}

TEST_F(LinkedTest, DataSegmentTrapKeepsEarlierSegments) {
  const absl::Status status = Instance::Create(Compile("data_out_of_bounds"), imports_).status();
  EXPECT_EQ(GetTrapKind(status), TrapKind::kMemoryOutOfBounds);
  EXPECT_TRUE(absl::StartsWith(status.message(), "out of bounds memory access: data segment 1"))
      << status;
  const uint8_t* mem = exporter_->memory()->base();
  EXPECT_EQ(std::memcmp(mem + 100, "hi", 2), 0);
  EXPECT_EQ(mem[65535], 0);
}

TEST(InstanceTest, EmptySegmentsAtTheEndAreInBounds) {
  absl::StatusOr<std::unique_ptr<Instance>> instance =
      Instance::Create(Compile("empty_segments_at_end"), Imports());
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_TRUE((*instance)->elem_dropped(0));
  EXPECT_TRUE((*instance)->data_dropped(0));
}

TEST(InstanceTest, EmptySegmentsPastTheEndTrap) {
  EXPECT_EQ(GetTrapKind(Instance::Create(Compile("empty_elem_past_end"), Imports()).status()),
            TrapKind::kTableOutOfBounds);
  EXPECT_EQ(GetTrapKind(Instance::Create(Compile("empty_data_past_end"), Imports()).status()),
            TrapKind::kMemoryOutOfBounds);
}

TEST(InstanceTest, SegmentsAreAppliedOnce) {
  absl::StatusOr<std::unique_ptr<Instance>> instance =
      Instance::Allocate(Compile("empty_segments_at_end"), Imports());
  ASSERT_TRUE(instance.ok());
  EXPECT_FALSE((*instance)->elem_dropped(0));
  ASSERT_TRUE((*instance)->ApplySegments().ok());
  EXPECT_EQ((*instance)->ApplySegments().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(InstanceTest, GlobalInitialisers) {
  Imports imports;
  ASSERT_TRUE(
      imports.Define("env", "base", *Extern::NewGlobal({ValType::kI64, Mutability::kConst}, 1234))
          .ok());
  ASSERT_TRUE(
      imports
          .Define("env", "ext", *Extern::NewGlobal({ValType::kExternRef, Mutability::kConst}, 78))
          .ok());
  absl::StatusOr<std::unique_ptr<Instance>> instance =
      Instance::Create(Compile("globals"), imports);
  ASSERT_TRUE(instance.ok()) << instance.status();
  const Instance& m = **instance;
  auto value = [&](const std::string& name, ValType type) {
    return m.GetExport(name)->global()->Get(type);
  };
  EXPECT_EQ(value("i32", ValType::kI32), 0xffffffffu);
  EXPECT_EQ(value("i64", ValType::kI64), 0xfffffffffffffffeu);
  EXPECT_EQ(value("f32", ValType::kF32), 0x3fc00000u);
  EXPECT_EQ(value("f64", ValType::kF64), 0xbfd0000000000000u);
  EXPECT_EQ(value("copy", ValType::kI64), 1234u);
  EXPECT_EQ(value("func", ValType::kFuncRef), Ref(m.func_ref(0)));
  EXPECT_EQ(value("null", ValType::kFuncRef), 0u);
  EXPECT_EQ(value("ext", ValType::kExternRef), 78u);
  EXPECT_EQ(m.start_function(), 1u);
}

TEST(InstanceTest, ExportedGlobalOutlivesTheInstance) {
  absl::StatusOr<std::unique_ptr<Instance>> instance =
      Instance::Create(Compile("exporter"), Imports());
  ASSERT_TRUE(instance.ok());
  std::optional<Extern> global = (*instance)->GetExport("mut_i32");
  std::optional<Extern> table = (*instance)->GetExport("tab");
  std::optional<Extern> memory = (*instance)->GetExport("mem");
  instance->reset();
  EXPECT_EQ(global->global()->Get(ValType::kI32), 7u);
  EXPECT_EQ(table->table()->size(), 10u);
  EXPECT_EQ(memory->memory()->base()[2], 'c');
}

TEST(InstanceTest, HostFunctionImport) {
  std::weak_ptr<HostFunction> weak;
  std::unique_ptr<Instance> instance;
  {
    auto f = *HostFunction::Create(FuncType{{ValType::kI32}, {ValType::kI32}},
                                   [](absl::Span<uint64_t> slots) { slots[0] += 1; });
    weak = f;
    Imports imports;
    ASSERT_TRUE(imports.Define("M", "f", Extern::FromHostFunction(f)).ok());
    absl::StatusOr<std::unique_ptr<Instance>> created =
        Instance::Create(CompileBytes(ImportsModule({FuncTypeBytes({kI32}, {kI32})},
                                                    {ImportEntry("M", "f", FuncDesc(0))})),
                         imports);
    ASSERT_TRUE(created.ok()) << created.status();
    instance = *std::move(created);
    EXPECT_EQ(instance->func_ref(0), f->func_ref());
  }
  // The instance keeps the host function alive.
  ASSERT_FALSE(weak.expired());
  const FuncRef* ref = instance->func_ref(0);
  uint64_t slot = 41;
  reinterpret_cast<ArrayEntry>(ref->array_entry)(ref->vmctx, &slot);
  EXPECT_EQ(slot, 42u);
  instance.reset();
  EXPECT_TRUE(weak.expired());
}

TEST(InstanceTest, SetFunctionCodeOnlyForDefinedFunctions) {
  Imports imports;
  auto f = *HostFunction::Create(FuncType{{ValType::kI32}, {ValType::kI32}},
                                 [](absl::Span<uint64_t>) {});
  ASSERT_TRUE(imports.Define("M", "f", Extern::FromHostFunction(f)).ok());
  absl::StatusOr<std::unique_ptr<Instance>> exporter =
      Instance::Create(Compile("exporter"), Imports());
  ASSERT_TRUE(exporter.ok());
  static const char kCode[] = "code";
  static const char kEntry[] = "entry";
  ASSERT_TRUE((*exporter)->SetFunctionCode(1, kCode, kEntry).ok());
  EXPECT_EQ((*exporter)->func_ref(1)->native_code, kCode);
  EXPECT_EQ((*exporter)->func_ref(1)->array_entry, kEntry);
  EXPECT_EQ((*exporter)->SetFunctionCode(2, kCode, kEntry).code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<std::unique_ptr<Instance>> importer =
      Instance::Create(CompileBytes(ImportsModule({FuncTypeBytes({kI32}, {kI32})},
                                                  {ImportEntry("M", "f", FuncDesc(0))})),
                       imports);
  ASSERT_TRUE(importer.ok());
  EXPECT_EQ((*importer)->SetFunctionCode(0, kCode, kEntry).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f->func_ref()->native_code, nullptr);
}

TEST(InstanceTest, NullModuleIsRejected) {
  EXPECT_EQ(Instance::Create(nullptr, Imports()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(InstanceTest, CanonicalSignatureIdsAcrossModules) {
  absl::StatusOr<std::unique_ptr<Instance>> a = Instance::Create(Compile("types_a"), Imports());
  absl::StatusOr<std::unique_ptr<Instance>> b = Instance::Create(Compile("types_b"), Imports());
  ASSERT_TRUE(a.ok() && b.ok());
  const uint32_t* ids_a = (*a)->vmctx()->sig_ids;
  const uint32_t* ids_b = (*b)->vmctx()->sig_ids;
  // a: 0 = (i32) -> (i32), 1 = () -> ().
  // b: 0 = () -> (), 1 = (i32) -> (i32), 2 = (i64) -> (i32), 3 = () -> (i32).
  EXPECT_EQ(ids_a[0], ids_b[1]);
  EXPECT_EQ(ids_a[1], ids_b[0]);
  EXPECT_NE(ids_a[0], ids_a[1]);
  EXPECT_NE(ids_b[2], ids_a[0]);
  EXPECT_NE(ids_b[2], ids_a[1]);
  EXPECT_NE(ids_b[3], ids_b[2]);
  EXPECT_NE(ids_b[3], ids_a[0]);
  for (int i = 0; i < 4; ++i) EXPECT_NE(ids_b[i], kInvalidSigId);
}

TEST(InstanceTest, LargestTableIsAllocated) {
  absl::StatusOr<std::unique_ptr<Instance>> instance =
      Instance::Create(Compile("table_10m"), Imports());
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ((*instance)->table(0)->size(), kMaxTableSize);
}

TEST(InstanceTest, TablePastTheImplementationLimitIsAnError) {
  const absl::Status status = Instance::Create(Compile("table_too_large"), Imports()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetInstanceErrorKind(status), InstanceErrorKind::kOther);
  EXPECT_EQ(std::string(status.message()),
            "table 0: table: 10000001 elements exceed the implementation limit of 10000000");
}

TEST(InstanceTest, DefineInstanceExportsRegistersEveryExport) {
  absl::StatusOr<std::unique_ptr<Instance>> exporter =
      Instance::Create(Compile("exporter"), Imports());
  ASSERT_TRUE(exporter.ok());
  Imports imports;
  ASSERT_TRUE(DefineInstanceExports("M", **exporter, &imports).ok());
  EXPECT_EQ(imports.size(), (*exporter)->module().exports.size());
  EXPECT_EQ(imports.Resolve("M", "tab")->table(), (*exporter)->table(0));
  EXPECT_EQ(DefineInstanceExports("M", **exporter, &imports).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(
      DefineInstanceExports("M", **exporter, &imports, Imports::OnDuplicate::kReplace).ok());
}

}  // namespace
}  // namespace wasm
