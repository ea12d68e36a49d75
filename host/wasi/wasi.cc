#include "host/wasi/wasi.h"

#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace wasm::wasi {
namespace {

using api::Value;

// WASI errno values.
constexpr int32_t kSuccess = 0;
constexpr int32_t kBadf = 8;
constexpr int32_t kFault = 21;
constexpr int32_t kInval = 28;
constexpr int32_t kIo = 29;
constexpr int32_t kNosys = 52;
constexpr int32_t kSpipe = 70;

// Filetypes (fdstat / filestat).
constexpr uint8_t kCharacterDevice = 2;

}  // namespace

struct Wasi::State {
  WasiOptions options;
  std::optional<api::Memory> memory;
  std::optional<uint32_t> exit_code;
};

namespace {

using State = Wasi::State;
using Result = absl::StatusOr<std::vector<Value>>;

Result Errno(int32_t e) { return std::vector<Value>{Value::I32(e)}; }

// The instance's memory, as a fresh view (it may have grown).
class Memory {
 public:
  explicit Memory(const State& s) : view_(s.memory->Buffer()) {}
  bool U32(uint32_t at, uint32_t* out) const {
    absl::StatusOr<uint32_t> v = view_.GetUint32(at);
    if (!v.ok()) return false;
    *out = *v;
    return true;
  }
  bool PutU32(uint32_t at, uint32_t v) const { return view_.SetUint32(at, v).ok(); }
  bool PutU64(uint32_t at, uint64_t v) const { return view_.SetUint64(at, v).ok(); }
  bool PutU8(uint32_t at, uint8_t v) const { return view_.SetUint8(at, v).ok(); }
  // [at, at + n) of the memory, or nullptr when it is not all inside.
  uint8_t* Bytes(uint32_t at, uint32_t n) const {
    absl::StatusOr<absl::Span<uint8_t>> all = view_.Bytes();
    if (!all.ok() || uint64_t{at} + n > all->size()) return nullptr;
    return all->data() + at;
  }

