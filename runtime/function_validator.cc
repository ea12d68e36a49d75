#include "runtime/function_validator.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "runtime/errors.h"
#include "runtime/limits.h"
#include "runtime/reader.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

// One-element spans for block types of the form `[] -> [t]`.
absl::Span<const ValType> SingleType(ValType t) {
  static constexpr ValType kTypes[] = {ValType::kI32, ValType::kI64, ValType::kF32,
                                       ValType::kF64, ValType::kFuncRef, ValType::kExternRef};
  for (const ValType& k : kTypes) {
    if (k == t) return absl::Span<const ValType>(&k, 1);
  }
  return {};
}

std::string TypeName(uint8_t t) {
  return t == 0 ? std::string("any") : std::string(ValTypeName(static_cast<ValType>(t)));
}

bool IsRef(uint8_t t) {
  return t == static_cast<uint8_t>(ValType::kFuncRef) ||
         t == static_cast<uint8_t>(ValType::kExternRef);
}

}  // namespace

absl::Status FunctionValidator::Invalid(absl::string_view text) const {
  return InvalidError(offset_, text, func_index_);
}

absl::Status FunctionValidator::TypeMismatch(uint8_t expected, uint8_t actual) const {
  return Invalid(absl::StrCat("type mismatch: expected ", TypeName(expected), ", got ",
                              actual == 0xff ? std::string("nothing") : TypeName(actual)));
}

absl::Status FunctionValidator::Unknown(absl::string_view what, uint32_t index) const {
  return Invalid(absl::StrCat("unknown ", what, " ", index));
}

absl::Status FunctionValidator::Pop(uint8_t* out) {
  const Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) {
      *out = kAny;
      return absl::OkStatus();
    }
    return Invalid("type mismatch: operand stack is empty");
  }
  *out = stack_.back();
  stack_.pop_back();
  return absl::OkStatus();
}

absl::Status FunctionValidator::PopExpect(ValType expected) {
  const Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return absl::OkStatus();
    return TypeMismatch(static_cast<uint8_t>(expected), 0xff);
  }
  const uint8_t actual = stack_.back();
  stack_.pop_back();
  if (actual != static_cast<uint8_t>(expected) && actual != kAny) {
    return TypeMismatch(static_cast<uint8_t>(expected), actual);
  }
  return absl::OkStatus();
}

absl::Status FunctionValidator::PopValues(absl::Span<const ValType> types) {
  for (size_t i = types.size(); i > 0; --i) RETURN_IF_ERROR(PopExpect(types[i - 1]));
  return absl::OkStatus();
}

absl::Status FunctionValidator::PushFrame(Opcode kind, absl::Span<const ValType> params,
                                          absl::Span<const ValType> results) {
  if (frames_.size() >= kMaxControlDepth) {
    return MalformedError(offset_, "blocks nested too deeply (implementation limit 65536)",
                          func_index_);
  }
  frames_.push_back(Frame{kind, params, results, static_cast<uint32_t>(stack_.size()), false});
  PushValues(params);
  return absl::OkStatus();
}

void FunctionValidator::SetUnreachable() {
  Frame& f = frames_.back();
  stack_.resize(f.height);
  f.unreachable = true;
}

