// UniqueFd closes what it owns, exactly once.
#include "runtime/vm/unique_fd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "gtest/gtest.h"

namespace wasm {
namespace {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

int NewFd() { return memfd_create("unique-fd-test", MFD_CLOEXEC); }

TEST(UniqueFdTest, ClosesOnDestruction) {
  int raw = NewFd();
  ASSERT_GE(raw, 0);
  {
    UniqueFd fd(raw);
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(fd.get(), raw);
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, DefaultIsInvalid) {
  UniqueFd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_EQ(fd.get(), -1);
  EXPECT_FALSE(fd.Duplicate().ok());
}

TEST(UniqueFdTest, MoveTransfersOwnership) {
  int raw = NewFd();
  ASSERT_GE(raw, 0);
  UniqueFd a(raw);
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checks the moved-from state
  EXPECT_EQ(b.get(), raw);
  UniqueFd c;
  c = std::move(b);
  EXPECT_EQ(c.get(), raw);
  EXPECT_TRUE(IsOpen(raw));
  c = UniqueFd();
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, ReleaseAndReset) {
  int raw = NewFd();
  ASSERT_GE(raw, 0);
  UniqueFd fd(raw);
  EXPECT_EQ(fd.release(), raw);
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(IsOpen(raw));
  fd.reset(raw);
  EXPECT_EQ(fd.get(), raw);
  fd.reset();
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, DuplicateIsCloseOnExecAndIndependent) {
  UniqueFd fd(NewFd());
  ASSERT_TRUE(fd.valid());
  absl::StatusOr<UniqueFd> copy = fd.Duplicate();
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_NE(copy->get(), fd.get());
  EXPECT_EQ(fcntl(copy->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  const int raw_copy = copy->get();
  fd.reset();
  EXPECT_TRUE(IsOpen(raw_copy));
}

}  // namespace
}  // namespace wasm
