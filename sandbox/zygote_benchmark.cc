// Spawn latency from the zygote and the memory of an idle worker.
//
//   bazel run -c opt //sandbox:zygote_benchmark [-- SPAWNS]
//
// Latency: Spawn() until the worker's first reply to 'h' (fork, confinement,
// first scheduling), over SPAWNS spawns (default 500); each worker is then
// killed and reaped, outside the timed part. Memory: an idle probe worker's
// Rss and private pages (Private_Clean + Private_Dirty) from
// /proc/<host_pid>/smaps_rollup, read by the broker (needs ptrace-read access
// to a non-dumpable process: root, or CAP_SYS_PTRACE).
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "sandbox/zygote.h"

namespace {

bool Ping(const wasm::UniqueFd& channel) {
  char command = 'h';
  if (send(channel.get(), &command, 1, MSG_NOSIGNAL) != 1) return false;
  struct pollfd p = {channel.get(), POLLIN, 0};
  if (poll(&p, 1, 10000) != 1) return false;
  char reply;
  return recv(channel.get(), &reply, 1, 0) == 1 && reply == 'H';
}

// smaps_rollup fields in KiB ("Rss", "Private_Clean", ...).
std::map<std::string, long> ReadRollup(int pid) {
  std::map<std::string, long> fields;
  std::ifstream in(absl::StrCat("/proc/", pid, "/smaps_rollup"));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    long value;
    if (parts.size() >= 2 && parts[0].back() == ':' &&
        absl::SimpleAtoi(parts[1], &value)) {
      fields[parts[0].substr(0, parts[0].size() - 1)] = value;
    }
  }
  return fields;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  using wasm::sandbox::Zygote;
  int spawns = argc > 1 ? atoi(argv[1]) : 500;
  if (spawns < 1) spawns = 500;
  absl::StatusOr<std::string> path =
      wasm::sandbox::FindWorkerBinary("sandbox/testing/probe_worker");
  if (!path.ok()) {
    fprintf(stderr, "%s\n", path.status().ToString().c_str());
    return 1;
  }
  wasm::sandbox::ZygoteOptions options;
  options.worker_path = *path;
  absl::StatusOr<std::unique_ptr<Zygote>> zygote = Zygote::Start(options);
  if (!zygote.ok()) {
    fprintf(stderr, "%s\n", zygote.status().ToString().c_str());
    return 1;
  }
  printf("zygote namespaces: %s\n",
         wasm::sandbox::NamespaceNames((*zygote)->namespaces()).c_str());

  std::vector<double> micros;
  for (int i = 0; i < spawns; ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<wasm::sandbox::SpawnedWorker> worker = (*zygote)->Spawn();
    if (!worker.ok() || !Ping(worker->channel)) {
      fprintf(stderr, "spawn %d failed: %s\n", i,
              worker.ok() ? "no reply" : worker.status().ToString().c_str());
      return 1;
    }
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    (void)(*zygote)->Kill(worker->pid);
    (void)(*zygote)->Wait(worker->pid);
  }
  printf("spawn until first reply, %d spawns: p50 %.0f us, p90 %.0f us, "
         "max %.0f us\n",
         spawns, Percentile(micros, 0.5), Percentile(micros, 0.9),
         Percentile(micros, 1.0));

  absl::StatusOr<wasm::sandbox::SpawnedWorker> idle = (*zygote)->Spawn();
  if (!idle.ok() || !Ping(idle->channel)) {
    fprintf(stderr, "idle worker failed\n");
    return 1;
  }
  std::map<std::string, long> rollup = ReadRollup(idle->host_pid);
  if (rollup.empty()) {
    fprintf(stderr, "cannot read /proc/%d/smaps_rollup\n", idle->host_pid);
    return 1;
  }
  printf("idle worker (host pid %d): Rss %ld KiB, private %ld KiB "
         "(Private_Clean %ld + Private_Dirty %ld), Pss %ld KiB\n",
         idle->host_pid, rollup["Rss"],
         rollup["Private_Clean"] + rollup["Private_Dirty"],
         rollup["Private_Clean"], rollup["Private_Dirty"], rollup["Pss"]);
  return 0;
}
