// LinearMemory: limits, grow, the reservation layout, the memfd and its seals,
// and a second mapping of the same memfd. Faults are turned into traps in
// trap_handler_test.cc; here they are plain crashes (death tests).
#include "runtime/vm/linear_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "runtime/vm/proc_maps.h"
#include "runtime/vm/unique_fd.h"

namespace wasm {
namespace {

constexpr uint64_t kPage = LinearMemory::kPageBytes;

std::unique_ptr<LinearMemory> MustCreate(uint64_t initial, std::optional<uint64_t> max,
                                         MemorySharing sharing = MemorySharing::kUnshared) {
  absl::StatusOr<std::unique_ptr<LinearMemory>> memory =
      LinearMemory::Create(initial, max, sharing);
  EXPECT_TRUE(memory.ok()) << memory.status();
  return memory.ok() ? *std::move(memory) : nullptr;
}

uintptr_t Address(const uint8_t* p) { return reinterpret_cast<uintptr_t>(p); }

void ReadByte(const uint8_t* p) {
  volatile const uint8_t* v = p;
  (void)*v;
}

TEST(LinearMemoryTest, CreateMapsZeroFilledPages) {
  auto memory = MustCreate(2, std::nullopt);
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->pages(), 2u);
  EXPECT_EQ(memory->size_bytes(), 2 * kPage);
  EXPECT_EQ(memory->max_pages(), std::nullopt);
  EXPECT_EQ(memory->sharing(), MemorySharing::kUnshared);
  uint8_t* base = memory->base();
  EXPECT_EQ(base[0], 0);
  EXPECT_EQ(base[2 * kPage - 1], 0);
  base[0] = 1;
  base[2 * kPage - 1] = 2;
  EXPECT_EQ(base[0], 1);
  EXPECT_EQ(base[2 * kPage - 1], 2);
}

TEST(LinearMemoryTest, ViewIsWhatGeneratedCodeReads) {
  auto memory = MustCreate(3, 10);
  ASSERT_NE(memory, nullptr);
  const MemoryView* view = memory->view();
  const auto* raw = reinterpret_cast<const uint8_t*>(view);
  uint8_t* base;
  uint64_t size;
  std::memcpy(&base, raw + kMemoryViewBaseOffset, sizeof(base));
  std::memcpy(&size, raw + kMemoryViewSizeOffset, sizeof(size));
  EXPECT_EQ(base, memory->base());
  EXPECT_EQ(size, 3 * kPage);
  ASSERT_TRUE(memory->Grow(1).ok());
  std::memcpy(&size, raw + kMemoryViewSizeOffset, sizeof(size));
  EXPECT_EQ(size, 4 * kPage);
}

TEST(LinearMemoryTest, GrowReturnsOldPagesAndNeverMovesBase) {
  auto memory = MustCreate(1, 5);
  ASSERT_NE(memory, nullptr);
  uint8_t* base = memory->base();
  base[100] = 7;
  absl::StatusOr<uint64_t> old = memory->Grow(2);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(*old, 1u);
  EXPECT_EQ(memory->pages(), 3u);
  EXPECT_EQ(memory->base(), base);
  EXPECT_EQ(base[100], 7);
  EXPECT_EQ(base[3 * kPage - 1], 0);  // new pages are zero and writable
  base[3 * kPage - 1] = 9;
  EXPECT_EQ(base[3 * kPage - 1], 9);

  old = memory->Grow(0);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(*old, 3u);
  old = memory->Grow(2);  // exactly to the maximum
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(*old, 3u);
  EXPECT_EQ(memory->pages(), 5u);
}

TEST(LinearMemoryTest, GrowPastTheDeclaredMaximumFails) {
  auto memory = MustCreate(1, 4);
  ASSERT_NE(memory, nullptr);
  absl::StatusOr<uint64_t> old = memory->Grow(4);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(old.status().message(), "memory.grow: 5 pages exceeds the maximum of 4");
  EXPECT_EQ(memory->pages(), 1u);  // unchanged
}

TEST(LinearMemoryTest, GrowPastTheSpecLimitFails) {
  auto memory = MustCreate(1, std::nullopt);
  ASSERT_NE(memory, nullptr);
  absl::StatusOr<uint64_t> old = memory->Grow(69999);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(old.status().message(), "memory.grow: 70000 pages exceeds the maximum of 65536");
  old = memory->Grow(UINT64_MAX);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(memory->pages(), 1u);
}

TEST(LinearMemoryTest, GrowToTheFull4GiB) {
  // Sparse: the memfd is never touched past the first page.
  auto memory = MustCreate(0, std::nullopt);
  ASSERT_NE(memory, nullptr);
  absl::StatusOr<uint64_t> old = memory->Grow(65536);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(*old, 0u);
  EXPECT_EQ(memory->size_bytes(), uint64_t{1} << 32);
  memory->base()[(uint64_t{1} << 32) - 1] = 1;
  EXPECT_EQ(memory->Grow(1).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(LinearMemoryTest, ZeroPagesHasABaseAndNoBytes) {
  auto memory = MustCreate(0, 0);
  ASSERT_NE(memory, nullptr);
  EXPECT_NE(memory->base(), nullptr);
  EXPECT_EQ(memory->size_bytes(), 0u);
  EXPECT_EQ(memory->pages(), 0u);
  EXPECT_EQ(memory->Grow(1).status().message(),
            "memory.grow: 1 pages exceeds the maximum of 0");
  absl::StatusOr<uint64_t> old = memory->Grow(0);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(*old, 0u);
}

TEST(LinearMemoryTest, ZeroPagesGrowsFromNothing) {
  auto memory = MustCreate(0, std::nullopt);
  ASSERT_NE(memory, nullptr);
  uint8_t* base = memory->base();
  ASSERT_TRUE(memory->Grow(1).ok());
  EXPECT_EQ(memory->base(), base);
  base[0] = 5;
  EXPECT_EQ(base[0], 5);
}

TEST(LinearMemoryTest, RejectsLimitsTheSpecRejects) {
  auto status = [](uint64_t initial, std::optional<uint64_t> max, MemorySharing sharing) {
    return LinearMemory::Create(initial, max, sharing).status();
  };
  absl::Status s = status(70000, std::nullopt, MemorySharing::kUnshared);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "memory: initial size of 70000 pages exceeds the maximum of 65536");
  s = status(1, 70000, MemorySharing::kUnshared);
  EXPECT_EQ(s.message(), "memory: a maximum of 70000 pages exceeds the limit of 65536");
  s = status(3, 2, MemorySharing::kUnshared);
  EXPECT_EQ(s.message(), "memory: initial size of 3 pages exceeds the declared maximum of 2");
  s = status(1, std::nullopt, MemorySharing::kShared);
  EXPECT_EQ(s.message(), "memory: a shared memory must declare a maximum");
  EXPECT_TRUE(status(1, 1, MemorySharing::kShared).ok());
  EXPECT_TRUE(status(65536, 65536, MemorySharing::kUnshared).ok());
}

TEST(LinearMemoryTest, ReservationLayout) {
  auto memory = MustCreate(2, std::nullopt);
  ASSERT_NE(memory, nullptr);
  const uintptr_t base = Address(memory->base());
  const uintptr_t end = base + LinearMemory::kReservationBytes;
  std::vector<Mapping> maps = MappingsOverlapping(base, end);
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[0].start, base);
  EXPECT_EQ(maps[0].end, base + 2 * kPage);
  EXPECT_EQ(maps[0].permissions, "rw-s");
  EXPECT_NE(maps[0].path.find("memfd:wasm-memory"), std::string::npos) << maps[0].path;
  EXPECT_EQ(maps[1].start, base + 2 * kPage);
  EXPECT_EQ(maps[1].end, end);
  EXPECT_EQ(maps[1].permissions, "---p");

  // The farthest address generated code can form is inside the PROT_NONE part.
  const uintptr_t farthest = base + 0xffffffffull + 0xffffffffull + 15;
  EXPECT_LT(farthest, end);
  EXPECT_GE(farthest, maps[1].start);
}

TEST(LinearMemoryTest, GrowKeepsTheSharedBytesContiguous) {
  auto memory = MustCreate(1, std::nullopt);
  ASSERT_NE(memory, nullptr);
  ASSERT_TRUE(memory->Grow(1).ok());
  ASSERT_TRUE(memory->Grow(3).ok());
  const uintptr_t base = Address(memory->base());
  std::vector<Mapping> maps = MappingsOverlapping(base, base + LinearMemory::kReservationBytes);
  ASSERT_GE(maps.size(), 2u);
  uintptr_t rw_end = base;
  for (const Mapping& m : maps) {
    if (m.permissions == "rw-s") {
      EXPECT_EQ(m.start, rw_end);
      rw_end = m.end;
    } else {
      EXPECT_EQ(m.permissions, "---p");
    }
  }
  EXPECT_EQ(rw_end, base + 5 * kPage);
}

TEST(LinearMemoryTest, DestructionUnmapsTheReservation) {
  auto memory = MustCreate(1, std::nullopt);
  ASSERT_NE(memory, nullptr);
  const uintptr_t base = Address(memory->base());
  const int fd = memory->fd();
  memory.reset();
  EXPECT_TRUE(MappingsOverlapping(base, base + LinearMemory::kReservationBytes).empty());
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);  // the memfd is closed
}

