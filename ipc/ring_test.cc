// The shared-memory rings (ring.h) and a Channel using them (channel.h):
// order kept across ring and socket, wake-ups, deadlines, EOF, and a hostile
// peer's indices, lengths and control records.
#include "ipc/ring.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ipc/channel.h"
#include "ipc/test_util.h"

namespace wasm::ipc {
namespace {

using ::testing::HasSubstr;

TEST(RingPairTest, RecordsWrapAroundAndMarkersPass) {
  UniqueFd memfd;
  auto creator = RingPair::Create(&memfd);
  ASSERT_TRUE(creator.ok()) << creator.status();
  auto attacher = RingPair::Attach(memfd.get());
  ASSERT_TRUE(attacher.ok()) << attacher.status();
  std::string got, error;
  EXPECT_EQ((*attacher)->TryRead(&got, 1 << 20, &error), RingPair::Read::kEmpty);
  // 3,000 records of 1..1000 bytes: many times round the 64 KiB ring.
  for (uint32_t k = 0; k < 3000; ++k) {
    const std::string record(1 + k % 1000, static_cast<char>('a' + k % 26));
    if (k % 7 == 0) {
      ASSERT_EQ((*creator)->TryWrite(nullptr, RingPair::kMarker), RingPair::Write::kOk);
    }
    ASSERT_EQ((*creator)->TryWrite(record.data(), record.size()), RingPair::Write::kOk) << k;
    if (k % 7 == 0) {
      ASSERT_EQ((*attacher)->TryRead(&got, 1 << 20, &error), RingPair::Read::kMarker);
    }
    ASSERT_EQ((*attacher)->TryRead(&got, 1 << 20, &error), RingPair::Read::kRecord) << error;
    ASSERT_EQ(got, record) << k;
  }
  // The other direction, and a full ring.
  const std::string big(RingPair::kMaxRecord, 'x');
  int written = 0;
  while ((*attacher)->TryWrite(big.data(), big.size()) == RingPair::Write::kOk) ++written;
  EXPECT_EQ(written, 3);  // 4 x (16 KiB + 4) > 64 KiB
  EXPECT_EQ((*attacher)->TryWrite(big.data(), big.size()), RingPair::Write::kFull);
  EXPECT_EQ((*creator)->TryRead(&got, 1 << 20, &error), RingPair::Read::kRecord);
  EXPECT_EQ((*attacher)->TryWrite(big.data(), big.size()), RingPair::Write::kOk);
  EXPECT_EQ((*attacher)->TryWrite(big.data(), RingPair::kMaxRecord + 1),
            RingPair::Write::kCorrupt);
}

TEST(RingPairTest, AWaitingConsumerIsSeenOnce) {
  UniqueFd memfd;
  auto creator = RingPair::Create(&memfd);
  auto attacher = RingPair::Attach(memfd.get());
  ASSERT_TRUE(creator.ok() && attacher.ok());
  EXPECT_FALSE((*creator)->TakeWaiting());
  (*attacher)->SetWaiting(true);
  EXPECT_TRUE((*creator)->TakeWaiting());
  EXPECT_FALSE((*creator)->TakeWaiting());
}

TEST(RingPairTest, AttachChecksTheMemfd) {
  UniqueFd small(memfd_create("x", MFD_CLOEXEC));
  ASSERT_EQ(ftruncate(small.get(), 4096), 0);
  EXPECT_THAT(std::string(RingPair::Attach(small.get()).status().message()),
              HasSubstr("wrong size"));
  UniqueFd unsealed(memfd_create("x", MFD_CLOEXEC));
  ASSERT_EQ(ftruncate(unsealed.get(), RingPair::kMappedBytes), 0);
  EXPECT_THAT(std::string(RingPair::Attach(unsealed.get()).status().message()),
              HasSubstr("not sealed"));
}

// A hostile producer: indices and lengths that cannot be are kCorrupt.
TEST(RingPairTest, NonsenseFromThePeerIsCorrupt) {
  UniqueFd memfd;
  auto creator = RingPair::Create(&memfd);
  ASSERT_TRUE(creator.ok());
  void* p =
      mmap(nullptr, RingPair::kMappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd.get(), 0);
  ASSERT_NE(p, MAP_FAILED);
  auto* peer_b = reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(p) + 256);  // B: peer -> creator
  uint8_t* data_b = static_cast<uint8_t*>(p) + 4096 + RingPair::kCapacity;
  std::string got, error;
  peer_b[0] = uint64_t{1} << 40;  // head far past anything the ring can hold
  EXPECT_EQ((*creator)->TryRead(&got, 1 << 20, &error), RingPair::Read::kCorrupt);
  EXPECT_THAT(error, HasSubstr("outstanding"));
  peer_b[0] = 100;  // 100 bytes published, but a record claiming 5,000
  const uint32_t claim = 5000;
  std::memcpy(data_b, &claim, 4);
  EXPECT_EQ((*creator)->TryRead(&got, 1 << 20, &error), RingPair::Read::kCorrupt);
  EXPECT_THAT(error, HasSubstr("5000 bytes"));
  const uint32_t fits = 96;  // a whole record, but over the caller's limit
  std::memcpy(data_b, &fits, 4);
  EXPECT_EQ((*creator)->TryRead(&got, 10, &error), RingPair::Read::kCorrupt);
  // The consumer's index (the peer's, for our writes) running ahead of ours.
  auto* peer_a = reinterpret_cast<uint64_t*>(p);
  peer_a[8] = uint64_t{1} << 50;
  EXPECT_EQ((*creator)->TryWrite("x", 1), RingPair::Write::kCorrupt);
  munmap(p, RingPair::kMappedBytes);
}

std::pair<Channel, Channel> RingPairOfChannels() {
  auto pair = Channel::CreatePair();
  EXPECT_TRUE(pair.ok());
  EXPECT_TRUE(pair->first.EnableRing().ok());
  return *std::move(pair);
}

Envelope Numbered(uint64_t id, size_t padding = 0) {
  Envelope e;
  e.set_id(id);
  if (padding > 0) e.mutable_load_module()->set_bytes(std::string(padding, 'p'));
  return e;
}

// Small ones through the ring, large ones (socket + memfd) and ones with
// descriptors through the socket: in both directions, in the order sent.
TEST(ChannelRingTest, OrderIsKeptAcrossRingAndSocket) {
  auto [a, b] = RingPairOfChannels();
  UniqueFd attached(memfd_create("attached", MFD_CLOEXEC));
  const int fds[] = {attached.get()};
  auto send_mix = [&](const Channel& from) {
    for (uint64_t k = 1; k <= 40; ++k) {
      const size_t padding = k % 10 == 0 ? 100'000 : (k % 5 == 0 ? 20'000 : k * 10);
      if (k % 7 == 0) {
        ASSERT_TRUE(from.Send(Numbered(k, padding), fds).ok());
      } else {
        ASSERT_TRUE(from.Send(Numbered(k, padding)).ok());
      }
    }
  };
  auto receive_mix = [&](const Channel& to) {
    for (uint64_t k = 1; k <= 40; ++k) {
      absl::StatusOr<Channel::Message> m = to.Receive(absl::Seconds(5));
      ASSERT_TRUE(m.ok()) << m.status();
      EXPECT_EQ(m->envelope.id(), k);
      EXPECT_EQ(m->fds.size(), k % 7 == 0 ? 1u : 0u) << k;
      const size_t padding = k % 10 == 0 ? 100'000 : (k % 5 == 0 ? 20'000 : k * 10);
      EXPECT_EQ(m->envelope.load_module().bytes().size(), padding) << k;
    }
  };
  send_mix(a);
  receive_mix(b);  // attaches the ring on the way, then acknowledges
  EXPECT_TRUE(b.ring_enabled());
  send_mix(b);
  receive_mix(a);
}

