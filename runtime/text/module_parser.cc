#include "runtime/text/module_parser.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "runtime/text/context.h"
#include "runtime/text/instructions.h"
#include "runtime/text/writer.h"
#include "runtime/types.h"

namespace wasm::text {
namespace {

constexpr uint8_t kRefFuncOpcode = 0xd2;

// One section's entries and their count.
struct Entries {
  ByteWriter bytes;
  uint32_t count = 0;
};

// An element segment's item: a constant expression (ending in `end`), and
// the function index when it is exactly `ref.func x`.
struct ElemItem {
  ByteWriter expr;
  std::optional<uint32_t> func;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

class ModuleParser {
 public:
  ModuleParser(Cursor& cursor, bool function_names)
      : cursor_(cursor), function_names_(function_names) {}

  absl::StatusOr<std::vector<uint8_t>> Parse() {
    const size_t start = cursor_.position();
    RETURN_IF_ERROR(FirstPass());
    cursor_.Seek(start);
    while (cursor_.Peek().kind == TokenKind::kLParen) RETURN_IF_ERROR(Field());
    return Assemble();
  }

 private:
  // --- pass 1: index spaces and explicit types -------------------------------

  absl::Status FirstPass() {
    while (cursor_.Peek().kind == TokenKind::kLParen) {
      cursor_.Next();
      const Token& keyword = cursor_.Peek();
      if (keyword.kind != TokenKind::kKeyword) return cursor_.Unexpected();
      absl::string_view k = keyword.text;
      cursor_.Next();
      if (k == "type") {
        RETURN_IF_ERROR(TypeDefinition());
        continue;
      } else if (k == "import") {
        RETURN_IF_ERROR(cursor_.ExpectName().status());
        RETURN_IF_ERROR(cursor_.ExpectName().status());
        RETURN_IF_ERROR(cursor_.ExpectLParen());
        const Token& kind = cursor_.Next();
        std::optional<Space> space = DefinitionSpace(kind);
        if (!space.has_value()) return cursor_.Unexpected(kind);
        RETURN_IF_ERROR(NoteImport(keyword));
        RETURN_IF_ERROR(Bind(*space, &cursor_.Peek()).status());
        RETURN_IF_ERROR(cursor_.SkipToClose());  // the description
      } else if (std::optional<Space> space = DefinitionSpace(keyword); space.has_value()) {
        RETURN_IF_ERROR(Bind(*space, &cursor_.Peek()).status());
        if (cursor_.Peek().kind == TokenKind::kId) cursor_.Next();
        while (cursor_.TryLParenKeyword("export")) RETURN_IF_ERROR(cursor_.SkipToClose());
        if (cursor_.AtLParenKeyword("import")) {
          RETURN_IF_ERROR(NoteImport(cursor_.Peek(1)));
        } else {
          if (!first_definition_.has_value()) first_definition_ = *space;
          // Inline segments take the next elem / data index.
          if (*space == Space::kTable && cursor_.Peek(1).kind == TokenKind::kLParen &&
              cursor_.IsKeyword("elem", 2)) {
            RETURN_IF_ERROR(Bind(Space::kElem, nullptr).status());
          }
          if (*space == Space::kMemory && cursor_.AtLParenKeyword("data")) {
            RETURN_IF_ERROR(Bind(Space::kData, nullptr).status());
          }
        }
      } else if (k == "elem") {
        RETURN_IF_ERROR(Bind(Space::kElem, &cursor_.Peek()).status());
      } else if (k == "data") {
        RETURN_IF_ERROR(Bind(Space::kData, &cursor_.Peek()).status());
      } else if (k != "export" && k != "start") {
        return cursor_.Unexpected(keyword);
      }
      RETURN_IF_ERROR(cursor_.SkipToClose());
    }
    if (cursor_.Peek().kind != TokenKind::kRParen && cursor_.Peek().kind != TokenKind::kEof) {
      return cursor_.Unexpected();
    }
    return absl::OkStatus();
  }

