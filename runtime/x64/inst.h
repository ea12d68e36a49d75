// One x86-64 machine instruction: a Form (a row of inst_forms.def) plus its
// explicit operands, and the three things generated from the table for it:
// checking + encoding (encode.h), printing (ToString) and the register-operand
// listing the register allocator reads (ForEachRegOperand).
//
//   Inst add(Form::kAdd64RM, {kRax, Mem(kRbp, kRcx, 8, -16)});
//   ToString(add) == "add rax, qword ptr [rbp+rcx*8-0x10]"
//   ForEachRegOperand(add, f)  // f: usedef rax, use rbp (mem), use rcx (mem)
//
// Operands are given in the table's (Intel) order, skipping implicit registers
// (cl of a shift by cl is implicit in the encoding and is not passed; div's
// rdx:rax neither). A `cc` operand is passed as a Cond where the row has it.
//
// Invariant: Inst never holds more than kMaxOperands operands; whether they
//   match the form (kinds, classes, immediate ranges) is CheckOperands' job,
//   and the encoder refuses an Inst that fails it.
#ifndef RUNTIME_X64_INST_H_
#define RUNTIME_X64_INST_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/x64/regs.h"

namespace wasm::x64 {

// ---- Operand values ----------------------------------------------------------

// Condition codes in their hardware order (the low 4 bits of jcc / setcc /
// cmovcc). Negate() flips the lowest bit.
enum class Cond : uint8_t {
  kO,
  kNo,
  kB,
  kAe,
  kE,
  kNe,
  kBe,
  kA,
  kS,
  kNs,
  kP,
  kNp,
  kL,
  kGe,
  kLe,
  kG,
};
inline constexpr Cond Negate(Cond c) { return static_cast<Cond>(static_cast<uint8_t>(c) ^ 1); }
// The mnemonic suffix: "e", "ne", "ae", ...
absl::string_view CondName(Cond c);

// A position in the code, bound by Assembler::Bind. Printed "L3".
class Label {
 public:
  constexpr Label() = default;
  constexpr explicit Label(uint32_t id) : id_(id) {}
  constexpr uint32_t id() const { return id_; }
  constexpr bool is_valid() const { return id_ != kInvalid; }
  friend constexpr bool operator==(Label a, Label b) { return a.id_ == b.id_; }

 private:
  static constexpr uint32_t kInvalid = 0xffffffff;
  uint32_t id_ = kInvalid;
};

// A function outside the code buffer (a runtime helper) whose address the
// loader patches in through a Relocation. Printed "sym3".
class ExternalSymbol {
 public:
  constexpr explicit ExternalSymbol(uint32_t id) : id_(id) {}
  constexpr uint32_t id() const { return id_; }
  friend constexpr bool operator==(ExternalSymbol a, ExternalSymbol b) { return a.id_ == b.id_; }

 private:
  uint32_t id_;
};

// An entry of the assembler's constant pool (Assembler::Constant64 ...).
// Printed "C3".
class ConstantRef {
 public:
  constexpr explicit ConstantRef(uint32_t id) : id_(id) {}
  constexpr uint32_t id() const { return id_; }

 private:
  uint32_t id_;
};

// An immediate. Its allowed range depends on the form's operand (see
// inst_forms.def): simm8 is [-128, 127], imm8 [-128, 255], ...
struct Imm {
  constexpr explicit Imm(int64_t v) : value(v) {}
  int64_t value;
};

// A memory operand: [base + index*scale + disp] or [rip + target + disp].
// Absolute and index-only addressing are not supported (the JIT never needs
// them).
class Mem {
 public:
  enum class RipTarget : uint8_t { kNone, kLabel, kConstant };

  // [base + disp]
  constexpr explicit Mem(Reg base, int32_t disp = 0) : base_(base), disp_(disp) {}
  // [base + index*scale + disp]; scale is 1, 2, 4 or 8; index is not rsp.
  constexpr Mem(Reg base, Reg index, int scale, int32_t disp = 0)
      : base_(base), index_(index), scale_(static_cast<uint8_t>(scale)), disp_(disp) {}
  // [rip + label + disp]
  static constexpr Mem Rip(Label target, int32_t disp = 0) {
    return Mem(RipTarget::kLabel, target.id(), disp);
  }
  // [rip + constant + disp]
  static constexpr Mem Rip(ConstantRef target, int32_t disp = 0) {
    return Mem(RipTarget::kConstant, target.id(), disp);
  }