TEST(LinearMemoryTest, MemfdIsCloseOnExecSizedAndSealed) {
  auto memory = MustCreate(3, std::nullopt);
  ASSERT_NE(memory, nullptr);
  const int fd = memory->fd();
  EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(lseek(fd, 0, SEEK_END), static_cast<off_t>(3 * kPage));
  const int seals = fcntl(fd, F_GET_SEALS);
  EXPECT_EQ(seals & (F_SEAL_SHRINK | F_SEAL_SEAL), F_SEAL_SHRINK | F_SEAL_SEAL);
  EXPECT_EQ(seals & (F_SEAL_GROW | F_SEAL_WRITE), 0);
  // Nobody holding the descriptor can shrink it or add seals.
  EXPECT_NE(ftruncate(fd, kPage), 0);
  EXPECT_NE(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0);
  ASSERT_TRUE(memory->Grow(1).ok());
  EXPECT_EQ(lseek(fd, 0, SEEK_END), static_cast<off_t>(4 * kPage));
}

TEST(LinearMemoryTest, SecondMappingOfTheSameMemfdSeesWrites) {
  auto first = MustCreate(1, 4);
  ASSERT_NE(first, nullptr);
  absl::StatusOr<UniqueFd> fd = first->DuplicateFd();
  ASSERT_TRUE(fd.ok()) << fd.status();
  absl::StatusOr<std::unique_ptr<LinearMemory>> second =
      LinearMemory::MapExisting(*std::move(fd), 4, MemorySharing::kUnshared);
  ASSERT_TRUE(second.ok()) << second.status();
  LinearMemory& other = **second;
  EXPECT_NE(other.base(), first->base());
  EXPECT_EQ(other.pages(), 1u);

  first->base()[10] = 0xab;
  EXPECT_EQ(other.base()[10], 0xab);
  other.base()[kPage - 1] = 0xcd;
  EXPECT_EQ(first->base()[kPage - 1], 0xcd);

  // The first mapping grows; the second catches up and sees the new pages.
  ASSERT_TRUE(first->Grow(2).ok());
  first->base()[2 * kPage + 5] = 0xef;
  EXPECT_EQ(other.pages(), 1u);
  absl::StatusOr<uint64_t> pages = other.MapGrownPages();
  ASSERT_TRUE(pages.ok()) << pages.status();
  EXPECT_EQ(*pages, 3u);
  EXPECT_EQ(other.base()[2 * kPage + 5], 0xef);

  // Growing the second one extends the shared memfd for both.
  ASSERT_TRUE(other.Grow(1).ok());
  other.base()[3 * kPage] = 0x12;
  ASSERT_TRUE(first->MapGrownPages().ok());
  EXPECT_EQ(first->base()[3 * kPage], 0x12);
}

