// A cursor over the token list, with the parser's error helpers.
//
//   Cursor cursor(tokens);
//   if (cursor.TryLParenKeyword("param")) { ... RETURN_IF_ERROR(cursor.ExpectRParen()); }
//   return cursor.Unexpected();   // "3:7: unexpected token \"foo\""
//
// Every error is a malformed error (runtime/errors.h) located "line:col" at
// the token concerned; a kReserved token is reported as "unknown operator",
// any other unexpected token as "unexpected token" (the reference
// interpreter's wording). Invariant: the token list ends with kEof, and
// Peek/Next never move past it.
#ifndef RUNTIME_TEXT_CURSOR_H_
#define RUNTIME_TEXT_CURSOR_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/text/lexer.h"

namespace wasm::text {

class Cursor {
 public:
  explicit Cursor(const std::vector<Token>& tokens) : tokens_(tokens) {}

  const Token& Peek(size_t ahead = 0) const;
  const Token& Next();
  size_t position() const { return pos_; }
  void Seek(size_t pos) { pos_ = pos; }

  bool IsKeyword(absl::string_view keyword, size_t ahead = 0) const;
  // True if the next tokens are `(` and `keyword`.
  bool AtLParenKeyword(absl::string_view keyword) const;
  // Consumes `keyword` if it is next.
  bool TryKeyword(absl::string_view keyword);
  // Consumes `(` `keyword` if they are next.
  bool TryLParenKeyword(absl::string_view keyword);
  // The next token is an index: a number or an $id.
  bool AtIndex() const;

  absl::Status Expect(TokenKind kind);
  absl::Status ExpectLParen() { return Expect(TokenKind::kLParen); }
  absl::Status ExpectRParen() { return Expect(TokenKind::kRParen); }
  absl::Status ExpectKeyword(absl::string_view keyword);
  // A string token's decoded bytes.
  absl::StatusOr<std::string> ExpectString();
  // A string that is a name: it must be valid UTF-8.
  absl::StatusOr<std::string> ExpectName();
  // An unsigned number up to 2^32-1 ("i32 constant out of range" beyond).
  absl::StatusOr<uint32_t> ExpectU32();

  // Skips tokens up to and including the `)` closing the `(` just consumed.
  absl::Status SkipToClose();

  // "unexpected token" (or "unknown operator" for a reserved token) at the
  // next token / at `token`.
  absl::Status Unexpected() const { return Unexpected(Peek()); }
  static absl::Status Unexpected(const Token& token);
  static absl::Status Error(const Token& token, absl::string_view what);

 private:
  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
};

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_CURSOR_H_
