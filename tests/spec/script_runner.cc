// The test logic of each command type; see script_runner.h for the counting
// rules.
#include "tests/spec/script_runner.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "runtime/errors.h"
#include "runtime/text/wat.h"
#include "tests/spec/engine.h"
#include "tests/spec/files.h"
#include "tests/spec/spec_script.h"
#include "tests/spec/value_match.h"

namespace wasm::spec {
namespace {

enum class Outcome { kPassed, kFailed, kSkipped };

// The outcome of one command, with the reason when it failed.
struct Verdict {
  Outcome outcome;
  std::string what;
};

Verdict Pass() { return {Outcome::kPassed, ""}; }
Verdict Skip() { return {Outcome::kSkipped, ""}; }
Verdict Fail(std::string what) { return {Outcome::kFailed, std::move(what)}; }

absl::string_view ErrorKindName(wasm::ErrorKind kind) {
  switch (kind) {
    case wasm::ErrorKind::kNone: return "none";
    case wasm::ErrorKind::kMalformed: return "malformed";
    case wasm::ErrorKind::kInvalid: return "invalid";
    case wasm::ErrorKind::kOther: return "other";
  }
  return "?";
}

bool IsCompileError(const absl::Status& status) {
  wasm::ErrorKind kind = wasm::GetErrorKind(status);
  return kind == wasm::ErrorKind::kMalformed || kind == wasm::ErrorKind::kInvalid;
}

class Runner {
 public:
  Runner(const std::string& module_dir, Engine& engine, ScriptResult& result)
      : module_dir_(module_dir), engine_(engine), result_(result) {}

  void Run(const Command& command) {
    Verdict verdict = Decide(command);
    Tally& tally = result_.tally;
    switch (verdict.outcome) {
      case Outcome::kPassed: ++tally.passed; break;
      case Outcome::kSkipped: ++tally.skipped; break;
      case Outcome::kFailed:
        ++tally.failed;
        result_.failures.push_back(
            {command.line, std::string(CommandTypeName(command.type)), std::move(verdict.what)});
        break;
    }
  }

 private:
  Verdict Decide(const Command& command) {
    switch (command.type) {
      case CommandType::kModule: return DefineModule(command);
      case CommandType::kRegister: return Register(command);
      case CommandType::kAction: return RunAction(command);
      case CommandType::kAssertReturn: return AssertReturn(command);
      case CommandType::kAssertTrap:
      case CommandType::kAssertExhaustion: return AssertTrap(command);
      case CommandType::kAssertMalformed:
      case CommandType::kAssertInvalid: return AssertCompileFails(command);
      case CommandType::kAssertUnlinkable:
      case CommandType::kAssertUninstantiable: return AssertInstantiateFails(command);
    }
    return Fail("unknown command type");
  }

  absl::StatusOr<std::vector<uint8_t>> ReadModule(const Command& command) {
    return ReadFileBytes(absl::StrCat(module_dir_, "/", command.filename));
  }

  // Instantiates, or only compiles when the engine does not instantiate.
  // nullopt when the engine does neither.
  std::optional<absl::Status> Load(std::vector<uint8_t> bytes,
                                   const std::optional<std::string>& name) {
    absl::Status status = engine_.Instantiate(bytes, name);
    if (IsUnsupported(status)) status = engine_.Compile(std::move(bytes));
    if (IsUnsupported(status)) return std::nullopt;
    return status;
  }

  Verdict DefineModule(const Command& command) {
    absl::StatusOr<std::vector<uint8_t>> bytes = ReadModule(command);
    if (!bytes.ok()) return Fail(std::string(bytes.status().message()));
    std::optional<absl::Status> status = Load(*std::move(bytes), command.name);
    if (!status.has_value()) return Skip();
    if (!status->ok()) return Fail(absl::StrCat("module failed to load: ", status->message()));
    return Pass();
  }

  Verdict Register(const Command& command) {
    absl::Status status = engine_.Register(command.name, command.as);
    if (IsUnsupported(status)) return Skip();
    if (!status.ok()) return Fail(std::string(status.message()));
    return Pass();
  }

  // Runs an invoke or get action; a get's value becomes a one-element list.
  absl::StatusOr<std::vector<Value>> Perform(const Action& action) {
    if (action.type == Action::Type::kInvoke) return engine_.Invoke(action);
    absl::StatusOr<Value> value = engine_.Get(action);
    if (!value.ok()) return value.status();
    return std::vector<Value>{*std::move(value)};
  }

  Verdict RunAction(const Command& command) {
    absl::StatusOr<std::vector<Value>> results = Perform(*command.action);
    if (IsUnsupported(results.status())) return Skip();
    if (IsTrap(results.status())) {
      return Fail(absl::StrCat("unexpected trap: ", results.status().message()));
    }
    if (!results.ok()) return Fail(std::string(results.status().message()));
    return Pass();
  }

  Verdict AssertReturn(const Command& command) {
    absl::StatusOr<std::vector<Value>> results = Perform(*command.action);
    if (IsUnsupported(results.status())) return Skip();
    if (IsTrap(results.status())) {
      return Fail(absl::StrCat("unexpected trap: ", results.status().message()));
    }
    if (!results.ok()) return Fail(std::string(results.status().message()));
    absl::Status match = MatchResults(command.expected, *results);
    if (!match.ok()) return Fail(std::string(match.message()));
    return Pass();
  }

  // An error message agrees with the expected one when either is a prefix of
  // the other: the reference interpreter's messages may carry details ours
  // do not ("uninitialized element 2"), and ours may add some of our own.
  static bool MessageAgrees(absl::string_view actual, absl::string_view expected) {
    return absl::StartsWith(actual, expected) || absl::StartsWith(expected, actual);
  }