  constexpr Reg base() const { return base_; }
  constexpr Reg index() const { return index_; }
  constexpr int scale() const { return scale_; }
  constexpr int32_t disp() const { return disp_; }
  constexpr bool is_rip() const { return rip_ != RipTarget::kNone; }
  constexpr RipTarget rip_target() const { return rip_; }
  constexpr uint32_t target_id() const { return target_id_; }

  // Mutable access for the register allocator's rewriting.
  Reg* mutable_base() { return &base_; }
  Reg* mutable_index() { return &index_; }

 private:
  constexpr Mem(RipTarget rip, uint32_t id, int32_t disp)
      : rip_(rip), disp_(disp), target_id_(id) {}

  // The byte-sized fields first: 16 bytes in all, so that an Operand (a
  // variant over Mem and an int64 Imm) takes 24 bytes, not 32.
  Reg base_;
  Reg index_;
  uint8_t scale_ = 1;
  RipTarget rip_ = RipTarget::kNone;
  int32_t disp_ = 0;
  uint32_t target_id_ = 0;
};
static_assert(sizeof(Mem) == 16);

// One explicit operand of an Inst.
class Operand {
 public:
  constexpr Operand() = default;
  constexpr Operand(Reg r) : v_(r) {}             // NOLINT: implicit by design
  constexpr Operand(const Mem& m) : v_(m) {}      // NOLINT
  constexpr Operand(Imm i) : v_(i) {}             // NOLINT
  constexpr Operand(Cond c) : v_(c) {}            // NOLINT
  constexpr Operand(Label l) : v_(l) {}           // NOLINT
  constexpr Operand(ExternalSymbol s) : v_(s) {}  // NOLINT

  bool is_none() const { return std::holds_alternative<std::monostate>(v_); }
  const Reg* reg() const { return std::get_if<Reg>(&v_); }
  const Mem* mem() const { return std::get_if<Mem>(&v_); }
  const Imm* imm() const { return std::get_if<Imm>(&v_); }
  const Cond* cond() const { return std::get_if<Cond>(&v_); }
  const Label* label() const { return std::get_if<Label>(&v_); }
  const ExternalSymbol* symbol() const { return std::get_if<ExternalSymbol>(&v_); }
  Reg* mutable_reg() { return std::get_if<Reg>(&v_); }
  Mem* mutable_mem() { return std::get_if<Mem>(&v_); }

 private:
  std::variant<std::monostate, Reg, Mem, Imm, Cond, Label, ExternalSymbol> v_;
};
static_assert(sizeof(Operand) == 24);

// ---- The form table, as data -------------------------------------------------

enum class Form : uint16_t {
#define X64_FORM(name, ...) k##name,
#include "runtime/x64/inst_forms.def"
};
inline constexpr int kNumForms = 0
#define X64_FORM(name, ...) +1
#include "runtime/x64/inst_forms.def"
    ;

// How an instruction touches a register operand.
enum class Access : uint8_t { kNone, kUse, kDef, kUseDef };
absl::string_view AccessName(Access a);  // "use", "def", "usedef"

enum class OperandKind : uint8_t {
  kGpr,       // r8..r64: ModRM.reg, or the opcode's low bits for plus_r rows
  kGprMem,    // rm8..rm64: ModRM.rm, a GPR or memory
  kXmm,       // xmm: ModRM.reg
  kXmmMem,    // xmm_m32..xmm_m128: ModRM.rm, an XMM or memory
  kMem,       // m: ModRM.rm, memory only
  kFixedGpr,  // a register implied by the opcode (cl, rax, rdx): not encoded
  kImm,       // immediate bytes after ModRM/SIB/disp
  kRel,       // pc-relative branch displacement
  kCond,      // condition code, added to the last opcode byte
};

struct OperandSpec {
  OperandKind kind;
  uint8_t width;  // bits: 8/16/32/64/128; 0 for `m` (lea)
  Access access = Access::kUse;
  bool sign_extended = false;  // simm8 / simm32
  bool printed = true;         // false for implicit_rax / implicit_rdx
  uint8_t fixed_enc = 0;       // kFixedGpr: the register's encoding

