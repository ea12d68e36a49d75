// spec_runner: runs WebAssembly spec testsuite scripts (.wast) on an engine.
//
//   spec_runner --engine=validate ../shared/spec-testsuite/core
//
// For each .wast file: wast2json converts it into a fresh temporary folder,
// the JSON becomes a Script, a fresh Engine runs it, and one line reports the
// file's counts. The last line is `spec: P passed, F failed, S skipped`.
// Exit status: 0 if nothing failed and something passed, 1 otherwise, 2 for
// a usage error.
#include <stdio.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "tests/spec/engine.h"
#include "tests/spec/engines.h"
#include "tests/spec/files.h"
#include "tests/spec/report.h"
#include "tests/spec/script_runner.h"
#include "tests/spec/spec_script.h"
#include "tests/spec/wast2json.h"

namespace wasm::spec {
namespace {

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr absl::string_view kUsage =
    "usage: spec_runner --engine=ENGINE [--wast2json-flags=FLAGS] [--show-disagreements] "
    "PATH...\n"
    "  PATH                   a .wast file, or a folder: every *.wast directly inside\n"
    "  --engine=ENGINE        how to run the scripts: ";
constexpr absl::string_view kUsageTail =
    "\n"
    "  --wast2json-flags=F    space-separated wast2json flags for every file, instead of\n"
    "                         the default (--enable-threads under a threads/ folder)\n"
    "  --show-disagreements   list assert_malformed/assert_invalid errors whose kind or\n"
    "                         text differ from the expectation (informational)\n"
    "  env WAST2JSON          the wast2json program (default: wast2json from PATH)\n";

struct Options {
  std::string engine;
  std::optional<std::vector<std::string>> wast2json_flags;
  ListDisagreements list_disagreements = ListDisagreements::kNo;
  std::vector<std::string> paths;
};

// Parses argv; an error is one line for stderr.
absl::StatusOr<Options> ParseArgs(int argc, char** argv) {
  Options options;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (flags_done || !absl::StartsWith(arg, "-") || arg == "-") {
      options.paths.emplace_back(arg);
    } else if (arg == "--") {
      flags_done = true;
    } else if (absl::ConsumePrefix(&arg, "--engine=")) {
      options.engine = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--wast2json-flags=")) {
      std::vector<std::string> flags = absl::StrSplit(arg, ' ', absl::SkipEmpty());
      options.wast2json_flags = std::move(flags);
    } else if (arg == "--show-disagreements") {
      options.list_disagreements = ListDisagreements::kYes;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
  }
  if (options.engine.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing --engine=ENGINE (one of: ", absl::StrJoin(EngineNames(), ", "), ")"));
  }
  if (options.paths.empty())
    return absl::InvalidArgumentError("missing PATH (a .wast file or folder)");
  return options;
}

// Converts, parses and runs one .wast file. Any problem with the file itself
// (conversion, unreadable or malformed JSON) is one failure for that file.
ScriptResult RunFile(const std::string& path, const Options& options) {
  absl::StatusOr<TempDir> dir = TempDir::Create("spec_runner");
  if (!dir.ok()) return FileFailure(std::string(dir.status().message()));
  std::vector<std::string> flags = options.wast2json_flags.value_or(Wast2JsonFlagsFor(path));
  absl::StatusOr<std::string> json_path =
      RunWast2Json(Wast2JsonProgram(), path, flags, dir->path());
  if (!json_path.ok()) return FileFailure(std::string(json_path.status().message()));
  absl::StatusOr<std::string> json = ReadFileText(*json_path);
  if (!json.ok()) return FileFailure(std::string(json.status().message()));
  absl::StatusOr<Script> script = ParseScript(*json, path);
  if (!script.ok()) return FileFailure(std::string(script.status().message()));
  absl::StatusOr<std::unique_ptr<Engine>> engine = MakeEngine(options.engine);
  if (!engine.ok()) return FileFailure(std::string(engine.status().message()));
  return RunScript(*script, dir->path(), **engine);
}

int Main(int argc, char** argv) {
  if (argc == 2 && (absl::string_view(argv[1]) == "--help" || absl::string_view(argv[1]) == "-h")) {
    printf("%s%s%s", std::string(kUsage).c_str(), absl::StrJoin(EngineNames(), ", ").c_str(),
           std::string(kUsageTail).c_str());
    return kExitPassed;
  }
  absl::StatusOr<Options> options = ParseArgs(argc, argv);
  if (!options.ok()) {
    fprintf(stderr, "spec_runner: %s (see --help)\n",
            std::string(options.status().message()).c_str());
    return kExitUsage;
  }
  // Check the engine name once, up front, so a typo is a usage error.
  if (absl::StatusOr<std::unique_ptr<Engine>> engine = MakeEngine(options->engine); !engine.ok()) {
    fprintf(stderr, "spec_runner: %s\n", std::string(engine.status().message()).c_str());
    return kExitUsage;
  }
  absl::StatusOr<std::vector<std::string>> files = ExpandWastPaths(options->paths);
  if (!files.ok()) {
    fprintf(stderr, "spec_runner: %s\n", std::string(files.status().message()).c_str());
    return kExitUsage;
  }

  Tally total;
  for (const std::string& file : *files) {
    ScriptResult result = RunFile(file, *options);
    total.Add(result.tally);
    fputs(FormatFileReport(file, result, options->list_disagreements).c_str(), stdout);
    fflush(stdout);
  }
  fputs(FormatSummary(total).c_str(), stdout);
  fflush(stdout);

  if (total.failed > 0) return kExitFailed;
  if (total.passed == 0) {
    // Every command skipped: nothing was checked, so this is no success.
    fprintf(stderr, "spec_runner: no command passed (all %lld skipped)\n",
            static_cast<long long>(total.skipped));
    return kExitFailed;
  }
  return kExitPassed;
}

}  // namespace
}  // namespace wasm::spec

int main(int argc, char** argv) { return wasm::spec::Main(argc, argv); }
