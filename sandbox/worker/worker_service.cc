#include "sandbox/worker/worker_service.h"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ipc/channel.h"
#include "ipc/convert.h"
#include "ipc/messages.pb.h"
#include "runtime/instance/extern.h"
#include "runtime/instance/global_storage.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/imports.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/instance/raise_trap.h"
#include "runtime/instance/signature_registry.h"
#include "runtime/instance/table.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/validator.h"
#include "runtime/vm/linear_memory.h"
#include "runtime/vm/trap.h"
#include "runtime/vm/trap_handler.h"

namespace wasm::sandbox {
namespace {

using ipc::Envelope;

// The resolver an Instantiate request builds: the bindings by import name.
class BindingResolver : public ImportResolver {
 public:
  void Bind(const std::string& module, const std::string& name, Extern value) {
    bound_[module].insert_or_assign(name, std::move(value));
  }
  const Extern* Resolve(absl::string_view module, absl::string_view name) const override {
    auto m = bound_.find(module);
    if (m == bound_.end()) return nullptr;
    auto e = m->second.find(name);
    return e == m->second.end() ? nullptr : &e->second;
  }

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, Extern>> bound_;
};

Envelope ErrorReply(ipc::Error::Kind kind, absl::string_view message) {
  Envelope e;
  e.mutable_error()->set_kind(kind);
  e.mutable_error()->set_message(std::string(message));
  return e;
}

Envelope OkReply() {
  Envelope e;
  e.mutable_ok();
  return e;
}

// The reply for a failed instantiation or call: a trap, a link error, or
// another error.
Envelope StatusReply(const absl::Status& status) {
  switch (GetInstanceErrorKind(status)) {
    case InstanceErrorKind::kTrap: {
      Envelope e;
      const std::optional<TrapKind> kind = GetTrapKind(status);
      e.mutable_trap()->set_kind(kind.has_value() ? static_cast<uint32_t>(*kind) + 1 : 0);
      e.mutable_trap()->set_message(std::string(status.message()));
      return e;
    }
    case InstanceErrorKind::kLink:
      return ErrorReply(ipc::Error::LINK, status.message());
    default:
      if (absl::IsResourceExhausted(status)) return ErrorReply(ipc::Error::RESOURCE, status.message());
      return ErrorReply(ipc::Error::OTHER, status.message());
  }
}

// The worker's global cells (global_storage.h): one sealed memfd, mapped
// shared, handed out in order. The broker maps it to read and write exported
// globals and shares cells with other workers.
class GlobalArena {
 public:
  static constexpr size_t kBytes = 1 << 20;  // 65,536 cells

  static GlobalCell* Take(size_t count) {
    GlobalArena& a = Get();
    if (a.base_ == nullptr || count > (kBytes / sizeof(GlobalCell)) - a.used_) return nullptr;
    GlobalCell* cells = a.base_ + a.used_;
    a.used_ += count;
    return cells;
  }
  // The arena's memfd and the offset of `cell` in it, if it is one of ours.
  static std::optional<std::pair<int, uint64_t>> Locate(const GlobalCell* cell) {
    GlobalArena& a = Get();
    if (a.base_ == nullptr || cell < a.base_ || cell >= a.base_ + a.used_) return std::nullopt;
    return std::make_pair(a.fd_.get(), static_cast<uint64_t>(
        reinterpret_cast<const uint8_t*>(cell) - reinterpret_cast<const uint8_t*>(a.base_)));
  }

 private:
  static GlobalArena& Get() {
    static GlobalArena* arena = new GlobalArena();
    return *arena;
  }
  GlobalArena() {
    UniqueFd fd(memfd_create("wasm-globals", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd.valid() || ftruncate(fd.get(), kBytes) != 0 ||
        fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
      return;
    }
    void* p = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<GlobalCell*>(p);
    fd_ = std::move(fd);
  }
  UniqueFd fd_;
  GlobalCell* base_ = nullptr;
  size_t used_ = 0;
};

class WorkerService {
 public:
  WorkerService(ipc::Channel channel, ThreadPool* compile_pool)
      : channel_(std::move(channel)), compile_pool_(compile_pool) {}

