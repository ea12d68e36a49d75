// Tests ParseScript on small wast2json-shaped JSON snippets: every command
// type, the value forms (NaN patterns, full-width u64, references, v128), the
// optional fields, and the errors, which must name the file, line and field.
#include "tests/spec/spec_script.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wasm::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Wraps command objects into a whole wast2json document.
std::string Doc(absl::string_view commands) {
  return absl::StrCat(R"({"source_filename": "t.wast", "commands": [)", commands, "]}");
}

Script ParseOk(absl::string_view commands) {
  absl::StatusOr<Script> script = ParseScript(Doc(commands), "t.wast");
  EXPECT_TRUE(script.ok()) << script.status();
  return script.ok() ? *std::move(script) : Script();
}

std::string ParseError(absl::string_view json) {
  absl::StatusOr<Script> script = ParseScript(json, "t.wast");
  EXPECT_FALSE(script.ok());
  return script.ok() ? "" : std::string(script.status().message());
}

std::string CommandError(absl::string_view commands) { return ParseError(Doc(commands)); }

TEST(SpecScriptTest, ModuleWithAndWithoutName) {
  Script script = ParseOk(R"(
    {"type": "module", "line": 1, "filename": "t.0.wasm"},
    {"type": "module", "line": 5, "name": "$M", "filename": "t.1.wasm"})");
  EXPECT_EQ(script.source_filename, "t.wast");
  ASSERT_EQ(script.commands.size(), 2u);
  EXPECT_EQ(script.commands[0].type, CommandType::kModule);
  EXPECT_EQ(script.commands[0].line, 1);
  EXPECT_EQ(script.commands[0].filename, "t.0.wasm");
  EXPECT_FALSE(script.commands[0].name.has_value());
  EXPECT_EQ(script.commands[1].name, "$M");
}

TEST(SpecScriptTest, AssertReturnWithIntegers) {
  Script script = ParseOk(R"(
    {"type": "assert_return", "line": 7,
     "action": {"type": "invoke", "module": "$M", "field": "add",
                "args": [{"type": "i32", "value": "4294967295"},
                         {"type": "i64", "value": "18446744073709551615"}]},
     "expected": [{"type": "i32", "value": "0"}]})");
  ASSERT_EQ(script.commands.size(), 1u);
  const Command& command = script.commands[0];
  EXPECT_EQ(command.type, CommandType::kAssertReturn);
  ASSERT_TRUE(command.action.has_value());
  EXPECT_EQ(command.action->type, Action::Type::kInvoke);
  EXPECT_EQ(command.action->module, "$M");
  EXPECT_EQ(command.action->field, "add");
  ASSERT_EQ(command.action->args.size(), 2u);
  EXPECT_EQ(command.action->args[0].type, ValueType::kI32);
  EXPECT_EQ(command.action->args[0].scalar.bits, 0xffffffffu);
  // The largest u64 must survive: no detour through double.
  EXPECT_EQ(command.action->args[1].type, ValueType::kI64);
  EXPECT_EQ(command.action->args[1].scalar.bits, 0xffffffffffffffffu);
  ASSERT_EQ(command.expected.size(), 1u);
  EXPECT_EQ(command.expected[0].scalar.bits, 0u);
}

TEST(SpecScriptTest, NanPatternsInExpectedFloats) {
  Script script = ParseOk(R"(
    {"type": "assert_return", "line": 3,
     "action": {"type": "invoke", "field": "f", "args": [{"type": "f32", "value": "2143289344"}]},
     "expected": [{"type": "f32", "value": "nan:canonical"},
                  {"type": "f64", "value": "nan:arithmetic"},
                  {"type": "f64", "value": "9221120237041090560"}]})");
  const Command& command = script.commands[0];
  EXPECT_EQ(command.action->args[0].scalar, (Bits{0x7fc00000u, NanPattern::kNone}));
  EXPECT_EQ(command.expected[0].scalar.nan, NanPattern::kCanonical);
  EXPECT_EQ(command.expected[1].scalar.nan, NanPattern::kArithmetic);
  EXPECT_EQ(command.expected[2].scalar, (Bits{0x7ff8000000000000u, NanPattern::kNone}));
  EXPECT_EQ(ValueToString(command.expected[0]), "f32:nan:canonical");
  EXPECT_EQ(ValueToString(command.expected[2]), "f64:0x7ff8000000000000");
}

