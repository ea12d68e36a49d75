// The `sandbox` engine: the real path. Modules are decoded and validated in
// this process (the broker), sent to a confined worker forked from the zygote
// (sandbox/), JIT-compiled and run there; every command is an IPC request.
//
// One worker per script holds all of the script's instances, so modules that
// import each other's functions, tables and memories link inside it (a
// worker group, ../shared/DESIGN.md). The "spectest" host module is served by
// the broker: its print functions run here (CallImport), its memory and
// globals are broker-owned memfd segments the worker maps, its table is
// created in the worker on the broker's request.
#ifndef TESTS_SPEC_SANDBOX_ENGINE_H_
#define TESTS_SPEC_SANDBOX_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "host/global_segment.h"
#include "host/worker_connection.h"
#include "ipc/messages.pb.h"
#include "runtime/instance/imports.h"
#include "runtime/module.h"
#include "tests/spec/engine.h"

namespace wasm::spec {

class SandboxEngine : public Engine {
 public:
  // `tier`: the JIT tier the worker compiles every module with (engine
  // "sandbox": the optimising compiler; "sandbox-tiered": tiered, the
  // optimised code installed while the script's commands run).
  explicit SandboxEngine(ipc::LoadModule::Tier tier = ipc::LoadModule::OPTIMIZING);

  absl::string_view Name() const override {
    return tier_ == ipc::LoadModule::OPTIMIZING ? "sandbox" : "sandbox-tiered";
  }
  absl::Status Compile(std::vector<uint8_t> bytes) override;
  absl::Status Instantiate(std::vector<uint8_t> bytes,
                           const std::optional<std::string>& name) override;
  absl::Status Register(const std::optional<std::string>& name, absl::string_view as) override;
  absl::StatusOr<std::vector<Value>> Invoke(const Action& action) override;
  absl::StatusOr<Value> Get(const Action& action) override;

 private:
  const ipc::LoadModule::Tier tier_;
  struct InstanceInfo {
    uint32_t id;
    std::shared_ptr<const Module> module;
  };

  // Spawns the worker and defines the spectest objects in it.
  absl::Status Start();
  absl::StatusOr<const InstanceInfo*> Find(const std::optional<std::string>& name);

  absl::Status setup_;
  std::unique_ptr<host::WorkerConnection> worker_;
  Imports spectest_;  // the broker-side spectest objects
  std::vector<std::unique_ptr<host::GlobalSegment>> globals_;
  // (module name, field) -> what an import of it binds to.
  absl::flat_hash_map<std::pair<std::string, std::string>, ipc::ImportBinding> registry_;
  std::vector<InstanceInfo> instances_;
  absl::flat_hash_map<std::string, size_t> named_;
  std::optional<size_t> current_;
  uint32_t next_id_ = 1;
};

}  // namespace wasm::spec

#endif  // TESTS_SPEC_SANDBOX_ENGINE_H_
