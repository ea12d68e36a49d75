// x86-64 registers as small typed values, their printed names, and the System V
// calling convention's register sets.
//
//   Reg r = kR12;          r.enc() == 12, r.is_gpr(), RegName(r, 32) == "r12d"
//   kSysVCalleeSaved.Contains(kRbx)
//
// A Reg is a register class plus its hardware encoding (0..15): exactly what the
// encoder needs (low 3 bits into ModRM/SIB/opcode, bit 3 into REX.R/X/B).
//
// Invariant: a valid Reg has enc() in [0, 16); the default Reg is invalid and is
//   only used as "no base" / "no index" inside a memory operand.
#ifndef RUNTIME_X64_REGS_H_
#define RUNTIME_X64_REGS_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace wasm::x64 {

enum class RegClass : uint8_t { kGpr, kXmm };

class Reg {
 public:
  // An invalid register ("none").
  constexpr Reg() = default;
  static constexpr Reg Gpr(int enc) { return Reg(RegClass::kGpr, enc); }
  static constexpr Reg Xmm(int enc) { return Reg(RegClass::kXmm, enc); }

  constexpr bool is_valid() const { return enc_ < 16; }
  constexpr RegClass cls() const { return cls_; }
  constexpr bool is_gpr() const { return is_valid() && cls_ == RegClass::kGpr; }
  constexpr bool is_xmm() const { return is_valid() && cls_ == RegClass::kXmm; }
  // The hardware encoding, 0..15.
  constexpr int enc() const { return enc_; }
  // The 3 bits that go into ModRM / SIB / the opcode byte.
  constexpr int low3() const { return enc_ & 7; }
  // The 4th bit, which goes into REX.R / REX.X / REX.B.
  constexpr bool high() const { return (enc_ & 8) != 0; }
  // A dense index over both classes: GPRs 0..15, XMMs 16..31 (for RegSet).
  constexpr int index() const { return (cls_ == RegClass::kXmm ? 16 : 0) + enc_; }

  friend constexpr bool operator==(Reg a, Reg b) { return a.cls_ == b.cls_ && a.enc_ == b.enc_; }
  friend constexpr bool operator!=(Reg a, Reg b) { return !(a == b); }

 private:
  constexpr Reg(RegClass cls, int enc) : cls_(cls), enc_(static_cast<uint8_t>(enc)) {}

  RegClass cls_ = RegClass::kGpr;
  uint8_t enc_ = 0xff;
};

inline constexpr Reg kRax = Reg::Gpr(0);
inline constexpr Reg kRcx = Reg::Gpr(1);
inline constexpr Reg kRdx = Reg::Gpr(2);
inline constexpr Reg kRbx = Reg::Gpr(3);
inline constexpr Reg kRsp = Reg::Gpr(4);
inline constexpr Reg kRbp = Reg::Gpr(5);
inline constexpr Reg kRsi = Reg::Gpr(6);
inline constexpr Reg kRdi = Reg::Gpr(7);
inline constexpr Reg kR8 = Reg::Gpr(8);
inline constexpr Reg kR9 = Reg::Gpr(9);
inline constexpr Reg kR10 = Reg::Gpr(10);
inline constexpr Reg kR11 = Reg::Gpr(11);
inline constexpr Reg kR12 = Reg::Gpr(12);
inline constexpr Reg kR13 = Reg::Gpr(13);
inline constexpr Reg kR14 = Reg::Gpr(14);
inline constexpr Reg kR15 = Reg::Gpr(15);

