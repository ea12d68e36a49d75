// Formats the spec runner's per-file lines and closing summary.
#include "tests/spec/report.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "tests/spec/script_runner.h"

namespace wasm::spec {
namespace {

// Messages come from engines and wast2json; one report line each.
std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\r", " "}, {"\n", " "}});
}

void ListFailures(const std::vector<Failure>& failures, absl::string_view note, std::string& out) {
  size_t listed = std::min<size_t>(failures.size(), kMaxListedPerFile);
  for (size_t i = 0; i < listed; ++i) {
    const Failure& failure = failures[i];
    absl::StrAppend(&out, "  ");
    if (failure.line > 0) absl::StrAppend(&out, "line ", failure.line, ": ");
    if (!failure.command.empty()) absl::StrAppend(&out, failure.command, ": ");
    absl::StrAppend(&out, note, OneLine(failure.what), "\n");
  }
  if (failures.size() > listed) {
    absl::StrAppend(&out, "  ... and ", failures.size() - listed, " more\n");
  }
}

std::string AgreementText(absl::string_view command, absl::string_view kind,
                          const Agreement& agreement) {
  return absl::StrCat(command, " rejected ", agreement.rejected, ": kind ", kind, " ",
                      agreement.kind_matched, ", text prefix ", agreement.text_matched);
}

}  // namespace

std::string FormatFileReport(absl::string_view path, const ScriptResult& result,
                             ListDisagreements list_disagreements) {
  const Tally& tally = result.tally;
  std::string out = absl::StrCat(path, ": ", tally.passed, " passed, ", tally.failed, " failed, ",
                                 tally.skipped, " skipped\n");
  ListFailures(result.failures, "", out);
  if (list_disagreements == ListDisagreements::kYes) {
    ListFailures(result.disagreements, "(informational) ", out);
  }
  return out;
}

std::string FormatSummary(const Tally& total) {
  return absl::StrCat(
      "text form: ", total.text_form,
      " assert_malformed/assert_invalid modules through the text parser, ",
      total.text_form_parser_rejected, " rejected by it (", total.text_form_parser_text_matched,
      " with the expected spec text), the others by the engine\n",
      "informational (compile errors agreeing with the expected kind / spec text): ",
      AgreementText("assert_malformed", "malformed", total.malformed), "; ",
      AgreementText("assert_invalid", "invalid", total.invalid), "\n", "spec: ", total.passed,
      " passed, ", total.failed, " failed, ", total.skipped, " skipped\n");
}

}  // namespace wasm::spec
