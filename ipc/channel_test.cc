#include "ipc/channel.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ipc/test_util.h"

namespace wasm::ipc {
namespace {

using ::testing::HasSubstr;

std::pair<Channel, Channel> Pair() {
  absl::StatusOr<std::pair<Channel, Channel>> pair = Channel::CreatePair();
  EXPECT_TRUE(pair.ok()) << pair.status();
  return *std::move(pair);
}

TEST(ChannelTest, SmallMessageRoundTrips) {
  auto [a, b] = Pair();
  Envelope sent;
  sent.set_id(7);
  sent.mutable_call_export()->set_name("add");
  sent.mutable_call_export()->add_args(1);
  sent.mutable_call_export()->add_args(0xffffffffffffffffull);
  ASSERT_TRUE(a.Send(sent).ok());
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->envelope.id(), 7u);
  EXPECT_EQ(got->envelope.call_export().name(), "add");
  ASSERT_EQ(got->envelope.call_export().args_size(), 2);
  EXPECT_EQ(got->envelope.call_export().args(1), 0xffffffffffffffffull);
  EXPECT_TRUE(got->fds.empty());
}

TEST(ChannelTest, LargeMessageTravelsInAMemfdWithItsDescriptors) {
  auto [a, b] = Pair();
  Envelope sent;
  sent.set_id(1);
  std::string big(3 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31);
  sent.mutable_load_module()->set_bytes(big);
  int extra = memfd_create("extra", MFD_CLOEXEC);
  ASSERT_GE(extra, 0);
  ASSERT_EQ(write(extra, "xyz", 3), 3);
  ASSERT_TRUE(a.Send(sent, {extra}).ok());
  close(extra);
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->envelope.load_module().bytes(), big);
  ASSERT_EQ(got->fds.size(), 1u);  // the payload memfd is not handed out
  char buf[3];
  ASSERT_EQ(pread(got->fds[0].get(), buf, 3, 0), 3);
  EXPECT_EQ(std::string(buf, 3), "xyz");
}

TEST(ChannelTest, ClosedPeerIsUnavailable) {
  auto [a, b] = Pair();
  { Channel gone = std::move(a); }
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  EXPECT_TRUE(absl::IsUnavailable(got.status())) << got.status();
  Envelope e;
  e.mutable_ok();
  EXPECT_TRUE(absl::IsUnavailable(b.Send(e))) << b.Send(e);
}

TEST(ChannelTest, NothingArrivingIsDeadlineExceeded) {
  auto [a, b] = Pair();
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Milliseconds(20));
  EXPECT_TRUE(absl::IsDeadlineExceeded(got.status())) << got.status();
}

TEST(ChannelTest, GarbageIsMalformed) {
  auto [a, b] = Pair();
  SendRaw(a, std::string("\0\xff\xff\xff\xff\xff", 6));
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  EXPECT_TRUE(IsMalformed(got.status())) << got.status();
  EXPECT_NE(got.status().message().find("not an Envelope"), absl::string_view::npos);
}

TEST(ChannelTest, UnknownTagEmptyAndOversizedRecordsAreMalformed) {
  auto [a, b] = Pair();
  SendRaw(a, std::string("\x07hello", 6));
  EXPECT_NE(b.Receive(absl::Seconds(5)).status().message().find("unknown frame tag 7"),
            absl::string_view::npos);
  SendRaw(a, std::string(Channel::kMaxInlineBytes + 10, '\0'));
  EXPECT_TRUE(IsMalformed(b.Receive(absl::Seconds(5)).status()));
  // An empty record reads like the peer closing its end (recvmsg returns 0).
  SendRaw(a, std::string());
  EXPECT_TRUE(absl::IsUnavailable(b.Receive(absl::Seconds(5)).status()));
  // The channel still works afterwards.
  Envelope e;
  e.mutable_ok();
  e.set_reply_to(3);
  ASSERT_TRUE(a.Send(e).ok());
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->envelope.reply_to(), 3u);
}

TEST(ChannelTest, MemfdShorterThanAnnouncedIsMalformed) {
  auto [a, b] = Pair();
  int memfd = memfd_create("short", MFD_CLOEXEC);
  ASSERT_GE(memfd, 0);
  ASSERT_EQ(write(memfd, "ab", 2), 2);
  std::string header(9, '\0');
  header[0] = 1;
  header[1] = 100;  // claims 100 bytes
  SendRaw(a, header, {memfd});
  close(memfd);
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  EXPECT_TRUE(IsMalformed(got.status())) << got.status();
  // A payload claiming more than the limit.
  std::string huge(9, '\xff');
  huge[0] = 1;
  int memfd2 = memfd_create("huge", MFD_CLOEXEC);
  SendRaw(a, huge, {memfd2});
  close(memfd2);
  EXPECT_TRUE(IsMalformed(b.Receive(absl::Seconds(5)).status()));
  // A memfd record without a memfd.
  SendRaw(a, std::string(9, '\x01'));
  EXPECT_TRUE(IsMalformed(b.Receive(absl::Seconds(5)).status()));
}

TEST(ChannelTest, APeerThatStopsReadingCannotBlockTheSender) {
  auto [a, b] = Pair();
  Envelope e;
  e.mutable_load_module()->set_bytes(std::string(30000, 'x'));
  absl::Status s;
  int sent = 0;
  while ((s = a.Send(e, {}, absl::Milliseconds(50))).ok() && sent < 10000) ++sent;
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s << " after " << sent;
  EXPECT_GT(sent, 0);
}

// The receive limit is the receiver's (a broker's for what a worker sends);
// the sender's own receive limit does not bound what it sends (a broker sends
// modules larger than what it accepts from a worker).
TEST(ChannelTest, TheReceiveLimitIsTheReceiversAlone) {
  auto [a, b] = Pair();
  a.set_max_receive_payload(100 * 1024);
  b.set_max_receive_payload(100 * 1024);
  Envelope big;
  big.mutable_load_module()->set_bytes(std::string(200 * 1024, 'x'));
  ASSERT_TRUE(a.Send(big).ok());
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  EXPECT_TRUE(IsMalformed(got.status())) << got.status();
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("the limit is 102400"));
  auto [c, d] = Pair();
  c.set_max_receive_payload(100 * 1024);
  ASSERT_TRUE(c.Send(big).ok());
  absl::StatusOr<Channel::Message> whole = d.Receive(absl::Seconds(5));
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->envelope.load_module().bytes().size(), 200u * 1024);
}

TEST(ChannelTest, TooManyDescriptorsAreMalformedAndClosed) {
  auto [a, b] = Pair();
  std::vector<int> fds;
  for (int i = 0; i < 10; ++i) fds.push_back(memfd_create("x", MFD_CLOEXEC));
  SendRaw(a, std::string("\0", 1), fds);
  for (int fd : fds) close(fd);
  absl::StatusOr<Channel::Message> got = b.Receive(absl::Seconds(5));
  EXPECT_TRUE(IsMalformed(got.status())) << got.status();
}

}  // namespace
}  // namespace wasm::ipc