TEST(SpecScriptTest, NanPatternIsNotAnArgument) {
  EXPECT_THAT(
      CommandError(R"(
    {"type": "assert_return", "line": 9,
     "action": {"type": "invoke", "field": "f", "args": [{"type": "f32", "value": "nan:canonical"}]},
     "expected": []})"),
      HasSubstr("t.wast:9: assert_return: action.args[0]: \"nan:canonical\" is only allowed"));
}

TEST(SpecScriptTest, NanPatternIsNotAnInteger) {
  EXPECT_THAT(CommandError(R"(
    {"type": "assert_return", "line": 9, "action": {"type": "invoke", "field": "f", "args": []},
     "expected": [{"type": "i32", "value": "nan:canonical"}]})"),
              HasSubstr("t.wast:9: assert_return: expected[0]:"));
}

TEST(SpecScriptTest, References) {
  Script script = ParseOk(R"(
    {"type": "assert_return", "line": 2,
     "action": {"type": "invoke", "field": "f", "args": [{"type": "externref", "value": "42"}]},
     "expected": [{"type": "externref", "value": "null"}, {"type": "funcref", "value": "null"}]})");
  const Command& command = script.commands[0];
  EXPECT_FALSE(command.action->args[0].is_null);
  EXPECT_EQ(command.action->args[0].scalar.bits, 42u);
  EXPECT_TRUE(command.expected[0].is_null);
  EXPECT_EQ(command.expected[1].type, ValueType::kFuncRef);
  EXPECT_TRUE(command.expected[1].is_null);
  EXPECT_EQ(ValueToString(command.expected[1]), "funcref:null");
}

TEST(SpecScriptTest, V128Lanes) {
  Script script = ParseOk(R"(
    {"type": "assert_return", "line": 4,
     "action": {"type": "invoke", "field": "f",
                "args": [{"type": "v128", "lane_type": "i64", "value": ["1", "18446744073709551615"]}]},
     "expected": [{"type": "v128", "lane_type": "f32",
                   "value": ["nan:canonical", "0", "nan:arithmetic", "1065353216"]}]})");
  const Value& arg = script.commands[0].action->args[0];
  EXPECT_EQ(arg.lane_type, LaneType::kI64);
  EXPECT_THAT(arg.lanes, ElementsAre(Bits{1, NanPattern::kNone},
                                     Bits{0xffffffffffffffffu, NanPattern::kNone}));
  const Value& expected = script.commands[0].expected[0];
  EXPECT_EQ(expected.lane_type, LaneType::kF32);
  EXPECT_THAT(expected.lanes,
              ElementsAre(Bits{0, NanPattern::kCanonical}, Bits{0, NanPattern::kNone},
                          Bits{0, NanPattern::kArithmetic}, Bits{0x3f800000u, NanPattern::kNone}));
  EXPECT_EQ(ValueToString(arg), "v128:i64x2[1 18446744073709551615]");
}

TEST(SpecScriptTest, V128WrongLaneCount) {
  EXPECT_THAT(
      CommandError(R"(
    {"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "v128", "lane_type": "i32", "value": ["1", "2", "3"]}]}, "expected": []})"),
      HasSubstr("t.wast:4: assert_return: action.args[0]: i32 v128 has 3 lanes, expected 4"));
}

TEST(SpecScriptTest, V128LaneOutOfRange) {
  EXPECT_THAT(CommandError(R"(
    {"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "v128", "lane_type": "i8",
               "value": ["256","0","0","0","0","0","0","0","0","0","0","0","0","0","0","0"]}]},
     "expected": []})"),
              HasSubstr("action.args[0].value[0]: 256 does not fit in 8 bits"));
}