inline constexpr Reg kXmm0 = Reg::Xmm(0);
inline constexpr Reg kXmm1 = Reg::Xmm(1);
inline constexpr Reg kXmm2 = Reg::Xmm(2);
inline constexpr Reg kXmm3 = Reg::Xmm(3);
inline constexpr Reg kXmm4 = Reg::Xmm(4);
inline constexpr Reg kXmm5 = Reg::Xmm(5);
inline constexpr Reg kXmm6 = Reg::Xmm(6);
inline constexpr Reg kXmm7 = Reg::Xmm(7);
inline constexpr Reg kXmm8 = Reg::Xmm(8);
inline constexpr Reg kXmm9 = Reg::Xmm(9);
inline constexpr Reg kXmm10 = Reg::Xmm(10);
inline constexpr Reg kXmm11 = Reg::Xmm(11);
inline constexpr Reg kXmm12 = Reg::Xmm(12);
inline constexpr Reg kXmm13 = Reg::Xmm(13);
inline constexpr Reg kXmm14 = Reg::Xmm(14);
inline constexpr Reg kXmm15 = Reg::Xmm(15);

// The name at an access width in bits: GPRs take 8 ("sil", "r8b"), 16 ("si"),
// 32 ("esi", "r8d") or 64 ("rsi"); XMMs ignore the width ("xmm3"). An invalid
// register or width prints as "<bad>".
absl::string_view RegName(Reg reg, int width_bits = 64);

// A set of registers of both classes, one bit per Reg::index().
class RegSet {
 public:
  constexpr RegSet() = default;
  template <size_t N>
  constexpr explicit RegSet(const std::array<Reg, N>& regs) {
    for (Reg r : regs) Add(r);
  }
  constexpr RegSet(std::initializer_list<Reg> regs) {
    for (Reg r : regs) Add(r);
  }

  constexpr void Add(Reg r) { bits_ |= uint32_t{1} << r.index(); }
  constexpr void Remove(Reg r) { bits_ &= ~(uint32_t{1} << r.index()); }
  constexpr bool Contains(Reg r) const { return (bits_ >> r.index()) & 1; }
  constexpr RegSet Union(RegSet o) const { return FromBits(bits_ | o.bits_); }
  constexpr RegSet Minus(RegSet o) const { return FromBits(bits_ & ~o.bits_); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr int size() const { return __builtin_popcount(bits_); }
  constexpr uint32_t bits() const { return bits_; }
  friend constexpr bool operator==(RegSet a, RegSet b) { return a.bits_ == b.bits_; }

  // "{rax, rbx, xmm0}", in index order.
  std::string ToString() const;

 private:
  static constexpr RegSet FromBits(uint32_t bits) {
    RegSet s;
    s.bits_ = bits;
    return s;
  }
  uint32_t bits_ = 0;
};

// The System V AMD64 ABI (the host's C calling convention, used for calls into
// runtime helpers and for the entry trampolines).
inline constexpr std::array<Reg, 6> kSysVIntArgRegs = {kRdi, kRsi, kRdx, kRcx, kR8, kR9};
inline constexpr std::array<Reg, 8> kSysVFloatArgRegs = {kXmm0, kXmm1, kXmm2, kXmm3,
                                                         kXmm4, kXmm5, kXmm6, kXmm7};
inline constexpr std::array<Reg, 2> kSysVIntReturnRegs = {kRax, kRdx};
inline constexpr std::array<Reg, 2> kSysVFloatReturnRegs = {kXmm0, kXmm1};
// Preserved across calls. rsp is not listed: it is the stack pointer, never a
// general register.
inline constexpr RegSet kSysVCalleeSaved = {kRbx, kRbp, kR12, kR13, kR14, kR15};
// Clobbered by a call: every other GPR but rsp, and every XMM register.
inline constexpr RegSet kSysVCallerSaved = {
    kRax,  kRcx,  kRdx,  kRsi,  kRdi,  kR8,   kR9,    kR10,   kR11,   kXmm0,  kXmm1,  kXmm2, kXmm3,
    kXmm4, kXmm5, kXmm6, kXmm7, kXmm8, kXmm9, kXmm10, kXmm11, kXmm12, kXmm13, kXmm14, kXmm15};

}  // namespace wasm::x64

#endif  // RUNTIME_X64_REGS_H_
