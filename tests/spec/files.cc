// Filesystem helpers of the spec runner.
#include "tests/spec/files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wasm::spec {
namespace {

namespace fs = std::filesystem;

std::string TempRoot() {
  // Bazel tests get a private, cleaned-up folder in TEST_TMPDIR.
  for (const char* name : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* value = getenv(name);
    if (value != nullptr && value[0] != '\0') return value;
  }
  return "/tmp";
}

absl::Status ErrnoError(absl::string_view what, const std::string& path, int error) {
  return absl::NotFoundError(absl::StrCat(what, " ", path, ": ", strerror(error)));
}

}  // namespace

absl::StatusOr<TempDir> TempDir::Create(absl::string_view prefix) {
  std::string pattern = absl::StrCat(TempRoot(), "/", prefix, ".XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    int error = errno;
    return absl::InternalError(
        absl::StrCat("cannot create a temporary folder ", pattern, ": ", strerror(error)));
  }
  return TempDir(std::move(pattern));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, "");
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

void TempDir::Remove() {
  if (path_.empty()) return;
  // Best effort: a leftover temporary folder is not worth failing a run for.
  std::error_code ignored;
  fs::remove_all(path_, ignored);
  path_.clear();
}

absl::StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot open", path, errno);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return ErrnoError("cannot read", path, errno);
  return bytes;
}

absl::StatusOr<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot open", path, errno);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return ErrnoError("cannot read", path, errno);
  return text;
}

absl::StatusOr<std::vector<std::string>> ExpandWastPaths(absl::Span<const std::string> paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return absl::NotFoundError(absl::StrCat("no such file or folder: ", path));
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> inside;
    for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
      const fs::path& entry = it->path();
      if (entry.extension() == ".wast" && !fs::is_directory(it->status())) {
        inside.push_back(entry.string());
      }
    }
    if (error) {
      return absl::NotFoundError(absl::StrCat("cannot list ", path, ": ", error.message()));
    }
    if (inside.empty()) return absl::NotFoundError(absl::StrCat("no .wast file in ", path));
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  return files;
}

std::vector<std::string> RunfilesCoreWastFiles() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  if (srcdir == nullptr) return {};
  const std::string dir = (std::filesystem::path(srcdir) / "spec_testsuite" / "core").string();
  absl::StatusOr<std::vector<std::string>> files = ExpandWastPaths({dir});
  return files.ok() ? *std::move(files) : std::vector<std::string>();
}

std::string WastTestName(const std::string& path) {
  std::string name = std::filesystem::path(path).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace wasm::spec
