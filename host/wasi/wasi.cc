#include "host/wasi/wasi.h"

#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "host/wasi/fd_table.h"

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
  explicit State(WasiOptions o)
      : options(std::move(o)), fds(options.stdin_fd, options.stdout_fd, options.stderr_fd) {}
  WasiOptions options;
  FdTable fds;
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

constexpr uint8_t kDirectory = 3;
constexpr uint8_t kRegularFile = 4;
constexpr uint8_t kSymbolicLink = 7;
constexpr int32_t kNotdir = 54;

uint8_t FileType(mode_t mode) {
  if (S_ISDIR(mode)) return kDirectory;
  if (S_ISREG(mode)) return kRegularFile;
  if (S_ISLNK(mode)) return kSymbolicLink;
  if (S_ISCHR(mode)) return kCharacterDevice;
  return 0;
}

// The path argument (ptr, len) as a string; false when outside memory.
bool PathArg(const Memory& m, uint32_t ptr, uint32_t len, std::string* out) {
  if (len > 4096) return false;
  const uint8_t* p = m.Bytes(ptr, len);
  if (p == nullptr) return false;
  out->assign(reinterpret_cast<const char*>(p), len);
  return true;
}

uint64_t Nanos(const struct timespec& t) { return uint64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }

// filestat: dev u64, ino u64, filetype u8 @16, nlink @24, size @32, atim @40,
// mtim @48, ctim @56.
bool PutFilestat(const Memory& m, uint32_t at, const struct stat& st) {
  uint8_t* p = m.Bytes(at, 64);
  if (p == nullptr) return false;
  std::memset(p, 0, 64);
  const uint64_t fields[] = {st.st_dev, st.st_ino, 0, st.st_nlink, uint64_t(st.st_size),
                             Nanos(st.st_atim), Nanos(st.st_mtim), Nanos(st.st_ctim)};
  std::memcpy(p, fields, sizeof(fields));
  p[16] = FileType(st.st_mode);
  return true;
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
  FdEntry* e = const_cast<State&>(s).fds.Get(Arg(a, 0));
  if (e == nullptr || e->directory || !(write ? e->writable : e->readable)) return Errno(kBadf);
  const int fd = e->host_fd;
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
  return Errno(s.fds.Close(Arg(a, 0)) ? kSuccess : kBadf);
}

// Rights the program may hold: everything on files and directories (the
// sandbox is the directory, not the rights bits).
constexpr uint64_t kAllRights = (uint64_t{1} << 30) - 1;

Result FdFdstatGet(State& s, absl::Span<const Value> a) {
  FdEntry* e = s.fds.Get(Arg(a, 0));
  if (e == nullptr) return Errno(kBadf);
  struct stat st;
  if (fstat(e->host_fd, &st) != 0) return Errno(WasiErrno(errno));
  Memory m(s);
  const uint32_t p = Arg(a, 1);
  // filetype u8, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16.
  uint8_t* out = m.Bytes(p, 24);
  if (out == nullptr) return Errno(kFault);
  std::memset(out, 0, 24);
  out[0] = FileType(st.st_mode);
  const int flags = fcntl(e->host_fd, F_GETFL);
  if (flags >= 0 && (flags & O_APPEND)) out[2] = 1;
  m.PutU64(p + 8, kAllRights);
  m.PutU64(p + 16, kAllRights);
  return Errno(kSuccess);
}

Result FdFilestatGet(State& s, absl::Span<const Value> a) {
  FdEntry* e = s.fds.Get(Arg(a, 0));
  if (e == nullptr) return Errno(kBadf);
  struct stat st;
  if (fstat(e->host_fd, &st) != 0) return Errno(WasiErrno(errno));
  return Errno(PutFilestat(Memory(s), Arg(a, 1), st) ? kSuccess : kFault);
}

Result Seek(State& s, uint32_t fd, int64_t offset, int whence, uint32_t out) {
  FdEntry* e = s.fds.Get(fd);
  if (e == nullptr) return Errno(kBadf);
  if (e->directory) return Errno(kBadf);
  const off_t pos = lseek(e->host_fd, offset, whence);
  if (pos < 0) return Errno(WasiErrno(errno));
  return Errno(Memory(s).PutU64(out, uint64_t(pos)) ? kSuccess : kFault);
}

Result FdSeek(State& s, absl::Span<const Value> a) {
  const uint32_t whence = Arg(a, 2);
  if (whence > 2) return Errno(kInval);
  const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  return Seek(s, Arg(a, 0), a[1].i64(), host_whence[whence], Arg(a, 3));
}

Result FdTell(State& s, absl::Span<const Value> a) { return Seek(s, Arg(a, 0), 0, SEEK_CUR, Arg(a, 1)); }

