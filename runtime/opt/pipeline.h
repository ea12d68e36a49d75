// The optimisation pipeline: runs the passes of this folder in order, again
// and again until none changes the function (at most max_iterations rounds).
//
//   translate ─► Function ─► Optimize ─────────────────────────────► lower
//                            │ constant_folding  fold, simplify, branches
//                            │ redundant_checks  trap_if, known conditions
//                            │ (dce's first step: unreachable blocks out)
//                            │ gvn               copies, common subexpressions
//                            │ dce               unreachable blocks, dead code
//                            └─ repeat while anything changed
//
//   OptimizeOptions options;
//   options.verify = true;  // VerifyFunction before and after every pass
//   RETURN_IF_ERROR(Optimize(f, options));
//
// Folding first exposes constant branches and trap_ifs; checks then use the
// folded conditions; GVN merges what folding made identical; DCE sweeps what
// the others left unused, which can make block parameters trivial for the
// next round's GVN. When it returns, every operand is resolved (by DCE's
// mark phase when DCE was the last pass to change the function, else by
// Function::ResolveAllAliases), so later stages need not follow aliases.
//
// The passes share a PassContext (util.h): the control-flow graph, kept
// until a pass changes edges, and scratch buffers, kept for the thread. A
// pass that changed nothing, or that says it reached its own fixed point
// (PassContext::at_fixed_point), is skipped until another pass changes
// something (it would change nothing again), which gives the same result as
// running every pass of every round. Constant folding and redundant-check
// removal count only the changes that can give them work
// (PassContext::may_enable_folding, may_enable_checks).
#ifndef RUNTIME_OPT_PIPELINE_H_
#define RUNTIME_OPT_PIPELINE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "runtime/ir/ir.h"
#include "runtime/opt/util.h"

namespace wasm::opt {

struct OptimizeOptions {
#ifdef NDEBUG
  static constexpr bool kDebugBuild = false;
#else
  static constexpr bool kDebugBuild = true;
#endif
  // Verify the input and the result of every pass; a failure names the pass.
  bool verify = kDebugBuild;
  // Rounds of the whole pass list; 0 runs none.
  int max_iterations = 8;
};

// Returns the verifier's error, if verification is on and fails; the
// function is then left as the failing pass made it.
absl::Status Optimize(ir::Function& f, const OptimizeOptions& options = {});
// The same with the caller's context (its buffers are reused; its graph is
// recomputed for `f`).
absl::Status Optimize(ir::Function& f, const OptimizeOptions& options, PassContext& ctx);

// The passes, by the name filetests use ("constant_folding", ...).
struct Pass {
  absl::string_view name;
  bool (*run)(ir::Function&);  // true if it changed the function
  // The same, sharing the graph and scratch buffers of a pipeline.
  bool (*run_in)(ir::Function&, PassContext&);
};
absl::Span<const Pass> AllPasses();
// nullptr when there is no pass of that name.
const Pass* FindPass(absl::string_view name);

}  // namespace wasm::opt

#endif  // RUNTIME_OPT_PIPELINE_H_
