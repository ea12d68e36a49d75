#include "ipc/validate.h"

#include <string>

#include "gtest/gtest.h"

namespace wasm::ipc {
namespace {

TEST(ValidateTest, AcceptsWhatAWorkerSends) {
  Envelope call;
  call.set_id(1);
  call.mutable_call_import()->set_handle(4);
  call.mutable_call_import()->add_args(42);
  EXPECT_TRUE(ValidateFromWorker(call, 0).ok());
  Envelope reply;
  reply.set_reply_to(9);
  reply.mutable_values()->add_values(1);
  EXPECT_TRUE(ValidateFromWorker(reply, 0).ok());
  reply.mutable_trap()->set_kind(3);
  EXPECT_TRUE(ValidateFromWorker(reply, 0).ok());
}

TEST(ValidateTest, RejectsBrokerOnlyBodiesAndBadIds) {
  Envelope e;
  e.set_id(1);
  e.mutable_load_module();
  EXPECT_NE(ValidateFromWorker(e, 0).message().find("is not one a worker may send"),
            absl::string_view::npos);
  // Whatever its tier (a broker -> worker field; the worker checks it).
  for (int tier : {int{LoadModule::BASELINE}, 7}) {
    e.mutable_load_module()->set_tier(static_cast<LoadModule::Tier>(tier));
    EXPECT_NE(ValidateFromWorker(e, 0).message().find("is not one a worker may send"),
              absl::string_view::npos);
  }
  Envelope empty;
  empty.set_reply_to(1);
  EXPECT_NE(ValidateFromWorker(empty, 0).message().find("no body"), absl::string_view::npos);
  Envelope no_id;
  no_id.mutable_call_import();
  EXPECT_NE(ValidateFromWorker(no_id, 0).message().find("without an id"), absl::string_view::npos);
  Envelope reply_without_target;
  reply_without_target.mutable_ok();
  EXPECT_NE(ValidateFromWorker(reply_without_target, 0).message().find("without reply_to"),
            absl::string_view::npos);
}

TEST(ValidateTest, RejectsOversizedFieldsAndDescriptors) {
  Envelope e;
  e.set_id(1);
  for (int i = 0; i <= kMaxValues; ++i) e.mutable_call_import()->add_args(i);
  EXPECT_EQ(ValidateFromWorker(e, 0).message(),
            "worker message: call_import.args has 1001 values, the limit is 1000");
  Envelope trap;
  trap.set_reply_to(2);
  trap.mutable_trap()->set_message(std::string(kMaxWorkerMessageBytes + 1, 'x'));
  EXPECT_FALSE(ValidateFromWorker(trap, 0).ok());
  Envelope ok;
  ok.set_reply_to(2);
  ok.mutable_ok();
  EXPECT_NE(ValidateFromWorker(ok, 1).message().find("descriptors"), absl::string_view::npos);
  Envelope memory;
  memory.set_reply_to(2);
  memory.mutable_memory_export();
  EXPECT_TRUE(ValidateFromWorker(memory, 1).ok());
  EXPECT_FALSE(ValidateFromWorker(memory, 0).ok());
  EXPECT_FALSE(ValidateFromWorker(memory, 2).ok());
}

}  // namespace
}  // namespace wasm::ipc
