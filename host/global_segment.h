// GlobalSegment: a global's 16-byte cell (vmcontext.h's GlobalCell) in a
// one-page memfd owned by the broker, so that a worker maps the same cell and
// wasm's global.set is seen by the host and by every instance importing it.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<GlobalSegment> g,
//                    GlobalSegment::Create({ValType::kI32, Mutability::kVar}, 0));
//   RETURN_IF_ERROR(worker.DefineGlobal(object_id, g->type(), g->fd()));
//   g->cell()->Get(ValType::kI32)
#ifndef HOST_GLOBAL_SEGMENT_H_
#define HOST_GLOBAL_SEGMENT_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "runtime/instance/vmcontext.h"
#include "runtime/types.h"
#include "runtime/vm/unique_fd.h"

namespace wasm::host {

class GlobalSegment {
 public:
  static absl::StatusOr<std::unique_ptr<GlobalSegment>> Create(GlobalType type, uint64_t bits);
  // The cell at `offset` of `fd` — a worker's sealed global-cell arena (an
  // exported global). The memfd is untrusted: it must be sealed against
  // shrinking and hold the whole cell, or this fails.
  static absl::StatusOr<std::unique_ptr<GlobalSegment>> Map(GlobalType type, UniqueFd fd,
                                                            uint64_t offset);
  ~GlobalSegment();
  GlobalSegment(const GlobalSegment&) = delete;
  GlobalSegment& operator=(const GlobalSegment&) = delete;

  const GlobalType& type() const { return type_; }
  GlobalCell* cell() const { return cell_; }
  int fd() const { return fd_.get(); }
  // Where the cell is in fd() (what a worker maps).
  uint64_t offset() const { return offset_; }

 private:
  GlobalSegment(GlobalType type, UniqueFd fd, void* page, uint64_t offset, uint64_t page_offset)
      : type_(type), fd_(std::move(fd)), page_(page), offset_(offset),
        cell_(reinterpret_cast<GlobalCell*>(static_cast<uint8_t*>(page) + (offset - page_offset))) {}

  GlobalType type_;
  UniqueFd fd_;
  void* page_;
  uint64_t offset_;
  GlobalCell* cell_;
};

}  // namespace wasm::host

#endif  // HOST_GLOBAL_SEGMENT_H_
