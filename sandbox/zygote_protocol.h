// The broker <-> zygote control protocol (internal to sandbox/): fixed-size
// binary records, one per SOCK_SEQPACKET message.
//
//   zygote → broker, once:  ZygoteHello
//   broker → zygote:        ControlRequest (+ SCM_RIGHTS: the worker's end of
//                           its channel, for kSpawn)
//   zygote → broker:        ControlReply (+ SCM_CREDENTIALS naming the new
//                           worker, for kSpawn when kHostPidInCredentials)
//
// Both sides check the size and the magic; the broker also checks every
// field it uses (the zygote runs the worker's code, unconfined but in its
// namespaces).
#ifndef SANDBOX_ZYGOTE_PROTOCOL_H_
#define SANDBOX_ZYGOTE_PROTOCOL_H_

#include <cstdint>

namespace wasm::sandbox::internal {

inline constexpr uint32_t kHelloMagic = 0x5759475A;  // "ZGYW"

struct ZygoteHello {
  uint32_t magic = kHelloMagic;
  uint32_t namespaces = 0;  // NamespaceBits
};

enum class ControlOp : uint32_t { kSpawn = 1, kKill = 2, kWait = 3 };

struct ControlRequest {
  ControlOp op = ControlOp::kSpawn;
  int32_t pid = 0;  // kKill, kWait
};

enum ReplyFlags : uint32_t {
  // The reply carries SCM_CREDENTIALS whose pid is the new worker: the
  // kernel translates it into the receiver's pid namespace (host_pid).
  kHostPidInCredentials = 1,
};

struct ControlReply {
  int32_t error = 0;  // an errno value; 0: success
  int32_t pid = 0;    // kSpawn: the worker, as the zygote sees it
  uint32_t flags = 0;
  // kWait: WorkerExit's fields.
  uint32_t kind = 0;
  int32_t code = 0;
  int32_t signal = 0;
  int32_t syscall = -1;
  char message[116] = {};
};
static_assert(sizeof(ControlReply) == 144);

}  // namespace wasm::sandbox::internal

#endif  // SANDBOX_ZYGOTE_PROTOCOL_H_
