// The text parser: round trips through PrintFunction for every opcode and
// format, number preservation, call-result typing, and errors with positions.
#include "runtime/ir/parser.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "runtime/ir/ir.h"
#include "runtime/ir/verifier.h"

namespace wasm::ir {
namespace {

using ::testing::HasSubstr;

// Parses, verifies and prints `text`, which must come back unchanged.
void ExpectRoundTrip(const std::string& text) {
  absl::StatusOr<Function> f = ParseFunction(text);
  ASSERT_TRUE(f.ok()) << f.status() << "\n" << text;
  EXPECT_TRUE(VerifyFunction(*f).ok()) << VerifyFunction(*f) << "\n" << text;
  EXPECT_EQ(PrintFunction(*f), text);
}

// One function per format group; together they use every opcode (checked by
// CoversEveryOpcode below).
const std::vector<std::string>& Corpus() {
  static const auto* corpus = new std::vector<std::string>{
      // Constants, integer unary and binary.
      "function %ints(i32, i64) -> i64 {\n"
      "block0(v0: i32, v1: i64):\n"
      "    v2 = iconst.i32 -2147483648\n"
      "    v3 = iconst.i64 -9223372036854775808\n"
      "    v4 = iconst.i64 9223372036854775807\n"
      "    v5 = clz.i32 v0\n"
      "    v6 = ctz.i64 v1\n"
      "    v7 = popcnt.i32 v5\n"
      "    v8 = sext8.i32 v7\n"
      "    v9 = sext16.i64 v1\n"
      "    v10 = sext32.i64 v9\n"
      "    v11 = ireduce.i32 v10\n"
      "    v12 = uextend.i64 v11\n"
      "    v13 = sextend.i64 v8\n"
      "    v14 = iadd.i64 v12, v13\n"
      "    v15 = isub.i64 v14, v3\n"
      "    v16 = imul.i64 v15, v4\n"
      "    v17 = sdiv.i64 v16, v6\n"
      "    v18 = udiv.i64 v17, v6\n"
      "    v19 = srem.i64 v18, v6\n"
      "    v20 = urem.i64 v19, v6\n"
      "    v21 = band.i32 v0, v2\n"
      "    v22 = bor.i32 v21, v0\n"
      "    v23 = bxor.i32 v22, v0\n"
      "    v24 = ishl.i32 v23, v0\n"
      "    v25 = sshr.i32 v24, v0\n"
      "    v26 = ushr.i32 v25, v0\n"
      "    v27 = rotl.i64 v20, v1\n"
      "    v28 = rotr.i64 v27, v1\n"
      "    return v28\n"
      "}\n",
      // Floats, conversions, compares, select.
      "function %floats(f32, f64) -> f64 {\n"
      "block0(v0: f32, v1: f64):\n"
      "    v2 = f32const 0x7fc00000\n"
      "    v3 = f64const 0x8000000000000000\n"
      "    v4 = fneg.f32 v0\n"
      "    v5 = fabs.f32 v4\n"
      "    v6 = fsqrt.f64 v1\n"
      "    v7 = fceil.f64 v6\n"
      "    v8 = ffloor.f64 v7\n"
      "    v9 = ftrunc.f32 v5\n"
      "    v10 = fnearest.f32 v9\n"
      "    v11 = fpromote.f64 v10\n"
      "    v12 = fdemote.f32 v11\n"
      "    v13 = fadd.f64 v8, v3\n"
      "    v14 = fsub.f64 v13, v11\n"
      "    v15 = fmul.f32 v12, v2\n"
      "    v16 = fdiv.f32 v15, v2\n"
      "    v17 = fmin.f64 v14, v1\n"
      "    v18 = fmax.f64 v17, v1\n"
      "    v19 = fcopysign.f32 v16, v0\n"
      "    v20 = fcvt_to_sint.i32 v19\n"
      "    v21 = fcvt_to_uint.i64 v18\n"
      "    v22 = fcvt_to_sint_sat.i64 v19\n"
      "    v23 = fcvt_to_uint_sat.i32 v18\n"
      "    v24 = fcvt_from_sint.f64 v22\n"
      "    v25 = fcvt_from_uint.f32 v23\n"
      "    v26 = bitcast.i32 v25\n"
      "    v27 = bitcast.f64 v21\n"
      "    v28 = icmp.i32 ult v20, v26\n"
      "    v29 = icmp.i64 sge v21, v22\n"
      "    v30 = fcmp.f64 ne v27, v24\n"
      "    v31 = fcmp.f32 le v25, v0\n"
      "    v32 = band.i32 v28, v29\n"
      "    v33 = bor.i32 v30, v31\n"
      "    v34 = select.f64 v32, v27, v24\n"
      "    v35 = select.f64 v33, v34, v1\n"
      "    return v35\n"
      "}\n",
      // Memory, globals, calls, builtins, traps.
      "function %effects(i32, i64) {\n"
      "block0(v0: i32, v1: i64):\n"
      "    v2 = load.i32 v0+0\n"
      "    v3 = load.i64.s8 v0+16\n"
      "    v4 = load.i64.u32 v2+4294967295\n"
      "    v5 = load.f64 v0+8\n"
      "    store.i32.w8 v0+1, v2\n"
      "    store.i64.w32 v0+2, v3\n"
      "    store.f64 v0+3, v5\n"
      "    v6 = global_get.i64 g7\n"
      "    global_set g7, v6\n"
      "    global_set g8, v4\n"
      "    v7, v8 = call f3(v0, v1)\n"
      "    call f4()\n"
      "    v9 = call_indirect type2, table1, v7(v8)\n"
      "    call_indirect type0, table0, v0()\n"
      "    v10 = call_builtin memory_grow #0(v9)\n"
      "    call_builtin memory_fill #0(v0, v10, v0)\n"
      "    v11 = call_builtin table_get #3(v0)\n"
      "    call_builtin table_set #3(v0, v11)\n"
      "    trap_if v10, #3\n"
      "    trap #0\n"
      "}\n",
      // Control flow: jump, brif with arguments, br_table, return values.
      "function %control(i32, i64) -> i32, i64 {\n"
      "block0(v0: i32, v1: i64):\n"
      "    br_table v0, [block1, block2, block1], block3\n"
      "block1:\n"
      "    brif v0, block4(v0, v1), block5\n"
      "block2:\n"
      "    jump block4(v0, v1)\n"
      "block3:\n"
      "    br_table v0, [], block5\n"
      "block5:\n"
      "    trap #4\n"
      "block4(v2: i32, v3: i64):\n"
      "    brif v2, block6, block4(v2, v3)\n"
      "block6:\n"
      "    return v2, v3\n"
      "}\n",
      // The printer's example from ir_test: a diamond with a join parameter,
      // value numbers out of order.
      "function %max(i32, i32) -> i32 {\n"
      "block0(v0: i32, v1: i32):\n"
      "    v3 = icmp.i32 sgt v0, v1\n"
      "    brif v3, block1, block2\n"
      "block1:\n"
      "    jump block3(v0)\n"
      "block2:\n"
      "    jump block3(v1)\n"
      "block3(v2: i32):\n"
      "    return v2\n"
      "}\n",
  };
  return *corpus;
}

TEST(ParserTest, RoundTripsTheCorpus) {
  for (const std::string& text : Corpus()) ExpectRoundTrip(text);
}

TEST(ParserTest, CorpusCoversEveryOpcode) {
  std::string all;
  for (const std::string& text : Corpus()) all += text;
  // An opcode is used when its name follows a space and precedes '.', ' ' or
  // the end of the line.
  auto used = [&all](absl::string_view op) {
    for (absl::string_view after : {".", " ", "\n"}) {
      if (absl::StrContains(all, absl::StrCat(" ", op, after))) return true;
    }
    return false;
  };
#define IR_OP(name, text, format) EXPECT_TRUE(used(text)) << text;
#include "runtime/ir/ir_opcodes.def"
}

TEST(ParserTest, RoundTripsWhatTheBuilderMade) {
  Function f(Signature{{Type::kI32}, {Type::kI32}});
  f.name = "built";
  FunctionBuilder b(&f);
  const Block entry = b.CreateBlock();
  const Block loop = b.CreateBlock();
  const Block exit = b.CreateBlock();
  const Value n = b.AppendBlockParam(entry, Type::kI32);
  const Value i = b.AppendBlockParam(loop, Type::kI32);
  b.SwitchToBlock(entry);
  const Value zero = b.Iconst(Type::kI32, 0);
  b.Jump(loop, std::vector<Value>{zero});
  b.SwitchToBlock(loop);
  const Value next = b.Binary(IrOpcode::kIadd, Type::kI32, i, b.Iconst(Type::kI32, 1));
  const Value more = b.Icmp(Cond::kUlt, next, n);
  b.BrIf(more, loop, std::vector<Value>{next}, exit, {});
  b.SwitchToBlock(exit);
  b.Return(std::vector<Value>{next});
  ExpectRoundTrip(PrintFunction(f));
}

TEST(ParserTest, KeepsSparseNumbersAndFillsTheGaps) {
  const std::string text =
      "function %f() -> i32 {\n"
      "block7:\n"
      "    v40 = iconst.i32 5\n"
      "    jump block2(v40)\n"
      "block2(v9: i32):\n"
      "    return v9\n"
      "}\n";
  absl::StatusOr<Function> f = ParseFunction(text);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->values.size(), 41u);
  EXPECT_EQ(f->blocks.size(), 8u);
  EXPECT_EQ(f->layout, (std::vector<Block>{Block(7), Block(2)}));
  EXPECT_EQ(f->ValueType(Value(0)), Type::kNone);  // a placeholder
  EXPECT_EQ(f->value(Value(9)).kind, ValueData::Kind::kParam);
  EXPECT_EQ(f->inst(f->DefiningInst(Value(40))).imm64, 5u);
  EXPECT_TRUE(VerifyFunction(*f).ok()) << VerifyFunction(*f);
  EXPECT_EQ(PrintFunction(*f), text);
}

TEST(ParserTest, StoresConstantsAsBitPatterns) {
  absl::StatusOr<Function> f = ParseFunction(
      "function %f() {\n"
      "block0:\n"
      "    v0 = iconst.i32 -1\n"
      "    v1 = iconst.i32 0xffffffff\n"
      "    v2 = iconst.i64 -1\n"
      "    v3 = f32const 0x3f800000\n"
      "    return\n"
      "}\n");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->inst(f->DefiningInst(Value(0))).imm64, 0xffffffffu);
  EXPECT_EQ(f->inst(f->DefiningInst(Value(1))).imm64, 0xffffffffu);
  EXPECT_EQ(f->inst(f->DefiningInst(Value(2))).imm64, ~uint64_t{0});
  EXPECT_EQ(f->inst(f->DefiningInst(Value(3))).imm64, 0x3f800000u);
}

