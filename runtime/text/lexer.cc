#include "runtime/text/lexer.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "runtime/errors.h"

namespace wasm::text {
namespace {

bool IsIdChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '/': case ':': case '<': case '=': case '>': case '?':
    case '@': case '\\': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    // Depth inside an annotation `(@id ...)`, whose tokens are dropped.
    uint64_t annotation_depth = 0;
    while (true) {
      absl::Status skipped = SkipSpace();
      if (!skipped.ok()) return skipped;
      Token token = Start();
      if (pos_ >= text_.size()) {
        if (annotation_depth > 0) return Error(token, "unterminated annotation");
        tokens.push_back(std::move(token));
        return tokens;
      }
      char c = text_[pos_];
      if (c == '(') {
        Advance(1);
        if (pos_ < text_.size() && text_[pos_] == '@') {
          ++annotation_depth;
          continue;
        }
        if (annotation_depth > 0) {
          ++annotation_depth;
          continue;
        }
        token.kind = TokenKind::kLParen;
        token.text = text_.substr(pos_ - 1, 1);
        tokens.push_back(std::move(token));
        continue;
      }
      if (c == ')') {
        Advance(1);
        if (annotation_depth > 0) {
          --annotation_depth;
          continue;
        }
        token.kind = TokenKind::kRParen;
        token.text = text_.substr(pos_ - 1, 1);
        tokens.push_back(std::move(token));
        continue;
      }
      if (!IsIdChar(c) && c != '"') {
        return Error(token, absl::StrCat("unexpected character '", absl::CEscape(text_.substr(pos_, 1)),
                                         "'"));
      }
      absl::Status atom = LexAtom(token);
      if (!atom.ok()) return atom;
      if (annotation_depth == 0) tokens.push_back(std::move(token));
    }
  }

 private:
  Token Start() const {
    Token token;
    token.line = line_;
    token.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
    return token;
  }

  void Advance(size_t n) {
    for (size_t i = 0; i < n && pos_ < text_.size(); ++i) {
      if (text_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
      ++pos_;
    }
  }

  static absl::Status Error(const Token& at, absl::string_view what) {
    return MalformedErrorAt(Location(at), what);
  }

  // Skips white space, line comments and (nested) block comments.
  absl::Status SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance(1);
      } else if (c == ';' && pos_ + 1 < text_.size() && text_[pos_ + 1] == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance(1);
      } else if (c == '(' && pos_ + 1 < text_.size() && text_[pos_ + 1] == ';') {
        Token start = Start();
        Advance(2);
        uint64_t depth = 1;
        while (depth > 0) {
          if (pos_ + 1 >= text_.size()) return Error(start, "unterminated block comment");
          if (text_[pos_] == '(' && text_[pos_ + 1] == ';') {
            ++depth;
            Advance(2);
          } else if (text_[pos_] == ';' && text_[pos_ + 1] == ')') {
            --depth;
            Advance(2);
          } else {
            Advance(1);
          }
        }
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  // A run of idchars and strings with nothing in between.
  absl::Status LexAtom(Token& token) {
    size_t begin = pos_;
    int strings = 0;
    bool idchars = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '"') {
        ++strings;
        std::string value;
        absl::Status s = LexString(value);
        if (!s.ok()) return s;
        if (strings == 1) token.value = std::move(value);
      } else if (IsIdChar(c)) {
        idchars = true;
        Advance(1);
      } else {
        break;
      }
    }
    token.text = text_.substr(begin, pos_ - begin);
    if (strings == 1 && !idchars) {
      token.kind = TokenKind::kString;
      return absl::OkStatus();
    }
    token.value.clear();
    char first = token.text[0];
    if (strings > 0) {
      token.kind = TokenKind::kReserved;
    } else if (first == '$' && token.text.size() > 1) {
      token.kind = TokenKind::kId;
      token.value = std::string(token.text.substr(1));
    } else if (first >= 'a' && first <= 'z') {
      token.kind = TokenKind::kKeyword;
    } else if ((first >= '0' && first <= '9') || first == '+' || first == '-') {
      token.kind = TokenKind::kNumber;
    } else {
      token.kind = TokenKind::kReserved;
    }
    return absl::OkStatus();
  }

  // At the opening quote; decodes escapes into `out`.
  absl::Status LexString(std::string& out) {
    Token start = Start();
    Advance(1);
    while (true) {
      if (pos_ >= text_.size()) return Error(start, "unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        Advance(1);
        return absl::OkStatus();
      }
      if (c == '\n') return Error(start, "unterminated string");
      if (c < 0x20 || c == 0x7f) return Error(Start(), "illegal control character in string");
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        Advance(1);
        continue;
      }
      Token escape = Start();
      if (pos_ + 1 >= text_.size()) return Error(start, "unterminated string");
      char e = text_[pos_ + 1];
      switch (e) {
        case 't': out.push_back('\t'); Advance(2); continue;
        case 'n': out.push_back('\n'); Advance(2); continue;
        case 'r': out.push_back('\r'); Advance(2); continue;
        case '"': out.push_back('"'); Advance(2); continue;
        case '\'': out.push_back('\''); Advance(2); continue;
        case '\\': out.push_back('\\'); Advance(2); continue;
        case 'u': {
          Advance(2);
          if (pos_ >= text_.size() || text_[pos_] != '{') return Error(escape, "illegal escape");
          Advance(1);
          uint32_t cp = 0;
          int digits = 0;
          while (pos_ < text_.size() && text_[pos_] != '}') {
            int h = HexValue(text_[pos_]);
            if (h < 0 && text_[pos_] == '_' && digits > 0) {
              Advance(1);
              continue;
            }
            if (h < 0) return Error(escape, "illegal escape");
            if (cp > 0x10ffff) return Error(escape, "illegal escape: code point out of range");
            cp = cp * 16 + static_cast<uint32_t>(h);
            ++digits;
            Advance(1);
          }
          if (pos_ >= text_.size() || digits == 0) return Error(escape, "illegal escape");
          Advance(1);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
            return Error(escape, "illegal escape: code point out of range");
          }
          AppendUtf8(cp, out);
          continue;
        }
        default: {
          int hi = HexValue(e);
          int lo = pos_ + 2 < text_.size() ? HexValue(text_[pos_ + 2]) : -1;
          if (hi < 0 || lo < 0) return Error(escape, "illegal escape");
          out.push_back(static_cast<char>(hi * 16 + lo));
          Advance(3);
          continue;
        }
      }
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::string Location(const Token& token) { return absl::StrCat(token.line, ":", token.column); }

absl::StatusOr<std::vector<Token>> Lex(absl::string_view text) { return Lexer(text).Run(); }

}  // namespace wasm::text
