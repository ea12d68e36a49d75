// Golden filetests for the passes, in the manner of Cranelift's: a text file
// holds input functions and, as `;` comments, the expected text after the
// passes the file names. See filetests/README.md for the format; this is the
// machinery: reading a file, running a case, diffing, blessing.
//
//   absl::StatusOr<FileTest> t = ParseFileTest(contents);
//   for (const FileTest::Case& c : t->cases) {
//     absl::StatusOr<std::string> actual = RunCase(*t, c);
//     if (*actual != c.expected) std::cerr << UnifiedDiff(c.expected, *actual);
//   }
//   std::string blessed = Bless(*t, actuals);  // the file with new expectations
#ifndef RUNTIME_OPT_FILETEST_H_
#define RUNTIME_OPT_FILETEST_H_

#include <filesystem>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasm::opt {

struct FileTest {
  struct Case {
    // The function's text, preceded by empty lines so that parse errors
    // carry the line numbers of the file.
    std::string input;
    int function_begin = 0;  // line indexes (0-based) of `function` and `}`
    int function_end = 0;
    // The `; check:` block, [check_begin, check_end) with its header line;
    // -1 when the case has none yet.
    int check_begin = -1;
    int check_end = -1;
    std::string expected;  // the check lines without their "; " prefix
  };
  std::vector<std::string> passes;  // from `; test: a, b`
  std::vector<std::string> lines;   // the file, without line terminators
  std::vector<Case> cases;
};

// Splits a file into its cases. Errors name the 1-based line. The `; test:`
// names must be ones `known_pass` accepts: by default the optimiser's passes
// and "optimize"; other runners (codegen) pass their own.
bool IsOptimizerPass(absl::string_view name);
absl::StatusOr<FileTest> ParseFileTest(
    absl::string_view contents,
    absl::FunctionRef<bool(absl::string_view)> known_pass = IsOptimizerPass);

// Parses and verifies the case's function, runs the file's passes on it
// (verifying after each) and returns the printed result. The pass name
// "optimize" runs the whole pipeline (pipeline.h).
absl::StatusOr<std::string> RunCase(const FileTest& test, const FileTest::Case& c);

// A unified-style line diff ("--- expected", "+++ actual", @@ hunks with two
// lines of context); empty when the texts are equal.
std::string UnifiedDiff(absl::string_view expected, absl::string_view actual);

// The file with each case's check block replaced by (or, when it has none,
// followed by) `actual[i]`.
std::string Bless(const FileTest& test, const std::vector<std::string>& actual);

// True when FILETESTS_BLESS=1: rewrite the expectations instead of failing.
bool BlessRequested();

// The folder of .ir files `package_dir` (e.g. "runtime/opt/filetests"): in the
// source tree under `bazel run` (BUILD_WORKSPACE_DIRECTORY), so blessing
// writes the real files; in the runfiles under `bazel test`.
std::filesystem::path FiletestDir(absl::string_view package_dir);

// The names of the .ir files in `dir`, sorted.
std::vector<std::string> FiletestNames(const std::filesystem::path& dir);

// A GoogleTest parameter name for a .ir file name: without ".ir", characters
// other than letters and digits as '_'.
std::string FiletestTestName(const std::string& file_name);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_FILETEST_H_
