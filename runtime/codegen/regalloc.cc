// Register allocation, part 1: the machine CFG, loops and the allocation
// order, liveness, and live intervals with weighted use positions. The
// algorithm is described in regalloc.h; the scan is in regalloc_scan.cc, the
// moves in regalloc_resolve.cc.
#include "runtime/codegen/regalloc.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/regalloc_internal.h"

namespace wasm::codegen {
namespace regalloc {

size_t NormalizeSpan(absl::Span<Range> r) {
  auto by_from = [](const Range& a, const Range& b) { return a.from < b.from; };
  if (!std::is_sorted(r.begin(), r.end(), by_from)) {
    if (r.size() > 16) {
      std::sort(r.begin(), r.end(), by_from);
    } else {
      for (size_t i = 1; i < r.size(); ++i) {
        const Range x = r[i];
        size_t j = i;
        for (; j > 0 && x.from < r[j - 1].from; --j) r[j] = r[j - 1];
        r[j] = x;
      }
    }
  }
  // Merged in place: `n` ranges kept so far.
  size_t n = 0;
  for (const Range& x : r) {
    if (x.from >= x.to) continue;
    if (n > 0 && x.from <= r[n - 1].to) {
      r[n - 1].to = std::max(r[n - 1].to, x.to);
    } else {
      r[n++] = x;
    }
  }
  return n;
}

void Normalize(Ranges& r) { r.resize(NormalizeSpan(absl::MakeSpan(r))); }

bool Intersects(RangeSpan a, RangeSpan b) { return FirstIntersection(a, b, 0) != kNone; }


uint32_t FirstIntersection(RangeSpan a, RangeSpan b, uint32_t from) {
  return FirstIntersectionFrom(a, 0, b, from);
}

uint32_t FirstIntersectionMulti(RangeSpan a, size_t a_begin, RangeSpan b, uint32_t from) {
  size_t i = SkipEndingBy(a, a_begin, from), j = SkipEndingBy(b, 0, from);
  while (i < a.size() && j < b.size()) {
    if (a[i].to <= b[j].from) {
      i = SkipEndingBy(a, i + 1, b[j].from);
    } else if (b[j].to <= a[i].from) {
      j = SkipEndingBy(b, j + 1, a[i].from);
    } else {
      return std::max({a[i].from, b[j].from, from});
    }
  }
  return kNone;
}

bool Covers(RangeSpan r, uint32_t pos) {
  auto it = std::upper_bound(r.begin(), r.end(), pos,
                             [](uint32_t p, const Range& x) { return p < x.from; });
  if (it == r.begin()) return false;
  --it;
  return pos < it->to;
}

namespace {

constexpr x64::RegSet AllocatableSet() {
  x64::RegSet s;
  for (x64::Reg g : kAllocatableGprs) s.Add(g);
  for (x64::Reg x : kAllocatableXmms) s.Add(x);
  return s;
}

constexpr uint32_t kAllocatableBits = AllocatableSet().bits();

// The fewest registers an extra_defs set (a call's clobbers) needs to be
// kept once (Allocator::clobber_pos_) rather than as a fixed range per
// register.
constexpr int kMinClobberMask = 4;

bool IsAllocatable(x64::Reg r) { return r.is_valid() && ((kAllocatableBits >> r.index()) & 1); }

}  // namespace

absl::StatusOr<RegAllocResult> Allocator::Run(const VCode& code, const RegAllocOptions& options) {
  code_ = &code;
  options_ = options;
  result_ = RegAllocResult();
  AnalyzeCfg();
  ComputeLoops();
  ComputeOrder();
  ComputeLiveness();
  ComputeLoopPseudoUses();
  BuildIntervals();
  FinishIntervals();
  Scan();
  absl::Status s = Resolve();
  code_ = nullptr;
  if (!s.ok()) return s;
  return std::move(result_);
}

bool Allocator::Oversized() const {
  constexpr size_t kKeepLimit = size_t{1} << 16;
  return range_begin_.size() > kKeepLimit || range_pool_.size() > 4 * kKeepLimit ||
         use_pool_.size() > 4 * kKeepLimit || intervals_.size() > kKeepLimit ||
         gen_.num_words() > 16 * kKeepLimit || safe_.size() > 4 * kKeepLimit;
}

uint64_t Allocator::Weight(uint32_t block) const {
  uint64_t w = 1;
  for (uint32_t d = std::min<uint32_t>(depth_[block], 8); d > 0; --d) w *= 10;
  return w;
}

// Distinct successors and predecessors, a depth-first walk from the entry:
// reverse post-order and back edges (to a block still on the walk's stack).
void Allocator::AnalyzeCfg() {
  const uint32_t nb = code_->num_blocks();
  ResetEach(succs_, nb);
  ResetEach(preds_, nb);
  for (uint32_t b = 0; b < nb; ++b) {
    for (uint32_t s : code_->block(b).succs) {
      if (std::find(succs_[b].begin(), succs_[b].end(), s) != succs_[b].end()) continue;
      succs_[b].push_back(s);
      preds_[s].push_back(b);
    }
  }
  rpo_.clear();
  num_loops_ = 0;
  if (nb == 0) return;
  std::vector<uint8_t>& state = dfs_state_;  // 0 unseen, 1 on the stack, 2 done
  state.assign(nb, 0);
  post_.clear();
  dfs_stack_.clear();
  dfs_stack_.push_back({0, 0});
  state[0] = 1;
  while (!dfs_stack_.empty()) {
    auto& [b, next] = dfs_stack_.back();
    if (next < succs_[b].size()) {
      const uint32_t s = succs_[b][next++];
      if (state[s] == 0) {
        state[s] = 1;
        dfs_stack_.push_back({s, 0});
      } else if (state[s] == 1) {
        // A back edge b -> s: s heads a loop with latch b.
        Loop* loop = nullptr;
        for (Loop& l : Loops()) {
          if (l.header == s) loop = &l;
        }
        if (loop == nullptr) {
          if (num_loops_ == loops_.size()) loops_.emplace_back();
          loop = &loops_[num_loops_++];
          loop->header = s;
          loop->latches.clear();
        }
        loop->latches.push_back(b);
      }
    } else {
      state[b] = 2;
      post_.push_back(b);
      dfs_stack_.pop_back();
    }
  }
  rpo_.assign(post_.rbegin(), post_.rend());
}

// Natural loops: the blocks that reach a latch without passing the header.
void Allocator::ComputeLoops() {
  const uint32_t nb = code_->num_blocks();
  depth_.assign(nb, 0);
  is_header_.assign(nb, false);
  for (Loop& l : Loops()) {
    l.body.assign(nb, 0);
    l.blocks.clear();
    l.body[l.header] = 1;
    l.blocks.push_back(l.header);
    work_.clear();
    for (uint32_t latch : l.latches) {
      if (!l.body[latch]) {
        l.body[latch] = 1;
        l.blocks.push_back(latch);
        work_.push_back(latch);
      }
    }
    while (!work_.empty()) {
      const uint32_t b = work_.back();
      work_.pop_back();
      for (uint32_t p : preds_[b]) {
        if (!l.body[p]) {
          l.body[p] = 1;
          l.blocks.push_back(p);
          work_.push_back(p);
        }
      }
    }
    std::sort(l.blocks.begin(), l.blocks.end());
    is_header_[l.header] = true;
    for (uint32_t b : l.blocks) ++depth_[b];
  }
}

// Reverse post-order with every loop contiguous: walking the RPO, the first
// block met of a loop nested in the current one is its header; the whole
// loop is placed there, recursively.
void Allocator::ComputeOrder() {
  const uint32_t nb = code_->num_blocks();
  const uint32_t nl = num_loops_;
  const absl::Span<const Loop> loops = Loops();
  // Each loop's blocks (by index; reachable or not): loops[l].blocks.
  std::vector<uint32_t>& size = loop_size_;
  size.resize(nl);
  for (uint32_t l = 0; l < nl; ++l) size[l] = static_cast<uint32_t>(loops[l].blocks.size());
  // A strict order on loops (bigger first; then by index) keeps `parent`
  // acyclic even for irreducible control flow.
  auto outer = [&](uint32_t m, uint32_t l) { return size[m] > size[l] || (size[m] == size[l] && m < l); };
  std::vector<uint32_t>& parent = loop_parent_;
  std::vector<uint32_t>& innermost = innermost_;
  parent.assign(nl, kNone);
  innermost.assign(nb, kNone);
  for (uint32_t l = 0; l < nl; ++l) {
    for (uint32_t m = 0; m < nl; ++m) {
      if (m == l || !loops[m].body[loops[l].header] || !outer(m, l)) continue;
      if (parent[l] == kNone || outer(parent[l], m)) parent[l] = m;
    }
  }
  // (`outer` is a strict order: the innermost loop of b does not depend on
  // the order the loops are looked at.)
  for (uint32_t l = 0; l < nl; ++l) {
    for (uint32_t b : loops[l].blocks) {
      if (innermost[b] == kNone || outer(innermost[b], l)) innermost[b] = l;
    }
  }
  // Each loop's reachable blocks in reverse post-order: placing a loop walks
  // its own blocks, not the whole function.
  rpo_index_.assign(nb, kNone);
  for (uint32_t i = 0; i < rpo_.size(); ++i) rpo_index_[rpo_[i]] = i;
  members_.clear();
  members_begin_.assign(nl + 1, 0);
  for (uint32_t l = 0; l < nl; ++l) {
    members_begin_[l] = static_cast<uint32_t>(members_.size());
    for (uint32_t b : loops[l].blocks) {
      if (rpo_index_[b] != kNone) members_.push_back(b);
    }
    std::sort(members_.begin() + members_begin_[l], members_.end(),
              [&](uint32_t a, uint32_t b) { return rpo_index_[a] < rpo_index_[b]; });
  }
  members_begin_[nl] = static_cast<uint32_t>(members_.size());
  order_.clear();
  std::vector<uint8_t>& placed = placed_;
  placed.assign(nb, 0);
  auto place = [&](auto& self, uint32_t loop) -> void {
    const absl::Span<const uint32_t> walk =
        loop == kNone ? absl::MakeConstSpan(rpo_)
                      : absl::MakeConstSpan(members_).subspan(
                            members_begin_[loop], members_begin_[loop + 1] - members_begin_[loop]);
    for (uint32_t b : walk) {
      if (placed[b]) continue;
      // The loop directly inside `loop` that contains b, if any.
      uint32_t child = kNone;
      for (uint32_t x = innermost[b]; x != kNone && x != loop; x = parent[x]) child = x;
      if (child != kNone) self(self, child);
      if (!placed[b]) {
        placed[b] = 1;
        order_.push_back(b);
      }
    }
  };
  place(place, kNone);
  for (uint32_t b = 0; b < nb; ++b) {
    if (!placed[b]) order_.push_back(b);  // unreachable
  }

  block_first_.assign(nb + 1, 0);
  uint32_t n = 0;
  for (uint32_t b : order_) {
    block_first_[b] = n;
    n += static_cast<uint32_t>(code_->block(b).insts.size());
  }
  num_insts_ = n;
  block_of_inst_.resize(n);
  block_start_.assign(n + 1, 0);
  for (uint32_t b = 0; b < nb; ++b) {
    const uint32_t first = block_first_[b];
    const uint32_t end = first + static_cast<uint32_t>(code_->block(b).insts.size());
    std::fill(block_of_inst_.begin() + first, block_of_inst_.begin() + end, b);
    block_start_[first] = 1;
  }

  // The end of each block's outermost loop: how far a spill decision made
  // inside the loop looks ahead (SpillCost).
  outer_loop_end_.assign(nb, kNone);
  for (uint32_t l = 0; l < nl; ++l) {
    if (parent[l] != kNone) continue;
    uint32_t end = 0;
    for (uint32_t b : loops[l].blocks) {
      end = std::max<uint32_t>(end, 2 * (block_first_[b] + code_->block(b).insts.size()));
    }
    for (uint32_t b : loops[l].blocks) {
      if (outer_loop_end_[b] == kNone || outer_loop_end_[b] < end) outer_loop_end_[b] = end;
    }
  }
}

void Allocator::ComputeLiveness() {
  const uint32_t nb = code_->num_blocks();
  const uint32_t nv = code_->num_vregs();
  // Every instruction's operands, listed once for liveness and intervals,
  // by instruction number (blocks in allocation order); each block's
  // upward-exposed uses (gen) and first defs (kill) as events; per vreg,
  // how many use positions BuildIntervals gives it (in use_begin_[v + 1]).
  // (ops_ only grows, in chunks: its size is room, not content; an
  // instruction's operands are written straight in, with no check each.)
  uint32_t num_ops = 0;
  use_begin_.assign(nv + 1, 0);
  ops_begin_.resize(num_insts_ + 1);
  live_events_.clear();
  def_stamp_.assign(nv, kNone);
  def_block_.assign(nv, kNone);
  last_def_.assign(nv, 0);
  global_index_.assign(nv, kNone);
  has_parallel_move_.assign(nb, 0);
  // In the same walk, safe_[j]: a move placed before instruction j runs on
  // every path through the block that reaches j. Not so between a local
  // jump and its label, nor after the block's first jump to another block.
  safe_.assign(num_insts_ + 1, 1);
  // Block labels (sorted); per block the local labels jumped to but not
  // bound yet (few: searched linearly).
  block_labels_.clear();
  for (uint32_t b = 0; b < nb; ++b) block_labels_.push_back(code_->block(b).label.id());
  if (!std::is_sorted(block_labels_.begin(), block_labels_.end())) {
    std::sort(block_labels_.begin(), block_labels_.end());
  }
  // (Usually the block labels are consecutive numbers: then a range check.)
  const bool dense = block_labels_.empty() ||
                     block_labels_.back() - block_labels_.front() + 1 == block_labels_.size();
  auto is_block_label = [&](uint32_t id) {
    if (dense) return !block_labels_.empty() && id - block_labels_.front() < block_labels_.size();
    return std::binary_search(block_labels_.begin(), block_labels_.end(), id);
  };
  uint32_t j = 0;
  for (uint32_t b : order_) {
    const auto& insts = code_->block(b).insts;
    open_labels_.clear();
    // Whether `label` is bound in this block (looked for at jumps only).
    auto local = [&](x64::Label label) {
      for (const MachInst& mi : insts) {
        if (mi.kind == MachInst::Kind::kBind && mi.label.id() == label.id()) return true;
      }
      return false;
    };
    bool tail = false;
    for (const MachInst& mi : insts) {
      // (safe_ is 1 until here: only the unsafe ones are written.)
      if (tail || !open_labels_.empty()) safe_[j] = 0;
      switch (mi.kind) {
        case MachInst::Kind::kInst:
          if (mi.inst.form() == x64::Form::kJmpM) tail = true;
          break;
        case MachInst::Kind::kBind:
          open_labels_.erase(std::remove(open_labels_.begin(), open_labels_.end(), mi.label.id()),
                             open_labels_.end());
          break;
        case MachInst::Kind::kJcc:
        case MachInst::Kind::kJmp:
          // (A label is bound once: a block's label is never a local one.)
          if (is_block_label(mi.label.id())) {
            tail = true;
          } else if (local(mi.label)) {
            if (std::find(open_labels_.begin(), open_labels_.end(), mi.label.id()) ==
                open_labels_.end()) {
              open_labels_.push_back(mi.label.id());
            }
          }  // else a trap stub: values do not matter there
          break;
        case MachInst::Kind::kRet:
          tail = true;
          break;
        case MachInst::Kind::kParallelMove:
          has_parallel_move_[b] = 1;
          break;
        default:
          break;
      }
      const uint32_t begin = num_ops;
      ops_begin_[j++] = begin;
      // At most two per operand spec (a memory operand's base and index),
      // or a parallel move's sources and destinations.
      const size_t room = mi.kind == MachInst::Kind::kParallelMove ? 2 * size_t{mi.moves_count}
                                                                  : 2 * size_t{x64::kMaxSpecs};
      if (ops_.size() < begin + room) ops_.resize(std::max(2 * ops_.size(), begin + room));
      VOperand* const out = ops_.data() + begin;
      uint32_t count = 0;
      // (extra_uses/defs are physical registers: BuildIntervals takes them
      // from mi.)
      ForEachExplicitVOperand(*code_, mi, [&](const VOperand& op) { out[count++] = op; });
      num_ops += count;
      // Defs of an instruction take effect after all its uses.
      const absl::Span<const VOperand> ops(out, count);
      for (const VOperand& op : ops) {
        if (!op.vreg.valid()) continue;
        const uint32_t v = op.vreg.index;
        ++use_begin_[v + 1];
        if (op.access == x64::Access::kUse || op.access == x64::Access::kUseDef) {
          if (def_stamp_[v] != b) {
            global_index_[v] = 0;  // (numbered below)
            live_events_.push_back({b, v});
          }
          if (op.access == x64::Access::kUseDef) ++use_begin_[v + 1];
        }
      }
      for (const VOperand& op : ops) {
        if (!op.vreg.valid() || (op.access != x64::Access::kDef && op.access != x64::Access::kUseDef)) {
          continue;
        }
        const uint32_t v = op.vreg.index;
        last_def_[v] = 2 * (j - 1) + 1;  // (instruction j - 1; positions only grow)
        if (def_stamp_[v] != b) {
          // Its first def in b: in a second block, it has several.
          def_block_[v] = def_stamp_[v] == kNone ? b : kMultiple;
          def_stamp_[v] = b;
          live_events_.push_back({b, v | kKillEvent});
        }
      }
    }
  }
  ops_begin_[num_insts_] = num_ops;
  // A vreg in no block's gen set is in no live-in or live-out set (the
  // least fixed point): the sets are over the others alone.
  globals_.clear();
  for (uint32_t v = 0; v < nv; ++v) {
    if (global_index_[v] == kNone) continue;
    global_index_[v] = static_cast<uint32_t>(globals_.size());
    globals_.push_back(v);
  }
  const uint32_t ng = static_cast<uint32_t>(globals_.size());
  gen_.Reset(nb, ng);
  kill_.Reset(nb, ng);
  const uint32_t nw = gen_.words_per_row();
  for (const auto& [b, e] : live_events_) {
    const uint32_t g = global_index_[e & ~kKillEvent];
    if (g == kNone) continue;
    if (e & kKillEvent) {
      kill_.Set(b, g);
    } else {
      gen_.Set(b, g);
    }
  }
  // Backward dataflow to the (unique, least) fixed point, word by word:
  // sweeps in reverse allocation order over the blocks whose successors'
  // live-in sets changed (at first all). The first sweep writes every row;
  // until then a block's live-in set reads as the empty zero_row_ (dirty
  // 2: not visited yet).
  live_in_.ResetUninitialized(nb, ng);
  live_out_.ResetUninitialized(nb, ng);
  zero_row_.assign(nw, 0);
  const uint64_t* const zero = zero_row_.data();
  std::vector<uint8_t>& dirty = dfs_state_;
  dirty.assign(nb, 2);
  auto live_in = [&](uint32_t s) { return dirty[s] == 2 ? zero : live_in_.Row(s); };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t k = order_.size(); k-- > 0;) {
      const uint32_t b = order_[k];
      if (!dirty[b]) continue;
      uint64_t* out = live_out_.Row(b);
      uint64_t* in = live_in_.Row(b);
      const uint64_t* old_in = live_in(b);
      const uint64_t* gen = gen_.Row(b);
      const uint64_t* kill = kill_.Row(b);
      const std::vector<uint32_t>& succs = succs_[b];
      // out = the union of the successors' live-in; in = gen | (out & ~kill).
      // One or two successors (nearly every block) get a loop of their own.
      uint64_t in_changed = 0;
      auto update = [&](uint32_t w, uint64_t o) __attribute__((always_inline)) {
        const uint64_t i = gen[w] | (o & ~kill[w]);
        out[w] = o;
        in_changed |= i ^ old_in[w];
        in[w] = i;
      };
      if (succs.size() == 1) {
        const uint64_t* s0 = live_in(succs[0]);
        for (uint32_t w = 0; w < nw; ++w) update(w, s0[w]);
      } else if (succs.size() == 2) {
        const uint64_t* s0 = live_in(succs[0]);
        const uint64_t* s1 = live_in(succs[1]);
        for (uint32_t w = 0; w < nw; ++w) update(w, s0[w] | s1[w]);
      } else {
        for (uint32_t w = 0; w < nw; ++w) {
          uint64_t o = 0;
          for (uint32_t s : succs) o |= live_in(s)[w];
          update(w, o);
        }
      }
      dirty[b] = 0;
      if (in_changed != 0) {
        changed = true;
        for (uint32_t p : preds_[b]) {
          if (dirty[p] == 0) dirty[p] = 1;
        }
      }
    }
  }
}

