#include "runtime/text/wat.h"

#include <string>
#include <utility>

#include "runtime/status_macros.h"
#include "runtime/text/cursor.h"
#include "runtime/text/lexer.h"
#include "runtime/text/module_parser.h"

namespace wasm::text {
namespace {

enum class Forms : uint8_t { kTextOnly, kScript };

absl::StatusOr<std::vector<uint8_t>> Parse(absl::string_view text, Forms forms,
                                           bool function_names = false) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Cursor cursor(tokens);
  std::vector<uint8_t> bytes;
  if (cursor.TryLParenKeyword("module")) {
    if (cursor.Peek().kind == TokenKind::kId) cursor.Next();
    if (forms == Forms::kScript && (cursor.IsKeyword("binary") || cursor.IsKeyword("quote"))) {
      const bool binary = cursor.Next().text == "binary";
      std::string joined;
      while (cursor.Peek().kind == TokenKind::kString) joined += cursor.Next().value;
      RETURN_IF_ERROR(cursor.ExpectRParen());
      RETURN_IF_ERROR(cursor.Expect(TokenKind::kEof));
      if (binary) return std::vector<uint8_t>(joined.begin(), joined.end());
      return Parse(joined, Forms::kTextOnly);
    }
    ASSIGN_OR_RETURN(bytes, ParseModuleFields(cursor, function_names));
    RETURN_IF_ERROR(cursor.ExpectRParen());
  } else {
    ASSIGN_OR_RETURN(bytes, ParseModuleFields(cursor, function_names));
  }
  RETURN_IF_ERROR(cursor.Expect(TokenKind::kEof));
  return bytes;
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> ParseWat(absl::string_view text) {
  return Parse(text, Forms::kTextOnly);
}

absl::StatusOr<std::vector<uint8_t>> ParseWatWithNames(absl::string_view text) {
  return Parse(text, Forms::kTextOnly, /*function_names=*/true);
}

absl::StatusOr<std::vector<uint8_t>> ParseWatModule(absl::string_view text) {
  return Parse(text, Forms::kScript);
}

}  // namespace wasm::text
