// Register allocation, part 3: from allocated intervals to the result —
// parts per vreg, spill slots, stores, and the moves at split positions and
// on CFG edges (regalloc.h, steps 6 and 7).
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/codegen/regalloc_internal.h"

namespace wasm::codegen::regalloc {

// One slot per vreg with a stack part. Vregs joined by a block-parameter
// move share a slot when their lives do not intersect (heaviest moves
// first), so that the move vanishes when both sides are on the stack; the
// groups then share slots first-fit when their lives do not intersect.
void Allocator::AssignSlots() {
  const uint32_t nv = result_.num_vregs();
  std::vector<uint8_t>& spilled = slot_spilled_;
  spilled.assign(nv, 0);
  // The vregs with a stack part, ascending; only their entries of the
  // per-vreg buffers below are written or read.
  std::vector<uint32_t>& spilled_list = slot_spilled_list_;
  spilled_list.clear();
  for (uint32_t v = 0; v < nv; ++v) {
    for (const LivePart& p : result_.Parts(v)) {
      if (p.loc.is_slot()) {
        spilled[v] = 1;
        spilled_list.push_back(v);
        break;
      }
    }
  }
  result_.num_spilled_vregs = static_cast<uint32_t>(spilled_list.size());
  result_.num_spill_slots = 0;
  if (spilled_list.empty()) return;
  std::vector<uint32_t>& group = slot_group_;
  std::vector<Ranges>& group_ranges = slot_group_ranges_;
  if (group.size() < nv) group.resize(nv);
  if (group_ranges.size() < nv) group_ranges.resize(nv);
  for (uint32_t v : spilled_list) {
    group[v] = v;
    const RangeSpan r = VregRanges(v);
    group_ranges[v].assign(r.begin(), r.end());
  }
  auto find = [&](uint32_t v) {
    while (group[v] != v) v = group[v] = group[group[v]];
    return v;
  };
  std::vector<PartnerMove>& moves = slot_moves_;
  moves.clear();
  for (const PartnerMove& m : partner_moves_) {
    if (spilled[m.dst] && spilled[m.src]) moves.push_back(m);
  }
  std::stable_sort(moves.begin(), moves.end(),
                   [](const PartnerMove& a, const PartnerMove& b) { return a.weight > b.weight; });
  for (const PartnerMove& m : moves) {
    const uint32_t a = find(m.dst), b = find(m.src);
    if (a == b || Intersects(group_ranges[a], group_ranges[b])) continue;
    group[b] = a;
    group_ranges[a].insert(group_ranges[a].end(), group_ranges[b].begin(), group_ranges[b].end());
    Normalize(group_ranges[a]);
    group_ranges[b].clear();
  }
  std::vector<uint32_t>& roots = slot_roots_;
  roots.clear();
  for (uint32_t v : spilled_list) {
    if (find(v) == v) roots.push_back(v);
  }
  std::sort(roots.begin(), roots.end(), [&](uint32_t a, uint32_t b) {
    return group_ranges[a][0].from < group_ranges[b][0].from;
  });
  std::vector<Ranges>& slot_ranges = slot_ranges_;
  uint32_t num_slots = 0;
  std::vector<uint32_t>& slot_of_root = slot_of_root_;
  if (slot_of_root.size() < nv) slot_of_root.resize(nv);  // (read for roots only)
  for (uint32_t g : roots) {
    const Ranges& gr = group_ranges[g];
    uint32_t chosen = kNone;
    for (uint32_t s = 0; s < num_slots && chosen == kNone; ++s) {
      // (A slot whose last range ends by g's start is free. Otherwise its
      // ranges that end by then are skipped by a binary search.)
      if (slot_ranges[s].back().to <= gr.front().from ||
          FirstIntersectionFrom(slot_ranges[s], 0, gr, gr.front().from) == kNone) {
        chosen = s;
      }
    }
    if (chosen == kNone) {
      chosen = num_slots++;
      if (slot_ranges.size() < num_slots) slot_ranges.emplace_back();
      slot_ranges[chosen].clear();
    }
    // Both are sorted and merged, and they do not intersect: merged in one
    // pass (what Normalize would give).
    Ranges& sr = slot_ranges[chosen];
    if (sr.empty() || sr.back().to < gr.front().from) {
      sr.insert(sr.end(), gr.begin(), gr.end());
    } else {
      Ranges& merged = slot_merge_;
      merged.clear();
      size_t a = 0, b = 0;
      while (a < sr.size() || b < gr.size()) {
        const Range x = b == gr.size() || (a < sr.size() && sr[a].from < gr[b].from) ? sr[a++]
                                                                                    : gr[b++];
        if (!merged.empty() && x.from <= merged.back().to) {
          merged.back().to = std::max(merged.back().to, x.to);
        } else {
          merged.push_back(x);
        }
      }
      std::swap(sr, merged);
    }
    slot_of_root[g] = chosen;
  }
  for (uint32_t v : spilled_list) {
    for (uint32_t k = result_.parts_begin[v]; k < result_.parts_begin[v + 1]; ++k) {
      LivePart& p = result_.parts[k];
      if (p.loc.is_slot()) p.loc.slot = slot_of_root[find(v)];
    }
  }
  result_.num_spill_slots = num_slots;
}

absl::Status Allocator::UnallocatedError() const {
  for (uint32_t i = 0; i < num_intervals_; ++i) {
    const Interval& it = intervals_[i];
    if (!it.ranges.empty() && it.loc.kind == Location::Kind::kNone) {
      return absl::InternalError(absl::StrCat("unallocated interval of ", VRegName(VReg(it.vreg))));
    }
  }
  return absl::InternalError("unallocated interval");
}

absl::Status Allocator::Resolve() {
  const uint32_t nv = code_->num_vregs();
  const uint32_t nb = code_->num_blocks();
  // Parts by vreg (vreg_parts_ lists each vreg's intervals), each vreg's
  // sorted by position (their [begin, end) are disjoint and non-empty).
  // The vregs with several parts (ascending) are listed: only they can need
  // split or edge moves.
  std::vector<uint32_t>& pb = result_.parts_begin;
  std::vector<LivePart>& parts = result_.parts;
  pb.resize(nv + 1);
  parts.clear();
  parts.reserve(num_intervals_);
  std::vector<uint32_t>& split_list = split_list_;
  split_list.clear();
  for (uint32_t v = 0; v < nv; ++v) {
    const uint32_t first = static_cast<uint32_t>(parts.size());
    pb[v] = first;
    for (uint32_t i : vreg_parts_[v]) {
      const Interval& it = intervals_[i];
      if (it.ranges.empty()) continue;
      if (it.loc.kind == Location::Kind::kNone) return UnallocatedError();
      parts.push_back(LivePart{it.begin, it.end, it.loc});
    }
    LivePart* ps = parts.data() + first;
    const uint32_t n = static_cast<uint32_t>(parts.size()) - first;
    if (n > 1) {
      ++result_.num_split_vregs;
      split_list.push_back(v);
    }
    for (uint32_t i = 1; i < n; ++i) {
      const LivePart x = ps[i];
      uint32_t j = i;
      for (; j > 0 && x.begin < ps[j - 1].begin; --j) ps[j] = ps[j - 1];
      ps[j] = x;
    }
    for (uint32_t i = 0; i < n; ++i) {
      if (ps[i].loc.is_reg() && x64::kSysVCalleeSaved.Contains(ps[i].loc.reg)) {
        result_.callee_saved_used.Add(ps[i].loc.reg);
      }
    }
  }
  pb[nv] = static_cast<uint32_t>(parts.size());
  AssignSlots();

  // Candidate moves (PendingMove).
  using Pending = PendingMove;
  std::vector<Pending>& pending = resolve_pending_;
  pending.clear();
  for (uint32_t v : split_list) {
    const absl::Span<const LivePart> ps = result_.Parts(v);
    for (size_t k = 1; k < ps.size(); ++k) {
      const uint32_t s = ps[k].begin;
      if (ps[k - 1].end != s || ps[k - 1].loc == ps[k].loc) continue;
      const uint32_t j = s / 2;
      if (j >= num_insts_ || block_start_[j]) continue;  // block starts: edge moves
      if (!Covers(VregRanges(v), s - 1) || !Covers(VregRanges(v), s)) continue;
      const uint32_t b = block_of_inst_[j];
      pending.push_back({b, j - block_first_[b], 0, {VReg(v), ps[k - 1].loc, ps[k].loc}, Weight(b)});
    }
  }
  // Edge moves. Only split vregs can be in different places on the two
  // sides: a vreg live on an edge has ranges covering both ends, and one
  // part covers all its ranges. A vreg's place differs on an edge only when
  // the edge's ends lie in different parts: per part, the blocks starting
  // in it that have a predecessor ending outside it are found in a segment
  // tree over the blocks in allocation order (each node: the lowest and
  // highest end of its blocks' predecessors), so the work follows the part
  // boundaries, not the edges times the vregs live on them.
  // Edges are numbered by (predecessor, its successor order), the order in
  // which the moves are listed; blocks without instructions have no edges.
  std::vector<uint32_t>& in_begin = resolve_in_begin_;
  std::vector<EdgeIn>& in_edges = resolve_in_edges_;
  in_begin.assign(nb + 2, 0);
  for (uint32_t p = 0; p < nb; ++p) {
    if (code_->block(p).insts.empty()) continue;
    for (uint32_t s : succs_[p]) ++in_begin[s + 2];
  }
  for (uint32_t b = 0; b < nb; ++b) in_begin[b + 2] += in_begin[b + 1];
  in_edges.resize(in_begin[nb + 1]);
  uint32_t num_edges = 0;
  for (uint32_t p = 0; p < nb; ++p) {
    const uint32_t n = static_cast<uint32_t>(code_->block(p).insts.size());
    if (n == 0) continue;
    const uint32_t end_pos = 2 * (block_first_[p] + n) - 1;
    for (uint32_t s : succs_[p]) in_edges[in_begin[s + 1]++] = {p, num_edges++, end_pos};
  }
  // in_edges[in_begin[s], in_begin[s + 1]): the edges into s, by number.
  const uint32_t nl = static_cast<uint32_t>(order_.size());
  std::vector<uint32_t>& starts = resolve_starts_;  // per layout index
  starts.resize(nl);
  uint32_t size = 1;
  while (size < nl) size *= 2;
  std::vector<uint32_t>& seg_min = resolve_seg_min_;
  std::vector<uint32_t>& seg_max = resolve_seg_max_;
  seg_min.assign(2 * size, kNone);
  seg_max.assign(2 * size, 0);
  for (uint32_t i = 0; i < nl; ++i) {
    const uint32_t s = order_[i];
    starts[i] = 2 * block_first_[s];
  }
  // lower_bound(starts, pos) for pos <= 2 * num_insts_ is
  // first_layout[(pos + 1) / 2] (starts are even and ascending).
  std::vector<uint32_t>& first_layout = resolve_first_layout_;
  first_layout.resize(num_insts_ + 1);
  {
    // Layout index i is the answer for the j up to starts[i] / 2 that an
    // earlier one did not take.
    uint32_t j = 0;
    for (uint32_t i = 0; i < nl; ++i) {
      for (const uint32_t last = std::min(starts[i] / 2, num_insts_); j <= last; ++j) first_layout[j] = i;
    }
    for (; j <= num_insts_; ++j) first_layout[j] = nl;
  }
  auto layout_at_or_after = [&](uint32_t pos) -> uint32_t {
    const uint32_t j = pos / 2 + (pos & 1);
    if (j > num_insts_) {
      return static_cast<uint32_t>(std::lower_bound(starts.begin(), starts.end(), pos) -
                                   starts.begin());
    }
    return first_layout[j];
  };
  for (uint32_t i = 0; i < nl; ++i) {
    const uint32_t s = order_[i];
    for (uint32_t e = in_begin[s]; e < in_begin[s + 1]; ++e) {
      seg_min[size + i] = std::min(seg_min[size + i], in_edges[e].end_pos);
      seg_max[size + i] = std::max(seg_max[size + i], in_edges[e].end_pos);
    }
  }
  for (uint32_t i = size; i-- > 1;) {
    seg_min[i] = std::min(seg_min[2 * i], seg_min[2 * i + 1]);
    seg_max[i] = std::max(seg_max[2 * i], seg_max[2 * i + 1]);
  }
  // Candidate edge moves: (edge number, vreg) → the index into `found`.
  std::vector<EdgeFound>& found = resolve_found_;
  std::vector<std::pair<uint64_t, uint32_t>>& found_order = resolve_found_order_;
  found.clear();
  found_order.clear();
  for (uint32_t v : split_list) {
    for (const LivePart& part : result_.Parts(v)) {
      const uint32_t lo = part.begin, hi = part.end;
      // The layout indexes [l, r) of the blocks starting in [lo, hi).
      const uint32_t l = layout_at_or_after(lo);
      const uint32_t r = layout_at_or_after(hi);
      if (l == r) continue;
      // The blocks in [l, r) with a predecessor ending outside [lo, hi):
      // the tree's nodes that make up [l, r), each searched depth-first
      // where a block below it has one.
      auto outside = [&](uint32_t node) { return seg_min[node] < lo || seg_max[node] >= hi; };
      // (At most two nodes per tree level to start with, then one more
      // per level below the node being searched.)
      std::array<uint32_t, 3 * 33> stack;
      uint32_t top = 0;
      for (uint32_t x = l + size, y = r + size; x < y; x /= 2, y /= 2) {
        if (x & 1) stack[top++] = x++;
        if (y & 1) stack[top++] = --y;
      }
      while (top != 0) {
        const uint32_t node = stack[--top];
        if (!outside(node)) continue;
        if (node < size) {
          stack[top++] = 2 * node + 1;
          stack[top++] = 2 * node;
          continue;
        }
        const uint32_t s = order_[node - size];
        if (!LiveIn(s, v)) continue;
        for (uint32_t e = in_begin[s]; e < in_begin[s + 1]; ++e) {
          const EdgeIn& in = in_edges[e];
          if (in.end_pos >= lo && in.end_pos < hi) continue;  // the same part
          const Location from = LocAt(v, in.end_pos);
          if (from == part.loc) continue;
          found_order.push_back({uint64_t{in.edge} << 32 | v, static_cast<uint32_t>(found.size())});
          found.push_back({in.p, s, from, part.loc});
        }
      }
    }
  }
  std::sort(found_order.begin(), found_order.end());
  for (const auto& [key, index] : found_order) {
    const EdgeFound& f = found[index];
    const uint32_t v = static_cast<uint32_t>(key);
    const uint32_t p = f.p, s = f.s;
    if (f.from.kind == Location::Kind::kNone) {
      return absl::InternalError(absl::StrCat(VRegName(VReg(v)), " live on the edge ", p, " -> ", s,
                                              " but not allocated"));
    }
    const uint32_t n = static_cast<uint32_t>(code_->block(p).insts.size());
    const MachInst& last = code_->block(p).insts.back();
    if (preds_[s].size() == 1 && s != 0) {
      pending.push_back({s, 0, 1, {VReg(v), f.from, f.to}, Weight(s)});
    } else if (last.kind == MachInst::Kind::kJmp && safe_[block_first_[p] + n - 1]) {
      pending.push_back({p, n - 1, 1, {VReg(v), f.from, f.to}, Weight(p)});
    } else {
      return absl::InternalError(absl::StrCat("critical edge ", code_->block(p).name(), " -> ",
                                              code_->block(s).name(), " needs moves"));
    }
  }
  // Stores. When all of a vreg's defs lie in one block B that it is not live
  // into, and the last of them, D, runs on every path through B (safe_),
  // the slot holds the final value from D on if D stores it there (or
  // defines it straight into the slot): then every register → stack
  // transition after D needs no store. Chosen when cheaper by weight.
  auto after_final_def = [&](const Pending& m) {
    const uint32_t v = m.move.vreg.index;
    return m.order == 1 || m.block != def_block_[v] ||
           2 * (block_first_[m.block] + m.inst) > last_def_[v];
  };
  auto finalizable = [&](uint32_t v) {
    const uint32_t b = def_block_[v];
    return b != kNone && b != kMultiple && !LiveIn(b, v) && safe_[last_def_[v] / 2];
  };
  std::vector<uint8_t>& slot_valid_after_def = resolve_slot_valid_;
  slot_valid_after_def.assign(nv, 0);
  std::vector<uint64_t>& transition_weight = resolve_transition_weight_;
  transition_weight.assign(nv, 0);
  for (const Pending& m : pending) {
    const uint32_t v = m.move.vreg.index;
    if (m.move.from.is_reg() && m.move.to.is_slot() && finalizable(v) && after_final_def(m)) {
      transition_weight[v] += m.weight;
    }
  }
  for (uint32_t v = 0; v < nv; ++v) {
    if (transition_weight[v] == 0) continue;
    const Location at_def = LocAt(v, last_def_[v]);
    const uint32_t b = def_block_[v];
    if (at_def.is_slot()) {
      slot_valid_after_def[v] = 1;
    } else if (at_def.is_reg() && Weight(b) < transition_weight[v]) {
      slot_valid_after_def[v] = 1;
      Location slot;
      for (const LivePart& p : result_.Parts(v)) {
        if (p.loc.is_slot()) slot = p.loc;
      }
      pending.push_back({b, last_def_[v] / 2 - block_first_[b], 2, {VReg(v), at_def, slot}, 0});
    }
  }

  // Group by (block, inst, order), keeping the order of `pending` inside a
  // group.
  std::vector<uint32_t>& kept = resolve_kept_;
  kept.clear();
  for (uint32_t i = 0; i < pending.size(); ++i) {
    const Pending& m = pending[i];
    if (m.order != 2 && slot_valid_after_def[m.move.vreg.index] && m.move.from.is_reg() &&
        m.move.to.is_slot() && after_final_def(m)) {
      continue;  // the slot already holds the value
    }
    kept.push_back(i);
  }
  // (block, inst, order) packed in 64 bits, paired with the index into
  // `pending`: sorting the pairs is a stable sort by the key.
  auto key = [&](uint32_t i) {
    return uint64_t{pending[i].block} << 34 | uint64_t{pending[i].inst} << 2 | pending[i].order;
  };
  std::vector<std::pair<uint64_t, uint32_t>>& sorted = resolve_sorted_;
  sorted.clear();
  for (uint32_t i : kept) sorted.push_back({key(i), i});
  std::sort(sorted.begin(), sorted.end());
  // The Edits come out by block (the key's high bits); edits_begin counts
  // them per block, then becomes the prefix sums.
  std::vector<uint32_t>& edits_begin = result_.edits_begin;
  edits_begin.assign(nb + 1, 0);
  result_.moves.reserve(sorted.size());
  for (size_t i = 0; i < sorted.size();) {
    const Pending& first = pending[sorted[i].second];
    Edit e;
    e.inst = first.inst;
    e.where = first.order == 2 ? Edit::Where::kAfter : Edit::Where::kBefore;
    e.moves_begin = static_cast<uint32_t>(result_.moves.size());
    size_t j = i;
    for (; j < sorted.size() && sorted[j].first == sorted[i].first; ++j) {
      result_.moves.push_back(pending[sorted[j].second].move);
    }
    e.moves_end = static_cast<uint32_t>(result_.moves.size());
    result_.edits.push_back(e);
    ++edits_begin[first.block + 1];
    i = j;
  }
  for (uint32_t b = 0; b < nb; ++b) edits_begin[b + 1] += edits_begin[b];
  result_.block_base.assign(block_first_.begin(), block_first_.begin() + nb);
  result_.loop_depth = depth_;
  return absl::OkStatus();
}

}  // namespace wasm::codegen::regalloc
