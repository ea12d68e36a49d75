#include "runtime/opt/filetest.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "runtime/ir/ir.h"
#include "runtime/ir/parser.h"
#include "runtime/ir/verifier.h"
#include "runtime/opt/pipeline.h"

namespace wasm::opt {
namespace {

constexpr absl::string_view kOptimize = "optimize";

std::vector<std::string> SplitLines(absl::string_view text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  return lines;
}

absl::Status LineError(int index, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("line ", index + 1, ": ", message));
}

bool IsCheckHeader(absl::string_view line) {
  return absl::StripTrailingAsciiWhitespace(line) == "; check:";
}

// "; text" -> "text", ";" -> "".
std::string CheckLineText(absl::string_view line) {
  absl::ConsumePrefix(&line, ";");
  absl::ConsumePrefix(&line, " ");
  return std::string(line);
}

}  // namespace

bool IsOptimizerPass(absl::string_view name) {
  return name == kOptimize || FindPass(name) != nullptr;
}

absl::StatusOr<FileTest> ParseFileTest(absl::string_view contents,
                                       absl::FunctionRef<bool(absl::string_view)> known_pass) {
  FileTest t;
  t.lines = SplitLines(contents);
  const int n = static_cast<int>(t.lines.size());
  for (int i = 0; i < n;) {
    const absl::string_view line = t.lines[i];
    if (absl::StartsWith(line, "; test:")) {
      if (!t.passes.empty()) return LineError(i, "a second '; test:' line");
      for (absl::string_view name : absl::StrSplit(line.substr(7), absl::ByAnyChar(", \t"),
                                                   absl::SkipEmpty())) {
        if (!known_pass(name)) {
          return LineError(i, absl::StrCat("unknown pass '", name, "'"));
        }
        t.passes.emplace_back(name);
      }
      ++i;
    } else if (absl::StartsWith(line, "function")) {
      FileTest::Case c;
      c.function_begin = i;
      int end = i;
      while (end < n && !absl::StartsWith(t.lines[end], "}")) ++end;
      if (end == n) return LineError(i, "the function has no '}' at the start of a line");
      c.function_end = end;
      c.input = std::string(i, '\n');
      for (int k = i; k <= end; ++k) absl::StrAppend(&c.input, t.lines[k], "\n");
      t.cases.push_back(std::move(c));
      i = end + 1;
    } else if (IsCheckHeader(line)) {
      if (t.cases.empty() || t.cases.back().check_begin >= 0) {
        return LineError(i, "'; check:' must follow a function that has none yet");
      }
      FileTest::Case& c = t.cases.back();
      c.check_begin = i++;
      while (i < n && absl::StartsWith(t.lines[i], ";")) {
        absl::StrAppend(&c.expected, CheckLineText(t.lines[i]), "\n");
        ++i;
      }
      c.check_end = i;
    } else if (absl::StripAsciiWhitespace(line).empty() || absl::StartsWith(line, ";")) {
      ++i;  // blank lines and comments
    } else {
      return LineError(i, "expected a function, a '; check:' block, a comment or a blank line");
    }
  }
  if (t.passes.empty()) return absl::InvalidArgumentError("no '; test: <pass>' line");
  if (t.cases.empty()) return absl::InvalidArgumentError("no function to test");
  return t;
}

absl::StatusOr<std::string> RunCase(const FileTest& test, const FileTest::Case& c) {
  absl::StatusOr<ir::Function> f = ir::ParseFunction(c.input);
  if (!f.ok()) return f.status();
  if (absl::Status s = ir::VerifyFunction(*f); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("the input: ", s.message()));
  }
  for (const std::string& name : test.passes) {
    if (name == kOptimize) {
      OptimizeOptions options;
      options.verify = true;
      if (absl::Status s = Optimize(*f, options); !s.ok()) return s;
      continue;
    }
    const Pass* pass = FindPass(name);
    if (pass == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown pass ", name));
    pass->run(*f);
    if (absl::Status s = ir::VerifyFunction(*f); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("after ", name, ": ", s.message()));
    }
  }
  return ir::PrintFunction(*f);
}

std::string UnifiedDiff(absl::string_view expected, absl::string_view actual) {
  if (expected == actual) return "";
  const std::vector<std::string> a = SplitLines(expected), b = SplitLines(actual);
  const size_t n = a.size(), m = b.size();
  // lcs[i][j]: length of the longest common subsequence of a[i:] and b[j:].
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Edit {
    char op;  // ' ', '-', '+'
    const std::string* line;
  };
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', &a[i++]});
      ++j;
    } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', &a[i++]});
    } else {
      edits.push_back({'+', &b[j++]});
    }
  }
  constexpr size_t kContext = 2;
  std::string out = "--- expected\n+++ actual\n";
  size_t k = 0;
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == ' ') ++k;
    if (k == edits.size()) break;
    // A hunk: from kContext lines before this change to kContext lines after
    // the last change that is closer than 2 * kContext to the previous one.
    const size_t begin = k >= kContext ? k - kContext : 0;
    size_t end = k;
    for (size_t p = k; p < edits.size(); ++p) {
      if (edits[p].op != ' ') {
        end = p + 1;
      } else if (p - end >= 2 * kContext) {
        break;
      }
    }
    end = std::min(edits.size(), end + kContext);
    size_t a_start = 1, b_start = 1, a_count = 0, b_count = 0;
    for (size_t p = 0; p < begin; ++p) {
      a_start += edits[p].op != '+';
      b_start += edits[p].op != '-';
    }
    for (size_t p = begin; p < end; ++p) {
      a_count += edits[p].op != '+';
      b_count += edits[p].op != '-';
    }
    absl::StrAppend(&out, "@@ -", a_start, ",", a_count, " +", b_start, ",", b_count, " @@\n");
    for (size_t p = begin; p < end; ++p) absl::StrAppend(&out, std::string(1, edits[p].op), *edits[p].line, "\n");
    k = end;
  }
  return out;
}

std::string Bless(const FileTest& test, const std::vector<std::string>& actual) {
  std::vector<std::string> out;
  int next = 0;  // the next line of the original to copy
  for (size_t c = 0; c < test.cases.size(); ++c) {
    const FileTest::Case& tc = test.cases[c];
    const int copy_until = tc.check_begin >= 0 ? tc.check_begin : tc.function_end + 1;
    for (; next < copy_until; ++next) out.push_back(test.lines[next]);
    out.push_back("; check:");
    for (const std::string& line : SplitLines(actual[c])) {
      out.push_back(line.empty() ? ";" : absl::StrCat("; ", line));
    }
    if (tc.check_begin >= 0) next = tc.check_end;
  }
  for (; next < static_cast<int>(test.lines.size()); ++next) out.push_back(test.lines[next]);
  return absl::StrCat(absl::StrJoin(out, "\n"), "\n");
}

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

bool BlessRequested() { return Env("FILETESTS_BLESS") == "1"; }

std::filesystem::path FiletestDir(absl::string_view package_dir) {
  const std::string workspace = Env("BUILD_WORKSPACE_DIRECTORY");
  if (!workspace.empty()) return std::filesystem::path(workspace) / std::string(package_dir);
  return std::filesystem::path(Env("TEST_SRCDIR")) / Env("TEST_WORKSPACE") /
         std::string(package_dir);
}

std::vector<std::string> FiletestNames(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".ir") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string FiletestTestName(const std::string& file_name) {
  std::string name = absl::EndsWith(file_name, ".ir") ? file_name.substr(0, file_name.size() - 3)
                                                      : file_name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace wasm::opt
