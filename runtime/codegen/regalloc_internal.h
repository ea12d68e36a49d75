// The register allocator's state, shared by its three files:
//   regalloc.cc          CFG, loops, allocation order, liveness, intervals
//   regalloc_scan.cc     the linear scan with splitting
//   regalloc_resolve.cc  spill slots, stores, split and edge moves
// The algorithm is described in regalloc.h.
#ifndef RUNTIME_CODEGEN_REGALLOC_INTERNAL_H_
#define RUNTIME_CODEGEN_REGALLOC_INTERNAL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "runtime/codegen/regalloc.h"
#include "runtime/codegen/vcode.h"
#include "runtime/x64/regs.h"

namespace wasm::codegen::regalloc {

inline constexpr uint32_t kNone = 0xffffffffu;

struct Range {
  uint32_t from, to;  // [from, to)
};
using Ranges = std::vector<Range>;

using RangeSpan = absl::Span<const Range>;

// Sorts and merges touching or overlapping ranges; NormalizeSpan leaves them
// at the front and returns how many.
void Normalize(Ranges& r);
size_t NormalizeSpan(absl::Span<Range> r);
bool Intersects(RangeSpan a, RangeSpan b);
// The first position >= `from` covered by both, or kNone.
uint32_t FirstIntersection(RangeSpan a, RangeSpan b, uint32_t from);
// The first index k >= i with r[k].to > p (ranges are sorted and disjoint,
// so `to` increases): a few steps, then a binary search, so that a short
// interval against a long one (a call-clobbered register's fixed ranges)
// costs O(log n), not O(n).
inline size_t SkipEndingBy(RangeSpan r, size_t i, uint32_t p) {
  for (int step = 0; step < 4; ++step, ++i) {
    if (i >= r.size() || r[i].to > p) return i;
  }
  return std::upper_bound(r.begin() + i, r.end(), p,
                          [](uint32_t q, const Range& x) { return q < x.to; }) -
         r.begin();
}
// FirstIntersectionFrom's general case.
uint32_t FirstIntersectionMulti(RangeSpan a, size_t a_begin, RangeSpan b, uint32_t from);
// FirstIntersection, skipping a's ranges before index `a_begin` (all of them
// end by `from`).
inline uint32_t FirstIntersectionFrom(RangeSpan a, size_t a_begin, RangeSpan b, uint32_t from) {
  if (b.size() != 1) return FirstIntersectionMulti(a, a_begin, b, from);
  // (The common case: b is one range. FirstIntersectionMulti would do the
  // same steps: skip a's ranges ending by lo, then compare one.)
  const uint32_t lo = std::max(from, b[0].from);
  if (lo >= b[0].to) return kNone;
  const size_t i = SkipEndingBy(a, a_begin, lo);
  return i < a.size() && a[i].from < b[0].to ? std::max(a[i].from, lo) : kNone;
}
bool Covers(RangeSpan r, uint32_t pos);

// A fixed-size set of vreg numbers (liveness).
class BitSet {
 public:
  BitSet() = default;
  explicit BitSet(uint32_t n) : words_((n + 63) / 64, 0) {}
  bool operator[](uint32_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  void Set(uint32_t i) { words_[i / 64] |= uint64_t{1} << (i % 64); }
  // Makes this an empty set of n elements, reusing its storage.
  void Reset(uint32_t n) { words_.assign((n + 63) / 64, 0); }
  void Clear() { std::fill(words_.begin(), words_.end(), 0); }
  bool operator==(const BitSet& o) const { return words_ == o.words_; }
  // this |= o
  void Union(const BitSet& o) {
    for (size_t w = 0; w < words_.size(); ++w) words_[w] |= o.words_[w];
  }
  // this &= o
  void Intersect(const BitSet& o) {
    for (size_t w = 0; w < words_.size(); ++w) words_[w] &= o.words_[w];
  }
  template <typename F>
  void ForEach(F f) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        f(static_cast<uint32_t>(64 * w + __builtin_ctzll(bits)));
      }
    }
  }
  // this = gen | (out & ~kill)
  void Transfer(const BitSet& gen, const BitSet& out, const BitSet& kill) {
    for (size_t w = 0; w < words_.size(); ++w) {
      words_[w] = gen.words_[w] | (out.words_[w] & ~kill.words_[w]);
    }
  }

 private:
  std::vector<uint64_t> words_;
};

