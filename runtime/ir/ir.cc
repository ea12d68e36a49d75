#include "runtime/ir/ir.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "runtime/ir/builtins.h"

namespace wasm::ir {

absl::string_view TypeName(Type t) {
  switch (t) {
    case Type::kI32: return "i32";
    case Type::kI64: return "i64";
    case Type::kF32: return "f32";
    case Type::kF64: return "f64";
    case Type::kNone: return "none";
  }
  return "?";
}

absl::string_view OpcodeName(IrOpcode op) {
  switch (op) {
#define IR_OP(name, text, format) case IrOpcode::k##name: return text;
#include "runtime/ir/ir_opcodes.def"
  }
  return "?";
}

absl::string_view CondName(Cond c) {
  switch (c) {
    case Cond::kEq: return "eq";
    case Cond::kNe: return "ne";
    case Cond::kSlt: return "slt";
    case Cond::kUlt: return "ult";
    case Cond::kSgt: return "sgt";
    case Cond::kUgt: return "ugt";
    case Cond::kSle: return "sle";
    case Cond::kUle: return "ule";
    case Cond::kSge: return "sge";
    case Cond::kUge: return "uge";
    case Cond::kLt: return "lt";
    case Cond::kGt: return "gt";
    case Cond::kLe: return "le";
    case Cond::kGe: return "ge";
  }
  return "?";
}

namespace {

struct BuiltinInfo {
  absl::string_view name, params, results;
};

constexpr BuiltinInfo kBuiltins[] = {
#define IR_BUILTIN_INFO(name, text, params, results) {text, params, results},
    IR_BUILTINS(IR_BUILTIN_INFO)
#undef IR_BUILTIN_INFO
};

const BuiltinInfo& Info(Builtin b) { return kBuiltins[static_cast<uint32_t>(b)]; }

}  // namespace

absl::string_view BuiltinName(Builtin b) { return Info(b).name; }
absl::string_view BuiltinParams(Builtin b) { return Info(b).params; }
absl::string_view BuiltinResults(Builtin b) { return Info(b).results; }

// --- Function ------------------------------------------------------------------

void Function::ReplaceUses(Value from, Value to) {
  to = Resolve(to);
  if (from == to) return;
  ValueData& d = values[from.index];
  d.kind = ValueData::Kind::kAlias;
  d.def = to.index;
}

void Function::ResolveAllAliases() {
  // Only the operands and block arguments of instructions in the layout:
  // the pool also holds results (never aliases while their instruction is
  // in a block) and the operands of removed instructions (never read).
  // The bounds are read into locals once: the stores into the pool could
  // otherwise alias them, and the loops would reload them.
  Value* const pool = value_pool.data();
  const ValueData* const vals = values.data();
  const InstData* const all_insts = insts.data();
  const BlockCall* const calls = block_calls.data();
  auto resolve_range = [pool, vals](uint32_t begin, uint32_t end) {
    for (uint32_t k = begin; k < end; ++k) {
      uint32_t v = pool[k].index;
      if (vals[v].kind != ValueData::Kind::kAlias) continue;
      do v = vals[v].def;
      while (vals[v].kind == ValueData::Kind::kAlias);
      pool[k] = Value(v);
    }
  };
  for (Block b : layout) {
    for (Inst i : blocks[b.index].insts) {
      const InstData& d = all_insts[i.index];
      const uint32_t args_begin = d.args_begin, args_count = d.args_count;
      const uint32_t targets_begin = d.targets_begin, targets_count = d.targets_count;
      resolve_range(args_begin, args_begin + args_count);
      for (uint32_t t = targets_begin; t < targets_begin + targets_count; ++t) {
        const uint32_t begin = calls[t].args_begin, count = calls[t].args_count;
        resolve_range(begin, begin + count);
      }
    }
  }
}

void Function::RemoveInst(Inst i) {
  InstData& d = insts[i.index];
  if (!d.block.valid()) return;
  std::vector<Inst>& list = blocks[d.block.index].insts;
  list.erase(std::find(list.begin(), list.end(), i));
  d.block = Block();
}

std::vector<uint32_t> CountUses(const Function& f) {
  std::vector<uint32_t> uses(f.values.size(), 0);
  uint32_t* const count = uses.data();
  const Value* const pool = f.value_pool.data();
  const ValueData* const vals = f.values.data();
  const InstData* const insts = f.insts.data();
  const BlockCall* const calls = f.block_calls.data();
  auto count_range = [count, pool, vals](uint32_t begin, uint32_t end) {
    for (uint32_t k = begin; k < end; ++k) {
      uint32_t v = pool[k].index;
      while (vals[v].kind == ValueData::Kind::kAlias) v = vals[v].def;
      ++count[v];
    }
  };
  for (Block b : f.layout) {
    for (Inst i : f.blocks[b.index].insts) {
      const InstData& d = insts[i.index];
      const uint32_t targets_begin = d.targets_begin, targets_count = d.targets_count;
      count_range(d.args_begin, d.args_begin + d.args_count);
      for (uint32_t t = targets_begin; t < targets_begin + targets_count; ++t) {
        count_range(calls[t].args_begin, calls[t].args_begin + calls[t].args_count);
      }
    }
  }
  return uses;
}

// --- FunctionStorage -------------------------------------------------------------

Function FunctionStorage::Take() {
  Function f = std::move(spare_);
  spare_ = Function();
  return f;
}

void FunctionStorage::Recycle(Function f) {
  constexpr size_t kKeepLimit = size_t{1} << 16;
  if (f.insts.capacity() > kKeepLimit || f.value_pool.capacity() > kKeepLimit ||
      f.values.capacity() > kKeepLimit || f.blocks.capacity() > kKeepLimit) {
    return;
  }
  // A block's lists are kept unless long, for at most kKeepBlocks blocks:
  // what is kept stays bounded (about 40 MB at worst) however many functions
  // with long blocks pass.
  constexpr size_t kKeepBlockLimit = 1024;
  constexpr size_t kKeepBlocks = size_t{1} << 13;
  for (BlockData& b : f.blocks) {
    if (b.insts.capacity() == 0 && b.params.capacity() == 0) continue;
    if (b.insts.capacity() > kKeepBlockLimit || b.params.capacity() > kKeepBlockLimit) continue;
    if (blocks_.size() >= kKeepBlocks) break;
    b.insts.clear();
    b.params.clear();
    blocks_.push_back(std::move(b));
  }
  f.name.clear();
  f.signature.params.clear();
  f.signature.results.clear();
  f.layout.clear();
  f.insts.clear();
  f.values.clear();
  f.blocks.clear();
  f.value_pool.clear();
  f.block_calls.clear();
  spare_ = std::move(f);
}

// --- FunctionBuilder -------------------------------------------------------------

Block FunctionBuilder::CreateBlock() {
  if (storage_ != nullptr) {
    f_->blocks.push_back(storage_->TakeBlock());
  } else {
    f_->blocks.emplace_back();
  }
  in_layout_.push_back(false);
  return Block(static_cast<uint32_t>(f_->blocks.size() - 1));
}

Value FunctionBuilder::AppendBlockParam(Block b, Type t) {
  BlockData& data = f_->block(b);
  const Value v(static_cast<uint32_t>(f_->values.size()));
  f_->values.push_back(ValueData{t, ValueData::Kind::kParam, b.index,
                                 static_cast<uint32_t>(data.params.size())});
  data.params.push_back(v);
  return v;
}

void FunctionBuilder::SwitchToBlock(Block b) {
  current_ = b;
  if (in_layout_.size() < f_->blocks.size()) in_layout_.resize(f_->blocks.size(), false);
  if (!in_layout_[b.index]) {
    in_layout_[b.index] = true;
    f_->layout.push_back(b);
    // Most blocks are short: one allocation instead of growing 1, 2, 4, 8.
    std::vector<Inst>& insts = f_->block(b).insts;
    if (insts.capacity() < kInitialBlockCapacity) insts.reserve(kInitialBlockCapacity);
  }
}

bool FunctionBuilder::IsFilled() const { return f_->Terminator(current_).valid(); }

Inst FunctionBuilder::Append(InstData data, absl::Span<const Value> args,
                             absl::Span<const Type> results) {
  Function& f = *f_;
  const Inst inst(static_cast<uint32_t>(f.insts.size()));
  std::vector<Value>& pool = f.value_pool;
  data.args_begin = static_cast<uint32_t>(pool.size());
  data.args_count = static_cast<uint32_t>(args.size());
  for (Value v : args) pool.push_back(v);
  data.results_begin = static_cast<uint32_t>(pool.size());
  data.results_count = static_cast<uint32_t>(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    pool.push_back(Value(static_cast<uint32_t>(f.values.size())));
    f.values.push_back(ValueData{results[i], ValueData::Kind::kResult, inst.index,
                                 static_cast<uint32_t>(i)});
  }
  data.block = current_;
  f.insts.push_back(data);
  f.block(current_).insts.push_back(inst);
  return inst;
}

Value FunctionBuilder::AppendOne(InstData data, absl::Span<const Value> args, Type result) {
  Function& f = *f_;
  const uint32_t inst = static_cast<uint32_t>(f.insts.size());
  const Value v(static_cast<uint32_t>(f.values.size()));
  std::vector<Value>& pool = f.value_pool;
  data.args_begin = static_cast<uint32_t>(pool.size());
  data.args_count = static_cast<uint32_t>(args.size());
  data.results_begin = data.args_begin + data.args_count;
  data.results_count = 1;
  data.block = current_;
  for (Value a : args) pool.push_back(a);
  pool.push_back(v);
  f.values.push_back(ValueData{result, ValueData::Kind::kResult, inst, 0});
  f.insts.push_back(data);
  f.block(current_).insts.push_back(Inst(inst));
  return v;
}

uint32_t FunctionBuilder::AddBlockCall(Block b, absl::Span<const Value> args) {
  BlockCall call{b, static_cast<uint32_t>(f_->value_pool.size()),
                 static_cast<uint32_t>(args.size())};
  for (Value v : args) f_->value_pool.push_back(v);
  f_->block_calls.push_back(call);
  return static_cast<uint32_t>(f_->block_calls.size() - 1);
}

Value FunctionBuilder::Iconst(Type t, uint64_t bits) {
  InstData d;
  d.op = IrOpcode::kIconst;
  d.type = t;
  d.imm64 = t == Type::kI32 ? (bits & 0xffffffffu) : bits;
  return AppendOne(d, {}, t);
}

Value FunctionBuilder::F32const(uint32_t bits) {
  InstData d;
  d.op = IrOpcode::kF32const;
  d.type = Type::kF32;
  d.imm64 = bits;
  return AppendOne(d, {}, Type::kF32);
}

Value FunctionBuilder::F64const(uint64_t bits) {
  InstData d;
  d.op = IrOpcode::kF64const;
  d.type = Type::kF64;
  d.imm64 = bits;
  return AppendOne(d, {}, Type::kF64);
}

Value FunctionBuilder::Unary(IrOpcode op, Type result, Value a) {
  InstData d;
  d.op = op;
  d.type = result;
  const Value args[] = {a};
  return AppendOne(d, args, result);
}

Value FunctionBuilder::Binary(IrOpcode op, Type t, Value a, Value b) {
  InstData d;
  d.op = op;
  d.type = t;
  const Value args[] = {a, b};
  return AppendOne(d, args, t);
}

Value FunctionBuilder::Icmp(Cond c, Value a, Value b) {
  InstData d;
  d.op = IrOpcode::kIcmp;
  d.type = f_->ValueType(a);
  d.cond = c;
  const Value args[] = {a, b};
  return AppendOne(d, args, Type::kI32);
}

Value FunctionBuilder::Fcmp(Cond c, Value a, Value b) {
  InstData d;
  d.op = IrOpcode::kFcmp;
  d.type = f_->ValueType(a);
  d.cond = c;
  const Value args[] = {a, b};
  return AppendOne(d, args, Type::kI32);
}

Value FunctionBuilder::Select(Type t, Value cond, Value a, Value b) {
  InstData d;
  d.op = IrOpcode::kSelect;
  d.type = t;
  const Value args[] = {cond, a, b};
  return AppendOne(d, args, t);
}

Value FunctionBuilder::Load(Type t, MemFlags flags, Value addr, uint32_t offset) {
  InstData d;
  d.op = IrOpcode::kLoad;
  d.type = t;
  d.mem = flags;
  d.imm32 = offset;
  const Value args[] = {addr};
  return AppendOne(d, args, t);
}

void FunctionBuilder::Store(MemFlags flags, Value addr, Value value, uint32_t offset) {
  InstData d;
  d.op = IrOpcode::kStore;
  d.type = f_->ValueType(value);
  d.mem = flags;
  d.imm32 = offset;
  const Value args[] = {addr, value};
  Append(d, args, {});
}

Value FunctionBuilder::GlobalGet(Type t, uint32_t index) {
  InstData d;
  d.op = IrOpcode::kGlobalGet;
  d.type = t;
  d.imm32 = index;
  return AppendOne(d, {}, t);
}

void FunctionBuilder::GlobalSet(uint32_t index, Value v) {
  InstData d;
  d.op = IrOpcode::kGlobalSet;
  d.type = f_->ValueType(v);
  d.imm32 = index;
  const Value args[] = {v};
  Append(d, args, {});
}

std::vector<Value> FunctionBuilder::Call(uint32_t func_index, absl::Span<const Value> args,
                                         absl::Span<const Type> results) {
  const absl::Span<const Value> r = f_->Results(CallInst(func_index, args, results));
  return std::vector<Value>(r.begin(), r.end());
}

Inst FunctionBuilder::CallInst(uint32_t func_index, absl::Span<const Value> args,
                                absl::Span<const Type> results) {
  InstData d;
  d.op = IrOpcode::kCall;
  d.imm32 = func_index;
  return Append(d, args, results);
}

std::vector<Value> FunctionBuilder::CallIndirect(uint32_t type_index, uint32_t table_index,
                                                 Value callee, absl::Span<const Value> args,
                                                 absl::Span<const Type> results) {
  InstData d;
  d.op = IrOpcode::kCallIndirect;
  d.imm32 = type_index;
  d.imm32b = table_index;
  std::vector<Value> all;
  all.reserve(args.size() + 1);
  all.push_back(callee);
  all.insert(all.end(), args.begin(), args.end());
  const Inst i = Append(d, all, results);
  const absl::Span<const Value> r = f_->Results(i);
  return std::vector<Value>(r.begin(), r.end());
}

std::vector<Value> FunctionBuilder::CallBuiltin(uint32_t builtin, uint32_t index,
                                                absl::Span<const Value> args,
                                                absl::Span<const Type> results) {
  InstData d;
  d.op = IrOpcode::kCallBuiltin;
  d.imm32 = builtin;
  d.imm32b = index;
  const Inst i = Append(d, args, results);
  const absl::Span<const Value> r = f_->Results(i);
  return std::vector<Value>(r.begin(), r.end());
}

void FunctionBuilder::Jump(Block target, absl::Span<const Value> args) {
  InstData d;
  d.op = IrOpcode::kJump;
  d.targets_begin = AddBlockCall(target, args);
  d.targets_count = 1;
  Append(d, {}, {});
}

void FunctionBuilder::BrIf(Value cond, Block then_block, absl::Span<const Value> then_args,
                           Block else_block, absl::Span<const Value> else_args) {
  InstData d;
  d.op = IrOpcode::kBrIf;
  d.targets_begin = AddBlockCall(then_block, then_args);
  AddBlockCall(else_block, else_args);
  d.targets_count = 2;
  const Value args[] = {cond};
  Append(d, args, {});
}

void FunctionBuilder::BrTable(Value index, absl::Span<const Block> targets) {
  InstData d;
  d.op = IrOpcode::kBrTable;
  d.targets_begin = static_cast<uint32_t>(f_->block_calls.size());
  for (Block b : targets) AddBlockCall(b, {});
  d.targets_count = static_cast<uint32_t>(targets.size());
  const Value args[] = {index};
  Append(d, args, {});
}

void FunctionBuilder::Return(absl::Span<const Value> values) {
  InstData d;
  d.op = IrOpcode::kReturn;
  Append(d, values, {});
}

void FunctionBuilder::Trap(uint32_t kind) {
  InstData d;
  d.op = IrOpcode::kTrap;
  d.imm32 = kind;
  Append(d, {}, {});
}

void FunctionBuilder::TrapIf(Value cond, uint32_t kind) {
  InstData d;
  d.op = IrOpcode::kTrapIf;
  d.imm32 = kind;
  const Value args[] = {cond};
  Append(d, args, {});
}

}  // namespace wasm::ir
