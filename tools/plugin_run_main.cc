// plugin-run: runs a WebAssembly module in a sandboxed worker. See --help.
#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "host/api/errors.h"
#include "host/api/instance.h"
#include "host/api/sandbox.h"
#include "host/wasi/wasi.h"
#include "runtime/text/wat.h"
#include "tools/plugin_run_values.h"

namespace wasm::plugin_run {
namespace {

constexpr char kVersion[] = "plugin-run 0.4.0 (wasm-plugin-host)";

// Exit codes, as --help lists them.
enum Exit : int {
  kOk = 0,
  kTrap = 1,      // the wasm code trapped
  kUsage = 2,     // bad flags or arguments, unknown export
  kLoad = 3,      // the file cannot be read, compiled or linked
  kLimit = 4,     // a limit was hit (--timeout)
  kSandbox = 5,   // the sandbox failed (the worker crashed or could not start)
};

constexpr char kHelp[] = R"(Usage: plugin-run [OPTIONS] FILE [ARGS...]

Runs a WebAssembly module (.wasm, or .wat text) in a seccomp-confined worker
process. Without --invoke it runs a WASI command: `_start`, with ARGS as its
arguments, stdin / stdout / stderr passed through, and proc_exit's code as
plugin-run's exit code; a module without `_start` gets its exports listed and
exit code 2. WASI (wasi_snapshot_preview1) is served by this process; the
worker only sees its IPC channel.

Options:
  --invoke NAME       call the export NAME with ARGS, parsed by its signature
                      (i32 / i64: decimal or 0x hex; f32 / f64: decimals, hex
                      floats, inf, -inf, nan, nan:0x...); results are printed
                      one per line
  --dir HOST[::GUEST] give a WASI program the directory HOST, as GUEST
                      (default: the same path); paths cannot leave it
                      ("..", absolute paths and symlinks are refused)
  --env KEY=VALUE     an environment variable for a WASI program (repeatable)
  --preload NAME=FILE instantiate FILE first (in its own worker) and let the
                      main module import its exports as NAME.* (repeatable;
                      functions, memories and globals link across workers)
  --timeout DURATION  stop a call that runs longer (e.g. 2s, 500ms; default
                      60s): the wasm code is interrupted (exit code 4)
  --max-memory SIZE   cap each linear memory (e.g. 64MiB): memory.grow past
                      it returns -1, a larger initial memory fails to load
  --tier TIER         the JIT tier that compiles FILE and the --preload
                      modules: tiered (default: the baseline tier's code at
                      once, the optimising compiler's installed when it is
                      ready, compiled in the background), optimizing (the
                      fastest code from the first call, the longest
                      compile) or baseline (a one-pass compiler alone:
                      compiles several times faster, slower code)
  --stats             print compile, instantiate and run times and the
                      peak RSS of the broker and the worker on stderr,
                      and the JIT's state (tiered: whether the optimised
                      code is installed yet)
  --help              this text
  --version           the version

An option's value may also follow an equals sign: --tier=baseline.

Exit codes:
  0  success            3  load error (missing file, not wasm, invalid module,
  1  trap               link error)
  2  usage error        4  limit exceeded (--timeout)
                        5  sandbox failure (worker crashed)

Examples:
  plugin-run --invoke add math.wasm 1 2
  plugin-run --invoke fac --timeout 2s fac.wat 20
  plugin-run --tier=baseline --invoke fac fac.wat 20
  plugin-run --env GREETING=hi hello.wasm a b
  plugin-run --dir ./data::/data tool.wasm /data/input.txt
  plugin-run --preload math=math.wasm --invoke main app.wat

A preloaded module's table cannot be imported (tables live in one worker).
)";

int Fail(int code, absl::string_view message) {
  std::fprintf(stderr, "plugin-run: error: %s\n", std::string(message).c_str());
  return code;
}

// A failed call or instantiation: trap, limit, or a dead sandbox.
int RuntimeFailure(const absl::Status& status) {
  const std::string message(status.message());
  if (api::TrapKindOf(status) == TrapKind::kInterrupted) {
    std::fprintf(stderr, "plugin-run: limit: %s (ran past --timeout)\n", message.c_str());
    return kLimit;
  }
  if (absl::StartsWith(message, "deadline exceeded")) return Fail(kLimit, message);
  if (absl::StartsWith(message, "worker ") || absl::StartsWith(message, "no worker") ||
      absl::StartsWith(message, "no sandbox")) {
    return Fail(kSandbox, message);
  }
  if (api::GetErrorClass(status) == api::ErrorClass::kLinkError) return Fail(kLoad, message);
  if (api::GetErrorClass(status) == api::ErrorClass::kRuntimeError) {
    std::fprintf(stderr, "plugin-run: trap: %s\n", message.c_str());
    return kTrap;
  }
  return Fail(kUsage, message);
}

