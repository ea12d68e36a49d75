// The IR's text form (PrintFunction in ir.h), in the style of Cranelift's:
//
//   function %f0(i32, i32) -> i32 {
//   block0(v0: i32, v1: i32):
//       v2 = iadd.i32 v0, v1
//       brif v2, block1(v2), block2
//   ...
//   }
//
// Aliased values print as the value they stand for.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "runtime/ir/builtins.h"
#include "runtime/ir/ir.h"

namespace wasm::ir {
namespace {

class Printer {
 public:
  explicit Printer(const Function& f) : f_(f) {}

  std::string Print() {
    absl::StrAppend(&out_, "function %", f_.name.empty() ? "f" : f_.name, "(",
                    TypeList(f_.signature.params), ")");
    if (!f_.signature.results.empty()) {
      absl::StrAppend(&out_, " -> ", TypeList(f_.signature.results));
    }
    absl::StrAppend(&out_, " {\n");
    for (Block b : f_.layout) PrintBlock(b);
    absl::StrAppend(&out_, "}\n");
    return out_;
  }

 private:
  static std::string TypeList(const std::vector<Type>& types) {
    return absl::StrJoin(types, ", ", [](std::string* out, Type t) {
      absl::StrAppend(out, TypeName(t));
    });
  }

  std::string V(Value v) const { return absl::StrCat("v", f_.Resolve(v).index); }

  std::string Values(absl::Span<const Value> vs) const {
    return absl::StrJoin(vs, ", ", [this](std::string* out, Value v) { out->append(V(v)); });
  }

  std::string Call(const BlockCall& c) const {
    std::string s = absl::StrCat("block", c.block.index);
    if (c.args_count > 0) absl::StrAppend(&s, "(", Values(f_.CallArgs(c)), ")");
    return s;
  }

  void PrintBlock(Block b) {
    const BlockData& data = f_.block(b);
    absl::StrAppend(&out_, "block", b.index);
    if (!data.params.empty()) {
      absl::StrAppend(&out_, "(", absl::StrJoin(data.params, ", ", [this](std::string* o, Value v) {
        absl::StrAppend(o, "v", v.index, ": ", TypeName(f_.ValueType(v)));
      }), ")");
    }
    absl::StrAppend(&out_, ":\n");
    for (Inst i : data.insts) absl::StrAppend(&out_, "    ", PrintInst(i), "\n");
  }

  std::string PrintInst(Inst i) const {
    const InstData& d = f_.inst(i);
    std::string s;
    if (d.results_count > 0) absl::StrAppend(&s, Values(f_.Results(i)), " = ");
    absl::StrAppend(&s, OpcodeName(d.op));
    const absl::Span<const Value> args = f_.Args(i);
    switch (OpcodeFormat(d.op)) {
      case Format::kConst:
        if (d.op == IrOpcode::kIconst) {
          const int64_t v = d.type == Type::kI32 ? static_cast<int32_t>(d.imm64)
                                                 : static_cast<int64_t>(d.imm64);
          absl::StrAppend(&s, ".", TypeName(d.type), " ", v);
        } else {
          absl::StrAppend(&s, " 0x", absl::Hex(d.imm64, d.op == IrOpcode::kF32const
                                                           ? absl::kZeroPad8
                                                           : absl::kZeroPad16));
        }
        break;
      case Format::kUnary:
        absl::StrAppend(&s, ".", TypeName(d.type), " ", V(args[0]));
        break;
      case Format::kBinary:
      case Format::kSelect:
        absl::StrAppend(&s, ".", TypeName(d.type), " ", Values(args));
        break;
      case Format::kIntCompare:
      case Format::kFloatCompare:
        absl::StrAppend(&s, ".", TypeName(d.type), " ", CondName(d.cond), " ", Values(args));
        break;
      case Format::kLoad:
        absl::StrAppend(&s, ".", TypeName(d.type), MemSuffix(d, /*is_load=*/true), " ",
                        V(args[0]), "+", d.imm32);
        break;
      case Format::kStore:
        absl::StrAppend(&s, ".", TypeName(d.type), MemSuffix(d, /*is_load=*/false), " ",
                        V(args[0]), "+", d.imm32, ", ", V(args[1]));
        break;
      case Format::kGlobalGet:
        absl::StrAppend(&s, ".", TypeName(d.type), " g", d.imm32);
        break;
      case Format::kGlobalSet:
        absl::StrAppend(&s, " g", d.imm32, ", ", V(args[0]));
        break;
      case Format::kCall:
        absl::StrAppend(&s, " f", d.imm32, "(", Values(args), ")");
        break;
      case Format::kCallIndirect:
        absl::StrAppend(&s, " type", d.imm32, ", table", d.imm32b, ", ", V(args[0]), "(",
                        Values(args.subspan(1)), ")");
        break;
      case Format::kBuiltin:
        absl::StrAppend(&s, " ", BuiltinName(static_cast<Builtin>(d.imm32)), " #", d.imm32b, "(",
                        Values(args), ")");
        break;
      case Format::kJump:
        absl::StrAppend(&s, " ", Call(f_.Targets(i)[0]));
        break;
      case Format::kBrIf:
        absl::StrAppend(&s, " ", V(args[0]), ", ", Call(f_.Targets(i)[0]), ", ",
                        Call(f_.Targets(i)[1]));
        break;
      case Format::kBrTable: {
        const absl::Span<const BlockCall> t = f_.Targets(i);
        absl::StrAppend(&s, " ", V(args[0]), ", [",
                        absl::StrJoin(t.subspan(0, t.size() - 1), ", ",
                                      [this](std::string* o, const BlockCall& c) {
                                        o->append(Call(c));
                                      }),
                        "], ", Call(t.back()));
        break;
      }
      case Format::kReturn:
        if (!args.empty()) absl::StrAppend(&s, " ", Values(args));
        break;
      case Format::kTrap:
        absl::StrAppend(&s, " #", d.imm32);
        break;
      case Format::kTrapIf:
        absl::StrAppend(&s, " ", V(args[0]), ", #", d.imm32);
        break;
    }
    return s;
  }

  static std::string MemSuffix(const InstData& d, bool is_load) {
    const int type_width = (d.type == Type::kI64 || d.type == Type::kF64) ? 8 : 4;
    if (d.mem.width == type_width) return "";
    return absl::StrCat(".", is_load ? (d.mem.sign_extend ? "s" : "u") : "w", d.mem.width * 8);
  }

  const Function& f_;
  std::string out_;
};

}  // namespace

std::string PrintFunction(const Function& f) { return Printer(f).Print(); }

}  // namespace wasm::ir
