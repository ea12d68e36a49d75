// The compiler's SSA intermediate representation, Cranelift-style.
//
// A Function is a list of blocks; a block has parameters (SSA values, instead
// of phi nodes) and a list of instructions ending in exactly one terminator
// (jump / brif / br_table / return / trap). Entities are typed 32-bit
// handles printed as in the text form: Value v3, Block block1, Inst inst7.
//
//   wasm bytes ─► translate (translator.h) ─► Function ─► passes ─► lower ─► x86-64
//
// Storage: instructions, values and blocks live in vectors owned by the
// Function; an instruction's operands, results and branch targets are ranges
// in shared pools, so building a function allocates per block, not per
// instruction.
//
//   Function f(sig);
//   FunctionBuilder b(&f);
//   Block entry = b.CreateBlock();
//   Value x = b.AppendBlockParam(entry, Type::kI32);
//   b.SwitchToBlock(entry);
//   Value y = b.Binary(IrOpcode::kIadd, Type::kI32, x, b.Iconst(Type::kI32, 1));
//   b.Return({y});
//   std::string text = PrintFunction(f);
//
// Invariant: values are defined once; a value's uses are dominated by its
// definition (checked by the verifier, verifier.h).
// Invariant: every block in the layout ends in exactly one terminator, and
// terminators appear nowhere else.
#ifndef RUNTIME_IR_IR_H_
#define RUNTIME_IR_IR_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wasm::ir {

enum class Type : uint8_t { kI32, kI64, kF32, kF64, kNone };
absl::string_view TypeName(Type t);
inline bool IsInt(Type t) { return t == Type::kI32 || t == Type::kI64; }
inline bool IsFloat(Type t) { return t == Type::kF32 || t == Type::kF64; }

// Typed entity handles.
template <char kPrefix>
struct Entity {
  uint32_t index = kInvalid;
  static constexpr uint32_t kInvalid = 0xffffffffu;
  constexpr Entity() = default;
  constexpr explicit Entity(uint32_t i) : index(i) {}
  bool valid() const { return index != kInvalid; }
  bool operator==(const Entity& o) const = default;
  auto operator<=>(const Entity& o) const = default;
};
using Value = Entity<'v'>;
using Block = Entity<'b'>;
using Inst = Entity<'i'>;

enum class IrOpcode : uint8_t {
#define IR_OP(name, text, format) k##name,
#include "runtime/ir/ir_opcodes.def"
};
inline constexpr size_t kNumIrOpcodes = 0
#define IR_OP(name, text, format) +1
#include "runtime/ir/ir_opcodes.def"
    ;

enum class Format : uint8_t {
  kConst, kUnary, kBinary, kIntCompare, kFloatCompare, kSelect, kLoad, kStore,
  kGlobalGet, kGlobalSet, kCall, kCallIndirect, kBuiltin, kJump, kBrIf, kBrTable,
  kReturn, kTrap, kTrapIf,
};

absl::string_view OpcodeName(IrOpcode op);

namespace internal {
inline constexpr Format kOpcodeFormats[] = {
#define IR_OP(name, text, format) Format::format,
#include "runtime/ir/ir_opcodes.def"
};
}  // namespace internal

constexpr Format OpcodeFormat(IrOpcode op) {
  return internal::kOpcodeFormats[static_cast<uint8_t>(op)];
}
// jump, brif, br_table, return and trap.
constexpr bool IsTerminator(IrOpcode op) {
  switch (OpcodeFormat(op)) {
    case Format::kJump:
    case Format::kBrIf:
    case Format::kBrTable:
    case Format::kReturn:
    case Format::kTrap:
      return true;
    default:
      return false;
  }
}

// Conditions of icmp / fcmp. Float conditions are ordered (false on NaN)
// except kNe, which is true on NaN, as in WebAssembly.
enum class Cond : uint8_t { kEq, kNe, kSlt, kUlt, kSgt, kUgt, kSle, kUle, kSge, kUge, kLt, kGt, kLe, kGe };
absl::string_view CondName(Cond c);

// Memory access flags for load / store: width in bytes and, for loads
// narrower than the type, sign extension.
struct MemFlags {
  uint8_t width = 4;  // 1, 2, 4 or 8
  bool sign_extend = false;
};

// A branch target with its block arguments.
struct BlockCall {
  Block block;
  uint32_t args_begin = 0;
  uint32_t args_count = 0;
};

struct InstData {
  IrOpcode op = IrOpcode::kIconst;
  Type type = Type::kNone;  // the result type, or the controlling type (store, compare)
  Cond cond = Cond::kEq;
  MemFlags mem;
  uint32_t imm32 = 0;    // offset, index, trap kind, builtin id
  uint32_t imm32b = 0;   // second index (call_indirect table, builtin's index)
  uint64_t imm64 = 0;    // constants' bit patterns
  uint32_t args_begin = 0, args_count = 0;        // into Function::value_pool
  uint32_t results_begin = 0, results_count = 0;  // into Function::value_pool
  uint32_t targets_begin = 0, targets_count = 0;  // into Function::block_calls
  Block block;           // the block holding it (invalid once removed)
};

