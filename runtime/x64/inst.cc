// The form table (inst_forms.def expanded into FormInfo rows, checked at
// compile time) and the generic table-driven parts of Inst: operand checking,
// printing and the register-operand listing.
#include "runtime/x64/inst.h"

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wasm::x64 {

// ---- The row DSL of inst_forms.def -------------------------------------------
// Lower-case names on purpose: a row reads like the Intel SDM (see the .def).
namespace form_dsl {

struct RexW {
  bool w;
};
inline constexpr RexW w0{false};
inline constexpr RexW w1{true};

inline constexpr Prefix np = Prefix::kNone;
inline constexpr Prefix p66 = Prefix::k66;
inline constexpr Prefix pF2 = Prefix::kF2;
inline constexpr Prefix pF3 = Prefix::kF3;

struct Opcode {
  uint8_t len;
  uint8_t bytes[3];
};
constexpr Opcode op(uint8_t a) { return {1, {a, 0, 0}}; }
constexpr Opcode op(uint8_t a, uint8_t b) { return {2, {a, b, 0}}; }
constexpr Opcode op(uint8_t a, uint8_t b, uint8_t c) { return {3, {a, b, c}}; }

struct ModRm {
  ModRmKind kind;
  uint8_t digit;
};
inline constexpr ModRm slash_r{ModRmKind::kReg, 0};
inline constexpr ModRm plus_r{ModRmKind::kOpcodeReg, 0};
inline constexpr ModRm no_modrm{ModRmKind::kNone, 0};
constexpr ModRm slash(int n) { return {ModRmKind::kDigit, static_cast<uint8_t>(n)}; }

constexpr OperandSpec RegKind(OperandKind kind, int width) {
  return {kind, static_cast<uint8_t>(width), Access::kNone};
}
inline constexpr OperandSpec r8 = RegKind(OperandKind::kGpr, 8);
inline constexpr OperandSpec r16 = RegKind(OperandKind::kGpr, 16);
inline constexpr OperandSpec r32 = RegKind(OperandKind::kGpr, 32);
inline constexpr OperandSpec r64 = RegKind(OperandKind::kGpr, 64);
inline constexpr OperandSpec rm8 = RegKind(OperandKind::kGprMem, 8);
inline constexpr OperandSpec rm16 = RegKind(OperandKind::kGprMem, 16);
inline constexpr OperandSpec rm32 = RegKind(OperandKind::kGprMem, 32);
inline constexpr OperandSpec rm64 = RegKind(OperandKind::kGprMem, 64);
inline constexpr OperandSpec xmm = RegKind(OperandKind::kXmm, 128);
inline constexpr OperandSpec xmm_m32 = RegKind(OperandKind::kXmmMem, 32);
inline constexpr OperandSpec xmm_m64 = RegKind(OperandKind::kXmmMem, 64);
inline constexpr OperandSpec xmm_m128 = RegKind(OperandKind::kXmmMem, 128);
inline constexpr OperandSpec m = RegKind(OperandKind::kMem, 0);
inline constexpr OperandSpec cl = {OperandKind::kFixedGpr,          8, Access::kNone, false, true,
                                   static_cast<uint8_t>(kRcx.enc())};
inline constexpr OperandSpec implicit_rax = {
    OperandKind::kFixedGpr, 64, Access::kNone, false, false, static_cast<uint8_t>(kRax.enc())};
inline constexpr OperandSpec implicit_rdx = {
    OperandKind::kFixedGpr, 64, Access::kNone, false, false, static_cast<uint8_t>(kRdx.enc())};

constexpr OperandSpec WithAccess(OperandSpec s, Access a) {
  s.access = a;
  return s;
}
constexpr OperandSpec Use(OperandSpec s) { return WithAccess(s, Access::kUse); }
constexpr OperandSpec Def(OperandSpec s) { return WithAccess(s, Access::kDef); }
constexpr OperandSpec UseDef(OperandSpec s) { return WithAccess(s, Access::kUseDef); }

constexpr OperandSpec ImmKind(int width, bool sign_extended) {
  return {OperandKind::kImm, static_cast<uint8_t>(width), Access::kUse, sign_extended};
}
inline constexpr OperandSpec imm8 = ImmKind(8, false);
inline constexpr OperandSpec simm8 = ImmKind(8, true);
inline constexpr OperandSpec imm16 = ImmKind(16, false);
inline constexpr OperandSpec imm32 = ImmKind(32, false);
inline constexpr OperandSpec simm32 = ImmKind(32, true);
inline constexpr OperandSpec imm64 = ImmKind(64, false);
inline constexpr OperandSpec rel8 = {OperandKind::kRel, 8, Access::kUse};
inline constexpr OperandSpec rel32 = {OperandKind::kRel, 32, Access::kUse};
inline constexpr OperandSpec cc = {OperandKind::kCond, 0, Access::kUse};

constexpr FormInfo MakeForm(absl::string_view name, absl::string_view mnemonic, RexW rex_w,
                            Prefix prefix, Opcode opcode, ModRm modrm,
                            std::initializer_list<OperandSpec> specs) {
  FormInfo f{};
  f.name = name;
  f.mnemonic = mnemonic;
  f.rex_w = rex_w.w;
  f.prefix = prefix;
  f.opcode_len = opcode.len;
  for (int i = 0; i < 3; ++i) f.opcode[i] = opcode.bytes[i];
  f.modrm = modrm.kind;
  f.digit = modrm.digit;
  f.num_specs = 0;
  f.num_explicit = 0;
  for (const OperandSpec& s : specs) {
    // More specs than fit is caught by CheckRow (num_specs counts them all).
    if (f.num_specs < kMaxSpecs) {
      f.specs[f.num_specs] = s;
      // The encoding plan (CheckRow makes each slot taken at most once).
      FormInfo::Slot* slot = nullptr;
      switch (s.kind) {
        case OperandKind::kGpr:
        case OperandKind::kXmm:
          slot = &f.reg;
          break;
        case OperandKind::kGprMem:
        case OperandKind::kXmmMem:
        case OperandKind::kMem:
          slot = &f.rm;
          break;
        case OperandKind::kImm:
          slot = &f.imm;
          break;
        case OperandKind::kRel:
          slot = &f.rel;
          break;
        case OperandKind::kCond:
          slot = &f.cond;
          break;
        case OperandKind::kFixedGpr:
          break;
      }
      if (slot != nullptr) {
        slot->operand = static_cast<int8_t>(f.num_explicit);
        slot->spec = static_cast<int8_t>(f.num_specs);
      }
      if ((slot == &f.reg || slot == &f.rm) && f.num_explicit < kMaxOperands) {
        f.reg_operand_mask = static_cast<uint8_t>(f.reg_operand_mask | (1 << f.num_explicit));
        f.reg_operand_access[f.num_explicit] = s.access;
      }
    }
    ++f.num_specs;
    if (s.explicit_operand()) ++f.num_explicit;
  }
  f.plain = f.rel.operand < 0 && f.cond.operand < 0;
  // The plain plan (only read for plain forms; set for all).
  using RegKind = FormInfo::PlainPlan::RegKind;
  FormInfo::PlainPlan& pp = f.plain_plan;
  auto reg_kind = [](const OperandSpec& s) {
    switch (s.kind) {
      case OperandKind::kGpr:
      case OperandKind::kGprMem:
        return s.width == 8 ? RegKind::kGpr8 : RegKind::kGpr;
      case OperandKind::kXmm:
      case OperandKind::kXmmMem:
        return RegKind::kXmm;
      default:
        return RegKind::kNone;
    }
  };
  if (f.reg.spec >= 0) {
    pp.reg = reg_kind(f.specs[f.reg.spec]);
    pp.reg_in_opcode = f.modrm == ModRmKind::kOpcodeReg;
  }
  if (f.rm.spec >= 0) {
    pp.has_rm = true;
    pp.rm = reg_kind(f.specs[f.rm.spec]);
  }
  constexpr uint8_t kPrefixByte[] = {0, 0x66, 0xf2, 0xf3};  // by Prefix's value
  pp.prefix_byte = kPrefixByte[static_cast<int>(f.prefix)];
  pp.rex = f.rex_w ? 0x48 : 0x40;
  if (f.imm.spec >= 0) pp.imm_bytes = static_cast<uint8_t>(f.specs[f.imm.spec].width / 8);
  auto full_class = [](RegKind k) { return k == RegKind::kGpr || k == RegKind::kXmm; };
  pp.reg_rm = full_class(pp.reg) && !pp.reg_in_opcode && pp.has_rm && full_class(pp.rm) &&
              pp.imm_bytes == 0;
  pp.reg_class = pp.reg == RegKind::kXmm ? RegClass::kXmm : RegClass::kGpr;
  pp.rm_class = pp.rm == RegKind::kXmm ? RegClass::kXmm : RegClass::kGpr;
  return f;
}

constexpr FormInfo kFormTable[] = {
#define X64_FORM(name, mnemonic, rex_w, prefix, opcode, modrm, ...) \
  MakeForm(#name, mnemonic, rex_w, prefix, opcode, modrm, {__VA_ARGS__}),
#include "runtime/x64/inst_forms.def"
};

}  // namespace form_dsl

namespace {

using form_dsl::kFormTable;
static_assert(std::size(kFormTable) == kNumForms);

// ---- Compile-time checks of every row ------------------------------------------
// A failing check calls this non-constexpr function, so the compiler's error
// names the row and the broken rule.
void RowCheckFailed(absl::string_view /*form*/, const char* /*rule*/) {}

constexpr bool IsRmKind(OperandKind k) {
  return k == OperandKind::kGprMem || k == OperandKind::kXmmMem || k == OperandKind::kMem;
}

constexpr bool CheckRow(const FormInfo& f) {
  auto require = [&f](bool ok, const char* rule) {
    if (!ok) RowCheckFailed(f.name, rule);
  };
  require(f.num_specs <= kMaxSpecs, "too many operands");
  require(f.num_explicit <= kMaxOperands, "too many explicit operands");
  int reg_field = 0, rm = 0, opcode_reg = 0, rel = 0, imm = 0, conds = 0;
  for (int i = 0; i < f.num_specs && i < kMaxSpecs; ++i) {
    const OperandSpec& s = f.specs[i];
    if (s.is_register_kind())
      require(s.access != Access::kNone, "register operand without Use/Def/UseDef");
    if (s.kind == OperandKind::kGpr && f.modrm == ModRmKind::kOpcodeReg)
      ++opcode_reg;
    else if (s.kind == OperandKind::kGpr || s.kind == OperandKind::kXmm)
      ++reg_field;
    if (IsRmKind(s.kind)) ++rm;
    if (s.kind == OperandKind::kRel) ++rel;
    if (s.kind == OperandKind::kImm) {
      ++imm;
      require(!(f.rex_w && s.width == 32 && !s.sign_extended),
              "64-bit rows take simm32: a zero-extended imm32 does not exist");
    }
    if (s.kind == OperandKind::kCond) ++conds;
  }
  switch (f.modrm) {
    case ModRmKind::kReg:
      require(reg_field == 1 && rm == 1, "slash_r needs one register and one r/m operand");
      break;
    case ModRmKind::kDigit:
      require(reg_field == 0 && rm == 1 && f.digit < 8, "slash(n) needs one r/m operand");
      break;
    case ModRmKind::kOpcodeReg:
      require(opcode_reg == 1 && rm == 0 && reg_field == 0, "plus_r needs one register");
      require((f.opcode[f.opcode_len - 1] & 7) == 0, "plus_r opcode must end in 3 zero bits");
      break;
    case ModRmKind::kNone:
      require(reg_field == 0 && rm == 0, "no_modrm rows cannot have register operands");
      break;
  }
  require(rel <= 1 && imm <= 1 && conds <= 1, "one rel, one immediate, one cc at most");
  require(!(rel == 1 && (rm == 1 || imm == 1)), "at most one trailing field with a rel");
  require(conds == 0 || (f.opcode[f.opcode_len - 1] & 15) == 0,
          "cc opcode must end in 4 zero bits");
  require(f.opcode_len >= 1 && f.opcode_len <= 3, "opcode is 1 to 3 bytes");
  if (f.opcode_len == 1) require(f.opcode[0] != 0x0f, "0F must be followed by an opcode");
  if (f.opcode_len >= 2) require(f.opcode[0] == 0x0f, "multi-byte opcodes start with 0F");
  if (f.opcode_len == 3) require(f.opcode[1] == 0x38 || f.opcode[1] == 0x3a, "0F 38 / 0F 3A maps");
  return true;
}

// One instantiation per row, so a failure names the row: "CheckRowAt<42>".
template <size_t kRow>
constexpr bool CheckRowAt() {
  return CheckRow(kFormTable[kRow]);
}
template <size_t... kRows>
constexpr bool CheckTable(std::index_sequence<kRows...>) {
  return (CheckRowAt<kRows>() && ...);
}
static_assert(CheckTable(std::make_index_sequence<kNumForms>()));

// ---- NarrowImmediate's twins, computed from the table at compile time ----------

constexpr bool SameSpec(const OperandSpec& a, const OperandSpec& b) {
  return a.kind == b.kind && a.width == b.width && a.access == b.access &&
         a.sign_extended == b.sign_extended && a.printed == b.printed && a.fixed_enc == b.fixed_enc;
}

constexpr int ImmSpecIndex(const FormInfo& f) {
  for (int i = 0; i < f.num_specs; ++i) {
    if (f.specs[i].kind == OperandKind::kImm) return i;
  }
  return -1;
}

// The row that is `wide` with its imm32 replaced by simm8, or -1.
constexpr int NarrowTwin(const FormInfo& wide) {
  int k = ImmSpecIndex(wide);
  if (k < 0 || wide.specs[k].width != 32) return -1;
  for (int j = 0; j < kNumForms; ++j) {
    const FormInfo& n = kFormTable[j];
    if (n.mnemonic != wide.mnemonic || n.rex_w != wide.rex_w || n.prefix != wide.prefix ||
        n.num_specs != wide.num_specs) {
      continue;
    }
    bool same = true;
    for (int i = 0; i < n.num_specs; ++i) {
      if (i == k) {
        same = same && n.specs[i].kind == OperandKind::kImm && n.specs[i].width == 8 &&
               n.specs[i].sign_extended;
      } else {
        same = same && SameSpec(n.specs[i], wide.specs[i]);
      }
    }
    if (same) return j;
  }
  return -1;
}

constexpr std::array<int16_t, kNumForms> MakeNarrowTwins() {
  std::array<int16_t, kNumForms> twins{};
  for (int i = 0; i < kNumForms; ++i) twins[i] = static_cast<int16_t>(NarrowTwin(kFormTable[i]));
  return twins;
}
constexpr std::array<int16_t, kNumForms> kNarrowTwins = MakeNarrowTwins();
static_assert(kNarrowTwins[static_cast<int>(Form::kAdd64MI)] == static_cast<int>(Form::kAdd64MI8));
static_assert(kNarrowTwins[static_cast<int>(Form::kImul32RMI)] ==
              static_cast<int>(Form::kImul32RMI8));
static_assert(kNarrowTwins[static_cast<int>(Form::kMov64MI)] == -1);

constexpr absl::string_view kCondNames[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                              "s", "ns", "p", "np", "l", "ge", "le", "g"};

// ---- Operand checking ----------------------------------------------------------

absl::Status CheckMem(const Mem& m) {
  if (m.is_rip()) return absl::OkStatus();
  if (!m.base().is_gpr()) return absl::InvalidArgumentError("memory base must be a GPR");
  if (m.index().is_valid()) {
    if (!m.index().is_gpr()) return absl::InvalidArgumentError("memory index must be a GPR");
    if (m.index() == kRsp) return absl::InvalidArgumentError("rsp cannot be an index");
    int s = m.scale();
    if (s != 1 && s != 2 && s != 4 && s != 8) {
      return absl::InvalidArgumentError("memory scale must be 1, 2, 4 or 8");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOne(const OperandSpec& s, const Operand& op) {
  switch (s.kind) {
    case OperandKind::kGpr:
      if (op.reg() && op.reg()->is_gpr()) return absl::OkStatus();
      return absl::InvalidArgumentError("expected a general-purpose register");
    case OperandKind::kXmm:
      if (op.reg() && op.reg()->is_xmm()) return absl::OkStatus();
      return absl::InvalidArgumentError("expected an xmm register");
    case OperandKind::kGprMem:
      if (op.reg() && op.reg()->is_gpr()) return absl::OkStatus();
      if (op.mem()) return CheckMem(*op.mem());
      return absl::InvalidArgumentError("expected a general-purpose register or memory");
    case OperandKind::kXmmMem:
      if (op.reg() && op.reg()->is_xmm()) return absl::OkStatus();
      if (op.mem()) return CheckMem(*op.mem());
      return absl::InvalidArgumentError("expected an xmm register or memory");
    case OperandKind::kMem:
      if (op.mem()) return CheckMem(*op.mem());
      return absl::InvalidArgumentError("expected memory");
    case OperandKind::kImm:
      if (!op.imm()) return absl::InvalidArgumentError("expected an immediate");
      if (!ImmFits(s, op.imm()->value)) {
        return absl::InvalidArgumentError(absl::StrCat("immediate ", op.imm()->value,
                                                       " does not fit ",
                                                       s.sign_extended ? "simm" : "imm", s.width));
      }
      return absl::OkStatus();
    case OperandKind::kRel:
      if (op.label() && op.label()->is_valid()) return absl::OkStatus();
      if (op.symbol() && s.width == 32) return absl::OkStatus();
      return absl::InvalidArgumentError("expected a label (or a symbol for rel32)");
    case OperandKind::kCond:
      if (op.cond()) return absl::OkStatus();
      return absl::InvalidArgumentError("expected a condition code");
    case OperandKind::kFixedGpr:
      break;
  }
  return absl::InternalError("unexpected operand kind");
}

// ---- Printing ------------------------------------------------------------------

std::string SignedHex(int64_t v) {
  if (v < 0) return absl::StrCat("-0x", absl::Hex(0 - static_cast<uint64_t>(v)));
  return absl::StrCat("0x", absl::Hex(v));
}

absl::string_view PtrSize(int width) {
  switch (width) {
    case 8:
      return "byte ptr ";
    case 16:
      return "word ptr ";
    case 32:
      return "dword ptr ";
    case 64:
      return "qword ptr ";
    case 128:
      return "xmmword ptr ";
  }
  return "";
}

std::string MemToString(const Mem& m, int width) {
  std::string out = std::string(PtrSize(width));
  out += "[";
  if (m.is_rip()) {
    absl::StrAppend(&out, "rip+", m.rip_target() == Mem::RipTarget::kLabel ? "L" : "C",
                    m.target_id());
  } else {
    out += std::string(RegName(m.base()));
    if (m.index().is_valid()) absl::StrAppend(&out, "+", RegName(m.index()), "*", m.scale());
  }
  if (m.disp() > 0) absl::StrAppend(&out, "+", SignedHex(m.disp()));
  if (m.disp() < 0) out += SignedHex(m.disp());
  out += "]";
  return out;
}

std::string OperandToString(const OperandSpec& s, const Operand& op) {
  if (const Reg* r = op.reg()) return std::string(RegName(*r, s.width));
  if (const Mem* m = op.mem()) return MemToString(*m, s.width);
  if (const Imm* i = op.imm()) return SignedHex(i->value);
  if (const Label* l = op.label()) return absl::StrCat("L", l->id());
  if (const ExternalSymbol* sym = op.symbol()) return absl::StrCat("sym", sym->id());
  return "<none>";
}

}  // namespace

absl::string_view CondName(Cond c) { return kCondNames[static_cast<uint8_t>(c) & 15]; }

absl::string_view AccessName(Access a) {
  switch (a) {
    case Access::kNone:
      return "none";
    case Access::kUse:
      return "use";
    case Access::kDef:
      return "def";
    case Access::kUseDef:
      return "usedef";
  }
  return "none";
}

const FormInfo* const internal::kFormInfos = kFormTable;

absl::Status CheckOperands(const Inst& inst) {
  const FormInfo& f = inst.info();
  if (inst.num_operands() != f.num_explicit) {
    return absl::InvalidArgumentError(absl::StrCat(f.name, ": expected ", f.num_explicit,
                                                   " operands, got ", inst.num_operands()));
  }
  int k = 0;
  for (int i = 0; i < f.num_specs; ++i) {
    if (!f.specs[i].explicit_operand()) continue;
    absl::Status s = CheckOne(f.specs[i], inst.operand(k));
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(f.name, " operand ", k, ": ", s.message()));
    }
    ++k;
  }
  return absl::OkStatus();
}

std::string ToString(const Inst& inst) {
  const FormInfo& f = inst.info();
  std::string out = std::string(f.mnemonic);
  std::vector<std::string> parts;
  int k = 0;
  for (int i = 0; i < f.num_specs; ++i) {
    const OperandSpec& s = f.specs[i];
    if (s.kind == OperandKind::kFixedGpr) {
      if (s.printed) parts.push_back(std::string(RegName(Reg::Gpr(s.fixed_enc), s.width)));
      continue;
    }
    if (k >= inst.num_operands()) break;
    const Operand& op = inst.operand(k++);
    if (s.kind == OperandKind::kCond) {
      out += op.cond() ? std::string(CondName(*op.cond())) : "<cc?>";
      continue;
    }
    parts.push_back(OperandToString(s, op));
  }
  if (!parts.empty()) absl::StrAppend(&out, " ", absl::StrJoin(parts, ", "));
  return out;
}

void ForEachRegOperand(const Inst& inst, absl::FunctionRef<void(const RegOperand&)> f) {
  VisitRegOperands(inst, f);
}

std::string RegOperandsToString(const Inst& inst) {
  std::vector<std::string> parts;
  ForEachRegOperand(inst, [&](const RegOperand& r) {
    parts.push_back(
        absl::StrCat(r.fixed ? "fixed " : "", AccessName(r.access), " ", RegName(r.reg)));
  });
  return absl::StrJoin(parts, ", ");
}

Form NarrowImmediateForm(const Inst& inst) {
  const int twin = kNarrowTwins[static_cast<int>(inst.form())];
  if (twin < 0) return inst.form();
  const FormInfo& f = inst.info();
  const int k = f.imm.operand;  // explicit index of the immediate
  if (k < 0 || k >= inst.num_operands()) return inst.form();
  const Imm* imm = inst.operand(k).imm();
  if (imm == nullptr || imm->value < -128 || imm->value > 127) return inst.form();
  return static_cast<Form>(twin);
}

Inst NarrowImmediate(const Inst& inst) {
  Inst narrow = inst;
  narrow.set_form(NarrowImmediateForm(inst));
  return narrow;
}

}  // namespace wasm::x64