// One bit set per row (per block: liveness), in one buffer.
class BitMatrix {
 public:
  // Makes this `rows` empty sets of `bits` elements, reusing its storage.
  void Reset(uint32_t rows, uint32_t bits) {
    words_per_row_ = (bits + 63) / 64;
    const size_t n = size_t{rows} * words_per_row_;
    if (n > words_.size()) {
      words_.clear();
      words_.resize(n);  // zeroed
    } else {
      words_.resize(n);
      if (n > 0) std::memset(words_.data(), 0, n * sizeof(uint64_t));
    }
  }
  // The same, the sets' contents unspecified (each row is written before
  // it is read): no zeroing.
  void ResetUninitialized(uint32_t rows, uint32_t bits) {
    words_per_row_ = (bits + 63) / 64;
    const size_t n = size_t{rows} * words_per_row_;
    if (n > words_.size()) words_.resize(n);
  }
  uint32_t words_per_row() const { return words_per_row_; }
  size_t num_words() const { return words_.size(); }
  uint64_t* Row(uint32_t r) { return words_.data() + size_t{r} * words_per_row_; }
  const uint64_t* Row(uint32_t r) const { return words_.data() + size_t{r} * words_per_row_; }
  bool Test(uint32_t r, uint32_t i) const { return (Row(r)[i / 64] >> (i % 64)) & 1; }
  void Set(uint32_t r, uint32_t i) { Row(r)[i / 64] |= uint64_t{1} << (i % 64); }
  template <typename F>
  void ForEach(uint32_t r, F f) const {
    const uint64_t* row = Row(r);
    for (uint32_t w = 0; w < words_per_row_; ++w) {
      for (uint64_t bits = row[w]; bits != 0; bits &= bits - 1) {
        f(static_cast<uint32_t>(64 * w + __builtin_ctzll(bits)));
      }
    }
  }

 private:
  std::vector<uint64_t> words_;
  uint32_t words_per_row_ = 0;
};

// Makes the first n containers of v empty (growing v if needed), keeping
// their storage; those from n on are spare storage (stale, never read), so
// that buffers survive from function to function even when a smaller one
// comes between.
template <typename V>
void ResetEach(std::vector<V>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  for (size_t i = 0; i < n; ++i) v[i].clear();
}

struct UsePos {
  enum class Kind : uint8_t {
    kReg,   // an instruction operand: served from a register, or reloaded into a scratch one
    kAny,   // a parallel-move operand: a stack slot is as good as a register
    kLoop,  // not an operand: a loop's pseudo-use at a latch end
  };
  uint32_t pos;
  uint32_t weight;  // 10^loop depth (at most 10^8)
  Kind kind;
  bool real() const { return kind != Kind::kLoop; }
  bool wants_reg() const { return kind == Kind::kReg; }
};

// One interval being allocated: a part of one vreg's life.
struct Interval {
  uint32_t vreg = 0;
  Ranges ranges;  // non-empty while queued or assigned
  // Its uses: Allocator::use_pool_[use_begin, use_end), sorted, within [begin, end).
  uint32_t use_begin = 0, use_end = 0;
  // During the scan: ranges before this index ended by the current position;
  // while active or inactive, the position where that may change.
  uint32_t cursor = 0;
  uint32_t recheck = 0;
  uint32_t begin = 0, end = 0;  // owned positions (see LivePart)
  Location loc;
  // loc.reg.index() once in a register (AssignReg): the scan compares
  // registers by it.
  uint8_t reg_index = 0;
  uint32_t start() const { return ranges.front().from; }
  uint32_t last() const { return ranges.back().to; }
};

class Allocator {
 public:
  // One Allocator serves function after function: its buffers (per block,
  // per vreg, per interval) keep their capacity from run to run, so that a
  // function's allocation costs few heap allocations.
  absl::StatusOr<RegAllocResult> Run(const VCode& code, const RegAllocOptions& options);
  // Whether the buffers are big enough to be worth giving back (after a
  // huge function).
  bool Oversized() const;

 private:
  // ---- regalloc.cc ----
  void AnalyzeCfg();
  void ComputeLoops();
  void ComputeOrder();
  void ComputeLiveness();
  void ComputeLoopPseudoUses();
  void BuildIntervals();
  void FinishIntervals();
  uint64_t Weight(uint32_t block) const;
  uint32_t BlockOfPos(uint32_t pos) const { return block_of_inst_[pos / 2]; }