struct ValueData {
  Type type = Type::kNone;
  enum class Kind : uint8_t { kResult, kParam, kAlias } kind = Kind::kResult;
  uint32_t def = 0;    // the defining Inst (kResult) or Block (kParam), or the aliased Value
  uint32_t index = 0;  // result / parameter position
};

struct BlockData {
  std::vector<Value> params;
  std::vector<Inst> insts;
};

struct Signature {
  std::vector<Type> params;
  std::vector<Type> results;
};

class Function {
 public:
  Function() = default;
  explicit Function(Signature sig) : signature(std::move(sig)) {}

  std::string name;
  Signature signature;
  std::vector<Block> layout;  // block order; layout[0] is the entry block

  std::vector<InstData> insts;
  std::vector<ValueData> values;
  std::vector<BlockData> blocks;
  std::vector<Value> value_pool;
  std::vector<BlockCall> block_calls;

  const InstData& inst(Inst i) const { return insts[i.index]; }
  InstData& inst(Inst i) { return insts[i.index]; }
  const BlockData& block(Block b) const { return blocks[b.index]; }
  BlockData& block(Block b) { return blocks[b.index]; }
  const ValueData& value(Value v) const { return values[v.index]; }
  Type ValueType(Value v) const { return values[v.index].type; }

  // The ranges below are not bounds-checked (like vector::operator[]).
  absl::Span<const Value> Args(Inst i) const {
    const InstData& d = insts[i.index];
    return absl::MakeConstSpan(value_pool.data() + d.args_begin, d.args_count);
  }
  absl::Span<Value> MutableArgs(Inst i) {
    const InstData& d = insts[i.index];
    return absl::MakeSpan(value_pool.data() + d.args_begin, d.args_count);
  }
  absl::Span<const Value> Results(Inst i) const {
    const InstData& d = insts[i.index];
    return absl::MakeConstSpan(value_pool.data() + d.results_begin, d.results_count);
  }
  Value Result(Inst i) const { return value_pool[insts[i.index].results_begin]; }
  absl::Span<const BlockCall> Targets(Inst i) const {
    const InstData& d = insts[i.index];
    return absl::MakeConstSpan(block_calls.data() + d.targets_begin, d.targets_count);
  }
  absl::Span<const Value> CallArgs(const BlockCall& c) const {
    return absl::MakeConstSpan(value_pool.data() + c.args_begin, c.args_count);
  }
  absl::Span<Value> MutableCallArgs(const BlockCall& c) {
    return absl::MakeSpan(value_pool.data() + c.args_begin, c.args_count);
  }

  // Follows alias chains (values replaced by passes) to the real value.
  Value Resolve(Value v) const {
    while (values[v.index].kind == ValueData::Kind::kAlias) v = Value(values[v.index].def);
    return v;
  }
  // Whether block parameter `param` (number `k` of its block) is trivial
  // (Braun et al. 2013): the one value, resolved, that every call in
  // `incoming` (indexes into block_calls, the calls reaching the block)
  // passes as argument `k` other than `param` itself. An invalid Value when
  // two calls pass different values, a call passes fewer than k + 1
  // arguments, or every call passes `param`.
  Value SoleIncomingArg(absl::Span<const uint32_t> incoming, uint32_t k, Value param) const {
    Value same;
    for (uint32_t call : incoming) {
      const BlockCall& c = block_calls[call];
      if (k >= c.args_count) return Value();
      const Value a = Resolve(value_pool[c.args_begin + k]);
      if (a == param) continue;
      if (same.valid() && a != same) return Value();
      same = a;
    }
    return same;
  }
  // Makes `from` an alias of `to`: every use of `from` now means `to`.
  // The instruction that defined `from` must be removed or have other results.
  void ReplaceUses(Value from, Value to);
  // Rewrites every operand and block argument of the instructions in the
  // layout to its resolved value (removed instructions keep theirs).
  void ResolveAllAliases();

  // The block's terminator, or an invalid Inst when it has none yet.
  Inst Terminator(Block b) const {
    const std::vector<Inst>& list = blocks[b.index].insts;
    if (list.empty()) return Inst();
    const Inst last = list.back();
    return IsTerminator(insts[last.index].op) ? last : Inst();
  }

