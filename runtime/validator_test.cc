// Validator corner cases: unreachable-code polymorphism, multi-value blocks,
// br_table arities, declared function references, constant expressions,
// module-level rules, and error locations.
#include "runtime/validator.h"

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/errors.h"
#include "runtime/testing/wasm_builder.h"

namespace wasm {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::wasm::testing;  // NOLINT: builder vocabulary

constexpr uint8_t kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d;
constexpr uint8_t kFuncRef = 0x70, kExternRef = 0x6f;
// Opcodes used below.
constexpr uint8_t kUnreachable = 0x00, kBlock = 0x02, kLoop = 0x03, kIf = 0x04, kElse = 0x05,
                  kEnd = 0x0b, kBr = 0x0c, kBrTable = 0x0e, kDrop = 0x1a, kSelect = 0x1b,
                  kSelectT = 0x1c, kLocalGet = 0x20, kGlobalSet = 0x24, kI32Const = 0x41,
                  kF32Const = 0x43, kI32Add = 0x6a, kRefNull = 0xd0, kRefIsNull = 0xd1,
                  kRefFunc = 0xd2, kVoid = 0x40;

absl::Status Compile(Bytes bytes) { return CompileModule(std::move(bytes)).status(); }

void ExpectValid(Bytes bytes) {
  absl::Status s = Compile(std::move(bytes));
  EXPECT_TRUE(s.ok()) << s;
}

void ExpectInvalid(Bytes bytes, const std::string& spec_text_prefix) {
  absl::Status s = Compile(std::move(bytes));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(GetErrorKind(s), ErrorKind::kInvalid) << s;
  EXPECT_THAT(SpecText(s), StartsWith(spec_text_prefix)) << s;
}

TEST(ValidatorTest, UnreachableMakesTheStackPolymorphic) {
  // unreachable; i32.add; drop: the operands of i32.add are "any".
  ExpectValid(OneFunctionModule({}, {}, {kUnreachable, kI32Add, kDrop, kEnd}));
  // A block whose result comes from unreachable code.
  ExpectValid(OneFunctionModule({}, {kI32}, {kBlock, kI32, kUnreachable, kEnd, kEnd}));
  // select in unreachable code yields "any", usable as f32 afterwards.
  ExpectValid(OneFunctionModule({}, {kF32}, {kUnreachable, kSelect, kEnd}));
  // Polymorphism does not let a concrete wrong type through.
  ExpectInvalid(OneFunctionModule({}, {}, {kUnreachable, kF32Const, 0, 0, 0, 0, kI32Add, kDrop,
                                           kEnd}),
                "type mismatch");
  // The stack below the block's entry height is not reachable even when
  // the block is in unreachable code.
  ExpectInvalid(OneFunctionModule({}, {}, {kI32Const, 1, kBlock, kVoid, kUnreachable, kEnd, kDrop,
                                           kDrop, kEnd}),
                "type mismatch");
}

TEST(ValidatorTest, BrTableInUnreachableCodeAcceptsDifferentLabelTypes) {
  // block (result i32) block (result f32) unreachable br_table 0 1 end drop i32.const 0 end
  ExpectValid(OneFunctionModule(
      {}, {kI32},
      {kBlock, kI32, kBlock, kF32, kUnreachable, kBrTable, 1, 0, 1, kEnd, kDrop, kI32Const, 0,
       kEnd, kEnd}));
  // Outside unreachable code, labels of different arity are a type mismatch.
  ExpectInvalid(OneFunctionModule({}, {},
                                  {kBlock, kI32, kBlock, kVoid, kI32Const, 0, kI32Const, 0,
                                   kBrTable, 1, 0, 1, kEnd, kI32Const, 0, kEnd, kDrop, kEnd}),
                "type mismatch");
  ExpectInvalid(OneFunctionModule({}, {}, {kI32Const, 0, kBrTable, 0, 3, kEnd}), "unknown label");
}

TEST(ValidatorTest, MultiValueBlocksWithTypeIndex) {
  // type 0: () -> (); type 1: (i32 i32) -> (i32)
  const Bytes types = Section(1, Vec({FuncTypeBytes({}, {}), FuncTypeBytes({kI32, kI32}, {kI32})}));
  auto module = [&](const Bytes& code) {
    return Concat({ModuleBytes({types, Section(3, Vec({Leb(0)}))}),
                   Section(10, Vec({Body({}, code)}))});
  };
  ExpectValid(module({kI32Const, 1, kI32Const, 2, kBlock, 0x01, kI32Add, kEnd, kDrop, kEnd}));
  // A loop's label takes the parameters: br 0 inside needs (i32 i32).
  ExpectValid(module({kI32Const, 1, kI32Const, 2, kLoop, 0x01, kI32Add, kEnd, kDrop, kEnd}));
  ExpectInvalid(module({kI32Const, 1, kBlock, 0x01, kI32Add, kEnd, kDrop, kEnd}), "type mismatch");
  ExpectInvalid(module({kBlock, 0x05, kEnd, kEnd}), "unknown type");
  // if without else must map its params to its results unchanged.
  ExpectInvalid(module({kI32Const, 1, kI32Const, 2, kI32Const, 0, kIf, 0x01, kI32Add, kEnd, kDrop,
                        kEnd}),
                "type mismatch");
  ExpectValid(module({kI32Const, 1, kI32Const, 2, kI32Const, 0, kIf, 0x01, kI32Add, kElse, kDrop,
                      kEnd, kDrop, kEnd}));
}

TEST(ValidatorTest, SelectTypingRules) {
  const Bytes refs = {kRefNull, kExternRef, kRefNull, kExternRef, kI32Const, 1};
  ExpectInvalid(OneFunctionModule({}, {}, Concat({refs, {kSelect, kDrop, kEnd}})),
                "type mismatch");
  ExpectValid(OneFunctionModule({}, {}, Concat({refs, {kSelectT, 0x01, kExternRef, kDrop, kEnd}})));
  ExpectInvalid(OneFunctionModule({}, {}, Concat({refs, {kSelectT, 0x02, kExternRef, kExternRef,
                                                         kDrop, kEnd}})),
                "invalid result arity");
  ExpectInvalid(OneFunctionModule({}, {}, {kI32Const, 1, kRefIsNull, kDrop, kEnd}), "type mismatch");
}

TEST(ValidatorTest, RefFuncNeedsADeclaration) {
  ExpectInvalid(OneFunctionModule({}, {}, {kRefFunc, 0, kDrop, kEnd}),
                "undeclared function reference");
  // A declarative element segment (kind 3) declares function 0.
  const Bytes elems = Section(9, Vec({Concat({Leb(3), {0x00}, Vec({Leb(0)})})}));
  ExpectValid(OneFunctionModule({}, {}, {kRefFunc, 0, kDrop, kEnd}, {}, elems));
}

TEST(ValidatorTest, ConstantExpressions) {
  auto global_module = [](const Bytes& imports, uint8_t type, const Bytes& init) {
    return ModuleBytes({imports, Section(6, Vec({Concat({{type, 0x00}, init})}))});
  };
  const Bytes imported_const = Section(2, Vec({Concat({Name("m"), Name("g"), {0x03, kI32, 0x00}})}));
  const Bytes imported_mut = Section(2, Vec({Concat({Name("m"), Name("g"), {0x03, kI32, 0x01}})}));
  ExpectValid(global_module(imported_const, kI32, {0x23, 0x00, kEnd}));
  ExpectInvalid(global_module(imported_mut, kI32, {0x23, 0x00, kEnd}),
                "constant expression required");
  ExpectInvalid(global_module({}, kI32, {0x23, 0x00, kEnd}), "unknown global 0");
  ExpectInvalid(global_module({}, kI32, {kI32Const, 1, kI32Const, 2, kI32Add, kEnd}),
                "constant expression required");
  ExpectInvalid(global_module({}, kI32, {kI32Const, 1, kI32Const, 2, kEnd}), "type mismatch");
  ExpectInvalid(global_module({}, kI32, {kEnd}), "type mismatch");
  ExpectInvalid(global_module({}, kI64, {kI32Const, 1, kEnd}), "type mismatch");
  ExpectInvalid(global_module({}, kFuncRef, {kRefNull, kExternRef, kEnd}), "type mismatch");
}

TEST(ValidatorTest, ModuleLevelRules) {
  ExpectInvalid(ModuleBytes({Section(5, Vec({{0x00, 0x01}, {0x00, 0x01}}))}), "multiple memories");
  ExpectInvalid(ModuleBytes({Section(5, Vec({Concat({{0x00}, Leb(65537)})}))}),
                "memory size must be at most 65536 pages (4GiB)");
  ExpectInvalid(ModuleBytes({Section(5, Vec({{0x01, 0x02, 0x01}}))}),
                "size minimum must not be greater than maximum");
  ExpectInvalid(ModuleBytes({Section(5, Vec({{0x02, 0x01}}))}), "shared memory must have maximum");
  ExpectValid(ModuleBytes({Section(5, Vec({{0x03, 0x01, 0x02}}))}));
  ExpectInvalid(ModuleBytes({Section(4, Vec({{kFuncRef, 0x01, 0x02, 0x01}}))}),
                "size minimum must not be greater than maximum");
  ExpectInvalid(ModuleBytes({Section(3, Vec({Leb(0)})), Section(10, Vec({Body({}, {kEnd})}))}),
                "unknown type 0");
  // Start function must be () -> ().
  ExpectInvalid(Concat({ModuleBytes({Section(1, Vec({FuncTypeBytes({kI32}, {})})),
                                     Section(3, Vec({Leb(0)})), Section(8, Leb(0))}),
                        Section(10, Vec({Body({}, {kEnd})}))}),
                "start function");
  ExpectInvalid(ModuleBytes({Section(5, Vec({{0x00, 0x01}})),
                             Section(7, Vec({Concat({Name("a"), {0x02}, Leb(0)}),
                                             Concat({Name("a"), {0x02}, Leb(0)})}))}),
                "duplicate export name");
  ExpectInvalid(ModuleBytes({Section(7, Vec({Concat({Name("a"), {0x03}, Leb(0)})}))}),
                "unknown global 0");
  // An active element segment must match its table's type.
  ExpectInvalid(ModuleBytes({Section(4, Vec({{kExternRef, 0x00, 0x01}})),
                             Section(9, Vec({Concat({Leb(4), {kI32Const, 0, kEnd}, Vec({})})}))}),
                "type mismatch");
  ExpectInvalid(ModuleBytes({Section(11, Vec({Concat({Leb(0), {kI32Const, 0, kEnd}, Name("")})}))}),
                "unknown memory 0");
}

TEST(ValidatorTest, InstructionRules) {
  ExpectInvalid(OneFunctionModule({}, {}, {kLocalGet, 2, kDrop, kEnd}, {{1, kI32}}), "unknown local 2");
  ExpectInvalid(Concat({ModuleBytes({Section(1, Vec({FuncTypeBytes({}, {})})),
                                     Section(3, Vec({Leb(0)})),
                                     Section(6, Vec({{kI32, 0x00, kI32Const, 0, kEnd}}))}),
                        Section(10, Vec({Body({}, {kI32Const, 1, kGlobalSet, 0, kEnd})}))}),
                "global is immutable");
  const Bytes memory = Section(5, Vec({{0x00, 0x01}}));
  // i32.load with alignment 2^3 > natural 2^2.
  ExpectInvalid(OneFunctionModule({}, {}, {kI32Const, 0, 0x28, 0x03, 0x00, kDrop, kEnd}, {}, memory),
                "alignment must not be larger than natural");
  ExpectInvalid(OneFunctionModule({}, {}, {kI32Const, 0, 0x28, 0x02, 0x00, kDrop, kEnd}),
                "unknown memory 0");
  ExpectInvalid(OneFunctionModule({}, {}, {kBr, 1, kEnd}), "unknown label 1");
  ExpectInvalid(OneFunctionModule({}, {}, {0x10, 7, kEnd}), "unknown function 7");
}

TEST(ValidatorTest, BodyMalformations) {
  // memory.init without a data count section is malformed, not invalid.
  absl::Status s = Compile(OneFunctionModule({}, {}, {0xfc, 0x09, 0x00, kEnd}));
  EXPECT_EQ(GetErrorKind(s), ErrorKind::kMalformed) << s;
  EXPECT_EQ(SpecText(s), "data count section required");
  // An unknown opcode.
  s = Compile(OneFunctionModule({}, {}, {0xff, kEnd}));
  EXPECT_EQ(SpecText(s), "illegal opcode");
  // Bytes after the function's final end.
  s = Compile(OneFunctionModule({}, {}, {kEnd, 0x01}));
  EXPECT_EQ(GetErrorKind(s), ErrorKind::kMalformed) << s;
  // A body that stops before its final end.
  s = Compile(OneFunctionModule({}, {}, {0x01}));
  EXPECT_THAT(SpecText(s), HasSubstr("unexpected end"));
  // memory.size's reserved byte.
  s = Compile(OneFunctionModule({}, {}, {0x3f, 0x01, kDrop, kEnd}, {}, Section(5, Vec({{0x00, 0x01}}))));
  EXPECT_EQ(SpecText(s), "zero byte expected");
}

TEST(ValidatorTest, ErrorsNameTheFunctionAndOffset) {
  absl::Status s = Compile(OneFunctionModule({}, {kI32}, {kF32Const, 0, 0, 0, 0, kEnd}));
  ASSERT_FALSE(s.ok());
  // Header 8 bytes, type section 7, function section 4, code section header
  // 3, body size + local count 2, f32.const 5: the `end` that finds an f32
  // where an i32 result is due sits at 8 + 7 + 4 + 3 + 2 + 5 = 29 = 0x1d.
  EXPECT_THAT(std::string(s.message()), StartsWith("at byte 0x1d in function 0: type mismatch"));
}

TEST(ValidatorTest, DeepNestingIsBoundedNotRecursive) {
  // 100,000 nested blocks: rejected by the depth limit, without recursion.
  Bytes code;
  for (int i = 0; i < 100000; ++i) {
    code.push_back(kBlock);
    code.push_back(kVoid);
  }
  for (int i = 0; i < 100000; ++i) code.push_back(kEnd);
  code.push_back(kEnd);
  absl::Status s = Compile(OneFunctionModule({}, {}, code));
  EXPECT_THAT(SpecText(s), HasSubstr("nested too deeply"));
  // 1,000 nested blocks are fine.
  Bytes ok;
  for (int i = 0; i < 1000; ++i) { ok.push_back(kBlock); ok.push_back(kVoid); }
  for (int i = 0; i < 1001; ++i) ok.push_back(kEnd);
  ExpectValid(OneFunctionModule({}, {}, ok));
}

}  // namespace
}  // namespace wasm
