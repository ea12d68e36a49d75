// CodeMemory: the copied code runs, the pages are R+X and never writable,
// the tail is int3, and destruction unmaps.
#include "runtime/vm/code_memory.h"

#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/vm/proc_maps.h"

namespace wasm {
namespace {

// mov eax, 42 ; ret
constexpr uint8_t kReturn42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
// lea rax, [rdi + rsi] ; ret
constexpr uint8_t kAdd[] = {0x48, 0x8d, 0x04, 0x37, 0xc3};

uintptr_t Address(const uint8_t* p) { return reinterpret_cast<uintptr_t>(p); }

TEST(CodeMemoryTest, RunsTheCopiedCode) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ((*code)->EntryPoint<int()>(0)(), 42);
  EXPECT_EQ((*code)->size(), sizeof(kReturn42));
}

TEST(CodeMemoryTest, EntryPointAtAnOffset) {
  std::vector<uint8_t> bytes(kReturn42, kReturn42 + sizeof(kReturn42));
  bytes.insert(bytes.end(), kAdd, kAdd + sizeof(kAdd));
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(bytes);
  ASSERT_TRUE(code.ok()) << code.status();
  auto* add = (*code)->EntryPoint<int64_t(int64_t, int64_t)>(sizeof(kReturn42));
  EXPECT_EQ(add(40, 2), 42);
}

TEST(CodeMemoryTest, PagesAreReadExecuteNeverWritable) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  const uintptr_t start = Address((*code)->start());
  std::vector<Mapping> maps = MappingsOverlapping(start, start + (*code)->mapped_size());
  ASSERT_EQ(maps.size(), 1u);
  EXPECT_LE(maps[0].start, start);
  EXPECT_GE(maps[0].end, start + (*code)->mapped_size());
  EXPECT_EQ(maps[0].permissions, "r-xp");
}

TEST(CodeMemoryTest, NoMappingInTheProcessIsWritableAndExecutable) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  for (const Mapping& m : MappingsOverlapping(0, UINTPTR_MAX)) {
    EXPECT_FALSE(m.permissions[1] == 'w' && m.permissions[2] == 'x')
        << std::hex << m.start << " " << m.permissions << " " << m.path;
  }
}

TEST(CodeMemoryTest, TailIsPaddedWithInt3) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  const CodeMemory& c = **code;
  EXPECT_EQ(c.mapped_size() % static_cast<size_t>(sysconf(_SC_PAGESIZE)), 0u);
  EXPECT_EQ(c.start()[0], 0xb8);
  for (size_t i = c.size(); i < c.mapped_size(); ++i) ASSERT_EQ(c.start()[i], 0xcc) << i;
}

TEST(CodeMemoryTest, ContainsTheCodeBytesOnly) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  const uintptr_t start = Address((*code)->start());
  EXPECT_TRUE((*code)->Contains(start));
  EXPECT_TRUE((*code)->Contains(start + sizeof(kReturn42) - 1));
  EXPECT_FALSE((*code)->Contains(start + sizeof(kReturn42)));
  EXPECT_FALSE((*code)->Contains(start - 1));
  EXPECT_EQ((*code)->code().size(), sizeof(kReturn42));
}

TEST(CodeMemoryTest, DestructionUnmaps) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  const uintptr_t start = Address((*code)->start());
  const size_t size = (*code)->mapped_size();
  code->reset();
  EXPECT_TRUE(MappingsOverlapping(start, start + size).empty());
}

TEST(CodeMemoryTest, RejectsEmptyCode) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create({});
  EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CodeMemoryDeathTest, WritingTheCodeFaults) {
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kReturn42);
  ASSERT_TRUE(code.ok()) << code.status();
  volatile uint8_t* p = const_cast<uint8_t*>((*code)->start());
  EXPECT_EXIT(*p = 0x90, ::testing::KilledBySignal(SIGSEGV), "");
}

TEST(CodeMemoryDeathTest, RunningPastTheEndHitsInt3) {
  // nop ; (falls through into the int3 padding)
  constexpr uint8_t kNop[] = {0x90};
  absl::StatusOr<std::unique_ptr<CodeMemory>> code = CodeMemory::Create(kNop);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EXIT((*code)->EntryPoint<void()>(0)(), ::testing::KilledBySignal(SIGTRAP), "");
}

}  // namespace
}  // namespace wasm