  constexpr bool explicit_operand() const { return kind != OperandKind::kFixedGpr; }
  constexpr bool is_register_kind() const {
    return kind == OperandKind::kGpr || kind == OperandKind::kGprMem || kind == OperandKind::kXmm ||
           kind == OperandKind::kXmmMem || kind == OperandKind::kMem ||
           kind == OperandKind::kFixedGpr;
  }
};

// Whether immediate `v` fits operand `s` (its width; sign-extended or not).
inline bool ImmFits(const OperandSpec& s, int64_t v) {
  switch (s.width) {
    case 8:
      return s.sign_extended ? (v >= -128 && v <= 127) : (v >= -128 && v <= 255);
    case 16:
      return v >= -32768 && v <= 65535;
    case 32:
      return s.sign_extended ? (v >= INT32_MIN && v <= INT32_MAX)
                             : (v >= INT32_MIN && v <= int64_t{UINT32_MAX});
    case 64:
      return true;
  }
  return false;
}

enum class Prefix : uint8_t { kNone, k66, kF2, kF3 };
enum class ModRmKind : uint8_t { kReg, kDigit, kOpcodeReg, kNone };

inline constexpr int kMaxOperands = 3;  // explicit operands of one Inst
inline constexpr int kMaxSpecs = 4;     // explicit + implicit

struct FormInfo {
  absl::string_view name;      // "Add64RM"
  absl::string_view mnemonic;  // "add"
  bool rex_w;
  Prefix prefix;
  uint8_t opcode_len;  // 1..3 bytes, the last one takes +r / +cc
  uint8_t opcode[3];
  ModRmKind modrm;
  uint8_t digit;  // for ModRmKind::kDigit
  uint8_t num_specs;
  OperandSpec specs[kMaxSpecs];
  uint8_t num_explicit;  // specs that are passed in Inst (all but kFixedGpr)

  // The encoding plan, derived from the specs once (MakeForm) so that the
  // encoder does not walk them for every instruction: for each field of the
  // encoding, the explicit operand that fills it and its spec, or -1.
  struct Slot {
    int8_t operand = -1;  // index into Inst's operands
    int8_t spec = -1;     // index into specs
  };
  Slot reg;   // ModRM.reg (kGpr / kXmm), or the opcode's low bits (plus_r)
  Slot rm;    // ModRM.rm (kGprMem / kXmmMem / kMem)
  Slot imm;   // kImm
  Slot rel;   // kRel
  Slot cond;  // kCond
  // The explicit operands that are register kinds (bit k: operand k), and
  // their specs' access: what VisitRegOperands walks, without the specs.
  uint8_t reg_operand_mask = 0;
  Access reg_operand_access[kMaxOperands] = {};
  // No rel or cond operand: the reg and rm operands and the immediate's
  // value (if any) alone fix the encoding (EncodePlainTo).
  bool plain = false;
  // EncodePlainTo's view of the form, derived from the above so that it
  // reads no spec: which registers its reg and rm operands take, and the
  // bytes it starts with.
  struct PlainPlan {
    // kGpr8: a GPR, of which spl / bpl / sil / dil need a REX prefix.
    enum class RegKind : uint8_t { kNone, kGpr, kGpr8, kXmm };
    RegKind reg = RegKind::kNone;  // the reg operand (kNone: none)
    bool reg_in_opcode = false;    // it is the opcode's +r, not ModRM.reg
    bool has_rm = false;           // an rm operand (a register or memory)
    RegKind rm = RegKind::kNone;   // the register it takes (kNone: memory only)
    uint8_t prefix_byte = 0;       // 66 / F2 / F3, or 0 for none
    uint8_t rex = 0x40;            // REX before R / X / B: 0x48 with REX.W
    uint8_t imm_bytes = 0;         // the immediate's size (0: none)
    // The commonest shape, which EncodePlainTo encodes on its own short
    // path: a ModRM.reg register and a ModRM.rm operand, both kGpr or kXmm
    // (of the classes below), and no immediate.
    bool reg_rm = false;
    RegClass reg_class = RegClass::kGpr;  // with reg_rm: the reg operand's
    RegClass rm_class = RegClass::kGpr;   // with reg_rm: the rm register's
  };
  PlainPlan plain_plan;
};

namespace internal {
extern const FormInfo* const kFormInfos;  // the table, indexed by Form (inst.cc)
}  // namespace internal
inline const FormInfo& GetFormInfo(Form form) {
  return internal::kFormInfos[static_cast<int>(form)];
}

// ---- Inst --------------------------------------------------------------------

class Inst {
 public:
  Inst(Form form, std::initializer_list<Operand> operands) : form_(form) {
    for (const Operand& op : operands) {
      // Extra operands are dropped but counted, so CheckOperands reports them.
      if (num_operands_ < kMaxOperands) operands_[num_operands_] = op;
      ++num_operands_;
    }
  }