std::string Describe(const FuncType& type) { return type.ToString(); }

// "65536", "64KiB", "16MiB", "1GiB" (also K / M / G and KB / MB / GB as
// powers of 1024) -> bytes.
std::optional<uint64_t> ParseSize(absl::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  uint64_t value = 0;
  if (digits == 0 || !absl::SimpleAtoi(text.substr(0, digits), &value)) return std::nullopt;
  const std::string unit = absl::AsciiStrToLower(text.substr(digits));
  uint64_t scale = 1;
  if (unit == "" || unit == "b") scale = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") scale = uint64_t{1} << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") scale = uint64_t{1} << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") scale = uint64_t{1} << 30;
  else return std::nullopt;
  if (value > (uint64_t{1} << 40) / scale) return std::nullopt;
  return value * scale;
}

// FILE (.wasm, or .wat text) compiled; errors start with the path.
absl::StatusOr<api::Module> Load(const std::string& path, const api::CompileOptions& options) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the file (", std::strerror(errno), ")"));
  }
  struct stat st;
  if (fstat(fileno(file), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fclose(file);
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a regular file"));
  }
  std::vector<uint8_t> bytes;
  uint8_t buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return absl::DataLossError(absl::StrCat(path, ": cannot read the file"));
  const bool binary = bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' &&
                      bytes[3] == 'm';
  if (!binary) {
    if (!absl::EndsWith(path, ".wat") && !absl::EndsWith(path, ".wast")) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": not a WebAssembly module (no \\0asm header, not .wat)"));
    }
    absl::StatusOr<std::vector<uint8_t>> parsed =
        text::ParseWatWithNames(absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ":", parsed.status().message()));
    bytes = *std::move(parsed);
  }
  absl::StatusOr<api::Module> module = api::Module::Compile(bytes, options);
  if (!module.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", module.status().message()));
  return module;
}

// Every export of `instance` under `name` in `imports` (--preload).
absl::Status Register(const std::string& name, const api::Instance& instance,
                      api::ImportObject* imports) {
  for (const api::ExportDescriptor& e : instance.module().Exports()) {
    switch (e.kind) {
      case ExternKind::kFunc: {
        absl::StatusOr<api::Function> f = instance.GetFunction(e.name);
        if (!f.ok()) return f.status();
        imports->Define(name, e.name, *f);
        break;
      }
      case ExternKind::kMemory: {
        absl::StatusOr<api::Memory> m = instance.GetMemory(e.name);
        if (!m.ok()) return m.status();
        imports->Define(name, e.name, *m);
        break;
      }
      case ExternKind::kGlobal: {
        absl::StatusOr<api::Global> g = instance.GetGlobal(e.name);
        if (!g.ok()) return g.status();
        imports->Define(name, e.name, *g);
        break;
      }
      case ExternKind::kTable: {
        absl::StatusOr<api::Table> t = instance.GetTable(e.name);
        if (!t.ok()) return t.status();
        imports->Define(name, e.name, *t);
        break;
      }
    }
  }
  return absl::OkStatus();
}

