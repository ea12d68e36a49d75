// The baseline compiler's state and its helpers, shared by its files:
// compiler.cc (the driver, control flow, calls, locals), ops_int.cc (integer
// arithmetic, compares, memory, globals) and ops_float.cc (floats and
// conversions). Not a public header: use baseline.h.
//
// ## The model (README.md has the picture)
// One pass over the wasm body, as it validated, with an abstract operand
// stack: each entry is a constant, a register, or its stack slot. Operations
// pop their operands into registers (or use a constant as an immediate, a
// slot as a memory operand) and push their result in a register; when a
// class runs out of registers the lowest register entry is stored to its
// slot.
//
// Invariant (slots): the entry at depth d, when in memory, is in slot d
//   (SlotMem(d)); locals are always in their own slots (LocalMem(i)).
// Invariant (merges): at every label (block / if end, loop header, else) no
//   register holds a value: the entries below the label's height are
//   constants or in their slots (every block, loop and if starts with
//   SpillAll), and the label's values are in slots height, height+1, ...,
//   put there by each branch (StoreLabelValues).
// Invariant (i32): an i32 in a 64-bit register has its upper half zero, as
//   abi.h requires (32-bit operations and loads keep it).
// Invariant (flags): between a compare left pending (PendingCond) and the
//   br_if / if / select that branches on it, only flag-preserving
//   instructions are emitted: the spills, stores, loads and constants
//   in between are mov / movss / movsd / xorps (never `xor r, r`: MovImm
//   uses `mov r32, imm32` for zero).
// Registers: rax rcx rdx rsi rdi r8 r9 and xmm0..xmm13 hold values; r10, r11,
//   xmm14, xmm15 are scratch within one operation (abi.h); r14 = vmctx,
//   r15 = memory base, rbp = frame. Every value is in memory across calls.
#ifndef RUNTIME_BASELINE_COMPILER_H_
#define RUNTIME_BASELINE_COMPILER_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/emit.h"
#include "runtime/codegen/lower.h"
#include "runtime/instruction.h"
#include "runtime/ir/ir.h"
#include "runtime/module.h"
#include "runtime/translator/body_reader.h"
#include "runtime/vm/trap.h"
#include "runtime/x64/assembler.h"

namespace wasm::baseline {

using ir::Type;
using x64::Cond;
using x64::Form;
using x64::Imm;
using x64::Mem;
using x64::Reg;
using x64::RegClass;

// One operand stack entry.
struct Value {
  enum class Loc : uint8_t { kReg, kConst, kStack };
  Loc loc = Loc::kStack;
  Type type = Type::kI32;
  Reg reg;            // kReg
  uint32_t slot = 0;  // kStack: its depth (the invariant below)
  uint64_t bits = 0;  // kConst: i32 zero-extended, i64, f32 / f64 bit patterns

  bool in_reg() const { return loc == Loc::kReg; }
  bool is_const() const { return loc == Loc::kConst; }
  bool in_slot() const { return loc == Loc::kStack; }
};

inline bool IsFloatType(Type t) { return t == Type::kF32 || t == Type::kF64; }
inline RegClass ClassOf(Type t) { return IsFloatType(t) ? RegClass::kXmm : RegClass::kGpr; }

// A block, loop or if being compiled (the function body is the outermost
// block).
struct Control {
  Opcode kind = Opcode::kBlock;  // kBlock, kLoop, kIf, kElse (an if past its else)
  bool dead = false;             // opened in unreachable code: nothing emitted
  bool is_function = false;
  bool label_used = false;       // some branch jumped to `label` (block / if)
  x64::Label label;              // where branches go: the loop header, or the end
  x64::Label else_label;         // kIf
  uint32_t height = 0;           // stack height below the parameters
  absl::Span<const ValType> params;
  absl::Span<const ValType> results;
  size_t LabelArity() const { return kind == Opcode::kLoop ? params.size() : results.size(); }
};

// A compare whose result was not made: the next instruction (br_if, if,
// select) branches on the flags. `parity`: float compares, where unordered
// sets PF (see Compiler::JumpIf).
struct PendingCond {
  bool valid = false;
  Cond cond = Cond::kE;
  enum class Parity : uint8_t { kNone, kUnorderedFalse, kUnorderedTrue } parity = Parity::kNone;
};

class Compiler {
 public:
  Compiler(const Module& m, uint32_t defined_index);
  absl::StatusOr<codegen::FunctionCode> Run();

