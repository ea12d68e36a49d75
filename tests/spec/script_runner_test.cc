// Tests the runner's counting rules with a fake engine whose answers are
// chosen by the module file's first byte, and the report format.
#include "tests/spec/script_runner.h"

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/errors.h"
#include "tests/spec/engine.h"
#include "tests/spec/files.h"
#include "tests/spec/report.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Module "bytes" are one letter saying what the engine does with them:
//   'O' compiles and instantiates; 'M' malformed; 'I' invalid; 'X' an engine
//   failure; 'L' compiles but fails to link; 'T' compiles but traps in start.
// Invoke answers by field name: "one" -> i32 1, "trap" -> a trap.
class FakeEngine final : public Engine {
 public:
  enum class Depth { kCompileOnly, kInstantiate };
  explicit FakeEngine(Depth depth) : depth_(depth) {}

  absl::string_view Name() const override { return "fake"; }

  absl::Status Compile(std::vector<uint8_t> bytes) override {
    switch (bytes.empty() ? 0 : bytes[0]) {
      case 'M': return wasm::MalformedError(3, "unexpected end");
      case 'I': return wasm::InvalidError(9, "type mismatch");
      case 'X': return absl::InternalError("engine broke");
      default: return absl::OkStatus();
    }
  }

  absl::Status Instantiate(std::vector<uint8_t> bytes,
                           const std::optional<std::string>& name) override {
    if (depth_ == Depth::kCompileOnly) return UnsupportedError("no instances");
    uint8_t kind = bytes.empty() ? 0 : bytes[0];
    absl::Status compiled = Compile(std::move(bytes));
    if (!compiled.ok()) return compiled;
    if (kind == 'L') return LinkError("unknown import");
    if (kind == 'T') return TrapError("unreachable");
    instantiated.push_back(name.value_or("-"));
    return absl::OkStatus();
  }

  absl::Status Register(const std::optional<std::string>& /*name*/, absl::string_view as) override {
    if (depth_ == Depth::kCompileOnly) return UnsupportedError("no instances");
    registered.emplace_back(as);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Value>> Invoke(const Action& action) override {
    if (depth_ == Depth::kCompileOnly) return UnsupportedError("no execution");
    if (action.field == "trap") return TrapError("integer divide by zero");
    Value one;
    one.type = ValueType::kI32;
    one.scalar.bits = 1;
    return std::vector<Value>{one};
  }

  absl::StatusOr<Value> Get(const Action& /*action*/) override {
    if (depth_ == Depth::kCompileOnly) return UnsupportedError("no instances");
    return absl::NotFoundError("no such global");
  }

  std::vector<std::string> instantiated;
  std::vector<std::string> registered;

 private:
  Depth depth_;
};

class ScriptRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("script_runner_test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_.emplace(*std::move(dir));
    for (char kind : std::string("OMIXLT")) {
      std::ofstream(absl::StrCat(dir_->path(), "/", std::string(1, kind), ".wasm")) << kind;
    }
    // Text modules (`module quote`): one the text parser rejects, one it
    // accepts (its bytes, "\0asm...", then compile with the fake engine).
    std::ofstream(absl::StrCat(dir_->path(), "/x.wat")) << "(func (i32.const0))";
    std::ofstream(absl::StrCat(dir_->path(), "/ok.wat")) << "(func)";
  }

  ScriptResult Run(absl::string_view commands_json, FakeEngine& engine) {
    absl::StatusOr<Script> script = ParseScript(
        absl::StrCat(R"({"source_filename": "t.wast", "commands": [)", commands_json, "]}"),
        "t.wast");
    EXPECT_TRUE(script.ok()) << script.status();
    if (!script.ok()) return ScriptResult();
    return RunScript(*script, dir_->path(), engine);
  }

  std::optional<TempDir> dir_;
};

