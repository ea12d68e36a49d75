#include "runtime/translator/translator.h"

#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "runtime/errors.h"
#include "runtime/instruction.h"
#include "runtime/ir/builtins.h"
#include "runtime/translator/body_reader.h"
#include "runtime/translator/ssa_builder.h"
#include "runtime/vm/trap.h"

namespace wasm {

ir::Type IrType(ValType t) {
  switch (t) {
    case ValType::kI32: return ir::Type::kI32;
    case ValType::kI64: return ir::Type::kI64;
    case ValType::kF32: return ir::Type::kF32;
    case ValType::kF64: return ir::Type::kF64;
    default: return ir::Type::kI64;  // funcref / externref
  }
}

ir::Signature IrSignature(const FuncType& type) {
  ir::Signature sig;
  for (ValType t : type.params) sig.params.push_back(IrType(t));
  for (ValType t : type.results) sig.results.push_back(IrType(t));
  return sig;
}

namespace {

using ir::Block;
using ir::IrOpcode;
using ir::Value;

absl::InlinedVector<ir::Type, 4> IrTypesInline(absl::Span<const ValType> types) {
  absl::InlinedVector<ir::Type, 4> out;
  for (ValType t : types) out.push_back(IrType(t));
  return out;
}

std::vector<ir::Type> IrTypes(absl::Span<const ValType> types) {
  std::vector<ir::Type> out;
  out.reserve(types.size());
  for (ValType t : types) out.push_back(IrType(t));
  return out;
}

struct Frame {
  Opcode kind;          // kBlock, kLoop, kIf, kElse; the function's frame is a kBlock
  bool dead;            // entered in unreachable code: nothing is emitted for it
  bool is_function;
  Block label;          // branch target: the loop header, or the merge block
  Block merge;          // where control continues after `end`
  Block else_block;     // kIf
  absl::Span<const ValType> params;
  absl::Span<const ValType> results;
  size_t height;        // operand stack height below the parameters
  std::vector<Value> if_params;  // kIf: the parameters, for the else branch
  absl::Span<const ValType> LabelTypes() const { return kind == Opcode::kLoop ? params : results; }
};

// What a translation needs besides the Function it builds. A thread keeps
// one from function to function (see Translator), so that translating a
// module reuses these buffers instead of allocating them for each function.
struct Scratch {
  SsaBuilder ssa;
  std::vector<Value> stack;
  std::vector<Frame> frames;
  std::vector<ir::Type> local_types;
  std::vector<uint32_t> br_table_targets;
  // The arrays of the functions given back (RecycleFunction), for the next
  // ones.
  ir::FunctionStorage storage;
  bool in_use = false;
};

// The Scratch of this thread.
Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

class Translator {
 public:
  Translator(const Module& m, uint32_t defined_index, Scratch& scratch)
      : m_(m),
        func_index_(m.num_imported_functions + defined_index),
        body_(m.bodies[defined_index]),
        type_(m.FunctionType(func_index_)),
        f_(scratch.storage.Take()),
        b_(&f_, &scratch.storage),
        ssa_(&scratch.ssa),
        stack_(scratch.stack),
        frames_(scratch.frames),
        local_types_(scratch.local_types),
        br_table_targets_(scratch.br_table_targets) {
    stack_.clear();
    frames_.clear();
    local_types_.clear();
    for (ValType t : type_.params) f_.signature.params.push_back(IrType(t));
    for (ValType t : type_.results) f_.signature.results.push_back(IrType(t));
  }

  absl::StatusOr<ir::Function> Run();

 private:
  // Every instruction but Run's fast path (local.get / set / tee, i32.const
  // in reachable code).
  void Step(const Instruction& in);
  // False when `in` is not one of Numeric's instructions.
  bool Numeric(const Instruction& in);
  // Sets error_ on an instruction it cannot translate.
  void Misc(const Instruction& in);

