// Register allocation, part 2: the linear scan with interval splitting
// (regalloc.h, step 5).
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/types/span.h"
#include "runtime/codegen/abi.h"
#include "runtime/codegen/regalloc_internal.h"

namespace wasm::codegen::regalloc {

namespace {

// The unhandled min-heap's key: by start, then by creation (a queued
// interval's ranges do not change).
uint64_t HeapKey(uint32_t start, uint32_t i) { return uint64_t{start} << 32 | i; }

}  // namespace

const std::vector<x64::Reg>& Allocator::Candidates(x64::RegClass cls) const {
  return candidates_[cls == x64::RegClass::kGpr ? 0 : 1];
}

void Allocator::Queue(uint32_t i) {
  unhandled_.push_back(HeapKey(intervals_[i].start(), i));
  std::push_heap(unhandled_.begin(), unhandled_.end(), std::greater<uint64_t>());
}


void Allocator::AssignReg(uint32_t i, x64::Reg r) {
  intervals_[i].loc = Location::InReg(r);
  intervals_[i].reg_index = static_cast<uint8_t>(r.index());
  intervals_[i].recheck = 0;
  active_.push_back(i);
}

void Allocator::AssignStack(uint32_t i) { intervals_[i].loc = Location::InSlot(0); }

void Allocator::Scan() {
  const uint32_t nv = code_->num_vregs();
  for (int c = 0; c < 2; ++c) {
    const absl::Span<const x64::Reg> all =
        c == 0 ? absl::MakeConstSpan(kAllocatableGprs) : absl::MakeConstSpan(kAllocatableXmms);
    const int limit = c == 0 ? options_.max_gprs : options_.max_xmms;
    const size_t n = limit > 0 ? std::min<size_t>(limit, all.size()) : all.size();
    candidates_[c].assign(all.begin(), all.begin() + n);
    candidate_bits_[c] = 0;
    for (size_t k = 0; k < n; ++k) {
      const int i = candidates_[c][k].index();
      candidate_bits_[c] |= uint32_t{1} << i;
      candidate_index_[c][k] = static_cast<uint8_t>(i);
    }
  }
  // For SplitPosition: the blocks with instructions in allocation order,
  // each one's lowest split depth (at its start), and per depth d the
  // nearest block before / after each one whose lowest depth is below d.
  {
    std::vector<uint32_t>& layout = split_layout_;
    layout.clear();
    split_layout_index_.resize(code_->num_blocks());
    std::vector<uint32_t>& start_depth = split_start_depth_;  // per layout index
    start_depth.clear();
    uint32_t max_depth = 0;
    for (uint32_t b : order_) {
      if (code_->block(b).insts.empty()) continue;
      split_layout_index_[b] = static_cast<uint32_t>(layout.size());
      layout.push_back(b);
      start_depth.push_back(SplitDepth(2 * block_first_[b]));
      max_depth = std::max(max_depth, start_depth.back());
    }
    const uint32_t nq = static_cast<uint32_t>(layout.size());
    split_max_depth_ = max_depth;
    // Depths d in [1, max_depth]: row d - 1.
    split_prev_lower_.resize(size_t{max_depth} * nq);
    split_next_lower_.resize(size_t{max_depth} * nq);
    for (uint32_t d = 1; d <= max_depth; ++d) {
      uint32_t* prev = split_prev_lower_.data() + size_t{d - 1} * nq;
      uint32_t* next = split_next_lower_.data() + size_t{d - 1} * nq;
      uint32_t last = kNone;
      for (uint32_t q = 0; q < nq; ++q) {
        prev[q] = last;
        if (start_depth[q] < d) last = q;
      }
      last = kNone;
      for (uint32_t q = nq; q-- > 0;) {
        next[q] = last;
        if (start_depth[q] < d) last = q;
      }
    }
  }
  fixed_cursor_.fill(0);
  fixed_cursor_pos_ = 0;
  clobber_cursor_ = 0;
  clobber_cursor_pos_ = 0;
  scan_pos_ = 0;
  num_intervals_ = 0;
  ResetEach(vreg_parts_, nv);
  initial_.clear();
  unhandled_.clear();
  active_.clear();
  for (std::vector<uint32_t>& l : inactive_) l.clear();
  inactive_regs_ = 0;
  inactive_min_recheck_ = 0;
  for (uint32_t v = 0; v < nv; ++v) {
    const RangeSpan ranges = VregRanges(v);
    if (ranges.empty()) continue;
    const uint32_t i = NewInterval(v);
    Interval& it = intervals_[i];
    it.ranges.assign(ranges.begin(), ranges.end());
    it.use_begin = use_begin_[v];
    it.use_end = use_begin_[v + 1];
    it.begin = it.start() & ~1u;
    it.end = it.last();
    vreg_parts_[v].push_back(i);
    initial_.push_back(HeapKey(it.start(), i));
  }
  std::sort(initial_.begin(), initial_.end());
  initial_next_ = 0;
  while (initial_next_ < initial_.size() || !unhandled_.empty()) {
    uint32_t cur;
    if (unhandled_.empty() ||
        (initial_next_ < initial_.size() && initial_[initial_next_] < unhandled_.front())) {
      cur = static_cast<uint32_t>(initial_[initial_next_++]);
    } else {
      std::pop_heap(unhandled_.begin(), unhandled_.end(), std::greater<uint64_t>());
      cur = static_cast<uint32_t>(unhandled_.back());
      unhandled_.pop_back();
    }
    const uint32_t pos = intervals_[cur].start();
    // Active intervals that ended or are in a hole at pos; inactive ones that
    // ended or resume. An interval's state holds until its `recheck`
    // position (positions only grow; if not, everything is looked at again).
    if (pos < scan_pos_) {
      for (uint32_t a : active_) intervals_[a].recheck = 0;
      for (const std::vector<uint32_t>& l : inactive_) {
        for (uint32_t a : l) intervals_[a].recheck = 0;
      }
      inactive_min_recheck_ = 0;
    }
    scan_pos_ = pos;
    // Filtered in place (few change state): active_ becomes the active ones
    // that stay, then the inactive ones that resume; each inactive_ list the
    // active ones in a hole, then the inactive ones that stay.
    still_inactive_.clear();  // the active ones in a hole
    uint32_t regs = 0;
    uint32_t min_recheck = kNone;  // over the inactive ones
    size_t n = 0;
    for (const uint32_t a : active_) {
      Interval& it = intervals_[a];
      if (pos < it.recheck) {
        active_[n++] = a;
      } else if (it.ranges.empty() || it.last() <= pos) {
        // ended
      } else if (CoversNow(it, pos)) {
        it.recheck = it.ranges[it.cursor].to;
        active_[n++] = a;
      } else {
        it.recheck = it.ranges[it.cursor].from;
        still_inactive_.push_back(a);
        regs |= uint32_t{1} << it.reg_index;
        min_recheck = std::min(min_recheck, it.recheck);
      }
    }
    active_.resize(n);
    if (pos < inactive_min_recheck_) {
      // No inactive interval changes state: inactive_ stays as it is, and
      // the last registers (a superset) stand.
      regs |= inactive_regs_;
      min_recheck = std::min(min_recheck, inactive_min_recheck_);
    } else {
      for (uint32_t bits = inactive_regs_; bits != 0; bits &= bits - 1) {
        const int r = __builtin_ctz(bits);
        std::vector<uint32_t>& l = inactive_[r];
        n = 0;
        for (const uint32_t a : l) {
          Interval& it = intervals_[a];
          if (pos < it.recheck) {
            l[n++] = a;
            min_recheck = std::min(min_recheck, it.recheck);
          } else if (it.ranges.empty() || it.last() <= pos) {
            // ended
          } else if (CoversNow(it, pos)) {
            it.recheck = it.ranges[it.cursor].to;
            active_.push_back(a);
          } else {
            it.recheck = it.ranges[it.cursor].from;
            l[n++] = a;
            min_recheck = std::min(min_recheck, it.recheck);
          }
        }
        l.resize(n);
        if (n != 0) regs |= uint32_t{1} << r;
      }
    }
    inactive_min_recheck_ = min_recheck;
    // (Backwards, each at its list's front: they keep active_'s order.)
    for (size_t k = still_inactive_.size(); k-- > 0;) {
      const uint32_t a = still_inactive_[k];
      std::vector<uint32_t>& l = inactive_[intervals_[a].reg_index];
      l.insert(l.begin(), a);
    }
    inactive_regs_ = regs;
    if (!TryAllocateFree(cur)) AllocateBlocked(cur);
  }
}

x64::Reg Allocator::HintFor(const Interval& it) const {
  if (hints_[it.vreg].is_valid()) return hints_[it.vreg];
  if (partner_begin_[it.vreg] == partner_begin_[it.vreg + 1]) return x64::Reg();  // (most vregs)
  // A vreg copied to or from this one: its register where the copy happens
  // (around this interval's start or end).
  const uint32_t probes[] = {it.start() == 0 ? 0 : it.start() - 1, it.start(), it.last() - 1,
                             it.last()};
  // Otherwise the register of a partner's first part in a register: for the
  // value a back edge passes to a loop-header parameter, the parameter's
  // register at the header (no move on the back edge then).
  x64::Reg fallback;
  uint32_t fallback_begin = kNone;
  for (uint32_t p : Partners(it.vreg)) {
    for (uint32_t i : vreg_parts_[p]) {
      const Interval& o = intervals_[i];
      if (!o.loc.is_reg() || o.ranges.empty()) continue;
      for (uint32_t q : probes) {
        if (o.begin <= q && q < o.end) return o.loc.reg;
      }
      if (o.begin < fallback_begin) {
        fallback = o.loc.reg;
        fallback_begin = o.begin;
      }
    }
  }
  return fallback;
}

uint32_t Allocator::ClobberIntersectionSlow(const Interval& it, const uint32_t* q) const {
  // A merge of the two increasing lists (the sentinel kNone is in no range).
  const uint32_t end = it.last();
  for (size_t i = 1; i < it.ranges.size() && *q < end; ++i) {
    const Range& r = it.ranges[i];
    while (*q < r.from) ++q;
    if (*q < r.to) return *q;
  }
  return kNone;
}

bool Allocator::TryAllocateFree(uint32_t cur) {
  const Interval& it = intervals_[cur];
  const uint32_t pos = it.start();
  const x64::RegClass cls = code_->Class(VReg(it.vreg));
  const int c = cls == x64::RegClass::kGpr ? 0 : 1;
  const std::vector<x64::Reg>& cands = candidates_[c];
  const uint8_t* cand_index = candidate_index_[c].data();
  const size_t num_cands = cands.size();
  // free_until[r]: the first position from pos on where r is taken (by an
  // active value: pos; an inactive one's next range; a fixed range; a
  // call's clobber). Worked out per register only when asked for (but for
  // the clobbers: one position for all registers): the hint or the first
  // candidate is usually free for all of cur, and then the others need no
  // look.
  std::array<uint32_t, 32> free_until;
  free_until.fill(kNone);
  // The calls' clobbers take the clobbered registers from `clobber` on (the
  // same position for all of them).
  const uint32_t clobber = ClobberIntersection(it);
  if (clobber != kNone) {
    for (uint32_t bits = clobber_mask_ & candidate_bits_[c]; bits != 0; bits &= bits - 1) {
      free_until[__builtin_ctz(bits)] = clobber;
    }
  }
  uint32_t known = 0;  // bit per Reg::index(): free_until is final
  for (uint32_t a : active_) {
    // (Entries of the other class are written but never read.)
    const int i = intervals_[a].reg_index;
    free_until[i] = 0;
    known |= uint32_t{1} << i;
  }
  known &= c == 0 ? 0x0000ffffu : 0xffff0000u;
  const uint32_t in_inactive = inactive_regs_;
  auto free_until_of = [&](int i) __attribute__((always_inline)) {
    if (known & (uint32_t{1} << i)) return free_until[i];
    known |= uint32_t{1} << i;
    if (in_inactive & (uint32_t{1} << i)) {
      for (uint32_t a : inactive_[i]) {
        const Interval& o = intervals_[a];
        const uint32_t x = FirstIntersectionFrom(o.ranges, o.cursor, it.ranges, pos);
        if (x != kNone) free_until[i] = std::min(free_until[i], x);
      }
    }
    const uint32_t x = FixedRangesIntersection(i, it, pos);
    if (x != kNone) free_until[i] = std::min(free_until[i], x);
    return free_until[i];
  };
  const uint32_t end = it.last();
  const x64::Reg hint = HintFor(it);
  if (hint.is_valid()) {
    const int h = hint.index();
    if (((candidate_bits_[c] >> h) & 1) && free_until_of(h) >= end) {
      AssignReg(cur, hint);
      return true;
    }
  }
  for (size_t k = 0; k < num_cands; ++k) {
    if (free_until_of(cand_index[k]) >= end) {
      AssignReg(cur, cands[k]);
      return true;
    }
  }
  // (Every candidate's free_until is known now.)
  // Free for a while: keep the register up to a split position before it is
  // taken, preferably after the last use before then.
  if (num_cands == 0) return false;
  size_t best_k = 0;
  for (size_t k = 1; k < num_cands; ++k) {
    if (free_until[cand_index[k]] > free_until[cand_index[best_k]]) best_k = k;
  }
  const x64::Reg best = cands[best_k];
  const uint32_t hi = free_until[cand_index[best_k]];
  if (hi <= pos) return false;
  const uint32_t last_use = LastRealUseBefore(it, hi);
  uint32_t s = kNone;
  if (last_use != kNone && last_use >= pos) s = SplitPosition(it, last_use + 1, hi, Prefer::kEarliest);
  if (s == kNone) s = SplitPosition(it, pos + 1, hi, Prefer::kLatest);
  if (s == kNone) return false;
  const uint32_t first_use = NextUse(it, pos, UseFilter::kWantsReg);
  if (first_use == kNone || first_use >= s) return false;  // nothing to gain
  const uint32_t rest = SplitAt(cur, s);
  AssignReg(cur, best);
  if (rest != kNone) Queue(rest);
  return true;
}

void Allocator::AllocateBlocked(uint32_t cur) {
  const uint32_t pos = intervals_[cur].start();
  const x64::RegClass cls = code_->Class(VReg(intervals_[cur].vreg));
  struct Choice {
    x64::Reg reg;
    uint64_t cost = 0;
    uint32_t nearest = kNone;  // the soonest next use among the evicted
    uint32_t split = kNone;    // where cur must give the register up again
  };
  Choice best;
  // The split for a fixed range met at `blocked` depends on that position
  // only, and registers often meet the same ones (the call-clobbered ones
  // the same call, the argument ones their argument moves): each position's
  // split is worked out once (split_memo). It is at or before `blocked`, so
  // it is needed only when cur has a use that wants a register before
  // `blocked` (looked up once); otherwise the register is of no use.
  std::array<std::pair<uint32_t, uint32_t>, 32> split_memo;  // (blocked, split)
  size_t split_memo_size = 0;
  uint32_t first_use = kNone;
  bool first_use_known = false;
  const uint32_t clobber = ClobberIntersection(intervals_[cur]);
  for (x64::Reg r : Candidates(cls)) {
    const Interval& it = intervals_[cur];
    Choice c;
    c.reg = r;
    const uint32_t blocked = FixedIntersection(r, it, pos, clobber);
    if (blocked != kNone && blocked <= pos) continue;
    if (blocked != kNone && blocked < it.last()) {
      if (!first_use_known) {
        first_use = NextUse(it, pos, UseFilter::kWantsReg);
        first_use_known = true;
      }
      if (first_use == kNone || first_use >= blocked) continue;
      size_t m = 0;
      while (m < split_memo_size && split_memo[m].first != blocked) ++m;
      if (m == split_memo_size) {
        uint32_t split_at = kNone;
        const uint32_t last_use = LastRealUseBefore(it, blocked);
        if (last_use != kNone && last_use >= pos) {
          split_at = SplitPosition(it, last_use + 1, blocked, Prefer::kEarliest);
        }
        if (split_at == kNone) split_at = SplitPosition(it, pos + 1, blocked, Prefer::kLatest);
        split_memo[split_memo_size++] = {blocked, split_at};
      }
      c.split = split_memo[m].second;
      if (c.split == kNone || first_use >= c.split) continue;
    }
    auto consider = [&](uint32_t a) {
      const UsePos* u = FirstUseFrom(intervals_[a], pos);
      c.cost += SpillCostOf(u, pos);
      if (u != nullptr) c.nearest = std::min(c.nearest, u->pos);
    };
    const int ri = r.index();
    for (uint32_t a : active_) {
      if (intervals_[a].reg_index == ri) consider(a);
    }
    for (uint32_t a : inactive_[ri]) {
      if (FirstIntersection(intervals_[a].ranges, it.ranges, pos) != kNone) {
        consider(a);
      }
    }
    if (!best.reg.is_valid() || c.cost < best.cost ||
        (c.cost == best.cost && c.nearest > best.nearest)) {
      best = c;
    }
  }
  const UsePos* const cur_use = FirstUseFrom(intervals_[cur], pos);
  const uint64_t cur_cost = SpillCostOf(cur_use, pos);
  const uint32_t cur_next = cur_use == nullptr ? kNone : cur_use->pos;
  if (!best.reg.is_valid() || cur_cost < best.cost ||
      (cur_cost == best.cost && cur_next > best.nearest)) {
    SpillUntilNextUse(cur, pos);
    return;
  }
  // Evict the values in best.reg: active ones are split at pos (or earlier,
  // out of loops, after their last use), their rest goes to the stack until
  // its next use; inactive ones are split in their hole.
  std::vector<uint32_t>& keep_active = still_active_;
  std::vector<uint32_t>& keep_inactive = still_inactive_;
  std::vector<uint32_t>& evict_active = evict_active_;
  std::vector<uint32_t>& evict_inactive = evict_inactive_;
  keep_active.clear();
  keep_inactive.clear();
  evict_active.clear();
  evict_inactive.clear();
  const int best_index = best.reg.index();
  for (uint32_t a : active_) {
    (intervals_[a].reg_index == best_index ? evict_active : keep_active).push_back(a);
  }
  for (uint32_t a : inactive_[best_index]) {
    const bool hit = FirstIntersection(intervals_[a].ranges, intervals_[cur].ranges, pos) != kNone;
    (hit ? evict_inactive : keep_inactive).push_back(a);
  }
  std::swap(active_, keep_active);
  std::swap(inactive_[best_index], keep_inactive);
  for (uint32_t a : evict_active) {
    const Interval& it = intervals_[a];
    const uint32_t last_use = LastRealUseBefore(it, pos);
    uint32_t s = kNone;
    if (last_use != kNone && last_use >= it.begin) {
      s = SplitPosition(it, last_use + 1, pos, Prefer::kEarliest);
    }
    if (s == kNone) s = SplitPosition(it, it.begin, pos, Prefer::kLatest);
    uint32_t rest = a;
    if (s != kNone && s > it.start()) rest = SplitAt(a, s);
    if (rest != kNone) SpillUntilNextUse(rest, pos);
  }
  for (uint32_t a : evict_inactive) {
    const Interval& it = intervals_[a];
    uint32_t next = kNone;
    for (const Range& r : it.ranges) {
      if (r.from > pos) {
        next = r.from;
        break;
      }
    }
    const uint32_t rest = SplitAt(a, next & ~1u);
    if (rest != kNone) Queue(rest);
  }
  if (best.split != kNone) {
    const uint32_t rest = SplitAt(cur, best.split);
    if (rest != kNone) Queue(rest);
  }
  AssignReg(cur, best.reg);
}

void Allocator::SpillUntilNextUse(uint32_t i, uint32_t after) {
  // The stack part ends at a split position before the first use after
  // `after` that wants a register; if no move can go there, before a later one.
  uint32_t t = kNone;
  for (const UsePos& u : Uses(intervals_[i])) {
    if (!u.wants_reg() || u.pos <= after) continue;
    t = SplitPosition(intervals_[i], after + 1, u.pos, Prefer::kLatest);
    if (t != kNone) break;
  }
  if (t == kNone) {
    AssignStack(i);
    return;
  }
  const uint32_t rest = SplitAt(i, t);
  AssignStack(i);
  if (rest != kNone) Queue(rest);
}

uint32_t Allocator::NewInterval(uint32_t vreg) {
  if (num_intervals_ == intervals_.size()) intervals_.emplace_back();
  Interval& it = intervals_[num_intervals_];
  it.vreg = vreg;
  it.ranges.clear();
  it.use_begin = it.use_end = 0;
  it.cursor = 0;
  it.recheck = 0;
  it.begin = it.end = 0;
  it.loc = Location();
  return num_intervals_++;
}

uint32_t Allocator::SplitAt(uint32_t i, uint32_t s) {
  // Is anything of intervals_[i] live from s on?
  if (intervals_[i].ranges.empty() || intervals_[i].last() <= s) {
    Interval& it = intervals_[i];
    it.end = s;
    while (it.use_end > it.use_begin && use_pool_[it.use_end - 1].pos >= s) --it.use_end;
    return kNone;
  }
  const uint32_t idx = NewInterval(intervals_[i].vreg);  // may move intervals_
  Interval& it = intervals_[i];
  Interval& rest = intervals_[idx];
  rest.begin = s;
  rest.end = it.end;
  it.end = s;
  // Ranges: the first one ending after s is cut there; it and all after it
  // move to `rest`.
  size_t k = 0;
  while (k < it.ranges.size() && it.ranges[k].to <= s) ++k;
  for (size_t m = k; m < it.ranges.size(); ++m) {
    Range r = it.ranges[m];
    if (r.from < s) r.from = s;
    rest.ranges.push_back(r);
  }
  if (k < it.ranges.size() && it.ranges[k].from < s) {
    it.ranges[k].to = s;
    ++k;
  }
  it.ranges.resize(k);
  // Uses are sorted: those at s and after move.
  uint32_t u = it.use_begin;
  while (u < it.use_end && use_pool_[u].pos < s) ++u;
  rest.use_begin = u;
  rest.use_end = it.use_end;
  it.use_end = u;
  vreg_parts_[rest.vreg].push_back(idx);
  return idx;
}

bool Allocator::LegalSplit(const Interval& it, uint32_t s) const {
  const uint32_t j = s / 2;
  if (j >= num_insts_) return false;
  if (block_start_[j] || safe_[j]) return true;
  return !(Covers(it.ranges, s - 1) && Covers(it.ranges, s));
}

uint32_t Allocator::SplitDepth(uint32_t s) const {
  const uint32_t j = s / 2;
  const uint32_t b = block_of_inst_[j];
  // A split at a loop header's start is a move on the loop's entry edges.
  if (block_start_[j] && is_header_[b] && depth_[b] > 0) return depth_[b] - 1;
  return depth_[b];
}

uint32_t Allocator::SplitPosition(const Interval& it, uint32_t lo, uint32_t hi,
                                  Prefer prefer) const {
  if (num_insts_ == 0) return kNone;
  hi = std::min(hi, 2 * (num_insts_ - 1));
  const uint32_t j_lo = (lo + 1) / 2;  // the first j with 2j >= lo
  if (hi < lo || hi / 2 < j_lo) return kNone;
  const uint32_t j_hi = hi / 2;
  uint32_t best = kNone, best_depth = kNone;
  auto consider = [&](uint32_t j, uint32_t depth) {
    if (depth < best_depth) {
      best = 2 * j;
      best_depth = depth;
    }
  };
  // Blocks are visited in the preferred direction; inside a block all
  // positions but its start have the block's depth, so only the first legal
  // one in that direction matters.
  if (prefer == Prefer::kLatest) {
    for (uint32_t j = j_hi;;) {
      const uint32_t b = block_of_inst_[j];
      const uint32_t first = block_first_[b];
      for (uint32_t k = j; k >= std::max(j_lo, first + 1) && k > first; --k) {
        if (LegalSplit(it, 2 * k)) {
          consider(k, depth_[b]);
          break;
        }
      }
      if (first >= j_lo) consider(first, split_start_depth_[split_layout_index_[b]]);
      if (best_depth == 0 || first <= j_lo || first == 0) break;
      // The blocks between whose every split depth is at least best_depth
      // cannot improve on best (ties go to the latest).
      const uint32_t q = split_layout_index_[b];
      const uint32_t prev =
          best_depth > split_max_depth_
              ? q - 1
              : split_prev_lower_[size_t{best_depth - 1} * split_layout_.size() + q];
      if (prev == kNone) break;
      const uint32_t pb = split_layout_[prev];
      const uint32_t prev_last =
          block_first_[pb] + static_cast<uint32_t>(code_->block(pb).insts.size()) - 1;
      if (prev_last < j_lo) break;
      j = prev_last;
    }
  } else {
    for (uint32_t j = j_lo; j <= j_hi;) {
      const uint32_t b = block_of_inst_[j];
      const uint32_t first = block_first_[b];
      const uint32_t end = first + static_cast<uint32_t>(code_->block(b).insts.size());
      if (j == first) consider(first, split_start_depth_[split_layout_index_[b]]);
      for (uint32_t k = std::max(j, first + 1); k < end && k <= j_hi; ++k) {
        if (LegalSplit(it, 2 * k)) {
          consider(k, depth_[b]);
          break;
        }
      }
      if (best_depth == 0) break;
      // As above: skip the blocks that cannot improve (ties go to the
      // earliest).
      const uint32_t q = split_layout_index_[b];
      const uint32_t next =
          best_depth > split_max_depth_
              ? q + 1
              : split_next_lower_[size_t{best_depth - 1} * split_layout_.size() + q];
      if (next == kNone || next >= split_layout_.size()) break;
      j = block_first_[split_layout_[next]];
    }
  }
  return best;
}

const UsePos* Allocator::FirstUseFrom(const Interval& it, uint32_t pos) const {
  // A few steps, then a binary search (long intervals have many uses).
  const UsePos* u = use_pool_.data() + it.use_begin;
  const UsePos* const end = use_pool_.data() + it.use_end;
  for (int step = 0; step < 4; ++step, ++u) {
    if (u == end) return nullptr;
    if (u->pos >= pos) return u;
  }
  u = std::lower_bound(u, end, pos, [](const UsePos& x, uint32_t p) { return x.pos < p; });
  return u == end ? nullptr : u;
}

uint32_t Allocator::NextUse(const Interval& it, uint32_t pos, UseFilter filter) const {
  const UsePos* u = FirstUseFrom(it, pos);
  if (u == nullptr) return kNone;
  if (filter == UseFilter::kAll) return u->pos;
  const UsePos* const end = use_pool_.data() + it.use_end;
  for (; u != end; ++u) {
    if (u->wants_reg()) return u->pos;
  }
  return kNone;
}

uint32_t Allocator::LastRealUseBefore(const Interval& it, uint32_t pos) const {
  const UsePos* const begin = use_pool_.data() + it.use_begin;
  const UsePos* u = FirstUseFrom(it, pos);
  if (u == nullptr) u = use_pool_.data() + it.use_end;
  while (u != begin) {
    --u;
    if (u->real()) return u->pos;
  }
  return kNone;
}

uint64_t Allocator::SpillCostOf(const UsePos* next, uint32_t pos) const {
  if (next == nullptr) return 0;
  // Inside the loop nest around pos: a reload at the use's depth. Beyond
  // it: a reload that can be placed outside the loop.
  const uint32_t horizon = outer_loop_end_[BlockOfPos(pos)];
  return horizon != kNone && next->pos < horizon ? next->weight : 1;
}

}  // namespace wasm::codegen::regalloc