 private:
  // ---- compiler.cc: driver, control, calls, locals ----
  void Prologue();
  void Epilogue();
  // One instruction in reachable code; false: not supported (error_ set).
  bool Step(const Instruction& in);
  // Structure only, in unreachable code.
  void StepUnreachable(const Instruction& in);
  void OpenBlock(const Instruction& in);
  void Else();
  void End();
  // Leaves for label `t` with its values: stores them, jumps (or returns,
  // for the function's label).
  void JumpTo(Control& t);
  void Branch(uint32_t depth);
  void BranchIf(uint32_t depth);
  void BrTable(const Instruction& in);
  // Returns from the function with the top `results` values.
  void Return();
  void Call(uint32_t func_index);
  void CallIndirect(uint32_t type_index, uint32_t table_index);
  // The call itself, arguments on the stack top: spills everything, passes
  // the arguments, calls through the FuncRef* in rax, pushes the results.
  void EmitCall(const FuncType& type);
  // The native calling convention of `type` (abi.h), computed once per type.
  const codegen::CallConv& ConventionOf(const FuncType& type);
  // A runtime builtin (ir/builtins.h) with `num_args` stack-top i32 / ref
  // arguments; pushes its result of `result` type if `has_result`.
  void CallBuiltin(uint32_t id, uint32_t index, size_t num_args, bool has_result, Type result);
  void LocalGet(uint32_t i);
  void LocalSet(uint32_t i, bool tee);
  void Select();
  // Stores the top n values to slots height.. (a branch to a label there).
  void StoreLabelValues(uint32_t height, size_t n);
  bool NeedsLabelStores(uint32_t height, size_t n) const;
  // Jumps to `target` when the condition on the stack top (or the pending
  // compare) holds (`when_true`) or does not.
  void JumpIf(bool when_true, x64::Label target);

  // ---- ops_int.cc ----
  bool IntOp(const Instruction& in);
  void IntBinary(Opcode op, bool w);
  void DivRem(Opcode op, bool w);
  void Shift(Opcode op, bool w);
  void IntCompare(Cond c, bool w);
  void Eqz(bool w);
  void IntUnary(Opcode op, bool w);
  void Load(const Instruction& in);
  void Store(const Instruction& in);
  // The memory operand of an access of `offset` at the address on the stack
  // top (popped; its register freed after the caller emits, see Addr's
  // `held`).
  Mem Addr(uint32_t offset, Reg* held);
  void GlobalGet(uint32_t i);
  void GlobalSet(uint32_t i);

  // ---- ops_float.cc ----
  bool FloatOp(const Instruction& in);
  void FloatBinary(Opcode op, Type t);  // add sub mul div
  void FloatMinMax(bool is_min, Type t);
  void FloatCopysign(Type t);
  void FloatSignOp(bool neg, Type t);  // neg / abs
  // `form dst, v` (sqrt, round with `imm8` >= 0, promote, demote) into a
  // register of `result` type.
  void FloatUnary(Form form, int imm8, Type result);
  // A compare (pending or made, FinishCompare).
  void FloatCompare(Opcode op, Type t);
  // trunc / trunc_sat from `st` to i32 / i64 (`w`).
  void FloatToInt(Type st, bool w, bool is_signed, bool saturating);
  // convert from `st` (i32 / i64) to `t`.
  void IntToFloat(Type st, Type t, bool is_signed);
  // The four reinterprets, to `t`.
  void Reinterpret(Type t);
  // `f dst, v` with v (a float entry) as the r/m operand: its register (not
  // freed), its slot, or a pool constant; `imm8` >= 0 appended.
  void FloatRM(Form f, Reg dst, const Value& v, int imm8 = -1);
  // A 16-byte mask of the sign bit (or of all the other bits) per lane.
  Mem MaskConstant(Type t, bool sign_bit);
  Mem FloatConstant(Type t, double value);

