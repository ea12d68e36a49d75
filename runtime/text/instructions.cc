#include "runtime/text/instructions.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "runtime/limits.h"
#include "runtime/status_macros.h"
#include "runtime/text/numeric.h"

namespace wasm::text {
namespace {

enum class Shape : uint8_t { kControl, kLoad, kStore, kSimple, kFcControl };

struct OpInfo {
  Opcode op;
  Shape shape;
  uint8_t align_log2;  // loads and stores: the natural alignment
};

// Name -> opcode, expanded from opcodes.def. `select` maps to the untyped
// form (the first row); `(result t)` then selects SelectT.
const absl::flat_hash_map<absl::string_view, OpInfo>& OpTable() {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<absl::string_view, OpInfo>();
#define WASM_CONTROL_OP(name, code, text) t->emplace(text, OpInfo{Opcode::k##name, Shape::kControl, 0});
#define WASM_LOAD_OP(name, code, text, result, align) \
  t->emplace(text, OpInfo{Opcode::k##name, Shape::kLoad, align});
#define WASM_STORE_OP(name, code, text, value, align) \
  t->emplace(text, OpInfo{Opcode::k##name, Shape::kStore, align});
#define WASM_BINARY_OP(name, code, text, result, operand) \
  t->emplace(text, OpInfo{Opcode::k##name, Shape::kSimple, 0});
#define WASM_UNARY_OP(name, code, text, result, operand) \
  t->emplace(text, OpInfo{Opcode::k##name, Shape::kSimple, 0});
#define WASM_FC_UNARY_OP(name, code, text, result, operand) \
  t->emplace(text, OpInfo{Opcode::k##name, Shape::kSimple, 0});
#define WASM_FC_CONTROL_OP(name, code, text) \
  t->emplace(text, OpInfo{Opcode::k##name, Shape::kFcControl, 0});
#include "runtime/opcodes.def"
    return t;
  }();
  return *table;
}

void EmitOpcode(Opcode op, ByteWriter& out) {
  uint16_t code = static_cast<uint16_t>(op);
  if ((code >> 8) == kPrefixFC) {
    out.U8(kPrefixFC);
    out.U32(code & 0xff);
  } else {
    out.U8(static_cast<uint8_t>(code));
  }
}

// Keywords of the text format that are not instructions: meeting one where
// an instruction should be is a syntax error ("unexpected token"); any other
// unknown keyword is an "unknown operator".
bool IsStructuralKeyword(absl::string_view k) {
  static constexpr absl::string_view kWords[] = {
      "module", "type",  "func",    "param",   "result",  "local",  "import", "export",
      "table",  "memory", "global", "elem",    "data",    "start",  "offset", "item",
      "declare", "then", "mut",     "funcref", "externref", "i32", "i64",    "f32",
      "f64",    "v128",  "extern",  "ref",     "binary",  "quote"};
  for (absl::string_view w : kWords) {
    if (k == w) return true;
  }
  return false;
}

absl::Status UnknownOrUnexpected(const Token& token) {
  if (token.kind == TokenKind::kKeyword && !IsStructuralKeyword(token.text)) {
    return Cursor::Error(token, absl::StrCat("unknown operator ", token.text));
  }
  return Cursor::Unexpected(token);
}

void EmitBlockType(ModuleContext& context, const TypeUse& use, const FuncType& sig,
                   ByteWriter& out) {
  if (sig.params.empty() && sig.results.size() <= 1) {
    out.U8(sig.results.empty() ? 0x40 : static_cast<uint8_t>(sig.results[0]));
  } else {
    out.S64(TypeUseIndex(context, use, sig));
  }
}

}  // namespace

bool IsInstructionName(absl::string_view name) { return OpTable().contains(name); }

absl::Status InstrParser::ParseInstrs(ByteWriter& out) { return ParseInstrsAt(out, 0); }

absl::Status InstrParser::ParseFolded(ByteWriter& out) { return ParseFoldedAt(out, 0); }

absl::Status InstrParser::PushLabel(Label label) {
  if (labels_.size() >= kMaxControlDepth) return cursor_.Error(cursor_.Peek(), "nesting too deep");
  labels_.push_back(std::move(label));
  return absl::OkStatus();
}

absl::Status InstrParser::ParseBlockHeader(Label& label, ByteWriter& block_type) {
  if (cursor_.Peek().kind == TokenKind::kId) label.name = cursor_.Next().value;
  ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, context_, ParamIds::kRefused));
  ASSIGN_OR_RETURN(FuncType sig, TypeUseSignature(context_, use));
  EmitBlockType(context_, use, sig, block_type);
  return absl::OkStatus();
}

absl::Status InstrParser::CheckEndLabel(const Label& label) {
  const Token& token = cursor_.Peek();
  if (token.kind != TokenKind::kId) return absl::OkStatus();
  if (token.value != label.name) {
    return cursor_.Error(token, absl::StrCat("mismatching label ", token.text));
  }
  cursor_.Next();
  return absl::OkStatus();
}

absl::Status InstrParser::ParseInstrsAt(ByteWriter& out, int depth) {
  const size_t base = labels_.size();
  while (true) {
    const Token& token = cursor_.Peek();
    if (token.kind == TokenKind::kRParen || token.kind == TokenKind::kEof) break;
    if (token.kind == TokenKind::kLParen) {
      RETURN_IF_ERROR(ParseFoldedAt(out, depth + 1));
      continue;
    }
    if (token.kind != TokenKind::kKeyword) return cursor_.Unexpected();
    absl::string_view k = token.text;
    if (k == "block" || k == "loop" || k == "if") {
      cursor_.Next();
      Label label;
      label.is_if = k == "if";
      ByteWriter block_type;
      RETURN_IF_ERROR(ParseBlockHeader(label, block_type));
      out.U8(k == "block" ? 0x02 : k == "loop" ? 0x03 : 0x04);
      out.Append(block_type);
      RETURN_IF_ERROR(PushLabel(std::move(label)));
    } else if (k == "else") {
      if (labels_.size() == base || !labels_.back().is_if || labels_.back().seen_else) {
        return cursor_.Unexpected();
      }
      cursor_.Next();
      RETURN_IF_ERROR(CheckEndLabel(labels_.back()));
      labels_.back().seen_else = true;
      labels_.back().else_end = out.size() + 1;
      out.U8(0x05);
    } else if (k == "end") {
      if (labels_.size() == base) return cursor_.Unexpected();
      cursor_.Next();
      RETURN_IF_ERROR(CheckEndLabel(labels_.back()));
      // An empty else branch loses its `else` opcode (as in the folded form).
      if (labels_.back().seen_else && labels_.back().else_end == out.size()) out.Truncate(out.size() - 1);
      labels_.pop_back();
      out.U8(0x0b);
    } else {
      RETURN_IF_ERROR(ParsePlain(out));
    }
  }
  if (labels_.size() != base) {
    return cursor_.Error(cursor_.Peek(), absl::StrCat("unexpected token \"", cursor_.Peek().text,
                                                      "\", expected end"));
  }
  return absl::OkStatus();
}

absl::Status InstrParser::ParseFoldedAt(ByteWriter& out, int depth) {
  if (depth > kMaxFoldedDepth) return cursor_.Error(cursor_.Peek(), "nesting too deep");
  RETURN_IF_ERROR(cursor_.ExpectLParen());
  const Token& token = cursor_.Peek();
  if (token.kind != TokenKind::kKeyword) return cursor_.Unexpected();
  absl::string_view k = token.text;
  if (k == "block" || k == "loop") {
    cursor_.Next();
    Label label;
    ByteWriter block_type;
    RETURN_IF_ERROR(ParseBlockHeader(label, block_type));
    out.U8(k == "block" ? 0x02 : 0x03);
    out.Append(block_type);
    RETURN_IF_ERROR(PushLabel(std::move(label)));
    RETURN_IF_ERROR(ParseInstrsAt(out, depth));
    labels_.pop_back();
    out.U8(0x0b);
    return cursor_.ExpectRParen();
  }
  if (k == "if") {
    cursor_.Next();
    Label label;
    label.is_if = true;
    ByteWriter block_type;
    RETURN_IF_ERROR(ParseBlockHeader(label, block_type));
    // The condition: folded instructions before (then ...).
    while (cursor_.Peek().kind == TokenKind::kLParen && !cursor_.IsKeyword("then", 1)) {
      RETURN_IF_ERROR(ParseFoldedAt(out, depth + 1));
    }
    out.U8(0x04);
    out.Append(block_type);
    RETURN_IF_ERROR(PushLabel(std::move(label)));
    if (!cursor_.TryLParenKeyword("then")) return cursor_.Unexpected();
    RETURN_IF_ERROR(ParseInstrsAt(out, depth));
    RETURN_IF_ERROR(cursor_.ExpectRParen());
    if (cursor_.TryLParenKeyword("else")) {
      // wabt writes no `else` opcode for an empty else branch; neither do we.
      ByteWriter else_body;
      RETURN_IF_ERROR(ParseInstrsAt(else_body, depth));
      RETURN_IF_ERROR(cursor_.ExpectRParen());
      if (!else_body.empty()) {
        out.U8(0x05);
        out.Append(else_body);
      }
    }
    labels_.pop_back();
    out.U8(0x0b);
    return cursor_.ExpectRParen();
  }
  if (!IsInstructionName(k)) return UnknownOrUnexpected(token);
  // A plain instruction: its immediates, then its folded operands, then it.
  ByteWriter instr;
  RETURN_IF_ERROR(ParsePlain(instr));
  while (cursor_.Peek().kind == TokenKind::kLParen) {
    RETURN_IF_ERROR(ParseFoldedAt(out, depth + 1));
  }
  out.Append(instr);
  return cursor_.ExpectRParen();
}

absl::StatusOr<uint32_t> InstrParser::ParseOptionalIndex(Space s) {
  if (!cursor_.AtIndex()) return 0u;
  return context_.ParseIndex(cursor_, s);
}

absl::Status InstrParser::ParseLabelIndex(ByteWriter& out) {
  const Token& token = cursor_.Peek();
  if (token.kind == TokenKind::kId) {
    for (size_t i = labels_.size(); i > 0; --i) {
      if (labels_[i - 1].name == token.value) {
        out.U32(static_cast<uint32_t>(labels_.size() - i));
        cursor_.Next();
        return absl::OkStatus();
      }
    }
    return cursor_.Error(token, absl::StrCat("unknown label ", token.text));
  }
  ASSIGN_OR_RETURN(uint32_t depth, cursor_.ExpectU32());
  out.U32(depth);
  return absl::OkStatus();
}

absl::Status InstrParser::ParseLocalIndex(ByteWriter& out) {
  const Token& token = cursor_.Peek();
  if (token.kind == TokenKind::kId) {
    std::optional<uint32_t> index;
    if (locals_ != nullptr) index = locals_->Find(token.value);
    if (!index.has_value()) return cursor_.Error(token, absl::StrCat("unknown local ", token.text));
    out.U32(*index);
    cursor_.Next();
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(uint32_t index, cursor_.ExpectU32());
  out.U32(index);
  return absl::OkStatus();
}

absl::Status InstrParser::ParseConst(Opcode op, ByteWriter& out) {
  const Token& token = cursor_.Peek();
  if (token.kind != TokenKind::kNumber && token.kind != TokenKind::kKeyword) {
    return cursor_.Unexpected();
  }
  NumStatus status = NumStatus::kSyntax;
  const char* type = "";
  switch (op) {
    case Opcode::kI32Const: {
      type = "i32";
      uint32_t bits = 0;
      if (token.kind == TokenKind::kNumber) status = ParseI32(token.text, &bits);
      if (status == NumStatus::kOk) out.S32(static_cast<int32_t>(bits));
      break;
    }
    case Opcode::kI64Const: {
      type = "i64";
      uint64_t bits = 0;
      if (token.kind == TokenKind::kNumber) status = ParseI64(token.text, &bits);
      if (status == NumStatus::kOk) out.S64(static_cast<int64_t>(bits));
      break;
    }
    case Opcode::kF32Const: {
      type = "f32";
      uint32_t bits = 0;
      status = ParseF32(token.text, &bits);
      if (status == NumStatus::kOk) out.Fixed32(bits);
      break;
    }
    default: {
      type = "f64";
      uint64_t bits = 0;
      status = ParseF64(token.text, &bits);
      if (status == NumStatus::kOk) out.Fixed64(bits);
      break;
    }
  }
  switch (status) {
    case NumStatus::kOk:
      cursor_.Next();
      return absl::OkStatus();
    case NumStatus::kRange:
      return cursor_.Error(token, absl::StrCat("constant out of range: ", type, " ", token.text));
    case NumStatus::kSyntax:
      // A keyword of the text format (`func`, or the script's
      // `nan:canonical`) is the wrong token; anything else (`nan:1`, `0x`) is
      // an unknown one, as in the reference lexer.
      if (token.kind == TokenKind::kKeyword &&
          (IsStructuralKeyword(token.text) || token.text == "nan:canonical" ||
           token.text == "nan:arithmetic")) {
        return cursor_.Unexpected();
      }
      return cursor_.Error(token, absl::StrCat("unknown operator ", token.text));
  }
  return absl::OkStatus();
}

absl::Status InstrParser::ParseMemArg(uint32_t natural_align_log2, ByteWriter& out) {
  uint64_t offset = 0;
  uint32_t align_log2 = natural_align_log2;
  const Token* token = &cursor_.Peek();
  if (token->kind == TokenKind::kKeyword && absl::StartsWith(token->text, "offset=")) {
    switch (ParseUnsigned(token->text.substr(7), 0xffffffffu, &offset)) {
      case NumStatus::kOk: break;
      case NumStatus::kSyntax: return cursor_.Error(*token, absl::StrCat("unknown operator ", token->text));
      case NumStatus::kRange: return cursor_.Error(*token, "i32 constant out of range");
    }
    cursor_.Next();
    token = &cursor_.Peek();
  }
  if (token->kind == TokenKind::kKeyword && absl::StartsWith(token->text, "align=")) {
    uint64_t align = 0;
    switch (ParseUnsigned(token->text.substr(6), 0xffffffffu, &align)) {
      case NumStatus::kOk: break;
      case NumStatus::kSyntax: return cursor_.Error(*token, absl::StrCat("unknown operator ", token->text));
      case NumStatus::kRange: return cursor_.Error(*token, "i32 constant out of range");
    }
    if (align == 0 || (align & (align - 1)) != 0) {
      return cursor_.Error(*token, "alignment must be a power of two");
    }
    align_log2 = 0;
    while ((uint64_t{1} << align_log2) < align) ++align_log2;
    cursor_.Next();
  }
  out.U32(align_log2);
  out.U32(static_cast<uint32_t>(offset));
  return absl::OkStatus();
}

absl::Status InstrParser::ParsePlain(ByteWriter& out) {
  const Token& token = cursor_.Peek();
  auto it = OpTable().find(token.text);
  if (token.kind != TokenKind::kKeyword || it == OpTable().end()) return UnknownOrUnexpected(token);
  const OpInfo info = it->second;
  cursor_.Next();
  const Opcode op = info.op;
  switch (info.shape) {
    case Shape::kSimple:
      EmitOpcode(op, out);
      return absl::OkStatus();
    case Shape::kLoad:
    case Shape::kStore:
      EmitOpcode(op, out);
      return ParseMemArg(info.align_log2, out);
    case Shape::kFcControl:
    case Shape::kControl:
      break;
  }
  switch (op) {
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf:
    case Opcode::kElse:
    case Opcode::kEnd:
      // Structured instructions are handled by ParseInstrsAt / ParseFoldedAt;
      // here (e.g. `(else)` outside an if) they are out of place.
      return cursor_.Unexpected(token);
    case Opcode::kBr:
    case Opcode::kBrIf:
      EmitOpcode(op, out);
      return ParseLabelIndex(out);
    case Opcode::kBrTable: {
      ByteWriter targets;
      uint32_t count = 0;
      while (cursor_.AtIndex()) {
        RETURN_IF_ERROR(ParseLabelIndex(targets));
        ++count;
      }
      if (count == 0) return cursor_.Unexpected();
      EmitOpcode(op, out);
      out.U32(count - 1);  // the last one is the default
      out.Append(targets);
      return absl::OkStatus();
    }
    case Opcode::kCall:
    case Opcode::kRefFunc: {
      ASSIGN_OR_RETURN(uint32_t index, context_.ParseIndex(cursor_, Space::kFunc));
      EmitOpcode(op, out);
      out.U32(index);
      return absl::OkStatus();
    }
    case Opcode::kCallIndirect: {
      ASSIGN_OR_RETURN(uint32_t table, ParseOptionalIndex(Space::kTable));
      ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, context_, ParamIds::kRefused));
      ASSIGN_OR_RETURN(FuncType sig, TypeUseSignature(context_, use));
      EmitOpcode(op, out);
      out.U32(TypeUseIndex(context_, use, sig));
      out.U32(table);
      return absl::OkStatus();
    }
    case Opcode::kSelect: {
      if (!cursor_.AtLParenKeyword("result")) {
        EmitOpcode(op, out);
        return absl::OkStatus();
      }
      std::vector<ValType> types;
      while (cursor_.TryLParenKeyword("result")) {
        while (cursor_.Peek().kind != TokenKind::kRParen) {
          ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
          types.push_back(type);
        }
        RETURN_IF_ERROR(cursor_.ExpectRParen());
      }
      EmitOpcode(Opcode::kSelectT, out);
      out.U32(static_cast<uint32_t>(types.size()));
      for (ValType t : types) out.U8(static_cast<uint8_t>(t));
      return absl::OkStatus();
    }
    case Opcode::kLocalGet:
    case Opcode::kLocalSet:
    case Opcode::kLocalTee:
      EmitOpcode(op, out);
      return ParseLocalIndex(out);
    case Opcode::kGlobalGet:
    case Opcode::kGlobalSet: {
      ASSIGN_OR_RETURN(uint32_t index, context_.ParseIndex(cursor_, Space::kGlobal));
      EmitOpcode(op, out);
      out.U32(index);
      return absl::OkStatus();
    }
    case Opcode::kTableGet:
    case Opcode::kTableSet:
    case Opcode::kTableGrow:
    case Opcode::kTableSize:
    case Opcode::kTableFill: {
      ASSIGN_OR_RETURN(uint32_t index, ParseOptionalIndex(Space::kTable));
      EmitOpcode(op, out);
      out.U32(index);
      return absl::OkStatus();
    }
    case Opcode::kMemorySize:
    case Opcode::kMemoryGrow:
    case Opcode::kMemoryFill: {
      ASSIGN_OR_RETURN(uint32_t index, ParseOptionalIndex(Space::kMemory));
      EmitOpcode(op, out);
      out.U32(index);
      return absl::OkStatus();
    }
    case Opcode::kMemoryCopy: {
      ASSIGN_OR_RETURN(uint32_t dst, ParseOptionalIndex(Space::kMemory));
      ASSIGN_OR_RETURN(uint32_t src, ParseOptionalIndex(Space::kMemory));
      EmitOpcode(op, out);
      out.U32(dst);
      out.U32(src);
      return absl::OkStatus();
    }
    case Opcode::kMemoryInit: {
      ASSIGN_OR_RETURN(uint32_t data, context_.ParseIndex(cursor_, Space::kData));
      context_.uses_data_count = true;
      EmitOpcode(op, out);
      out.U32(data);
      out.U8(0x00);
      return absl::OkStatus();
    }
    case Opcode::kDataDrop: {
      ASSIGN_OR_RETURN(uint32_t data, context_.ParseIndex(cursor_, Space::kData));
      context_.uses_data_count = true;
      EmitOpcode(op, out);
      out.U32(data);
      return absl::OkStatus();
    }
    case Opcode::kTableInit: {
      // `table.init elem` or `table.init table elem`.
      uint32_t table = 0;
      TokenKind second = cursor_.Peek(1).kind;
      if (second == TokenKind::kNumber || second == TokenKind::kId) {
        ASSIGN_OR_RETURN(table, context_.ParseIndex(cursor_, Space::kTable));
      }
      ASSIGN_OR_RETURN(uint32_t elem, context_.ParseIndex(cursor_, Space::kElem));
      EmitOpcode(op, out);
      out.U32(elem);
      out.U32(table);
      return absl::OkStatus();
    }
    case Opcode::kElemDrop: {
      ASSIGN_OR_RETURN(uint32_t elem, context_.ParseIndex(cursor_, Space::kElem));
      EmitOpcode(op, out);
      out.U32(elem);
      return absl::OkStatus();
    }
    case Opcode::kTableCopy: {
      ASSIGN_OR_RETURN(uint32_t dst, ParseOptionalIndex(Space::kTable));
      ASSIGN_OR_RETURN(uint32_t src, ParseOptionalIndex(Space::kTable));
      EmitOpcode(op, out);
      out.U32(dst);
      out.U32(src);
      return absl::OkStatus();
    }
    case Opcode::kI32Const:
    case Opcode::kI64Const:
    case Opcode::kF32Const:
    case Opcode::kF64Const:
      EmitOpcode(op, out);
      return ParseConst(op, out);
    case Opcode::kRefNull: {
      ASSIGN_OR_RETURN(ValType type, ParseHeapType(cursor_));
      EmitOpcode(op, out);
      out.U8(static_cast<uint8_t>(type));
      return absl::OkStatus();
    }
    default:
      // unreachable, nop, return, drop, ref.is_null, ...: no immediates.
      EmitOpcode(op, out);
      return absl::OkStatus();
  }
}

}  // namespace wasm::text