// A vreg live into a loop's header and used (or redefined) inside the loop is
// wanted again at the end of each latch: a pseudo-use there makes spill
// costs see it. Here: per loop, those vregs (BuildIntervals adds the uses).
void Allocator::ComputeLoopPseudoUses() {
  const uint32_t nb = code_->num_blocks();
  const uint32_t nw = live_in_.words_per_row();
  loop_wanted_.Reset(num_loops_, static_cast<uint32_t>(globals_.size()));
  latch_loops_begin_.assign(nb + 2, 0);
  for (uint32_t l = 0; l < num_loops_; ++l) {
    const Loop& loop = loops_[l];
    // Vregs read or written in the loop (gen ∪ kill over its blocks) and live
    // into its header.
    uint64_t* wanted = loop_wanted_.Row(l);
    for (uint32_t b : loop.blocks) {
      const uint64_t* gen = gen_.Row(b);
      const uint64_t* kill = kill_.Row(b);
      for (uint32_t w = 0; w < nw; ++w) wanted[w] |= gen[w] | kill[w];
    }
    const uint64_t* live = live_in_.Row(loop.header);
    for (uint32_t w = 0; w < nw; ++w) wanted[w] &= live[w];
    for (uint32_t latch : loop.latches) {
      ++latch_loops_begin_[latch + 2];
      // (BuildIntervals' pseudo-uses: at the latch's last instruction.)
      if (!code_->block(latch).insts.empty()) {
        loop_wanted_.ForEach(l, [&](uint32_t g) { ++use_begin_[globals_[g] + 1]; });
      }
    }
  }
  // Per block, the loops it is a latch of.
  for (uint32_t b = 0; b < nb; ++b) latch_loops_begin_[b + 2] += latch_loops_begin_[b + 1];
  latch_loops_.resize(latch_loops_begin_[nb + 1]);
  for (uint32_t l = 0; l < num_loops_; ++l) {
    for (uint32_t latch : loops_[l].latches) latch_loops_[latch_loops_begin_[latch + 1]++] = l;
  }
  latch_loops_begin_.pop_back();
}

