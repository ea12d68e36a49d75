#include "runtime/bench/generate_module.h"

#include <random>

#include "runtime/opcode.h"

namespace wasm {
namespace {

using Bytes = std::vector<uint8_t>;

void Leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

void SLeb(Bytes& out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
    out.push_back(more ? (b | 0x80) : b);
  }
}

void Op(Bytes& out, Opcode op) { out.push_back(static_cast<uint8_t>(op)); }

// Locals: 0, 1 params (i32); 2..5 i32; 6..7 i64; 8..9 f64.
constexpr uint32_t kI32Locals[] = {0, 1, 2, 3, 4, 5};
constexpr uint32_t kI64Locals[] = {6, 7};
constexpr uint32_t kF64Locals[] = {8, 9};

class BodyGenerator {
 public:
  BodyGenerator(uint32_t seed, uint32_t num_functions) : rng_(seed), num_functions_(num_functions) {}

  // Appends stack-neutral statements until `out` reaches `target` bytes.
  void Statements(Bytes& out, size_t target, int depth) {
    while (out.size() < target) Statement(out, depth);
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  uint32_t I32Local() { return kI32Locals[Pick(6)]; }

  void Get(Bytes& out, uint32_t local) { Op(out, Opcode::kLocalGet); Leb(out, local); }
  void Set(Bytes& out, uint32_t local) { Op(out, Opcode::kLocalSet); Leb(out, local); }

  void I32Expr(Bytes& out) {
    Get(out, I32Local());
    switch (Pick(4)) {
      case 0: Op(out, Opcode::kI32Const); SLeb(out, static_cast<int32_t>(Pick(100000))); break;
      default: Get(out, I32Local()); break;
    }
    static constexpr Opcode kOps[] = {Opcode::kI32Add, Opcode::kI32Sub, Opcode::kI32Mul,
                                      Opcode::kI32And, Opcode::kI32Xor, Opcode::kI32Shl,
                                      Opcode::kI32ShrU, Opcode::kI32LtS};
    Op(out, kOps[Pick(8)]);
  }

  void Statement(Bytes& out, int depth) {
    switch (Pick(depth < 4 ? 10 : 7)) {
      case 0: case 1: case 2:  // i32 arithmetic into a local
        I32Expr(out);
        Op(out, Opcode::kLocalTee); Leb(out, I32Local());
        Set(out, I32Local());
        break;
      case 3: {  // i64 arithmetic
        const uint32_t a = kI64Locals[Pick(2)];
        Get(out, a);
        Get(out, I32Local());
        Op(out, Opcode::kI64ExtendI32U);
        Op(out, Pick(2) ? Opcode::kI64Add : Opcode::kI64Mul);
        Set(out, kI64Locals[Pick(2)]);
        break;
      }
      case 4: {  // f64 arithmetic
        Get(out, kF64Locals[Pick(2)]);
        Op(out, Opcode::kF64Const);
        const uint64_t bits = 0x3ff8000000000000ull;  // 1.5
        for (int i = 0; i < 8; ++i) out.push_back((bits >> (8 * i)) & 0xff);
        Op(out, Pick(2) ? Opcode::kF64Mul : Opcode::kF64Add);
        Set(out, kF64Locals[Pick(2)]);
        break;
      }
      case 5:  // load, modify, store
        Get(out, I32Local());
        Get(out, I32Local());
        Op(out, Opcode::kI32Load); Leb(out, 2); Leb(out, Pick(4096));
        Op(out, Opcode::kI32Const); SLeb(out, 1);
        Op(out, Opcode::kI32Add);
        Op(out, Opcode::kI32Store); Leb(out, 2); Leb(out, Pick(4096));
        break;
      case 6:  // call another function
        I32Expr(out);
        Get(out, I32Local());
        Op(out, Opcode::kCall); Leb(out, Pick(num_functions_));
        Set(out, I32Local());
        break;
      case 7: {  // block with a conditional exit
        Op(out, Opcode::kBlock); out.push_back(0x40);
        const size_t end = out.size() + 40 + Pick(80);
        Statements(out, end, depth + 1);
        I32Expr(out);
        Op(out, Opcode::kBrIf); Leb(out, 0);
        Statements(out, out.size() + 20, depth + 1);
        Op(out, Opcode::kEnd);
        break;
      }
      case 8: {  // counted loop
        Op(out, Opcode::kLoop); out.push_back(0x40);
        Statements(out, out.size() + 40 + Pick(80), depth + 1);
        Get(out, I32Local());
        Op(out, Opcode::kI32Const); SLeb(out, 1);
        Op(out, Opcode::kI32Sub);
        Op(out, Opcode::kLocalTee); Leb(out, 2);
        Op(out, Opcode::kBrIf); Leb(out, 0);
        Op(out, Opcode::kEnd);
        break;
      }
      case 9:  // if with a result
        I32Expr(out);
        Op(out, Opcode::kIf); out.push_back(0x7f);
        Statements(out, out.size() + 30, depth + 1);
        I32Expr(out);
        Op(out, Opcode::kElse);
        I32Expr(out);
        Op(out, Opcode::kEnd);
        Set(out, I32Local());
        break;
    }
  }

  std::mt19937 rng_;
  uint32_t num_functions_;
};

void Section(Bytes& module, uint8_t id, const Bytes& contents) {
  module.push_back(id);
  Leb(module, contents.size());
  module.insert(module.end(), contents.begin(), contents.end());
}

}  // namespace

GeneratedModule GenerateBenchmarkModule(uint32_t num_functions, size_t body_bytes, uint32_t seed) {
  GeneratedModule result;
  Bytes& m = result.bytes;
  m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Section(m, 1, {0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f});  // (i32, i32) -> i32
  Bytes funcs;
  Leb(funcs, num_functions);
  for (uint32_t i = 0; i < num_functions; ++i) funcs.push_back(0x00);
  Section(m, 3, funcs);
  Section(m, 5, {0x01, 0x00, 0x01});  // memory 1
  BodyGenerator gen(seed, num_functions);
  Bytes code;
  Leb(code, num_functions);
  for (uint32_t i = 0; i < num_functions; ++i) {
    Bytes body = {0x03, 0x04, 0x7f, 0x02, 0x7e, 0x02, 0x7c};  // locals: 4 i32, 2 i64, 2 f64
    gen.Statements(body, body_bytes, 0);
    body.push_back(0x20);  // local.get 2: the i32 result
    body.push_back(0x02);
    body.push_back(0x0b);
    Leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  result.code_section_bytes = code.size();
  Section(m, 10, code);
  return result;
}

}  // namespace wasm
