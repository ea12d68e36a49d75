// Runs one Script against an Engine and counts the outcome of each command.
//
// Every command counts exactly once: passed, failed or skipped. A command is
// skipped when the engine says UnsupportedError, or when the engine cannot
// decide it (the validate engine compiles an assert_unlinkable module but
// cannot link it). Text-form modules (module_type "text", from `module
// quote`) go through the text parser (runtime/text): rejected there, they are
// malformed; parsed, their bytes go to the engine like a binary module.
// Invariant: a skipped command is never counted as passed.
//
// For assert_malformed / assert_invalid, failing to compile is what passes;
// whether the error also has the right kind (malformed vs invalid) and the
// spec's wording is recorded in an Agreement, for information only.
//
//   ValidateEngine engine;
//   ScriptResult result = RunScript(script, conversion_dir, engine);
//   total.Add(result.tally);
#ifndef TESTS_SPEC_SCRIPT_RUNNER_H_
#define TESTS_SPEC_SCRIPT_RUNNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tests/spec/engine.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {

// How the compile errors of expected-to-fail modules agree with the
// expectation. Informational: only failing to compile decides pass/fail.
struct Agreement {
  int64_t rejected = 0;      // modules that failed to compile, as expected
  int64_t kind_matched = 0;  // ... with the expected wasm::ErrorKind
  int64_t text_matched = 0;  // ... whose wasm::SpecText starts with the expected text

  void Add(const Agreement& other);
};

struct Tally {
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
  // Text-form assert_malformed / assert_invalid modules: how many went
  // through the text parser, how many it rejected (the others went to the
  // engine), and how many of its rejections have the expected spec text.
  int64_t text_form = 0;
  int64_t text_form_parser_rejected = 0;
  int64_t text_form_parser_text_matched = 0;
  Agreement malformed;  // assert_malformed, expecting kMalformed
  Agreement invalid;    // assert_invalid, expecting kInvalid

  void Add(const Tally& other);
};

// One failed (or, in `disagreements`, one informational) command.
// `line` is 0 and `command` empty for a failure of the whole file (conversion
// or parsing).
struct Failure {
  int line = 0;
  std::string command;
  std::string what;
};

struct ScriptResult {
  Tally tally;
  std::vector<Failure> failures;
  // assert_malformed / assert_invalid whose error kind or text disagreed.
  std::vector<Failure> disagreements;
};

// Runs every command of `script`; module files are read from `module_dir`.
ScriptResult RunScript(const Script& script, const std::string& module_dir, Engine& engine);

// The result of a file that could not be converted or parsed: 1 failed.
ScriptResult FileFailure(std::string what);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_SCRIPT_RUNNER_H_
