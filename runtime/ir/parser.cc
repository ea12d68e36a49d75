// The IR text parser (parser.h): a lexer producing tokens with line:column,
// then a recursive-descent parser that writes straight into the Function's
// vectors, so that value and block numbers stay those of the text.
#include "runtime/ir/parser.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "runtime/ir/builtins.h"
#include "runtime/ir/ir.h"
#include "runtime/status_macros.h"

namespace wasm::ir {
namespace {

// Value and block numbers above this are rejected: the Function's vectors
// are indexed by them, so a typo like v99999999 must not allocate gigabytes.
constexpr uint32_t kMaxIndex = 1u << 20;

enum class Tok : uint8_t { kEnd, kIdent, kNumber, kName, kPunct };

struct Token {
  Tok kind = Tok::kEnd;
  absl::string_view text;
  int line = 1;
  int col = 1;
};

absl::Status ErrorAt(int line, int col, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(line, ":", col, ": ", message));
}

bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

absl::StatusOr<std::vector<Token>> Lex(absl::string_view text) {
  std::vector<Token> tokens;
  int line = 1;
  size_t line_start = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == ';') {  // comment to the end of the line
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    Token t;
    t.line = line;
    t.col = static_cast<int>(i - line_start) + 1;
    const size_t start = i;
    if (absl::ascii_isalpha(c) || c == '_') {
      t.kind = Tok::kIdent;
      while (i < text.size() && IsIdentChar(text[i])) ++i;
    } else if (absl::ascii_isdigit(c) ||
               (c == '-' && i + 1 < text.size() && absl::ascii_isdigit(text[i + 1]))) {
      t.kind = Tok::kNumber;
      ++i;
      while (i < text.size() && IsIdentChar(text[i])) ++i;
    } else if (c == '%') {
      t.kind = Tok::kName;
      ++i;
      while (i < text.size() && (IsIdentChar(text[i]) || text[i] == '.' || text[i] == '$')) ++i;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '>') {
      t.kind = Tok::kPunct;
      i += 2;
    } else if (absl::string_view("(),:={}[]+.#").find(c) != absl::string_view::npos) {
      t.kind = Tok::kPunct;
      ++i;
    } else {
      return ErrorAt(t.line, t.col, absl::StrCat("unexpected character '", text.substr(i, 1), "'"));
    }
    t.text = text.substr(start, i - start);
    tokens.push_back(t);
  }
  Token end;
  end.line = line;
  end.col = static_cast<int>(text.size() - line_start) + 1;
  tokens.push_back(end);
  return tokens;
}

// "v12" with prefix "v" -> 12. No leading zeros, so each number has one
// spelling.
std::optional<uint32_t> IndexAfter(absl::string_view prefix, absl::string_view ident) {
  if (!absl::ConsumePrefix(&ident, prefix) || ident.empty()) return std::nullopt;
  if (ident.size() > 1 && ident[0] == '0') return std::nullopt;
  for (char c : ident) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
  }
  uint32_t n = 0;
  if (!absl::SimpleAtoi(ident, &n)) return std::nullopt;
  return n;
}

// A number token: optional '-', then decimal digits or 0x and hex digits.
struct Number {
  bool negative = false;
  uint64_t magnitude = 0;
};

std::optional<Number> ParseNumber(absl::string_view s) {
  Number n;
  n.negative = absl::ConsumePrefix(&s, "-");
  if (s.empty()) return std::nullopt;
  if (absl::ConsumePrefix(&s, "0x") || absl::ConsumePrefix(&s, "0X")) {
    if (s.empty() || s.size() > 16) return std::nullopt;
    for (char c : s) {
      if (!absl::ascii_isxdigit(c)) return std::nullopt;
    }
    if (!absl::SimpleHexAtoi(s, &n.magnitude)) return std::nullopt;
    return n;
  }
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
  }
  if (!absl::SimpleAtoi(s, &n.magnitude)) return std::nullopt;
  return n;
}