  // ---- Stack and registers (compiler.cc) ----
 public:
  void Push(const Value& v) {
    if (v.in_reg()) owner_[Idx(v.reg.cls())][v.reg.enc()] = static_cast<int32_t>(stack_.size());
    stack_.push_back(v);
    if (stack_.size() > max_depth_) NewMaxDepth();
  }
  void PushReg(Type t, Reg r) { Push(Value{Value::Loc::kReg, t, r, 0, 0}); }
  void PushConst(Type t, uint64_t bits) { Push(Value{Value::Loc::kConst, t, Reg(), 0, bits}); }
  // An entry already in its slot (a label's value).
  void PushSlot(Type t) {
    Push(Value{Value::Loc::kStack, t, Reg(), static_cast<uint32_t>(stack_.size()), 0});
  }
  // Pops the top entry. A register it is in stays taken until FreeReg.
  Value Pop() {
    const Value v = stack_.back();
    if (v.in_reg()) owner_[Idx(v.reg.cls())][v.reg.enc()] = -1;
    stack_.pop_back();
    return v;
  }
  const Value& Top(size_t k = 0) const { return stack_[stack_.size() - 1 - k]; }
  // Pops the top entry into a register of its class, now the caller's.
  Reg PopToReg();
  // `v` (popped) in a register the caller owns: its own, or a new one.
  Reg ToReg(const Value& v);
  // A free register of `cls` (taken), storing a stack entry if none is free.
  Reg AllocReg(RegClass cls);
  // Takes the specific register `r`, moving a stack entry out of it first.
  // `r` must be free or held by a stack entry: an operand the caller has
  // popped and still owns there is an internal error (callers free their
  // operands, or copy them to scratch registers, first).
  void TakeReg(Reg r);
  void FreeReg(Reg r) { free_[Idx(r.cls())] |= 1u << r.enc(); }
  void FreeIfReg(const Value& v) {
    if (v.in_reg()) FreeReg(v.reg);
  }
  bool IsFree(Reg r) const { return (free_[Idx(r.cls())] >> r.enc()) & 1; }
  // Stores every register entry to its slot.
  void SpillAll();
  // Pops entries down to `height`, freeing their registers.
  void DropTo(size_t height);
  // dst = v (any loc; dst of v's class).
  void LoadValue(Reg dst, const Value& v);
  // An 8-byte slot = v (i32 / f32: the low 4 bytes written, enough for its
  // readers).
  void StoreValue(const Mem& slot, const Value& v);
  // The operand of `v` as an instruction's r/m: its register or its slot.
  bool AsRegOrMem(const Value& v, Reg* reg, Mem* mem) const;

  Mem SlotMem(size_t depth) const {
    return Mem(x64::kRbp, -static_cast<int32_t>(stack_base_ + 8 * (depth + 1)));
  }
  Mem LocalMem(uint32_t i) const { return Mem(x64::kRbp, -static_cast<int32_t>(16 + 8 * (i + 1))); }