  // ---- regalloc_scan.cc ----
  void Scan();
  // A new interval of `vreg` with no ranges or uses (storage reused).
  uint32_t NewInterval(uint32_t vreg);
  const std::vector<x64::Reg>& Candidates(x64::RegClass cls) const;
  bool TryAllocateFree(uint32_t cur);
  void AllocateBlocked(uint32_t cur);
  // FirstIntersection(fixed ranges of r, it.ranges, pos) for the scan's
  // current pos (it's start): fixed_[r], and the clobbers if r is in
  // clobber_mask_; `clobber` is ClobberIntersection(it) (the same for all
  // registers: worked out once per interval).
  __attribute__((always_inline)) uint32_t FixedIntersection(x64::Reg r, const Interval& it,
                                                            uint32_t pos, uint32_t clobber) {
    const uint32_t x = FixedRangesIntersection(r.index(), it, pos);
    return (clobber_mask_ >> r.index()) & 1 ? std::min(x, clobber) : x;
  }
  // The first of the clobber positions (clobber_pos_) in it.ranges, from
  // it's start on (the scan's current position); kNone if none. The common
  // case (no call before it ends, or it has one range) costs a few
  // instructions.
  __attribute__((always_inline)) uint32_t ClobberIntersection(const Interval& it) {
    const uint32_t pos = it.start();
    // The scan's positions only grow: the cursor passes each call once per
    // function.
    if (pos < clobber_cursor_pos_) clobber_cursor_ = 0;  // (not expected: a safety net)
    clobber_cursor_pos_ = pos;
    const uint32_t* q = clobber_pos_.data() + clobber_cursor_;
    while (*q < pos) ++q;  // (ends at the kNone sentinel)
    clobber_cursor_ = static_cast<uint32_t>(q - clobber_pos_.data());
    if (*q >= it.last()) return kNone;
    if (*q < it.ranges[0].to) return *q;
    return ClobberIntersectionSlow(it, q);
  }
  // ClobberIntersection's general case: `q` is the first clobber position
  // from it's start on, which is in none of its first range.
  uint32_t ClobberIntersectionSlow(const Interval& it, const uint32_t* q) const;
  // FirstIntersection(fixed_[reg_index], it.ranges, pos).
  uint32_t FixedRangesIntersection(int reg_index, const Interval& it, uint32_t pos) {
    // The scan's positions only grow: a cursor per register skips the fixed
    // ranges that ended, so each is passed once per function.
    if (pos < fixed_cursor_pos_) fixed_cursor_.fill(0);  // (not expected: a safety net)
    fixed_cursor_pos_ = pos;
    const Ranges& f = fixed_[reg_index];
    uint32_t& c = fixed_cursor_[reg_index];
    while (c < f.size() && f[c].to <= pos) ++c;
    if (c == f.size() || f[c].from >= it.last()) return kNone;
    // f[c] meets it's first range, which holds pos (pos is it's start when
    // the scan asks): the common case (one range from pos on), and f's
    // earlier ranges end by pos.
    if (it.ranges[0].from <= pos && (it.ranges.size() == 1 || f[c].from < it.ranges[0].to)) {
      return std::max(f[c].from, pos);
    }
    return FirstIntersectionFrom(f, c, it.ranges, pos);
  }
  // Splits interval `i` at even position `s`: `i` keeps [begin, s), the
  // returned new interval owns [s, end) (kNone when nothing of it is live).
  uint32_t SplitAt(uint32_t i, uint32_t s);
  // An even split position in [lo, hi] where a move for `it` may go, at the
  // smallest loop depth; among those the latest (where a value takes a
  // register: reload as late as possible) or the earliest (where it gives
  // one up: on the stack early, so that later block boundaries see it
  // there on every incoming edge). kNone if there is none.
  enum class Prefer : uint8_t { kLatest, kEarliest };
  uint32_t SplitPosition(const Interval& it, uint32_t lo, uint32_t hi, Prefer prefer) const;
  bool LegalSplit(const Interval& it, uint32_t s) const;
  uint32_t SplitDepth(uint32_t s) const;
  // Puts interval `i` on the stack from its start until a split position
  // before its first use after `after` that wants a register; the rest is
  // queued.
  void SpillUntilNextUse(uint32_t i, uint32_t after);
  // The first of `it`'s uses at `pos` or later (nullptr: none).
  const UsePos* FirstUseFrom(const Interval& it, uint32_t pos) const;
  // Spill cost of taking an interval's register at `pos`, given its first
  // use from pos on (FirstUseFrom).
  uint64_t SpillCostOf(const UsePos* next, uint32_t pos) const;
  enum class UseFilter : uint8_t { kAll, kWantsReg };
  uint32_t NextUse(const Interval& it, uint32_t pos, UseFilter filter) const;
  uint32_t LastRealUseBefore(const Interval& it, uint32_t pos) const;
  void Queue(uint32_t i);
  // Covers(it.ranges, pos), advancing it.cursor (pos grows during the scan).
  static bool CoversNow(Interval& it, uint32_t pos) {
    uint32_t c = std::min<uint32_t>(it.cursor, static_cast<uint32_t>(it.ranges.size()));
    if (c > 0 && it.ranges[c - 1].to > pos) c = 0;  // (not expected: a safety net)
    while (c < it.ranges.size() && it.ranges[c].to <= pos) ++c;
    it.cursor = c;
    return c < it.ranges.size() && it.ranges[c].from <= pos;
  }
  void AssignReg(uint32_t i, x64::Reg r);
  void AssignStack(uint32_t i);
  x64::Reg HintFor(const Interval& it) const;