std::optional<Type> TypeFromName(absl::string_view s) {
  if (s == "i32") return Type::kI32;
  if (s == "i64") return Type::kI64;
  if (s == "f32") return Type::kF32;
  if (s == "f64") return Type::kF64;
  return std::nullopt;
}

Type BuiltinLetterType(char c) { return c == 'r' ? Type::kI64 : Type::kI32; }

std::optional<Cond> CondFromName(absl::string_view s) {
  for (uint8_t c = 0; c <= static_cast<uint8_t>(Cond::kGe); ++c) {
    if (CondName(static_cast<Cond>(c)) == s) return static_cast<Cond>(c);
  }
  return std::nullopt;
}

const absl::flat_hash_map<std::string, IrOpcode>& OpcodesByName() {
  static const auto* map = [] {
    auto* m = new absl::flat_hash_map<std::string, IrOpcode>();
#define IR_OP(name, text, format) m->emplace(text, IrOpcode::k##name);
#include "runtime/ir/ir_opcodes.def"
    return m;
  }();
  return *map;
}

std::optional<Builtin> BuiltinFromName(absl::string_view s) {
#define IR_BUILTIN_LOOKUP(name, text, params, results) \
  if (s == text) return Builtin::k##name;
  IR_BUILTINS(IR_BUILTIN_LOOKUP)
#undef IR_BUILTIN_LOOKUP
  return std::nullopt;
}

// Where a value or block is mentioned, for "never defined" errors.
struct Mention {
  uint32_t index;
  int line, col;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  bool AtEnd() const { return Peek().kind == Tok::kEnd; }

  absl::StatusOr<Function> ParseOneFunction() {
    f_ = Function();
    value_defined_.clear();
    block_defined_.clear();
    value_mentions_.clear();
    block_mentions_.clear();
    untyped_.clear();
    current_ = Block();

    RETURN_IF_ERROR(ExpectKeyword("function"));
    if (Peek().kind != Tok::kName) return Error("expected a function name like %f");
    f_.name = std::string(Next().text.substr(1));
    RETURN_IF_ERROR(ExpectPunct("("));
    RETURN_IF_ERROR(ParseTypeList(")", &f_.signature.params));
    RETURN_IF_ERROR(ExpectPunct(")"));
    if (AcceptPunct("->")) RETURN_IF_ERROR(ParseTypeList("{", &f_.signature.results));
    RETURN_IF_ERROR(ExpectPunct("{"));
    RETURN_IF_ERROR(EndOfLine());
    while (!IsPunct(Peek(), "}")) {
      if (AtEnd()) return Error("expected '}' at the end of the function");
      if (IndexAfter("block", Peek().text) && Peek().kind == Tok::kIdent) {
        RETURN_IF_ERROR(ParseBlockHeader());
      } else {
        if (!current_.valid()) return Error("expected a block header like block0:");
        RETURN_IF_ERROR(ParseInst());
      }
      RETURN_IF_ERROR(EndOfLine());
    }
    if (f_.layout.empty()) return Error("a function needs at least one block");
    Next();  // '}'
    RETURN_IF_ERROR(EndOfLine());
    for (const Mention& m : value_mentions_) {
      if (!value_defined_[m.index]) {
        return ErrorAt(m.line, m.col, absl::StrCat("v", m.index, " is never defined"));
      }
    }
    for (const Mention& m : block_mentions_) {
      if (!block_defined_[m.index]) {
        return ErrorAt(m.line, m.col, absl::StrCat("block", m.index, " is never defined"));
      }
    }
    InferUntypedResults();
    return std::move(f_);
  }

 private:
  // --- Tokens --------------------------------------------------------------------