  int Run() {
    while (true) {
      absl::StatusOr<ipc::Channel::Message> message = channel_.Receive();
      if (!message.ok()) return absl::IsUnavailable(message.status()) ? 0 : 1;
      if (message->envelope.has_shutdown()) return 0;
      if (message->envelope.id() == 0) return 1;  // a reply nobody asked for
      if (!Serve(*std::move(message)).ok()) return 1;
    }
  }

 private:
  // The broker may have grown one of its memories since the last message (the
  // host's Memory.grow between or inside calls): map the new pages before
  // wasm runs again, so memory.size and accesses see them.
  void CatchUpWithBrokerMemories() {
    for (LinearMemory* memory : broker_memories_) (void)memory->MapGrownPages();
  }

  // Handles one request from the broker and sends its reply.
  absl::Status Serve(ipc::Channel::Message request) {
    CatchUpWithBrokerMemories();
    Request r{std::move(request), {}};
    Envelope reply = Handle(r);
    reply.set_reply_to(r.message.envelope.id());
    return channel_.Send(reply, r.reply_fds);
  }

  // A request and the descriptors its reply carries (still owned elsewhere).
  struct Request {
    ipc::Channel::Message message;
    std::vector<int> reply_fds;
  };

  Envelope Handle(Request& request) {
    const Envelope& e = request.message.envelope;
    switch (e.body_case()) {
      case Envelope::kLoadModule: return LoadModule(e.load_module());
      case Envelope::kDefineObject: return DefineObject(e.define_object(), request.message.fds);
      case Envelope::kInstantiate: return Instantiate(e.instantiate());
      case Envelope::kCallExport: return CallExport(e.call_export());
      case Envelope::kGetGlobal: return GetGlobal(e.get_global());
      case Envelope::kTestHook: return TestHook(e.test_hook());
      case Envelope::kSetGlobal: return SetGlobal(e.set_global());
      case Envelope::kAccessTable: return AccessTable(e.access_table());
      case Envelope::kCallFuncRef: return CallFuncRef(e.call_func_ref());
      case Envelope::kExportMemory: return ExportMemory(e.export_memory(), request.reply_fds);
      case Envelope::kExportGlobal: return ExportGlobal(e.export_global(), request.reply_fds);
      case Envelope::kSetLimits: {
        const ipc::SetLimits& l = e.set_limits();
        LinearMemory::SetProcessLimitBytes(
            l.has_max_memory_bytes() ? std::optional<uint64_t>(l.max_memory_bytes()) : std::nullopt);
        return OkReply();
      }
      case Envelope::kGetStats: {
        struct rusage usage;
        getrusage(RUSAGE_SELF, &usage);
        uint64_t installed = 0, compiling = 0, fallbacks = 0;
        for (const auto& [id, code] : modules_) {
          if (code->optimized() != nullptr) {
            ++installed;
          } else if (!code->WaitForTierUp(0)) {
            ++compiling;
          }
          fallbacks += code->stats().baseline_fallbacks;
        }
        Envelope reply;
        reply.mutable_values()->add_values(static_cast<uint64_t>(usage.ru_maxrss));
        reply.mutable_values()->add_values(installed);
        reply.mutable_values()->add_values(compiling);
        reply.mutable_values()->add_values(fallbacks);
        return reply;
      }
      default:
        return ErrorReply(ipc::Error::OTHER,
                          absl::StrCat("worker: unexpected request ", static_cast<int>(e.body_case())));
    }
  }

