#include "runtime/text/context.h"

#include <algorithm>

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"

namespace wasm::text {

absl::StatusOr<uint32_t> NameTable::Add(const Token* id, absl::string_view what) {
  if (count_ == 0xffffffffu) return Cursor::Error(*id, absl::StrCat("too many ", what, "s"));
  uint32_t index = count_;
  if (id != nullptr && id->kind == TokenKind::kId) {
    if (!ids_.emplace(id->value, index).second) {
      return Cursor::Error(*id, absl::StrCat("duplicate ", what, " ", id->text));
    }
  }
  ++count_;
  return index;
}

std::vector<std::pair<uint32_t, std::string>> NameTable::Named() const {
  std::vector<std::pair<uint32_t, std::string>> out;
  for (const auto& [name, index] : ids_) out.emplace_back(index, name);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<uint32_t> NameTable::Find(const std::string& name) const {
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

absl::string_view SpaceName(Space s) {
  switch (s) {
    case Space::kType: return "type";
    case Space::kFunc: return "function";
    case Space::kTable: return "table";
    case Space::kMemory: return "memory";
    case Space::kGlobal: return "global";
    case Space::kElem: return "elem segment";
    case Space::kData: return "data segment";
  }
  return "?";
}

absl::StatusOr<uint32_t> ModuleContext::ParseIndex(Cursor& cursor, Space s) const {
  const Token& token = cursor.Peek();
  if (token.kind == TokenKind::kId) {
    std::optional<uint32_t> index = space(s).Find(token.value);
    if (!index.has_value()) {
      return Cursor::Error(token, absl::StrCat("unknown ", SpaceName(s), " ", token.text));
    }
    cursor.Next();
    return *index;
  }
  return cursor.ExpectU32();
}

std::string ModuleContext::Key(const FuncType& type) {
  std::string key;
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('>');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  return key;
}

void ModuleContext::AddExplicitType(FuncType type) {
  type_index_.emplace(Key(type), static_cast<uint32_t>(types_.size()));
  types_.push_back(std::move(type));
}

uint32_t ModuleContext::FindOrAddType(const FuncType& type) {
  auto [it, inserted] = type_index_.emplace(Key(type), static_cast<uint32_t>(types_.size()));
  if (inserted) types_.push_back(type);
  return it->second;
}

bool AtValType(const Cursor& cursor) {
  const Token& token = cursor.Peek();
  if (token.kind != TokenKind::kKeyword) return false;
  absl::string_view t = token.text;
  return t == "i32" || t == "i64" || t == "f32" || t == "f64" || t == "funcref" ||
         t == "externref" || t == "v128";
}

absl::StatusOr<ValType> ParseValType(Cursor& cursor) {
  const Token& token = cursor.Peek();
  if (token.kind == TokenKind::kKeyword) {
    absl::string_view t = token.text;
    std::optional<ValType> type;
    if (t == "i32") type = ValType::kI32;
    if (t == "i64") type = ValType::kI64;
    if (t == "f32") type = ValType::kF32;
    if (t == "f64") type = ValType::kF64;
    if (t == "funcref") type = ValType::kFuncRef;
    if (t == "externref") type = ValType::kExternRef;
    if (t == "v128") return Cursor::Error(token, "v128 is not supported (no SIMD)");
    if (type.has_value()) {
      cursor.Next();
      return *type;
    }
  }
  return cursor.Unexpected();
}

absl::StatusOr<ValType> ParseRefType(Cursor& cursor) {
  if (cursor.TryKeyword("funcref")) return ValType::kFuncRef;
  if (cursor.TryKeyword("externref")) return ValType::kExternRef;
  return cursor.Unexpected();
}

absl::StatusOr<ValType> ParseHeapType(Cursor& cursor) {
  if (cursor.TryKeyword("func")) return ValType::kFuncRef;
  if (cursor.TryKeyword("extern")) return ValType::kExternRef;
  return cursor.Unexpected();
}

absl::Status ParseParamsAndResults(Cursor& cursor, ParamIds ids, FuncType& sig,
                                   std::vector<const Token*>* param_ids) {
  while (cursor.TryLParenKeyword("param")) {
    if (cursor.Peek().kind == TokenKind::kId) {
      if (ids == ParamIds::kRefused) return cursor.Unexpected();
      const Token* id = &cursor.Next();
      ASSIGN_OR_RETURN(ValType type, ParseValType(cursor));
      sig.params.push_back(type);
      if (param_ids != nullptr) param_ids->push_back(id);
    } else {
      while (cursor.Peek().kind != TokenKind::kRParen) {
        ASSIGN_OR_RETURN(ValType type, ParseValType(cursor));
        sig.params.push_back(type);
        if (param_ids != nullptr) param_ids->push_back(nullptr);
      }
    }
    RETURN_IF_ERROR(cursor.ExpectRParen());
  }
  while (cursor.TryLParenKeyword("result")) {
    while (cursor.Peek().kind != TokenKind::kRParen) {
      ASSIGN_OR_RETURN(ValType type, ParseValType(cursor));
      sig.results.push_back(type);
    }
    RETURN_IF_ERROR(cursor.ExpectRParen());
  }
  return absl::OkStatus();
}

absl::StatusOr<TypeUse> ParseTypeUse(Cursor& cursor, const ModuleContext& context, ParamIds ids) {
  TypeUse use;
  use.at = &cursor.Peek();
  if (cursor.TryLParenKeyword("type")) {
    ASSIGN_OR_RETURN(uint32_t index, context.ParseIndex(cursor, Space::kType));
    use.index = index;
    RETURN_IF_ERROR(cursor.ExpectRParen());
  }
  size_t before = cursor.position();
  RETURN_IF_ERROR(ParseParamsAndResults(cursor, ids, use.sig, &use.param_ids));
  use.has_inline = cursor.position() != before;
  // Out of order: `(result) (param)`, `(param) (type)`.
  if (cursor.AtLParenKeyword("param") || cursor.AtLParenKeyword("type")) {
    return cursor.Unexpected(cursor.Peek(1));
  }
  return use;
}

absl::StatusOr<FuncType> TypeUseSignature(const ModuleContext& context, const TypeUse& use) {
  if (!use.index.has_value()) return use.sig;
  if (*use.index >= context.types().size()) {
    return Cursor::Error(*use.at, absl::StrCat("unknown type ", *use.index));
  }
  const FuncType& type = context.types()[*use.index];
  if (use.has_inline && !(type == use.sig)) return Cursor::Error(*use.at, "inline function type");
  return type;
}

uint32_t TypeUseIndex(ModuleContext& context, const TypeUse& use, const FuncType& sig) {
  if (use.index.has_value()) return *use.index;
  return context.FindOrAddType(sig);
}

}  // namespace wasm::text
