#include "runtime/opt/pipeline.h"

#include "absl/strings/str_cat.h"
#include "runtime/ir/verifier.h"
#include "runtime/opt/constant_folding.h"
#include "runtime/opt/dce.h"
#include "runtime/opt/gvn.h"
#include "runtime/opt/redundant_checks.h"

namespace wasm::opt {

namespace {

// In pipeline order.
constexpr Pass kPasses[] = {
    {"constant_folding", &RunConstantFolding},
    {"redundant_checks", &RunRedundantChecks},
    {"gvn", &RunGvn},
    {"dce", &RunDce},
};

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
  if (options.verify) {
    if (absl::Status s = Verify(f, "before optimisation"); !s.ok()) return s;
  }
  for (int round = 0; round < options.max_iterations; ++round) {
    bool changed = false;
    for (const Pass& pass : kPasses) {
      changed |= pass.run(f);
      if (options.verify) {
        if (absl::Status s = Verify(f, absl::StrCat("after ", pass.name)); !s.ok()) return s;
      }
    }
    if (!changed) break;
  }
  f.ResolveAllAliases();
  return absl::OkStatus();
}

}  // namespace wasm::opt