  // ---- Emission helpers ----
  // E(form, operands...): the operands as in x64::Inst. The usual shapes
  // (registers, a non-rip memory operand, an immediate) of a plain form go
  // straight to the plain encoder (x64::EncodePlainTo), with no Inst; the
  // rest (conditions, labels, rip-relative operands) as an Inst.
  template <typename... Ops>
  void E(Form form, const Ops&... ops) {
    as_.Emit(form, ops...);
  }
  void E(Form form) { Plain(form, {}, nullptr, -1, 0); }
  void E(Form form, Reg a) { Plain(form, {a}, nullptr, -1, 0); }
  void E(Form form, Reg a, Reg b) { Plain(form, {a, b}, nullptr, -1, 0); }
  void E(Form form, Reg a, const Mem& b) { Plain(form, {a}, &b, 1, 0); }
  void E(Form form, const Mem& a, Reg b) { Plain(form, {Reg(), b}, &a, 0, 0); }
  void E(Form form, Reg a, Imm i) { Plain(form, {a}, nullptr, -1, i.value); }
  void E(Form form, const Mem& a, Imm i) { Plain(form, {}, &a, 0, i.value); }
  void E(Form form, Reg a, Reg b, Imm i) { Plain(form, {a, b}, nullptr, -1, i.value); }
  // `regs`: the register operands by position; `mem` the memory operand, at
  // position mem_at; `imm` the immediate's value.
  void Plain(Form form, std::initializer_list<Reg> regs, const Mem* mem, int mem_at, int64_t imm);
  // op r, imm with the short immediate form when it fits.
  void EmitRI(Form f32bit, Form f8bit, Reg r, int64_t imm);
  // dst = imm (shortest).
  void MovImm(Reg dst, uint64_t bits) { as_.MovImm(dst, static_cast<int64_t>(bits)); }
  // Copies between registers of one class (64-bit / movaps).
  void Mov(Reg dst, Reg src) {
    if (dst != src) as_.MovRegReg(dst.cls(), dst, src);
  }
  // Out-of-line `ud2` for `kind`, emitted after the body.
  x64::Label TrapLabel(TrapKind kind);
  // `cmp`/`test` result into r (0 / 1), per pending-compare rules.
  void SetCond(Reg r, const PendingCond& pc);
  // The pending compare (or `test top, top` of a popped i32) as a jump.
  void JumpOn(const PendingCond& pc, bool when_true, x64::Label target);
  // A compare was just emitted: keep it pending when the next instruction
  // branches on it, else push its 0 / 1 in `r` (r: a register the caller
  // owns, now pushed, or invalid: one allocated).
  void FinishCompare(const PendingCond& pc, Reg r);
  // True when the next instruction is br_if / if / select (compare fusion).
  bool NextBranchesOnFlags() const;

 private:
  static int Idx(RegClass c) { return c == RegClass::kGpr ? 0 : 1; }
  void SpillEntry(size_t i);
  // The stack grew past max_depth_: records it, and fails the function
  // (ResourceExhausted, so the driver uses the optimising compiler) past
  // kMaxDepth.
  void NewMaxDepth();

  const Module& m_;
  const uint32_t func_index_;
  const FunctionBody& body_;
  const FuncType& type_;
  x64::Assembler as_;
  BodyReader* reader_ = nullptr;

  std::vector<Type> local_types_;
  std::vector<Value> stack_;
  std::vector<Control> controls_;
  uint32_t free_[2] = {0, 0};  // per class: bit enc set = free
  // Per class and register: the index of the stack entry in it, or -1 (free,
  // or held by a popped operand). So spilling and moving entries out of
  // registers never walks the stack: at most 21 entries are in registers.
  int32_t owner_[2][16];
  uint32_t max_depth_ = 0;
  uint32_t stack_base_ = 0;    // bytes from rbp down to slot 0's top (past r14/r15, locals)
  int32_t results_out_disp_ = 0;  // the saved results_out pointer (multi-value functions)
  size_t frame_imm_at_ = 0;    // where the prologue's `sub rsp, imm32` immediate is
  bool reachable_ = true;
  PendingCond pending_;
  x64::Label epilogue_;
  std::vector<x64::Label> trap_labels_;  // by TrapKind, made on first use
  std::vector<std::pair<TrapKind, x64::Label>> trap_stubs_;
  std::vector<uint32_t> br_targets_;
  // The deepest operand stack the tier compiles (its slots must fit a disp32
  // and the frame the stack): beyond it, the optimising compiler.
  static constexpr uint32_t kMaxDepth = 1u << 22;
  absl::flat_hash_map<const FuncType*, codegen::CallConv> call_convs_;
  absl::Status error_;
};

// Wasm value type → the register-level type (references are i64).
Type TypeOf(ValType t);

}  // namespace wasm::baseline

#endif  // RUNTIME_BASELINE_COMPILER_H_
