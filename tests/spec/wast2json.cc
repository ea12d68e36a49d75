// Runs wast2json as a child process: posix_spawnp with an argv (no shell, so
// no quoting issues with paths), stdin from /dev/null, stdout and stderr into
// a file in the output folder.
#include "tests/spec/wast2json.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tests/spec/files.h"

extern char** environ;

namespace wasm::spec {
namespace {

// The first non-empty line of wast2json's stderr, for the failure message.
std::string FirstLine(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) return "";
  absl::string_view rest = *text;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    absl::string_view line = rest.substr(0, end);
    if (!line.empty()) return std::string(line);
    if (end == rest.npos) break;
    rest.remove_prefix(end + 1);
  }
  return "";
}

// Owns a posix_spawn_file_actions_t so every exit path destroys it.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

std::string Wast2JsonProgram() {
  const char* program = getenv("WAST2JSON");
  return program != nullptr && program[0] != '\0' ? program : "wast2json";
}

std::vector<std::string> Wast2JsonFlagsFor(absl::string_view wast_path) {
  std::filesystem::path folder = std::filesystem::path(std::string(wast_path)).parent_path();
  if (folder.filename() == "threads") return {"--enable-threads"};
  return {};
}

absl::StatusOr<std::string> RunWast2Json(const std::string& program, const std::string& wast_path,
                                         absl::Span<const std::string> flags,
                                         const std::string& out_dir) {
  const std::string json_path = absl::StrCat(out_dir, "/script.json");
  const std::string stderr_path = absl::StrCat(out_dir, "/wast2json.stderr");

  std::vector<std::string> args = {program};
  args.insert(args.end(), flags.begin(), flags.end());
  args.insert(args.end(), {wast_path, "-o", json_path});
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(actions.get(), STDERR_FILENO, STDOUT_FILENO);

  pid_t pid = 0;
  int spawn_error =
      posix_spawnp(&pid, program.c_str(), actions.get(), nullptr, argv.data(), environ);
  if (spawn_error != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot run ", program, ": ",
                                                      strerror(spawn_error),
                                                      " (set WAST2JSON to the wast2json program)"));
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid(", program, "): ", strerror(errno)));
    }
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return json_path;

  std::string first_line = FirstLine(stderr_path);
  std::string how = WIFSIGNALED(wait_status)
                        ? absl::StrCat("killed by signal ", WTERMSIG(wait_status))
                        : absl::StrCat("exit status ", WEXITSTATUS(wait_status));
  if (first_line.empty()) first_line = "(no message)";
  return absl::InvalidArgumentError(absl::StrCat("wast2json failed (", how, "): ", first_line));
}

}  // namespace wasm::spec
