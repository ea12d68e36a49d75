#include "runtime/text/writer.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace wasm::text {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(WriterTest, MinimalLeb128) {
  ByteWriter w;
  w.U32(0);
  w.U32(127);
  w.U32(128);
  w.U32(0xffffffffu);
  EXPECT_EQ(w.bytes(), (Bytes{0x00, 0x7f, 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f}));
}

TEST(WriterTest, SignedLeb128) {
  ByteWriter w;
  w.S32(-1);
  w.S32(63);
  w.S32(64);
  w.S32(-64);
  w.S32(-65);
  w.S64(INT64_MIN);
  EXPECT_EQ(w.bytes(), (Bytes{0x7f, 0x3f, 0xc0, 0x00, 0x40, 0xbf, 0x7f, 0x80, 0x80, 0x80, 0x80,
                              0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}));
}

TEST(WriterTest, FixedNameAndSection) {
  ByteWriter contents;
  contents.Fixed32(0x3f800000);
  contents.Name("ab");
  ByteWriter module;
  module.Section(11, contents);
  EXPECT_EQ(module.bytes(), (Bytes{11, 7, 0x00, 0x00, 0x80, 0x3f, 2, 'a', 'b'}));
  module.Truncate(1);
  EXPECT_EQ(module.Release(), (Bytes{11}));
}

}  // namespace
}  // namespace wasm::text