absl::Status FunctionValidator::ResolveBlockType(const BlockType& bt,
                                                 absl::Span<const ValType>* params,
                                                 absl::Span<const ValType>* results) {
  switch (bt.kind) {
    case BlockType::Kind::kEmpty:
      *params = {};
      *results = {};
      return absl::OkStatus();
    case BlockType::Kind::kValue:
      *params = {};
      *results = SingleType(bt.value);
      return absl::OkStatus();
    case BlockType::Kind::kTypeIndex:
      if (bt.type_index >= m_.types.size()) return Unknown("type", bt.type_index);
      *params = m_.types[bt.type_index].params;
      *results = m_.types[bt.type_index].results;
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status FunctionValidator::CheckMemory() const {
  if (m_.memories.empty()) return Unknown("memory", 0);
  return absl::OkStatus();
}

absl::Status FunctionValidator::CheckTable(uint32_t index) const {
  if (index >= m_.tables.size()) return Unknown("table", index);
  return absl::OkStatus();
}

absl::Status FunctionValidator::CheckDataCount(uint32_t index) const {
  if (!m_.data_count.has_value()) {
    return MalformedError(offset_, "data count section required", func_index_);
  }
  if (index >= *m_.data_count) return Unknown("data segment", index);
  return absl::OkStatus();
}

absl::Status FunctionValidator::CheckAlign(const Instruction& in, uint32_t max_align) const {
  RETURN_IF_ERROR(CheckMemory());
  if (in.align > max_align) return Invalid("alignment must not be larger than natural");
  return absl::OkStatus();
}

absl::Status FunctionValidator::ValidateBody(uint32_t defined_index) {
  const FunctionBody& body = m_.bodies[defined_index];
  func_index_ = m_.num_imported_functions + defined_index;
  const FuncType& type = m_.FunctionType(func_index_);
  locals_.assign(type.params.begin(), type.params.end());
  for (const LocalDecl& d : body.locals) locals_.insert(locals_.end(), d.count, d.type);
  if (locals_.size() > kMaxFunctionLocals) {
    return MalformedError(body.code_offset, "too many locals (implementation limit 50000)",
                          func_index_);
  }
  func_results_ = type.results;
  return Run(body.code_offset, body.range.offset + body.range.size, Mode::kFunction);
}

absl::Status FunctionValidator::ValidateConstExpr(const ConstExpr& expr, ValType expected) {
  func_index_ = kNoFunction;
  locals_.clear();
  func_results_ = SingleType(expected);
  return Run(expr.offset, expr.offset + expr.size, Mode::kConstExpr);
}

absl::Status FunctionValidator::Run(size_t begin, size_t end, Mode mode) {
  mode_ = mode;
  stack_.clear();
  frames_.clear();
  offset_ = begin;
  frames_.push_back(Frame{Opcode::kBlock, {}, func_results_, 0, false});
  Reader r(m_.bytes, begin, end);
  r.set_function(func_index_);
  InstructionReader reader(&r);
  Instruction in;
  while (!frames_.empty()) {
    RETURN_IF_ERROR(reader.Next(&in));
    offset_ = in.offset;
    if (mode_ == Mode::kConstExpr) RETURN_IF_ERROR(CheckConstant(in));
    RETURN_IF_ERROR(Step(in));
  }
  if (!r.AtEnd()) {
    return MalformedError(r.offset(), "operators remaining after end of function", func_index_);
  }
  return absl::OkStatus();
}

absl::Status FunctionValidator::CheckConstant(const Instruction& in) {
  switch (in.op) {
    case Opcode::kI32Const:
    case Opcode::kI64Const:
    case Opcode::kF32Const:
    case Opcode::kF64Const:
    case Opcode::kRefNull:
    case Opcode::kRefFunc:
    case Opcode::kEnd:
      return absl::OkStatus();
    case Opcode::kGlobalGet:
      // In WebAssembly 2.0 a constant expression sees imported globals only.
      if (in.index >= m_.num_imported_globals) return Unknown("global", in.index);
      if (m_.globals[in.index].type.mutability != Mutability::kConst) {
        return Invalid("constant expression required: global.get of a mutable global");
      }
      return absl::OkStatus();
    default:
      return Invalid(absl::StrCat("constant expression required: ", OpcodeName(in.op),
                                  " is not constant"));
  }
}

absl::Status FunctionValidator::Step(const Instruction& in) {
  switch (in.op) {
#define WASM_BINARY_OP(name, code, text, result, operand) \
    case Opcode::k##name:                                \
      RETURN_IF_ERROR(PopExpect(ValType::k##operand));   \
      RETURN_IF_ERROR(PopExpect(ValType::k##operand));   \
      Push(ValType::k##result);                          \
      return absl::OkStatus();
#define WASM_UNARY_OP(name, code, text, result, operand) \
    case Opcode::k##name:                               \
      RETURN_IF_ERROR(PopExpect(ValType::k##operand));  \
      Push(ValType::k##result);                         \
      return absl::OkStatus();
#define WASM_FC_UNARY_OP(name, code, text, result, operand) \
    case Opcode::k##name:                                  \
      RETURN_IF_ERROR(PopExpect(ValType::k##operand));     \
      Push(ValType::k##result);                            \
      return absl::OkStatus();
#define WASM_LOAD_OP(name, code, text, result, align) \
    case Opcode::k##name:                             \
      RETURN_IF_ERROR(CheckAlign(in, align));         \
      RETURN_IF_ERROR(PopExpect(ValType::kI32));      \
      Push(ValType::k##result);                       \
      return absl::OkStatus();
#define WASM_STORE_OP(name, code, text, value, align) \
    case Opcode::k##name:                             \
      RETURN_IF_ERROR(CheckAlign(in, align));         \
      RETURN_IF_ERROR(PopExpect(ValType::k##value));  \
      RETURN_IF_ERROR(PopExpect(ValType::kI32));      \
      return absl::OkStatus();
#include "runtime/opcodes.def"

    case Opcode::kUnreachable:
      SetUnreachable();
      return absl::OkStatus();
    case Opcode::kNop:
      return absl::OkStatus();
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf: {
      absl::Span<const ValType> params, results;
      RETURN_IF_ERROR(ResolveBlockType(in.block, &params, &results));
      if (in.op == Opcode::kIf) RETURN_IF_ERROR(PopExpect(ValType::kI32));
      RETURN_IF_ERROR(PopValues(params));
      return PushFrame(in.op, params, results);
    }
    case Opcode::kElse: {
      Frame& f = frames_.back();
      if (f.kind != Opcode::kIf) {
        return MalformedError(offset_, "else without matching if", func_index_);
      }
      RETURN_IF_ERROR(PopValues(f.results));
      if (stack_.size() != f.height) return Invalid("type mismatch: values remain at else");
      f.kind = Opcode::kElse;
      f.unreachable = false;
      PushValues(f.params);
      return absl::OkStatus();
    }
    case Opcode::kEnd: {
      const Frame f = frames_.back();
      RETURN_IF_ERROR(PopValues(f.results));
      if (stack_.size() != f.height) return Invalid("type mismatch: values remain at end of block");
      // An `if` without `else` has an implicit empty else: it must map the
      // block's parameters to its results unchanged.
      if (f.kind == Opcode::kIf && !std::equal(f.params.begin(), f.params.end(),
                                               f.results.begin(), f.results.end())) {
        return Invalid("type mismatch: if without else must have matching parameters and results");
      }
      frames_.pop_back();
      PushValues(f.results);
      return absl::OkStatus();
    }
    case Opcode::kBr: {
      if (in.index >= frames_.size()) return Unknown("label", in.index);
      RETURN_IF_ERROR(PopValues(frames_[frames_.size() - 1 - in.index].LabelTypes()));
      SetUnreachable();
      return absl::OkStatus();
    }
    case Opcode::kBrIf: {
      if (in.index >= frames_.size()) return Unknown("label", in.index);
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      absl::Span<const ValType> types = frames_[frames_.size() - 1 - in.index].LabelTypes();
      RETURN_IF_ERROR(PopValues(types));
      PushValues(types);
      return absl::OkStatus();
    }
    case Opcode::kBrTable: {
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      const uint32_t default_label = in.targets.back();
      if (default_label >= frames_.size()) return Unknown("label", default_label);
      absl::Span<const ValType> default_types =
          frames_[frames_.size() - 1 - default_label].LabelTypes();
      const size_t arity = default_types.size();
      for (size_t i = 0; i + 1 < in.targets.size(); ++i) {
        const uint32_t label = in.targets[i];
        if (label >= frames_.size()) return Unknown("label", label);
        absl::Span<const ValType> types = frames_[frames_.size() - 1 - label].LabelTypes();
        if (types.size() != arity) {
          return Invalid("type mismatch: br_table targets have different arities");
        }
        // The spec's push_vals(pop_vals(label types)): check the operands
        // against this label, then put back what was popped (which may be
        // "any" in unreachable code).
        scratch_.clear();
        for (size_t j = types.size(); j > 0; --j) {
          uint8_t actual;
          RETURN_IF_ERROR(Pop(&actual));
          const uint8_t want = static_cast<uint8_t>(types[j - 1]);
          if (actual != want && actual != kAny) return TypeMismatch(want, actual);
          scratch_.push_back(actual);
        }
        stack_.insert(stack_.end(), scratch_.rbegin(), scratch_.rend());
      }
      RETURN_IF_ERROR(PopValues(default_types));
      SetUnreachable();
      return absl::OkStatus();
    }
    case Opcode::kReturn:
      RETURN_IF_ERROR(PopValues(func_results_));
      SetUnreachable();
      return absl::OkStatus();
    case Opcode::kCall: {
      if (in.index >= m_.functions.size()) return Unknown("function", in.index);
      const FuncType& type = m_.FunctionType(in.index);
      RETURN_IF_ERROR(PopValues(type.params));
      PushValues(type.results);
      return absl::OkStatus();
    }
    case Opcode::kCallIndirect: {
      RETURN_IF_ERROR(CheckTable(in.index2));
      if (m_.tables[in.index2].elem_type != ValType::kFuncRef) {
        return Invalid("type mismatch: call_indirect needs a funcref table");
      }
      if (in.index >= m_.types.size()) return Unknown("type", in.index);
      const FuncType& type = m_.types[in.index];
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      RETURN_IF_ERROR(PopValues(type.params));
      PushValues(type.results);
      return absl::OkStatus();
    }
    case Opcode::kDrop: {
      uint8_t t;
      return Pop(&t);
    }
    case Opcode::kSelect: {
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      uint8_t t1, t2;
      RETURN_IF_ERROR(Pop(&t1));
      RETURN_IF_ERROR(Pop(&t2));
      if (IsRef(t1) || IsRef(t2)) {
        return Invalid("type mismatch: select without a type needs numeric operands");
      }
      if (t1 != t2 && t1 != kAny && t2 != kAny) return TypeMismatch(t1, t2);
      PushRaw(t1 == kAny ? t2 : t1);
      return absl::OkStatus();
    }
    case Opcode::kSelectT: {
      if (in.index != 1) return Invalid("invalid result arity");
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      RETURN_IF_ERROR(PopExpect(in.type));
      RETURN_IF_ERROR(PopExpect(in.type));
      Push(in.type);
      return absl::OkStatus();
    }
    case Opcode::kLocalGet:
      if (in.index >= locals_.size()) return Unknown("local", in.index);
      Push(locals_[in.index]);
      return absl::OkStatus();
    case Opcode::kLocalSet:
      if (in.index >= locals_.size()) return Unknown("local", in.index);
      return PopExpect(locals_[in.index]);
    case Opcode::kLocalTee:
      if (in.index >= locals_.size()) return Unknown("local", in.index);
      RETURN_IF_ERROR(PopExpect(locals_[in.index]));
      Push(locals_[in.index]);
      return absl::OkStatus();
    case Opcode::kGlobalGet:
      if (in.index >= m_.globals.size()) return Unknown("global", in.index);
      Push(m_.globals[in.index].type.type);
      return absl::OkStatus();
    case Opcode::kGlobalSet:
      if (in.index >= m_.globals.size()) return Unknown("global", in.index);
      if (m_.globals[in.index].type.mutability != Mutability::kVar) {
        return Invalid("global is immutable");
      }
      return PopExpect(m_.globals[in.index].type.type);
    case Opcode::kTableGet:
      RETURN_IF_ERROR(CheckTable(in.index));
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      Push(m_.tables[in.index].elem_type);
      return absl::OkStatus();
    case Opcode::kTableSet:
      RETURN_IF_ERROR(CheckTable(in.index));
      RETURN_IF_ERROR(PopExpect(m_.tables[in.index].elem_type));
      return PopExpect(ValType::kI32);
    case Opcode::kMemorySize:
      RETURN_IF_ERROR(CheckMemory());
      Push(ValType::kI32);
      return absl::OkStatus();
    case Opcode::kMemoryGrow:
      RETURN_IF_ERROR(CheckMemory());
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      Push(ValType::kI32);
      return absl::OkStatus();
    case Opcode::kI32Const: Push(ValType::kI32); return absl::OkStatus();
    case Opcode::kI64Const: Push(ValType::kI64); return absl::OkStatus();
    case Opcode::kF32Const: Push(ValType::kF32); return absl::OkStatus();
    case Opcode::kF64Const: Push(ValType::kF64); return absl::OkStatus();
    case Opcode::kRefNull:
      Push(in.type);
      return absl::OkStatus();
    case Opcode::kRefIsNull: {
      uint8_t t;
      RETURN_IF_ERROR(Pop(&t));
      if (t != kAny && !IsRef(t)) {
        return Invalid(absl::StrCat("type mismatch: ref.is_null expects a reference, got ",
                                    TypeName(t)));
      }
      Push(ValType::kI32);
      return absl::OkStatus();
    }
    case Opcode::kRefFunc:
      if (in.index >= m_.functions.size()) return Unknown("function", in.index);
      if (mode_ == Mode::kFunction &&
          (in.index >= m_.declared_func_refs.size() || !m_.declared_func_refs[in.index])) {
        return Invalid(absl::StrCat("undeclared function reference ", in.index));
      }
      Push(ValType::kFuncRef);
      return absl::OkStatus();

    case Opcode::kMemoryInit:
      RETURN_IF_ERROR(CheckDataCount(in.index));
      RETURN_IF_ERROR(CheckMemory());
      for (int i = 0; i < 3; ++i) RETURN_IF_ERROR(PopExpect(ValType::kI32));
      return absl::OkStatus();
    case Opcode::kDataDrop:
      return CheckDataCount(in.index);
    case Opcode::kMemoryCopy:
    case Opcode::kMemoryFill:
      RETURN_IF_ERROR(CheckMemory());
      for (int i = 0; i < 3; ++i) RETURN_IF_ERROR(PopExpect(ValType::kI32));
      return absl::OkStatus();
    case Opcode::kTableInit:
      RETURN_IF_ERROR(CheckTable(in.index2));
      if (in.index >= m_.elems.size()) return Unknown("elem segment", in.index);
      if (m_.elems[in.index].elem_type != m_.tables[in.index2].elem_type) {
        return Invalid("type mismatch: element segment and table types differ");
      }
      for (int i = 0; i < 3; ++i) RETURN_IF_ERROR(PopExpect(ValType::kI32));
      return absl::OkStatus();
    case Opcode::kElemDrop:
      if (in.index >= m_.elems.size()) return Unknown("elem segment", in.index);
      return absl::OkStatus();
    case Opcode::kTableCopy:
      RETURN_IF_ERROR(CheckTable(in.index));
      RETURN_IF_ERROR(CheckTable(in.index2));
      if (m_.tables[in.index].elem_type != m_.tables[in.index2].elem_type) {
        return Invalid("type mismatch: table.copy between tables of different types");
      }
      for (int i = 0; i < 3; ++i) RETURN_IF_ERROR(PopExpect(ValType::kI32));
      return absl::OkStatus();
    case Opcode::kTableGrow:
      RETURN_IF_ERROR(CheckTable(in.index));
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      RETURN_IF_ERROR(PopExpect(m_.tables[in.index].elem_type));
      Push(ValType::kI32);
      return absl::OkStatus();
    case Opcode::kTableSize:
      RETURN_IF_ERROR(CheckTable(in.index));
      Push(ValType::kI32);
      return absl::OkStatus();
    case Opcode::kTableFill:
      RETURN_IF_ERROR(CheckTable(in.index));
      RETURN_IF_ERROR(PopExpect(ValType::kI32));
      RETURN_IF_ERROR(PopExpect(m_.tables[in.index].elem_type));
      return PopExpect(ValType::kI32);
  }
  return MalformedError(offset_, "illegal opcode", func_index_);
}

}  // namespace wasm
