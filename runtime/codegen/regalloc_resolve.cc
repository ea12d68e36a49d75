// Register allocation, part 3: from allocated intervals to the result —
// parts per vreg, spill slots, stores, and the moves at split positions and
// on CFG edges (regalloc.h, steps 6 and 7).
#include <algorithm>
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
    uint32_t chosen = kNone;
    for (uint32_t s = 0; s < num_slots && chosen == kNone; ++s) {
      if (!Intersects(slot_ranges[s], group_ranges[g])) chosen = s;
    }
    if (chosen == kNone) {
      chosen = num_slots++;
      if (slot_ranges.size() < num_slots) slot_ranges.emplace_back();
      slot_ranges[chosen].clear();
    }
    slot_ranges[chosen].insert(slot_ranges[chosen].end(), group_ranges[g].begin(),
                               group_ranges[g].end());
    Normalize(slot_ranges[chosen]);
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

absl::Status Allocator::Resolve() {
  const uint32_t nv = code_->num_vregs();
  const uint32_t nb = code_->num_blocks();
  // Parts grouped by vreg (a counting sort over the intervals), then sorted
  // by position (their [begin, end) are disjoint and non-empty).
  std::vector<uint32_t>& pb = result_.parts_begin;
  pb.assign(nv + 2, 0);
  for (uint32_t i = 0; i < num_intervals_; ++i) {
    const Interval& it = intervals_[i];
    if (it.ranges.empty()) continue;
    if (it.loc.kind == Location::Kind::kNone) {
      return absl::InternalError(absl::StrCat("unallocated interval of ", VRegName(VReg(it.vreg))));
    }
    ++pb[it.vreg + 2];
  }
  for (uint32_t v = 0; v < nv; ++v) pb[v + 2] += pb[v + 1];
  result_.parts.resize(pb[nv + 1]);
  for (uint32_t i = 0; i < num_intervals_; ++i) {
    const Interval& it = intervals_[i];
    if (it.ranges.empty()) continue;
    result_.parts[pb[it.vreg + 1]++] = LivePart{it.begin, it.end, it.loc};
  }
  pb.pop_back();
  // The vregs with several parts (ascending): only they can need split or
  // edge moves.
  std::vector<uint32_t>& split_list = split_list_;
  split_list.clear();
  for (uint32_t v = 0; v < nv; ++v) {
    LivePart* ps = result_.parts.data() + pb[v];
    const uint32_t n = pb[v + 1] - pb[v];
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
  AssignSlots();

  // Candidate moves: (block, inst, order) → moves. Order 0: split moves
  // before an instruction; 1: edge moves; 2: stores after a def.
  struct Pending {
    uint32_t block, inst, order;
    AllocMove move;
    uint64_t weight;
  };
  std::vector<Pending> pending;
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
  // part covers all its ranges.
  const uint32_t nw = live_in_.words_per_row();
  std::vector<uint64_t>& split = split_vregs_;
  split.assign(nw, 0);
  for (uint32_t v : split_list) split[v / 64] |= uint64_t{1} << (v % 64);
  // The words holding any of them: the rest of a live-in row is skipped.
  std::vector<uint32_t>& split_words = split_words_;
  split_words.clear();
  for (uint32_t w = 0; w < nw; ++w) {
    if (split[w] != 0) split_words.push_back(w);
  }
  for (uint32_t p = 0; p < nb; ++p) {
    const uint32_t n = static_cast<uint32_t>(code_->block(p).insts.size());
    if (n == 0) continue;
    const uint32_t end_pos = 2 * (block_first_[p] + n) - 1;
    for (uint32_t s : succs_[p]) {
      const uint64_t* live = live_in_.Row(s);
      for (uint32_t w : split_words) {
        for (uint64_t bits = live[w] & split[w]; bits != 0; bits &= bits - 1) {
          const uint32_t v = 64 * w + __builtin_ctzll(bits);
          const Location from = LocAt(v, end_pos), to = LocAt(v, 2 * block_first_[s]);
          if (from.kind == Location::Kind::kNone || to.kind == Location::Kind::kNone) {
            return absl::InternalError(absl::StrCat(VRegName(VReg(v)), " live on the edge ", p,
                                                    " -> ", s, " but not allocated"));
          }
          if (from == to) continue;
          const MachInst& last = code_->block(p).insts.back();
          if (preds_[s].size() == 1 && s != 0) {
            pending.push_back({s, 0, 1, {VReg(v), from, to}, Weight(s)});
          } else if (last.kind == MachInst::Kind::kJmp && safe_[block_first_[p] + n - 1]) {
            pending.push_back({p, n - 1, 1, {VReg(v), from, to}, Weight(p)});
          } else {
            return absl::InternalError(absl::StrCat("critical edge ", code_->block(p).name(),
                                                    " -> ", code_->block(s).name(),
                                                    " needs moves"));
          }
        }
      }
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
    return b != kNone && b != kMultiple && !live_in_.Test(b, v) && safe_[last_def_[v] / 2];
  };
  std::vector<bool> slot_valid_after_def(nv, false);
  std::vector<uint64_t> transition_weight(nv, 0);
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
      slot_valid_after_def[v] = true;
    } else if (at_def.is_reg() && Weight(b) < transition_weight[v]) {
      slot_valid_after_def[v] = true;
      Location slot;
      for (const LivePart& p : result_.Parts(v)) {
        if (p.loc.is_slot()) slot = p.loc;
      }
      pending.push_back({b, last_def_[v] / 2 - block_first_[b], 2, {VReg(v), at_def, slot}, 0});
    }
  }

  // Group by (block, inst, order), keeping the order of `pending` inside a
  // group.
  std::vector<uint32_t> kept;
  kept.reserve(pending.size());
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
  result_.edits.assign(nb, {});
  for (size_t i = 0; i < sorted.size();) {
    const Pending& first = pending[sorted[i].second];
    Edit e;
    e.inst = first.inst;
    e.where = first.order == 2 ? Edit::Where::kAfter : Edit::Where::kBefore;
    size_t j = i;
    while (j < sorted.size() && sorted[j].first == sorted[i].first) ++j;
    e.moves.reserve(j - i);
    for (size_t k = i; k < j; ++k) e.moves.push_back(pending[sorted[k].second].move);
    result_.edits[first.block].push_back(std::move(e));
    i = j;
  }
  result_.block_base.assign(block_first_.begin(), block_first_.begin() + nb);
  result_.loop_depth = depth_;
  return absl::OkStatus();
}

}  // namespace wasm::codegen::regalloc
