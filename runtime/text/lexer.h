// The lexer of the WebAssembly text format: source text -> tokens.
//
// Follows the spec's token rules (text/lexical.html): a token is a paren, or a
// maximal run of `idchar`s and strings with no white space between them. Such
// a run is classified as
//   - kString   exactly one string literal, escapes decoded into `value`;
//   - kId       `$` followed by idchars (`value` holds the name without `$`);
//   - kKeyword  idchars starting with a lower-case letter (`i32.add`,
//               `offset=4`, `nan:0x1`, `inf`);
//   - kNumber   idchars starting with a digit, `+` or `-` (checked later by
//               numeric.h, so `1x` is still a token here);
//   - kReserved anything else (`_1`, `"a""b"`, `$x"y"`): the parser reports it
//               as "unknown operator", as the reference interpreter does.
// Line comments `;;`, nested block comments `(; ;)` and annotations `(@x ...)`
// are skipped. Strings may hold any bytes (`\ff`); names are checked for
// UTF-8 by the parser, which knows where a string is a name.
//
//   absl::StatusOr<std::vector<Token>> tokens = Lex("(module (func))");
//   // kLParen kKeyword"module" kLParen kKeyword"func" kRParen kRParen kEof
//
// Errors (unterminated string or comment, bad escape, stray character) are
// malformed errors "line:col: what". Lexing is a single loop: nothing
// recurses, so hostile input costs time linear in its size.
#ifndef RUNTIME_TEXT_LEXER_H_
#define RUNTIME_TEXT_LEXER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasm::text {

enum class TokenKind : uint8_t { kLParen, kRParen, kKeyword, kId, kString, kNumber, kReserved, kEof };

struct Token {
  TokenKind kind = TokenKind::kEof;
  absl::string_view text;  // the source text of the token (a view into the input)
  std::string value;       // kString: the decoded bytes; kId: the name without `$`
  uint32_t line = 1;       // 1-based
  uint32_t column = 1;     // 1-based, in bytes
};

// "12:5": where `token` starts, for error messages.
std::string Location(const Token& token);

// Splits `text` into tokens; the last one is always kEof.
absl::StatusOr<std::vector<Token>> Lex(absl::string_view text);

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_LEXER_H_