  static std::optional<Space> DefinitionSpace(const Token& keyword) {
    if (keyword.kind != TokenKind::kKeyword) return std::nullopt;
    if (keyword.text == "func") return Space::kFunc;
    if (keyword.text == "table") return Space::kTable;
    if (keyword.text == "memory") return Space::kMemory;
    if (keyword.text == "global") return Space::kGlobal;
    return std::nullopt;
  }

  static absl::string_view DuplicateName(Space s) {
    switch (s) {
      case Space::kType: return "type";
      case Space::kFunc: return "func";
      case Space::kTable: return "table";
      case Space::kMemory: return "memory";
      case Space::kGlobal: return "global";
      case Space::kElem: return "elem";
      case Space::kData: return "data";
    }
    return "?";
  }

  // Allocates the next index of `s`, bound to `id` if it is a kId token.
  absl::StatusOr<uint32_t> Bind(Space s, const Token* id) {
    return context_.space(s).Add(id, DuplicateName(s));
  }

  absl::Status NoteImport(const Token& at) {
    if (!first_definition_.has_value()) return absl::OkStatus();
    return cursor_.Error(at, absl::StrCat("import after ", SpaceName(*first_definition_)));
  }

  // After `(type`: `$id? (func (param ...)* (result ...)*) )`.
  absl::Status TypeDefinition() {
    RETURN_IF_ERROR(Bind(Space::kType, &cursor_.Peek()).status());
    if (cursor_.Peek().kind == TokenKind::kId) cursor_.Next();
    if (!cursor_.TryLParenKeyword("func")) return cursor_.Unexpected();
    FuncType type;
    RETURN_IF_ERROR(ParseParamsAndResults(cursor_, ParamIds::kAllowed, type, nullptr));
    RETURN_IF_ERROR(cursor_.ExpectRParen());
    RETURN_IF_ERROR(cursor_.ExpectRParen());
    context_.AddExplicitType(std::move(type));
    return absl::OkStatus();
  }

  // --- pass 2: each field ----------------------------------------------------

  absl::Status Field() {
    cursor_.Next();  // `(`
    const Token& keyword = cursor_.Next();
    absl::string_view k = keyword.text;
    if (k == "type") return cursor_.SkipToClose();
    if (k == "import") return Import();
    if (k == "func") return Func();
    if (k == "table") return Table();
    if (k == "memory") return Memory();
    if (k == "global") return Global();
    if (k == "export") return Export();
    if (k == "start") return Start(keyword);
    if (k == "elem") return Elem();
    if (k == "data") return Data();
    return cursor_.Unexpected(keyword);
  }

  // The index the next definition of `s` gets (pass 1 allocated the same).
  uint32_t NextIndex(Space s) { return next_index_[static_cast<int>(s)]++; }

  void SkipId() {
    if (cursor_.Peek().kind == TokenKind::kId) cursor_.Next();
  }

  // `(export "name")*` of a definition of kind `kind` and index `index`.
  absl::Status InlineExports(ExternKind kind, uint32_t index) {
    while (cursor_.TryLParenKeyword("export")) {
      ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName());
      RETURN_IF_ERROR(cursor_.ExpectRParen());
      AddExport(name, kind, index);
    }
    return absl::OkStatus();
  }

  void AddExport(absl::string_view name, ExternKind kind, uint32_t index) {
    exports_.bytes.Name(name);
    exports_.bytes.U8(static_cast<uint8_t>(kind));
    exports_.bytes.U32(index);
    ++exports_.count;
  }

  // `(import "module" "name")` of an inline import, if present; writes the
  // import entry's names.
  absl::StatusOr<bool> InlineImport() {
    if (!cursor_.TryLParenKeyword("import")) return false;
    ASSIGN_OR_RETURN(std::string module, cursor_.ExpectName());
    ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName());
    RETURN_IF_ERROR(cursor_.ExpectRParen());
    imports_.bytes.Name(module);
    imports_.bytes.Name(name);
    ++imports_.count;
    return true;
  }