TEST(ParserTest, TypesCallResultsFromTheirUses) {
  absl::StatusOr<Function> f = ParseFunction(
      "function %f(i32) -> f64 {\n"
      "block0(v0: i32):\n"
      "    v1, v2, v3, v4 = call f1(v0)\n"
      "    v5: i64 = call f2()\n"
      "    v6 = iadd.i64 v1, v1\n"
      "    global_set g0, v3\n"
      "    v7 = call_builtin table_get #0(v0)\n"
      "    jump block1(v4)\n"
      "block1(v8: f32):\n"
      "    return v2\n"
      "}\n");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->ValueType(Value(1)), Type::kI64);  // iadd.i64 operand
  EXPECT_EQ(f->ValueType(Value(2)), Type::kF64);  // returned
  EXPECT_EQ(f->ValueType(Value(3)), Type::kI32);  // nothing says: the default
  EXPECT_EQ(f->ValueType(Value(4)), Type::kF32);  // branch argument
  EXPECT_EQ(f->ValueType(Value(5)), Type::kI64);  // annotated
  EXPECT_EQ(f->ValueType(Value(7)), Type::kI64);  // builtins.h: a reference
  EXPECT_EQ(f->inst(Inst(3)).type, Type::kI32);   // global_set takes v3's type
  EXPECT_TRUE(VerifyFunction(*f).ok()) << VerifyFunction(*f);
  EXPECT_THAT(PrintFunction(*f), HasSubstr("    v5 = call f2()\n"));
}

