#include "runtime/x64/regs.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace wasm::x64 {
namespace {

// Rows: 64, 32, 16, 8 bits. The 8-bit names of 4..7 are the REX forms
// (spl, bpl, sil, dil); the encoder emits a REX prefix to reach them.
constexpr absl::string_view kGprNames[4][16] = {
    {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
     "r14", "r15"},
    {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
     "r13d", "r14d", "r15d"},
    {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
     "r14w", "r15w"},
    {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
     "r13b", "r14b", "r15b"},
};

constexpr absl::string_view kXmmNames[16] = {"xmm0",  "xmm1",  "xmm2",  "xmm3", "xmm4",  "xmm5",
                                             "xmm6",  "xmm7",  "xmm8",  "xmm9", "xmm10", "xmm11",
                                             "xmm12", "xmm13", "xmm14", "xmm15"};

}  // namespace

absl::string_view RegName(Reg reg, int width_bits) {
  if (!reg.is_valid()) return "<bad>";
  if (reg.is_xmm()) return kXmmNames[reg.enc()];
  switch (width_bits) {
    case 64:
      return kGprNames[0][reg.enc()];
    case 32:
      return kGprNames[1][reg.enc()];
    case 16:
      return kGprNames[2][reg.enc()];
    case 8:
      return kGprNames[3][reg.enc()];
  }
  return "<bad>";
}

std::string RegSet::ToString() const {
  std::string out = "{";
  for (int i = 0; i < 32; ++i) {
    if (!((bits_ >> i) & 1)) continue;
    Reg r = i < 16 ? Reg::Gpr(i) : Reg::Xmm(i - 16);
    absl::StrAppend(&out, out.size() > 1 ? ", " : "", RegName(r));
  }
  out += "}";
  return out;
}

}  // namespace wasm::x64