  // ---- regalloc_resolve.cc ----
  absl::Status Resolve();
  // The error for the first interval (by index) with ranges and no place.
  absl::Status UnallocatedError() const;
  // Where `vreg` is at `pos` (result_.At by position).
  Location LocAt(uint32_t vreg, uint32_t pos) const {
    const LivePart* first = result_.parts.data() + result_.parts_begin[vreg];
    const LivePart* last = result_.parts.data() + result_.parts_begin[vreg + 1];
    if (last - first == 1) return first->begin <= pos && pos < first->end ? first->loc : Location();
    const LivePart* it = std::upper_bound(
        first, last, pos, [](uint32_t p, const LivePart& x) { return p < x.begin; });
    if (it == first) return Location();
    --it;
    return pos < it->end ? it->loc : Location();
  }
  void AssignSlots();

  const VCode* code_ = nullptr;
  RegAllocOptions options_;

  // CFG and order.
  std::vector<std::vector<uint32_t>> succs_, preds_;  // distinct
  std::vector<uint32_t> rpo_;
  std::vector<uint32_t> order_;             // allocation order of blocks
  std::vector<uint32_t> depth_;             // per block
  std::vector<bool> is_header_;             // per block
  std::vector<uint32_t> outer_loop_end_;    // per block: end position of its outermost loop, or kNone
  struct Loop {
    uint32_t header;
    std::vector<uint32_t> latches;
    std::vector<uint8_t> body;     // per block: 1 if in the loop
    std::vector<uint32_t> blocks;  // the blocks in the loop, by index
  };
  // [0, num_loops_) in use; the rest: spare storage.
  std::vector<Loop> loops_;
  uint32_t num_loops_ = 0;
  absl::Span<Loop> Loops() { return absl::MakeSpan(loops_).subspan(0, num_loops_); }
  absl::Span<const Loop> Loops() const {
    return absl::MakeConstSpan(loops_).subspan(0, num_loops_);
  }
  // Scratch of AnalyzeCfg, ComputeLoops, ComputeOrder, ComputeLiveness.
  std::vector<uint8_t> dfs_state_;
  std::vector<uint32_t> post_, work_, rpo_index_, loop_size_, loop_parent_, innermost_;
  std::vector<std::pair<uint32_t, uint32_t>> dfs_stack_;
  std::vector<uint32_t> members_, members_begin_;  // per loop: its reachable blocks in RPO
  std::vector<uint8_t> placed_;
  std::vector<uint32_t> block_labels_, open_labels_;
  std::vector<uint32_t> block_first_;    // per block: first instruction number
  std::vector<uint32_t> block_of_inst_;  // per instruction number
  std::vector<uint8_t> block_start_;     // per instruction number (+1 for the end)
  std::vector<uint8_t> safe_;            // per instruction number: a move may go before it
  std::vector<uint8_t> has_parallel_move_;  // per block
  uint32_t num_insts_ = 0;

  // Per instruction number: its operands (ForEachVOperand), in ops_.
  std::vector<VOperand> ops_;
  std::vector<uint32_t> ops_begin_;  // per instruction number, + the end
  absl::Span<const VOperand> Operands(uint32_t inst) const {
    return absl::MakeConstSpan(ops_).subspan(ops_begin_[inst], ops_begin_[inst + 1] - ops_begin_[inst]);
  }