// Walks the blocks backwards in reverse allocation order, building vreg
// ranges, weighted use positions (and the loops' pseudo-uses), move hints and
// fixed ranges. Ranges are collected as (vreg, range) records, at
// decreasing positions; FinishIntervals groups them by vreg. Uses go
// straight to their vreg's place in use_pool_ (counted by ComputeLiveness
// and ComputeLoopPseudoUses), filled from the end down: by increasing
// position, a loop's pseudo-uses after the real uses at the same position.
void Allocator::BuildIntervals() {
  const uint32_t nv = code_->num_vregs();
  range_recs_.clear();
  for (uint32_t v = 0; v < nv; ++v) use_begin_[v + 1] += use_begin_[v];
  use_pool_.resize(use_begin_[nv]);
  use_fill_.assign(use_begin_.begin() + 1, use_begin_.end());
  auto add_use = [&](uint32_t v, UsePos u) __attribute__((always_inline)) {
    use_pool_[--use_fill_[v]] = u;
  };
  hints_.assign(nv, x64::Reg());
  hint_rank_.assign(nv, 0);
  ResetEach(fixed_, 32);
  clobber_pos_.clear();
  clobber_mask_ = 0;
  bool clobbers_unordered = false;
  // Per-vreg state of the block being walked: the walk costs O(operands),
  // not O(vregs), per block. end[v] >= 0 exactly for the vregs live at the
  // current position (at the block's start: its live-in set, where they are
  // reset); block_defs and first_to (the end of the vreg's first range in
  // the block: its hull's end) are valid where walk_block_[v] is the block,
  // i.e. for the vregs defined in it.
  std::vector<int64_t>& end = walk_end_;  // -1: not live
  std::vector<uint32_t>& block_defs = walk_block_defs_;
  std::vector<uint32_t>& first_to = walk_first_to_;
  std::vector<uint32_t>& stamp = walk_block_;
  std::vector<uint32_t>& multi_def = walk_multi_def_;  // vregs defined twice in the block
  // Per vreg, its latest record: a range touching it (the walk goes by
  // decreasing position) extends it instead of adding one.
  std::vector<uint32_t>& last_rec = walk_last_rec_;
  last_rec.assign(nv, kNone);
  auto record = [&](uint32_t v, Range r) __attribute__((always_inline)) {
    const uint32_t l = last_rec[v];
    if (l != kNone && r.to >= range_recs_[l].range.from && r.from <= range_recs_[l].range.to) {
      Range& prev = range_recs_[l].range;
      prev.from = std::min(prev.from, r.from);
      prev.to = std::max(prev.to, r.to);
      return;
    }
    last_rec[v] = static_cast<uint32_t>(range_recs_.size());
    range_recs_.push_back({v, r});
  };
  // A register's fixed ranges come by decreasing start: each is merged on
  // the way into those kept (by decreasing start, disjoint, not touching),
  // as Normalize would; if one ever starts later, Normalize does it all.
  bool fixed_unordered = false;
  auto add_fixed = [&](int reg, Range x) __attribute__((always_inline)) {
    Ranges& f = fixed_[reg];
    if (x.from >= x.to) return;  // (empty: Normalize drops it too)
    if (f.empty() || fixed_unordered) {
      f.push_back(x);
      return;
    }
    if (x.from > f.back().from) {
      fixed_unordered = true;
      f.push_back(x);
      return;
    }
    if (x.to < f.back().from) {
      f.push_back(x);
      return;
    }
    Range& c = f.back();
    c.from = x.from;
    c.to = std::max(c.to, x.to);
    // The grown range may now reach the ones after it.
    while (f.size() >= 2 && f[f.size() - 2].from <= f.back().to) {
      Range& next = f[f.size() - 2];
      next.from = f.back().from;
      next.to = std::max(next.to, f.back().to);
      f.pop_back();
    }
  };
  end.assign(nv, -1);
  block_defs.resize(nv);
  first_to.resize(nv);
  stamp.assign(nv, kNone);
  for (size_t ob = order_.size(); ob-- > 0;) {
    const uint32_t b = order_[ob];
    const uint32_t from = 2 * block_first_[b];
    const uint32_t to = 2 * (block_first_[b] + static_cast<uint32_t>(code_->block(b).insts.size()));
    const uint64_t w = Weight(b);
    std::array<uint32_t, 32> pend;
    uint32_t pending = 0;  // bit per register: pend[r] is the end of its fixed range
    multi_def.clear();
    // Ranges of a vreg in one block come by decreasing position (the first
    // at a def): its hull there is [the last one's from, the first one's
    // to), and the last one's from is where its latest record starts.
    auto add_def = [&](uint32_t v, uint32_t f, uint32_t t) __attribute__((always_inline)) {
      record(v, {f, t});
      if (stamp[v] != b) {
        stamp[v] = b;
        block_defs[v] = 1;
        first_to[v] = t;
      } else if (++block_defs[v] == 2) {
        multi_def.push_back(v);
      }
    };
    live_out_.ForEach(b, [&](uint32_t g) { end[globals_[g]] = to; });
    const auto& insts = code_->block(b).insts;
    for (size_t k = insts.size(); k-- > 0;) {
      const MachInst& mi = insts[k];
      const uint32_t pos = 2 * (block_first_[b] + static_cast<uint32_t>(k));
      const absl::Span<const VOperand> ops = Operands(block_first_[b] + static_cast<uint32_t>(k));
      // Operands a stack slot serves as well as a register: parallel moves,
      // and the source (and, for 64-bit and float copies, the destination)
      // of a vreg-to-vreg copy, which the emitter turns into one load or
      // store.
      // A physical register's fixed range: from its def to its use (uses
      // come first in the walk), or just over the def.
      auto fixed_def = [&](int r) __attribute__((always_inline)) {
        if (pending & (uint32_t{1} << r)) {
          add_fixed(r, {pos + 1, pend[r]});
          pending &= ~(uint32_t{1} << r);
        } else {
          add_fixed(r, {pos + 1, pos + 2});
        }
      };
      auto fixed_use = [&](int r) __attribute__((always_inline)) {
        if (!(pending & (uint32_t{1} << r))) {
          pend[r] = pos + 1;
          pending |= uint32_t{1} << r;
        }
      };
      UsePos::Kind use_kind = UsePos::Kind::kReg, def_kind = UsePos::Kind::kReg;
      const bool plain_move =
          mi.kind == MachInst::Kind::kInst && ops.size() == 2 && mi.extra_uses.empty() &&
          mi.extra_defs.empty() &&
          (mi.inst.form() == x64::Form::kMov64RM || mi.inst.form() == x64::Form::kMov32RM ||
           mi.inst.form() == x64::Form::kMovapsRM);
      if (mi.kind == MachInst::Kind::kParallelMove) {
        use_kind = def_kind = UsePos::Kind::kAny;
      } else if (plain_move && !mi.trap && ops[0].vreg.valid() && ops[1].vreg.valid() &&
                 ops[0].access == x64::Access::kDef && ops[1].access == x64::Access::kUse) {
        use_kind = UsePos::Kind::kAny;
        if (mi.inst.form() != x64::Form::kMov32RM) def_kind = UsePos::Kind::kAny;
      }
      // Hints: a plain move between a vreg and an allocatable register (of
      // several, the one in the block with the highest index, and there the
      // first).
      // Block-parameter moves are partners (FinishIntervals): coalescing
      // them saves moves on edges, back edges especially. Plain vreg copies
      // are not partners: lowering's two-address copies do better with the
      // default order.
      if (plain_move) {
        const uint64_t rank = uint64_t{b} << 32 | (UINT32_MAX - static_cast<uint32_t>(k));
        auto hint = [&](uint32_t v, x64::Reg r) {
          if (rank >= hint_rank_[v]) {
            hints_[v] = r;
            hint_rank_[v] = rank;
          }
        };
        if (ops[0].vreg.valid() && !ops[1].vreg.valid() && IsAllocatable(ops[1].preg)) {
          hint(ops[0].vreg.index, ops[1].preg);
        } else if (!ops[0].vreg.valid() && ops[1].vreg.valid() && IsAllocatable(ops[0].preg)) {
          hint(ops[1].vreg.index, ops[0].preg);
        }
      }
      for (const VOperand& op : ops) {
        if (op.access != x64::Access::kDef && op.access != x64::Access::kUseDef) continue;
        if (op.vreg.valid()) {
          const uint32_t v = op.vreg.index;
          add_use(v, {pos + 1, static_cast<uint32_t>(w), def_kind});
          if (end[v] >= 0) {
            add_def(v, pos + 1, static_cast<uint32_t>(end[v]));
            end[v] = -1;
          } else {
            add_def(v, pos + 1, pos + 2);
          }
        } else if (IsAllocatable(op.preg)) {
          fixed_def(op.preg.index());
        }
      }
      uint32_t clobbers = mi.extra_defs.bits() & kAllocatableBits;
      if (clobbers != 0) {
        // A call's clobbers: one position (clobber_pos_) for all of them
        // (only the registers with a range on to a later use get a fixed
        // range).
        if (clobber_mask_ == 0 && __builtin_popcount(clobbers) >= kMinClobberMask) {
          clobber_mask_ = clobbers;
        }
        if (clobbers == clobber_mask_) {
          // (Calls are at distinct instructions: no position repeats.)
          if (!clobber_pos_.empty() && pos + 1 > clobber_pos_.back()) clobbers_unordered = true;
          clobber_pos_.push_back(pos + 1);
          clobbers &= pending;
        }
        for (; clobbers != 0; clobbers &= clobbers - 1) fixed_def(__builtin_ctz(clobbers));
      }
      // A loop's pseudo-uses at its latch's last instruction come after the
      // real uses there (records go by decreasing position).
      if (k + 1 == insts.size()) {
        for (uint32_t i = latch_loops_begin_[b]; i < latch_loops_begin_[b + 1]; ++i) {
          loop_wanted_.ForEach(latch_loops_[i], [&](uint32_t g) {
            add_use(globals_[g], {pos, static_cast<uint32_t>(w), UsePos::Kind::kLoop});
          });
        }
      }
      for (const VOperand& op : ops) {
        if (op.access != x64::Access::kUse && op.access != x64::Access::kUseDef) continue;
        if (op.vreg.valid()) {
          add_use(op.vreg.index, {pos, static_cast<uint32_t>(w), use_kind});
          if (end[op.vreg.index] < 0) end[op.vreg.index] = pos + 1;
        } else if (IsAllocatable(op.preg)) {
          fixed_use(op.preg.index());
        }
      }
      for (uint32_t bits = mi.extra_uses.bits() & kAllocatableBits; bits != 0; bits &= bits - 1) {
        fixed_use(__builtin_ctz(bits));
      }
    }
    live_in_.ForEach(b, [&](uint32_t g) {
      const uint32_t v = globals_[g];
      record(v, {from, static_cast<uint32_t>(end[v])});
      end[v] = -1;
    });
    for (uint32_t v : multi_def) record(v, {range_recs_[last_rec[v]].range.from, first_to[v]});
    for (; pending != 0; pending &= pending - 1) {
      const int r = __builtin_ctz(pending);
      add_fixed(r, {from, pend[r]});
    }
  }
  // Each register's fixed ranges came by decreasing position, merged; so
  // did the clobber positions (unless the blocks' positions ever grew).
  for (Ranges& r : fixed_) {
    std::reverse(r.begin(), r.end());
    if (fixed_unordered) Normalize(r);
  }
  std::reverse(clobber_pos_.begin(), clobber_pos_.end());
  if (clobbers_unordered) std::sort(clobber_pos_.begin(), clobber_pos_.end());
  clobber_pos_.push_back(kNone);
}