Result FdPrestatGet(State& s, absl::Span<const Value> a) {
  FdEntry* e = s.fds.Get(Arg(a, 0));
  if (e == nullptr || !e->preopen_name.has_value()) return Errno(kBadf);
  Memory m(s);
  // prestat: tag u8 (0 = dir), name_len u32 @4.
  if (!m.PutU32(Arg(a, 1), 0) || !m.PutU32(Arg(a, 1) + 4, e->preopen_name->size())) {
    return Errno(kFault);
  }
  return Errno(kSuccess);
}

Result FdPrestatDirName(State& s, absl::Span<const Value> a) {
  FdEntry* e = s.fds.Get(Arg(a, 0));
  if (e == nullptr || !e->preopen_name.has_value()) return Errno(kBadf);
  const std::string& name = *e->preopen_name;
  if (Arg(a, 2) < name.size()) return Errno(kInval);
  uint8_t* p = Memory(s).Bytes(Arg(a, 1), name.size());
  if (p == nullptr) return Errno(kFault);
  std::memcpy(p, name.data(), name.size());
  return Errno(kSuccess);
}

// The directory descriptor a path_* call names.
FdEntry* Dir(State& s, uint32_t fd) {
  FdEntry* e = s.fds.Get(fd);
  return e != nullptr && e->directory ? e : nullptr;
}

Result PathOpen(State& s, absl::Span<const Value> a) {
  FdEntry* dir = Dir(s, Arg(a, 0));
  if (dir == nullptr) return Errno(s.fds.Get(Arg(a, 0)) == nullptr ? kBadf : kNotdir);
  Memory m(s);
  std::string path;
  if (!PathArg(m, Arg(a, 2), Arg(a, 3), &path)) return Errno(kFault);
  const uint32_t lookup = Arg(a, 1), oflags = Arg(a, 4), fdflags = Arg(a, 7);
  const uint64_t rights = static_cast<uint64_t>(a[5].i64());
  const bool want_read = (rights & 0x2) != 0;                 // fd_read
  const bool want_write = (rights & (0x40 | 0x200000)) != 0;  // fd_write, path_filestat_set_size
  int flags = 0;
  if (oflags & 2) {
    flags = O_RDONLY | O_DIRECTORY;
  } else {
    flags = want_write ? (want_read ? O_RDWR : O_WRONLY) : O_RDONLY;
  }
  if (oflags & 1) flags |= O_CREAT;
  if (oflags & 4) flags |= O_EXCL;
  if (oflags & 8) flags |= O_TRUNC;
  if (fdflags & 1) flags |= O_APPEND;
  if (fdflags & 4) flags |= O_NONBLOCK;
  const int fd = s.fds.OpenBeneath(dir->host_fd, path, flags, 0644, (lookup & 1) != 0);
  if (fd < 0) {
    // A directory opened without O_DIRECTORY: open it as one (WASI allows it).
    if (fd == -EISDIR && !(oflags & 2)) {
      const int dfd = s.fds.OpenBeneath(dir->host_fd, path, O_RDONLY | O_DIRECTORY, 0, (lookup & 1) != 0);
      if (dfd >= 0) {
        return Errno(m.PutU32(Arg(a, 8), s.fds.Insert(FdEntry{dfd, true, true, std::nullopt, true, false}))
                         ? kSuccess : kFault);
      }
    }
    return Errno(WasiErrno(-fd));
  }
  struct stat st;
  const bool is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
  const uint32_t wasi_fd = s.fds.Insert(FdEntry{fd, true, is_dir, std::nullopt,
                                                is_dir || want_read || !want_write, want_write});
  if (!m.PutU32(Arg(a, 8), wasi_fd)) {
    s.fds.Close(wasi_fd);
    return Errno(kFault);
  }
  return Errno(kSuccess);
}

Result PathFilestatGet(State& s, absl::Span<const Value> a) {
  FdEntry* dir = Dir(s, Arg(a, 0));
  if (dir == nullptr) return Errno(kBadf);
  Memory m(s);
  std::string path;
  if (!PathArg(m, Arg(a, 2), Arg(a, 3), &path)) return Errno(kFault);
  const int fd = s.fds.OpenBeneath(dir->host_fd, path, O_PATH, 0, (Arg(a, 1) & 1) != 0);
  if (fd < 0) return Errno(WasiErrno(-fd));
  struct stat st;
  const int r = fstat(fd, &st);
  const int saved = errno;
  close(fd);
  if (r != 0) return Errno(WasiErrno(saved));
  return Errno(PutFilestat(m, Arg(a, 4), st) ? kSuccess : kFault);
}

// mkdir / rmdir / unlink on the last component, in a parent opened beneath.
Result OnLastComponent(State& s, absl::Span<const Value> a, int (*op)(int, const char*)) {
  FdEntry* dir = Dir(s, Arg(a, 0));
  if (dir == nullptr) return Errno(kBadf);
  Memory m(s);
  std::string path;
  if (!PathArg(m, Arg(a, 1), Arg(a, 2), &path)) return Errno(kFault);
  auto [parent, last] = s.fds.OpenParent(dir->host_fd, path);
  if (parent < 0) return Errno(WasiErrno(-parent));
  const int r = op(parent, last.c_str());
  const int saved = errno;
  close(parent);
  return Errno(r == 0 ? kSuccess : WasiErrno(saved));
}

