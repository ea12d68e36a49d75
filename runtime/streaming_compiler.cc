#include "runtime/streaming_compiler.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "runtime/errors.h"
#include "runtime/limits.h"
#include "runtime/reader.h"
#include "runtime/status_macros.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

constexpr size_t kNoEnd = std::numeric_limits<size_t>::max();
constexpr size_t kMaxU32LebBytes = 5;

}  // namespace

StreamingCompiler::StreamingCompiler()
    : module_(std::make_unique<Module>()), decoder_(module_.get()) {}

bool StreamingCompiler::LebReady(size_t pos, size_t hard_end) const {
  const size_t avail = available();
  if (finished_ || hard_end <= avail) return true;
  const std::vector<uint8_t>& bytes = module_->bytes;
  for (size_t i = pos; i < avail && i < pos + kMaxU32LebBytes; ++i) {
    if (bytes[i] < 0x80) return true;
  }
  return avail >= pos + kMaxU32LebBytes;
}

absl::Status StreamingCompiler::Fail(absl::Status status) {
  if (!status.ok() && error_.ok()) error_ = status;
  return status;
}

absl::Status StreamingCompiler::Feed(absl::Span<const uint8_t> chunk) {
  if (!error_.ok()) return error_;
  if (finished_) return absl::FailedPreconditionError("StreamingCompiler: Feed after Finish");
  if (chunk.size() > kMaxModuleBytes - available()) {
    return Fail(CheckModuleSize(static_cast<uint64_t>(available()) + chunk.size()));
  }
  module_->bytes.insert(module_->bytes.end(), chunk.begin(), chunk.end());
  return Fail(Pump());
}

absl::StatusOr<std::shared_ptr<const Module>> StreamingCompiler::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) return absl::FailedPreconditionError("StreamingCompiler: Finish called twice");
  finished_ = true;
  RETURN_IF_ERROR(Fail(Pump()));
  // Invariant: Pump with finished_ runs to kDone or fails, and kDone comes
  // after the code section's last body (or without a code section).
  RETURN_IF_ERROR(Fail(decoder_.Finish()));
  // Again with what followed the code section (the data segments); the parts
  // checked when the code section started pass again.
  RETURN_IF_ERROR(Fail(ValidateModuleHeader(*module_)));
  if (bodies_validated_ != module_->bodies.size()) {
    return Fail(absl::InternalError("StreamingCompiler: bodies left unvalidated"));
  }
  return std::shared_ptr<const Module>(std::move(module_));
}

absl::Status StreamingCompiler::Pump() {
  for (;;) {
    bool progressed = false;
    RETURN_IF_ERROR(Step(&progressed));
    if (!progressed) return absl::OkStatus();
  }
}

// The module header is every section before the code section: validate it
// now, so that bodies can be validated as they arrive. Function references
// are declared in globals, elements and exports, all before the code.
absl::Status StreamingCompiler::StartCode() {
  decoder_.CollectDeclaredFunctionRefs();
  RETURN_IF_ERROR(ValidateModuleHeader(*module_));
  validator_.emplace(*module_);
  return absl::OkStatus();
}

