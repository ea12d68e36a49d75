// Filesystem helpers of the spec runner: a temporary folder that removes
// itself, whole-file reads, and expanding command-line paths into .wast files.
//
//   absl::StatusOr<TempDir> dir = TempDir::Create("spec");
//   ... write into dir->path() ...
//   // the folder and everything in it are removed when `dir` goes away
#ifndef TESTS_SPEC_FILES_H_
#define TESTS_SPEC_FILES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wasm::spec {

// A fresh folder from mkdtemp under $TEST_TMPDIR, $TMPDIR or /tmp. Move-only;
// the destructor removes the folder recursively.
class TempDir {
 public:
  static absl::StatusOr<TempDir> Create(absl::string_view prefix);

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;  // empty once moved from
};

// The whole file as bytes / as text.
absl::StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path);
absl::StatusOr<std::string> ReadFileText(const std::string& path);

// Expands command-line paths: a file stays as given; a folder becomes the
// *.wast files directly inside it, sorted by name. NotFoundError for a path
// that does not exist, or a folder with no .wast file.
absl::StatusOr<std::vector<std::string>> ExpandWastPaths(absl::Span<const std::string> paths);

// For tests with `data = ["@spec_testsuite//:core"]`: the core/*.wast files
// in the runfiles ($TEST_SRCDIR/spec_testsuite/core), sorted by name; empty
// outside a Bazel test.
std::vector<std::string> RunfilesCoreWastFiles();

// A GoogleTest parameter name for a .wast path: its stem, characters other
// than letters and digits as '_' ("i32.wast" -> "i32", "left-to-right" ->
// "left_to_right").
std::string WastTestName(const std::string& path);

}  // namespace wasm::spec

#endif  // TESTS_SPEC_FILES_H_
