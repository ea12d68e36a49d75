// Wasm backtraces end to end: testdata/*.wat compiled by wat2wasm (with a
// name section), through CompiledModule and Store, trapping in CallFunction.
// Each frame's function index, name and offset are checked, the offsets
// against the machine code itself: a trapping pc points at the faulting
// instruction, a caller's return address just past its call.
#include "runtime/jit/backtrace.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "runtime/instance/host_function.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/instance_errors.h"
#include "runtime/instance/raise_trap.h"
#include "runtime/instance/spectest.h"
#include "runtime/jit/compiled_module.h"
#include "runtime/jit/jit_instance.h"
#include "runtime/jit/test_modules.h"
#include "runtime/validator.h"

namespace wasm {
namespace {

// One "  at func N <name> +0xOFF" line.
struct Frame {
  uint32_t function = 0;
  std::optional<std::string> name;
  uint32_t offset = 0;
};

struct ParsedTrap {
  std::string spec_text;       // the first line
  std::vector<Frame> frames;
  std::optional<uint64_t> more;  // from "  ... N more frames"
};

ParsedTrap Parse(const absl::Status& status) {
  ParsedTrap out;
  const std::vector<std::string> lines = absl::StrSplit(status.message(), '\n');
  out.spec_text = lines[0];
  static const std::regex kFrame(R"(  at func (\d+)( <([^>]*)>)? \+0x([0-9a-f]+))");
  static const std::regex kMore(R"(  \.\.\. (\d+) more frames?)");
  for (size_t i = 1; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_match(lines[i], m, kFrame)) {
      EXPECT_FALSE(out.more.has_value()) << "a frame after the count";
      Frame f;
      f.function = static_cast<uint32_t>(std::stoul(m[1]));
      if (m[2].matched) f.name = m[3];
      f.offset = static_cast<uint32_t>(std::stoul(m[4], nullptr, 16));
      out.frames.push_back(f);
    } else if (std::regex_match(lines[i], m, kMore)) {
      out.more = std::stoull(m[1]);
    } else {
      ADD_FAILURE() << "unexpected line: \"" << lines[i] << "\"";
    }
  }
  return out;
}

// The module's bytes without its "name" custom section.
std::vector<uint8_t> WithoutNameSection(const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out(bytes.begin(), bytes.begin() + 8);
  size_t pos = 8;
  while (pos < bytes.size()) {
    const size_t begin = pos;
    const uint8_t id = bytes[pos++];
    uint64_t size = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = bytes[pos++];
      size |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) break;
    }
    const size_t end = pos + size;
    const bool is_name = id == 0 && bytes[pos] == 4 &&
                         std::string(bytes.begin() + pos + 1, bytes.begin() + pos + 5) == "name";
    if (!is_name) out.insert(out.end(), bytes.begin() + begin, bytes.begin() + end);
    pos = end;
  }
  return out;
}

class BacktraceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(DefineSpectest(&imports_).ok()); }

  // Compiles and instantiates testdata/<name>.wat; registers its exports
  // under `name` for the modules instantiated after it.
  JitInstance* Instantiate(const std::string& name, bool keep_names = true) {
    const auto it = jit_testing::WatModules().find(name);
    EXPECT_NE(it, jit_testing::WatModules().end()) << name;
    if (it == jit_testing::WatModules().end()) return nullptr;
    absl::StatusOr<std::shared_ptr<const Module>> module =
        CompileModule(keep_names ? it->second : WithoutNameSection(it->second));
    EXPECT_TRUE(module.ok()) << module.status();
    if (!module.ok()) return nullptr;
    EXPECT_EQ((*module)->names.functions.empty(), !keep_names);
    absl::StatusOr<std::shared_ptr<const CompiledModule>> code = CompiledModule::Compile(*module);
    EXPECT_TRUE(code.ok()) << code.status();
    if (!code.ok()) return nullptr;
    codes_[name] = *code;
    absl::StatusOr<JitInstance*> instance = store_.Instantiate(*code, imports_);
    EXPECT_TRUE(instance.ok()) << instance.status();
    if (!instance.ok()) return nullptr;
    EXPECT_TRUE(DefineInstanceExports(name, (*instance)->instance(), &imports_,
                                      Imports::OnDuplicate::kReplace)
                    .ok());
    return *instance;
  }

  static absl::StatusOr<std::vector<uint64_t>> Call(JitInstance* instance, const std::string& name,
                                                    std::vector<uint64_t> args) {
    const Instance& inst = instance->instance();
    const std::optional<Extern> e = inst.GetExport(name);
    if (!e.has_value() || e->func() == nullptr) return absl::NotFoundError(name);
    const Module& m = inst.module();
    for (const Export& ex : m.exports) {
      if (ex.kind == ExternKind::kFunc && ex.name == name) {
        return CallFunction(*e->func(), m.FunctionType(ex.index), args);
      }
    }
    return absl::NotFoundError(name);
  }

  // The machine code of function `func_index` of the module compiled as
  // `name` (a defined function).
  absl::Span<const uint8_t> FunctionCode(const std::string& name, uint32_t func_index) {
    const CompiledModule& code = *codes_.at(name);
    const uint32_t d = func_index - code.module().num_imported_functions;
    const uint32_t n = static_cast<uint32_t>(code.module().bodies.size());
    const auto* start = static_cast<const uint8_t*>(code.native_code(d));
    const auto* end = static_cast<const uint8_t*>(d + 1 < n ? code.native_code(d + 1)
                                                             : code.array_entry(0));
    return absl::Span<const uint8_t>(start, end - start);
  }

  // The frame's offset is inside the function and points at `ud2`.
  void ExpectAtUd2(const std::string& module, const Frame& frame) {
    const absl::Span<const uint8_t> code = FunctionCode(module, frame.function);
    ASSERT_LT(frame.offset + 1, code.size());
    EXPECT_EQ(code[frame.offset], 0x0f);
    EXPECT_EQ(code[frame.offset + 1], 0x0b);
  }

  // The frame's offset is a return address: just past a call instruction
  // (`call rel32` for direct calls, or an indirect `call` through a register
  // or memory, FF /2).
  void ExpectAfterCall(const std::string& module, const Frame& frame) {
    const absl::Span<const uint8_t> code = FunctionCode(module, frame.function);
    ASSERT_GE(frame.offset, 5u);
    ASSERT_LE(frame.offset, code.size());
    bool after_call = code[frame.offset - 5] == 0xe8;
    for (uint32_t length = 2; length <= 7 && !after_call; ++length) {
      if (frame.offset < length) break;
      const uint32_t at = frame.offset - length;
      const bool rex = code[at] >= 0x40 && code[at] <= 0x4f;
      const uint32_t opcode = rex ? at + 1 : at;
      if (opcode + 1 < frame.offset && code[opcode] == 0xff &&
          ((code[opcode + 1] >> 3) & 7) == 2) {
        after_call = true;
      }
    }
    EXPECT_TRUE(after_call) << "no call before offset 0x" << std::hex << frame.offset;
  }

  Imports imports_;
  Store store_;
  std::map<std::string, std::shared_ptr<const CompiledModule>> codes_;
};