TEST(SpecScriptTest, TrapListsResultTypesWithoutValues) {
  Script script = ParseOk(R"(
    {"type": "assert_trap", "line": 11,
     "action": {"type": "invoke", "field": "div", "args": []},
     "text": "integer divide by zero", "expected": [{"type": "i32"}]},
    {"type": "assert_exhaustion", "line": 12,
     "action": {"type": "invoke", "field": "loop", "args": []},
     "text": "call stack exhausted", "expected": []})");
  EXPECT_EQ(script.commands[0].type, CommandType::kAssertTrap);
  EXPECT_EQ(script.commands[0].text, "integer divide by zero");
  ASSERT_EQ(script.commands[0].expected.size(), 1u);
  EXPECT_TRUE(script.commands[0].expected[0].unspecified);
  EXPECT_EQ(script.commands[1].type, CommandType::kAssertExhaustion);
}

TEST(SpecScriptTest, AssertReturnNeedsValues) {
  EXPECT_THAT(CommandError(R"(
    {"type": "assert_return", "line": 5, "action": {"type": "invoke", "field": "f", "args": []},
     "expected": [{"type": "i32"}]})"),
              HasSubstr("t.wast:5: assert_return: expected[0]: missing \"value\""));
}

TEST(SpecScriptTest, GetActionAndBareAction) {
  Script script = ParseOk(R"(
    {"type": "assert_return", "line": 1, "action": {"type": "get", "field": "g"},
     "expected": [{"type": "i64", "value": "5"}]},
    {"type": "action", "line": 2, "action": {"type": "invoke", "field": ""}, "expected": []})");
  EXPECT_EQ(script.commands[0].action->type, Action::Type::kGet);
  EXPECT_TRUE(script.commands[0].action->args.empty());
  EXPECT_EQ(script.commands[1].type, CommandType::kAction);
  // "" is a valid export name; a missing "args" reads as none.
  EXPECT_EQ(script.commands[1].action->field, "");
  EXPECT_TRUE(script.commands[1].action->args.empty());
}

TEST(SpecScriptTest, RegisterWithAndWithoutName) {
  Script script = ParseOk(R"(
    {"type": "register", "line": 3, "as": "M"},
    {"type": "register", "line": 4, "name": "$N", "as": "N"})");
  EXPECT_FALSE(script.commands[0].name.has_value());
  EXPECT_EQ(script.commands[0].as, "M");
  EXPECT_EQ(script.commands[1].name, "$N");
}

TEST(SpecScriptTest, ModuleAssertions) {
  Script script = ParseOk(R"(
    {"type": "assert_malformed", "line": 1, "filename": "t.1.wat", "text": "unknown operator",
     "module_type": "text"},
    {"type": "assert_invalid", "line": 2, "filename": "t.2.wasm", "text": "type mismatch",
     "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 3, "filename": "t.3.wasm", "text": "unknown import",
     "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 4, "filename": "t.4.wasm", "text": "unreachable",
     "module_type": "binary"})");
  ASSERT_EQ(script.commands.size(), 4u);
  EXPECT_EQ(script.commands[0].type, CommandType::kAssertMalformed);
  EXPECT_EQ(script.commands[0].module_form, ModuleForm::kText);
  EXPECT_EQ(script.commands[1].type, CommandType::kAssertInvalid);
  EXPECT_EQ(script.commands[1].module_form, ModuleForm::kBinary);
  EXPECT_EQ(script.commands[1].text, "type mismatch");
  EXPECT_EQ(script.commands[2].type, CommandType::kAssertUnlinkable);
  EXPECT_EQ(script.commands[3].type, CommandType::kAssertUninstantiable);
  EXPECT_EQ(script.commands[3].filename, "t.4.wasm");
}

TEST(SpecScriptTest, IgnoresUnknownFields) {
  Script script = ParseOk(R"({"type": "module", "line": 1, "filename": "a.wasm", "future": [1]})");
  EXPECT_EQ(script.commands.size(), 1u);
}

TEST(SpecScriptTest, UnknownCommandTypeNamesTheLine) {
  EXPECT_EQ(CommandError(R"({"type": "assert_frobnicated", "line": 42})"),
            "t.wast:42: unknown command type \"assert_frobnicated\"");
}

TEST(SpecScriptTest, UnknownValueType) {
  EXPECT_EQ(CommandError(R"(
    {"type": "assert_return", "line": 6, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "i33", "value": "0"}]}, "expected": []})"),
            "t.wast:6: assert_return: action.args[0]: unknown value type \"i33\"");
}

