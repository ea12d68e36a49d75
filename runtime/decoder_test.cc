// Section-by-section decoding, and the malformed-module errors the spec's
// binary.wast does not pin down exactly.
#include "runtime/decoder.h"

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/errors.h"
#include "runtime/testing/wasm_builder.h"

namespace wasm {
namespace {

using ::testing::HasSubstr;
using namespace ::wasm::testing;  // NOLINT: builder vocabulary

constexpr uint8_t kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d, kF64 = 0x7c;
constexpr uint8_t kFuncRef = 0x70, kExternRef = 0x6f;

std::unique_ptr<Module> MustDecode(Bytes bytes) {
  absl::StatusOr<std::unique_ptr<Module>> m = DecodeModule(std::move(bytes));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? std::move(*m) : std::make_unique<Module>();
}

std::string DecodeError(Bytes bytes) {
  absl::StatusOr<std::unique_ptr<Module>> m = DecodeModule(std::move(bytes));
  if (m.ok()) return "<decoded>";
  EXPECT_EQ(GetErrorKind(m.status()), ErrorKind::kMalformed) << m.status();
  return SpecText(m.status());
}

TEST(DecoderTest, EmptyModule) {
  std::unique_ptr<Module> m = MustDecode(ModuleBytes({}));
  EXPECT_TRUE(m->types.empty());
  EXPECT_TRUE(m->functions.empty());
}

TEST(DecoderTest, Header) {
  EXPECT_EQ(DecodeError({}), "unexpected end");
  EXPECT_EQ(DecodeError({0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_EQ(DecodeError({0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0}), "magic header not detected");
  EXPECT_EQ(DecodeError({0x00, 0x61, 0x73, 0x6d, 0x01, 0}), "unexpected end");
  EXPECT_EQ(DecodeError({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0}), "unknown binary version");
}

TEST(DecoderTest, TypeSection) {
  std::unique_ptr<Module> m = MustDecode(ModuleBytes({Section(
      1, Vec({FuncTypeBytes({kI32, kI64}, {kF32}), FuncTypeBytes({}, {kF64, kExternRef})}))}));
  ASSERT_EQ(m->types.size(), 2u);
  EXPECT_EQ(m->types[0].ToString(), "(i32, i64) -> (f32)");
  EXPECT_EQ(m->types[1].ToString(), "() -> (f64, externref)");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(1, Vec({{0x61, 0x00, 0x00}}))})),
            "malformed function type");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(1, Vec({{0x60, 0x01, 0x7b, 0x00}}))})),
            "malformed value type");  // v128: SIMD is not supported
}

TEST(DecoderTest, ImportSection) {
  std::unique_ptr<Module> m = MustDecode(ModuleBytes({
      Section(1, Vec({FuncTypeBytes({}, {})})),
      Section(2, Vec({Concat({Name("env"), Name("f"), {0x00}, Leb(0)}),
                      Concat({Name("env"), Name("t"), {0x01, kFuncRef, 0x01}, Leb(1), Leb(10)}),
                      Concat({Name("env"), Name("m"), {0x02, 0x00}, Leb(1)}),
                      Concat({Name("env"), Name("g"), {0x03, kI64, 0x01}})})),
  }));
  ASSERT_EQ(m->imports.size(), 4u);
  EXPECT_EQ(m->num_imported_functions, 1u);
  EXPECT_EQ(m->imports[1].table.limits.max, 10u);
  EXPECT_EQ(m->memories.size(), 1u);
  EXPECT_EQ(m->globals[0].type.mutability, Mutability::kVar);
  EXPECT_EQ(DecodeError(ModuleBytes({Section(2, Vec({Concat({Name("a"), Name("b"), {0x04}})}))})),
            "malformed import kind");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(
                2, Vec({Concat({Name("a"), Name("b"), {0x03, kI32, 0x02}})}))})),
            "malformed mutability");
}

