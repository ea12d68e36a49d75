// SSA construction for wasm locals, after Braun et al., "Simple and Efficient
// Construction of Static Single Assignment Form" (CC 2013), on an IR whose phis
// are block parameters.
//
// The translator tells it every control-flow edge as it emits the branch
// (AddEdge) and seals a block once all its predecessors are known
// (SealBlock). Reading a local in a block with no definition walks to the
// predecessors; at a merge it adds a block parameter and later appends the
// incoming value to every predecessor's branch. Loop headers are read before
// they are sealed; their parameters are completed when the loop ends.
//
//   SsaBuilder ssa(&f, &b, local_types);
//   ssa.DefineVar(0, v);          // local.set 0 in the current block
//   Value x = ssa.UseVar(0);      // local.get 0
//
// Invariant: no recursion on input — reads walk single-predecessor chains in a
// loop and resolve new parameters through a worklist.
// Invariant: a block parameter added for a local is appended after the block's
// explicit parameters, and every edge into the block gets its argument
// appended in the same order.
// Trivial parameters (all incoming values the same) are left in place for
// the copy-propagation pass.
#ifndef RUNTIME_TRANSLATOR_SSA_BUILDER_H_
#define RUNTIME_TRANSLATOR_SSA_BUILDER_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "runtime/ir/ir.h"

namespace wasm {

class SsaBuilder {
 public:
  SsaBuilder(ir::Function* f, ir::FunctionBuilder* b, std::vector<ir::Type> var_types);

  // Records that `pred`'s terminator `branch` jumps to `block`.
  void AddEdge(ir::Block pred, ir::Inst branch, ir::Block block);
  // All predecessors of `block` are known: completes its pending parameters.
  void SealBlock(ir::Block block);
  bool HasPredecessors(ir::Block block) const;

  void DefineVar(uint32_t var, ir::Value v) { Write(var, b_->current(), v); }
  void DefineVarIn(uint32_t var, ir::Block block, ir::Value v) { Write(var, block, v); }
  ir::Value UseVar(uint32_t var);

 private:
  struct Edge {
    ir::Block pred;
    ir::Inst branch;
  };
  struct PendingParam {
    ir::Block block;
    uint32_t var;
    ir::Value param;
  };

  static uint64_t Key(uint32_t var, ir::Block block) {
    return (static_cast<uint64_t>(block.index) << 32) | var;
  }
  void Write(uint32_t var, ir::Block block, ir::Value v) { defs_[Key(var, block)] = v; }
  ir::Value Read(uint32_t var, ir::Block block);
  void ResolvePending();
  void AppendEdgeArg(const Edge& edge, ir::Block target, ir::Value v);
  std::vector<Edge>& EdgesOf(ir::Block b);
  bool IsSealed(ir::Block b) const { return b.index < sealed_.size() && sealed_[b.index]; }

  ir::Function* f_;
  ir::FunctionBuilder* b_;
  std::vector<ir::Type> var_types_;
  absl::flat_hash_map<uint64_t, ir::Value> defs_;
  std::vector<std::vector<Edge>> preds_;  // by block index
  std::vector<bool> sealed_;
  // Parameters of unsealed blocks, completed by SealBlock.
  absl::flat_hash_map<uint32_t, std::vector<PendingParam>> incomplete_;
  std::vector<PendingParam> worklist_;
  std::vector<ir::Block> walked_;
};

}  // namespace wasm

#endif  // RUNTIME_TRANSLATOR_SSA_BUILDER_H_