TEST(ParserTest, ParsesSeveralFunctionsAndSkipsComments) {
  absl::StatusOr<std::vector<Function>> fs = ParseFunctions(
      "; a comment\n"
      "function %a() {  ; trailing comment\n"
      "block0:\n"
      "    return\n"
      "}\n"
      "\n"
      "function %b() {\n"
      "block0:\n"
      "    return ; done\n"
      "}\n");
  ASSERT_TRUE(fs.ok()) << fs.status();
  ASSERT_EQ(fs->size(), 2u);
  EXPECT_EQ((*fs)[1].name, "b");
  EXPECT_FALSE(ParseFunction("function %a() {\nblock0:\n return\n}\n"
                             "function %b() {\nblock0:\n return\n}\n")
                   .ok());
}

// Parses `text` and returns the error message ("" when it parses).
std::string ErrorOf(const std::string& text) {
  absl::StatusOr<std::vector<Function>> fs = ParseFunctions(text);
  return fs.ok() ? "" : std::string(fs.status().message());
}

TEST(ParserTest, ReportsTheFirstErrorWithLineAndColumn) {
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = frob.i32 v0\n}\n"),
            "3:10: expected an opcode, found 'frob'");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = iadd.i32 v0 v2\n}\n"),
            "3:22: expected ',', found 'v2'");
  EXPECT_EQ(ErrorOf("function %f() -> i32 {\nblock0:\n    return v3\n}\n"),
            "3:12: v3 is never defined");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    jump block9\n}\n"),
            "3:10: block9 is never defined");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = iconst.i32 1\n    v1 = iconst.i32 2\n"
                    "    return\n}\n"),
            "4:5: v1 is defined twice");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = iconst.i32 4294967296\n}\n"),
            "3:21: 4294967296 does not fit in i32");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = iconst.f32 1\n}\n"),
            "3:17: iconst needs i32 or i64");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = load.i32.s32 v0+0\n}\n"),
            "3:19: expected a narrow integer access like s8, u16 or s32, found 's32'");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    return\n    return\n}\n"), "");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = iconst.i32 1 v2 = iconst.i32 2\n}\n"),
            "3:23: expected the end of the line, found 'v2'");
  EXPECT_EQ(ErrorOf("function %f() {\n    return\n}\n"),
            "2:5: expected a block header like block0:, found 'return'");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1, v2 = iconst.i32 1\n}\n"),
            "3:14: iconst defines 1 values, the text names 2");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = call_builtin nope #0()\n}\n"),
            "3:23: expected a builtin name (builtins.h), found 'nope'");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v1 = iconst.i32 1 @\n}\n"),
            "3:23: unexpected character '@'");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    return\n"),
            "4:1: expected '}' at the end of the function, found end of input");
  EXPECT_EQ(ErrorOf("function %f() {\nblock0:\n    v3: f32 = iconst.i32 1\n}\n"),
            "3:5: v3 is annotated f32 but the instruction defines i32");
}

}  // namespace
}  // namespace wasm::ir
