#include "host/api/state.h"

namespace wasm::api::internal {

absl::StatusOr<host::Broker*> DefaultBroker() {
  static absl::StatusOr<std::unique_ptr<host::Broker>>* broker =
      new absl::StatusOr<std::unique_ptr<host::Broker>>(host::Broker::Create({}));
  if (!broker->ok()) return broker->status();
  return broker->value().get();
}

}  // namespace wasm::api::internal