// Groups the walk's range records by vreg (a counting sort; each vreg's
// records are placed last to first, so by increasing position), then merges
// each vreg's ranges (sorting them first where a block's hull range broke
// the order). Also lists the block-parameter moves (partner_moves_) and each
// vreg's partners.
void Allocator::FinishIntervals() {
  const uint32_t nv = code_->num_vregs();
  // Each vreg's ranges fill its space in range_pool_ from the end down,
  // merged on the way: a record starts at or before all those placed (the
  // walk goes by decreasing position; a block's hull starts at its lowest
  // range), so it can only touch or overlap the first ones.
  range_end_.assign(nv + 1, 0);
  for (const RangeRec& r : range_recs_) ++range_end_[r.vreg + 1];
  for (uint32_t v = 0; v < nv; ++v) range_end_[v + 1] += range_end_[v];
  range_pool_.resize(range_recs_.size());
  range_begin_.assign(range_end_.begin() + 1, range_end_.end());
  range_end_.erase(range_end_.begin());
  bool unordered = false;
  for (const RangeRec& rec : range_recs_) {
    Range r = rec.range;
    if (r.from >= r.to) continue;
    uint32_t& first = range_begin_[rec.vreg];
    const uint32_t last = range_end_[rec.vreg];
    if (first < last && r.from > range_pool_[first].from) {
      unordered = true;  // (not expected: merged below instead)
      range_pool_[--first] = r;
      continue;
    }
    while (first < last && r.to >= range_pool_[first].from) {
      r.to = std::max(r.to, range_pool_[first].to);
      ++first;
    }
    range_pool_[--first] = r;
  }
  if (unordered) {
    for (uint32_t v = 0; v < nv; ++v) {
      const size_t n = NormalizeSpan(absl::MakeSpan(range_pool_).subspan(
          range_begin_[v], range_end_[v] - range_begin_[v]));
      range_end_[v] = range_begin_[v] + static_cast<uint32_t>(n);
    }
  }

  // Block-parameter moves in block order, each block's last to first.
  partner_moves_.clear();
  for (uint32_t b = 0; b < code_->num_blocks(); ++b) {
    if (!has_parallel_move_[b]) continue;
    const auto& insts = code_->block(b).insts;
    for (size_t k = insts.size(); k-- > 0;) {
      if (insts[k].kind != MachInst::Kind::kParallelMove) continue;
      for (const MoveOp& m : code_->Moves(insts[k])) {
        partner_moves_.push_back({m.dst.index, m.src.index, Weight(b)});
      }
    }
  }
  partner_begin_.assign(nv + 2, 0);
  for (const PartnerMove& m : partner_moves_) {
    ++partner_begin_[m.dst + 2];
    ++partner_begin_[m.src + 2];
  }
  for (uint32_t v = 0; v < nv; ++v) partner_begin_[v + 2] += partner_begin_[v + 1];
  partner_pool_.resize(2 * partner_moves_.size());
  for (const PartnerMove& m : partner_moves_) {
    partner_pool_[partner_begin_[m.dst + 1]++] = m.src;
    partner_pool_[partner_begin_[m.src + 1]++] = m.dst;
  }
  partner_begin_.pop_back();
}

}  // namespace regalloc