TEST(ChannelRingTest, PingPongAndASleepingReceiverWakesUp) {
  auto [a, b] = RingPairOfChannels();
  std::thread echo([&b = b] {
    for (int k = 0; k < 2000; ++k) {
      absl::StatusOr<Channel::Message> m = b.Receive(absl::Seconds(10));
      if (!m.ok()) return;
      if (!b.Send(m->envelope).ok()) return;
    }
  });
  for (uint64_t k = 0; k < 1000; ++k) {
    ASSERT_TRUE(a.Send(Numbered(k)).ok());
    absl::StatusOr<Channel::Message> m = a.Receive(absl::Seconds(10));
    ASSERT_TRUE(m.ok()) << m.status();
    ASSERT_EQ(m->envelope.id(), k);
  }
  // Now past every spin: the echo sleeps on the socket, the doorbell wakes it.
  for (uint64_t k = 1000; k < 1010; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(a.Send(Numbered(k)).ok());
    absl::StatusOr<Channel::Message> m = a.Receive(absl::Seconds(10));
    ASSERT_TRUE(m.ok()) << m.status();
    ASSERT_EQ(m->envelope.id(), k);
  }
  a = Channel();  // EOF: the echo's Receive ends
  echo.join();
}

TEST(ChannelRingTest, DeadlineAndEofWhileWaitingOnTheRing) {
  auto [a, b] = RingPairOfChannels();
  ASSERT_TRUE(a.Send(Numbered(1)).ok());
  ASSERT_TRUE(b.Receive(absl::Seconds(5)).ok());
  absl::StatusOr<Channel::Message> none = b.Receive(absl::Milliseconds(30));
  EXPECT_TRUE(absl::IsDeadlineExceeded(none.status())) << none.status();
  std::thread closer([&a = a] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    a = Channel();
  });
  absl::StatusOr<Channel::Message> eof = b.Receive(absl::Seconds(5));
  closer.join();
  EXPECT_TRUE(absl::IsUnavailable(eof.status())) << eof.status();
}