TEST_F(ScriptRunnerTest, CompileOnlyEngine) {
  FakeEngine engine(FakeEngine::Depth::kCompileOnly);
  ScriptResult result = Run(R"(
    {"type": "module", "line": 1, "filename": "O.wasm"},
    {"type": "module", "line": 2, "filename": "I.wasm"},
    {"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "one"},
     "expected": [{"type": "i32", "value": "1"}]},
    {"type": "register", "line": 4, "as": "M"},
    {"type": "assert_malformed", "line": 5, "filename": "M.wasm", "text": "unexpected end",
     "module_type": "binary"},
    {"type": "assert_malformed", "line": 6, "filename": "x.wat", "text": "unknown operator",
     "module_type": "text"},
    {"type": "assert_invalid", "line": 7, "filename": "M.wasm", "text": "type mismatch",
     "module_type": "binary"},
    {"type": "assert_invalid", "line": 8, "filename": "O.wasm", "text": "type mismatch",
     "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 9, "filename": "O.wasm", "text": "unknown import",
     "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 10, "filename": "I.wasm", "text": "unreachable",
     "module_type": "binary"},
    {"type": "module", "line": 11, "filename": "missing.wasm"},
    {"type": "assert_trap", "line": 12, "action": {"type": "invoke", "field": "trap"},
     "text": "integer divide by zero", "expected": []})",
                            engine);
  const Tally& tally = result.tally;
  // Passed: module O (1), assert_malformed M (5), text form (6), assert_invalid M (7).
  EXPECT_EQ(tally.passed, 4);
  // Failed: module I (2), assert_invalid O (8), uninstantiable I (10), missing file (11).
  EXPECT_EQ(tally.failed, 4);
  // Passed too: the text form (6), which the text parser rejects.
  // Skipped: assert_return (3), register (4), unlinkable O (9), assert_trap (12).
  EXPECT_EQ(tally.skipped, 4);
  EXPECT_EQ(tally.text_form, 1);
  EXPECT_EQ(tally.text_form_parser_rejected, 1);
  EXPECT_EQ(tally.text_form_parser_text_matched, 1);
  EXPECT_EQ(tally.malformed.rejected, 2);
  EXPECT_EQ(tally.malformed.kind_matched, 2);
  EXPECT_EQ(tally.malformed.text_matched, 2);
  // Line 7 failed to compile, so it passes, but with the wrong kind and text.
  EXPECT_EQ(tally.invalid.rejected, 1);
  EXPECT_EQ(tally.invalid.kind_matched, 0);
  EXPECT_EQ(tally.invalid.text_matched, 0);
  ASSERT_EQ(result.disagreements.size(), 1u);
  EXPECT_EQ(result.disagreements[0].line, 7);
  EXPECT_EQ(result.disagreements[0].what,
            "expected invalid \"type mismatch\", got malformed \"unexpected end\"");

  ASSERT_EQ(result.failures.size(), 4u);
  EXPECT_EQ(result.failures[0].line, 2);
  EXPECT_EQ(result.failures[0].command, "module");
  EXPECT_THAT(result.failures[0].what, HasSubstr("module failed to load: "));
  EXPECT_THAT(result.failures[0].what, HasSubstr("type mismatch"));
  EXPECT_EQ(result.failures[1].line, 8);
  EXPECT_EQ(result.failures[1].what, "module compiled, expected \"type mismatch\"");
  EXPECT_EQ(result.failures[2].line, 10);
  EXPECT_THAT(result.failures[2].what, HasSubstr("module does not compile"));
  EXPECT_EQ(result.failures[3].line, 11);
  EXPECT_THAT(result.failures[3].what, HasSubstr("missing.wasm"));
}

TEST_F(ScriptRunnerTest, EngineFailureStillRejectsTheModule) {
  FakeEngine engine(FakeEngine::Depth::kCompileOnly);
  ScriptResult result = Run(R"(
    {"type": "assert_invalid", "line": 1, "filename": "X.wasm", "text": "type mismatch",
     "module_type": "binary"})",
                            engine);
  EXPECT_EQ(result.tally.passed, 1);
  EXPECT_EQ(result.tally.invalid.rejected, 1);
  EXPECT_EQ(result.tally.invalid.kind_matched, 0);
}

TEST_F(ScriptRunnerTest, ParsedTextModuleGoesToTheEngine) {
  FakeEngine engine(FakeEngine::Depth::kCompileOnly);
  ScriptResult result = Run(R"(
    {"type": "assert_malformed", "line": 1, "filename": "ok.wat", "text": "unknown operator",
     "module_type": "text"},
    {"type": "assert_malformed", "line": 2, "filename": "gone.wat", "text": "unknown operator",
     "module_type": "text"})",
                            engine);
  EXPECT_EQ(result.tally.failed, 2);
  EXPECT_EQ(result.tally.text_form, 2);
  EXPECT_EQ(result.tally.text_form_parser_rejected, 0);
  ASSERT_EQ(result.failures.size(), 2u);
  // The fake engine compiles the parsed bytes: the assertion fails.
  EXPECT_EQ(result.failures[0].what, "module compiled, expected \"unknown operator\"");
  EXPECT_THAT(result.failures[1].what, HasSubstr("gone.wat"));
}