TEST_F(BacktraceTest, ThreeCallsDeepWithNames) {
  JitInstance* instance = Instantiate("calls");
  ASSERT_NE(instance, nullptr);
  const absl::StatusOr<std::vector<uint64_t>> result = Call(instance, "run", {7});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(GetTrapKind(result.status()), TrapKind::kIntegerDivideByZero);
  const ParsedTrap trap = Parse(result.status());
  EXPECT_EQ(trap.spec_text, "integer divide by zero");
  ASSERT_EQ(trap.frames.size(), 3u) << result.status().message();
  EXPECT_EQ(trap.frames[0].function, 1u);
  EXPECT_EQ(trap.frames[0].name, "div_helper");
  EXPECT_EQ(trap.frames[1].function, 2u);
  EXPECT_EQ(trap.frames[1].name, "middle");
  EXPECT_EQ(trap.frames[2].function, 3u);
  EXPECT_EQ(trap.frames[2].name, "run");
  EXPECT_FALSE(trap.more.has_value());
  // The division traps by faulting (div) or at an explicit check's ud2;
  // either way the pc is inside div_helper's code.
  EXPECT_LT(trap.frames[0].offset, FunctionCode("calls", 1).size());
  ExpectAfterCall("calls", trap.frames[1]);
  ExpectAfterCall("calls", trap.frames[2]);
}

TEST_F(BacktraceTest, WithoutANameSectionOnlyIndices) {
  JitInstance* instance = Instantiate("calls", /*keep_names=*/false);
  ASSERT_NE(instance, nullptr);
  const absl::StatusOr<std::vector<uint64_t>> result = Call(instance, "run", {7});
  ASSERT_FALSE(result.ok());
  const ParsedTrap trap = Parse(result.status());
  EXPECT_EQ(trap.spec_text, "integer divide by zero");
  ASSERT_EQ(trap.frames.size(), 3u) << result.status().message();
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(trap.frames[i].function, 1 + i);
    EXPECT_EQ(trap.frames[i].name, std::nullopt);
  }
  EXPECT_NE(result.status().message().find("\n  at func 1 +0x"), absl::string_view::npos)
      << result.status().message();
}

TEST_F(BacktraceTest, TrapInABuiltinStartsAtItsWasmCaller) {
  JitInstance* instance = Instantiate("table_get");
  ASSERT_NE(instance, nullptr);
  ASSERT_TRUE(Call(instance, "outer", {1}).ok());
  const absl::StatusOr<std::vector<uint64_t>> result = Call(instance, "outer", {2});
  ASSERT_FALSE(result.ok());
  const ParsedTrap trap = Parse(result.status());
  EXPECT_EQ(trap.spec_text, "out of bounds table access");
  ASSERT_EQ(trap.frames.size(), 2u) << result.status().message();
  EXPECT_EQ(trap.frames[0].function, 0u);
  EXPECT_EQ(trap.frames[0].name, "get");
  EXPECT_EQ(trap.frames[1].function, 1u);
  EXPECT_EQ(trap.frames[1].name, "outer");
  // Both are return addresses: get's call of the builtin, outer's of get.
  ExpectAfterCall("table_get", trap.frames[0]);
  ExpectAfterCall("table_get", trap.frames[1]);
}

TEST_F(BacktraceTest, CallIndirectIntoAnotherModuleShowsBothModules) {
  ASSERT_NE(Instantiate("lib"), nullptr);
  JitInstance* app = Instantiate("app");
  ASSERT_NE(app, nullptr);
  const absl::StatusOr<std::vector<uint64_t>> result = Call(app, "main", {5});
  ASSERT_FALSE(result.ok());
  const ParsedTrap trap = Parse(result.status());
  EXPECT_EQ(trap.spec_text, "unreachable");
  ASSERT_EQ(trap.frames.size(), 4u) << result.status().message();
  // lib's functions, in lib's index space...
  EXPECT_EQ(trap.frames[0].function, 0u);
  EXPECT_EQ(trap.frames[0].name, "boom");
  EXPECT_EQ(trap.frames[1].function, 1u);
  EXPECT_EQ(trap.frames[1].name, "lib_entry");
  // ...then app's, after its imported function.
  EXPECT_EQ(trap.frames[2].function, 1u);
  EXPECT_EQ(trap.frames[2].name, "dispatch");
  EXPECT_EQ(trap.frames[3].function, 2u);
  EXPECT_EQ(trap.frames[3].name, "app_main");
  ExpectAtUd2("lib", trap.frames[0]);
  ExpectAfterCall("lib", trap.frames[1]);
  ExpectAfterCall("app", trap.frames[2]);  // the call_indirect
  ExpectAfterCall("app", trap.frames[3]);
}