  // assert_trap and assert_exhaustion (the engine reports exhaustion as a
  // trap too): pass on a trap whose message agrees with the expected one.
  Verdict AssertTrap(const Command& command) {
    absl::StatusOr<std::vector<Value>> results = Perform(*command.action);
    if (IsUnsupported(results.status())) return Skip();
    if (IsTrap(results.status())) {
      if (MessageAgrees(results.status().message(), command.text)) return Pass();
      return Fail(absl::StrCat("trapped with \"", results.status().message(), "\", expected \"",
                               command.text, "\""));
    }
    if (!results.ok()) return Fail(std::string(results.status().message()));
    return Fail(absl::StrCat("returned instead of trapping with \"", command.text, "\""));
  }

  // Compiles the module of an assert_malformed / assert_invalid into
  // `compiled`: a text one is parsed first, and an error of the text parser
  // is the answer. Returns an error only if the module file cannot be read.
  absl::Status CompileAssertedModule(const Command& command, absl::Status& compiled) {
    if (command.module_form == ModuleForm::kText) {
      Tally& tally = result_.tally;
      ++tally.text_form;
      absl::StatusOr<std::string> text =
          ReadFileText(absl::StrCat(module_dir_, "/", command.filename));
      if (!text.ok()) return text.status();
      absl::StatusOr<std::vector<uint8_t>> bytes = wasm::text::ParseWat(*text);
      if (!bytes.ok()) {
        ++tally.text_form_parser_rejected;
        tally.text_form_parser_text_matched +=
            absl::StartsWith(wasm::SpecText(bytes.status()), command.text);
        compiled = bytes.status();  // a malformed error
        return absl::OkStatus();
      }
      compiled = engine_.Compile(*std::move(bytes));
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<uint8_t>> bytes = ReadModule(command);
    if (!bytes.ok()) return bytes.status();
    compiled = engine_.Compile(*std::move(bytes));
    return absl::OkStatus();
  }

  Verdict AssertCompileFails(const Command& command) {
    absl::Status status;
    absl::Status read = CompileAssertedModule(command, status);
    if (!read.ok()) return Fail(std::string(read.message()));
    if (IsUnsupported(status)) return Skip();
    if (status.ok()) return Fail(absl::StrCat("module compiled, expected \"", command.text, "\""));

    bool malformed = command.type == CommandType::kAssertMalformed;
    wasm::ErrorKind expected_kind =
        malformed ? wasm::ErrorKind::kMalformed : wasm::ErrorKind::kInvalid;
    Agreement& agreement = malformed ? result_.tally.malformed : result_.tally.invalid;
    wasm::ErrorKind kind = wasm::GetErrorKind(status);
    std::string text = wasm::SpecText(status);
    bool kind_matched = kind == expected_kind;
    bool text_matched = absl::StartsWith(text, command.text);
    ++agreement.rejected;
    agreement.kind_matched += kind_matched;
    agreement.text_matched += text_matched;
    if (!kind_matched || !text_matched) {
      result_.disagreements.push_back(
          {command.line, std::string(CommandTypeName(command.type)),
           absl::StrCat("expected ", ErrorKindName(expected_kind), " \"", command.text, "\", got ",
                        ErrorKindName(kind), " \"", text, "\"")});
    }
    return Pass();
  }

  Verdict AssertInstantiateFails(const Command& command) {
    // Only binary modules occur in these commands; a text one needs a parser.
    if (command.module_form == ModuleForm::kText) return Skip();
    absl::StatusOr<std::vector<uint8_t>> bytes = ReadModule(command);
    if (!bytes.ok()) return Fail(std::string(bytes.status().message()));
    absl::Status status = engine_.Instantiate(*bytes, std::nullopt);
    if (IsUnsupported(status)) {
      // The engine cannot link or run the module: it must still compile, but
      // whether instantiation fails stays undecided.
      absl::Status compiled = engine_.Compile(*std::move(bytes));
      if (IsUnsupported(compiled) || compiled.ok()) return Skip();
      return Fail(absl::StrCat("module does not compile: ", compiled.message()));
    }
    if (status.ok()) {
      return Fail(absl::StrCat("module instantiated, expected \"", command.text, "\""));
    }
    if (IsCompileError(status)) {
      return Fail(absl::StrCat("module does not compile: ", status.message()));
    }
    bool unlinkable = command.type == CommandType::kAssertUnlinkable;
    if ((unlinkable ? IsLinkError(status) : IsTrap(status)) &&
        MessageAgrees(status.message(), command.text)) {
      return Pass();
    }
    return Fail(absl::StrCat("expected ", unlinkable ? "a link error" : "a trap", " \"",
                             command.text, "\", got: ", status.message()));
  }

  const std::string& module_dir_;
  Engine& engine_;
  ScriptResult& result_;
};

}  // namespace

void Agreement::Add(const Agreement& other) {
  rejected += other.rejected;
  kind_matched += other.kind_matched;
  text_matched += other.text_matched;
}

void Tally::Add(const Tally& other) {
  passed += other.passed;
  failed += other.failed;
  skipped += other.skipped;
  text_form += other.text_form;
  text_form_parser_rejected += other.text_form_parser_rejected;
  text_form_parser_text_matched += other.text_form_parser_text_matched;
  malformed.Add(other.malformed);
  invalid.Add(other.invalid);
}

ScriptResult RunScript(const Script& script, const std::string& module_dir, Engine& engine) {
  ScriptResult result;
  Runner runner(module_dir, engine, result);
  for (const Command& command : script.commands) runner.Run(command);
  return result;
}

ScriptResult FileFailure(std::string what) {
  ScriptResult result;
  result.tally.failed = 1;
  result.failures.push_back({0, "", std::move(what)});
  return result;
}

}  // namespace wasm::spec