  // Liveness and intervals. Only a global vreg (one read in some block
  // before any def there: upward-exposed) can be live into or out of a
  // block; the others are block-local temporaries. The liveness sets are
  // over the globals alone, by their dense index (global_index_[v], kNone
  // for a local vreg; globals_[g] is the vreg; by increasing vreg).
  std::vector<uint32_t> global_index_, globals_;
  BitMatrix gen_, kill_, live_in_, live_out_;  // per block, over globals
  std::vector<uint64_t> zero_row_;  // ComputeLiveness: an empty row
  // ComputeLiveness: per vreg, the block of its latest def so far; the
  // upward-exposed uses (gen) and first defs in a block (kill) as
  // (block, vreg) pairs, the kill ones with kKillEvent set in the vreg.
  static constexpr uint32_t kKillEvent = 0x80000000u;
  std::vector<uint32_t> def_stamp_;
  std::vector<std::pair<uint32_t, uint32_t>> live_events_;
  // Whether `v` is live into block b.
  bool LiveIn(uint32_t b, uint32_t v) const {
    const uint32_t g = global_index_[v];
    return g != kNone && live_in_.Test(b, g);
  }
  // Per loop: the globals given a pseudo-use at the end of each latch; per
  // block: the loops it is a latch of (latch_loops_[latch_loops_begin_[b], [b + 1])).
  BitMatrix loop_wanted_;
  std::vector<uint32_t> latch_loops_, latch_loops_begin_;
  // BuildIntervals' records, in walk order, and its per-vreg state.
  struct RangeRec {
    uint32_t vreg;
    Range range;
  };
  std::vector<RangeRec> range_recs_;
  std::vector<int64_t> walk_end_;
  std::vector<uint32_t> walk_block_defs_;
  std::vector<uint32_t> walk_first_to_;
  std::vector<uint32_t> walk_block_, walk_multi_def_, walk_last_rec_;
  // Per vreg, its whole life: range_pool_[range_begin_[v], range_end_[v]),
  // sorted and merged (range_end_[v] <= range_begin_[v + 1]).
  std::vector<Range> range_pool_;
  std::vector<uint32_t> range_begin_, range_end_;
  RangeSpan VregRanges(uint32_t v) const {
    return absl::MakeConstSpan(range_pool_).subspan(range_begin_[v], range_end_[v] - range_begin_[v]);
  }
  // Per vreg, its uses by position: use_pool_[use_begin_[v], use_begin_[v + 1]).
  std::vector<UsePos> use_pool_;
  std::vector<uint32_t> use_begin_, use_fill_;
  absl::Span<const UsePos> Uses(const Interval& it) const {
    return absl::MakeConstSpan(use_pool_).subspan(it.use_begin, it.use_end - it.use_begin);
  }
  // Per vreg (ComputeLiveness): the block holding all its defs (kNone: none,
  // kMultiple: several) and its last def's position.
  static constexpr uint32_t kMultiple = kNone - 1;
  std::vector<uint32_t> def_block_;
  std::vector<uint32_t> last_def_;
  std::vector<x64::Reg> hints_;               // per vreg: a physical register
  std::vector<uint64_t> hint_rank_;           // per vreg: BuildIntervals' choice among hints
  // Per vreg: vregs copied to / from it (partner_pool_[partner_begin_[v], partner_begin_[v + 1])).
  std::vector<uint32_t> partner_pool_, partner_begin_;
  absl::Span<const uint32_t> Partners(uint32_t v) const {
    return absl::MakeConstSpan(partner_pool_).subspan(partner_begin_[v],
                                                      partner_begin_[v + 1] - partner_begin_[v]);
  }
  struct PartnerMove {
    uint32_t dst, src;
    uint64_t weight;
  };
  std::vector<PartnerMove> partner_moves_;    // block-parameter moves
  std::vector<Ranges> fixed_;                 // per Reg::index()
  std::array<uint32_t, 32> fixed_cursor_{};   // per Reg::index(): see FixedRangesIntersection
  uint32_t fixed_cursor_pos_ = 0;
  // The calls' clobbers are kept once rather than as a one-position fixed
  // range per register: clobber_pos_ holds, in increasing order, the
  // position (odd: its defs) of each call whose allocatable extra_defs are
  // clobber_mask_ (the first such set met with kMinClobberMask registers or
  // more), then a kNone sentinel; every register of clobber_mask_ is taken
  // there. Other extra_defs sets, and a clobbered register's range from the
  // call on to a later use, are in the register's own fixed ranges.
  std::vector<uint32_t> clobber_pos_;
  uint32_t clobber_mask_ = 0;
  uint32_t clobber_cursor_ = 0;               // see ClobberIntersection
  uint32_t clobber_cursor_pos_ = 0;
  std::vector<x64::Reg> candidates_[2];       // per class: allocatable, in preference order
  uint32_t candidate_bits_[2] = {0, 0};       // per class: candidates_ as bits per Reg::index()
  std::array<uint8_t, 32> candidate_index_[2]{};  // per class: candidates_' Reg::index()