Result PathCreateDirectory(State& s, absl::Span<const Value> a) {
  return OnLastComponent(s, a, [](int d, const char* n) { return mkdirat(d, n, 0755); });
}
Result PathRemoveDirectory(State& s, absl::Span<const Value> a) {
  return OnLastComponent(s, a, [](int d, const char* n) { return unlinkat(d, n, AT_REMOVEDIR); });
}
Result PathUnlinkFile(State& s, absl::Span<const Value> a) {
  return OnLastComponent(s, a, [](int d, const char* n) { return unlinkat(d, n, 0); });
}

Result PathRename(State& s, absl::Span<const Value> a) {
  FdEntry* from_dir = Dir(s, Arg(a, 0));
  FdEntry* to_dir = Dir(s, Arg(a, 3));
  if (from_dir == nullptr || to_dir == nullptr) return Errno(kBadf);
  Memory m(s);
  std::string from, to;
  if (!PathArg(m, Arg(a, 1), Arg(a, 2), &from) || !PathArg(m, Arg(a, 4), Arg(a, 5), &to)) {
    return Errno(kFault);
  }
  auto [from_parent, from_last] = s.fds.OpenParent(from_dir->host_fd, from);
  if (from_parent < 0) return Errno(WasiErrno(-from_parent));
  auto [to_parent, to_last] = s.fds.OpenParent(to_dir->host_fd, to);
  if (to_parent < 0) {
    close(from_parent);
    return Errno(WasiErrno(-to_parent));
  }
  const int r = renameat(from_parent, from_last.c_str(), to_parent, to_last.c_str());
  const int saved = errno;
  close(from_parent);
  close(to_parent);
  return Errno(r == 0 ? kSuccess : WasiErrno(saved));
}

// fd_readdir: dirent records (d_next u64, d_ino u64, d_namlen u32 @16,
// d_type u8 @20; 24 bytes) each followed by its name, from entry `cookie`
// on, cut at the buffer's end (the program sees a full buffer and asks again).
Result FdReaddir(State& s, absl::Span<const Value> a) {
  FdEntry* dir = Dir(s, Arg(a, 0));
  if (dir == nullptr) return Errno(kBadf);
  Memory m(s);
  const uint32_t buf = Arg(a, 1), len = Arg(a, 2), used_ptr = Arg(a, 4);
  const uint64_t cookie = static_cast<uint64_t>(a[3].i64());
  uint8_t* out = m.Bytes(buf, len);
  if (out == nullptr) return Errno(kFault);
  const int fd = s.fds.OpenBeneath(dir->host_fd, ".", O_RDONLY | O_DIRECTORY, 0, true);
  if (fd < 0) return Errno(WasiErrno(-fd));
  DIR* d = fdopendir(fd);
  if (d == nullptr) {
    close(fd);
    return Errno(kIo);
  }
  uint32_t used = 0;
  uint64_t index = 0;
  while (dirent* ent = readdir(d)) {
    if (index++ < cookie) continue;
    const uint32_t namlen = static_cast<uint32_t>(std::strlen(ent->d_name));
    uint8_t rec[24] = {};
    const uint64_t next = index, ino = ent->d_ino;
    std::memcpy(rec, &next, 8);
    std::memcpy(rec + 8, &ino, 8);
    std::memcpy(rec + 16, &namlen, 4);
    rec[20] = ent->d_type == DT_DIR ? kDirectory : ent->d_type == DT_REG ? kRegularFile
            : ent->d_type == DT_LNK ? kSymbolicLink : 0;
    for (uint32_t i = 0; i < 24 && used < len; ++i) out[used++] = rec[i];
    for (uint32_t i = 0; i < namlen && used < len; ++i) out[used++] = ent->d_name[i];
    if (used >= len) break;
  }
  closedir(d);
  return Errno(m.PutU32(used_ptr, used) ? kSuccess : kFault);
}
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
    {"fd_readdir", "iiiIi:i", FdReaddir},
    {"path_open", "iiiiiIIii:i", PathOpen},
    {"path_filestat_get", "iiiii:i", PathFilestatGet},
    {"path_create_directory", "iii:i", PathCreateDirectory},
    {"path_remove_directory", "iii:i", PathRemoveDirectory},
    {"path_unlink_file", "iii:i", PathUnlinkFile},
    {"path_rename", "iiiiii:i", PathRename},
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

absl::StatusOr<std::unique_ptr<Wasi>> Wasi::Create(WasiOptions options) {
  auto state = std::make_shared<State>(std::move(options));
  for (const Preopen& p : state->options.preopens) {
    absl::StatusOr<uint32_t> fd = state->fds.Preopen(p.host_path, p.guest_path);
    if (!fd.ok()) return fd.status();
  }
  return std::unique_ptr<Wasi>(new Wasi(std::move(state)));
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
