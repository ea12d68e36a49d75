// ParseWat / ParseWatModule end to end: exact bytes (checked against wabt's
// wat2wasm output) and exact errors.
#include "runtime/text/wat.h"

#include <algorithm>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/errors.h"

namespace wasm::text {
namespace {

// The module's bytes as lower-case hex, or the error message.
std::string Hex(absl::string_view wat) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ParseWatModule(wat);
  if (!bytes.ok()) return std::string(bytes.status().message());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
}

std::string Error(absl::string_view wat) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ParseWat(wat);
  if (bytes.ok()) return "parsed";
  EXPECT_EQ(GetErrorKind(bytes.status()), ErrorKind::kMalformed) << bytes.status();
  return SpecText(bytes.status());
}

TEST(WatTest, EmptyModule) {
  EXPECT_EQ(Hex("(module)"), "0061736d01000000");
  EXPECT_EQ(Hex("(module $m)"), "0061736d01000000");
  EXPECT_EQ(Hex(""), "0061736d01000000");
}

TEST(WatTest, FoldedInstructionsNamedParamAndInlineExport) {
  EXPECT_EQ(Hex("(module (func (export \"f\") (param $x i32) (result i32)"
                " (i32.add (local.get $x) (i32.const -1))))"),
            "0061736d0100000001060160017f017f03020100070501016600000a090107002000417f6a0b");
}

TEST(WatTest, ImportWithTypeUseAndCall) {
  EXPECT_EQ(Hex("(module (type $t (func (param i32))) (import \"m\" \"f\" (func $f (type $t)))"
                " (func $g (call $f (i32.const 7))))"),
            "0061736d0100000001080260017f00600000020701016d01660000030201010a08010600410710000b");
}

TEST(WatTest, InlineImportEqualsImportField) {
  EXPECT_EQ(Hex("(func $f (import \"m\" \"f\") (param i32)) (func (call $f (i32.const 7)))"),
            Hex("(import \"m\" \"f\" (func $f (param i32))) (func (call $f (i32.const 7)))"));
}

TEST(WatTest, MemArg) {
  EXPECT_EQ(Hex("(module (memory 1) (func (param i32) (result i64)"
                " (i64.load offset=0x10 align=4 (local.get 0))))"),
            "0061736d0100000001060160017f017e0302010005030100010a0901070020002902100b");
}

TEST(WatTest, LabelsResolveToDepths) {
  EXPECT_EQ(Hex("(module (func (block $a (result i32) (i32.const 1) (br_if $a (i32.const 0)))"
                " drop))"),
            "0061736d01000000010401600000030201000a0e010c00027f410141000d000b1a0b");
  // Flat and folded forms give the same bytes.
  EXPECT_EQ(Hex("(func block $a (result i32) i32.const 1 i32.const 0 br_if $a end $a drop)"),
            Hex("(func (block $a (result i32) (i32.const 1) (br_if $a (i32.const 0))) drop)"));
}

TEST(WatTest, ElemSegmentsUseWabtsFlags) {
  EXPECT_EQ(Hex("(module (table 2 funcref) (func $f) (elem (i32.const 0) $f $f)"
                " (elem declare func $f) (elem funcref (ref.null func)))"),
            "0061736d01000000010401600000030201000404017000020912030041000b02000003000100057001d0"
            "700b0a040102000b");
}

TEST(WatTest, MultiValueBlockGetsAnImplicitType) {
  EXPECT_EQ(Hex("(module (func (param i32 i32) (result i32 i32) local.get 0 local.get 1)"
                " (func (i32.const 1) (i32.const 2) (block (param i32 i32) (result i32 i32))"
                " drop drop))"),
            "0061736d01000000010b0260027f7f027f7f60000003030200010a14020600200020010b0b0041014102"
            "02000b1a1a0b");
}

TEST(WatTest, GlobalsAndConstants) {
  EXPECT_EQ(Hex("(module (global (mut f32) (f32.const 0x1p-149)) (global f64 (f64.const -nan:0x1))"
                " (global i64 (i64.const 0xffff_ffff_ffff_ffff)))"),
            "0061736d01000000061a037d0143010000000b7c0044010000000000f0ff0b7e00427f0b");
}

TEST(WatTest, DataSegments) {
  EXPECT_EQ(Hex("(module (memory (data \"ab\" \"c\")) (data (memory 0) (offset (i32.const 4)) \"x\")"
                " (data \"p\"))"),
            "0061736d010000000504010101010b12030041000b036162630041040b0178010170");
}

TEST(WatTest, EmptyElseBranchHasNoElseOpcode) {
  EXPECT_EQ(Hex("(func (param i32) (if (local.get 0) (then) (else)))"),
            Hex("(func (param i32) local.get 0 if else end)"));
  EXPECT_EQ(Hex("(func (param i32) local.get 0 if else end)"),
            "0061736d0100000001050160017f00030201000a09010700200004400b0b");
}

TEST(WatTest, BinaryAndQuoteForms) {
  EXPECT_EQ(Hex("(module $m binary \"\\00asm\" \"\\01\\00\\00\\00\")"), "0061736d01000000");
  EXPECT_EQ(Hex("(module quote \"(func\" \" nop)\")"), Hex("(module (func nop))"));
}