TEST(SpecScriptTest, IntegerErrors) {
  EXPECT_THAT(CommandError(R"(
    {"type": "action", "line": 8, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "i32", "value": "4294967296"}]}})"),
              HasSubstr("t.wast:8: action: action.args[0]: 4294967296 does not fit in 32 bits"));
  EXPECT_THAT(CommandError(R"(
    {"type": "action", "line": 8, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "i64", "value": "18446744073709551616"}]}})"),
              HasSubstr("is not an unsigned 64-bit decimal"));
  EXPECT_THAT(CommandError(R"(
    {"type": "action", "line": 8, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "i32", "value": "-1"}]}})"),
              HasSubstr("\"-1\" is not an unsigned 32-bit decimal"));
  EXPECT_THAT(CommandError(R"(
    {"type": "action", "line": 8, "action": {"type": "invoke", "field": "f",
     "args": [{"type": "i32", "value": 5}]}})"),
              HasSubstr("action.args[0]: \"value\" is not a string"));
}

TEST(SpecScriptTest, MissingFields) {
  EXPECT_EQ(CommandError(R"({"type": "module", "line": 3})"),
            "t.wast:3: module: missing \"filename\"");
  EXPECT_EQ(CommandError(R"({"type": "register", "line": 3})"),
            "t.wast:3: register: missing \"as\"");
  EXPECT_EQ(CommandError(R"({"type": "assert_return", "line": 3, "expected": []})"),
            "t.wast:3: assert_return: missing \"action\"");
  EXPECT_EQ(CommandError(R"({"type": "assert_trap", "line": 3,
                             "action": {"type": "invoke", "field": "f"}})"),
            "t.wast:3: assert_trap: missing \"text\"");
  EXPECT_EQ(CommandError(R"({"line": 3})"), "t.wast:3: missing \"type\"");
  EXPECT_EQ(CommandError(R"({"type": "module", "filename": "a.wasm"})"),
            "t.wast: commands[0]: missing \"line\"");
}

TEST(SpecScriptTest, BadLine) {
  EXPECT_THAT(CommandError(R"({"type": "module", "line": 2.5, "filename": "a.wasm"})"),
              HasSubstr("\"line\" is not a positive integer"));
  EXPECT_THAT(CommandError(R"({"type": "module", "line": "2", "filename": "a.wasm"})"),
              HasSubstr("\"line\" is not a number"));
}

TEST(SpecScriptTest, FilenameMustStayInItsFolder) {
  for (absl::string_view name : {"../x.wasm", "/etc/passwd", "..", ""}) {
    EXPECT_THAT(
        CommandError(absl::StrCat(R"({"type": "module", "line": 1, "filename": ")", name, R"("})")),
        HasSubstr("t.wast:1: module: \"filename\" is not a plain file name"))
        << name;
  }
}

TEST(SpecScriptTest, UnknownModuleType) {
  EXPECT_EQ(CommandError(R"({"type": "assert_invalid", "line": 1, "filename": "a.wasm",
                             "text": "x", "module_type": "quote"})"),
            "t.wast:1: assert_invalid: unknown module_type \"quote\"");
}

TEST(SpecScriptTest, BadDocuments) {
  EXPECT_THAT(ParseError("{\"commands\": ["), HasSubstr("t.wast: invalid JSON"));
  EXPECT_THAT(ParseError("[]"), HasSubstr("t.wast: invalid JSON"));
  EXPECT_EQ(ParseError("{}"), "t.wast: missing \"commands\"");
  EXPECT_EQ(ParseError(R"({"commands": {}})"), "t.wast: \"commands\" is not a list");
  EXPECT_EQ(ParseError(R"({"commands": [7]})"), "t.wast: commands[0] is not an object");
}

TEST(SpecScriptTest, EmptyScript) {
  absl::StatusOr<Script> script = ParseScript(R"({"commands": []})", "t.wast");
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_TRUE(script->commands.empty());
  EXPECT_EQ(script->source_filename, "");
}

}  // namespace
}  // namespace wasm::spec
