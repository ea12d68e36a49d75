// The text parser against wabt: every top-level module command of the spec
// testsuite's core/*.wast files (`(module ...)` in text, and the `binary` /
// `quote` forms) goes through wasm::text::ParseWatModule, and the bytes must
// equal those wast2json wrote for the same command. One test case per file;
// the totals are printed at the end:
//
//   wat conformance: 1234 modules, 1234 identical, 0 differing
//
// Modules inside assertions are not compared here (they are meant to fail);
// the spec runner runs those (tests/spec/README.md).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/text/lexer.h"
#include "runtime/text/wat.h"
#include "tests/spec/files.h"
#include "tests/spec/spec_script.h"
#include "tests/spec/wast2json.h"

namespace wasm::spec {
namespace {

struct Totals {
  int modules = 0;
  int identical = 0;
  int differing = 0;
};

Totals& GlobalTotals() {
  static Totals totals;
  return totals;
}

class PrintTotals : public ::testing::Environment {
 public:
  void TearDown() override {
    const Totals& t = GlobalTotals();
    std::cout << "wat conformance: " << t.modules << " modules, " << t.identical
              << " identical, " << t.differing << " differing\n";
  }
};

const ::testing::Environment* const kPrintTotals =
    ::testing::AddGlobalTestEnvironment(new PrintTotals);

bool IsScriptCommand(absl::string_view keyword) {
  return keyword == "module" || keyword == "register" || keyword == "invoke" || keyword == "get" ||
         absl::StartsWith(keyword, "assert_");
}

// The source text of each top-level `(module ...)` form of a script, in order.
// A script made of module fields only (inline-module.wast) is one module.
absl::StatusOr<std::vector<std::string>> TopLevelModules(const std::string& script) {
  absl::StatusOr<std::vector<text::Token>> tokens = text::Lex(script);
  if (!tokens.ok()) return tokens.status();
  std::vector<std::string> modules;
  int depth = 0;
  const text::Token* open = nullptr;
  for (size_t i = 0; i < tokens->size(); ++i) {
    const text::Token& token = (*tokens)[i];
    if (token.kind == text::TokenKind::kLParen) {
      if (depth == 0) {
        open = &token;
        const text::Token& head = (*tokens)[i + 1];
        if (modules.empty() && i == 0 && !IsScriptCommand(head.text)) return {{script}};
      }
      ++depth;
    } else if (token.kind == text::TokenKind::kRParen) {
      --depth;
      if (depth == 0 && open != nullptr) {
        const text::Token& head = *(open + 1);
        if (head.kind == text::TokenKind::kKeyword && head.text == "module") {
          const char* begin = open->text.data();
          modules.emplace_back(begin, token.text.data() + 1 - begin);
        }
        open = nullptr;
      }
    }
  }
  return modules;
}

std::string FirstDifference(const std::vector<uint8_t>& ours, const std::vector<uint8_t>& theirs) {
  size_t i = 0;
  while (i < ours.size() && i < theirs.size() && ours[i] == theirs[i]) ++i;
  return absl::StrCat("sizes ", ours.size(), " vs ", theirs.size(), ", first difference at byte 0x",
                      absl::Hex(i));
}

class WatConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WatConformanceTest, TopLevelModulesMatchWast2Json) {
  const std::string& wast = GetParam();
  absl::StatusOr<TempDir> dir = TempDir::Create("wat_conformance");
  ASSERT_TRUE(dir.ok()) << dir.status();
  absl::StatusOr<std::string> json_path =
      RunWast2Json(Wast2JsonProgram(), wast, Wast2JsonFlagsFor(wast), dir->path());
  ASSERT_TRUE(json_path.ok()) << json_path.status();
  absl::StatusOr<std::string> json = ReadFileText(*json_path);
  ASSERT_TRUE(json.ok()) << json.status();
  absl::StatusOr<Script> script = ParseScript(*json, wast);
  ASSERT_TRUE(script.ok()) << script.status();
  absl::StatusOr<std::string> source = ReadFileText(wast);
  ASSERT_TRUE(source.ok()) << source.status();
  absl::StatusOr<std::vector<std::string>> modules = TopLevelModules(*source);
  ASSERT_TRUE(modules.ok()) << modules.status();

  std::vector<const Command*> module_commands;
  for (const Command& command : script->commands) {
    if (command.type == CommandType::kModule) module_commands.push_back(&command);
  }
  ASSERT_EQ(modules->size(), module_commands.size()) << "module forms vs wast2json's commands";
  Totals& totals = GlobalTotals();
  for (size_t i = 0; i < modules->size(); ++i) {
    const Command& command = *module_commands[i];
    absl::StatusOr<std::vector<uint8_t>> expected =
        ReadFileBytes(absl::StrCat(dir->path(), "/", command.filename));
    ASSERT_TRUE(expected.ok()) << expected.status();
    ++totals.modules;
    absl::StatusOr<std::vector<uint8_t>> ours = text::ParseWatModule((*modules)[i]);
    if (!ours.ok()) {
      ++totals.differing;
      ADD_FAILURE() << wast << ":" << command.line << ": " << ours.status();
      continue;
    }
    if (*ours == *expected) {
      ++totals.identical;
    } else {
      ++totals.differing;
      ADD_FAILURE() << wast << ":" << command.line << ": bytes differ from " << command.filename
                    << ": " << FirstDifference(*ours, *expected);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Core, WatConformanceTest, ::testing::ValuesIn(RunfilesCoreWastFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return WastTestName(info.param);
                         });

}  // namespace
}  // namespace wasm::spec