  // The instruction that defines `Resolve(v)`, or an invalid Inst when that
  // value is a block parameter.
  Inst DefiningInst(Value v) const {
    const ValueData& d = values[Resolve(v).index];
    return d.kind == ValueData::Kind::kResult ? Inst(d.def) : Inst();
  }
  // Takes `i` out of its block's instruction list; its InstData stays (with an
  // invalid block) so handles remain meaningful. Linear in the block's length.
  // The caller makes sure no remaining use refers to its results (alias them
  // with ReplaceUses first, or remove the users too).
  void RemoveInst(Inst i);
};

// How often each value is used, indexed by value: operands and branch
// arguments of the instructions of blocks in the layout, counted on resolved
// values (a use of an alias counts for the value it stands for).
std::vector<uint32_t> CountUses(const Function& f);

// The arrays of finished functions, kept to build the next ones in: a thread
// that builds function after function gives each back when done with it, and
// builds the next in the arrays Take returns (and its blocks' lists in
// TakeBlock's), which allocate only when a function outgrows them.
//
//   FunctionStorage storage;
//   Function f = storage.Take();
//   FunctionBuilder b(&f, &storage);
//   ...
//   storage.Recycle(std::move(f));
class FunctionStorage {
 public:
  // An empty Function in the kept arrays (new ones when none are kept).
  Function Take();
  // An empty block whose lists have the capacity of a recycled block's.
  BlockData TakeBlock() {
    if (blocks_.empty()) return BlockData();
    BlockData b = std::move(blocks_.back());
    blocks_.pop_back();
    return b;
  }
  // Keeps the arrays of `f` and of its blocks, emptied; frees those of a
  // big function instead (so as not to hold its memory for good).
  void Recycle(Function f);

 private:
  Function spare_;
  std::vector<BlockData> blocks_;
};

// Appends instructions to a Function. Blocks are created detached and enter
// the layout when first switched to. With a FunctionStorage, new blocks take
// their lists from it.
class FunctionBuilder {
 public:
  explicit FunctionBuilder(Function* f, FunctionStorage* storage = nullptr)
      : f_(f), storage_(storage) {}

  Block CreateBlock();
  Value AppendBlockParam(Block b, Type t);
  // Makes `b` the insertion block; appends it to the layout if not there yet.
  void SwitchToBlock(Block b);
  Block current() const { return current_; }
  // True when the current block already ends in a terminator.
  bool IsFilled() const;

  Value Iconst(Type t, uint64_t bits);
  Value F32const(uint32_t bits);
  Value F64const(uint64_t bits);
  Value Unary(IrOpcode op, Type result, Value a);
  Value Binary(IrOpcode op, Type t, Value a, Value b);
  Value Icmp(Cond c, Value a, Value b);
  Value Fcmp(Cond c, Value a, Value b);
  Value Select(Type t, Value cond, Value a, Value b);
  Value Load(Type t, MemFlags flags, Value addr, uint32_t offset);
  void Store(MemFlags flags, Value addr, Value value, uint32_t offset);
  Value GlobalGet(Type t, uint32_t index);
  void GlobalSet(uint32_t index, Value v);
  // Calls return their results (any number).
  std::vector<Value> Call(uint32_t func_index, absl::Span<const Value> args,
                          absl::Span<const Type> results);
  std::vector<Value> CallIndirect(uint32_t type_index, uint32_t table_index, Value callee,
                                  absl::Span<const Value> args, absl::Span<const Type> results);
  std::vector<Value> CallBuiltin(uint32_t builtin, uint32_t index, absl::Span<const Value> args,
                                 absl::Span<const Type> results);
  // Call, returning the instruction (its results are Function::Results).
  Inst CallInst(uint32_t func_index, absl::Span<const Value> args, absl::Span<const Type> results);
  void Jump(Block target, absl::Span<const Value> args);
  void BrIf(Value cond, Block then_block, absl::Span<const Value> then_args, Block else_block,
            absl::Span<const Value> else_args);
  // targets: the case blocks, then the default; none take arguments.
  void BrTable(Value index, absl::Span<const Block> targets);
  void Return(absl::Span<const Value> values);
  void Trap(uint32_t kind);
  void TrapIf(Value cond, uint32_t kind);

 private:
  static constexpr size_t kInitialBlockCapacity = 8;
  Inst Append(InstData data, absl::Span<const Value> args, absl::Span<const Type> results);
  // Append with exactly one result, of type `result`; returns it.
  Value AppendOne(InstData data, absl::Span<const Value> args, Type result);
  uint32_t AddBlockCall(Block b, absl::Span<const Value> args);

  Function* f_;
  FunctionStorage* storage_;
  Block current_;
  std::vector<bool> in_layout_;
};

// The text form, e.g. for golden tests and dumps. ParseFunction (parser.h)
// reads it back.
std::string PrintFunction(const Function& f);

}  // namespace wasm::ir

#endif  // RUNTIME_IR_IR_H_