  Envelope LoadModule(const ipc::LoadModule& request) {
    if (modules_.contains(request.module_id())) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("module ", request.module_id(), " already loaded"));
    }
    // The tier is checked before anything is decoded: proto3 enums are open,
    // so a broker (or anything on the channel) can send any number here.
    CompileOptions options{.pool = compile_pool_};
    switch (request.tier()) {
      case ipc::LoadModule::OPTIMIZING: options.tier = CompileOptions::Tier::kOptimizing; break;
      case ipc::LoadModule::BASELINE: options.tier = CompileOptions::Tier::kBaseline; break;
      case ipc::LoadModule::TIERED:
        // The background compile runs on the pool (ThreadPool::Async): a
        // confined worker cannot start a thread for it. Without a pool (one
        // CPU) the optimising compiler alone, as before tiers existed.
        options.tier = compile_pool_ != nullptr ? CompileOptions::Tier::kTiered
                                                : CompileOptions::Tier::kOptimizing;
        break;
      default:
        return ErrorReply(ipc::Error::OTHER,
                          absl::StrCat("load_module.tier ", static_cast<int>(request.tier()),
                                       " is not a known tier"));
    }
    // The broker validated these bytes; decoding them again here is how the
    // worker gets its own Module (sending the decoded form is a later step).
    std::vector<uint8_t> bytes(request.bytes().begin(), request.bytes().end());
    absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(std::move(bytes));
    if (!module.ok()) return ErrorReply(ipc::Error::COMPILE, module.status().message());
    absl::StatusOr<std::shared_ptr<const CompiledModule>> code = CompiledModule::Compile(*module, options);
    // The compiler's freed memory back to the system (madvise; see
    // worker_main.cc for why glibc does not trim the pool's arenas itself).
    if (compile_pool_ != nullptr) malloc_trim(0);
    if (!code.ok()) return ErrorReply(ipc::Error::COMPILE, code.status().message());
    modules_[request.module_id()] = *std::move(code);
    return OkReply();
  }

