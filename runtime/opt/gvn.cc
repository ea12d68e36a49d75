#include "runtime/opt/gvn.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "runtime/ir/cfg.h"
#include "runtime/opt/util.h"

namespace wasm::opt {
namespace {

using ir::BlockCall;
using ir::Cond;
using ir::Format;
using ir::InstData;
using ir::ValueData;

// How an opcode takes part in value numbering, as bits.
enum : uint8_t {
  kEligible = 1,            // constants, unary, binary, compares, select
  kUsesCond = 2,            // the condition is part of the key
  kUsesImm64 = 4,           // the constant's bits are part of the key
  kCommutative = 8,         // iadd, imul, band, bor, bxor
  kCommutativeIfEqNe = 16,  // icmp eq / ne
};
constexpr uint8_t KeyBits(IrOpcode op) {
  uint8_t bits = 0;
  switch (OpcodeFormat(op)) {
    case Format::kConst:
      bits = kEligible | kUsesImm64;
      break;
    case Format::kUnary:
    case Format::kBinary:
    case Format::kSelect:
      bits = kEligible;
      break;
    case Format::kIntCompare:
    case Format::kFloatCompare:
      bits = kEligible | kUsesCond;
      break;
    default:
      return 0;
  }
  switch (op) {
    case IrOpcode::kIadd:
    case IrOpcode::kImul:
    case IrOpcode::kBand:
    case IrOpcode::kBor:
    case IrOpcode::kBxor:
      return bits | kCommutative;
    case IrOpcode::kIcmp:
      return bits | kCommutativeIfEqNe;
    default:
      return bits;
  }
}
constexpr OpcodeTable kKeyBits(KeyBits);

// Everything that determines an eligible instruction's result, packed:
// opcode, type, condition (kEq unless a compare), operand count and the
// resolved operands, and the constant's bits (0 unless a constant). The
// 32-bit immediates take no part: no eligible format uses them. Eligible
// formats have at most three operands (the verifier checks the counts).
struct Key {
  uint64_t words[3];