TEST_F(ScriptRunnerTest, InstantiatingEngine) {
  FakeEngine engine(FakeEngine::Depth::kInstantiate);
  ScriptResult result = Run(R"(
    {"type": "module", "line": 1, "name": "$A", "filename": "O.wasm"},
    {"type": "register", "line": 2, "name": "$A", "as": "a"},
    {"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "one"},
     "expected": [{"type": "i32", "value": "1"}]},
    {"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "one"},
     "expected": [{"type": "i32", "value": "2"}]},
    {"type": "assert_trap", "line": 5, "action": {"type": "invoke", "field": "trap"},
     "text": "integer divide by zero", "expected": []},
    {"type": "assert_trap", "line": 6, "action": {"type": "invoke", "field": "one"},
     "text": "integer divide by zero", "expected": []},
    {"type": "action", "line": 7, "action": {"type": "invoke", "field": "trap"}, "expected": []},
    {"type": "assert_unlinkable", "line": 8, "filename": "L.wasm", "text": "unknown import",
     "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 9, "filename": "T.wasm", "text": "unknown import",
     "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 10, "filename": "T.wasm", "text": "unreachable",
     "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 11, "filename": "O.wasm", "text": "unreachable",
     "module_type": "binary"},
    {"type": "assert_exhaustion", "line": 12, "action": {"type": "invoke", "field": "trap"},
     "text": "call stack exhausted", "expected": []},
    {"type": "assert_return", "line": 13, "action": {"type": "get", "field": "g"},
     "expected": [{"type": "i32", "value": "1"}]})",
                            engine);
  EXPECT_THAT(engine.instantiated, ElementsAre("$A", "-"));
  EXPECT_THAT(engine.registered, ElementsAre("a"));
  // Passed: 1, 2, 3, 5, 8, 10. Line 12 traps with the wrong message.
  EXPECT_EQ(result.tally.passed, 6);
  EXPECT_EQ(result.tally.skipped, 0);
  ASSERT_EQ(result.tally.failed, 7);
  std::vector<int> failed_lines;
  for (const Failure& failure : result.failures) failed_lines.push_back(failure.line);
  EXPECT_THAT(failed_lines, ElementsAre(4, 6, 7, 9, 11, 12, 13));
  EXPECT_EQ(result.failures[0].what, "result 0: expected i32:2, got i32:1");
  EXPECT_EQ(result.failures[1].what,
            "returned instead of trapping with \"integer divide by zero\"");
  EXPECT_EQ(result.failures[2].what, "unexpected trap: integer divide by zero");
  EXPECT_EQ(result.failures[3].what, "expected a link error \"unknown import\", got: unreachable");
  EXPECT_EQ(result.failures[4].what, "module instantiated, expected \"unreachable\"");
  EXPECT_EQ(result.failures[5].what,
            "trapped with \"integer divide by zero\", expected \"call stack exhausted\"");
  EXPECT_EQ(result.failures[6].what, "no such global");
}

TEST(MarkersTest, OnlyTheirOwnStatus) {
  EXPECT_TRUE(IsUnsupported(UnsupportedError("x")));
  EXPECT_TRUE(IsTrap(TrapError("x")));
  EXPECT_TRUE(IsLinkError(LinkError("x")));
  // Same status code, no marker: a real error, not a skip.
  EXPECT_FALSE(IsUnsupported(absl::UnimplementedError("x")));
  EXPECT_FALSE(IsTrap(LinkError("x")));
  EXPECT_FALSE(IsUnsupported(absl::OkStatus()));
}

TEST(ReportTest, FileLineAndCappedFailures) {
  ScriptResult result;
  result.tally.passed = 3;
  result.tally.failed = 25;
  result.tally.skipped = 4;
  for (int i = 1; i <= 25; ++i) result.failures.push_back({i, "assert_invalid", "bad\nthing"});
  result.disagreements.push_back({30, "assert_malformed", "expected x"});
  std::string report = FormatFileReport("core/a.wast", result, ListDisagreements::kNo);
  EXPECT_THAT(report, testing::StartsWith("core/a.wast: 3 passed, 25 failed, 4 skipped\n"
                                          "  line 1: assert_invalid: bad thing\n"));
  EXPECT_THAT(report, HasSubstr("  line 20: assert_invalid: bad thing\n  ... and 5 more\n"));
  EXPECT_THAT(report, testing::Not(HasSubstr("line 21")));
  EXPECT_THAT(report, testing::Not(HasSubstr("informational")));
  EXPECT_THAT(FormatFileReport("core/a.wast", result, ListDisagreements::kYes),
              EndsWith("  line 30: assert_malformed: (informational) expected x\n"));
}

TEST(ReportTest, FileFailureHasNoLine) {
  std::string report = FormatFileReport("core/b.wast", FileFailure("wast2json failed: oops"),
                                        ListDisagreements::kNo);
  EXPECT_EQ(report, "core/b.wast: 0 passed, 1 failed, 0 skipped\n  wast2json failed: oops\n");
}

TEST(ReportTest, SummaryEndsWithTheSpecLine) {
  Tally total;
  total.passed = 10;
  total.failed = 1;
  total.skipped = 7;
  total.text_form = 5;
  total.text_form_parser_rejected = 4;
  total.text_form_parser_text_matched = 3;
  total.malformed = {4, 3, 2};
  total.invalid = {6, 6, 5};
  std::string summary = FormatSummary(total);
  EXPECT_THAT(summary,
              testing::StartsWith("text form: 5 assert_malformed/assert_invalid modules through "
                                  "the text parser, 4 rejected by it (3 with the expected spec "
                                  "text), the others by the engine\n"));
  EXPECT_THAT(summary, HasSubstr("assert_malformed rejected 4: kind malformed 3, text prefix 2"));
  EXPECT_THAT(summary, HasSubstr("assert_invalid rejected 6: kind invalid 6, text prefix 5"));
  EXPECT_THAT(summary, EndsWith("\nspec: 10 passed, 1 failed, 7 skipped\n"));
}

}  // namespace
}  // namespace wasm::spec