TEST_F(BacktraceTest, StackExhaustionIsCapped) {
  JitInstance* instance = Instantiate("recurse");
  ASSERT_NE(instance, nullptr);
  const absl::StatusOr<std::vector<uint64_t>> result = Call(instance, "recurse", {0});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(GetTrapKind(result.status()), TrapKind::kCallStackExhausted);
  const ParsedTrap trap = Parse(result.status());
  EXPECT_EQ(trap.spec_text, "call stack exhausted");
  ASSERT_EQ(trap.frames.size(), kMaxBacktraceFrames);
  for (const Frame& frame : trap.frames) {
    EXPECT_EQ(frame.function, 0u);
    EXPECT_EQ(frame.name, "recurse");
  }
  // The innermost frame is at the prologue's stack-check stub, every other
  // one at the same return address.
  ExpectAtUd2("recurse", trap.frames[0]);
  ExpectAfterCall("recurse", trap.frames[1]);
  for (size_t i = 2; i < trap.frames.size(); ++i) {
    EXPECT_EQ(trap.frames[i].offset, trap.frames[1].offset);
  }
  ASSERT_TRUE(trap.more.has_value()) << result.status().message();
  EXPECT_GT(*trap.more, 1000u);  // megabytes of stack, tens of bytes per frame
  RecordProperty("frames", static_cast<int>(*trap.more + kMaxBacktraceFrames));
}

TEST_F(BacktraceTest, TrapInTheStartFunction) {
  const auto& bytes = jit_testing::WatModules().at("start_trap");
  absl::StatusOr<std::shared_ptr<const Module>> module = CompileModule(bytes);
  ASSERT_TRUE(module.ok()) << module.status();
  absl::StatusOr<std::shared_ptr<const CompiledModule>> code = CompiledModule::Compile(*module);
  ASSERT_TRUE(code.ok()) << code.status();
  const absl::StatusOr<JitInstance*> instance = store_.Instantiate(*code, imports_);
  ASSERT_FALSE(instance.ok());
  const ParsedTrap trap = Parse(instance.status());
  EXPECT_EQ(trap.spec_text, "unreachable");
  ASSERT_EQ(trap.frames.size(), 1u) << instance.status().message();
  EXPECT_EQ(trap.frames[0].function, 0u);
  EXPECT_EQ(trap.frames[0].name, "init");
}

// Host functions: one raises a trap from C++, one calls back into wasm.
class HostBacktraceTest : public BacktraceTest {
 protected:
  void SetUp() override {
    BacktraceTest::SetUp();
    absl::StatusOr<std::shared_ptr<HostFunction>> trap = HostFunction::Create(
        FuncType{{ValType::kI32}, {}},
        [](absl::Span<uint64_t>) { RaiseTrap(TrapKind::kIntegerOverflow); });
    ASSERT_TRUE(trap.ok()) << trap.status();
    absl::StatusOr<std::shared_ptr<HostFunction>> reenter = HostFunction::Create(
        FuncType{{ValType::kI32}, {ValType::kI32}}, [this](absl::Span<uint64_t> slots) {
          // Returns normally: the status (and its message) are destroyed
          // before the host function returns.
          const absl::StatusOr<std::vector<uint64_t>> inner =
              Call(instance_, "inner_boom", {slots[0]});
          inner_status_ = inner.status();
          slots[0] = 42;
        });
    ASSERT_TRUE(reenter.ok()) << reenter.status();
    ASSERT_TRUE(imports_.Define("host", "trap", Extern::FromHostFunction(*trap)).ok());
    ASSERT_TRUE(imports_.Define("host", "reenter", Extern::FromHostFunction(*reenter)).ok());
    instance_ = Instantiate("host_calls");
    ASSERT_NE(instance_, nullptr);
  }

  JitInstance* instance_ = nullptr;
  absl::Status inner_status_;
};