  bool operator==(const Key& o) const {
    return words[0] == o.words[0] && words[1] == o.words[1] && words[2] == o.words[2];
  }
  // The high half of a product depends on every bit of the multiplicand.
  // (Only the speed of the lookups depends on the hash, not what they find.)
  uint32_t Hash() const {
    constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ull;
    constexpr uint64_t kMul2 = 0xc2b2ae3d27d4eb4full;
    // words[2] (a constant's bits) is 0 when words[0] holds an operand.
    const uint64_t h = ((words[0] ^ words[2]) * kMul1 + words[1]) * kMul2;
    return static_cast<uint32_t>(h >> 32);
  }
};

// `bits` = kKeyBits of the instruction's opcode, eligible.
inline Key MakeKey(const Function& f, const InstData& d, uint8_t bits) {
  const Value* args = f.value_pool.data() + d.args_begin;
  const ValueData* const values = f.values.data();
  uint32_t a[3] = {0, 0, 0};
  for (uint32_t k = 0; k < d.args_count; ++k) {
    uint32_t v = args[k].index;
    while (values[v].kind == ValueData::Kind::kAlias) v = values[v].def;
    a[k] = v;
  }
  const bool uses_cond = bits & kUsesCond;
  if (((bits & kCommutative) || ((bits & kCommutativeIfEqNe) && (d.cond == Cond::kEq ||
                                                                  d.cond == Cond::kNe))) &&
      a[0] > a[1]) {
    std::swap(a[0], a[1]);
  }
  const uint64_t cond = static_cast<uint64_t>(uses_cond ? d.cond : Cond::kEq);
  return Key{{static_cast<uint64_t>(d.op) | static_cast<uint64_t>(d.type) << 8 | cond << 16 |
                  static_cast<uint64_t>(d.args_count) << 24 | static_cast<uint64_t>(a[0]) << 32,
              static_cast<uint64_t>(a[1]) | static_cast<uint64_t>(a[2]) << 32,
              (bits & kUsesImm64) ? d.imm64 : 0}};
}

// What NumberValues merged, by value (the results it made aliases).
enum : uint8_t { kNotMerged, kMergedConstant, kMergedOther };

// The passes that a merge can give work, as bits.
enum : uint8_t { kFoldingWork = 1, kChecksWork = 2, kAllWork = 3 };

// Which of constant folding and redundant-check removal, among `wanted`, can
// simplify `d` further after merges (values that `merged` marks), as
// kFoldingWork / kChecksWork bits. Folding: when two of its operands are the
// same value (x op x, a select's arms, a brif's branches), tested exactly
// (every merge that reaches d's operands is done, and folding, if at its
// fixed point, left no such instruction). Check removal: when an operand
// that a fact may be known of is merged (directly or through aliases). Those
// two passes see nothing else of a merge: a merged value and its twin are
// both constants or neither. And constants matter only where two of them
// can be the same: a select's arms and branch arguments (an instruction
// whose operands are all constants has been folded, the passes know all
// about a constant operand already, and no two different operands become
// the same when only one is a constant).
uint8_t MergedValueWork(const Function& f, const InstData& d, const Flags& merged,
                        uint8_t wanted);

// The merges whose values MergedValueWork looks for in an opcode's operands,
// as bits (1 << kMergedConstant, 1 << kMergedOther), and the work it can
// find (kFoldingWork, kChecksWork) shifted left by kWorkShift.
constexpr int kWorkShift = 4;
constexpr uint8_t MergeRelevance(IrOpcode op) {
  switch (op) {
    case IrOpcode::kIsub:
    case IrOpcode::kBand:
    case IrOpcode::kBor:
    case IrOpcode::kBxor:
      return 1 << kMergedOther | kFoldingWork << kWorkShift;
    case IrOpcode::kSdiv:
    case IrOpcode::kUdiv:
    case IrOpcode::kSrem:
    case IrOpcode::kUrem:
    case IrOpcode::kIcmp:
    case IrOpcode::kTrapIf:
      return 1 << kMergedOther | kChecksWork << kWorkShift;
    case IrOpcode::kSelect:
    case IrOpcode::kBrIf:
    case IrOpcode::kBrTable:
      return 1 << kMergedConstant | 1 << kMergedOther | kAllWork << kWorkShift;
    default:
      return 0;
  }
}
constexpr OpcodeTable kMergeRelevance(MergeRelevance);

uint8_t MergedValueWork(const Function& f, const InstData& d, const Flags& merged,
                        uint8_t wanted) {
  const ValueData* const values = f.values.data();
  const Value* const pool = f.value_pool.data();
  auto same = [&f, pool](uint32_t a, uint32_t b) { return f.Resolve(pool[a]) == f.Resolve(pool[b]); };
  // Whether one of the values pool[begin, begin + count) is merged as
  // `kind` or more.
  auto any_merged = [values, pool, &merged](uint32_t begin, uint32_t count, uint8_t kind) {
    for (uint32_t k = begin; k < begin + count; ++k) {
      for (uint32_t v = pool[k].index; values[v].kind == ValueData::Kind::kAlias; v = values[v].def) {
        if (merged[v] >= kind) return true;
      }
    }
    return false;
  };
  // Check removal's part: a fact may now be known of an operand among
  // pool[begin, begin + count).
  auto checks = [&](uint32_t begin, uint32_t count) -> uint8_t {
    return (wanted & kChecksWork) && any_merged(begin, count, kMergedOther) ? kChecksWork : 0;
  };
  switch (d.op) {
    // x op x (folding; divisions do not simplify so).
    case IrOpcode::kIsub:
    case IrOpcode::kBand:
    case IrOpcode::kBor:
    case IrOpcode::kBxor:
      return same(d.args_begin, d.args_begin + 1) ? kFoldingWork : 0;
    // A divisor known non-zero.
    case IrOpcode::kSdiv:
    case IrOpcode::kUdiv:
    case IrOpcode::kSrem:
    case IrOpcode::kUrem:
    // icmp x, x and the zero tests that facts go through (folding folds
    // only a compare of two constants).
    case IrOpcode::kIcmp:
    // A known condition.
    case IrOpcode::kTrapIf:
      return checks(d.args_begin, d.args_count);
    case IrOpcode::kSelect:
      // A condition known from facts (folding decides only a constant one);
      // the same arms.
      return checks(d.args_begin, 1) |
             ((wanted & kFoldingWork) && same(d.args_begin + 1, d.args_begin + 2) ? kFoldingWork
                                                                                    : 0);
    case IrOpcode::kBrIf:
    case IrOpcode::kBrTable: {
      // A condition known from facts; folding makes the branch a jump when
      // every call is the same.
      const uint8_t work = checks(d.args_begin, d.args_count);
      if (!(wanted & kFoldingWork)) return work;
      const BlockCall* const calls = f.block_calls.data() + d.targets_begin;
      for (uint32_t t = 1; t < d.targets_count; ++t) {
        if (calls[t].block != calls[0].block || calls[t].args_count != calls[0].args_count) {
          return work;
        }
      }
      for (uint32_t t = 1; t < d.targets_count; ++t) {
        for (uint32_t k = 0; k < calls[0].args_count; ++k) {
          if (!same(calls[t].args_begin + k, calls[0].args_begin + k)) return work;
        }
      }
      return work | kFoldingWork;
    }
    default:
      return 0;
  }
}

}  // namespace

bool PropagateBlockParamCopies(Function& f, PassContext& ctx) {
  if (f.layout.empty()) return false;
  const ir::ControlFlowGraph& cfg = ctx.CfgOrder(f);
  // Every branch into each block (from any block in the layout, reachable
  // or not, so that removing a parameter fixes every branch that passes it).
  ctx.ComputeIncoming(f);
  Flags& dead = ctx.flags_a;  // by value
  dead.assign(f.values.size(), false);
  std::vector<Block>& affected = ctx.blocks;  // blocks with dead parameters
  Flags& is_affected = ctx.flags_b;           // by block
  affected.clear();
  is_affected.assign(f.blocks.size(), false);
  ValueData* const values = f.values.data();
  const absl::Span<const Block> rpo = cfg.ReversePostOrder();
  bool changed = false;
  for (bool progress = true; progress;) {
    progress = false;
    for (Block b : rpo.subspan(1)) {  // not the entry
      const std::vector<Value>& params = f.block(b).params;
      if (params.empty()) continue;
      const absl::Span<const uint32_t> incoming = ctx.Incoming(b);
      for (uint32_t k = 0; k < params.size(); ++k) {
        const uint32_t p = params[k].index;
        // Parameters made aliases here (the only ones: passes remove the
        // parameters they alias) are done.
        if (values[p].kind != ValueData::Kind::kParam) continue;
        // Invalid when the block is only reached from itself (such a block is
        // unreachable and not visited) or the parameter is not trivial.
        const Value same = f.SoleIncomingArg(incoming, k, params[k]);
        if (!same.valid()) continue;
        f.ReplaceUses(Value(p), same);
        dead[p] = true;
        if (!is_affected[b.index]) {
          is_affected[b.index] = true;
          affected.push_back(b);
        }
        progress = changed = true;
      }
    }
  }
  if (changed) RemoveBlockParams(f, ctx, affected, dead);
  return changed;
}

bool NumberValues(Function& f, PassContext& ctx) {
  const ir::ControlFlowGraph& cfg = ctx.Cfg(f);
  // An open-addressing table (linear probing) of the instructions seen on
  // the path from the entry: (hash << 32 | position + 1), 0 when empty,
  // where `position` indexes `seen`, which holds each entry's key and value
  // in insertion order. Entries leave in the reverse order they came (scopes
  // close innermost first), so clearing a slot restores the table to what it
  // was before the insertion; no tombstones needed, and the table is empty
  // again at the end.
  size_t num_insts = 0;
  for (Block b : cfg.ReversePostOrder()) num_insts += f.block(b).insts.size();
  std::vector<uint64_t>& table = ctx.value_table;
  if (table.size() < 2 * num_insts || table.size() < 16) {
    size_t capacity = 16;
    while (capacity < 2 * num_insts) capacity *= 2;
    table.assign(capacity, 0);
  }
  const size_t mask = table.size() - 1;
  uint64_t* const slots = table.data();
  // At most one entry per instruction: written through a pointer, no
  // capacity checks.
  std::vector<PassContext::GvnEntry>& seen_storage = ctx.gvn_seen;
  if (seen_storage.size() < num_insts) seen_storage.resize(num_insts);
  PassContext::GvnEntry* const seen = seen_storage.data();
  uint32_t num_seen = 0;
  std::vector<uint32_t>& scope_begin = ctx.u32_b;
  scope_begin.clear();
  Flags& removed = ctx.removed;
  removed.assign(f.insts.size(), false);
  // By value: the results made aliases of their twins.
  Flags& merged = ctx.flags_a;
  merged.assign(f.values.size(), kNotMerged);
  std::vector<Block>& removed_in = ctx.blocks;  // the blocks of the removed instructions
  removed_in.clear();
  const InstData* const insts = f.insts.data();
  bool changed = false;
  uint8_t work = 0;  // MergedValueWork of the instructions visited
  // The kinds of merges done (bit 1 << kind), while `work` is not kAllWork.
  uint8_t merged_kinds = 0;
  WalkDominatorTree(
      cfg, ctx.walk_stack,
      [&](Block b) {
        scope_begin.push_back(num_seen);
        for (Inst i : f.block(b).insts) {
          const InstData& d = insts[i.index];
          // The merges that reach d's operands are done: their definitions
          // dominate it, and were visited before.
          const uint8_t relevance = kMergeRelevance[d.op];
          if ((relevance & merged_kinds) && (relevance >> kWorkShift & ~work)) {
            work |= MergedValueWork(f, d, merged, kAllWork & ~work);
            if (work == kAllWork) merged_kinds = 0;  // known: stop looking
          }
          const uint8_t bits = kKeyBits[d.op];
          if (!(bits & kEligible) || d.args_count > 3) continue;
          const Key key = MakeKey(f, d, bits);
          const uint32_t hash = key.Hash();
          size_t slot = hash & mask;
          bool found = false;
          for (uint64_t entry; (entry = slots[slot]) != 0; slot = (slot + 1) & mask) {
            if (static_cast<uint32_t>(entry >> 32) != hash) continue;
            const PassContext::GvnEntry& twin = seen[static_cast<uint32_t>(entry) - 1];
            if (twin.key[0] == key.words[0] && twin.key[1] == key.words[1] &&
                twin.key[2] == key.words[2]) {
              const uint8_t kind =
                  OpcodeFormat(d.op) == Format::kConst ? kMergedConstant : kMergedOther;
              merged[f.Result(i).index] = kind;
              if (work != kAllWork) merged_kinds |= 1 << kind;
              ReplaceInstWithValue(f, i, twin.value, removed);
              if (removed_in.empty() || removed_in.back() != b) removed_in.push_back(b);
              changed = found = true;
              break;
            }
          }
          if (found) continue;
          seen[num_seen++] = PassContext::GvnEntry{{key.words[0], key.words[1], key.words[2]},
                                                   f.Result(i), static_cast<uint32_t>(slot)};
          slots[slot] = static_cast<uint64_t>(hash) << 32 | num_seen;
        }
      },
      [&](Block) {
        const uint32_t begin = scope_begin.back();
        for (uint32_t k = num_seen; k-- > begin;) slots[seen[k].slot] = 0;
        num_seen = begin;
        scope_begin.pop_back();
      });
  RemoveMarkedIn(f, removed, removed_in);
  ctx.may_enable_folding = work & kFoldingWork;
  ctx.may_enable_checks = work & kChecksWork;
  return changed;
}

bool RunGvn(Function& f, PassContext& ctx) {
  const bool copies = PropagateBlockParamCopies(f, ctx);
  const bool numbered = NumberValues(f, ctx);
  // A copy can make a parameter's uses constants: it may give folding work.
  const bool enables_folding = copies || ctx.may_enable_folding;
  const bool enables_checks = copies || ctx.may_enable_checks;
  // Merging values may have made more parameters trivial. (Copy propagation
  // has just reached its fixed point: without merges it would find nothing.)
  const bool more_copies = numbered && PropagateBlockParamCopies(f, ctx);
  // Value numbering has reached its fixed point too (it follows its own
  // merges in the walk), so only new copies can give a second run work.
  ctx.at_fixed_point = !more_copies;
  ctx.may_enable_folding = enables_folding || more_copies;
  ctx.may_enable_checks = enables_checks || more_copies;
  return copies || numbered;
}

bool PropagateBlockParamCopies(Function& f) {
  PassContext ctx;
  return PropagateBlockParamCopies(f, ctx);
}

bool NumberValues(Function& f) {
  PassContext ctx;
  return NumberValues(f, ctx);
}

bool RunGvn(Function& f) {
  PassContext ctx;
  return RunGvn(f, ctx);
}

}  // namespace wasm::opt