  Form form() const { return form_; }
  const FormInfo& info() const { return GetFormInfo(form_); }
  int num_operands() const { return num_operands_; }
  const Operand& operand(int i) const { return operands_[i]; }
  Operand& mutable_operand(int i) { return operands_[i]; }
  // Switches to another form taking the same operands (NarrowImmediate).
  void set_form(Form form) { form_ = form; }

 private:
  Form form_;
  uint8_t num_operands_ = 0;
  std::array<Operand, kMaxOperands> operands_;
};

// OK if the operands fit the form: count, kinds, register classes, immediate
// ranges, memory operand shape. InvalidArgument naming the form otherwise.
absl::Status CheckOperands(const Inst& inst);

// Intel syntax, one space after the mnemonic and ", " between operands:
//   "add rax, qword ptr [rbp+rcx*8-0x10]", "sete sil", "jne L4",
//   "movsd xmm0, qword ptr [rip+C2]", "shl eax, cl", "mov eax, -0x1".
// Immediates and displacements are signed hexadecimal; memory operands carry
// their size (byte/word/dword/qword/xmmword ptr) except for lea.
std::string ToString(const Inst& inst);

// One register an instruction reads or writes.
struct RegOperand {
  Reg reg;
  Access access;
  // The encoding dictates the register (cl of a shift, rdx:rax of div): the
  // register allocator must place the value exactly there.
  bool fixed = false;
  // Index of the Inst operand that holds it (-1 for fixed registers), and
  // whether it is the base or index of a memory operand (then always a use).
  int operand_index = -1;
  bool in_memory = false;
};

// Calls `f` for every register operand of `inst`, in operand order, fixed
// registers included. The register allocator's only view of an instruction.
void ForEachRegOperand(const Inst& inst, absl::FunctionRef<void(const RegOperand&)> f);

// ForEachRegOperand for hot paths: the same walk, with `f` inlined rather
// than called through a FunctionRef for every operand.
template <typename F>
inline void VisitRegOperands(const Inst& inst, F&& f) {
  const FormInfo& info = inst.info();
  int k = 0;
  for (int i = 0; i < info.num_specs; ++i) {
    const OperandSpec& s = info.specs[i];
    if (s.kind == OperandKind::kFixedGpr) {
      f(RegOperand{Reg::Gpr(s.fixed_enc), s.access, /*fixed=*/true});
      continue;
    }
    const int index = k++;
    if (index >= inst.num_operands() || !s.is_register_kind()) continue;
    const Operand& op = inst.operand(index);
    if (const Reg* r = op.reg()) {
      f(RegOperand{*r, s.access, false, index, false});
    } else if (const Mem* m = op.mem()) {
      if (m->is_rip()) continue;
      if (m->base().is_valid()) f(RegOperand{m->base(), Access::kUse, false, index, true});
      if (m->index().is_valid()) f(RegOperand{m->index(), Access::kUse, false, index, true});
    }
  }
}

// "usedef rax, use rbp, use rcx, fixed use rcx": the listing as text.
std::string RegOperandsToString(const Inst& inst);

// If `inst` has an imm32 operand whose value fits in a sign-extended imm8 and
// the table has the same instruction with simm8 in its place (add r/m, imm32 ->
// add r/m, simm8), returns that shorter instruction; otherwise `inst`. The
// twin is found by comparing rows, not from a hand-kept list.
Inst NarrowImmediate(const Inst& inst);
// NarrowImmediate(inst).form(), without copying `inst`.
Form NarrowImmediateForm(const Inst& inst);

}  // namespace wasm::x64

#endif  // RUNTIME_X64_INST_H_