TEST(DecoderTest, TableMemoryGlobalExportStart) {
  std::unique_ptr<Module> m = MustDecode(Concat({ModuleBytes({
      Section(1, Vec({FuncTypeBytes({}, {})})),
      Section(3, Vec({Leb(0)})),
      Section(4, Vec({{kExternRef, 0x00, 0x05}})),
      Section(5, Vec({{0x01, 0x01, 0x02}})),
      Section(6, Vec({Concat({{kI32, 0x00, 0x41}, SLeb(-5), {0x0b}})})),
      Section(7, Vec({Concat({Name("run"), {0x00}, Leb(0)}), Concat({Name("mem"), {0x02}, Leb(0)})})),
      Section(8, Leb(0)),
      Section(10, Vec({Body({}, {0x0b})})),
  })}));
  EXPECT_EQ(m->tables[0].elem_type, ValType::kExternRef);
  EXPECT_EQ(m->tables[0].limits.min, 5u);
  EXPECT_EQ(m->memories[0].limits.max, 2u);
  EXPECT_EQ(m->globals[0].init.op, ConstExpr::Op::kI32Const);
  EXPECT_EQ(static_cast<int32_t>(m->globals[0].init.bits), -5);
  EXPECT_EQ(m->exports[1].name, "mem");
  EXPECT_EQ(m->start, 0u);
  EXPECT_TRUE(m->declared_func_refs[0]);  // exported functions are declared
}

TEST(DecoderTest, ElementSegmentForms) {
  // One segment of each of the eight encodings.
  const Bytes offset = {0x41, 0x00, 0x0b};
  std::unique_ptr<Module> m = MustDecode(Concat({ModuleBytes({
      Section(1, Vec({FuncTypeBytes({}, {})})),
      Section(3, Vec({Leb(0)})),
      Section(4, Vec({{kFuncRef, 0x00, 0x01}})),
      Section(9, Vec({
          Concat({Leb(0), offset, Vec({Leb(0)})}),
          Concat({Leb(1), {0x00}, Vec({Leb(0)})}),
          Concat({Leb(2), Leb(0), offset, {0x00}, Vec({Leb(0)})}),
          Concat({Leb(3), {0x00}, Vec({Leb(0)})}),
          Concat({Leb(4), offset, Vec({{0xd2, 0x00, 0x0b}})}),
          Concat({Leb(5), {kFuncRef}, Vec({{0xd0, kFuncRef, 0x0b}})}),
          Concat({Leb(6), Leb(0), offset, {kFuncRef}, Vec({{0xd2, 0x00, 0x0b}})}),
          Concat({Leb(7), {kExternRef}, Vec({{0xd0, kExternRef, 0x0b}})}),
      })),
      Section(10, Vec({Body({}, {0x0b})})),
  })}));
  ASSERT_EQ(m->elems.size(), 8u);
  EXPECT_EQ(m->elems[0].mode, SegmentMode::kActive);
  EXPECT_EQ(m->elems[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(m->elems[3].mode, SegmentMode::kDeclarative);
  EXPECT_EQ(m->elems[5].elements[0].op, ConstExpr::Op::kRefNull);
  EXPECT_EQ(m->elems[7].elem_type, ValType::kExternRef);
  EXPECT_EQ(DecodeError(ModuleBytes({Section(9, Vec({Leb(8)}))})),
            "malformed elements segment kind");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(9, Vec({Concat({Leb(1), {0x01}, Vec({})})}))})),
            "malformed element kind");
}

TEST(DecoderTest, DataSegmentsAndDataCount) {
  std::unique_ptr<Module> m = MustDecode(ModuleBytes({
      Section(5, Vec({{0x00, 0x01}})),
      Section(12, Leb(2)),
      Section(11, Vec({Concat({Leb(0), {0x41, 0x08, 0x0b}, Name("hi")}),
                       Concat({Leb(1), Name("xyz")})})),
  }));
  ASSERT_EQ(m->datas.size(), 2u);
  EXPECT_EQ(m->datas[0].bytes.size, 2u);
  EXPECT_EQ(m->datas[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(m->data_count, 2u);
  EXPECT_EQ(DecodeError(ModuleBytes({Section(12, Leb(1)), Section(11, Vec({}))})),
            "data count and data section have inconsistent lengths");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(12, Leb(1))})),
            "data count and data section have inconsistent lengths");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(11, Vec({Concat({Leb(1), Leb(10), {1, 2}})}))})),
            "unexpected end of section or function");
}

