// Linear-scan register allocation; the algorithm is described in regalloc.h.
#include "runtime/codegen/regalloc.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/codegen/abi.h"

namespace wasm::codegen {
namespace {

struct Range {
  uint32_t from, to;  // [from, to)
};

using Ranges = std::vector<Range>;

void Normalize(Ranges& r) {
  std::sort(r.begin(), r.end(), [](const Range& a, const Range& b) { return a.from < b.from; });
  Ranges out;
  for (const Range& x : r) {
    if (x.from >= x.to) continue;
    if (!out.empty() && x.from <= out.back().to) {
      out.back().to = std::max(out.back().to, x.to);
    } else {
      out.push_back(x);
    }
  }
  r = std::move(out);
}

bool Intersects(const Ranges& a, const Ranges& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].to <= b[j].from) {
      ++i;
    } else if (b[j].to <= a[i].from) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

bool IsAllocatable(x64::Reg r) {
  for (x64::Reg g : kAllocatableGprs) if (g == r) return true;
  for (x64::Reg x : kAllocatableXmms) if (x == r) return true;
  return false;
}

class Allocator {
 public:
  Allocator(const VCode& code, const RegAllocOptions& options) : code_(code), options_(options) {}

  absl::StatusOr<RegAllocResult> Run() {
    Number();
    ComputeLiveness();
    BuildIntervals();
    Scan();
    AssignSlots();
    return std::move(result_);
  }

 private:
  void Number() {
    uint32_t i = 0;
    for (uint32_t b = 0; b < code_.num_blocks(); ++b) {
      block_first_.push_back(i);
      i += static_cast<uint32_t>(code_.block(b).insts.size());
    }
    block_first_.push_back(i);
  }

  void ComputeLiveness() {
    const uint32_t nb = code_.num_blocks();
    const uint32_t nv = code_.num_vregs();
    gen_.assign(nb, std::vector<bool>(nv, false));
    kill_.assign(nb, std::vector<bool>(nv, false));
    for (uint32_t b = 0; b < nb; ++b) {
      for (const MachInst& mi : code_.block(b).insts) {
        std::vector<uint32_t> defs;
        ForEachVOperand(code_, mi, [&](const VOperand& op) {
          if (!op.vreg.valid()) return;
          if (op.access == x64::Access::kUse || op.access == x64::Access::kUseDef) {
            if (!kill_[b][op.vreg.index]) gen_[b][op.vreg.index] = true;
          }
          if (op.access == x64::Access::kDef || op.access == x64::Access::kUseDef) {
            defs.push_back(op.vreg.index);
          }
        });
        for (uint32_t d : defs) kill_[b][d] = true;
      }
    }
    live_in_.assign(nb, std::vector<bool>(nv, false));
    live_out_.assign(nb, std::vector<bool>(nv, false));
    bool changed = true;
    while (changed) {
      changed = false;
      for (uint32_t b = nb; b-- > 0;) {
        std::vector<bool> out(nv, false);
        for (uint32_t s : code_.block(b).succs) {
          for (uint32_t v = 0; v < nv; ++v) if (live_in_[s][v]) out[v] = true;
        }
        std::vector<bool> in(nv, false);
        for (uint32_t v = 0; v < nv; ++v) in[v] = gen_[b][v] || (out[v] && !kill_[b][v]);
        if (out != live_out_[b] || in != live_in_[b]) {
          changed = true;
          live_out_[b] = std::move(out);
          live_in_[b] = std::move(in);
        }
      }
    }
  }