  // Scan state.
  std::vector<Interval> intervals_;  // [0, num_intervals_) in use; the rest: spare storage
  uint32_t num_intervals_ = 0;
  std::vector<std::vector<uint32_t>> vreg_parts_;  // per vreg: interval indexes
  // Intervals to allocate, as HeapKey(start, interval): the initial ones
  // sorted (from initial_next_ on), the split-off ones a min-heap.
  std::vector<uint64_t> initial_, unhandled_;
  size_t initial_next_ = 0;
  std::vector<uint32_t> active_;
  // The inactive intervals, per Reg::index() of their register. Only the
  // order among one register's intervals is observable (eviction order
  // decides interval numbers), and each list keeps it: an interval that
  // goes inactive comes before those already there, in active_'s order.
  std::array<std::vector<uint32_t>, 32> inactive_;
  uint32_t scan_pos_ = 0;        // the position of the last interval taken
  uint32_t inactive_regs_ = 0;   // bit per Reg::index(): a superset of the non-empty inactive_ lists
  // At most the lowest `recheck` of inactive_ (0: look at all of them).
  uint32_t inactive_min_recheck_ = 0;
  // SplitPosition's block skipping (built by Scan): the blocks with
  // instructions in allocation order, each one's index there, and per depth
  // d in [1, split_max_depth_] (row d - 1) the nearest block before / after
  // each whose start's split depth is below d (kNone: none).
  std::vector<uint32_t> split_layout_, split_layout_index_, split_prev_lower_, split_next_lower_;
  std::vector<uint32_t> split_start_depth_;  // per layout index: SplitDepth at the block's start
  uint32_t split_max_depth_ = 0;
  // Scan's and AllocateBlocked's scratch.
  std::vector<uint32_t> still_active_, still_inactive_, evict_active_, evict_inactive_;

  std::vector<uint32_t> split_list_;  // Resolve: the vregs with several parts
  std::vector<std::pair<uint64_t, uint32_t>> resolve_sorted_;  // Resolve: moves by place
  // Resolve's edge moves: per block, the edges into it (in_begin_); per
  // block in allocation order, its start; a segment tree of predecessor
  // ends; the moves found, by (edge, vreg).
  struct EdgeIn {
    uint32_t p, edge, end_pos;
  };
  struct EdgeFound {
    uint32_t p, s;
    Location from, to;
  };
  std::vector<EdgeIn> resolve_in_edges_;
  std::vector<uint32_t> resolve_in_begin_, resolve_starts_, resolve_seg_min_, resolve_seg_max_;
  std::vector<EdgeFound> resolve_found_;
  std::vector<std::pair<uint64_t, uint32_t>> resolve_found_order_;
  // Resolve: per instruction number j (+ 1 past the end), the first layout
  // index whose block starts at j or later.
  std::vector<uint32_t> resolve_first_layout_;
  // Resolve's candidate moves: (block, inst, order) → moves. Order 0: split
  // moves before an instruction; 1: edge moves; 2: stores after a def.
  struct PendingMove {
    uint32_t block, inst, order;
    AllocMove move;
    uint64_t weight;
  };
  std::vector<PendingMove> resolve_pending_;
  std::vector<uint32_t> resolve_kept_;
  std::vector<uint8_t> resolve_slot_valid_;           // per vreg
  std::vector<uint64_t> resolve_transition_weight_;  // per vreg
  // AssignSlots' scratch.
  std::vector<uint8_t> slot_spilled_;
  std::vector<uint32_t> slot_spilled_list_, slot_group_, slot_roots_, slot_of_root_;
  std::vector<Ranges> slot_group_ranges_, slot_ranges_;
  Ranges slot_merge_;
  std::vector<PartnerMove> slot_moves_;

  RegAllocResult result_;
};

}  // namespace wasm::codegen::regalloc

#endif  // RUNTIME_CODEGEN_REGALLOC_INTERNAL_H_