  const Token& Peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    last_line_ = t.line;
    return t;
  }
  static bool IsPunct(const Token& t, absl::string_view p) {
    return t.kind == Tok::kPunct && t.text == p;
  }
  bool AcceptPunct(absl::string_view p) {
    if (!IsPunct(Peek(), p)) return false;
    Next();
    return true;
  }
  static std::string Describe(const Token& t) {
    return t.kind == Tok::kEnd ? "end of input" : absl::StrCat("'", t.text, "'");
  }
  absl::Status Error(absl::string_view message) const {
    return ErrorAt(Peek().line, Peek().col,
                   absl::StrCat(message, ", found ", Describe(Peek())));
  }
  absl::Status ExpectPunct(absl::string_view p) {
    if (!AcceptPunct(p)) return Error(absl::StrCat("expected '", p, "'"));
    return absl::OkStatus();
  }
  absl::Status ExpectKeyword(absl::string_view word) {
    if (Peek().kind != Tok::kIdent || Peek().text != word) {
      return Error(absl::StrCat("expected '", word, "'"));
    }
    Next();
    return absl::OkStatus();
  }
  // Block headers and instructions end their line.
  absl::Status EndOfLine() const {
    if (AtEnd() || Peek().line != last_line_) return absl::OkStatus();
    return Error("expected the end of the line");
  }
  bool OnSameLine() const { return !AtEnd() && Peek().line == last_line_; }

  absl::StatusOr<Type> ParseType() {
    const std::optional<Type> t =
        Peek().kind == Tok::kIdent ? TypeFromName(Peek().text) : std::nullopt;
    if (!t) return Error("expected a type (i32, i64, f32, f64)");
    Next();
    return *t;
  }

  // `.type` after an opcode.
  absl::StatusOr<Type> ParseTypeSuffix() {
    RETURN_IF_ERROR(ExpectPunct("."));
    return ParseType();
  }

  absl::Status ParseTypeList(absl::string_view close, std::vector<Type>* out) {
    if (IsPunct(Peek(), close)) return absl::OkStatus();
    do {
      ASSIGN_OR_RETURN(const Type t, ParseType());
      out->push_back(t);
    } while (AcceptPunct(","));
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> ParseU32(absl::string_view what) {
    const std::optional<Number> n =
        Peek().kind == Tok::kNumber ? ParseNumber(Peek().text) : std::nullopt;
    if (!n || n->negative || n->magnitude > 0xffffffffu) {
      return Error(absl::StrCat("expected ", what, " (an unsigned 32-bit number)"));
    }
    Next();
    return static_cast<uint32_t>(n->magnitude);
  }

  // An identifier `prefix<N>`, e.g. g3, f5, type2, table0.
  absl::StatusOr<uint32_t> ParsePrefixed(absl::string_view prefix) {
    const std::optional<uint32_t> n =
        Peek().kind == Tok::kIdent ? IndexAfter(prefix, Peek().text) : std::nullopt;
    if (!n) return Error(absl::StrCat("expected ", prefix, "<number>"));
    Next();
    return *n;
  }

  // --- Values and blocks -----------------------------------------------------------

  absl::StatusOr<uint32_t> ParseIndex(absl::string_view prefix) {
    const Token& t = Peek();
    const std::optional<uint32_t> n = t.kind == Tok::kIdent ? IndexAfter(prefix, t.text)
                                                            : std::nullopt;
    if (!n) return Error(absl::StrCat("expected ", prefix == "v" ? "a value" : "a block"));
    if (*n >= kMaxIndex) {
      return ErrorAt(t.line, t.col, absl::StrCat(t.text, ": numbers must be below ", kMaxIndex));
    }
    Next();
    return *n;
  }

  void EnsureValue(uint32_t n) {
    if (n < f_.values.size()) return;
    ValueData placeholder;
    placeholder.type = Type::kNone;
    placeholder.kind = ValueData::Kind::kResult;
    placeholder.def = Inst::kInvalid;
    f_.values.resize(n + 1, placeholder);
    value_defined_.resize(n + 1, false);
  }

  void EnsureBlock(uint32_t n) {
    if (n >= f_.blocks.size()) {
      f_.blocks.resize(n + 1);
      block_defined_.resize(n + 1, false);
    }
  }

  absl::StatusOr<Value> ParseValueUse() {
    const Token t = Peek();
    ASSIGN_OR_RETURN(const uint32_t n, ParseIndex("v"));
    EnsureValue(n);
    value_mentions_.push_back({n, t.line, t.col});
    return Value(n);
  }

  absl::Status ParseValueList(absl::string_view close, std::vector<Value>* out) {
    if (IsPunct(Peek(), close)) return absl::OkStatus();
    do {
      ASSIGN_OR_RETURN(const Value v, ParseValueUse());
      out->push_back(v);
    } while (AcceptPunct(","));
    return absl::OkStatus();
  }

  // Defines value `n` (whose token was `t`).
  absl::Status Define(const Token& t, uint32_t n, ValueData data) {
    EnsureValue(n);
    if (value_defined_[n]) return ErrorAt(t.line, t.col, absl::StrCat("v", n, " is defined twice"));
    value_defined_[n] = true;
    f_.values[n] = data;
    return absl::OkStatus();
  }

  absl::StatusOr<Block> ParseBlockUse() {
    const Token t = Peek();
    ASSIGN_OR_RETURN(const uint32_t n, ParseIndex("block"));
    EnsureBlock(n);
    block_mentions_.push_back({n, t.line, t.col});
    return Block(n);
  }

  struct ParsedCall {
    Block block;
    std::vector<Value> args;
  };

  // blockN or blockN(v1, v2)
  absl::StatusOr<ParsedCall> ParseBlockCall() {
    ParsedCall c;
    ASSIGN_OR_RETURN(c.block, ParseBlockUse());
    if (AcceptPunct("(")) {
      RETURN_IF_ERROR(ParseValueList(")", &c.args));
      RETURN_IF_ERROR(ExpectPunct(")"));
    }
    return c;
  }

  // blockN(v0: i32, v1: f64):
  absl::Status ParseBlockHeader() {
    const Token t = Peek();
    ASSIGN_OR_RETURN(const uint32_t n, ParseIndex("block"));
    EnsureBlock(n);
    if (block_defined_[n]) return ErrorAt(t.line, t.col, absl::StrCat("block", n, " is defined twice"));
    block_defined_[n] = true;
    const Block b(n);
    if (AcceptPunct("(")) {
      if (!IsPunct(Peek(), ")")) {
        do {
          const Token vt = Peek();
          ASSIGN_OR_RETURN(const uint32_t v, ParseIndex("v"));
          RETURN_IF_ERROR(ExpectPunct(":"));
          ASSIGN_OR_RETURN(const Type type, ParseType());
          std::vector<Value>& params = f_.block(b).params;
          RETURN_IF_ERROR(Define(vt, v, ValueData{type, ValueData::Kind::kParam, n,
                                                  static_cast<uint32_t>(params.size())}));
          params.push_back(Value(v));
        } while (AcceptPunct(","));
      }
      RETURN_IF_ERROR(ExpectPunct(")"));
    }
    RETURN_IF_ERROR(ExpectPunct(":"));
    f_.layout.push_back(b);
    current_ = b;
    return absl::OkStatus();
  }

  // --- Instructions ----------------------------------------------------------------

  struct ResultSpec {
    Token token;
    uint32_t index;
    std::optional<Type> annotation;
  };

  bool StartsResults() const {
    return Peek().kind == Tok::kIdent && IndexAfter("v", Peek().text) &&
           (IsPunct(Peek(1), "=") || IsPunct(Peek(1), ",") || IsPunct(Peek(1), ":"));
  }

  absl::Status ParseInst() {
    std::vector<ResultSpec> results;
    if (StartsResults()) {
      do {
        ResultSpec r;
        r.token = Peek();
        ASSIGN_OR_RETURN(r.index, ParseIndex("v"));
        if (AcceptPunct(":")) {
          ASSIGN_OR_RETURN(const Type t, ParseType());
          r.annotation = t;
        }
        results.push_back(r);
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct("="));
    }
    const Token op_token = Peek();
    const auto& ops = OpcodesByName();
    const auto it = op_token.kind == Tok::kIdent ? ops.find(std::string(op_token.text)) : ops.end();
    if (it == ops.end()) return Error("expected an opcode");
    Next();

    InstData d;
    d.op = it->second;
    std::vector<Value> args;
    std::vector<ParsedCall> calls;
    // The result types; nullopt: a call result, typed later from its uses.
    std::vector<std::optional<Type>> result_types;
    const Format format = OpcodeFormat(d.op);
    switch (format) {
      case Format::kConst:
        RETURN_IF_ERROR(ParseConst(&d));
        result_types = {d.type};
        break;
      case Format::kUnary:
      case Format::kBinary:
      case Format::kSelect: {
        ASSIGN_OR_RETURN(d.type, ParseTypeSuffix());
        const size_t n = format == Format::kUnary ? 1 : format == Format::kBinary ? 2 : 3;
        for (size_t k = 0; k < n; ++k) {
          if (k > 0) RETURN_IF_ERROR(ExpectPunct(","));
          ASSIGN_OR_RETURN(const Value v, ParseValueUse());
          args.push_back(v);
        }
        result_types = {d.type};
        break;
      }
      case Format::kIntCompare:
      case Format::kFloatCompare: {
        ASSIGN_OR_RETURN(d.type, ParseTypeSuffix());
        const std::optional<Cond> c =
            Peek().kind == Tok::kIdent ? CondFromName(Peek().text) : std::nullopt;
        if (!c) return Error("expected a condition (eq, ne, slt, ...)");
        Next();
        d.cond = *c;
        ASSIGN_OR_RETURN(const Value a, ParseValueUse());
        RETURN_IF_ERROR(ExpectPunct(","));
        ASSIGN_OR_RETURN(const Value b, ParseValueUse());
        args = {a, b};
        result_types = {Type::kI32};
        break;
      }
      case Format::kLoad:
      case Format::kStore: {
        const bool is_load = format == Format::kLoad;
        ASSIGN_OR_RETURN(d.type, ParseTypeSuffix());
        RETURN_IF_ERROR(ParseMemSuffix(is_load, &d));
        ASSIGN_OR_RETURN(const Value addr, ParseValueUse());
        RETURN_IF_ERROR(ExpectPunct("+"));
        ASSIGN_OR_RETURN(d.imm32, ParseU32("an offset"));
        args.push_back(addr);
        if (is_load) {
          result_types = {d.type};
        } else {
          RETURN_IF_ERROR(ExpectPunct(","));
          ASSIGN_OR_RETURN(const Value v, ParseValueUse());
          args.push_back(v);
        }
        break;
      }
      case Format::kGlobalGet: {
        ASSIGN_OR_RETURN(d.type, ParseTypeSuffix());
        ASSIGN_OR_RETURN(d.imm32, ParsePrefixed("g"));
        result_types = {d.type};
        break;
      }
      case Format::kGlobalSet: {
        ASSIGN_OR_RETURN(d.imm32, ParsePrefixed("g"));
        RETURN_IF_ERROR(ExpectPunct(","));
        ASSIGN_OR_RETURN(const Value v, ParseValueUse());
        args.push_back(v);  // d.type is set from v's type once all are known
        break;
      }
      case Format::kCall:
      case Format::kCallIndirect: {
        if (format == Format::kCall) {
          ASSIGN_OR_RETURN(d.imm32, ParsePrefixed("f"));
        } else {
          ASSIGN_OR_RETURN(d.imm32, ParsePrefixed("type"));
          RETURN_IF_ERROR(ExpectPunct(","));
          ASSIGN_OR_RETURN(d.imm32b, ParsePrefixed("table"));
          RETURN_IF_ERROR(ExpectPunct(","));
          ASSIGN_OR_RETURN(const Value callee, ParseValueUse());
          args.push_back(callee);
        }
        RETURN_IF_ERROR(ExpectPunct("("));
        RETURN_IF_ERROR(ParseValueList(")", &args));
        RETURN_IF_ERROR(ExpectPunct(")"));
        result_types.assign(results.size(), std::nullopt);
        break;
      }
      case Format::kBuiltin: {
        const std::optional<Builtin> b =
            Peek().kind == Tok::kIdent ? BuiltinFromName(Peek().text) : std::nullopt;
        if (!b) return Error("expected a builtin name (builtins.h)");
        Next();
        d.imm32 = static_cast<uint32_t>(*b);
        RETURN_IF_ERROR(ExpectPunct("#"));
        ASSIGN_OR_RETURN(d.imm32b, ParseU32("a builtin index"));
        RETURN_IF_ERROR(ExpectPunct("("));
        RETURN_IF_ERROR(ParseValueList(")", &args));
        RETURN_IF_ERROR(ExpectPunct(")"));
        for (char c : BuiltinResults(*b)) result_types.push_back(BuiltinLetterType(c));
        break;
      }
      case Format::kJump: {
        ASSIGN_OR_RETURN(ParsedCall c, ParseBlockCall());
        calls.push_back(std::move(c));
        break;
      }
      case Format::kBrIf: {
        ASSIGN_OR_RETURN(const Value cond, ParseValueUse());
        args.push_back(cond);
        for (int k = 0; k < 2; ++k) {
          RETURN_IF_ERROR(ExpectPunct(","));
          ASSIGN_OR_RETURN(ParsedCall c, ParseBlockCall());
          calls.push_back(std::move(c));
        }
        break;
      }
      case Format::kBrTable: {
        ASSIGN_OR_RETURN(const Value index, ParseValueUse());
        args.push_back(index);
        RETURN_IF_ERROR(ExpectPunct(","));
        RETURN_IF_ERROR(ExpectPunct("["));
        if (!IsPunct(Peek(), "]")) {
          do {
            ASSIGN_OR_RETURN(ParsedCall c, ParseBlockCall());
            calls.push_back(std::move(c));
          } while (AcceptPunct(","));
        }
        RETURN_IF_ERROR(ExpectPunct("]"));
        RETURN_IF_ERROR(ExpectPunct(","));
        ASSIGN_OR_RETURN(ParsedCall c, ParseBlockCall());  // the default
        calls.push_back(std::move(c));
        break;
      }
      case Format::kReturn:
        if (OnSameLine()) {
          do {
            ASSIGN_OR_RETURN(const Value v, ParseValueUse());
            args.push_back(v);
          } while (AcceptPunct(","));
        }
        break;
      case Format::kTrap: {
        RETURN_IF_ERROR(ExpectPunct("#"));
        ASSIGN_OR_RETURN(d.imm32, ParseU32("a trap kind"));
        break;
      }
      case Format::kTrapIf: {
        ASSIGN_OR_RETURN(const Value cond, ParseValueUse());
        args.push_back(cond);
        RETURN_IF_ERROR(ExpectPunct(","));
        RETURN_IF_ERROR(ExpectPunct("#"));
        ASSIGN_OR_RETURN(d.imm32, ParseU32("a trap kind"));
        break;
      }
    }
    if (results.size() != result_types.size()) {
      return ErrorAt(op_token.line, op_token.col,
                     absl::StrCat(op_token.text, " defines ", result_types.size(),
                                  " values, the text names ", results.size()));
    }
    return Append(d, args, calls, results, result_types);
  }

  absl::Status ParseConst(InstData* d) {
    if (d->op == IrOpcode::kIconst) {
      RETURN_IF_ERROR(ExpectPunct("."));
      const Token type_token = Peek();
      ASSIGN_OR_RETURN(d->type, ParseType());
      if (!IsInt(d->type)) return ErrorAt(type_token.line, type_token.col, "iconst needs i32 or i64");
    } else {
      d->type = d->op == IrOpcode::kF32const ? Type::kF32 : Type::kF64;
    }
    const Token t = Peek();
    const std::optional<Number> n = t.kind == Tok::kNumber ? ParseNumber(t.text) : std::nullopt;
    if (!n) return Error("expected a number");
    const bool narrow = d->type == Type::kI32 || d->type == Type::kF32;
    const uint64_t limit_positive = narrow ? 0xffffffffu : ~uint64_t{0};
    const uint64_t limit_negative = narrow ? uint64_t{1} << 31 : uint64_t{1} << 63;
    const bool negative_ok = d->op == IrOpcode::kIconst;
    if ((n->negative && (!negative_ok || n->magnitude > limit_negative)) ||
        (!n->negative && n->magnitude > limit_positive)) {
      return ErrorAt(t.line, t.col, absl::StrCat(t.text, " does not fit in ", TypeName(d->type)));
    }
    uint64_t bits = n->negative ? uint64_t{0} - n->magnitude : n->magnitude;
    if (narrow) bits &= 0xffffffffu;
    d->imm64 = bits;
    Next();
    return absl::OkStatus();
  }

  // Optional .s8/.u16/... (loads) or .w8/.w16/... (stores) after the type.
  absl::Status ParseMemSuffix(bool is_load, InstData* d) {
    const int type_bits = (d->type == Type::kI64 || d->type == Type::kF64) ? 64 : 32;
    d->mem.width = static_cast<uint8_t>(type_bits / 8);
    d->mem.sign_extend = false;
    if (!AcceptPunct(".")) return absl::OkStatus();
    const Token t = Peek();
    if (t.kind == Tok::kIdent && !t.text.empty()) {
      const char kind = t.text[0];
      uint32_t bits = 0;
      const bool kind_ok = is_load ? (kind == 's' || kind == 'u') : kind == 'w';
      if (kind_ok && absl::SimpleAtoi(t.text.substr(1), &bits) &&
          (bits == 8 || bits == 16 || bits == 32) && static_cast<int>(bits) < type_bits &&
          IsInt(d->type)) {
        d->mem.width = static_cast<uint8_t>(bits / 8);
        d->mem.sign_extend = kind == 's';
        Next();
        return absl::OkStatus();
      }
    }
    return Error(is_load ? "expected a narrow integer access like s8, u16 or s32"
                         : "expected a narrow integer store width like w8, w16 or w32");
  }

  absl::Status Append(InstData d, const std::vector<Value>& args,
                      const std::vector<ParsedCall>& calls, const std::vector<ResultSpec>& results,
                      const std::vector<std::optional<Type>>& result_types) {
    const Inst inst(static_cast<uint32_t>(f_.insts.size()));
    d.args_begin = static_cast<uint32_t>(f_.value_pool.size());
    d.args_count = static_cast<uint32_t>(args.size());
    f_.value_pool.insert(f_.value_pool.end(), args.begin(), args.end());
    d.results_begin = static_cast<uint32_t>(f_.value_pool.size());
    d.results_count = static_cast<uint32_t>(results.size());
    for (size_t k = 0; k < results.size(); ++k) {
      const ResultSpec& r = results[k];
      Type type = Type::kNone;
      if (result_types[k]) {
        type = *result_types[k];
        if (r.annotation && *r.annotation != type) {
          return ErrorAt(r.token.line, r.token.col,
                         absl::StrCat("v", r.index, " is annotated ", TypeName(*r.annotation),
                                      " but the instruction defines ", TypeName(type)));
        }
      } else if (r.annotation) {
        type = *r.annotation;
      } else {
        untyped_.push_back(Value(r.index));
      }
      RETURN_IF_ERROR(Define(r.token, r.index, ValueData{type, ValueData::Kind::kResult, inst.index,
                                                         static_cast<uint32_t>(k)}));
      f_.value_pool.push_back(Value(r.index));
    }
    d.targets_begin = static_cast<uint32_t>(f_.block_calls.size());
    d.targets_count = static_cast<uint32_t>(calls.size());
    for (const ParsedCall& c : calls) {
      f_.block_calls.push_back(BlockCall{c.block, static_cast<uint32_t>(f_.value_pool.size()),
                                         static_cast<uint32_t>(c.args.size())});
      f_.value_pool.insert(f_.value_pool.end(), c.args.begin(), c.args.end());
    }
    d.block = current_;
    f_.insts.push_back(d);
    f_.block(current_).insts.push_back(inst);
    return absl::OkStatus();
  }

  // --- Typing call results from their uses ----------------------------------------

  // The type an operand must have, or kNone when the use does not say.
  Type OperandType(Inst i, size_t k) const {
    const InstData& d = f_.inst(i);
    switch (OpcodeFormat(d.op)) {
      case Format::kUnary:
        switch (d.op) {
          case IrOpcode::kIreduce: return Type::kI64;
          case IrOpcode::kUextend:
          case IrOpcode::kSextend: return Type::kI32;
          case IrOpcode::kFpromote: return Type::kF32;
          case IrOpcode::kFdemote: return Type::kF64;
          case IrOpcode::kBitcast:
            switch (d.type) {
              case Type::kI32: return Type::kF32;
              case Type::kI64: return Type::kF64;
              case Type::kF32: return Type::kI32;
              case Type::kF64: return Type::kI64;
              default: return Type::kNone;
            }
          case IrOpcode::kFcvtToSint:
          case IrOpcode::kFcvtToUint:
          case IrOpcode::kFcvtToSintSat:
          case IrOpcode::kFcvtToUintSat:
          case IrOpcode::kFcvtFromSint:
          case IrOpcode::kFcvtFromUint: return Type::kNone;
          default: return d.type;
        }
      case Format::kBinary:
      case Format::kIntCompare:
      case Format::kFloatCompare: return d.type;
      case Format::kSelect: return k == 0 ? Type::kI32 : d.type;
      case Format::kLoad: return Type::kI32;
      case Format::kStore: return k == 0 ? Type::kI32 : d.type;
      case Format::kCallIndirect: return k == 0 ? Type::kI32 : Type::kNone;
      case Format::kBuiltin: {
        const absl::string_view params = BuiltinParams(static_cast<Builtin>(d.imm32));
        return k < params.size() ? BuiltinLetterType(params[k]) : Type::kNone;
      }
      case Format::kBrIf:
      case Format::kBrTable:
      case Format::kTrapIf: return Type::kI32;
      case Format::kReturn:
        return k < f_.signature.results.size() ? f_.signature.results[k] : Type::kNone;
      default: return Type::kNone;
    }
  }

  void InferUntypedResults() {
    auto constrain = [this](Value v, Type t) {
      ValueData& d = f_.values[v.index];
      if (t != Type::kNone && d.type == Type::kNone) d.type = t;
    };
    if (!untyped_.empty()) {
      for (Block b : f_.layout) {
        for (Inst i : f_.block(b).insts) {
          const absl::Span<const Value> args = f_.Args(i);
          for (size_t k = 0; k < args.size(); ++k) constrain(args[k], OperandType(i, k));
          for (const BlockCall& c : f_.Targets(i)) {
            const std::vector<Value>& params = f_.block(c.block).params;
            const absl::Span<const Value> call_args = f_.CallArgs(c);
            for (size_t k = 0; k < call_args.size() && k < params.size(); ++k) {
              constrain(call_args[k], f_.ValueType(params[k]));
            }
          }
        }
      }
      for (Value v : untyped_) constrain(v, Type::kI32);
    }
    // global_set's controlling type is its operand's.
    for (InstData& d : f_.insts) {
      if (d.op == IrOpcode::kGlobalSet) d.type = f_.ValueType(f_.value_pool[d.args_begin]);
    }
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int last_line_ = 0;

  Function f_;
  Block current_;
  std::vector<bool> value_defined_;
  std::vector<bool> block_defined_;
  std::vector<Mention> value_mentions_;
  std::vector<Mention> block_mentions_;
  std::vector<Value> untyped_;
};

}  // namespace

absl::StatusOr<std::vector<Function>> ParseFunctions(absl::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Parser parser(std::move(tokens));
  std::vector<Function> functions;
  while (!parser.AtEnd()) {
    ASSIGN_OR_RETURN(Function f, parser.ParseOneFunction());
    functions.push_back(std::move(f));
  }
  return functions;
}

absl::StatusOr<Function> ParseFunction(absl::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Function> functions, ParseFunctions(text));
  if (functions.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected exactly one function, found ", functions.size()));
  }
  return std::move(functions[0]);
}

}  // namespace wasm::ir
