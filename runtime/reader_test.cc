// LEB128 and name decoding edge cases (binary-leb128.wast covers some of
// these through whole modules; here each rule is pinned down directly).
#include "runtime/reader.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wasm {
namespace {

using ::testing::HasSubstr;

struct LebCase {
  std::vector<uint8_t> bytes;
  int bits;
  bool is_signed;
  uint64_t value;        // expected on success
  const char* error;     // nullptr: success
};

class LebTest : public ::testing::TestWithParam<LebCase> {};

TEST_P(LebTest, DecodesOrRejects) {
  const LebCase& c = GetParam();
  Reader r(c.bytes, 0, c.bytes.size());
  uint64_t v = 0;
  absl::Status s = r.ReadLeb(c.bits, c.is_signed, &v);
  if (c.error == nullptr) {
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(v, c.value);
    EXPECT_TRUE(r.AtEnd());
  } else {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(SpecText(s), c.error) << s;
    EXPECT_EQ(GetErrorKind(s), ErrorKind::kMalformed);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Unsigned32, LebTest,
    ::testing::Values(
        LebCase{{0x00}, 32, false, 0, nullptr},
        LebCase{{0x7f}, 32, false, 127, nullptr},
        LebCase{{0x80, 0x01}, 32, false, 128, nullptr},
        LebCase{{0x80, 0x00}, 32, false, 0, nullptr},  // redundant zero byte is fine
        LebCase{{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, false, 0xffffffff, nullptr},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0, nullptr},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0x1f}, 32, false, 0, "integer too large"},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x70}, 32, false, 0, "integer too large"},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0,
                "integer representation too long"},
        LebCase{{0x80}, 32, false, 0, "unexpected end of section or function"},
        LebCase{{}, 32, false, 0, "unexpected end of section or function"}));

INSTANTIATE_TEST_SUITE_P(
    Signed32, LebTest,
    ::testing::Values(
        LebCase{{0x7f}, 32, true, ~uint64_t{0}, nullptr},                    // -1
        LebCase{{0x40}, 32, true, static_cast<uint64_t>(int64_t{-64}), nullptr},
        LebCase{{0x3f}, 32, true, 63, nullptr},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x78}, 32, true,
                static_cast<uint64_t>(int64_t{INT32_MIN}), nullptr},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0x07}, 32, true, 0x7fffffff, nullptr},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0x7f}, 32, true, ~uint64_t{0}, nullptr},
        // Unused bits must be copies of the sign bit (bit 3 of the 5th byte).
        LebCase{{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, true, 0, "integer too large"},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x70}, 32, true, 0, "integer too large"},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 32, true, 0,
                "integer representation too long"}));

INSTANTIATE_TEST_SUITE_P(
    Signed33And64, LebTest,
    ::testing::Values(
        // s33 (block types): 5 bytes, 5 value bits in the last one.
        LebCase{{0xff, 0xff, 0xff, 0xff, 0x0f}, 33, true, 0xffffffff, nullptr},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x70}, 33, true,
                static_cast<uint64_t>(-(int64_t{1} << 32)), nullptr},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x10}, 33, true, 0, "integer too large"},
        // s64: 10 bytes, the last may only be 0x00 or 0x7f.
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64, true,
                uint64_t{1} << 63, nullptr},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, 64, true,
                0x7fffffffffffffff, nullptr},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 64, true, 0,
                "integer too large"},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7e}, 64, true, 0,
                "integer too large"},
        LebCase{{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64, true, 0,
                "integer representation too long"},
        // u64: the last byte may only be 0 or 1.
        LebCase{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 64, false,
                ~uint64_t{0}, nullptr},
        LebCase{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 64, false, 0,
                "integer too large"}));

TEST(ReaderTest, ErrorsCarryAbsoluteOffset) {
  std::vector<uint8_t> bytes = {0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(bytes, 2, bytes.size());
  uint32_t v;
  absl::Status s = r.ReadU32(&v);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("at byte 0x6"));
}

TEST(ReaderTest, WholeModuleReaderSaysUnexpectedEnd) {
  std::vector<uint8_t> bytes = {0x01};
  Reader r(bytes, 1, 1, /*whole_module=*/true);
  uint8_t b;
  EXPECT_EQ(SpecText(r.ReadU8(&b)), "unexpected end");
}

TEST(ReaderTest, FixedWidthReadsAreLittleEndianAndBounded) {
  std::vector<uint8_t> bytes = {0x01, 0x02, 0x03, 0x04, 0x05};
  Reader r(bytes, 0, bytes.size());
  uint32_t v;
  ASSERT_TRUE(r.ReadFixed32(&v).ok());
  EXPECT_EQ(v, 0x04030201u);
  uint64_t w;
  EXPECT_FALSE(r.ReadFixed64(&w).ok());
  EXPECT_EQ(r.offset(), 4u);  // a failed read consumes nothing
}

TEST(ReaderTest, NameRejectsLengthPastEndAndBadUtf8) {
  std::vector<uint8_t> too_long = {0x05, 'a', 'b'};
  Reader r1(too_long, 0, too_long.size());
  std::string name;
  EXPECT_EQ(SpecText(r1.ReadName(&name)), "length out of bounds");

  std::vector<uint8_t> bad = {0x02, 0xc0, 0x80};  // overlong NUL
  Reader r2(bad, 0, bad.size());
  EXPECT_EQ(SpecText(r2.ReadName(&name)), "malformed UTF-8 encoding");

  std::vector<uint8_t> good = {0x04, 0xf0, 0x9f, 0x98, 0x80};  // U+1F600
  Reader r3(good, 0, good.size());
  ASSERT_TRUE(r3.ReadName(&name).ok());
  EXPECT_EQ(name, "\xf0\x9f\x98\x80");
}

TEST(Utf8Test, RejectsSurrogatesAndOutOfRange) {
  const std::vector<uint8_t> surrogate = {0xed, 0xa0, 0x80};     // U+D800
  const std::vector<uint8_t> too_big = {0xf4, 0x90, 0x80, 0x80};  // U+110000
  const std::vector<uint8_t> truncated = {0xe2, 0x82};
  const std::vector<uint8_t> stray = {0x80};
  const std::vector<uint8_t> max = {0xf4, 0x8f, 0xbf, 0xbf};      // U+10FFFF
  EXPECT_FALSE(IsValidUtf8(surrogate));
  EXPECT_FALSE(IsValidUtf8(too_big));
  EXPECT_FALSE(IsValidUtf8(truncated));
  EXPECT_FALSE(IsValidUtf8(stray));
  EXPECT_TRUE(IsValidUtf8(max));
}

}  // namespace
}  // namespace wasm
