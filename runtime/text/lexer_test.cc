#include "runtime/text/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/errors.h"

namespace wasm::text {
namespace {

std::vector<TokenKind> Kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  return kinds;
}

TEST(LexerTest, ClassifiesTokens) {
  absl::StatusOr<std::vector<Token>> tokens =
      Lex("(module $m i32.add offset=4 -1 0x1p3 nan:0x1 \"s\" _x)");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  using K = TokenKind;
  EXPECT_EQ(Kinds(*tokens),
            (std::vector<K>{K::kLParen, K::kKeyword, K::kId, K::kKeyword, K::kKeyword, K::kNumber,
                            K::kNumber, K::kKeyword, K::kString, K::kReserved, K::kRParen,
                            K::kEof}));
  EXPECT_EQ((*tokens)[2].value, "m");
  EXPECT_EQ((*tokens)[4].text, "offset=4");
  EXPECT_EQ((*tokens)[8].value, "s");
}

TEST(LexerTest, StringNextToAnythingIsReserved) {
  for (const char* text : {"\"a\"\"b\"", "$l\"a\"", "\"a\"0", "0\"a\""}) {
    absl::StatusOr<std::vector<Token>> tokens = Lex(text);
    ASSERT_TRUE(tokens.ok()) << text;
    ASSERT_EQ(tokens->size(), 2u) << text;
    EXPECT_EQ((*tokens)[0].kind, TokenKind::kReserved) << text;
  }
}

TEST(LexerTest, DecodesEscapes) {
  absl::StatusOr<std::vector<Token>> tokens =
      Lex(R"("\t\n\r\"\'\\\00\ff\u{41}\u{10FFFF}\u{e9}")");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ((*tokens)[0].value, std::string("\t\n\r\"'\\\0\xff" "A\xf4\x8f\xbf\xbf\xc3\xa9", 15));
}

TEST(LexerTest, SkipsCommentsAndAnnotations) {
  absl::StatusOr<std::vector<Token>> tokens =
      Lex("a ;; line\n (; block (; nested ;) still ;) b (@note x (y \"z\")) c");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  ASSERT_EQ(tokens->size(), 4u);
  EXPECT_EQ((*tokens)[0].text, "a");
  EXPECT_EQ((*tokens)[1].text, "b");
  EXPECT_EQ((*tokens)[2].text, "c");
}

TEST(LexerTest, TracksLineAndColumn) {
  absl::StatusOr<std::vector<Token>> tokens = Lex("(a\n  bb)");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(Location((*tokens)[2]), "2:3");
}

TEST(LexerTest, RejectsBrokenInput) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : std::vector<Case>{
           {"\"abc", "1:1: unterminated string"},
           {"(; (; ;)", "1:1: unterminated block comment"},
           {"x \"\\q\"", "1:4: illegal escape"},
           {"\"\\u{d800}\"", "1:2: illegal escape: code point out of range"},
           {"\"\\u{110000}\"", "1:2: illegal escape: code point out of range"},
           {"\"\\f\"", "1:2: illegal escape"},
           {"a\n{", "2:1: unexpected character '{'"},
           {"(@a (b)", "1:8: unterminated annotation"},
       }) {
    absl::StatusOr<std::vector<Token>> tokens = Lex(c.text);
    ASSERT_FALSE(tokens.ok()) << c.text;
    EXPECT_EQ(tokens.status().message(), c.error) << c.text;
    EXPECT_EQ(GetErrorKind(tokens.status()), ErrorKind::kMalformed);
  }
}

TEST(LexerTest, DeepCommentNestingIsLinear) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "(;";
  for (int i = 0; i < 200000; ++i) text += ";)";
  text += "x";
  absl::StatusOr<std::vector<Token>> tokens = Lex(text);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ((*tokens)[0].text, "x");
}

}  // namespace
}  // namespace wasm::text
