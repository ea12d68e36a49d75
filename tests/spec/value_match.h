// Whether an engine's results match a command's expected values, following
// the spec interpreter's rules: integers and floats compare bit for bit, a
// "nan:canonical" float matches only a canonical NaN of either sign, a
// "nan:arithmetic" float matches any NaN with the quiet bit set, externrefs
// compare by nullness and host number, a non-null funcref matches any non-null
// funcref, and v128 compares lane by lane in the
// expected lane shape (so an engine may return a v128 in any lane shape).
//
//   absl::Status match = MatchResults(command.expected, results);
//   if (!match.ok()) failure(match.message());  // "result 0: expected i32:1, got i32:2"
#ifndef TESTS_SPEC_VALUE_MATCH_H_
#define TESTS_SPEC_VALUE_MATCH_H_

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "tests/spec/spec_script.h"

namespace wasm::spec {

// OK if `actual` matches `expected`; otherwise an error saying what differs.
// An `unspecified` expected value matches any value of its type.
absl::Status MatchValue(const Value& expected, const Value& actual);

// Matches result lists: same length, and each value as MatchValue.
absl::Status MatchResults(absl::Span<const Value> expected, absl::Span<const Value> actual);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_VALUE_MATCH_H_
