#include "runtime/name_section.h"

#include <string>

#include "runtime/reader.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

constexpr uint8_t kModuleNames = 0;
constexpr uint8_t kFunctionNames = 1;
constexpr uint8_t kLocalNames = 2;

absl::Status ReadNameMap(Reader& r, absl::flat_hash_map<uint32_t, std::string>* out) {
  uint32_t count;
  RETURN_IF_ERROR(r.ReadU32(&count));
  if (count > r.remaining()) return r.EndError();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t index;
    std::string name;
    RETURN_IF_ERROR(r.ReadU32(&index));
    RETURN_IF_ERROR(r.ReadName(&name));
    (*out)[index] = std::move(name);
  }
  return absl::OkStatus();
}

absl::Status Decode(const Module& module, const CustomSection& section, Names* names) {
  Reader r(module.bytes, section.contents.offset, section.contents.offset + section.contents.size);
  while (!r.AtEnd()) {
    uint8_t id;
    uint32_t size;
    RETURN_IF_ERROR(r.ReadU8(&id));
    RETURN_IF_ERROR(r.ReadU32(&size));
    if (size > r.remaining()) return r.EndError();
    Reader sub(module.bytes, r.offset(), r.offset() + size);
    switch (id) {
      case kModuleNames:
        RETURN_IF_ERROR(sub.ReadName(&names->module));
        break;
      case kFunctionNames:
        RETURN_IF_ERROR(ReadNameMap(sub, &names->functions));
        break;
      case kLocalNames: {
        uint32_t count;
        RETURN_IF_ERROR(sub.ReadU32(&count));
        if (count > sub.remaining()) return sub.EndError();
        for (uint32_t i = 0; i < count; ++i) {
          uint32_t func;
          RETURN_IF_ERROR(sub.ReadU32(&func));
          RETURN_IF_ERROR(ReadNameMap(sub, &names->locals[func]));
        }
        break;
      }
      default:
        break;  // other subsections (labels, types, ...) are not used
    }
    RETURN_IF_ERROR(r.Skip(size));
  }
  return absl::OkStatus();
}

}  // namespace

void DecodeNameSection(Module& module) {
  for (const CustomSection& section : module.customs) {
    if (section.name != "name") continue;
    Names names;
    if (Decode(module, section, &names).ok()) module.names = std::move(names);
    return;
  }
}

}  // namespace wasm