Location RegAllocResult::AtSplit(uint32_t v, uint32_t pos) const {
  const LivePart* first = parts.data() + parts_begin[v];
  const LivePart* last = parts.data() + parts_begin[v + 1];
  const LivePart* it =
      std::upper_bound(first, last, pos, [](uint32_t p, const LivePart& x) { return p < x.begin; });
  if (it == first) return Location();
  --it;
  return pos < it->end ? it->loc : Location();
}

absl::StatusOr<RegAllocResult> AllocateRegisters(const VCode& code,
                                                 const RegAllocOptions& options) {
  // One allocator per thread, its buffers reused from function to function
  // (allocation is not reentrant: nothing calls back into it).
  thread_local regalloc::Allocator shared;
  absl::StatusOr<RegAllocResult> result = shared.Run(code, options);
  if (shared.Oversized()) shared = regalloc::Allocator();
  return result;
}

std::string PrintAllocation(const RegAllocResult& result) {
  auto loc = [](const Location& l) {
    return l.is_reg() ? std::string(x64::RegName(l.reg)) : absl::StrCat("slot", l.slot);
  };
  std::vector<std::string> parts;
  for (uint32_t v = 0; v < result.num_vregs(); ++v) {
    const absl::Span<const LivePart> ps = result.Parts(v);
    if (ps.empty()) continue;
    if (ps.size() == 1) {
      parts.push_back(absl::StrCat(VRegName(VReg(v)), " -> ", loc(ps[0].loc)));
      continue;
    }
    std::string s = absl::StrCat(VRegName(VReg(v)), " ->");
    for (const LivePart& p : ps) absl::StrAppend(&s, " [", p.begin, ",", p.end, ") ", loc(p.loc));
    parts.push_back(std::move(s));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace wasm::codegen