  absl::Status Import() {
    ASSIGN_OR_RETURN(std::string module, cursor_.ExpectName());
    ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName());
    imports_.bytes.Name(module);
    imports_.bytes.Name(name);
    ++imports_.count;
    RETURN_IF_ERROR(cursor_.ExpectLParen());
    const Token& kind = cursor_.Next();
    SkipId();
    if (kind.text == "func") {
      NextIndex(Space::kFunc);
      RETURN_IF_ERROR(ImportedFuncType());
    } else if (kind.text == "table") {
      NextIndex(Space::kTable);
      RETURN_IF_ERROR(TableType(imports_.bytes, /*imported=*/true));
    } else if (kind.text == "memory") {
      NextIndex(Space::kMemory);
      imports_.bytes.U8(static_cast<uint8_t>(ExternKind::kMemory));
      RETURN_IF_ERROR(Limits(imports_.bytes));
    } else {
      NextIndex(Space::kGlobal);
      imports_.bytes.U8(static_cast<uint8_t>(ExternKind::kGlobal));
      RETURN_IF_ERROR(GlobalType(imports_.bytes));
    }
    RETURN_IF_ERROR(cursor_.ExpectRParen());
    return cursor_.ExpectRParen();
  }

  absl::Status ImportedFuncType() {
    ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, context_, ParamIds::kAllowed));
    ASSIGN_OR_RETURN(FuncType sig, TypeUseSignature(context_, use));
    imports_.bytes.U8(static_cast<uint8_t>(ExternKind::kFunc));
    imports_.bytes.U32(TypeUseIndex(context_, use, sig));
    return absl::OkStatus();
  }

  // `min max?` as limits: flags, min, max.
  absl::Status Limits(ByteWriter& out) {
    ASSIGN_OR_RETURN(uint32_t min, cursor_.ExpectU32());
    if (cursor_.Peek().kind == TokenKind::kNumber) {
      ASSIGN_OR_RETURN(uint32_t max, cursor_.ExpectU32());
      out.U8(0x01);
      out.U32(min);
      out.U32(max);
    } else {
      out.U8(0x00);
      out.U32(min);
    }
    return absl::OkStatus();
  }

  // `limits reftype`, encoded as reftype then limits (after the import kind
  // byte when `imported`).
  absl::Status TableType(ByteWriter& out, bool imported) {
    ByteWriter limits;
    RETURN_IF_ERROR(Limits(limits));
    ASSIGN_OR_RETURN(ValType type, ParseRefType(cursor_));
    if (imported) out.U8(static_cast<uint8_t>(ExternKind::kTable));
    out.U8(static_cast<uint8_t>(type));
    out.Append(limits);
    return absl::OkStatus();
  }

  // `t` or `(mut t)`.
  absl::Status GlobalType(ByteWriter& out) {
    if (cursor_.TryLParenKeyword("mut")) {
      ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
      RETURN_IF_ERROR(cursor_.ExpectRParen());
      out.U8(static_cast<uint8_t>(type));
      out.U8(0x01);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
    out.U8(static_cast<uint8_t>(type));
    out.U8(0x00);
    return absl::OkStatus();
  }

  absl::Status Func() {
    SkipId();
    const uint32_t index = NextIndex(Space::kFunc);
    RETURN_IF_ERROR(InlineExports(ExternKind::kFunc, index));
    ASSIGN_OR_RETURN(bool imported, InlineImport());
    if (imported) {
      RETURN_IF_ERROR(ImportedFuncType());
      return cursor_.ExpectRParen();
    }
    ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, context_, ParamIds::kAllowed));
    ASSIGN_OR_RETURN(FuncType sig, TypeUseSignature(context_, use));
    functions_.bytes.U32(TypeUseIndex(context_, use, sig));
    ++functions_.count;

    NameTable locals;
    const bool named = use.param_ids.size() == sig.params.size();
    for (size_t i = 0; i < sig.params.size(); ++i) {
      RETURN_IF_ERROR(locals.Add(named ? use.param_ids[i] : nullptr, "local").status());
    }
    std::vector<ValType> local_types;
    while (cursor_.TryLParenKeyword("local")) {
      if (cursor_.Peek().kind == TokenKind::kId) {
        const Token* id = &cursor_.Next();
        ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
        RETURN_IF_ERROR(locals.Add(id, "local").status());
        local_types.push_back(type);
      } else {
        while (cursor_.Peek().kind != TokenKind::kRParen) {
          ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
          RETURN_IF_ERROR(locals.Add(nullptr, "local").status());
          local_types.push_back(type);
        }
      }
      RETURN_IF_ERROR(cursor_.ExpectRParen());
    }
    ByteWriter body;
    // Locals: runs of equal types, as wabt groups them.
    ByteWriter runs;
    uint32_t run_count = 0;
    for (size_t i = 0; i < local_types.size();) {
      size_t j = i;
      while (j < local_types.size() && local_types[j] == local_types[i]) ++j;
      runs.U32(static_cast<uint32_t>(j - i));
      runs.U8(static_cast<uint8_t>(local_types[i]));
      ++run_count;
      i = j;
    }
    body.U32(run_count);
    body.Append(runs);
    InstrParser parser(cursor_, context_, &locals);
    RETURN_IF_ERROR(parser.ParseInstrs(body));
    body.U8(0x0b);
    code_.bytes.U32(static_cast<uint32_t>(body.size()));
    code_.bytes.Append(body);
    ++code_.count;
    return cursor_.ExpectRParen();
  }

  absl::Status Table() {
    SkipId();
    const uint32_t index = NextIndex(Space::kTable);
    RETURN_IF_ERROR(InlineExports(ExternKind::kTable, index));
    ASSIGN_OR_RETURN(bool imported, InlineImport());
    if (imported) {
      RETURN_IF_ERROR(TableType(imports_.bytes, /*imported=*/true));
      return cursor_.ExpectRParen();
    }
    if (cursor_.Peek().kind == TokenKind::kKeyword) {
      // `reftype (elem ...)`: a table exactly as large as its segment.
      ASSIGN_OR_RETURN(ValType type, ParseRefType(cursor_));
      if (!cursor_.TryLParenKeyword("elem")) return cursor_.Unexpected();
      std::vector<ElemItem> items;
      if (cursor_.Peek().kind == TokenKind::kLParen) {
        RETURN_IF_ERROR(ElemExprs(items));
      } else {
        RETURN_IF_ERROR(FuncIndices(items));
      }
      RETURN_IF_ERROR(cursor_.ExpectRParen());
      tables_.bytes.U8(static_cast<uint8_t>(type));
      tables_.bytes.U8(0x01);
      tables_.bytes.U32(static_cast<uint32_t>(items.size()));
      tables_.bytes.U32(static_cast<uint32_t>(items.size()));
      ++tables_.count;
      ByteWriter offset;
      offset.U8(0x41);
      offset.S32(0);
      offset.U8(0x0b);
      NextIndex(Space::kElem);
      WriteElem(SegmentMode::kActive, index, &offset, type, items);
      return cursor_.ExpectRParen();
    }
    RETURN_IF_ERROR(TableType(tables_.bytes, /*imported=*/false));
    ++tables_.count;
    return cursor_.ExpectRParen();
  }

  absl::Status Memory() {
    SkipId();
    const uint32_t index = NextIndex(Space::kMemory);
    RETURN_IF_ERROR(InlineExports(ExternKind::kMemory, index));
    ASSIGN_OR_RETURN(bool imported, InlineImport());
    if (imported) {
      imports_.bytes.U8(static_cast<uint8_t>(ExternKind::kMemory));
      RETURN_IF_ERROR(Limits(imports_.bytes));
      return cursor_.ExpectRParen();
    }
    if (cursor_.TryLParenKeyword("data")) {
      std::string bytes;
      while (cursor_.Peek().kind == TokenKind::kString) bytes += cursor_.Next().value;
      RETURN_IF_ERROR(cursor_.ExpectRParen());
      const uint64_t pages = (uint64_t{bytes.size()} + 0xffff) / 0x10000;
      memories_.bytes.U8(0x01);
      memories_.bytes.U32(static_cast<uint32_t>(pages));
      memories_.bytes.U32(static_cast<uint32_t>(pages));
      ++memories_.count;
      ByteWriter offset;
      offset.U8(0x41);
      offset.S32(0);
      offset.U8(0x0b);
      NextIndex(Space::kData);
      WriteData(SegmentMode::kActive, index, &offset, bytes);
      return cursor_.ExpectRParen();
    }
    RETURN_IF_ERROR(Limits(memories_.bytes));
    ++memories_.count;
    return cursor_.ExpectRParen();
  }

  absl::Status Global() {
    SkipId();
    const uint32_t index = NextIndex(Space::kGlobal);
    RETURN_IF_ERROR(InlineExports(ExternKind::kGlobal, index));
    ASSIGN_OR_RETURN(bool imported, InlineImport());
    if (imported) {
      imports_.bytes.U8(static_cast<uint8_t>(ExternKind::kGlobal));
      RETURN_IF_ERROR(GlobalType(imports_.bytes));
      return cursor_.ExpectRParen();
    }
    RETURN_IF_ERROR(GlobalType(globals_.bytes));
    InstrParser parser(cursor_, context_, nullptr);
    RETURN_IF_ERROR(parser.ParseInstrs(globals_.bytes));
    globals_.bytes.U8(0x0b);
    ++globals_.count;
    return cursor_.ExpectRParen();
  }

  absl::Status Export() {
    ASSIGN_OR_RETURN(std::string name, cursor_.ExpectName());
    RETURN_IF_ERROR(cursor_.ExpectLParen());
    const Token& kind = cursor_.Peek();
    std::optional<Space> space = DefinitionSpace(kind);
    if (!space.has_value()) return cursor_.Unexpected();
    cursor_.Next();
    ASSIGN_OR_RETURN(uint32_t index, context_.ParseIndex(cursor_, *space));
    RETURN_IF_ERROR(cursor_.ExpectRParen());
    ExternKind extern_kind = *space == Space::kFunc    ? ExternKind::kFunc
                             : *space == Space::kTable ? ExternKind::kTable
                             : *space == Space::kMemory ? ExternKind::kMemory
                                                        : ExternKind::kGlobal;
    AddExport(name, extern_kind, index);
    return cursor_.ExpectRParen();
  }

  absl::Status Start(const Token& keyword) {
    if (start_.has_value()) return cursor_.Error(keyword, "multiple start sections");
    ASSIGN_OR_RETURN(uint32_t index, context_.ParseIndex(cursor_, Space::kFunc));
    start_ = index;
    return cursor_.ExpectRParen();
  }

  // An offset: `(offset instr*)` or one folded instruction; ends in `end`.
  absl::Status Offset(ByteWriter& out) {
    InstrParser parser(cursor_, context_, nullptr);
    if (cursor_.TryLParenKeyword("offset")) {
      RETURN_IF_ERROR(parser.ParseInstrs(out));
      RETURN_IF_ERROR(cursor_.ExpectRParen());
    } else {
      RETURN_IF_ERROR(parser.ParseFolded(out));
    }
    out.U8(0x0b);
    return absl::OkStatus();
  }

  // `x*` as items `ref.func x`.
  absl::Status FuncIndices(std::vector<ElemItem>& items) {
    while (cursor_.AtIndex()) {
      ASSIGN_OR_RETURN(uint32_t func, context_.ParseIndex(cursor_, Space::kFunc));
      ElemItem item;
      item.expr.U8(kRefFuncOpcode);
      item.expr.U32(func);
      item.expr.U8(0x0b);
      item.func = func;
      items.push_back(std::move(item));
    }
    return absl::OkStatus();
  }

  // `(item instr*)*` or folded single instructions.
  absl::Status ElemExprs(std::vector<ElemItem>& items) {
    while (cursor_.Peek().kind == TokenKind::kLParen) {
      ElemItem item;
      InstrParser parser(cursor_, context_, nullptr);
      if (cursor_.TryLParenKeyword("item")) {
        RETURN_IF_ERROR(parser.ParseInstrs(item.expr));
        RETURN_IF_ERROR(cursor_.ExpectRParen());
      } else {
        RETURN_IF_ERROR(parser.ParseFolded(item.expr));
      }
      // wabt writes a function index when the item starts with ref.func.
      const std::vector<uint8_t>& bytes = item.expr.bytes();
      if (!bytes.empty() && bytes[0] == kRefFuncOpcode) {
        uint32_t func = 0;
        int shift = 0;
        for (size_t i = 1; i < bytes.size() && shift < 35; ++i, shift += 7) {
          func |= static_cast<uint32_t>(bytes[i] & 0x7f) << shift;
          if ((bytes[i] & 0x80) == 0) break;
        }
        item.func = func;
      }
      item.expr.U8(0x0b);
      items.push_back(std::move(item));
    }
    return absl::OkStatus();
  }

  // The element list after the mode: `func x*`, `reftype expr*`, or (after an
  // offset only) a bare `x*`.
  absl::Status ElemList(bool allow_bare, ValType& type, std::vector<ElemItem>& items) {
    if (cursor_.TryKeyword("func")) return FuncIndices(items);
    if (cursor_.Peek().kind == TokenKind::kKeyword) {
      ASSIGN_OR_RETURN(type, ParseRefType(cursor_));
      return ElemExprs(items);
    }
    if (!allow_bare) return cursor_.Unexpected();
    return FuncIndices(items);
  }

  absl::Status Elem() {
    SkipId();
    NextIndex(Space::kElem);
    ValType type = ValType::kFuncRef;
    std::vector<ElemItem> items;
    if (cursor_.TryKeyword("declare")) {
      RETURN_IF_ERROR(ElemList(false, type, items));
      WriteElem(SegmentMode::kDeclarative, 0, nullptr, type, items);
      return cursor_.ExpectRParen();
    }
    std::optional<uint32_t> table;
    if (cursor_.AtIndex()) {
      ASSIGN_OR_RETURN(table, context_.ParseIndex(cursor_, Space::kTable));
    } else if (cursor_.TryLParenKeyword("table")) {
      ASSIGN_OR_RETURN(table, context_.ParseIndex(cursor_, Space::kTable));
      RETURN_IF_ERROR(cursor_.ExpectRParen());
    }
    if (cursor_.Peek().kind != TokenKind::kLParen) {
      if (table.has_value()) return cursor_.Unexpected();
      RETURN_IF_ERROR(ElemList(false, type, items));
      WriteElem(SegmentMode::kPassive, 0, nullptr, type, items);
      return cursor_.ExpectRParen();
    }
    ByteWriter offset;
    RETURN_IF_ERROR(Offset(offset));
    RETURN_IF_ERROR(ElemList(true, type, items));
    WriteElem(SegmentMode::kActive, table.value_or(0), &offset, type, items);
    return cursor_.ExpectRParen();
  }

  // Encodes a segment the way wabt chooses its flags: function indices when
  // the type is funcref and every item is `ref.func x`, expressions
  // otherwise; an explicit table index only when it is not 0.
  void WriteElem(SegmentMode mode, uint32_t table, const ByteWriter* offset, ValType type,
                 const std::vector<ElemItem>& items) {
    bool indices = type == ValType::kFuncRef;
    for (const ElemItem& item : items) indices = indices && item.func.has_value();
    uint32_t flags = 0;
    if (mode == SegmentMode::kPassive) flags |= 1;
    if (mode == SegmentMode::kDeclarative) flags |= 3;
    // Flags 0 and 4 (table 0, no type written) imply funcref.
    const bool explicit_table = table != 0 || type != ValType::kFuncRef;
    if (mode == SegmentMode::kActive && explicit_table) flags |= 2;
    if (!indices) flags |= 4;
    ByteWriter& out = elems_.bytes;
    out.U32(flags);
    if (mode == SegmentMode::kActive) {
      if (explicit_table) out.U32(table);
      out.Append(*offset);
    }
    if (mode != SegmentMode::kActive || explicit_table) {
      out.U8(indices ? 0x00 : static_cast<uint8_t>(type));
    }
    out.U32(static_cast<uint32_t>(items.size()));
    for (const ElemItem& item : items) {
      if (indices) {
        out.U32(*item.func);
      } else {
        out.Append(item.expr);
      }
    }
    ++elems_.count;
  }

  absl::Status Data() {
    SkipId();
    NextIndex(Space::kData);
    std::optional<uint32_t> memory;
    if (cursor_.AtIndex()) {
      ASSIGN_OR_RETURN(memory, context_.ParseIndex(cursor_, Space::kMemory));
    } else if (cursor_.TryLParenKeyword("memory")) {
      ASSIGN_OR_RETURN(memory, context_.ParseIndex(cursor_, Space::kMemory));
      RETURN_IF_ERROR(cursor_.ExpectRParen());
    }
    std::optional<ByteWriter> offset;
    if (cursor_.Peek().kind == TokenKind::kLParen) {
      offset.emplace();
      RETURN_IF_ERROR(Offset(*offset));
    } else if (memory.has_value()) {
      return cursor_.Unexpected();
    }
    std::string bytes;
    while (cursor_.Peek().kind == TokenKind::kString) bytes += cursor_.Next().value;
    if (offset.has_value()) {
      WriteData(SegmentMode::kActive, memory.value_or(0), &*offset, bytes);
    } else {
      WriteData(SegmentMode::kPassive, 0, nullptr, bytes);
    }
    return cursor_.ExpectRParen();
  }

  void WriteData(SegmentMode mode, uint32_t memory, const ByteWriter* offset,
                 absl::string_view bytes) {
    ByteWriter& out = datas_.bytes;
    if (mode == SegmentMode::kPassive) {
      out.U8(0x01);
    } else if (memory != 0) {
      out.U8(0x02);
      out.U32(memory);
      out.Append(*offset);
    } else {
      out.U8(0x00);
      out.Append(*offset);
    }
    out.Name(bytes);
    ++datas_.count;
  }

  // --- output ----------------------------------------------------------------

  static void AddSection(ByteWriter& module, uint8_t id, const Entries& entries) {
    if (entries.count == 0) return;
    ByteWriter contents;
    contents.U32(entries.count);
    contents.Append(entries.bytes);
    module.Section(id, contents);
  }

  std::vector<uint8_t> Assemble() {
    ByteWriter module;
    module.Raw(absl::string_view("\0asm\x01\0\0\0", 8));
    Entries types;
    for (const FuncType& type : context_.types()) {
      types.bytes.U8(0x60);
      types.bytes.U32(static_cast<uint32_t>(type.params.size()));
      for (ValType t : type.params) types.bytes.U8(static_cast<uint8_t>(t));
      types.bytes.U32(static_cast<uint32_t>(type.results.size()));
      for (ValType t : type.results) types.bytes.U8(static_cast<uint8_t>(t));
      ++types.count;
    }
    AddSection(module, 1, types);
    AddSection(module, 2, imports_);
    AddSection(module, 3, functions_);
    AddSection(module, 4, tables_);
    AddSection(module, 5, memories_);
    AddSection(module, 6, globals_);
    AddSection(module, 7, exports_);
    if (start_.has_value()) {
      ByteWriter start;
      start.U32(*start_);
      module.Section(8, start);
    }
    AddSection(module, 9, elems_);
    if (context_.uses_data_count) {
      ByteWriter count;
      count.U32(datas_.count);
      module.Section(12, count);
    }
    AddSection(module, 10, code_);
    AddSection(module, 11, datas_);
    if (function_names_) {
      // The name section's function-names subsection (id 1).
      const std::vector<std::pair<uint32_t, std::string>> named =
          context_.space(Space::kFunc).Named();
      if (!named.empty()) {
        ByteWriter map;
        map.U32(static_cast<uint32_t>(named.size()));
        for (const auto& [index, id] : named) {
          map.U32(index);
          map.Name(absl::string_view(id).substr(id.size() > 0 && id[0] == '$' ? 1 : 0));
        }
        ByteWriter contents;
        contents.Name("name");
        contents.U8(1);
        contents.U32(static_cast<uint32_t>(map.size()));
        contents.Append(map);
        module.Section(0, contents);
      }
    }
    return module.Release();
  }

  Cursor& cursor_;
  ModuleContext context_;
  std::optional<Space> first_definition_;
  uint32_t next_index_[kSpaceCount] = {};
  Entries imports_, functions_, tables_, memories_, globals_, exports_, elems_, code_, datas_;
  std::optional<uint32_t> start_;
  bool function_names_ = false;
};

}  // namespace

absl::StatusOr<std::vector<uint8_t>> ParseModuleFields(Cursor& cursor, bool function_names) {
  return ModuleParser(cursor, function_names).Parse();
}

}  // namespace wasm::text