  // Walks every block backwards, building vreg intervals and fixed ranges.
  void BuildIntervals() {
    const uint32_t nv = code_.num_vregs();
    ranges_.assign(nv, {});
    hints_.assign(nv, x64::Reg());
    fixed_.assign(32, {});
    for (uint32_t b = 0; b < code_.num_blocks(); ++b) {
      const uint32_t from = 2 * block_first_[b], to = 2 * block_first_[b + 1];
      std::vector<int64_t> end(nv, -1);  // -1: not live
      std::vector<int64_t> pend(32, -1);
      std::vector<uint32_t> def_count(nv, 0);
      std::vector<Range> block_hull(nv, Range{UINT32_MAX, 0});
      auto add = [&](uint32_t v, uint32_t f, uint32_t t) {
        ranges_[v].push_back({f, t});
        block_hull[v].from = std::min(block_hull[v].from, f);
        block_hull[v].to = std::max(block_hull[v].to, t);
      };
      for (uint32_t v = 0; v < nv; ++v) if (live_out_[b][v]) end[v] = to;
      const auto& insts = code_.block(b).insts;
      for (size_t k = insts.size(); k-- > 0;) {
        const MachInst& mi = insts[k];
        const uint32_t pos = 2 * (block_first_[b] + static_cast<uint32_t>(k));
        std::vector<VOperand> ops;
        ForEachVOperand(code_, mi, [&](const VOperand& op) { ops.push_back(op); });
        // Hints: a plain move between a vreg and an allocatable register.
        if (mi.kind == MachInst::Kind::kInst && ops.size() == 2 &&
            (mi.inst.form() == x64::Form::kMov64RM || mi.inst.form() == x64::Form::kMov32RM ||
             mi.inst.form() == x64::Form::kMovapsRM)) {
          if (ops[0].vreg.valid() && !ops[1].vreg.valid() && IsAllocatable(ops[1].preg)) {
            hints_[ops[0].vreg.index] = ops[1].preg;
          } else if (!ops[0].vreg.valid() && ops[1].vreg.valid() && IsAllocatable(ops[0].preg)) {
            hints_[ops[1].vreg.index] = ops[0].preg;
          }
        }
        for (const VOperand& op : ops) {
          if (op.access != x64::Access::kDef && op.access != x64::Access::kUseDef) continue;
          if (op.vreg.valid()) {
            const uint32_t v = op.vreg.index;
            ++def_count[v];
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
            if (end[op.vreg.index] < 0) end[op.vreg.index] = pos + 1;
          } else if (IsAllocatable(op.preg)) {
            if (pend[op.preg.index()] < 0) pend[op.preg.index()] = pos + 1;
          }
        }
      }
      for (uint32_t v = 0; v < nv; ++v) {
        if (end[v] >= 0) add(v, from, static_cast<uint32_t>(end[v]));
        if (def_count[v] >= 2) ranges_[v].push_back(block_hull[v]);
      }
      for (int r = 0; r < 32; ++r) {
        if (pend[r] >= 0) fixed_[r].push_back({from, static_cast<uint32_t>(pend[r])});
      }
    }
    for (Ranges& r : ranges_) Normalize(r);
    for (Ranges& r : fixed_) Normalize(r);
  }

  std::vector<x64::Reg> Candidates(x64::RegClass cls) const {
    std::vector<x64::Reg> regs;
    if (cls == x64::RegClass::kGpr) {
      int n = options_.max_gprs > 0 ? options_.max_gprs : static_cast<int>(std::size(kAllocatableGprs));
      for (int i = 0; i < n; ++i) regs.push_back(kAllocatableGprs[i]);
    } else {
      int n = options_.max_xmms > 0 ? options_.max_xmms : static_cast<int>(std::size(kAllocatableXmms));
      for (int i = 0; i < n; ++i) regs.push_back(kAllocatableXmms[i]);
    }
    return regs;
  }