  Envelope DefineObject(const ipc::DefineObject& request, std::vector<UniqueFd>& fds) {
    if (objects_.contains(request.object_id())) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("object ", request.object_id(), " already defined"));
    }
    absl::StatusOr<Extern> object = MakeObject(request, fds);
    if (!object.ok()) return StatusReply(object.status());
    objects_.insert_or_assign(request.object_id(), *std::move(object));
    return OkReply();
  }

  absl::StatusOr<Extern> MakeObject(const ipc::DefineObject& request, std::vector<UniqueFd>& fds) {
    switch (request.kind_case()) {
      case ipc::DefineObject::kHostFunction: {
        absl::StatusOr<FuncType> type = ipc::FromProto(request.host_function().signature());
        if (!type.ok()) return type.status();
        const uint64_t handle = request.host_function().handle();
        const size_t params = type->params.size();
        const size_t results = type->results.size();
        absl::StatusOr<std::shared_ptr<HostFunction>> function = HostFunction::Create(
            *type, [this, handle, params, results](absl::Span<uint64_t> slots) {
              // CallImport's locals are all destroyed before RaiseTrap jumps.
              if (!CallImport(handle, slots, params, results)) RaiseTrap(TrapKind::kHostError);
              // Back to wasm: a call past its deadline stops here.
              if (TakePendingInterrupt()) RaiseTrap(TrapKind::kInterrupted);
            });
        if (!function.ok()) return function.status();
        return Extern::FromHostFunction(*std::move(function));
      }
      case ipc::DefineObject::kMemory: {
        if (fds.size() != 1) return absl::InvalidArgumentError("memory object without its memfd");
        const wasm::Limits limits = ipc::FromProto(request.memory().limits());
        absl::StatusOr<std::unique_ptr<LinearMemory>> memory = LinearMemory::MapExisting(
            std::move(fds[0]), limits.max,
            request.memory().shared() ? MemorySharing::kShared : MemorySharing::kUnshared);
        if (!memory.ok()) return memory.status();
        std::shared_ptr<LinearMemory> shared(*std::move(memory));
        broker_memories_.push_back(shared.get());
        return Extern::FromMemory(std::move(shared));
      }
      case ipc::DefineObject::kGlobal: {
        if (fds.size() != 1) return absl::InvalidArgumentError("global object without its memfd");
        absl::StatusOr<ValType> type = ipc::ValTypeFromProto(request.global().value_type());
        if (!type.ok()) return type.status();
        const uint64_t offset = request.global().offset();
        const uint64_t page_size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
        if (offset % alignof(GlobalCell) != 0) return absl::InvalidArgumentError("misaligned global cell");
        const uint64_t page_offset = offset - offset % page_size;
        void* page = mmap(nullptr, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0].get(),
                          static_cast<off_t>(page_offset));
        if (page == MAP_FAILED) return absl::ErrnoToStatus(errno, "mapping a global's cell");
        auto* cell_ptr = reinterpret_cast<GlobalCell*>(static_cast<uint8_t*>(page) + (offset - page_offset));
        std::shared_ptr<GlobalCell> cell(cell_ptr, [page, page_size](GlobalCell*) { munmap(page, page_size); });
        return Extern::FromGlobal(
            GlobalType{*type, request.global().mutable_() ? Mutability::kVar : Mutability::kConst},
            std::move(cell));
      }
      case ipc::DefineObject::kTable: {
        absl::StatusOr<ValType> type = ipc::ValTypeFromProto(request.table().element_type());
        if (!type.ok()) return type.status();
        absl::StatusOr<std::shared_ptr<Table>> table =
            Table::Create(TableType{*type, ipc::FromProto(request.table().limits())});
        if (!table.ok()) return table.status();
        return Extern::FromTable(*std::move(table));
      }
      default:
        return absl::InvalidArgumentError("object of no known kind");
    }
  }

  // A host-function import: ask the broker, serving its nested requests until
  // the answer comes. False (with pending_error_ set) when the import must
  // trap.
  bool CallImport(uint64_t handle, absl::Span<uint64_t> slots, size_t params, size_t results) {
    Envelope request;
    request.set_id(next_id_++);
    request.mutable_call_import()->set_handle(handle);
    for (size_t i = 0; i < params; ++i) request.mutable_call_import()->add_args(slots[i]);
    absl::StatusOr<Envelope> reply = Await(request);
    if (!reply.ok()) {
      pending_error_ = TrapErrorWithMessage(
          TrapKind::kHostError, absl::StrCat("host function failed: ", reply.status().message()));
      return false;
    }
    switch (reply->body_case()) {
      case Envelope::kValues:
        if (static_cast<size_t>(reply->values().values_size()) != results) {
          pending_error_ = TrapErrorWithMessage(
              TrapKind::kHostError,
              absl::StrCat("host function failed: returned ", reply->values().values_size(),
                           " values, expected ", results));
          return false;
        }
        for (size_t i = 0; i < results; ++i) slots[i] = reply->values().values(static_cast<int>(i));
        return true;
      case Envelope::kTrap: {
        // A trap further in (host -> wasm -> trap) keeps its kind and text.
        const uint32_t kind = reply->trap().kind();
        pending_error_ = TrapErrorWithMessage(
            kind >= 1 && kind <= kNumTrapKinds ? static_cast<TrapKind>(kind - 1) : TrapKind::kHostError,
            reply->trap().message());
        return false;
      }
      case Envelope::kError:
        pending_error_ = TrapErrorWithMessage(
            TrapKind::kHostError, absl::StrCat("host function failed: ", reply->error().message()));
        return false;
      default:
        pending_error_ = TrapErrorWithMessage(TrapKind::kHostError,
                                              "host function failed: unexpected reply");
        return false;
    }
  }

  // Sends `request` and serves the broker until the reply to it arrives.
  absl::StatusOr<Envelope> Await(const Envelope& request) {
    if (absl::Status sent = channel_.Send(request); !sent.ok()) return sent;
    while (true) {
      absl::StatusOr<ipc::Channel::Message> message = channel_.Receive();
      if (!message.ok()) {
        // The broker is gone or broke the protocol: nothing to return to.
        _exit(absl::IsUnavailable(message.status()) ? 0 : 1);
      }
      if (message->envelope.reply_to() != 0) {
        if (message->envelope.reply_to() != request.id()) _exit(1);
        CatchUpWithBrokerMemories();
        return std::move(message->envelope);
      }
      if (message->envelope.has_shutdown()) _exit(0);
      if (!Serve(*std::move(message)).ok()) _exit(1);
    }
  }

  absl::StatusOr<BindingResolver> Resolver(const Module& module, const ipc::Instantiate& request) {
    if (request.imports_size() != static_cast<int>(module.imports.size())) {
      return absl::InvalidArgumentError(absl::StrCat("instantiate: ", request.imports_size(),
                                                     " bindings for ", module.imports.size(),
                                                     " imports"));
    }
    BindingResolver resolver;
    for (size_t i = 0; i < module.imports.size(); ++i) {
      const Import& import = module.imports[i];
      const ipc::ImportBinding& binding = request.imports(static_cast<int>(i));
      switch (binding.target_case()) {
        case ipc::ImportBinding::kObjectId: {
          auto it = objects_.find(binding.object_id());
          if (it == objects_.end()) {
            return absl::InvalidArgumentError(absl::StrCat("no object ", binding.object_id()));
          }
          resolver.Bind(import.module, import.name, it->second);
          break;
        }
        case ipc::ImportBinding::kInstanceExport: {
          auto it = instances_.find(binding.instance_export().instance_id());
          if (it == instances_.end()) {
            return absl::InvalidArgumentError(
                absl::StrCat("no instance ", binding.instance_export().instance_id()));
          }
          std::optional<Extern> e = it->second->instance().GetExport(binding.instance_export().name());
          if (e.has_value()) resolver.Bind(import.module, import.name, *std::move(e));
          break;
        }
        default:
          break;  // unresolved: Instance::Create reports "unknown import"
      }
    }
    return resolver;
  }

  Envelope Instantiate(const ipc::Instantiate& request) {
    if (instances_.contains(request.instance_id())) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("instance ", request.instance_id(), " exists"));
    }
    auto it = modules_.find(request.module_id());
    if (it == modules_.end()) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("no module ", request.module_id()));
    }
    absl::StatusOr<BindingResolver> resolver = Resolver(it->second->module(), request);
    if (!resolver.ok()) return ErrorReply(ipc::Error::OTHER, resolver.status().message());
    absl::StatusOr<JitInstance*> instance = store_.Instantiate(it->second, *resolver);
    if (!instance.ok()) return StatusReply(Substitute(instance.status()));
    instances_[request.instance_id()] = *instance;
    return OkReply();
  }

  // A trap of kind HostError stands for the error the broker returned.
  absl::Status Substitute(const absl::Status& status) {
    if (GetTrapKind(status) == TrapKind::kHostError && !pending_error_.ok()) {
      absl::Status error = std::move(pending_error_);
      pending_error_ = absl::OkStatus();
      return error;
    }
    return status;
  }

  // The exported function `name` of instance `id` and its type.
  absl::StatusOr<std::pair<Extern, const FuncType*>> FindFunction(uint32_t id,
                                                                  const std::string& name) {
    absl::StatusOr<Extern> e = FindExport(id, name, ExternKind::kFunc);
    if (!e.ok()) return e.status();
    const Instance& instance = instances_.at(id)->instance();
    for (const Export& ex : instance.module().exports) {
      if (ex.kind == ExternKind::kFunc && ex.name == name) {
        return std::make_pair(*std::move(e), &instance.module().FunctionType(ex.index));
      }
    }
    return absl::InternalError("export without a type");
  }

  // Calls wasm; the outermost call of a nest arms the interrupt timer when
  // the broker asked for one (trap_handler.h).
  absl::StatusOr<std::vector<uint64_t>> Run(const FuncRef& f, const FuncType& type,
                                            absl::Span<const uint64_t> args,
                                            uint64_t interrupt_after_us) {
    const bool outermost = call_depth_ == 0;
    if (outermost && interrupt_after_us != 0) {
      RequestInterrupt(static_cast<int64_t>(std::min<uint64_t>(interrupt_after_us, uint64_t{1} << 40)));
    }
    ++call_depth_;
    absl::StatusOr<std::vector<uint64_t>> results = CallFunction(f, type, args);
    --call_depth_;
    if (outermost && interrupt_after_us != 0) CancelInterrupt();
    return results;
  }

  Envelope CallExport(const ipc::CallExport& request) {
    absl::StatusOr<std::pair<Extern, const FuncType*>> f =
        FindFunction(request.instance_id(), request.name());
    if (!f.ok()) return ErrorReply(ipc::Error::NOT_FOUND, f.status().message());
    const FuncType& type = *f->second;
    if (static_cast<size_t>(request.args_size()) != type.params.size()) {
      return ErrorReply(ipc::Error::OTHER,
                        absl::StrCat(request.name(), " takes ", type.params.size(),
                                     " arguments, got ", request.args_size()));
    }
    std::vector<uint64_t> args(request.args().begin(), request.args().end());
    absl::StatusOr<std::vector<uint64_t>> results =
        Run(*f->first.func(), type, args, request.interrupt_after_us());
    if (!results.ok()) return StatusReply(Substitute(results.status()));
    Envelope reply;
    reply.mutable_values();  // present even with no results
    for (uint64_t v : *results) reply.mutable_values()->add_values(v);
    return reply;
  }

  Envelope GetGlobal(const ipc::GetGlobal& request) {
    absl::StatusOr<Extern> e = FindExport(request.instance_id(), request.name(), ExternKind::kGlobal);
    if (!e.ok()) return ErrorReply(ipc::Error::NOT_FOUND, e.status().message());
    Envelope reply;
    reply.mutable_values()->add_values(e->global()->Get(e->global_type().type));
    return reply;
  }

  // The export `name` of instance `id` if it has `kind`.
  absl::StatusOr<Extern> FindExport(uint32_t id, const std::string& name, ExternKind kind) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return absl::NotFoundError(absl::StrCat("no instance ", id));
    std::optional<Extern> e = it->second->instance().GetExport(name);
    if (!e.has_value() || e->kind() != kind) {
      return absl::NotFoundError(absl::StrCat("no exported ", ExternKindName(kind), " \"", name, "\""));
    }
    return *std::move(e);
  }

  Envelope SetGlobal(const ipc::SetGlobal& request) {
    absl::StatusOr<Extern> e = FindExport(request.instance_id(), request.name(), ExternKind::kGlobal);
    if (!e.ok()) return ErrorReply(ipc::Error::NOT_FOUND, e.status().message());
    if (e->global_type().mutability != Mutability::kVar) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("global \"", request.name(), "\" is immutable"));
    }
    e->global()->Set(e->global_type().type, request.value());
    return OkReply();
  }

  // A handle for a function reference, stable for the worker's life.
  uint64_t HandleFor(uint64_t ref) {
    if (ref == 0) return 0;
    auto [it, inserted] = handles_.try_emplace(ref, refs_.size() + 1);
    if (inserted) refs_.push_back(ref);
    return it->second;
  }

  Envelope AccessTable(const ipc::AccessTable& request) {
    absl::StatusOr<Extern> e = absl::NotFoundError("no table");
    if (request.object_id() != 0) {
      auto it = objects_.find(request.object_id());
      if (it != objects_.end() && it->second.kind() == ExternKind::kTable) e = it->second;
      else e = absl::NotFoundError(absl::StrCat("no table object ", request.object_id()));
    } else {
      e = FindExport(request.instance_id(), request.name(), ExternKind::kTable);
    }
    if (!e.ok()) return ErrorReply(ipc::Error::NOT_FOUND, e.status().message());
    Table& table = *e->table();
    const bool funcref = table.elem_type() == ValType::kFuncRef;
    Envelope reply;
    switch (request.op()) {
      case ipc::AccessTable::SIZE:
        reply.mutable_values()->add_values(table.size());
        return reply;
      case ipc::AccessTable::GET: {
        absl::StatusOr<uint64_t> v = table.Get(request.index());
        if (!v.ok()) return ErrorReply(ipc::Error::RESOURCE, v.status().message());
        ipc::TableElement* out = reply.mutable_table_element();
        if (!funcref) {
          out->set_value(*v);
          return reply;
        }
        out->set_handle(HandleFor(*v));
        if (*v != 0) {
          const FuncRef* ref = reinterpret_cast<const FuncRef*>(*v);
          std::optional<FuncType> type = SignatureRegistry::Global().Lookup(ref->sig_id);
          if (type.has_value()) *out->mutable_signature() = ipc::ToProto(*type);
        }
        return reply;
      }
      case ipc::AccessTable::SET:
      case ipc::AccessTable::GROW: {
        uint64_t value = request.value();
        if (funcref && value != 0) {
          if (value > refs_.size()) {
            return ErrorReply(ipc::Error::OTHER, absl::StrCat("no function reference ", value));
          }
          value = refs_[value - 1];
        }
        if (request.op() == ipc::AccessTable::SET) {
          absl::Status s = table.Set(request.index(), value);
          if (!s.ok()) return ErrorReply(ipc::Error::RESOURCE, s.message());
          return OkReply();
        }
        absl::StatusOr<uint64_t> old = table.Grow(request.delta(), value);
        if (!old.ok()) return ErrorReply(ipc::Error::RESOURCE, old.status().message());
        reply.mutable_values()->add_values(*old);
        return reply;
      }
      default:
        return ErrorReply(ipc::Error::OTHER, "unknown table operation");
    }
  }

  Envelope CallFuncRef(const ipc::CallFuncRef& request) {
    if (request.handle() == 0 || request.handle() > refs_.size()) {
      return ErrorReply(ipc::Error::NOT_FOUND, absl::StrCat("no function reference ", request.handle()));
    }
    const FuncRef* ref = reinterpret_cast<const FuncRef*>(refs_[request.handle() - 1]);
    std::optional<FuncType> type = SignatureRegistry::Global().Lookup(ref->sig_id);
    if (!type.has_value()) return ErrorReply(ipc::Error::OTHER, "function reference without a type");
    if (static_cast<size_t>(request.args_size()) != type->params.size()) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("the function takes ", type->params.size(),
                                                        " arguments, got ", request.args_size()));
    }
    std::vector<uint64_t> args(request.args().begin(), request.args().end());
    absl::StatusOr<std::vector<uint64_t>> results =
        Run(*ref, *type, args, request.interrupt_after_us());
    if (!results.ok()) return StatusReply(Substitute(results.status()));
    Envelope reply;
    reply.mutable_values();
    for (uint64_t v : *results) reply.mutable_values()->add_values(v);
    return reply;
  }

  Envelope ExportMemory(const ipc::ExportMemory& request, std::vector<int>& reply_fds) {
    absl::StatusOr<Extern> e = FindExport(request.instance_id(), request.name(), ExternKind::kMemory);
    if (!e.ok()) return ErrorReply(ipc::Error::NOT_FOUND, e.status().message());
    const LinearMemory& memory = *e->memory();
    Envelope reply;
    ipc::MemoryExport* out = reply.mutable_memory_export();
    wasm::Limits limits;
    limits.min = memory.pages();
    limits.max = memory.max_pages();
    *out->mutable_limits() = ipc::ToProto(limits);
    out->set_shared(memory.sharing() == MemorySharing::kShared);
    reply_fds.push_back(memory.fd());
    return reply;
  }

  Envelope ExportGlobal(const ipc::ExportGlobal& request, std::vector<int>& reply_fds) {
    absl::StatusOr<Extern> e = FindExport(request.instance_id(), request.name(), ExternKind::kGlobal);
    if (!e.ok()) return ErrorReply(ipc::Error::NOT_FOUND, e.status().message());
    std::optional<std::pair<int, uint64_t>> where = GlobalArena::Locate(e->global());
    if (!where.has_value()) {
      return ErrorReply(ipc::Error::OTHER, absl::StrCat("global \"", request.name(),
                                                        "\" is not in the shared cell arena"));
    }
    Envelope reply;
    ipc::GlobalExport* out = reply.mutable_global_export();
    out->set_value_type(static_cast<uint32_t>(e->global_type().type));
    out->set_mutable_(e->global_type().mutability == Mutability::kVar);
    out->set_offset(where->second);
    reply_fds.push_back(where->first);
    return reply;
  }

  Envelope TestHook(const ipc::TestHook& request) {
#ifdef WASM_SANDBOX_TEST_HOOKS
    switch (request.action()) {
      case ipc::TestHook::SYSCALL_OPENAT:
        syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
        break;
      case ipc::TestHook::CRASH:
        *static_cast<volatile int*>(nullptr) = 1;
        break;
      case ipc::TestHook::SEND_GARBAGE: {
        static const char kGarbage[] = "\0this is not a protobuf \xff\xff\xff\xff";
        if (write(channel_.fd(), kGarbage, sizeof(kGarbage)) < 0) _exit(1);
        // No reply: a small reply goes through the shared-memory ring, which
        // the broker reads before the socket, so it could arrive first and
        // hide the garbage. The broker kills the worker on reading it.
        while (true) {
          struct timespec hour = {3600, 0};
          nanosleep(&hour, nullptr);
        }
      }
      case ipc::TestHook::SEND_BAD_REPLY: {
        Envelope bogus;
        bogus.set_reply_to(0x7fffffff);
        bogus.mutable_values()->add_values(1);
        (void)channel_.Send(bogus);
        break;
      }
      case ipc::TestHook::HANG:
        while (true) {
          struct timespec hour = {3600, 0};
          nanosleep(&hour, nullptr);
        }
      default:
        break;
    }
    return OkReply();
#else
    (void)request;
    return ErrorReply(ipc::Error::OTHER, "test hooks are not built into this worker");
#endif
  }

  ipc::Channel channel_;
  ThreadPool* const compile_pool_;  // may be null
  uint64_t next_id_ = 1;
  Store store_;
  absl::flat_hash_map<uint32_t, std::shared_ptr<const CompiledModule>> modules_;
  absl::flat_hash_map<uint32_t, Extern> objects_;
  absl::flat_hash_map<uint32_t, JitInstance*> instances_;
  absl::Status pending_error_;
  int call_depth_ = 0;
  // Memories the broker owns (DefineObject memory): it may grow them.
  std::vector<LinearMemory*> broker_memories_;
  // Function references handed to the broker: handle - 1 -> FuncRef*.
  std::vector<uint64_t> refs_;
  absl::flat_hash_map<uint64_t, uint64_t> handles_;
};

}  // namespace

int RunWorker(int channel_fd, ThreadPool* compile_pool) {
  SetGlobalCellAllocator(&GlobalArena::Take);
  if (!InstallInterruptHandler().ok()) return 1;
  WorkerService service{ipc::Channel(UniqueFd(channel_fd)), compile_pool};
  return service.Run();
}

}  // namespace wasm::sandbox