TEST(LinearMemoryTest, MapExistingClampsToTheMaximum) {
  auto first = MustCreate(4, std::nullopt);
  ASSERT_NE(first, nullptr);
  absl::StatusOr<UniqueFd> fd = first->DuplicateFd();
  ASSERT_TRUE(fd.ok());
  auto second = LinearMemory::MapExisting(*std::move(fd), 2, MemorySharing::kUnshared);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->pages(), 2u);
}

TEST(LinearMemoryTest, MapExistingRejectsAnUnsealedFd) {
  UniqueFd fd(memfd_create("not-sealed", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  ASSERT_TRUE(fd.valid());
  ASSERT_EQ(ftruncate(fd.get(), kPage), 0);
  auto memory = LinearMemory::MapExisting(std::move(fd), std::nullopt, MemorySharing::kUnshared);
  EXPECT_EQ(memory.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(memory.status().message(),
            "memory: the memfd is not sealed with F_SEAL_SHRINK | F_SEAL_SEAL");
  EXPECT_FALSE(
      LinearMemory::MapExisting(UniqueFd(), std::nullopt, MemorySharing::kUnshared).ok());
}

TEST(LinearMemoryTest, MapExistingRoundsAPartialPageDown) {
  UniqueFd fd(memfd_create("odd-size", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  ASSERT_TRUE(fd.valid());
  ASSERT_EQ(ftruncate(fd.get(), kPage + 100), 0);
  ASSERT_EQ(fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL), 0);
  auto memory = LinearMemory::MapExisting(std::move(fd), std::nullopt, MemorySharing::kUnshared);
  ASSERT_TRUE(memory.ok()) << memory.status();
  EXPECT_EQ((*memory)->pages(), 1u);
}

int OpenDescriptors() {
  int count = 0;
  for (int fd = 0; fd < 4096; ++fd) count += fcntl(fd, F_GETFD) != -1;
  return count;
}

TEST(LinearMemoryTest, NoDescriptorOrReservationLeaks) {
  const int before = OpenDescriptors();
  uintptr_t last_base = 0;
  for (int i = 0; i < 50; ++i) {
    auto memory = MustCreate(1, 8);
    ASSERT_NE(memory, nullptr);
    last_base = Address(memory->base());
    ASSERT_TRUE(memory->Grow(1).ok());
    absl::StatusOr<UniqueFd> fd = memory->DuplicateFd();
    ASSERT_TRUE(fd.ok());
    auto second = LinearMemory::MapExisting(*std::move(fd), 8, MemorySharing::kUnshared);
    ASSERT_TRUE(second.ok()) << second.status();
    // Error paths release what they took too.
    EXPECT_FALSE(LinearMemory::Create(3, 2, MemorySharing::kUnshared).ok());
    UniqueFd unsealed(memfd_create("unsealed", MFD_CLOEXEC));
    EXPECT_FALSE(
        LinearMemory::MapExisting(std::move(unsealed), 8, MemorySharing::kUnshared).ok());
  }
  EXPECT_EQ(OpenDescriptors(), before);
  EXPECT_TRUE(MappingsOverlapping(last_base, last_base + LinearMemory::kReservationBytes).empty());
}

using LinearMemoryDeathTest = ::testing::Test;

TEST_F(LinearMemoryDeathTest, AccessPastTheSizeFaults) {
  auto memory = MustCreate(1, std::nullopt);
  ASSERT_NE(memory, nullptr);
  const uint8_t* base = memory->base();
  ReadByte(base + kPage - 1);  // the last byte is fine
  EXPECT_EXIT(ReadByte(base + kPage), ::testing::KilledBySignal(SIGSEGV), "");
}

TEST_F(LinearMemoryDeathTest, FarthestAddressFaultsInsideTheReservation) {
  auto memory = MustCreate(1, std::nullopt);
  ASSERT_NE(memory, nullptr);
  const uint8_t* farthest = memory->base() + 0xffffffffull + 0xffffffffull;
  EXPECT_EXIT(ReadByte(farthest), ::testing::KilledBySignal(SIGSEGV), "");
}

TEST_F(LinearMemoryDeathTest, ZeroPageMemoryFaultsAtBase) {
  auto memory = MustCreate(0, std::nullopt);
  ASSERT_NE(memory, nullptr);
  EXPECT_EXIT(ReadByte(memory->base()), ::testing::KilledBySignal(SIGSEGV), "");
}

}  // namespace
TEST(LinearMemoryTest, TheProcessLimitCapsCreateAndGrow) {
  LinearMemory::SetProcessLimitBytes(2 * LinearMemory::kPageBytes);
  absl::StatusOr<std::unique_ptr<LinearMemory>> big = LinearMemory::Create(3, 10, MemorySharing::kUnshared);
  EXPECT_TRUE(absl::IsResourceExhausted(big.status())) << big.status();
  absl::StatusOr<std::unique_ptr<LinearMemory>> m = LinearMemory::Create(1, 10, MemorySharing::kUnshared);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(*(*m)->Grow(1), 1u);
  EXPECT_TRUE(absl::IsOutOfRange((*m)->Grow(1).status()));
  LinearMemory::SetProcessLimitBytes(std::nullopt);
  EXPECT_EQ(*(*m)->Grow(1), 2u);
}

}  // namespace wasm