  void Scan() {
    const uint32_t nv = code_.num_vregs();
    result_.locations.assign(nv, Location());
    std::vector<uint32_t> order;
    for (uint32_t v = 0; v < nv; ++v) if (!ranges_[v].empty()) order.push_back(v);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return ranges_[a][0].from < ranges_[b][0].from ||
             (ranges_[a][0].from == ranges_[b][0].from && a < b);
    });
    std::vector<std::vector<uint32_t>> assigned(32);  // per register: vregs
    for (uint32_t v : order) {
      const Ranges& cur = ranges_[v];
      const uint32_t start = cur.front().from;
      std::vector<x64::Reg> cands = Candidates(code_.Class(VReg(v)));
      if (hints_[v].is_valid()) {
        auto it = std::find(cands.begin(), cands.end(), hints_[v]);
        if (it != cands.end()) {
          cands.erase(it);
          cands.insert(cands.begin(), hints_[v]);
        }
      }
      // Expire intervals that ended before `start`.
      for (x64::Reg r : cands) {
        auto& list = assigned[r.index()];
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](uint32_t w) { return ranges_[w].back().to <= start; }),
                   list.end());
      }
      bool done = false;
      for (x64::Reg r : cands) {
        if (Intersects(cur, fixed_[r.index()])) continue;
        bool free = true;
        for (uint32_t w : assigned[r.index()]) {
          if (Intersects(cur, ranges_[w])) {
            free = false;
            break;
          }
        }
        if (!free) continue;
        Assign(v, r, assigned);
        done = true;
        break;
      }
      if (done) continue;
      // Spill: the furthest-ending interval loses.
      const uint32_t cur_end = cur.back().to;
      x64::Reg best;
      uint32_t best_min_end = cur_end;
      for (x64::Reg r : cands) {
        if (Intersects(cur, fixed_[r.index()])) continue;
        uint32_t min_end = UINT32_MAX;
        for (uint32_t w : assigned[r.index()]) {
          if (Intersects(cur, ranges_[w])) min_end = std::min(min_end, ranges_[w].back().to);
        }
        if (min_end > best_min_end) {
          best_min_end = min_end;
          best = r;
        }
      }
      if (!best.is_valid()) {
        Spill(v);
        continue;
      }
      auto& list = assigned[best.index()];
      std::vector<uint32_t> keep;
      for (uint32_t w : list) {
        if (Intersects(cur, ranges_[w])) {
          Spill(w);
        } else {
          keep.push_back(w);
        }
      }
      list = std::move(keep);
      Assign(v, best, assigned);
    }
  }

  void Assign(uint32_t v, x64::Reg r, std::vector<std::vector<uint32_t>>& assigned) {
    result_.locations[v] = Location::InReg(r);
    assigned[r.index()].push_back(v);
    if (x64::kSysVCalleeSaved.Contains(r)) result_.callee_saved_used.Add(r);
  }

  void Spill(uint32_t v) {
    result_.locations[v] = Location::InSlot(0);
    spilled_.push_back(v);
    ++result_.num_spilled_vregs;
  }

  // Stack slots, shared between spilled vregs whose ranges do not intersect.
  void AssignSlots() {
    std::sort(spilled_.begin(), spilled_.end(),
              [&](uint32_t a, uint32_t b) { return ranges_[a][0].from < ranges_[b][0].from; });
    std::vector<std::vector<uint32_t>> slots;
    for (uint32_t v : spilled_) {
      uint32_t chosen = static_cast<uint32_t>(slots.size());
      for (uint32_t s = 0; s < slots.size(); ++s) {
        bool ok = true;
        for (uint32_t w : slots[s]) {
          if (Intersects(ranges_[v], ranges_[w])) {
            ok = false;
            break;
          }
        }
        if (ok) {
          chosen = s;
          break;
        }
      }
      if (chosen == slots.size()) slots.emplace_back();
      slots[chosen].push_back(v);
      result_.locations[v] = Location::InSlot(chosen);
    }
    result_.num_spill_slots = static_cast<uint32_t>(slots.size());
  }

  const VCode& code_;
  const RegAllocOptions options_;
  std::vector<uint32_t> block_first_;
  std::vector<std::vector<bool>> gen_, kill_, live_in_, live_out_;
  std::vector<Ranges> ranges_;
  std::vector<x64::Reg> hints_;
  std::vector<Ranges> fixed_;  // per Reg::index()
  std::vector<uint32_t> spilled_;
  RegAllocResult result_;
};

}  // namespace

absl::StatusOr<RegAllocResult> AllocateRegisters(const VCode& code,
                                                 const RegAllocOptions& options) {
  Allocator a(code, options);
  return a.Run();
}

std::string PrintAllocation(const RegAllocResult& result) {
  std::vector<std::string> parts;
  for (uint32_t v = 0; v < result.locations.size(); ++v) {
    const Location& l = result.locations[v];
    if (l.is_reg()) parts.push_back(absl::StrCat(VRegName(VReg(v)), " -> ", x64::RegName(l.reg)));
    if (l.is_slot()) parts.push_back(absl::StrCat(VRegName(VReg(v)), " -> slot", l.slot));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace wasm::codegen
