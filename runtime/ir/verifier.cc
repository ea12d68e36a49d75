#include "runtime/ir/verifier.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/ir/cfg.h"

namespace wasm::ir {
namespace {

class Verifier {
 public:
  explicit Verifier(const Function& f) : f_(f), cfg_(f) {}

  absl::Status Verify() {
    if (f_.layout.empty()) return absl::InternalError("function has no blocks");
    const BlockData& entry = f_.block(f_.layout[0]);
    if (entry.params.size() != f_.signature.params.size()) {
      return absl::InternalError("entry block parameters do not match the signature");
    }
    for (size_t i = 0; i < entry.params.size(); ++i) {
      if (f_.ValueType(entry.params[i]) != f_.signature.params[i]) {
        return absl::InternalError(absl::StrCat("entry block parameter ", i, " has the wrong type"));
      }
    }
    // Where each value is defined: block and position (-1 for parameters).
    def_block_.assign(f_.values.size(), Block());
    def_pos_.assign(f_.values.size(), -1);
    for (Block b : f_.layout) {
      for (Value p : f_.block(b).params) def_block_[p.index] = b;
      int pos = 0;
      for (Inst i : f_.block(b).insts) {
        for (Value r : f_.Results(i)) {
          def_block_[r.index] = b;
          def_pos_[r.index] = pos;
        }
        ++pos;
      }
    }
    for (Block b : f_.layout) {
      const BlockData& data = f_.block(b);
      if (data.insts.empty() || !IsTerminator(f_.inst(data.insts.back()).op)) {
        return Error(b, Inst(), "block does not end in a terminator");
      }
      int pos = 0;
      for (Inst i : data.insts) {
        if (IsTerminator(f_.inst(i).op) && i != data.insts.back()) {
          return Error(b, i, "terminator in the middle of a block");
        }
        if (absl::Status s = CheckInst(b, i, pos); !s.ok()) return s;
        ++pos;
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(Block b, Inst i, absl::string_view what) const {
    std::string where = absl::StrCat("block", b.index);
    if (i.valid()) absl::StrAppend(&where, ": inst", i.index, " (", OpcodeName(f_.inst(i).op), ")");
    return absl::InternalError(absl::StrCat("IR verifier: ", where, ": ", what));
  }

  absl::Status CheckUse(Block b, Inst i, int pos, Value v) const {
    if (!v.valid() || v.index >= f_.values.size()) return Error(b, i, "invalid value operand");
    v = f_.Resolve(v);
    const Block db = def_block_[v.index];
    if (!db.valid()) return Error(b, i, absl::StrCat("v", v.index, " is not defined in the layout"));
    if (!cfg_.IsReachable(b)) return absl::OkStatus();
    if (db == b) {
      if (def_pos_[v.index] >= pos) {
        return Error(b, i, absl::StrCat("v", v.index, " is used before its definition"));
      }
      return absl::OkStatus();
    }
    if (!cfg_.Dominates(db, b)) {
      return Error(b, i, absl::StrCat("v", v.index, " is used where its definition in block",
                                      db.index, " does not dominate"));
    }
    return absl::OkStatus();
  }

  absl::Status Expect(Block b, Inst i, Value v, Type t) const {
    const Type actual = f_.ValueType(f_.Resolve(v));
    if (actual != t) {
      return Error(b, i, absl::StrCat("operand v", f_.Resolve(v).index, " is ", TypeName(actual),
                                      ", expected ", TypeName(t)));
    }
    return absl::OkStatus();
  }

  absl::Status CheckCall(Block b, Inst i, const BlockCall& c) const {
    if (!c.block.valid() || c.block.index >= f_.blocks.size()) return Error(b, i, "bad branch target");
    const std::vector<Value>& params = f_.block(c.block).params;
    if (params.size() != c.args_count) {
      return Error(b, i, absl::StrCat("block", c.block.index, " takes ", params.size(),
                                      " arguments, given ", c.args_count));
    }
    const absl::Span<const Value> args = f_.CallArgs(c);
    for (size_t k = 0; k < args.size(); ++k) {
      if (absl::Status s = Expect(b, i, args[k], f_.ValueType(params[k])); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Operand type of a unary op, given its result type; kNone: any.
  static Type UnaryOperand(IrOpcode op, Type result, Type actual) {
    switch (op) {
      case IrOpcode::kIreduce: return Type::kI64;
      case IrOpcode::kUextend:
      case IrOpcode::kSextend: return Type::kI32;
      case IrOpcode::kFpromote: return Type::kF32;
      case IrOpcode::kFdemote: return Type::kF64;
      case IrOpcode::kFcvtToSint:
      case IrOpcode::kFcvtToUint:
      case IrOpcode::kFcvtToSintSat:
      case IrOpcode::kFcvtToUintSat:
        return IsFloat(actual) ? actual : Type::kF64;
      case IrOpcode::kFcvtFromSint:
      case IrOpcode::kFcvtFromUint:
        return IsInt(actual) ? actual : Type::kI64;
      case IrOpcode::kBitcast:
        switch (result) {
          case Type::kI32: return Type::kF32;
          case Type::kI64: return Type::kF64;
          case Type::kF32: return Type::kI32;
          case Type::kF64: return Type::kI64;
          default: return Type::kNone;
        }
      default:
        return result;
    }
  }

  absl::Status CheckInst(Block b, Inst i, int pos) const {
    const InstData& d = f_.inst(i);
    const absl::Span<const Value> args = f_.Args(i);
    for (Value v : args) {
      if (absl::Status s = CheckUse(b, i, pos, v); !s.ok()) return s;
    }
    for (const BlockCall& c : f_.Targets(i)) {
      for (Value v : f_.CallArgs(c)) {
        if (absl::Status s = CheckUse(b, i, pos, v); !s.ok()) return s;
      }
      if (absl::Status s = CheckCall(b, i, c); !s.ok()) return s;
    }
    auto want_args = [&](size_t n) -> absl::Status {
      if (args.size() != n) return Error(b, i, absl::StrCat("takes ", n, " operands, has ", args.size()));
      return absl::OkStatus();
    };
    switch (OpcodeFormat(d.op)) {
      case Format::kConst:
        return want_args(0);
      case Format::kUnary: {
        if (absl::Status s = want_args(1); !s.ok()) return s;
        const Type actual = f_.ValueType(f_.Resolve(args[0]));
        return Expect(b, i, args[0], UnaryOperand(d.op, d.type, actual));
      }
      case Format::kBinary:
      case Format::kIntCompare:
      case Format::kFloatCompare:
        if (absl::Status s = want_args(2); !s.ok()) return s;
        if (absl::Status s = Expect(b, i, args[0], d.type); !s.ok()) return s;
        return Expect(b, i, args[1], d.type);
      case Format::kSelect:
        if (absl::Status s = want_args(3); !s.ok()) return s;
        if (absl::Status s = Expect(b, i, args[0], Type::kI32); !s.ok()) return s;
        if (absl::Status s = Expect(b, i, args[1], d.type); !s.ok()) return s;
        return Expect(b, i, args[2], d.type);
      case Format::kLoad:
        if (absl::Status s = want_args(1); !s.ok()) return s;
        return Expect(b, i, args[0], Type::kI32);
      case Format::kStore:
        if (absl::Status s = want_args(2); !s.ok()) return s;
        if (absl::Status s = Expect(b, i, args[0], Type::kI32); !s.ok()) return s;
        return Expect(b, i, args[1], d.type);
      case Format::kGlobalSet:
        return want_args(1);
      case Format::kBrIf:
      case Format::kBrTable:
      case Format::kTrapIf:
        if (absl::Status s = want_args(1); !s.ok()) return s;
        return Expect(b, i, args[0], Type::kI32);
      case Format::kReturn: {
        const std::vector<Type>& results = f_.signature.results;
        if (args.size() != results.size()) {
          return Error(b, i, absl::StrCat("returns ", args.size(), " values, the signature has ",
                                          results.size()));
        }
        for (size_t k = 0; k < args.size(); ++k) {
          if (absl::Status s = Expect(b, i, args[k], results[k]); !s.ok()) return s;
        }
        return absl::OkStatus();
      }
      case Format::kCallIndirect:
        if (args.empty()) return Error(b, i, "call_indirect without a callee index");
        return Expect(b, i, args[0], Type::kI32);
      case Format::kGlobalGet:
      case Format::kCall:
      case Format::kBuiltin:
      case Format::kJump:
      case Format::kTrap:
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  const Function& f_;
  ControlFlowGraph cfg_;
  std::vector<Block> def_block_;
  std::vector<int> def_pos_;
};

}  // namespace

absl::Status VerifyFunction(const Function& f) { return Verifier(f).Verify(); }

}  // namespace wasm::ir
