// StreamingCompiler against CompileModule: every module of the spec
// testsuite's core/ files streamed in 1-byte and in random chunks must give
// the same module or an error of the same kind (and message); errors in
// early sections and bodies come out before the last bytes are fed; a
// truncated module gets the whole-buffer decoder's error.
#include "runtime/streaming_compiler.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/errors.h"
#include "runtime/testing/wasm_builder.h"
#include "runtime/validator.h"
#include "tests/spec/files.h"
#include "tests/spec/wast2json.h"

namespace wasm {
namespace {

using namespace ::wasm::testing;  // NOLINT: builder vocabulary

constexpr uint8_t kI32 = 0x7f;

// The first field in which two modules differ, or "" if none does.
std::string ModuleDifference(const Module& a, const Module& b) {
  if (a.bytes != b.bytes) return "bytes";
  if (a.types != b.types) return "types";
  if (a.imports != b.imports) return "imports";
  if (a.functions != b.functions) return "functions";
  if (a.tables != b.tables) return "tables";
  if (a.memories != b.memories) return "memories";
  if (a.globals != b.globals) return "globals";
  if (a.exports != b.exports) return "exports";
  if (a.start != b.start) return "start";
  if (a.elems != b.elems) return "elems";
  if (a.data_count != b.data_count) return "data_count";
  if (a.bodies != b.bodies) return "bodies";
  if (a.datas != b.datas) return "datas";
  if (a.customs != b.customs) return "customs";
  if (!(a.names == b.names)) return "names";
  if (a.num_imported_functions != b.num_imported_functions ||
      a.num_imported_tables != b.num_imported_tables ||
      a.num_imported_memories != b.num_imported_memories ||
      a.num_imported_globals != b.num_imported_globals) {
    return "import counts";
  }
  if (a.declared_func_refs != b.declared_func_refs) return "declared_func_refs";
  if (!(a == b)) return "another field";
  return "";
}

// The outcome of streaming `bytes` in chunks of the sizes `next_chunk` gives.
struct StreamOutcome {
  absl::StatusOr<std::shared_ptr<const Module>> module;
  // Bytes not yet fed when Feed reported the error (0 if it came from Finish).
  size_t bytes_left_at_error = 0;
};

template <typename NextChunk>
StreamOutcome Stream(const std::vector<uint8_t>& bytes, NextChunk next_chunk) {
  StreamingCompiler compiler;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t n = std::min(next_chunk(), bytes.size() - pos);
    const absl::Status s = compiler.Feed(absl::MakeConstSpan(bytes).subspan(pos, n));
    pos += n;
    if (!s.ok()) {
      // Sticky: Finish reports the same error.
      absl::StatusOr<std::shared_ptr<const Module>> again = compiler.Finish();
      EXPECT_EQ(again.status(), s);
      return StreamOutcome{s, bytes.size() - pos};
    }
  }
  return StreamOutcome{compiler.Finish(), 0};
}

StreamOutcome StreamBytewise(const std::vector<uint8_t>& bytes) {
  return Stream(bytes, [] { return size_t{1}; });
}

// ---------------------------------------------------------------------------
// The spec testsuite.

struct Agreement {
  int modules = 0;             // .wasm files compared
  int streams = 0;             // streamed runs (two chunkings per module)
  int valid = 0;               // runs where CompileModule accepts
  int identical = 0;           // same module, or same error message
  int same_kind_other_text = 0;
};

TEST(StreamingCompilerSpecTest, AgreesWithCompileModuleOnEveryCoreModule) {
  const std::vector<std::string> files = spec::RunfilesCoreWastFiles();
  ASSERT_FALSE(files.empty()) << "no spec testsuite under TEST_SRCDIR";
  Agreement agree;
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<size_t> chunk_size(1, 97);
  std::vector<uint8_t> largest;
  for (const std::string& wast : files) {
    absl::StatusOr<spec::TempDir> dir = spec::TempDir::Create("streaming");
    ASSERT_TRUE(dir.ok()) << dir.status();
    absl::StatusOr<std::string> json = spec::RunWast2Json(
        spec::Wast2JsonProgram(), wast, spec::Wast2JsonFlagsFor(wast), dir->path());
    ASSERT_TRUE(json.ok()) << json.status();
    std::vector<std::filesystem::path> wasms;
    for (const auto& e : std::filesystem::directory_iterator(dir->path())) {
      if (e.path().extension() == ".wasm") wasms.push_back(e.path());
    }
    std::sort(wasms.begin(), wasms.end());
    for (const std::filesystem::path& path : wasms) {
      absl::StatusOr<std::vector<uint8_t>> bytes = spec::ReadFileBytes(path.string());
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      ++agree.modules;
      if (bytes->size() > largest.size()) largest = *bytes;
      const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(*bytes);
      const std::string name =
          std::filesystem::path(wast).filename().string() + " " + path.filename().string();
      for (int chunking = 0; chunking < 2; ++chunking) {
        const StreamOutcome streamed =
            chunking == 0 ? StreamBytewise(*bytes) : Stream(*bytes, [&] { return chunk_size(rng); });
        const char* how = chunking == 0 ? "1-byte chunks" : "random chunks";
        ++agree.streams;
        if (whole.ok()) {
          ++agree.valid;
          ASSERT_TRUE(streamed.module.ok()) << name << " (" << how << "): " << streamed.module.status();
          const std::string diff = ModuleDifference(**whole, **streamed.module);
          EXPECT_EQ(diff, "") << name << " (" << how << ") differs in " << diff;
          if (diff.empty()) ++agree.identical;
          continue;
        }
        ASSERT_FALSE(streamed.module.ok()) << name << " (" << how << "): accepted, but CompileModule: "
                                           << whole.status();
        EXPECT_EQ(GetErrorKind(streamed.module.status()), GetErrorKind(whole.status()))
            << name << " (" << how << "): " << streamed.module.status() << " vs " << whole.status();
        if (streamed.module.status().message() == whole.status().message()) {
          ++agree.identical;
        } else {
          ++agree.same_kind_other_text;
          std::printf("differs: %s (%s)\n  streaming: %s\n  whole:     %s\n", name.c_str(), how,
                      std::string(streamed.module.status().message()).c_str(),
                      std::string(whole.status().message()).c_str());
        }
      }
    }
  }
  std::printf("modules compared: %d, streamed runs: %d (valid: %d), identical results: %d, "
              "differing messages: %d\n",
              agree.modules, agree.streams, agree.valid, agree.identical,
              agree.same_kind_other_text);
  EXPECT_GT(agree.modules, 1000);
  EXPECT_EQ(agree.identical + agree.same_kind_other_text, agree.streams);
  EXPECT_EQ(agree.same_kind_other_text, 0);

  // Throughput on the largest module: 1-byte chunks vs one CompileModule,
  // the best of 5 runs each (the machine is shared).
  using Clock = std::chrono::steady_clock;
  double whole_ms = 1e9, streamed_ms = 1e9;
  for (int run = 0; run < 5; ++run) {
    const Clock::time_point t0 = Clock::now();
    const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(largest);
    const Clock::time_point t1 = Clock::now();
    const StreamOutcome streamed = StreamBytewise(largest);
    const Clock::time_point t2 = Clock::now();
    EXPECT_EQ(whole.ok(), streamed.module.ok());
    whole_ms = std::min(whole_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
    streamed_ms = std::min(streamed_ms, std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  std::printf("largest module: %zu bytes; CompileModule %.3f ms, 1-byte streaming %.3f ms\n",
              largest.size(), whole_ms, streamed_ms);
}

// ---------------------------------------------------------------------------
// Early errors.

// A function type () -> () and `n` functions of it.
Bytes TypeAndFunctions(int n) {
  Bytes funcs = Leb(n);
  for (int i = 0; i < n; ++i) funcs.push_back(0);
  return Concat({Section(1, Vec({FuncTypeBytes({}, {})})), Section(3, funcs)});
}

// A valid body () -> () of about `size` bytes: nops.
Bytes NopBody(size_t size) {
  Bytes code(size, 0x01);
  code.push_back(0x0b);
  return Body({}, code);
}

TEST(StreamingCompilerTest, MalformedTypeSectionReportedBeforeTheRest) {
  const Bytes bytes = Concat({ModuleBytes({Section(1, Vec({{0x61, 0x00, 0x00}}))}),
                              Section(3, Vec({Leb(0)})),
                              Section(10, Vec({NopBody(1000)}))});
  const StreamOutcome streamed = StreamBytewise(bytes);
  const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(bytes);
  ASSERT_FALSE(whole.ok());
  ASSERT_FALSE(streamed.module.ok());
  EXPECT_EQ(streamed.module.status(), whole.status());
  EXPECT_EQ(SpecText(streamed.module.status()), "malformed function type");
  EXPECT_EQ(GetErrorKind(streamed.module.status()), ErrorKind::kMalformed);
  // Reported when the type section was complete: the code was never fed.
  EXPECT_GT(streamed.bytes_left_at_error, 1000u);
}

TEST(StreamingCompilerTest, WrongMagicReportedAfterFourBytes) {
  StreamingCompiler compiler;
  const Bytes bytes = {0x00, 0x61, 0x73, 0x6e};
  EXPECT_TRUE(compiler.Feed(absl::MakeConstSpan(bytes).first(3)).ok());
  const absl::Status s = compiler.Feed(absl::MakeConstSpan(bytes).subspan(3));
  EXPECT_EQ(SpecText(s), "magic header not detected");
}

TEST(StreamingCompilerTest, InvalidFirstBodyReportedBeforeLaterBodies) {
  // Body 0: i32.const 1; f32.neg -> type mismatch. Bodies 1 and 2 are valid.
  const Bytes bad = Body({}, {0x41, 0x01, 0x8c, 0x1a, 0x0b});
  const Bytes bytes = Concat(
      {ModuleBytes({}), TypeAndFunctions(3), Section(10, Vec({bad, NopBody(500), NopBody(500)}))});
  const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(bytes);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(GetErrorKind(whole.status()), ErrorKind::kInvalid);

  StreamingCompiler compiler;
  size_t fed = 0;
  absl::Status s;
  while (fed < bytes.size() && s.ok()) {
    s = compiler.Feed(absl::MakeConstSpan(bytes).subspan(fed++, 1));
  }
  EXPECT_EQ(s, whole.status());
  EXPECT_EQ(compiler.bodies_validated(), 0u);
  // Reported with body 0's last byte (its `end`): nothing of body 1 was fed.
  const size_t body0_end = bytes.size() - 2 * NopBody(500).size();
  EXPECT_EQ(fed, body0_end);
  // Sticky.
  EXPECT_EQ(compiler.Feed(absl::MakeConstSpan(bytes).subspan(fed)), whole.status());
  EXPECT_EQ(compiler.Finish().status(), whole.status());
}

TEST(StreamingCompilerTest, InvalidHeaderReportedWhenTheCodeSectionStarts) {
  // Function 0 names type 5 of 1: invalid, found before any body is in.
  const Bytes bytes = Concat({ModuleBytes({}), Section(1, Vec({FuncTypeBytes({}, {})})),
                              Section(3, Vec({Leb(5)})), Section(10, Vec({NopBody(1000)}))});
  const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(bytes);
  ASSERT_FALSE(whole.ok());
  const StreamOutcome streamed = StreamBytewise(bytes);
  EXPECT_EQ(streamed.module.status(), whole.status());
  EXPECT_EQ(SpecText(streamed.module.status()), "unknown type 5");
  EXPECT_GT(streamed.bytes_left_at_error, 1000u);
}

// The one documented difference: CompileModule decodes everything first, so
// a malformed section after the code wins over an invalid body; streaming
// has reported the body by then. Both reject.
TEST(StreamingCompilerTest, InvalidBodyBeforeAMalformedDataSectionIsReportedFirst) {
  const Bytes bad = Body({}, {0x41, 0x01, 0x8c, 0x1a, 0x0b});
  const Bytes data = Section(11, Vec({{0x07}}));  // data segment kind 7
  const Bytes bytes =
      Concat({ModuleBytes({}), TypeAndFunctions(1), Section(10, Vec({bad})), data});
  const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(bytes);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(SpecText(whole.status()), "malformed data segment kind");
  const StreamOutcome streamed = StreamBytewise(bytes);
  ASSERT_FALSE(streamed.module.ok());
  EXPECT_EQ(GetErrorKind(streamed.module.status()), ErrorKind::kInvalid);
  EXPECT_EQ(streamed.bytes_left_at_error, data.size());  // the data section was not in yet
}

TEST(StreamingCompilerTest, BodiesValidatedGrowsWhileFeeding) {
  const Bytes body = NopBody(300);
  const Bytes bytes = Concat({ModuleBytes({}), TypeAndFunctions(3),
                              Section(10, Vec({body, body, body})),
                              Section(0, Concat({Name("trailer"), Bytes(200, 0xee)}))});
  StreamingCompiler compiler;
  std::vector<size_t> first_byte_with(4, 0);  // bytes fed when bodies_validated() reached i
  for (size_t i = 0; i < bytes.size(); ++i) {
    ASSERT_TRUE(compiler.Feed(absl::MakeConstSpan(bytes).subspan(i, 1)).ok());
    const size_t n = compiler.bodies_validated();
    ASSERT_LE(n, 3u);
    if (n > 0 && first_byte_with[n] == 0) first_byte_with[n] = i + 1;
  }
  // Each body validated as soon as its last byte came, long before the end.
  EXPECT_GT(first_byte_with[1], 0u);
  EXPECT_LT(first_byte_with[1], first_byte_with[2]);
  EXPECT_LT(first_byte_with[2], first_byte_with[3]);
  EXPECT_EQ(first_byte_with[2] - first_byte_with[1], body.size());
  EXPECT_LT(first_byte_with[3], bytes.size() - 200);
  absl::StatusOr<std::shared_ptr<const Module>> m = compiler.Finish();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->bodies.size(), 3u);
  ASSERT_EQ((*m)->customs.size(), 1u);
  EXPECT_EQ((*m)->customs[0].name, "trailer");
  EXPECT_EQ(compiler.Feed(bytes).code(), absl::StatusCode::kFailedPrecondition);
}

// ---------------------------------------------------------------------------
// Truncation: Finish after every prefix of a module with every kind of
// section gives exactly DecodeModule's / CompileModule's error.

Bytes ModuleWithEverySection() {
  const Bytes i32_const_0 = {0x41, 0x00, 0x0b};
  return Concat({ModuleBytes({
      Section(1, Vec({FuncTypeBytes({}, {}), FuncTypeBytes({kI32}, {kI32})})),
      Section(2, Vec({Concat({Name("env"), Name("f"), {0x00}, Leb(0)})})),
      Section(3, Vec({Leb(1), Leb(0)})),
      Section(4, Vec({{0x70, 0x00, 0x02}})),
      Section(5, Vec({{0x01, 0x01, 0x02}})),
      Section(6, Vec({Concat({{kI32, 0x00}, i32_const_0})})),
      Section(7, Vec({Concat({Name("g"), {0x00}, Leb(1)})})),
      Section(8, Leb(2)),
      Section(9, Vec({Concat({Leb(0), i32_const_0, Vec({Leb(1), Leb(2)})})})),
      Section(12, Leb(1)),
      Section(10, Vec({Body({{2, kI32}}, {0x20, 0x00, 0x0b}), NopBody(20)})),
      Section(11, Vec({Concat({Leb(0), i32_const_0, Vec({{1}, {2}, {3}})})})),
      Section(0, Concat({Name("name"), Section(1, Vec({Concat({Leb(1), Name("inc")})}))})),
  })});
}

TEST(StreamingCompilerTest, TruncatedInputGivesTheWholeBufferError) {
  const Bytes bytes = ModuleWithEverySection();
  const absl::StatusOr<std::shared_ptr<const Module>> full = CompileModule(bytes);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ((*full)->names.functions.at(1), "inc");
  int checked = 0;
  for (size_t len = 0; len < bytes.size(); ++len) {
    const Bytes prefix(bytes.begin(), bytes.begin() + len);
    const absl::StatusOr<std::shared_ptr<const Module>> whole = CompileModule(prefix);
    const StreamOutcome streamed = StreamBytewise(prefix);
    if (whole.ok()) {  // a prefix ending between sections can be a module too
      ASSERT_TRUE(streamed.module.ok()) << len << ": " << streamed.module.status();
      EXPECT_EQ(ModuleDifference(**whole, **streamed.module), "") << len;
      continue;
    }
    EXPECT_EQ(streamed.module.status(), whole.status()) << "prefix of " << len << " bytes";
    ++checked;
  }
  EXPECT_GT(checked, static_cast<int>(bytes.size()) / 2);
  const StreamOutcome streamed = StreamBytewise(bytes);
  ASSERT_TRUE(streamed.module.ok()) << streamed.module.status();
  EXPECT_EQ(ModuleDifference(**full, **streamed.module), "");
}

TEST(StreamingCompilerTest, PartialSectionWaitsThenLengthOutOfBounds) {
  // A type section that claims 100 bytes and gets 3.
  const Bytes bytes = Concat({ModuleBytes({}), {0x01}, Leb(100), {0x01, 0x60, 0x00}});
  StreamingCompiler compiler;
  EXPECT_TRUE(compiler.Feed(bytes).ok());  // nothing wrong yet: more may come
  const absl::StatusOr<std::shared_ptr<const Module>> m = compiler.Finish();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(SpecText(m.status()), "length out of bounds");
  EXPECT_EQ(m.status(), CompileModule(bytes).status());
}

}  // namespace
}  // namespace wasm
