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

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/regalloc_internal.h"

namespace wasm::codegen {
namespace regalloc {

void Normalize(Ranges& r) {
  auto by_from = [](const Range& a, const Range& b) { return a.from < b.from; };
  if (!std::is_sorted(r.begin(), r.end(), by_from)) std::sort(r.begin(), r.end(), by_from);
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
  r.resize(n);
}

bool Intersects(const Ranges& a, const Ranges& b) { return FirstIntersection(a, b, 0) != kNone; }

namespace {

// The first index k >= i with r[k].to > p (ranges are sorted and disjoint,
// so `to` increases): a few steps, then a binary search, so that a short
// interval against a long one (a call-clobbered register's fixed ranges)
// costs O(log n), not O(n).
size_t SkipEndingBy(const Ranges& r, size_t i, uint32_t p) {
  for (int step = 0; step < 4; ++step, ++i) {
    if (i >= r.size() || r[i].to > p) return i;
  }
  return std::upper_bound(r.begin() + i, r.end(), p,
                          [](uint32_t q, const Range& x) { return q < x.to; }) -
         r.begin();
}

}  // namespace

uint32_t FirstIntersection(const Ranges& a, const Ranges& b, uint32_t from) {
  return FirstIntersectionFrom(a, 0, b, from);
}

uint32_t FirstIntersectionFrom(const Ranges& a, size_t a_begin, const Ranges& b, uint32_t from) {
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

bool Covers(const Ranges& r, uint32_t pos) {
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

bool IsAllocatable(x64::Reg r) {
  static constexpr x64::RegSet kAllocatable = AllocatableSet();
  return r.is_valid() && kAllocatable.Contains(r);
}

}  // namespace

absl::StatusOr<RegAllocResult> Allocator::Run(const VCode& code, const RegAllocOptions& options) {
  code_ = &code;
  options_ = options;
  result_ = RegAllocResult();
  AnalyzeCfg();
  ComputeLoops();
  ComputeOrder();
  ComputeSafePoints();
  ComputeLiveness();
  BuildIntervals();
  AddLoopPseudoUses();
  Scan();
  absl::Status s = Resolve();
  code_ = nullptr;
  if (!s.ok()) return s;
  return std::move(result_);
}

bool Allocator::Oversized() const {
  constexpr size_t kKeepLimit = size_t{1} << 16;
  return vreg_ranges_.size() > kKeepLimit || intervals_.size() > kKeepLimit ||
         gen_.size() > kKeepLimit / 16 || safe_.size() > 4 * kKeepLimit;
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
  loops_.clear();
  if (nb == 0) return;
  std::vector<uint8_t> state(nb, 0);  // 0 unseen, 1 on the stack, 2 done
  std::vector<uint32_t> post;
  std::vector<std::pair<uint32_t, size_t>> stack = {{0, 0}};
  state[0] = 1;
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    if (next < succs_[b].size()) {
      const uint32_t s = succs_[b][next++];
      if (state[s] == 0) {
        state[s] = 1;
        stack.push_back({s, 0});
      } else if (state[s] == 1) {
        // A back edge b -> s: s heads a loop with latch b.
        auto it = std::find_if(loops_.begin(), loops_.end(),
                               [&](const Loop& l) { return l.header == s; });
        if (it == loops_.end()) {
          loops_.push_back(Loop{s, {}, {}});
          it = loops_.end() - 1;
        }
        it->latches.push_back(b);
      }
    } else {
      state[b] = 2;
      post.push_back(b);
      stack.pop_back();
    }
  }
  rpo_.assign(post.rbegin(), post.rend());
}

// Natural loops: the blocks that reach a latch without passing the header.
void Allocator::ComputeLoops() {
  const uint32_t nb = code_->num_blocks();
  depth_.assign(nb, 0);
  is_header_.assign(nb, false);
  for (Loop& l : loops_) {
    l.body.assign(nb, false);
    l.body[l.header] = true;
    std::vector<uint32_t> work;
    for (uint32_t latch : l.latches) {
      if (!l.body[latch]) {
        l.body[latch] = true;
        work.push_back(latch);
      }
    }
    while (!work.empty()) {
      const uint32_t b = work.back();
      work.pop_back();
      for (uint32_t p : preds_[b]) {
        if (!l.body[p]) {
          l.body[p] = true;
          work.push_back(p);
        }
      }
    }
    is_header_[l.header] = true;
    for (uint32_t b = 0; b < nb; ++b) depth_[b] += l.body[b] ? 1 : 0;
  }
}

// Reverse post-order with every loop contiguous: walking the RPO, the first
// block met of a loop nested in the current one is its header; the whole
// loop is placed there, recursively.
void Allocator::ComputeOrder() {
  const uint32_t nb = code_->num_blocks();
  const uint32_t nl = static_cast<uint32_t>(loops_.size());
  // Each loop's blocks (by index; reachable or not), listed once.
  std::vector<std::vector<uint32_t>> blocks(nl);
  std::vector<uint32_t> size(nl, 0);
  for (uint32_t l = 0; l < nl; ++l) {
    for (uint32_t b = 0; b < nb; ++b) {
      if (loops_[l].body[b]) blocks[l].push_back(b);
    }
    size[l] = static_cast<uint32_t>(blocks[l].size());
  }
  // A strict order on loops (bigger first; then by index) keeps `parent`
  // acyclic even for irreducible control flow.
  auto outer = [&](uint32_t m, uint32_t l) { return size[m] > size[l] || (size[m] == size[l] && m < l); };
  std::vector<uint32_t> parent(nl, kNone), innermost(nb, kNone);
  for (uint32_t l = 0; l < nl; ++l) {
    for (uint32_t m = 0; m < nl; ++m) {
      if (m == l || !loops_[m].body[loops_[l].header] || !outer(m, l)) continue;
      if (parent[l] == kNone || outer(parent[l], m)) parent[l] = m;
    }
  }
  // (`outer` is a strict order: the innermost loop of b does not depend on
  // the order the loops are looked at.)
  for (uint32_t l = 0; l < nl; ++l) {
    for (uint32_t b : blocks[l]) {
      if (innermost[b] == kNone || outer(innermost[b], l)) innermost[b] = l;
    }
  }
  // Each loop's blocks in reverse post-order: placing a loop walks its own
  // blocks, not the whole function.
  std::vector<std::vector<uint32_t>> members(nl);
  for (uint32_t b : rpo_) {
    for (uint32_t l = 0; l < nl; ++l) {
      if (loops_[l].body[b]) members[l].push_back(b);
    }
  }
  order_.clear();
  std::vector<bool> placed(nb, false);
  auto place = [&](auto& self, uint32_t loop) -> void {
    for (uint32_t b : loop == kNone ? rpo_ : members[loop]) {
      if (placed[b]) continue;
      // The loop directly inside `loop` that contains b, if any.
      uint32_t child = kNone;
      for (uint32_t x = innermost[b]; x != kNone && x != loop; x = parent[x]) child = x;
      if (child != kNone) self(self, child);
      if (!placed[b]) {
        placed[b] = true;
        order_.push_back(b);
      }
    }
  };
  place(place, kNone);
  for (uint32_t b = 0; b < nb; ++b) {
    if (!placed[b]) order_.push_back(b);  // unreachable
  }

  block_first_.assign(nb + 1, 0);
  block_of_inst_.clear();
  uint32_t n = 0;
  for (uint32_t b : order_) {
    block_first_[b] = n;
    n += static_cast<uint32_t>(code_->block(b).insts.size());
    block_of_inst_.resize(n, b);
  }
  num_insts_ = n;
  block_start_.assign(n + 1, false);
  for (uint32_t b = 0; b < nb; ++b) block_start_[block_first_[b]] = true;

  // The end of each block's outermost loop: how far a spill decision made
  // inside the loop looks ahead (SpillCost).
  outer_loop_end_.assign(nb, kNone);
  for (uint32_t l = 0; l < nl; ++l) {
    if (parent[l] != kNone) continue;
    uint32_t end = 0;
    for (uint32_t b : blocks[l]) {
      end = std::max<uint32_t>(end, 2 * (block_first_[b] + code_->block(b).insts.size()));
    }
    for (uint32_t b : blocks[l]) {
      if (outer_loop_end_[b] == kNone || outer_loop_end_[b] < end) outer_loop_end_[b] = end;
    }
  }
}

// safe_[j]: a move placed before instruction j runs on every path through
// the block that reaches j. Not so between a local jump and its label, nor
// after the block's first jump to another block.
void Allocator::ComputeSafePoints() {
  safe_.assign(num_insts_ + 1, true);
  absl::flat_hash_set<uint32_t> block_labels;
  for (uint32_t b = 0; b < code_->num_blocks(); ++b) block_labels.insert(code_->block(b).label.id());
  for (uint32_t b = 0; b < code_->num_blocks(); ++b) {
    const auto& insts = code_->block(b).insts;
    absl::flat_hash_set<uint32_t> local, open;
    for (const MachInst& mi : insts) {
      if (mi.kind == MachInst::Kind::kBind) local.insert(mi.label.id());
    }
    bool tail = false;
    for (size_t k = 0; k < insts.size(); ++k) {
      const MachInst& mi = insts[k];
      safe_[block_first_[b] + k] = open.empty() && !tail;
      switch (mi.kind) {
        case MachInst::Kind::kBind:
          open.erase(mi.label.id());
          break;
        case MachInst::Kind::kJcc:
        case MachInst::Kind::kJmp:
          if (local.contains(mi.label.id())) {
            open.insert(mi.label.id());
          } else if (block_labels.contains(mi.label.id())) {
            tail = true;
          }  // else a trap stub: values do not matter there
          break;
        case MachInst::Kind::kRet:
          tail = true;
          break;
        case MachInst::Kind::kInst:
          if (mi.inst.form() == x64::Form::kJmpM) tail = true;
          break;
        default:
          break;
      }
    }
  }
}

void Allocator::ComputeLiveness() {
  const uint32_t nb = code_->num_blocks();
  const uint32_t nv = code_->num_vregs();
  ResetBitSets(gen_, nb, nv);
  ResetBitSets(kill_, nb, nv);
  // Every instruction's operands, listed once for liveness and intervals,
  // by instruction number (blocks in allocation order).
  ops_.clear();
  ops_begin_.assign(num_insts_ + 1, 0);
  uint32_t j = 0;
  for (uint32_t b : order_) {
    for (const MachInst& mi : code_->block(b).insts) {
      ops_begin_[j++] = static_cast<uint32_t>(ops_.size());
      ForEachVOperand(*code_, mi, [&](const VOperand& op) { ops_.push_back(op); });
    }
  }
  ops_begin_[num_insts_] = static_cast<uint32_t>(ops_.size());
  for (uint32_t b = 0; b < nb; ++b) {
    const uint32_t n = static_cast<uint32_t>(code_->block(b).insts.size());
    for (uint32_t k = 0; k < n; ++k) {
      // Defs of an instruction take effect after all its uses.
      const absl::Span<const VOperand> ops = Operands(block_first_[b] + k);
      for (const VOperand& op : ops) {
        if (!op.vreg.valid()) continue;
        if (op.access == x64::Access::kUse || op.access == x64::Access::kUseDef) {
          if (!kill_[b][op.vreg.index]) gen_[b].Set(op.vreg.index);
        }
      }
      for (const VOperand& op : ops) {
        if (op.vreg.valid() && (op.access == x64::Access::kDef || op.access == x64::Access::kUseDef)) {
          kill_[b].Set(op.vreg.index);
        }
      }
    }
  }
  ResetBitSets(live_in_, nb, nv);
  ResetBitSets(live_out_, nb, nv);
  bool changed = true;
  BitSet out(nv), in(nv);
  while (changed) {
    changed = false;
    for (size_t k = order_.size(); k-- > 0;) {
      const uint32_t b = order_[k];
      out.Clear();
      for (uint32_t s : succs_[b]) out.Union(live_in_[s]);
      in.Transfer(gen_[b], out, kill_[b]);
      if (!(out == live_out_[b]) || !(in == live_in_[b])) {
        changed = true;
        std::swap(live_out_[b], out);
        std::swap(live_in_[b], in);
      }
    }
  }
}

// Walks every block backwards, building vreg ranges, weighted use positions,
// move hints and fixed ranges.
void Allocator::BuildIntervals() {
  const uint32_t nv = code_->num_vregs();
  ResetEach(vreg_ranges_, nv);
  ResetEach(vreg_uses_, nv);
  def_block_.assign(nv, kNone);
  last_def_.assign(nv, 0);
  hints_.assign(nv, x64::Reg());
  ResetEach(partners_, nv);
  partner_moves_.clear();
  ResetEach(fixed_, 32);
  // Per-vreg state of the block being walked, valid for the vregs in
  // `touched` only and reset after each block: the walk costs O(operands),
  // not O(vregs), per block.
  std::vector<int64_t> end(nv, -1);  // -1: not live
  std::vector<uint32_t> block_defs(nv, 0);
  std::vector<Range> block_hull(nv, Range{UINT32_MAX, 0});
  std::vector<uint8_t> is_touched(nv, 0);
  std::vector<uint32_t> touched;
  auto touch = [&](uint32_t v) {
    if (!is_touched[v]) {
      is_touched[v] = 1;
      touched.push_back(v);
    }
  };
  for (uint32_t b = 0; b < code_->num_blocks(); ++b) {
    const uint32_t from = 2 * block_first_[b];
    const uint32_t to = 2 * (block_first_[b] + static_cast<uint32_t>(code_->block(b).insts.size()));
    const uint64_t w = Weight(b);
    std::array<int64_t, 32> pend;
    pend.fill(-1);
    touched.clear();
    auto add = [&](uint32_t v, uint32_t f, uint32_t t) {
      vreg_ranges_[v].push_back({f, t});
      block_hull[v].from = std::min(block_hull[v].from, f);
      block_hull[v].to = std::max(block_hull[v].to, t);
    };
    live_out_[b].ForEach([&](uint32_t v) {
      end[v] = to;
      touch(v);
    });
    const auto& insts = code_->block(b).insts;
    for (size_t k = insts.size(); k-- > 0;) {
      const MachInst& mi = insts[k];
      const uint32_t pos = 2 * (block_first_[b] + static_cast<uint32_t>(k));
      const absl::Span<const VOperand> ops = Operands(block_first_[b] + static_cast<uint32_t>(k));
      for (const VOperand& op : ops) {
        if (op.vreg.valid()) touch(op.vreg.index);
      }
      // Operands a stack slot serves as well as a register: parallel moves,
      // and the source (and, for 64-bit and float copies, the destination)
      // of a vreg-to-vreg copy, which the emitter turns into one load or
      // store.
      UsePos::Kind use_kind = UsePos::Kind::kReg, def_kind = UsePos::Kind::kReg;
      if (mi.kind == MachInst::Kind::kParallelMove) {
        use_kind = def_kind = UsePos::Kind::kAny;
      } else if (mi.kind == MachInst::Kind::kInst && !mi.trap && ops.size() == 2 &&
                 ops[0].vreg.valid() && ops[1].vreg.valid() &&
                 ops[0].access == x64::Access::kDef && ops[1].access == x64::Access::kUse &&
                 (mi.inst.form() == x64::Form::kMov64RM || mi.inst.form() == x64::Form::kMov32RM ||
                  mi.inst.form() == x64::Form::kMovapsRM)) {
        use_kind = UsePos::Kind::kAny;
        if (mi.inst.form() != x64::Form::kMov32RM) def_kind = UsePos::Kind::kAny;
      }
      // Hints: a plain move between a vreg and an allocatable register, and
      // block-parameter moves (partners: coalescing them saves moves on
      // edges, back edges especially). Plain vreg copies are not partners:
      // lowering's two-address copies do better with the default order.
      if (mi.kind == MachInst::Kind::kInst && ops.size() == 2 &&
          (mi.inst.form() == x64::Form::kMov64RM || mi.inst.form() == x64::Form::kMov32RM ||
           mi.inst.form() == x64::Form::kMovapsRM)) {
        if (ops[0].vreg.valid() && !ops[1].vreg.valid() && IsAllocatable(ops[1].preg)) {
          hints_[ops[0].vreg.index] = ops[1].preg;
        } else if (!ops[0].vreg.valid() && ops[1].vreg.valid() && IsAllocatable(ops[0].preg)) {
          hints_[ops[1].vreg.index] = ops[0].preg;
        }
      }
      if (mi.kind == MachInst::Kind::kParallelMove) {
        for (const MoveOp& m : code_->Moves(mi)) {
          partners_[m.dst.index].push_back(m.src.index);
          partners_[m.src.index].push_back(m.dst.index);
          partner_moves_.push_back({m.dst.index, m.src.index, w});
        }
      }
      for (const VOperand& op : ops) {
        if (op.access != x64::Access::kDef && op.access != x64::Access::kUseDef) continue;
        if (op.vreg.valid()) {
          const uint32_t v = op.vreg.index;
          ++block_defs[v];
          def_block_[v] = def_block_[v] == kNone || def_block_[v] == b ? b : kMultiple;
          last_def_[v] = std::max(last_def_[v], pos + 1);
          vreg_uses_[v].push_back({pos + 1, w, def_kind});
          if (end[v] >= 0) {
            add(v, pos + 1, static_cast<uint32_t>(end[v]));
            end[v] = -1;
          } else {
            add(v, pos + 1, pos + 2);
          }
        } else if (IsAllocatable(op.preg)) {
          const int r = op.preg.index();
          if (pend[r] >= 0) {
            fixed_[r].push_back({pos + 1, static_cast<uint32_t>(pend[r])});
            pend[r] = -1;
          } else {
            fixed_[r].push_back({pos + 1, pos + 2});
          }
        }
      }
      for (const VOperand& op : ops) {
        if (op.access != x64::Access::kUse && op.access != x64::Access::kUseDef) continue;
        if (op.vreg.valid()) {
          vreg_uses_[op.vreg.index].push_back({pos, w, use_kind});
          if (end[op.vreg.index] < 0) end[op.vreg.index] = pos + 1;
        } else if (IsAllocatable(op.preg)) {
          if (pend[op.preg.index()] < 0) pend[op.preg.index()] = pos + 1;
        }
      }
    }
    for (uint32_t v : touched) {
      if (end[v] >= 0) add(v, from, static_cast<uint32_t>(end[v]));
      if (block_defs[v] >= 2) vreg_ranges_[v].push_back(block_hull[v]);
      end[v] = -1;
      block_defs[v] = 0;
      block_hull[v] = Range{UINT32_MAX, 0};
      is_touched[v] = 0;
    }
    for (int r = 0; r < 32; ++r) {
      if (pend[r] >= 0) fixed_[r].push_back({from, static_cast<uint32_t>(pend[r])});
    }
  }
  for (Ranges& r : vreg_ranges_) Normalize(r);
  for (Ranges& r : fixed_) Normalize(r);
  // A block's uses were appended last to first: often already in
  // descending order. (Uses at one position are identical: their order
  // does not matter.)
  auto by_pos = [](const UsePos& a, const UsePos& b) { return a.pos < b.pos; };
  for (auto& u : vreg_uses_) {
    if (std::is_sorted(u.begin(), u.end(), by_pos)) continue;
    if (std::is_sorted(u.rbegin(), u.rend(), by_pos)) {
      std::reverse(u.begin(), u.end());
    } else {
      std::sort(u.begin(), u.end(), by_pos);
    }
  }
}

// A vreg live into a loop's header and used (or redefined) inside the loop is
// wanted again at the end of each latch: a pseudo-use there makes spill
// costs see it.
void Allocator::AddLoopPseudoUses() {
  const uint32_t nv = code_->num_vregs();
  BitSet changed(nv);  // vregs given a pseudo-use: to sort again
  for (const Loop& l : loops_) {
    // Vregs read or written in the loop (gen ∪ kill over its blocks) and live
    // into its header.
    BitSet mentioned(nv);
    for (uint32_t b = 0; b < code_->num_blocks(); ++b) {
      if (!l.body[b]) continue;
      mentioned.Union(gen_[b]);
      mentioned.Union(kill_[b]);
    }
    mentioned.Intersect(live_in_[l.header]);
    mentioned.ForEach([&](uint32_t v) {
      for (uint32_t latch : l.latches) {
        const uint32_t n = static_cast<uint32_t>(code_->block(latch).insts.size());
        if (n == 0) continue;
        vreg_uses_[v].push_back(
            {2 * (block_first_[latch] + n - 1), Weight(latch), UsePos::Kind::kLoop});
        changed.Set(v);
      }
    });
  }
  changed.ForEach([&](uint32_t v) {
    auto& u = vreg_uses_[v];
    std::stable_sort(u.begin(), u.end(), [](const UsePos& a, const UsePos& b) { return a.pos < b.pos; });
  });
}

}  // namespace regalloc

Location RegAllocResult::At(VReg v, uint32_t block, uint32_t inst) const {
  if (!v.valid() || v.index >= parts.size() || block >= block_base.size()) return Location();
  const uint32_t pos = 2 * (block_base[block] + inst);
  const std::vector<LivePart>& ps = parts[v.index];
  auto it = std::upper_bound(ps.begin(), ps.end(), pos,
                             [](uint32_t p, const LivePart& x) { return p < x.begin; });
  if (it == ps.begin()) return Location();
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
  for (uint32_t v = 0; v < result.parts.size(); ++v) {
    const std::vector<LivePart>& ps = result.parts[v];
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