int Run(int argc, char** argv) {
  std::optional<std::string> invoke;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<wasi::Preopen> dirs;
  std::vector<std::pair<std::string, std::string>> preloads;
  std::optional<uint64_t> max_memory;
  absl::Duration timeout = absl::Seconds(60);
  api::CompileOptions compile_options;
  bool stats = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    // --flag=VALUE is --flag VALUE (for the flags that take one).
    std::optional<std::string> inline_value;
    if (const size_t eq = arg.find('='); absl::StartsWith(arg, "--") && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    const bool takes_value = arg == "--invoke" || arg == "--timeout" || arg == "--env" ||
                             arg == "--dir" || arg == "--preload" || arg == "--max-memory" ||
                             arg == "--tier";
    if (inline_value.has_value() && !takes_value) {
      return Fail(kUsage, absl::StrCat("unknown option ", argv[i], " (see --help)"));
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(kHelp, stdout);
      return kOk;
    }
    if (arg == "--version") {
      std::printf("%s\n", kVersion);
      return kOk;
    }
    if (arg == "--stats") {
      stats = true;
      continue;
    }
    if (takes_value) {
      if (!inline_value.has_value() && i + 1 >= argc) {
        return Fail(kUsage, absl::StrCat(arg, " needs a value (see --help)"));
      }
      const std::string value = inline_value.has_value() ? *inline_value : argv[++i];
      if (arg == "--invoke") {
        invoke = value;
      } else if (arg == "--tier") {
        if (value == "tiered") {
          compile_options.tier = api::Tier::kTiered;
        } else if (value == "optimizing") {
          compile_options.tier = api::Tier::kOptimizing;
        } else if (value == "baseline") {
          compile_options.tier = api::Tier::kBaseline;
        } else {
          return Fail(kUsage, absl::StrCat("--tier: expected tiered, optimizing or baseline, got \"",
                                           value, "\""));
        }
      } else if (arg == "--dir") {
        // HOST[::GUEST]
        const size_t sep = value.find("::");
        wasi::Preopen p;
        p.host_path = value.substr(0, sep);
        p.guest_path = sep == std::string::npos ? value : value.substr(sep + 2);
        if (p.host_path.empty() || p.guest_path.empty()) {
          return Fail(kUsage, absl::StrCat("--dir: expected HOST[::GUEST], got \"", value, "\""));
        }
        dirs.push_back(std::move(p));
      } else if (arg == "--max-memory") {
        max_memory = ParseSize(value);
        if (!max_memory.has_value()) {
          return Fail(kUsage, absl::StrCat("--max-memory: not a size: \"", value, "\" (e.g. 64MiB)"));
        }
      } else if (arg == "--preload") {
        const size_t eq = value.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
          return Fail(kUsage, absl::StrCat("--preload: expected NAME=FILE, got \"", value, "\""));
        }
        preloads.emplace_back(value.substr(0, eq), value.substr(eq + 1));
      } else if (arg == "--env") {
        const size_t eq = value.find('=');
        if (eq == std::string::npos || eq == 0) {
          return Fail(kUsage, absl::StrCat("--env: expected KEY=VALUE, got \"", value, "\""));
        }
        env.emplace_back(value.substr(0, eq), value.substr(eq + 1));
      } else if (!absl::ParseDuration(value, &timeout) || timeout <= absl::ZeroDuration()) {
        return Fail(kUsage, absl::StrCat("--timeout: not a duration: \"", value, "\" (e.g. 2s, 500ms)"));
      }
      continue;
    }
    if (arg == "--") {
      ++i;
      break;
    }
    if (absl::StartsWith(arg, "-") && arg != "-") {
      return Fail(kUsage, absl::StrCat("unknown option ", arg, " (see --help)"));
    }
    break;
  }
  if (i >= argc) return Fail(kUsage, "no FILE given (see --help)");
  const std::string path = argv[i++];
  std::vector<std::string> args(argv + i, argv + argc);

  const absl::Time t0 = absl::Now();
  absl::StatusOr<api::Module> module = Load(path, compile_options);
  if (!module.ok()) return Fail(kLoad, module.status().message());
  const absl::Time t1 = absl::Now();

  // Which export to call, with which arguments.
  const std::string name = invoke.value_or("_start");
  const Export* target = nullptr;
  for (const Export& e : module->module()->exports) {
    if (e.name == name && e.kind == ExternKind::kFunc) target = &e;
  }
  if (target == nullptr) {
    std::vector<std::string> listing;
    for (const Export& e : module->module()->exports) {
      listing.push_back(e.kind == ExternKind::kFunc
                            ? absl::StrCat("  ", e.name, ": func ", Describe(module->module()->FunctionType(e.index)))
                            : absl::StrCat("  ", e.name, ": ", ExternKindName(e.kind)));
    }
    std::fprintf(stderr, "%s exports:\n%s\n", path.c_str(),
                 listing.empty() ? "  (none)" : absl::StrJoin(listing, "\n").c_str());
    return Fail(kUsage, invoke.has_value()
                            ? absl::StrCat("no exported function \"", name, "\"")
                            : "the module has no _start export; choose one with --invoke NAME");
  }
  const FuncType& type = module->module()->FunctionType(target->index);
  bool uses_wasi = false;
  for (const Import& import : module->module()->imports) {
    if (import.module == wasi::kModuleName) uses_wasi = true;
  }
  const bool command = !invoke.has_value();
  std::vector<std::string> program_args = {path};
  if (command) {
    program_args.insert(program_args.end(), args.begin(), args.end());
    args.clear();
  }
  if (args.size() != type.params.size()) {
    return Fail(kUsage, absl::StrCat(name, " ", Describe(type), " takes ", type.params.size(),
                                     " arguments, got ", args.size()));
  }
  std::vector<api::Value> values;
  for (size_t a = 0; a < args.size(); ++a) {
    absl::StatusOr<api::Value> v = ParseValue(type.params[a], args[a]);
    if (!v.ok()) return Fail(kUsage, v.status().message());
    values.push_back(*v);
  }

  wasi::WasiOptions wasi_options;
  wasi_options.args = program_args;
  wasi_options.preopens = dirs;
  wasi_options.env = env;
  absl::StatusOr<std::unique_ptr<wasi::Wasi>> made = wasi::Wasi::Create(std::move(wasi_options));
  if (!made.ok()) return Fail(kUsage, made.status().message());
  wasi::Wasi& wasi = **made;
  api::SandboxOptions sandbox;
  sandbox.call_deadline = timeout;
  sandbox.max_memory_bytes = max_memory;
  if (absl::Status s = api::ConfigureSandbox(sandbox); !s.ok()) {
    return Fail(kSandbox, s.message());
  }
  api::ImportObject imports;
  // --preload: each module instantiated (in its own worker) with what the
  // earlier ones export, then registered under its NAME.
  std::vector<api::Instance> preloaded;
  for (const auto& [preload_name, preload_path] : preloads) {
    absl::StatusOr<api::Module> lib = Load(preload_path, compile_options);
    if (!lib.ok()) return Fail(kLoad, lib.status().message());
    absl::StatusOr<api::Instance> lib_instance = api::Instance::Instantiate(*lib, imports);
    if (!lib_instance.ok()) {
      // The same error (and class), with the file it is about in front.
      absl::Status located(lib_instance.status().code(),
                           absl::StrCat(preload_path, ": ", lib_instance.status().message()));
      lib_instance.status().ForEachPayload(
          [&](absl::string_view url, const absl::Cord& v) { located.SetPayload(url, v); });
      return RuntimeFailure(located);
    }
    if (absl::Status s = Register(preload_name, *lib_instance, &imports); !s.ok()) {
      return Fail(kLoad, absl::StrCat(preload_path, ": ", s.message()));
    }
    preloaded.push_back(*std::move(lib_instance));
  }
  if (uses_wasi) wasi.Define(*module, &imports);
  absl::StatusOr<api::Instance> instance = api::Instance::Instantiate(*module, imports);
  if (!instance.ok()) return RuntimeFailure(instance.status());
  if (uses_wasi) {
    if (absl::Status s = wasi.Attach(*instance); !s.ok()) return Fail(kLoad, s.message());
  }
  const absl::Time t2 = absl::Now();
  absl::StatusOr<api::Function> function = instance->GetFunction(name);
  if (!function.ok()) return Fail(kUsage, function.status().message());
  absl::StatusOr<std::vector<api::Value>> results = function->Call(values);
  const absl::Time t3 = absl::Now();
  if (stats) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    absl::StatusOr<uint64_t> worker_rss = instance->WorkerPeakRssKib();
    absl::StatusOr<api::Instance::JitStatus> jit = instance->WorkerJitStatus();
    std::string jit_text = "unknown (the worker is gone)";
    if (jit.ok()) {
      switch (compile_options.tier) {
        case api::Tier::kTiered:
          // (A worker without a compile pool, on one CPU, compiles tiered
          // modules with the optimising compiler alone.)
          jit_text = jit->optimized_code_installed   ? "tiered, optimised code installed"
                     : jit->optimized_code_compiling ? "tiered, optimised code still compiling"
                                                     : "optimizing (one CPU: no background compile)";
          break;
        case api::Tier::kOptimizing: jit_text = "optimizing"; break;
        case api::Tier::kBaseline:
          jit_text = absl::StrCat("baseline (", jit->baseline_fallbacks,
                                  " functions left to the optimising compiler)");
          break;
      }
    }
    std::fprintf(stderr,
                 "plugin-run: stats: compile %.3f ms, instantiate %.3f ms (worker spawn + JIT), "
                 "run %.3f ms, peak RSS: broker %ld KiB, worker %s; JIT: %s\n",
                 absl::ToDoubleMilliseconds(t1 - t0), absl::ToDoubleMilliseconds(t2 - t1),
                 absl::ToDoubleMilliseconds(t3 - t2), usage.ru_maxrss,
                 worker_rss.ok() ? absl::StrCat(*worker_rss, " KiB").c_str()
                                 : "unknown (the worker is gone)",
                 jit_text.c_str());
  }
  std::fflush(stdout);
  if (wasi.exit_code().has_value()) return static_cast<int>(*wasi.exit_code() & 0xff);
  if (!results.ok()) return RuntimeFailure(results.status());
  for (const api::Value& v : *results) std::printf("%s\n", FormatValue(v).c_str());
  return kOk;
}

}  // namespace
}  // namespace wasm::plugin_run

int main(int argc, char** argv) { return wasm::plugin_run::Run(argc, argv); }
