#include "host/worker_connection.h"

#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_format.h"
#include "ipc/convert.h"
#include "ipc/validate.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/vm/trap.h"

namespace wasm::host {

using ipc::Envelope;

WorkerConnection::WorkerConnection(ipc::Channel channel, ProcessControl control, Options options)
    : channel_(std::move(channel)), control_(std::move(control)), options_(options) {
  // Nothing a worker legitimately sends comes near this (values, a trap's
  // message with its backtrace): a bigger payload is hostile.
  channel_.set_max_receive_payload(kMaxWorkerPayloadBytes);
  if (options_.use_ring && channel_.valid()) {
    // Without it (memfd or mmap refused) the socket alone carries everything.
    if (absl::Status s = channel_.EnableRing(); !s.ok()) {
      std::cerr << "[broker] warning: no IPC ring for this worker: " << s << "\n";
    }
  }
}

WorkerConnection::~WorkerConnection() {
  if (dead_.ok() && channel_.valid()) {
    Envelope bye;
    bye.set_id(next_id_++);
    bye.mutable_shutdown();
    (void)channel_.Send(bye);
  }
  if (control_.kill) (void)control_.kill();
}

void WorkerConnection::AddHostFunction(uint64_t handle, HostCallback callback) {
  host_functions_.insert_or_assign(handle, std::move(callback));
}

absl::Status WorkerConnection::Fail(std::string reason, bool describe_exit) {
  if (!dead_.ok()) return dead_;
  if (control_.kill) (void)control_.kill();
  if (describe_exit && control_.describe_exit) reason = control_.describe_exit();
  dead_ = absl::UnavailableError(reason);
  return dead_;
}

absl::Status WorkerConnection::ReplyStatus(const Envelope& reply) {
  switch (reply.body_case()) {
    case Envelope::kOk:
    case Envelope::kValues:
    case Envelope::kTableElement:
    case Envelope::kMemoryExport:
    case Envelope::kGlobalExport:
      return absl::OkStatus();
    case Envelope::kTrap: {
      const uint32_t kind = reply.trap().kind();
      return TrapErrorWithMessage(kind >= 1 && kind <= kNumTrapKinds
                                      ? static_cast<TrapKind>(kind - 1)
                                      : TrapKind::kHostError,
                                  reply.trap().message());
    }
    case Envelope::kError: {
      const std::string& message = reply.error().message();
      switch (reply.error().kind()) {
        case ipc::Error::COMPILE: return absl::InvalidArgumentError(message);
        case ipc::Error::LINK: return LinkError(message, "");
        case ipc::Error::RESOURCE: return absl::ResourceExhaustedError(message);
        case ipc::Error::NOT_FOUND: return absl::NotFoundError(message);
        default: return absl::UnknownError(message);
      }
    }
    default:
      return absl::InternalError("unexpected reply");
  }
}

absl::StatusOr<ipc::Channel::Message> WorkerConnection::CallWithFds(Envelope request,
                                                                   absl::Span<const int> fds) {
  if (!dead_.ok()) return dead_;
  const uint64_t id = next_id_++;
  request.set_id(id);
  const absl::Time deadline = absl::Now() + options_.deadline;
  if (absl::Status sent = channel_.Send(request, fds, options_.deadline); !sent.ok()) {
    if (absl::IsDeadlineExceeded(sent)) {
      return Fail(absl::StrFormat("deadline exceeded after %.1f s (the worker stopped reading)",
                                  absl::ToDoubleSeconds(options_.deadline)),
                  false);
    }
    return Fail(std::string(sent.message()), absl::IsUnavailable(sent));
  }
  while (true) {
    absl::StatusOr<ipc::Channel::Message> message = channel_.Receive(
        std::max(absl::ZeroDuration(), deadline - absl::Now()));
    if (!message.ok()) {
      const absl::Status& s = message.status();
      if (absl::IsDeadlineExceeded(s)) {
        return Fail(absl::StrFormat("deadline exceeded after %.1f s",
                                    absl::ToDoubleSeconds(options_.deadline)),
                    false);
      }
      if (absl::IsUnavailable(s)) return Fail(std::string(s.message()), true);
      if (ipc::IsMalformed(s)) {
        return Fail(absl::StrCat("worker sent a malformed message: ",
                                 absl::StripPrefix(s.message(), "malformed message from peer: ")),
                    false);
      }
      return Fail(std::string(s.message()), false);
    }
    if (absl::Status valid = ipc::ValidateFromWorker(message->envelope, message->fds.size());
        !valid.ok()) {
      return Fail(absl::StrCat("worker sent a malformed message: ", valid.message()), false);
    }
    const Envelope& e = message->envelope;
    if (e.has_call_import()) {
      if (absl::Status served = ServeImport(e); !served.ok()) return served;
      if (!dead_.ok()) return dead_;
      continue;
    }
    if (e.reply_to() != id) {
      return Fail(absl::StrCat("worker sent a malformed message: a reply to request ", e.reply_to(),
                               ", which is not outstanding (", id, " is)"),
                  false);
    }
    return *std::move(message);
  }
}

absl::Status WorkerConnection::CallForStatus(Envelope request, absl::Span<const int> fds) {
  absl::StatusOr<Envelope> reply = Call(std::move(request), fds);
  if (!reply.ok()) return reply.status();
  return ReplyStatus(*reply);
}

absl::StatusOr<std::vector<uint64_t>> WorkerConnection::CallForValues(Envelope request) {
  absl::StatusOr<Envelope> reply = Call(std::move(request));
  if (!reply.ok()) return reply.status();
  if (absl::Status s = ReplyStatus(*reply); !s.ok()) return s;
  if (!reply->has_values()) {
    return Fail("worker sent a malformed message: a request answered without values", false);
  }
  return std::vector<uint64_t>(reply->values().values().begin(), reply->values().values().end());
}

absl::StatusOr<uint64_t> WorkerConnection::CallForValue(Envelope request) {
  absl::StatusOr<std::vector<uint64_t>> values = CallForValues(std::move(request));
  if (!values.ok()) return values.status();
  if (values->size() != 1) {
    return Fail(absl::StrCat("worker sent a malformed message: ", values->size(),
                             " values where one was expected"),
                false);
  }
  return (*values)[0];
}

absl::StatusOr<Envelope> WorkerConnection::Call(Envelope request, absl::Span<const int> fds) {
  absl::StatusOr<ipc::Channel::Message> m = CallWithFds(std::move(request), fds);
  if (!m.ok()) return m.status();
  return std::move(m->envelope);
}

absl::Status WorkerConnection::ServeImport(const Envelope& request) {
  auto it = host_functions_.find(request.call_import().handle());
  if (it == host_functions_.end()) {
    return Fail(absl::StrCat("worker sent a malformed message: a call of host function ",
                             request.call_import().handle(), ", which it was never given"),
                false);
  }
  std::vector<uint64_t> args(request.call_import().args().begin(),
                             request.call_import().args().end());
  absl::StatusOr<std::vector<uint64_t>> results = it->second(args);
  if (!dead_.ok()) return dead_;  // the worker died during a nested call
  Envelope reply;
  reply.set_reply_to(request.id());
  if (results.ok()) {
    reply.mutable_values();  // present even with no results
    for (uint64_t v : *results) reply.mutable_values()->add_values(v);
  } else if (GetInstanceErrorKind(results.status()) == InstanceErrorKind::kTrap) {
    // A trap further in keeps its kind and text on the way out.
    const std::optional<TrapKind> kind = GetTrapKind(results.status());
    reply.mutable_trap()->set_kind(kind.has_value() ? static_cast<uint32_t>(*kind) + 1 : 0);
    reply.mutable_trap()->set_message(std::string(results.status().message()));
  } else {
    reply.mutable_error()->set_kind(ipc::Error::OTHER);
    reply.mutable_error()->set_message(std::string(results.status().message()));
  }
  if (absl::Status sent = channel_.Send(reply, {}, options_.deadline); !sent.ok()) {
    return Fail(std::string(sent.message()), absl::IsUnavailable(sent));
  }
  return absl::OkStatus();
}

absl::Status WorkerConnection::LoadModule(uint32_t module_id, absl::Span<const uint8_t> bytes,
                                          ipc::LoadModule::Tier tier) {
  Envelope request;
  request.mutable_load_module()->set_module_id(module_id);
  request.mutable_load_module()->set_bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  request.mutable_load_module()->set_tier(tier);
  return CallForStatus(std::move(request));
}

absl::Status WorkerConnection::DefineHostFunction(uint32_t object_id, uint64_t handle,
                                                  const FuncType& type) {
  Envelope request;
  ipc::DefineObject* d = request.mutable_define_object();
  d->set_object_id(object_id);
  d->mutable_host_function()->set_handle(handle);
  *d->mutable_host_function()->mutable_signature() = ipc::ToProto(type);
  return CallForStatus(std::move(request));
}

absl::Status WorkerConnection::DefineMemory(uint32_t object_id, const MemoryType& type, int memfd) {
  Envelope request;
  ipc::DefineObject* d = request.mutable_define_object();
  d->set_object_id(object_id);
  *d->mutable_memory()->mutable_limits() = ipc::ToProto(type.limits);
  d->mutable_memory()->set_shared(type.limits.shared);
  const int fds[] = {memfd};
  return CallForStatus(std::move(request), fds);
}

absl::Status WorkerConnection::DefineGlobal(uint32_t object_id, const GlobalType& type, int memfd,
                                          uint64_t offset) {
  Envelope request;
  ipc::DefineObject* d = request.mutable_define_object();
  d->set_object_id(object_id);
  d->mutable_global()->set_value_type(static_cast<uint32_t>(type.type));
  d->mutable_global()->set_mutable_(type.mutability == Mutability::kVar);
  d->mutable_global()->set_offset(offset);
  const int fds[] = {memfd};
  return CallForStatus(std::move(request), fds);
}

absl::Status WorkerConnection::DefineTable(uint32_t object_id, const TableType& type) {
  Envelope request;
  ipc::DefineObject* d = request.mutable_define_object();
  d->set_object_id(object_id);
  d->mutable_table()->set_element_type(static_cast<uint32_t>(type.elem_type));
  *d->mutable_table()->mutable_limits() = ipc::ToProto(type.limits);
  return CallForStatus(std::move(request));
}

absl::Status WorkerConnection::Instantiate(uint32_t instance_id, uint32_t module_id,
                                           const std::vector<ipc::ImportBinding>& imports) {
  Envelope request;
  request.mutable_instantiate()->set_instance_id(instance_id);
  request.mutable_instantiate()->set_module_id(module_id);
  for (const ipc::ImportBinding& b : imports) *request.mutable_instantiate()->add_imports() = b;
  return CallForStatus(std::move(request));
}

absl::StatusOr<std::vector<uint64_t>> WorkerConnection::CallExport(
    uint32_t instance_id, const std::string& name, absl::Span<const uint64_t> args) {
  Envelope request;
  request.mutable_call_export()->set_instance_id(instance_id);
  request.mutable_call_export()->set_name(name);
  request.mutable_call_export()->set_interrupt_after_us(
      static_cast<uint64_t>(absl::ToInt64Microseconds(options_.interrupt_after)));
  for (uint64_t a : args) request.mutable_call_export()->add_args(a);
  return CallForValues(std::move(request));
}

absl::StatusOr<uint64_t> WorkerConnection::GetGlobal(uint32_t instance_id, const std::string& name) {
  Envelope request;
  request.mutable_get_global()->set_instance_id(instance_id);
  request.mutable_get_global()->set_name(name);
  return CallForValue(std::move(request));
}

absl::Status WorkerConnection::SetGlobal(uint32_t instance_id, const std::string& name,
                                         uint64_t value) {
  Envelope request;
  request.mutable_set_global()->set_instance_id(instance_id);
  request.mutable_set_global()->set_name(name);
  request.mutable_set_global()->set_value(value);
  return CallForStatus(std::move(request));
}

absl::StatusOr<Envelope> WorkerConnection::Table(const TableRef& table, ipc::AccessTable::Op op,
                                                 uint64_t index, uint64_t value, uint64_t delta) {
  Envelope request;
  ipc::AccessTable* a = request.mutable_access_table();
  a->set_instance_id(table.instance_id);
  a->set_name(table.export_name);
  a->set_object_id(table.object_id);
  a->set_op(op);
  a->set_index(index);
  a->set_value(value);
  a->set_delta(delta);
  absl::StatusOr<Envelope> reply = Call(std::move(request));
  if (!reply.ok()) return reply.status();
  if (absl::Status s = ReplyStatus(*reply); !s.ok()) return s;
  const bool want_element = op == ipc::AccessTable::GET;
  const bool ok = want_element ? reply->has_table_element()
                 : op == ipc::AccessTable::SET
                     ? reply->has_ok()
                     : reply->has_values() && reply->values().values_size() == 1;
  if (!ok) return Fail("worker sent a malformed message: a table access answered wrongly", false);
  return reply;
}

absl::StatusOr<uint64_t> WorkerConnection::TableSize(const TableRef& table) {
  absl::StatusOr<Envelope> r = Table(table, ipc::AccessTable::SIZE, 0, 0, 0);
  if (!r.ok()) return r.status();
  return r->values().values(0);
}

absl::StatusOr<ipc::TableElement> WorkerConnection::TableGet(const TableRef& table,
                                                             uint64_t index) {
  absl::StatusOr<Envelope> r = Table(table, ipc::AccessTable::GET, index, 0, 0);
  if (!r.ok()) return r.status();
  return r->table_element();
}

absl::Status WorkerConnection::TableSet(const TableRef& table, uint64_t index, uint64_t value) {
  return Table(table, ipc::AccessTable::SET, index, value, 0).status();
}

absl::StatusOr<uint64_t> WorkerConnection::TableGrow(const TableRef& table, uint64_t delta,
                                                     uint64_t init) {
  absl::StatusOr<Envelope> r = Table(table, ipc::AccessTable::GROW, 0, init, delta);
  if (!r.ok()) return r.status();
  return r->values().values(0);
}

absl::StatusOr<std::vector<uint64_t>> WorkerConnection::CallFuncRef(uint64_t handle,
                                                                    absl::Span<const uint64_t> args) {
  Envelope request;
  request.mutable_call_func_ref()->set_handle(handle);
  request.mutable_call_func_ref()->set_interrupt_after_us(
      static_cast<uint64_t>(absl::ToInt64Microseconds(options_.interrupt_after)));
  for (uint64_t a : args) request.mutable_call_func_ref()->add_args(a);
  return CallForValues(std::move(request));
}

absl::StatusOr<std::pair<MemoryType, UniqueFd>> WorkerConnection::ExportMemory(
    uint32_t instance_id, const std::string& name) {
  Envelope request;
  request.mutable_export_memory()->set_instance_id(instance_id);
  request.mutable_export_memory()->set_name(name);
  absl::StatusOr<ipc::Channel::Message> reply = CallWithFds(std::move(request));
  if (!reply.ok()) return reply.status();
  if (absl::Status s = ReplyStatus(reply->envelope); !s.ok()) return s;
  if (!reply->envelope.has_memory_export() || reply->fds.size() != 1) {
    return Fail("worker sent a malformed message: a memory export without its memfd", false);
  }
  MemoryType type;
  type.limits = ipc::FromProto(reply->envelope.memory_export().limits());
  type.limits.shared = reply->envelope.memory_export().shared();
  return std::make_pair(type, std::move(reply->fds[0]));
}

absl::StatusOr<WorkerConnection::ExportedGlobal> WorkerConnection::ExportGlobal(
    uint32_t instance_id, const std::string& name) {
  Envelope request;
  request.mutable_export_global()->set_instance_id(instance_id);
  request.mutable_export_global()->set_name(name);
  absl::StatusOr<ipc::Channel::Message> reply = CallWithFds(std::move(request));
  if (!reply.ok()) return reply.status();
  if (absl::Status s = ReplyStatus(reply->envelope); !s.ok()) return s;
  if (!reply->envelope.has_global_export() || reply->fds.size() != 1) {
    return Fail("worker sent a malformed message: a global export without its memfd", false);
  }
  const ipc::GlobalExport& g = reply->envelope.global_export();
  absl::StatusOr<ValType> type = ipc::ValTypeFromProto(g.value_type());
  if (!type.ok()) return Fail("worker sent a malformed message: a global of no value type", false);
  return ExportedGlobal{GlobalType{*type, g.mutable_() ? Mutability::kVar : Mutability::kConst},
                        std::move(reply->fds[0]), g.offset()};
}

absl::Status WorkerConnection::SetLimits(std::optional<uint64_t> max_memory_bytes) {
  Envelope request;
  request.mutable_set_limits()->set_has_max_memory_bytes(max_memory_bytes.has_value());
  request.mutable_set_limits()->set_max_memory_bytes(max_memory_bytes.value_or(0));
  return CallForStatus(std::move(request));
}

absl::StatusOr<uint64_t> WorkerConnection::PeakRssKib() {
  absl::StatusOr<Stats> stats = GetStats();
  if (!stats.ok()) return stats.status();
  return stats->peak_rss_kib;
}

absl::StatusOr<WorkerConnection::Stats> WorkerConnection::GetStats() {
  Envelope request;
  request.mutable_get_stats();
  absl::StatusOr<std::vector<uint64_t>> values = CallForValues(std::move(request));
  if (!values.ok()) return values.status();
  if (values->size() != 1 && values->size() != 4) {
    return Fail(absl::StrCat("worker sent a malformed message: ", values->size(),
                             " statistics where 1 or 4 were expected"),
                false);
  }
  Stats s;
  s.peak_rss_kib = (*values)[0];
  if (values->size() == 4) {
    s.tier_ups_installed = (*values)[1];
    s.tier_ups_compiling = (*values)[2];
    s.baseline_fallbacks = (*values)[3];
  }
  return s;
}

absl::Status WorkerConnection::SendTestHook(ipc::TestHook::Action action) {
  Envelope request;
  request.mutable_test_hook()->set_action(action);
  return CallForStatus(std::move(request));
}

}  // namespace wasm::host