TEST(DecoderTest, CodeSection) {
  std::unique_ptr<Module> m = MustDecode(
      OneFunctionModule({kI32}, {kI32}, {0x20, 0x00, 0x0b}, {{2, kI64}, {0, kF32}, {1, kF64}}));
  ASSERT_EQ(m->bodies.size(), 1u);
  EXPECT_EQ(m->bodies[0].num_locals, 3u);
  EXPECT_EQ(m->bodies[0].locals.size(), 2u);  // the empty group is dropped
  // Function section without code section, and the reverse.
  EXPECT_EQ(DecodeError(ModuleBytes({Section(1, Vec({FuncTypeBytes({}, {})})),
                                     Section(3, Vec({Leb(0)}))})),
            "function and code section have inconsistent lengths");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(10, Vec({Body({}, {0x0b})}))})),
            "function and code section have inconsistent lengths");
  // 2^32 locals in total overflow.
  EXPECT_EQ(DecodeError(OneFunctionModule({}, {}, {0x0b},
                                          {{0xffffffff, kI32}, {1, kI32}})),
            "too many locals");
  EXPECT_THAT(DecodeError(OneFunctionModule({}, {}, {0x0b}, {{50001, kI32}})),
              HasSubstr("too many locals"));
}

TEST(DecoderTest, SectionFraming) {
  EXPECT_EQ(DecodeError(ModuleBytes({Section(13, {})})), "malformed section id");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(1, Vec({})), Section(1, Vec({}))})),
            "unexpected content after last section");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(3, Vec({})), Section(1, Vec({}))})),
            "unexpected content after last section");
  EXPECT_EQ(DecodeError(ModuleBytes({{0x01, 0x05, 0x00}})), "length out of bounds");
  // A type section claiming 2 bytes but holding an empty vector and a spare byte.
  EXPECT_EQ(DecodeError(ModuleBytes({{0x01, 0x02, 0x00, 0x00}})), "section size mismatch");
  // Custom sections may appear anywhere, even between ordered sections.
  MustDecode(ModuleBytes({Section(0, Name("a")), Section(1, Vec({})), Section(0, Name("b"))}));
}

TEST(DecoderTest, NameSectionIsDecodedLeniently) {
  const Bytes map = Vec({Concat({Leb(0), Name("main")})});
  const Bytes function_names = Concat({{0x01}, Leb(map.size()), map});
  std::unique_ptr<Module> m = MustDecode(Concat(
      {OneFunctionModule({}, {}, {0x0b}),
       Section(0, Concat({Name("name"), {0x00}, Leb(4), Name("mod"), function_names}))}));
  EXPECT_EQ(m->names.module, "mod");
  EXPECT_EQ(m->names.functions.at(0), "main");
  // A broken name section is ignored, never an error.
  std::unique_ptr<Module> broken = MustDecode(Concat(
      {OneFunctionModule({}, {}, {0x0b}), Section(0, Concat({Name("name"), {0x01, 0x7f}}))}));
  EXPECT_TRUE(broken->names.functions.empty());
}

TEST(DecoderTest, HugeCountsFailWithoutHugeAllocations) {
  // Counts of 2^32-1 with no bytes behind them must fail fast.
  EXPECT_THAT(DecodeError(ModuleBytes({Section(1, Leb(0xffffffff))})), HasSubstr("too many types"));
  EXPECT_EQ(DecodeError(ModuleBytes({Section(3, Leb(100000))})),
            "unexpected end of section or function");
  EXPECT_EQ(DecodeError(ModuleBytes({Section(9, Vec({Concat({Leb(1), {0x00}, Leb(1000000)})}))})),
            "unexpected end of section or function");
}

}  // namespace
}  // namespace wasm
