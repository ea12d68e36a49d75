#include "runtime/text/cursor.h"

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "runtime/errors.h"
#include "runtime/reader.h"
#include "runtime/text/numeric.h"

namespace wasm::text {

const Token& Cursor::Peek(size_t ahead) const {
  size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& Cursor::Next() {
  const Token& token = Peek();
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return token;
}

bool Cursor::IsKeyword(absl::string_view keyword, size_t ahead) const {
  const Token& token = Peek(ahead);
  return token.kind == TokenKind::kKeyword && token.text == keyword;
}

bool Cursor::AtLParenKeyword(absl::string_view keyword) const {
  return Peek().kind == TokenKind::kLParen && IsKeyword(keyword, 1);
}

bool Cursor::TryKeyword(absl::string_view keyword) {
  if (!IsKeyword(keyword)) return false;
  Next();
  return true;
}

bool Cursor::TryLParenKeyword(absl::string_view keyword) {
  if (!AtLParenKeyword(keyword)) return false;
  Next();
  Next();
  return true;
}

bool Cursor::AtIndex() const {
  TokenKind kind = Peek().kind;
  return kind == TokenKind::kNumber || kind == TokenKind::kId;
}

absl::Status Cursor::Expect(TokenKind kind) {
  if (Peek().kind != kind) return Unexpected();
  Next();
  return absl::OkStatus();
}

absl::Status Cursor::ExpectKeyword(absl::string_view keyword) {
  if (!IsKeyword(keyword)) return Unexpected();
  Next();
  return absl::OkStatus();
}

absl::StatusOr<std::string> Cursor::ExpectString() {
  if (Peek().kind != TokenKind::kString) return Unexpected();
  return Next().value;
}

absl::StatusOr<std::string> Cursor::ExpectName() {
  const Token& token = Peek();
  if (token.kind != TokenKind::kString) return Unexpected();
  absl::Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(token.value.data()),
                                  token.value.size());
  if (!IsValidUtf8(bytes)) return Error(token, "malformed UTF-8 encoding");
  return Next().value;
}

absl::StatusOr<uint32_t> Cursor::ExpectU32() {
  const Token& token = Peek();
  if (token.kind != TokenKind::kNumber) return Unexpected();
  uint64_t value;
  switch (ParseUnsigned(token.text, 0xffffffffu, &value)) {
    case NumStatus::kOk: break;
    case NumStatus::kSyntax: return Error(token, absl::StrCat("unknown operator ", token.text));
    case NumStatus::kRange: return Error(token, "i32 constant out of range");
  }
  Next();
  return static_cast<uint32_t>(value);
}

absl::Status Cursor::SkipToClose() {
  uint64_t depth = 1;
  while (depth > 0) {
    const Token& token = Next();
    switch (token.kind) {
      case TokenKind::kLParen: ++depth; break;
      case TokenKind::kRParen: --depth; break;
      case TokenKind::kEof: return Unexpected(token);
      default: break;
    }
  }
  return absl::OkStatus();
}

absl::Status Cursor::Unexpected(const Token& token) {
  if (token.kind == TokenKind::kReserved) {
    return Error(token, absl::StrCat("unknown operator ", token.text));
  }
  if (token.kind == TokenKind::kEof) return Error(token, "unexpected end of input");
  return Error(token, absl::StrCat("unexpected token \"", token.text, "\""));
}

absl::Status Cursor::Error(const Token& token, absl::string_view what) {
  return MalformedErrorAt(Location(token), what);
}

}  // namespace wasm::text