TEST_F(HostBacktraceTest, ATrapRaisedByAHostFunctionStartsAtItsWasmCaller) {
  const absl::StatusOr<std::vector<uint64_t>> result = Call(instance_, "calls_host_trap", {1});
  ASSERT_FALSE(result.ok());
  const ParsedTrap trap = Parse(result.status());
  EXPECT_EQ(trap.spec_text, "integer overflow");
  ASSERT_EQ(trap.frames.size(), 1u) << result.status().message();
  EXPECT_EQ(trap.frames[0].function, 2u);
  EXPECT_EQ(trap.frames[0].name, "calls_host_trap");
  ExpectAfterCall("host_calls", trap.frames[0]);
}

TEST_F(HostBacktraceTest, ANestedCallReportsOnlyItsOwnFrames) {
  const absl::StatusOr<std::vector<uint64_t>> result = Call(instance_, "calls_reenter", {1});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ((*result)[0], 42u);
  const ParsedTrap trap = Parse(inner_status_);
  EXPECT_EQ(trap.spec_text, "unreachable");
  // inner_boom only: the walk stops at the inner entry's trampoline, not
  // at calls_reenter, which the trap did not unwind.
  ASSERT_EQ(trap.frames.size(), 1u) << inner_status_.message();
  EXPECT_EQ(trap.frames[0].function, 3u);
  EXPECT_EQ(trap.frames[0].name, "inner_boom");
  ExpectAtUd2("host_calls", trap.frames[0]);
}

TEST(FormatBacktraceTest, LinesAndTheCount) {
  Backtrace backtrace;
  EXPECT_EQ(FormatBacktrace(backtrace), "");
  backtrace.num_frames = 2;
  backtrace.frames[0] = {0x1000, 0x900, 3, 0x12};
  backtrace.frames[1] = {0x2000, 0x900, 5, 0x4c};
  EXPECT_EQ(FormatBacktrace(backtrace), "  at func 3 +0x12\n  at func 5 +0x4c");
  backtrace.omitted_frames = 1;
  EXPECT_EQ(FormatBacktrace(backtrace), "  at func 3 +0x12\n  at func 5 +0x4c\n  ... 1 more frame");
  backtrace.omitted_frames = 7;
  EXPECT_EQ(FormatBacktrace(backtrace),
            "  at func 3 +0x12\n  at func 5 +0x4c\n  ... 7 more frames");
}

TEST(FormatBacktraceTest, NamesFromTheRegisteredModuleWhileItLives) {
  auto module = std::make_shared<Module>();
  module->names.functions[3] = "div_helper";
  module->names.functions[5] = "bad\nname";
  static const uint8_t kCode[16] = {};
  Backtrace backtrace;
  backtrace.num_frames = 2;
  backtrace.frames[0] = {0, reinterpret_cast<uintptr_t>(kCode), 3, 0x12};
  backtrace.frames[1] = {0, reinterpret_cast<uintptr_t>(kCode), 5, 0x4c};
  {
    ModuleSymbolsRegistration registration = RegisterModuleSymbols(kCode, module);
    EXPECT_EQ(FormatBacktrace(backtrace),
              "  at func 3 <div_helper> +0x12\n  at func 5 <bad?name> +0x4c");
    module.reset();  // held weakly: the names go with the module
    EXPECT_EQ(FormatBacktrace(backtrace), "  at func 3 +0x12\n  at func 5 +0x4c");
  }
  auto again = std::make_shared<Module>();
  again->names.functions[3] = "f";
  {
    ModuleSymbolsRegistration registration = RegisterModuleSymbols(kCode, again);
    EXPECT_EQ(FormatBacktrace(backtrace), "  at func 3 <f> +0x12\n  at func 5 +0x4c");
  }
  EXPECT_EQ(FormatBacktrace(backtrace), "  at func 3 +0x12\n  at func 5 +0x4c");  // unregistered
}

}  // namespace
}  // namespace wasm
