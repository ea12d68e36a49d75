// Global: a WebAssembly global — host-created (its cell in a broker-owned
// memfd page that importing workers map, so wasm's global.set is seen here at
// once), or an instance's export (read and written through its worker).
//
//   ASSIGN_OR_RETURN(Global g, Global::Create({ValType::kI32, /*mutable_=*/true},
//                                             Value::I32(0)));
//   RETURN_IF_ERROR(g.SetValue(Value::I32(42)));
//   ASSIGN_OR_RETURN(Value v, g.value());   // 42
//
// TypeError for a value of the wrong type and for setting an immutable
// global.
#ifndef HOST_API_GLOBAL_H_
#define HOST_API_GLOBAL_H_

#include <memory>

#include "absl/status/statusor.h"
#include "host/api/value.h"
#include "host/global_segment.h"
#include "runtime/types.h"

namespace wasm::api {

namespace internal {
struct InstanceState;
}

struct GlobalDescriptor {
  ValType value = ValType::kI32;
  bool mutable_ = false;
};

class Global {
 public:
  static absl::StatusOr<Global> Create(const GlobalDescriptor& descriptor, Value init);

  GlobalDescriptor descriptor() const;
  absl::StatusOr<Value> value() const;
  absl::Status SetValue(Value v) const;

  // Internal (host/api).
  explicit Global(std::shared_ptr<host::GlobalSegment> segment) : segment_(std::move(segment)) {}
  Global(std::shared_ptr<internal::InstanceState> instance, std::string name, GlobalType type)
      : instance_(std::move(instance)), name_(std::move(name)), type_(type) {}
  const std::shared_ptr<host::GlobalSegment>& segment() const { return segment_; }

 private:
  std::shared_ptr<host::GlobalSegment> segment_;        // host-created
  std::shared_ptr<internal::InstanceState> instance_;   // or exported
  std::string name_;
  GlobalType type_;
};

}  // namespace wasm::api

#endif  // HOST_API_GLOBAL_H_
