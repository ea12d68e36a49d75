// The spec runner's output format. CI greps the last line, so its shape is
// fixed: `spec: P passed, F failed, S skipped`.
//
//   core/br.wast: 96 passed, 1 failed, 0 skipped
//     line 412: assert_invalid: module compiled, expected "type mismatch"
//   ...
//   skipped: 567 text-form assert_malformed/assert_invalid commands (no text-format parser yet)
//   informational (...): assert_malformed rejected 736: kind malformed 734, text prefix 728; ...
//   spec: 5123 passed, 1 failed, 20311 skipped
#ifndef TESTS_SPEC_REPORT_H_
#define TESTS_SPEC_REPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "tests/spec/script_runner.h"

namespace wasm::spec {

// At most this many failures (and disagreements) are listed per file.
inline constexpr int kMaxListedPerFile = 20;

// Whether to list assert_malformed / assert_invalid commands whose error kind
// or text disagreed (--show-disagreements).
enum class ListDisagreements : bool { kNo, kYes };

// The file's line plus one indented line per listed failure; ends in '\n'.
std::string FormatFileReport(absl::string_view path, const ScriptResult& result,
                             ListDisagreements list_disagreements);

// The closing lines: the text-form skip count, the agreement figures, and the
// `spec:` line; ends in '\n'.
std::string FormatSummary(const Tally& total);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_REPORT_H_