void SendTag(const Channel& c, uint8_t tag, int fd = -1) {
  if (fd >= 0) {
    SendRaw(c, std::string(1, static_cast<char>(tag)), {fd});
  } else {
    SendRaw(c, std::string(1, static_cast<char>(tag)));
  }
}

// The broker's side against a hostile peer's control records.
TEST(ChannelRingTest, UnexpectedControlRecordsAreMalformed) {
  {  // an acknowledgement nobody asked for
    auto pair = Channel::CreatePair();
    SendTag(pair->second, 4);
    EXPECT_TRUE(IsMalformed(pair->first.Receive(absl::Seconds(5)).status()));
  }
  {  // a doorbell without a ring
    auto pair = Channel::CreatePair();
    SendTag(pair->second, 2);
    EXPECT_TRUE(IsMalformed(pair->first.Receive(absl::Seconds(5)).status()));
  }
  {  // a ring set up by the side that created one
    auto [a, b] = RingPairOfChannels();
    UniqueFd fd(memfd_create("x", MFD_CLOEXEC));
    SendTag(b, 3, fd.get());
    EXPECT_TRUE(IsMalformed(a.Receive(absl::Seconds(5)).status()));
  }
  {  // after the acknowledgement, a message on the socket without its marker
    auto [a, b] = RingPairOfChannels();
    SendTag(b, 4);
    SendRaw(b, std::string(1, '\0') + Numbered(9).SerializeAsString());
    absl::StatusOr<Channel::Message> m = a.Receive(absl::Seconds(5));
    EXPECT_TRUE(IsMalformed(m.status())) << m.status();
    EXPECT_THAT(std::string(m.status().message()), HasSubstr("without its ring marker"));
  }
}

}  // namespace
}  // namespace wasm::ipc
