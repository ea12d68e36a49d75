#include "runtime/opt/pipeline.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "runtime/ir/verifier.h"
#include "runtime/opt/constant_folding.h"
#include "runtime/opt/dce.h"
#include "runtime/opt/gvn.h"
#include "runtime/opt/redundant_checks.h"

namespace wasm::opt {

namespace {

// In pipeline order.
template <bool (*kRun)(ir::Function&, PassContext&)>
bool RunAlone(ir::Function& f) {
  PassContext ctx;
  return kRun(f, ctx);
}

template <bool (*kRun)(ir::Function&, PassContext&)>
constexpr Pass MakePass(absl::string_view name) {
  return Pass{name, &RunAlone<kRun>, kRun};
}

constexpr Pass kPasses[] = {
    MakePass<&RunConstantFolding>("constant_folding"),
    MakePass<&RunRedundantChecks>("redundant_checks"),
    MakePass<&RunGvn>("gvn"),
    MakePass<&RunDce>("dce"),
};
// GVN's index: before it, Optimize removes the blocks that folding and check
// removal made unreachable.
constexpr size_t kGvnIndex = 2;
static_assert(kPasses[kGvnIndex].name == "gvn");
constexpr size_t kDceIndex = 3;
static_assert(kPasses[kDceIndex].name == "dce");
// The two passes that PassContext::may_enable_folding / may_enable_checks
// speak for.
constexpr size_t kFoldingIndex = 0;
static_assert(kPasses[kFoldingIndex].name == "constant_folding");
constexpr size_t kChecksIndex = 1;
static_assert(kPasses[kChecksIndex].name == "redundant_checks");

absl::Status Verify(const ir::Function& f, absl::string_view when) {
  absl::Status s = ir::VerifyFunction(f);
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(when, ": ", s.message()));
}

}  // namespace

absl::Span<const Pass> AllPasses() { return kPasses; }

const Pass* FindPass(absl::string_view name) {
  for (const Pass& p : kPasses) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

absl::Status Optimize(ir::Function& f, const OptimizeOptions& options) {
  // One context per thread, reused from function to function so that its
  // buffers are allocated once; a nested call (none today) gets its own.
  thread_local PassContext shared;
  thread_local bool shared_in_use = false;
  if (shared_in_use) {
    PassContext own;
    return Optimize(f, options, own);
  }
  shared_in_use = true;
  absl::Status s = Optimize(f, options, shared);
  shared_in_use = false;
  shared.ReleaseIfBig(f);
  return s;
}

absl::Status Optimize(ir::Function& f, const OptimizeOptions& options, PassContext& ctx) {
  if (options.verify) {
    if (absl::Status s = Verify(f, "before optimisation"); !s.ok()) return s;
  }
  ctx.InvalidateCfg();
  ctx.aliases_resolved = false;
  // A pass that changed nothing, run again on the same function, changes
  // nothing again (passes are deterministic, and one that returns false has
  // not touched the function): skip it until another pass changes
  // something. clean_at[k] is the value of num_changes when pass k last
  // returned false.
  constexpr uint64_t kNever = ~uint64_t{0};
  uint64_t num_changes = 0;
  // GVN counts only the changes of the other passes than DCE: what DCE
  // removes after GVN is dead (instructions, and parameters that nothing
  // live reads), and the blocks it drops became unreachable before GVN ran
  // (Optimize drops those first, GVN changes no branch), so no remaining
  // instruction gets a new twin and no remaining parameter a single source.
  uint64_t num_changes_for_gvn = 0;
  // Constant folding and check removal count only the changes that may give
  // them work (PassContext::may_enable_folding, may_enable_checks): not
  // GVN's merges of values that nothing they simplify uses, nor DCE's
  // removal of dead instructions; removing unreachable blocks only for check
  // removal (fewer predecessors can tell it more; folding looks at neither).
  uint64_t num_changes_for_folding = 0;
  uint64_t num_changes_for_checks = 0;
  uint64_t clean_at[std::size(kPasses)];
  std::fill(std::begin(clean_at), std::end(clean_at), kNever);
  for (int round = 0; round < options.max_iterations; ++round) {
    bool changed = false;
    for (size_t k = 0; k < std::size(kPasses); ++k) {
      const Pass& pass = kPasses[k];
      const uint64_t& counter = k == kGvnIndex       ? num_changes_for_gvn
                                : k == kFoldingIndex ? num_changes_for_folding
                                : k == kChecksIndex  ? num_changes_for_checks
                                                     : num_changes;
      if (clean_at[k] == counter) {
        if (options.verify) {
          // Check the premise of skipping: the pass would change nothing.
          ir::Function copy = f;
          if (pass.run(copy)) {
            return absl::InternalError(absl::StrCat(
                pass.name, " changed a function on which it had just changed nothing"));
          }
        }
        continue;
      }
      // Copy propagation counts every branch into a block, also from blocks
      // that are no longer reachable: without them (DCE's first step, which
      // would remove them at the end of the round) a parameter that a folded
      // branch no longer feeds is a copy now rather than a round later.
      if (k == kGvnIndex && RemoveUnreachableBlocks(f, ctx)) {
        changed = true;
        ++num_changes;
        ++num_changes_for_gvn;
        ++num_changes_for_checks;
      }
      ctx.at_fixed_point = false;
      ctx.may_enable_folding = true;
      ctx.may_enable_checks = true;
      // A pass that changes nothing makes no aliases (DCE resolves them
      // even then).
      const bool resolved_before = ctx.aliases_resolved;
      ctx.aliases_resolved = false;
      if (pass.run_in(f, ctx)) {
        changed = true;
        ++num_changes;
        if (k != kDceIndex) ++num_changes_for_gvn;
        if (ctx.may_enable_folding) ++num_changes_for_folding;
        if (ctx.may_enable_checks) ++num_changes_for_checks;
        // A pass that says it reached its own fixed point (DCE always, GVN
        // mostly) is skipped like one that changed nothing; `verify` checks
        // that premise too.
        clean_at[k] = ctx.at_fixed_point ? counter : kNever;
      } else {
        clean_at[k] = counter;
        ctx.aliases_resolved |= resolved_before;
      }
      if (options.verify) {
        if (absl::Status s = Verify(f, absl::StrCat("after ", pass.name)); !s.ok()) return s;
        if (!ctx.CheckCfgIsCurrent(f)) {
          return absl::InternalError(absl::StrCat(
              "after ", pass.name, ": the pass changed the control-flow graph without "
              "invalidating the shared one (PassContext::InvalidateCfg)"));
        }
      }
    }
    if (!changed) break;
  }
  if (!ctx.aliases_resolved) {
    f.ResolveAllAliases();
  } else if (options.verify) {
    // Check the premise of skipping: no operand or block argument in the
    // layout is an alias.
    for (Block b : f.layout) {
      for (ir::Inst i : f.block(b).insts) {
        bool alias = false;
        for (ir::Value v : f.Args(i)) alias |= f.Resolve(v) != v;
        for (const ir::BlockCall& c : f.Targets(i)) {
          for (ir::Value v : f.CallArgs(c)) alias |= f.Resolve(v) != v;
        }
        if (alias) {
          return absl::InternalError(absl::StrCat(
              "after optimisation: an operand of inst", i.index, " is an alias"));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace wasm::opt