TEST(WatTest, SpecWordingOfErrors) {
  EXPECT_EQ(Error("(func (i32.const0))"), "unknown operator i32.const0");
  EXPECT_EQ(Error("(func (f32.load32 (i32.const 0)))"), "unknown operator f32.load32");
  EXPECT_EQ(Error("(func (i32.const 0x))"), "unknown operator 0x");
  EXPECT_EQ(Error("(data \"a\"\"b\")"), "unknown operator \"a\"\"b\"");
  EXPECT_EQ(Error("(func (i32.const 4294967296))"), "constant out of range: i32 4294967296");
  EXPECT_EQ(Error("(func (f32.const 1e39))"), "constant out of range: f32 1e39");
  EXPECT_EQ(Error("(func (i32.const nan:canonical))"), "unexpected token \"nan:canonical\"");
  EXPECT_EQ(Error("(func (f32.const))"), "unexpected token \")\"");
  EXPECT_EQ(Error("(memory 0x1_0000_0000)"), "i32 constant out of range");
  EXPECT_EQ(Error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))"),
            "alignment must be a power of two");
  EXPECT_EQ(Error("(func block $a end $b)"), "mismatching label $b");
  EXPECT_EQ(Error("(func i32.const 0 if else $l end)"), "mismatching label $l");
  EXPECT_EQ(Error("(func (block $l (br_table $l0)))"), "unknown label $l0");
  EXPECT_EQ(Error("(type $t (func)) (func (type $t) (param i32))"), "inline function type");
  EXPECT_EQ(Error("(func (result i32) (param i32) (i32.const 0))"), "unexpected token \"param\"");
  EXPECT_EQ(Error("(func (nop) (local i32))"), "unexpected token \"local\"");
  EXPECT_EQ(Error("(func (block (param $x i32)))"), "unexpected token \"$x\"");
  EXPECT_EQ(Error("(func $f) (func $f)"), "duplicate func $f");
  EXPECT_EQ(Error("(func (param $x i32) (local $x i32))"), "duplicate local $x");
  EXPECT_EQ(Error("(memory 0) (import \"\" \"\" (func))"), "import after memory");
  EXPECT_EQ(Error("(func) (func (import \"\" \"\"))"), "import after function");
  EXPECT_EQ(Error("(func $a) (start $a) (start $a)"), "multiple start sections");
  EXPECT_EQ(Error("(func (export \"\\c0\\80\"))"), "malformed UTF-8 encoding");
  EXPECT_EQ(Error("(func (call $nope))"), "unknown function $nope");
  EXPECT_EQ(Error("(func (local.get $nope))"), "unknown local $nope");
  EXPECT_EQ(Error("(func (type 3))"), "unknown type 3");
  EXPECT_EQ(Error("(func (param v128))"), "v128 is not supported (no SIMD)");
  EXPECT_EQ(Error("(func end)"), "unexpected token \"end\"");
  EXPECT_EQ(Error("(func block)"), "unexpected token \")\", expected end");
  EXPECT_EQ(Error("(module"), "unexpected end of input");
  EXPECT_EQ(Error("(module) x"), "unexpected token \"x\"");
}

TEST(WatTest, ErrorsCarryLineAndColumn) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ParseWat("(module\n  (func (i32.const _1)))");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().message(), "2:20: unknown operator _1");
}

TEST(WatTest, StringsInDataMayHoldAnyBytes) {
  EXPECT_EQ(Hex("(memory 1) (data (i32.const 0) \"\\ff\\00\")"),
            "0061736d0100000005030100010b08010041000b02ff00");
}

TEST(WatTest, HostileNestingIsAnErrorNotACrash) {
  std::string folded = "(func ";
  for (int i = 0; i < 100000; ++i) folded += "(block ";
  EXPECT_EQ(Error(folded), "unexpected end of input");  // unbalanced: found by the first pass
  folded += std::string(100001, ')');
  EXPECT_EQ(Error(folded), "nesting too deep");
  std::string flat = "(func ";
  for (int i = 0; i < 100000; ++i) flat += "block ";
  EXPECT_EQ(Error(flat + ")"), "nesting too deep");
  std::string parens(200000, '(');
  EXPECT_EQ(Error(parens), "unexpected token \"(\"");
}

TEST(WatTest, DeepButBoundedNestingParses) {
  std::string folded = "(func ";
  for (int i = 0; i < 500; ++i) folded += "(block ";
  folded += std::string(500, ')') + ")";
  EXPECT_EQ(Error(folded), "parsed");
}

}  // namespace
TEST(WatTest, FunctionNamesAsWat2wasmDebugNamesWritesThem) {
  absl::StatusOr<std::vector<uint8_t>> plain = ParseWat("(module (func $f) (func) (func $g))");
  absl::StatusOr<std::vector<uint8_t>> named =
      ParseWatWithNames("(module (func $f) (func) (func $g))");
  ASSERT_TRUE(plain.ok() && named.ok());
  // The same module plus one custom section: "name", subsection 1, {0 "f", 2 "g"}.
  const std::vector<uint8_t> tail = {0x00, 0x0e, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x07,
                                     0x02, 0x00, 0x01, 'f',  0x02, 0x01, 'g'};
  ASSERT_EQ(named->size(), plain->size() + tail.size());
  EXPECT_TRUE(std::equal(plain->begin(), plain->end(), named->begin()));
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), named->begin() + plain->size()));
  // No $ids: no section.
  EXPECT_EQ(*ParseWatWithNames("(module (func))"), *ParseWat("(module (func))"));
}

}  // namespace wasm::text