 private:
  api::MemoryBuffer view_;
};

uint32_t Arg(absl::Span<const Value> a, size_t i) { return static_cast<uint32_t>(a[i].i32()); }

// The standard streams only (no preopens yet).
int HostFd(const State& s, uint32_t fd) {
  switch (fd) {
    case 0: return s.options.stdin_fd;
    case 1: return s.options.stdout_fd;
    case 2: return s.options.stderr_fd;
    default: return -1;
  }
}

// args_get / environ_get: pointers into one buffer of NUL-terminated strings.
Result PutStrings(const State& s, const std::vector<std::string>& strings, uint32_t ptrs,
                  uint32_t buf) {
  Memory m(s);
  for (const std::string& str : strings) {
    uint8_t* dst = m.Bytes(buf, static_cast<uint32_t>(str.size() + 1));
    if (dst == nullptr || !m.PutU32(ptrs, buf)) return Errno(kFault);
    std::memcpy(dst, str.c_str(), str.size() + 1);
    ptrs += 4;
    buf += static_cast<uint32_t>(str.size() + 1);
  }
  return Errno(kSuccess);
}

Result PutSizes(const State& s, const std::vector<std::string>& strings, uint32_t count_ptr,
                uint32_t size_ptr) {
  uint64_t bytes = 0;
  for (const std::string& str : strings) bytes += str.size() + 1;
  Memory m(s);
  if (!m.PutU32(count_ptr, static_cast<uint32_t>(strings.size())) ||
      !m.PutU32(size_ptr, static_cast<uint32_t>(bytes))) {
    return Errno(kFault);
  }
  return Errno(kSuccess);
}

std::vector<std::string> EnvStrings(const State& s) {
  std::vector<std::string> out;
  for (const auto& [k, v] : s.options.env) out.push_back(absl::StrCat(k, "=", v));
  return out;
}

// fd_read / fd_write over an iovec array.
Result Transfer(const State& s, absl::Span<const Value> a, bool write) {
  const int fd = HostFd(s, Arg(a, 0));
  if (fd < 0) return Errno(kBadf);
  if (write == (Arg(a, 0) == 0)) return Errno(kBadf);  // stdin read-only, stdout/err write-only
  Memory m(s);
  const uint32_t iovs = Arg(a, 1), count = Arg(a, 2), done_ptr = Arg(a, 3);
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t base, len;
    if (!m.U32(iovs + 8 * i, &base) || !m.U32(iovs + 8 * i + 4, &len)) return Errno(kFault);
    uint8_t* p = m.Bytes(base, len);
    if (p == nullptr) return Errno(kFault);
    size_t off = 0;
    while (off < len) {
      const ssize_t n = write ? ::write(fd, p + off, len - off) : ::read(fd, p + off, len - off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Errno(kIo);
      if (n == 0) break;
      off += static_cast<size_t>(n);
      if (!write) break;  // a read returns what is there
    }
    total += off;
    if (off < len) break;
  }
  if (!m.PutU32(done_ptr, static_cast<uint32_t>(total))) return Errno(kFault);
  return Errno(kSuccess);
}

bool ClockId(uint32_t id, clockid_t* out) {
  switch (id) {
    case 0: *out = CLOCK_REALTIME; return true;
    case 1: *out = CLOCK_MONOTONIC; return true;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

using Handler = Result (*)(State&, absl::Span<const Value>);

Result ArgsGet(State& s, absl::Span<const Value> a) { return PutStrings(s, s.options.args, Arg(a, 0), Arg(a, 1)); }
Result ArgsSizesGet(State& s, absl::Span<const Value> a) { return PutSizes(s, s.options.args, Arg(a, 0), Arg(a, 1)); }
Result EnvironGet(State& s, absl::Span<const Value> a) { return PutStrings(s, EnvStrings(s), Arg(a, 0), Arg(a, 1)); }
Result EnvironSizesGet(State& s, absl::Span<const Value> a) { return PutSizes(s, EnvStrings(s), Arg(a, 0), Arg(a, 1)); }
Result FdWrite(State& s, absl::Span<const Value> a) { return Transfer(s, a, true); }
Result FdRead(State& s, absl::Span<const Value> a) { return Transfer(s, a, false); }

Result ClockResGet(State& s, absl::Span<const Value> a) {
  clockid_t id;
  if (!ClockId(Arg(a, 0), &id)) return Errno(kInval);
  struct timespec ts;
  clock_getres(id, &ts);
  if (!Memory(s).PutU64(Arg(a, 1), uint64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec)) return Errno(kFault);
  return Errno(kSuccess);
}

Result ClockTimeGet(State& s, absl::Span<const Value> a) {
  clockid_t id;
  if (!ClockId(Arg(a, 0), &id)) return Errno(kInval);
  struct timespec ts;
  clock_gettime(id, &ts);
  if (!Memory(s).PutU64(Arg(a, 2), uint64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec)) return Errno(kFault);
  return Errno(kSuccess);
}

Result RandomGet(State& s, absl::Span<const Value> a) {
  uint8_t* p = Memory(s).Bytes(Arg(a, 0), Arg(a, 1));
  if (p == nullptr) return Errno(kFault);
  for (uint32_t done = 0; done < Arg(a, 1);) {
    const ssize_t n = getrandom(p + done, Arg(a, 1) - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno(kIo);
    done += static_cast<uint32_t>(n);
  }
  return Errno(kSuccess);
}

Result FdClose(State& s, absl::Span<const Value> a) {
  return Errno(HostFd(s, Arg(a, 0)) < 0 ? kBadf : kSuccess);  // the streams stay open
}

Result FdFdstatGet(State& s, absl::Span<const Value> a) {
  if (HostFd(s, Arg(a, 0)) < 0) return Errno(kBadf);
  Memory m(s);
  const uint32_t p = Arg(a, 1);
  // filetype u8, flags u16, rights_base u64 @8, rights_inheriting u64 @16.
  if (m.Bytes(p, 24) == nullptr) return Errno(kFault);
  std::memset(m.Bytes(p, 24), 0, 24);
  m.PutU8(p, kCharacterDevice);
  m.PutU64(p + 8, Arg(a, 0) == 0 ? 0x2 /* fd_read */ : 0x40 /* fd_write */);
  return Errno(kSuccess);
}

Result FdFilestatGet(State& s, absl::Span<const Value> a) {
  if (HostFd(s, Arg(a, 0)) < 0) return Errno(kBadf);
  Memory m(s);
  uint8_t* p = m.Bytes(Arg(a, 1), 64);
  if (p == nullptr) return Errno(kFault);
  std::memset(p, 0, 64);
  p[16] = kCharacterDevice;  // dev u64, ino u64, filetype u8 @16, ...
  return Errno(kSuccess);
}

Result FdSeek(State& s, absl::Span<const Value> a) {
  return Errno(HostFd(s, Arg(a, 0)) < 0 ? kBadf : kSpipe);
}
Result FdTell(State& s, absl::Span<const Value> a) {
  return Errno(HostFd(s, Arg(a, 0)) < 0 ? kBadf : kSpipe);
}
Result FdPrestatGet(State&, absl::Span<const Value>) { return Errno(kBadf); }  // no preopens yet
Result FdPrestatDirName(State&, absl::Span<const Value>) { return Errno(kBadf); }
Result SchedYield(State&, absl::Span<const Value>) {
  sched_yield();
  return Errno(kSuccess);
}

Result ProcExit(State& s, absl::Span<const Value> a) {
  s.exit_code = Arg(a, 0);
  // Unwinds the wasm stack (a host error is a trap for wasm code); the host
  // sees exit_code() set.
  return absl::CancelledError(absl::StrCat("proc_exit(", Arg(a, 0), ")"));
}

// poll_oneoff for clock subscriptions: sleeps until the earliest; other
// subscriptions are not supported (ENOSYS).
Result PollOneoff(State& s, absl::Span<const Value> a) {
  Memory m(s);
  const uint32_t in = Arg(a, 0), out = Arg(a, 1), n = Arg(a, 2), nevents = Arg(a, 3);
  if (n == 0) return Errno(kInval);
  uint64_t earliest = ~uint64_t{0};
  uint64_t userdata = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t* sub = m.Bytes(in + 48 * i, 48);  // userdata u64, tag u8 @8, clock: id u32 @16, timeout u64 @24, precision @32, flags u16 @40
    if (sub == nullptr) return Errno(kFault);
    if (sub[8] != 0) return Errno(kNosys);
    uint64_t timeout;
    uint16_t flags;
    std::memcpy(&timeout, sub + 24, 8);
    std::memcpy(&flags, sub + 40, 2);
    if (flags & 1) {  // absolute: relative to the clock's now
      uint32_t id;
      std::memcpy(&id, sub + 16, 4);
      clockid_t cid;
      if (!ClockId(id, &cid)) return Errno(kInval);
      struct timespec now;
      clock_gettime(cid, &now);
      const uint64_t now_ns = uint64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
      timeout = timeout > now_ns ? timeout - now_ns : 0;
    }
    if (timeout < earliest) {
      earliest = timeout;
      std::memcpy(&userdata, sub, 8);
    }
  }
  struct timespec ts = {static_cast<time_t>(earliest / 1000000000), static_cast<long>(earliest % 1000000000)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
  uint8_t* ev = m.Bytes(out, 32);  // userdata u64, error u16 @8, type u8 @10
  if (ev == nullptr) return Errno(kFault);
  std::memset(ev, 0, 32);
  std::memcpy(ev, &userdata, 8);
  if (!m.PutU32(nevents, 1)) return Errno(kFault);
  return Errno(kSuccess);
}

struct Entry {
  const char* name;
  const char* signature;  // params ":" results; i = i32, I = i64
  Handler handler;
};

constexpr Entry kFunctions[] = {
    {"args_get", "ii:i", ArgsGet},
    {"args_sizes_get", "ii:i", ArgsSizesGet},
    {"environ_get", "ii:i", EnvironGet},
    {"environ_sizes_get", "ii:i", EnvironSizesGet},
    {"clock_res_get", "ii:i", ClockResGet},
    {"clock_time_get", "iIi:i", ClockTimeGet},
    {"random_get", "ii:i", RandomGet},
    {"fd_write", "iiii:i", FdWrite},
    {"fd_read", "iiii:i", FdRead},
    {"fd_close", "i:i", FdClose},
    {"fd_fdstat_get", "ii:i", FdFdstatGet},
    {"fd_filestat_get", "ii:i", FdFilestatGet},
    {"fd_seek", "iIii:i", FdSeek},
    {"fd_tell", "ii:i", FdTell},
    {"fd_prestat_get", "ii:i", FdPrestatGet},
    {"fd_prestat_dir_name", "iii:i", FdPrestatDirName},
    {"sched_yield", ":i", SchedYield},
    {"proc_exit", "i:", ProcExit},
    {"poll_oneoff", "iiii:i", PollOneoff},
};

FuncType ParseSignature(absl::string_view sig) {
  FuncType type;
  bool results = false;
  for (char c : sig) {
    if (c == ':') {
      results = true;
      continue;
    }
    (results ? type.results : type.params).push_back(c == 'I' ? ValType::kI64 : ValType::kI32);
  }
  return type;
}

}  // namespace

Wasi::Wasi(WasiOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

Wasi::~Wasi() = default;

void Wasi::Define(const api::Module& module, api::ImportObject* imports) {
  for (const Import& import : module.module()->imports) {
    if (import.module != kModuleName || import.kind != ExternKind::kFunc) continue;
    FuncType type = module.module()->types[import.func_type];
    Handler handler = nullptr;
    for (const Entry& e : kFunctions) {
      if (import.name != e.name) continue;
      handler = e.handler;
      // Defined with WASI's signature: a module that declares another one
      // gets the link error "incompatible import type" naming both.
      type = ParseSignature(e.signature);
    }
    std::shared_ptr<State> state = state_;
    const bool returns_errno = type.results.size() == 1 && type.results[0] == ValType::kI32;
    imports->Define(kModuleName, import.name,
                    api::Function::Host(type, [state, handler, returns_errno, type](
                                                  absl::Span<const Value> args) -> Result {
                      if (!state->memory.has_value()) {
                        return absl::FailedPreconditionError("WASI called before Wasi::Attach");
                      }
                      if (handler == nullptr) {
                        // Not implemented: ENOSYS in the module's own signature.
                        std::vector<Value> results;
                        for (ValType t : type.results) results.push_back(Value::FromBits(t, 0));
                        if (returns_errno) results[0] = Value::I32(kNosys);
                        return results;
                      }
                      return handler(*state, args);
                    }));
  }
}

absl::Status Wasi::Attach(const api::Instance& instance) {
  absl::StatusOr<api::Memory> memory = instance.GetMemory("memory");
  if (!memory.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("a WASI module must export its memory as \"memory\": ", memory.status().message()));
  }
  state_->memory = *std::move(memory);
  return absl::OkStatus();
}

std::optional<uint32_t> Wasi::exit_code() const { return state_->exit_code; }

}  // namespace wasm::wasi
