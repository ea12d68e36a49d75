#include "ipc/validate.h"

#include "absl/strings/str_cat.h"

namespace wasm::ipc {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("worker message: ", what));
}

absl::Status CheckValues(absl::string_view field, int count) {
  if (count > kMaxValues) {
    return Bad(absl::StrCat(field, " has ", count, " values, the limit is ", kMaxValues));
  }
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view field, const std::string& text) {
  if (text.size() > kMaxWorkerMessageBytes) {
    return Bad(absl::StrCat(field, " has ", text.size(), " bytes, the limit is ",
                            kMaxWorkerMessageBytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateFromWorker(const Envelope& envelope, size_t fd_count) {
  const size_t fds_allowed = envelope.body_case() == Envelope::kMemoryExport ||
                                     envelope.body_case() == Envelope::kGlobalExport
                                 ? 1
                                 : 0;
  if (fd_count != fds_allowed) {
    return Bad(absl::StrCat(fd_count, " descriptors attached; expected ", fds_allowed));
  }
  switch (envelope.body_case()) {
    case Envelope::kCallImport:
    case Envelope::kOk:
    case Envelope::kValues:
    case Envelope::kTrap:
    case Envelope::kError:
    case Envelope::kTableElement:
    case Envelope::kMemoryExport:
    case Envelope::kGlobalExport:
      break;
    case Envelope::BODY_NOT_SET:
      return Bad("no body");
    default:
      return Bad(absl::StrCat("body ", static_cast<int>(envelope.body_case()),
                              " is not one a worker may send"));
  }
  const bool is_request = envelope.body_case() == Envelope::kCallImport;
  if (is_request) {
    if (envelope.id() == 0) return Bad("request without an id");
    if (envelope.reply_to() != 0) return Bad("request with reply_to set");
  } else {
    if (envelope.reply_to() == 0) return Bad("reply without reply_to");
    if (envelope.id() != 0) return Bad("reply with an id");
  }
  switch (envelope.body_case()) {
    case Envelope::kCallImport:
      return CheckValues("call_import.args", envelope.call_import().args_size());
    case Envelope::kOk:
      return absl::OkStatus();
    case Envelope::kValues:
      return CheckValues("values.values", envelope.values().values_size());
    case Envelope::kTrap:
      return CheckText("trap.message", envelope.trap().message());
    case Envelope::kError:
      if (!Error::Kind_IsValid(envelope.error().kind())) return Bad("error.kind out of range");
      return CheckText("error.message", envelope.error().message());
    case Envelope::kTableElement: {
      const FuncSignature& sig = envelope.table_element().signature();
      if (sig.params().size() > static_cast<size_t>(kMaxValues) ||
          sig.results().size() > static_cast<size_t>(kMaxValues)) {
        return Bad("table_element.signature too long");
      }
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

}  // namespace wasm::ipc
