#include "tools/plugin_run_values.h"

#include <cmath>

#include "gtest/gtest.h"

namespace wasm::plugin_run {
namespace {

TEST(PluginRunValuesTest, Integers) {
  EXPECT_EQ(ParseValue(ValType::kI32, "42")->i32(), 42);
  EXPECT_EQ(ParseValue(ValType::kI32, "-2147483648")->i32(), INT32_MIN);
  EXPECT_EQ(ParseValue(ValType::kI32, "0xffffffff")->i32(), -1);
  EXPECT_EQ(ParseValue(ValType::kI32, "1_000")->i32(), 1000);
  EXPECT_FALSE(ParseValue(ValType::kI32, "4294967296").ok());
  EXPECT_FALSE(ParseValue(ValType::kI32, "-2147483649").ok());
  EXPECT_FALSE(ParseValue(ValType::kI32, "12abc").ok());
  EXPECT_FALSE(ParseValue(ValType::kI32, "").ok());
  EXPECT_EQ(ParseValue(ValType::kI64, "18446744073709551615")->i64(), -1);
  EXPECT_EQ(ParseValue(ValType::kI64, "-9223372036854775808")->i64(), INT64_MIN);
  EXPECT_FALSE(ParseValue(ValType::kI64, "18446744073709551616").ok());
}

TEST(PluginRunValuesTest, Floats) {
  EXPECT_EQ(ParseValue(ValType::kF64, "1.5")->f64(), 1.5);
  EXPECT_EQ(ParseValue(ValType::kF64, "0x1p-2")->f64(), 0.25);
  EXPECT_TRUE(std::isinf(ParseValue(ValType::kF32, "-inf")->f32()));
  EXPECT_TRUE(std::isnan(ParseValue(ValType::kF64, "nan")->f64()));
  EXPECT_EQ(ParseValue(ValType::kF32, "nan:0x1")->bits(), 0x7f800001u);  // payload 1, quiet bit clear
  EXPECT_EQ(ParseValue(ValType::kF64, "-nan:0x8")->bits(), 0xfff0000000000008ull);
  EXPECT_EQ(ParseValue(ValType::kF32, "0.1")->f32(), 0.1f);  // rounded once
  EXPECT_FALSE(ParseValue(ValType::kF64, "one").ok());
  EXPECT_FALSE(ParseValue(ValType::kF32, "nan:0x800000").ok());
  EXPECT_EQ(ParseValue(ValType::kF64, "x").status().message(),
            "invalid f64 argument \"x\": not a number");
}

TEST(PluginRunValuesTest, Formatting) {
  EXPECT_EQ(FormatValue(api::Value::I32(-1)), "-1");
  EXPECT_EQ(FormatValue(api::Value::I64(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(FormatValue(api::Value::F32(0.1f)), "0.1");
  EXPECT_EQ(FormatValue(api::Value::F64(0.1)), "0.1");
  EXPECT_EQ(FormatValue(api::Value::F64(-INFINITY)), "-inf");
  EXPECT_EQ(FormatValue(api::Value::F64(NAN)), "nan");
  EXPECT_EQ(FormatValue(api::Value::F64(1e300)), "1e+300");
}

}  // namespace
}  // namespace wasm::plugin_run