absl::Status StreamingCompiler::Step(bool* progressed) {
  const std::vector<uint8_t>& bytes = module_->bytes;
  const size_t avail = bytes.size();
  const bool in_section = stage_ != Stage::kPreamble && stage_ != Stage::kSectionHeader &&
                          stage_ != Stage::kDone;
  // A section the module's end cuts short: DecodeModule's error, found
  // before anything in the section is read.
  if (in_section && finished_ && section_end_ > avail) {
    return MalformedError(section_begin_, "length out of bounds");
  }
  switch (stage_) {
    case Stage::kPreamble:
      if (avail < kPreambleBytes && !finished_) {
        // A wrong magic number is reported as soon as it is in.
        if (avail >= 4 && std::memcmp(bytes.data(), "\0asm", 4) != 0) {
          return DecodePreamble(bytes);
        }
        return absl::OkStatus();
      }
      RETURN_IF_ERROR(DecodePreamble(bytes));
      pos_ = kPreambleBytes;
      stage_ = Stage::kSectionHeader;
      break;

    case Stage::kSectionHeader: {
      if (pos_ == avail) {
        if (!finished_) return absl::OkStatus();
        stage_ = Stage::kDone;
        break;
      }
      // A bad id is reported at once (ReadSectionHeader checks it first);
      // otherwise wait for the whole size.
      if (bytes[pos_] <= kDataCountSection && !LebReady(pos_ + 1, kNoEnd)) {
        return absl::OkStatus();
      }
      Reader r(bytes, pos_, avail, /*whole_module=*/true);
      uint32_t size;
      RETURN_IF_ERROR(decoder_.ReadSectionHeader(r, &section_id_, &size));
      section_start_ = pos_;
      section_begin_ = r.offset();
      section_end_ = section_begin_ + size;
      // No module that fits the size limit can hold this section.
      if (section_end_ > kMaxModuleBytes) {
        return MalformedError(section_begin_, "length out of bounds");
      }
      pos_ = section_begin_;
      if (section_id_ == kCodeSection) {
        if (finished_ && section_end_ > avail) {
          return MalformedError(section_begin_, "length out of bounds");
        }
        // Bodies are validated before the section is complete, so its
        // place is checked now.
        RETURN_IF_ERROR(decoder_.CheckOrder(section_id_, section_start_));
        stage_ = Stage::kCodeCount;
      } else {
        stage_ = Stage::kSection;
      }
      break;
    }

    case Stage::kSection:
      if (section_end_ > avail) return absl::OkStatus();  // wait for the whole section
      RETURN_IF_ERROR(decoder_.CheckOrder(section_id_, section_start_));
      RETURN_IF_ERROR(decoder_.DecodeSectionContents(section_id_, section_begin_, section_end_));
      pos_ = section_end_;
      stage_ = Stage::kSectionHeader;
      break;

    case Stage::kCodeCount: {
      if (!LebReady(pos_, section_end_)) return absl::OkStatus();
      Reader r(bytes, pos_, std::min(section_end_, avail));
      RETURN_IF_ERROR(decoder_.BeginCode(r));
      pos_ = r.offset();
      RETURN_IF_ERROR(StartCode());
      body_index_ = 0;
      stage_ = module_->bodies.empty() ? Stage::kCodeEnd : Stage::kBodySize;
      break;
    }

    case Stage::kBodySize: {
      if (!LebReady(pos_, section_end_)) return absl::OkStatus();
      Reader r(bytes, pos_, std::min(section_end_, avail));
      RETURN_IF_ERROR(r.ReadU32(&body_size_));
      RETURN_IF_ERROR(decoder_.CheckBodySize(body_index_, r.offset(), body_size_, section_end_));
      pos_ = r.offset();
      stage_ = Stage::kBody;
      break;
    }

    case Stage::kBody:
      // Invariant: pos_ + body_size_ <= section_end_ (CheckBodySize).
      if (pos_ + body_size_ > avail) return absl::OkStatus();  // wait for the whole body
      RETURN_IF_ERROR(decoder_.DecodeBody(body_index_, pos_, body_size_));
      RETURN_IF_ERROR(validator_->ValidateBody(body_index_));
      ++bodies_validated_;
      pos_ += body_size_;
      ++body_index_;
      stage_ = body_index_ < module_->bodies.size() ? Stage::kBodySize : Stage::kCodeEnd;
      break;

    case Stage::kCodeEnd:
      if (pos_ != section_end_) return MalformedError(pos_, "section size mismatch");
      stage_ = Stage::kSectionHeader;
      break;

    case Stage::kDone:
      return absl::OkStatus();
  }
  *progressed = true;
  return absl::OkStatus();
}

}  // namespace wasm