  ABSL_ATTRIBUTE_ALWAYS_INLINE void Push(Value v) { stack_.push_back(v); }
  Value Pop() {
    const Value v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<Value> PopN(size_t n) {
    std::vector<Value> out(stack_.end() - n, stack_.end());
    stack_.resize(stack_.size() - n);
    return out;
  }
  // The top n values; valid until the stack changes.
  absl::Span<const Value> TopN(size_t n) const {
    return absl::MakeConstSpan(stack_).subspan(stack_.size() - n);
  }
  // Pushes the results of `inst`.
  void PushResults(ir::Inst inst) {
    for (Value v : f_.Results(inst)) Push(v);
  }

  Block NewBlockWithParams(absl::Span<const ValType> types);
  // The just-emitted terminator of the current block.
  ir::Inst LastInst() const { return f_.block(b_.current()).insts.back(); }
  // Emits a branch from the current block to frame `depth` with its label values.
  void BranchTo(uint32_t depth, absl::Span<const Value> args);
  void JumpAndRecord(Block target, absl::Span<const Value> args);
  void SetUnreachable() { reachable_ = false; }

  const Module& m_;
  const uint32_t func_index_;
  const FunctionBody& body_;
  const FuncType& type_;
  ir::Function f_;
  ir::FunctionBuilder b_;
  SsaBuilder* const ssa_;
  std::vector<Value>& stack_;
  std::vector<Frame>& frames_;
  std::vector<ir::Type>& local_types_;
  std::vector<uint32_t>& br_table_targets_;
  bool reachable_ = true;
  absl::Status error_;
};

Block Translator::NewBlockWithParams(absl::Span<const ValType> types) {
  const Block b = b_.CreateBlock();
  for (ValType t : types) b_.AppendBlockParam(b, IrType(t));
  return b;
}

void Translator::JumpAndRecord(Block target, absl::Span<const Value> args) {
  const Block from = b_.current();
  b_.Jump(target, args);
  ssa_->AddEdge(from, LastInst(), target);
}

void Translator::BranchTo(uint32_t depth, absl::Span<const Value> args) {
  const Frame& target = frames_[frames_.size() - 1 - depth];
  if (target.is_function) {
    b_.Return(args);
  } else {
    JumpAndRecord(target.label, args);
  }
}

absl::StatusOr<ir::Function> Translator::Run() {
  f_.name = absl::StrCat("f", func_index_);
  // Room for typical code (about one instruction per four bytes), so the
  // arrays rarely grow while translating.
  const size_t code_bytes = body_.range.offset + body_.range.size - body_.code_offset;
  f_.insts.reserve(code_bytes / 4 + 8);
  f_.values.reserve(code_bytes / 3 + 8);
  f_.value_pool.reserve(code_bytes + 8);
  f_.blocks.reserve(code_bytes / 16 + 4);
  f_.layout.reserve(code_bytes / 16 + 4);
  f_.block_calls.reserve(code_bytes / 16 + 4);
  // Locals: parameters, then declared locals (zero-initialised).
  std::vector<ir::Type>& local_types = local_types_;
  for (ValType t : type_.params) local_types.push_back(IrType(t));
  for (const LocalDecl& d : body_.locals) local_types.insert(local_types.end(), d.count, IrType(d.type));
  const Block entry = b_.CreateBlock();
  std::vector<Value> params;
  for (ValType t : type_.params) params.push_back(b_.AppendBlockParam(entry, IrType(t)));
  b_.SwitchToBlock(entry);
  ssa_->Reset(&f_, &b_, local_types);
  ssa_->SealBlock(entry);
  for (uint32_t i = 0; i < params.size(); ++i) ssa_->DefineVar(i, params[i]);
  Value zero[4];  // i32, i64, f32, f64 zeros, made on first use
  for (uint32_t i = static_cast<uint32_t>(params.size()); i < local_types.size(); ++i) {
    const int k = static_cast<int>(local_types[i]);
    if (!zero[k].valid()) {
      switch (local_types[i]) {
        case ir::Type::kF32: zero[k] = b_.F32const(0); break;
        case ir::Type::kF64: zero[k] = b_.F64const(0); break;
        default: zero[k] = b_.Iconst(local_types[i], 0); break;
      }
    }
    ssa_->DefineVar(i, zero[k]);
  }

  frames_.push_back(Frame{Opcode::kBlock, false, true, Block(), Block(), Block(), {},
                          type_.results, 0, {}});
  // The body validated: decode it without checks.
  BodyReader reader(m_.bytes.data(), body_.code_offset, &br_table_targets_);
  Instruction in;
  while (!frames_.empty()) {
    reader.Next(&in);
    // The most frequent instructions here, without a call to Step.
    if (reachable_) {
      switch (in.op) {
        case Opcode::kLocalGet:
          Push(ssa_->UseVar(in.index));
          continue;
        case Opcode::kLocalSet:
          ssa_->DefineVar(in.index, Pop());
          continue;
        case Opcode::kLocalTee:
          ssa_->DefineVar(in.index, stack_.back());
          continue;
        case Opcode::kI32Const:
          Push(b_.Iconst(ir::Type::kI32, in.bits));
          continue;
        default:
          break;
      }
    }
    Step(in);
    if (!error_.ok()) return error_;
  }
  ssa_->Finish();
  return std::move(f_);
}

void Translator::Step(const Instruction& in) {
  // Structure is tracked even in unreachable code; nothing is emitted there.
  switch (in.op) {
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf: {
      const absl::Span<const ValType> params = BlockTypeParams(m_, in.block);
      const absl::Span<const ValType> results = BlockTypeResults(m_, in.block);
      if (!reachable_) {
        frames_.push_back(Frame{in.op, true, false, Block(), Block(), Block(), params, results,
                                stack_.size(), {}});
        return;
      }
      Value cond;
      if (in.op == Opcode::kIf) cond = Pop();
      std::vector<Value> args = PopN(params.size());
      Frame frame{in.op, false, false, Block(), Block(), Block(), params, results,
                  stack_.size(), {}};
      frame.merge = NewBlockWithParams(results);
      ssa_->NoteEntry(frame.merge);
      frame.label = frame.merge;
      if (in.op == Opcode::kBlock) {
        for (Value v : args) Push(v);
      } else if (in.op == Opcode::kLoop) {
        const Block header = NewBlockWithParams(params);
        ssa_->NoteEntry(header);
        JumpAndRecord(header, args);
        b_.SwitchToBlock(header);  // sealed at the loop's end
        for (Value v : f_.block(header).params) Push(v);
        frame.label = header;
      } else {
        const Block then_block = b_.CreateBlock();
        frame.else_block = b_.CreateBlock();
        const Block from = b_.current();
        b_.BrIf(cond, then_block, {}, frame.else_block, {});
        ssa_->AddEdge(from, LastInst(), then_block);
        ssa_->AddEdge(from, LastInst(), frame.else_block);
        ssa_->SealBlock(then_block);
        ssa_->SealBlock(frame.else_block);
        b_.SwitchToBlock(then_block);
        ssa_->EnterBlock(then_block);
        for (Value v : args) Push(v);
        frame.if_params = std::move(args);
      }
      frames_.push_back(std::move(frame));
      return;
    }
    case Opcode::kElse: {
      Frame& f = frames_.back();
      if (f.dead) return;
      if (reachable_) JumpAndRecord(f.merge, TopN(f.results.size()));
      stack_.resize(f.height);
      b_.SwitchToBlock(f.else_block);
      ssa_->EnterBlock(f.else_block);
      for (Value v : f.if_params) Push(v);
      f.kind = Opcode::kElse;
      reachable_ = true;
      return;
    }
    case Opcode::kEnd: {
      Frame f = std::move(frames_.back());
      frames_.pop_back();
      if (f.dead) return;
      if (f.is_function) {
        if (reachable_) b_.Return(TopN(f.results.size()));
        return;
      }
      if (reachable_) JumpAndRecord(f.merge, TopN(f.results.size()));
      if (f.kind == Opcode::kIf) {  // no else: the else branch passes the parameters on
        b_.SwitchToBlock(f.else_block);
        ssa_->EnterBlock(f.else_block);
        JumpAndRecord(f.merge, f.if_params);
      }
      if (f.kind == Opcode::kLoop) ssa_->SealLoop(f.label);
      stack_.resize(f.height);
      if (ssa_->HasPredecessors(f.merge)) {
        ssa_->SealBlock(f.merge);
        b_.SwitchToBlock(f.merge);
        ssa_->EnterBlock(f.merge);
        const std::vector<Value>& params = f_.block(f.merge).params;
        for (size_t i = 0; i < f.results.size(); ++i) Push(params[i]);
        reachable_ = true;
      } else {
        reachable_ = false;
      }
      return;
    }
    default:
      break;
  }
  if (!reachable_) return;
  if (Numeric(in)) return;
  Misc(in);
}

bool Translator::Numeric(const Instruction& in) {
  using T = ir::Type;
  auto binary = [&](IrOpcode op, T t) {
    const Value rhs = Pop();
    const Value lhs = Pop();
    Push(b_.Binary(op, t, lhs, rhs));
  };
  auto icmp = [&](ir::Cond c) {
    const Value rhs = Pop();
    const Value lhs = Pop();
    Push(b_.Icmp(c, lhs, rhs));
  };
  auto fcmp = [&](ir::Cond c) {
    const Value rhs = Pop();
    const Value lhs = Pop();
    Push(b_.Fcmp(c, lhs, rhs));
  };
  auto unary = [&](IrOpcode op, T result) { Push(b_.Unary(op, result, Pop())); };
  auto eqz = [&](T t) { Push(b_.Icmp(ir::Cond::kEq, Pop(), b_.Iconst(t, 0))); };
  switch (in.op) {
#define BIN(w, op, t) case Opcode::k##w: binary(IrOpcode::k##op, T::k##t); return true;
#define ICMP(w, c) case Opcode::k##w: icmp(ir::Cond::k##c); return true;
#define FCMP(w, c) case Opcode::k##w: fcmp(ir::Cond::k##c); return true;
#define UN(w, op, t) case Opcode::k##w: unary(IrOpcode::k##op, T::k##t); return true;
    case Opcode::kI32Eqz: eqz(T::kI32); return true;
    case Opcode::kI64Eqz: eqz(T::kI64); return true;
    ICMP(I32Eq, Eq) ICMP(I32Ne, Ne) ICMP(I32LtS, Slt) ICMP(I32LtU, Ult) ICMP(I32GtS, Sgt)
    ICMP(I32GtU, Ugt) ICMP(I32LeS, Sle) ICMP(I32LeU, Ule) ICMP(I32GeS, Sge) ICMP(I32GeU, Uge)
    ICMP(I64Eq, Eq) ICMP(I64Ne, Ne) ICMP(I64LtS, Slt) ICMP(I64LtU, Ult) ICMP(I64GtS, Sgt)
    ICMP(I64GtU, Ugt) ICMP(I64LeS, Sle) ICMP(I64LeU, Ule) ICMP(I64GeS, Sge) ICMP(I64GeU, Uge)
    FCMP(F32Eq, Eq) FCMP(F32Ne, Ne) FCMP(F32Lt, Lt) FCMP(F32Gt, Gt) FCMP(F32Le, Le) FCMP(F32Ge, Ge)
    FCMP(F64Eq, Eq) FCMP(F64Ne, Ne) FCMP(F64Lt, Lt) FCMP(F64Gt, Gt) FCMP(F64Le, Le) FCMP(F64Ge, Ge)
    UN(I32Clz, Clz, I32) UN(I32Ctz, Ctz, I32) UN(I32Popcnt, Popcnt, I32)
    UN(I64Clz, Clz, I64) UN(I64Ctz, Ctz, I64) UN(I64Popcnt, Popcnt, I64)
    BIN(I32Add, Iadd, I32) BIN(I32Sub, Isub, I32) BIN(I32Mul, Imul, I32) BIN(I32DivS, Sdiv, I32)
    BIN(I32DivU, Udiv, I32) BIN(I32RemS, Srem, I32) BIN(I32RemU, Urem, I32) BIN(I32And, Band, I32)
    BIN(I32Or, Bor, I32) BIN(I32Xor, Bxor, I32) BIN(I32Shl, Ishl, I32) BIN(I32ShrS, Sshr, I32)
    BIN(I32ShrU, Ushr, I32) BIN(I32Rotl, Rotl, I32) BIN(I32Rotr, Rotr, I32)
    BIN(I64Add, Iadd, I64) BIN(I64Sub, Isub, I64) BIN(I64Mul, Imul, I64) BIN(I64DivS, Sdiv, I64)
    BIN(I64DivU, Udiv, I64) BIN(I64RemS, Srem, I64) BIN(I64RemU, Urem, I64) BIN(I64And, Band, I64)
    BIN(I64Or, Bor, I64) BIN(I64Xor, Bxor, I64) BIN(I64Shl, Ishl, I64) BIN(I64ShrS, Sshr, I64)
    BIN(I64ShrU, Ushr, I64) BIN(I64Rotl, Rotl, I64) BIN(I64Rotr, Rotr, I64)
    UN(F32Abs, Fabs, F32) UN(F32Neg, Fneg, F32) UN(F32Ceil, Fceil, F32) UN(F32Floor, Ffloor, F32)
    UN(F32Trunc, Ftrunc, F32) UN(F32Nearest, Fnearest, F32) UN(F32Sqrt, Fsqrt, F32)
    BIN(F32Add, Fadd, F32) BIN(F32Sub, Fsub, F32) BIN(F32Mul, Fmul, F32) BIN(F32Div, Fdiv, F32)
    BIN(F32Min, Fmin, F32) BIN(F32Max, Fmax, F32) BIN(F32Copysign, Fcopysign, F32)
    UN(F64Abs, Fabs, F64) UN(F64Neg, Fneg, F64) UN(F64Ceil, Fceil, F64) UN(F64Floor, Ffloor, F64)
    UN(F64Trunc, Ftrunc, F64) UN(F64Nearest, Fnearest, F64) UN(F64Sqrt, Fsqrt, F64)
    BIN(F64Add, Fadd, F64) BIN(F64Sub, Fsub, F64) BIN(F64Mul, Fmul, F64) BIN(F64Div, Fdiv, F64)
    BIN(F64Min, Fmin, F64) BIN(F64Max, Fmax, F64) BIN(F64Copysign, Fcopysign, F64)
    UN(I32WrapI64, Ireduce, I32)
    UN(I32TruncF32S, FcvtToSint, I32) UN(I32TruncF32U, FcvtToUint, I32)
    UN(I32TruncF64S, FcvtToSint, I32) UN(I32TruncF64U, FcvtToUint, I32)
    UN(I64ExtendI32S, Sextend, I64) UN(I64ExtendI32U, Uextend, I64)
    UN(I64TruncF32S, FcvtToSint, I64) UN(I64TruncF32U, FcvtToUint, I64)
    UN(I64TruncF64S, FcvtToSint, I64) UN(I64TruncF64U, FcvtToUint, I64)
    UN(F32ConvertI32S, FcvtFromSint, F32) UN(F32ConvertI32U, FcvtFromUint, F32)
    UN(F32ConvertI64S, FcvtFromSint, F32) UN(F32ConvertI64U, FcvtFromUint, F32)
    UN(F32DemoteF64, Fdemote, F32)
    UN(F64ConvertI32S, FcvtFromSint, F64) UN(F64ConvertI32U, FcvtFromUint, F64)
    UN(F64ConvertI64S, FcvtFromSint, F64) UN(F64ConvertI64U, FcvtFromUint, F64)
    UN(F64PromoteF32, Fpromote, F64)
    UN(I32ReinterpretF32, Bitcast, I32) UN(I64ReinterpretF64, Bitcast, I64)
    UN(F32ReinterpretI32, Bitcast, F32) UN(F64ReinterpretI64, Bitcast, F64)
    UN(I32Extend8S, Sext8, I32) UN(I32Extend16S, Sext16, I32)
    UN(I64Extend8S, Sext8, I64) UN(I64Extend16S, Sext16, I64) UN(I64Extend32S, Sext32, I64)
    UN(I32TruncSatF32S, FcvtToSintSat, I32) UN(I32TruncSatF32U, FcvtToUintSat, I32)
    UN(I32TruncSatF64S, FcvtToSintSat, I32) UN(I32TruncSatF64U, FcvtToUintSat, I32)
    UN(I64TruncSatF32S, FcvtToSintSat, I64) UN(I64TruncSatF32U, FcvtToUintSat, I64)
    UN(I64TruncSatF64S, FcvtToSintSat, I64) UN(I64TruncSatF64U, FcvtToUintSat, I64)
#undef BIN
#undef ICMP
#undef FCMP
#undef UN
    default:
      return false;
  }
}

void Translator::Misc(const Instruction& in) {
  using T = ir::Type;
  using ir::Builtin;
  auto builtin = [&](Builtin id, uint32_t index, std::vector<Value> args,
                     std::initializer_list<T> results) {
    const std::vector<T> rs(results);
    for (Value v : b_.CallBuiltin(static_cast<uint32_t>(id), index, args, rs)) Push(v);
  };
  auto load = [&](T t, uint8_t width, bool sign) {
    Push(b_.Load(t, ir::MemFlags{width, sign}, Pop(), in.mem_offset));
  };
  auto store = [&](uint8_t width) {
    const Value v = Pop();
    const Value addr = Pop();
    b_.Store(ir::MemFlags{width, false}, addr, v, in.mem_offset);
  };
  switch (in.op) {
    case Opcode::kUnreachable:
      b_.Trap(static_cast<uint32_t>(TrapKind::kUnreachable));
      SetUnreachable();
      return;
    case Opcode::kNop:
      return;
    case Opcode::kBr: {
      const Frame& t = frames_[frames_.size() - 1 - in.index];
      BranchTo(in.index, TopN(t.LabelTypes().size()));
      SetUnreachable();
      return;
    }
    case Opcode::kBrIf: {
      const Value cond = Pop();
      const Frame& t = frames_[frames_.size() - 1 - in.index];
      const absl::Span<const Value> args = TopN(t.LabelTypes().size());
      const Block cont = b_.CreateBlock();
      const Block from = b_.current();
      if (t.is_function) {
        const Block ret = b_.CreateBlock();
        b_.BrIf(cond, ret, {}, cont, {});
        ssa_->AddEdge(from, LastInst(), ret);
        ssa_->AddEdge(from, LastInst(), cont);
        ssa_->SealBlock(ret);
        b_.SwitchToBlock(ret);
        ssa_->EnterBlock(ret);
        b_.Return(args);
      } else {
        b_.BrIf(cond, t.label, args, cont, {});
        ssa_->AddEdge(from, LastInst(), t.label);
        ssa_->AddEdge(from, LastInst(), cont);
      }
      ssa_->SealBlock(cont);
      b_.SwitchToBlock(cont);
      ssa_->EnterBlock(cont);
      return;
    }
    case Opcode::kBrTable: {
      const Value index = Pop();
      // br_table targets take no arguments: each distinct label gets an edge
      // block that jumps on with the label's values.
      const uint32_t default_depth = in.targets.back();
      const size_t arity = frames_[frames_.size() - 1 - default_depth].LabelTypes().size();
      const absl::Span<const Value> args = TopN(arity);
      std::vector<uint32_t> depths(in.targets.begin(), in.targets.end());
      absl::flat_hash_map<uint32_t, Block> edge_of;
      std::vector<Block> targets;
      targets.reserve(depths.size());
      std::vector<std::pair<uint32_t, Block>> edges;
      for (uint32_t d : depths) {
        auto [it, inserted] = edge_of.try_emplace(d, Block());
        if (inserted) {
          it->second = b_.CreateBlock();
          edges.push_back({d, it->second});
        }
        targets.push_back(it->second);
      }
      const Block from = b_.current();
      b_.BrTable(index, targets);
      const ir::Inst br = LastInst();
      for (const auto& [d, e] : edges) {
        ssa_->AddEdge(from, br, e);
        ssa_->SealBlock(e);
      }
      for (const auto& [d, e] : edges) {
        b_.SwitchToBlock(e);
        ssa_->EnterBlock(e);
        BranchTo(d, args);
      }
      SetUnreachable();
      return;
    }
    case Opcode::kReturn:
      b_.Return(TopN(type_.results.size()));
      SetUnreachable();
      return;
    case Opcode::kCall: {
      const FuncType& t = m_.FunctionType(in.index);
      const absl::InlinedVector<ir::Type, 4> results = IrTypesInline(t.results);
      const ir::Inst call = b_.CallInst(in.index, TopN(t.params.size()), results);
      stack_.resize(stack_.size() - t.params.size());
      PushResults(call);
      return;
    }
    case Opcode::kCallIndirect: {
      const FuncType& t = m_.types[in.index];
      const Value callee = Pop();
      const std::vector<Value> args = PopN(t.params.size());
      for (Value v : b_.CallIndirect(in.index, in.index2, callee, args, IrTypes(t.results))) Push(v);
      return;
    }
    case Opcode::kDrop:
      Pop();
      return;
    case Opcode::kSelect:
    case Opcode::kSelectT: {
      const Value cond = Pop();
      const Value b = Pop();
      const Value a = Pop();
      Push(b_.Select(f_.ValueType(a), cond, a, b));
      return;
    }
    // local.get / set / tee and i32.const are handled by Run's fast path.
    case Opcode::kGlobalGet:
      Push(b_.GlobalGet(IrType(m_.globals[in.index].type.type), in.index));
      return;
    case Opcode::kGlobalSet:
      b_.GlobalSet(in.index, Pop());
      return;
    case Opcode::kTableGet:
      builtin(Builtin::kTableGet, in.index, {Pop()}, {T::kI64});
      return;
    case Opcode::kTableSet: {
      const Value ref = Pop();
      const Value i = Pop();
      builtin(Builtin::kTableSet, in.index, {i, ref}, {});
      return;
    }
    case Opcode::kI32Load: load(T::kI32, 4, false); return;
    case Opcode::kI64Load: load(T::kI64, 8, false); return;
    case Opcode::kF32Load: load(T::kF32, 4, false); return;
    case Opcode::kF64Load: load(T::kF64, 8, false); return;
    case Opcode::kI32Load8S: load(T::kI32, 1, true); return;
    case Opcode::kI32Load8U: load(T::kI32, 1, false); return;
    case Opcode::kI32Load16S: load(T::kI32, 2, true); return;
    case Opcode::kI32Load16U: load(T::kI32, 2, false); return;
    case Opcode::kI64Load8S: load(T::kI64, 1, true); return;
    case Opcode::kI64Load8U: load(T::kI64, 1, false); return;
    case Opcode::kI64Load16S: load(T::kI64, 2, true); return;
    case Opcode::kI64Load16U: load(T::kI64, 2, false); return;
    case Opcode::kI64Load32S: load(T::kI64, 4, true); return;
    case Opcode::kI64Load32U: load(T::kI64, 4, false); return;
    case Opcode::kI32Store: store(4); return;
    case Opcode::kI64Store: store(8); return;
    case Opcode::kF32Store: store(4); return;
    case Opcode::kF64Store: store(8); return;
    case Opcode::kI32Store8: store(1); return;
    case Opcode::kI32Store16: store(2); return;
    case Opcode::kI64Store8: store(1); return;
    case Opcode::kI64Store16: store(2); return;
    case Opcode::kI64Store32: store(4); return;
    case Opcode::kMemorySize:
      builtin(Builtin::kMemorySize, 0, {}, {T::kI32});
      return;
    case Opcode::kMemoryGrow:
      builtin(Builtin::kMemoryGrow, 0, {Pop()}, {T::kI32});
      return;
    case Opcode::kI64Const: Push(b_.Iconst(T::kI64, in.bits)); return;
    case Opcode::kF32Const: Push(b_.F32const(static_cast<uint32_t>(in.bits))); return;
    case Opcode::kF64Const: Push(b_.F64const(in.bits)); return;
    case Opcode::kRefNull: Push(b_.Iconst(T::kI64, 0)); return;
    case Opcode::kRefIsNull:
      Push(b_.Icmp(ir::Cond::kEq, Pop(), b_.Iconst(T::kI64, 0)));
      return;
    case Opcode::kRefFunc:
      builtin(Builtin::kRefFunc, in.index, {}, {T::kI64});
      return;
    case Opcode::kMemoryInit: {
      std::vector<Value> args = PopN(3);
      builtin(Builtin::kMemoryInit, in.index, std::move(args), {});
      return;
    }
    case Opcode::kDataDrop:
      builtin(Builtin::kDataDrop, in.index, {}, {});
      return;
    case Opcode::kMemoryCopy:
      builtin(Builtin::kMemoryCopy, 0, PopN(3), {});
      return;
    case Opcode::kMemoryFill:
      builtin(Builtin::kMemoryFill, 0, PopN(3), {});
      return;
    case Opcode::kTableInit: {  // #elem segment; args (d, s, n, table)
      std::vector<Value> args = PopN(3);
      args.push_back(b_.Iconst(T::kI32, in.index2));
      builtin(Builtin::kTableInit, in.index, std::move(args), {});
      return;
    }
    case Opcode::kElemDrop:
      builtin(Builtin::kElemDrop, in.index, {}, {});
      return;
    case Opcode::kTableCopy: {  // #dst table; args (d, s, n, src table)
      std::vector<Value> args = PopN(3);
      args.push_back(b_.Iconst(T::kI32, in.index2));
      builtin(Builtin::kTableCopy, in.index, std::move(args), {});
      return;
    }
    case Opcode::kTableGrow: {
      const Value n = Pop();
      const Value init = Pop();
      builtin(Builtin::kTableGrow, in.index, {init, n}, {T::kI32});
      return;
    }
    case Opcode::kTableSize:
      builtin(Builtin::kTableSize, in.index, {}, {T::kI32});
      return;
    case Opcode::kTableFill:
      builtin(Builtin::kTableFill, in.index, PopN(3), {});
      return;
    default:
      error_ = MalformedError(in.offset, absl::StrCat("cannot translate ", OpcodeName(in.op)),
                              func_index_);
      return;
  }
}

}  // namespace

absl::StatusOr<ir::Function> TranslateFunction(const Module& module, uint32_t defined_index) {
  if (defined_index >= module.bodies.size()) {
    return absl::InvalidArgumentError(absl::StrCat("no defined function ", defined_index));
  }
  // One Scratch per thread, reused; a nested call (none today) gets its own.
  Scratch& scratch = ThreadScratch();
  if (scratch.in_use) {
    Scratch own;
    own.in_use = true;
    return Translator(module, defined_index, own).Run();
  }
  scratch.in_use = true;
  absl::StatusOr<ir::Function> f = Translator(module, defined_index, scratch).Run();
  scratch.in_use = false;
  // Do not keep a big function's buffers for the rest of the thread (the
  // SSA builder trims its own on the next Reset).
  constexpr size_t kKeep = size_t{1} << 16;
  if (scratch.stack.capacity() > kKeep) scratch.stack = std::vector<Value>();
  if (scratch.frames.capacity() > kKeep) scratch.frames = std::vector<Frame>();
  if (scratch.local_types.capacity() > kKeep) scratch.local_types = std::vector<ir::Type>();
  return f;
}

void RecycleFunction(ir::Function f) { ThreadScratch().storage.Recycle(std::move(f)); }

}  // namespace wasm
