// SSA construction for wasm locals, after Braun et al., "Simple and Efficient
// Construction of Static Single Assignment Form" (CC 2013), on an IR whose phis
// are block parameters.
//
// The translator tells it every control-flow edge as it emits the branch
// (AddEdge) and seals a block once all its predecessors are known
// (SealBlock). Reading a local in a block with no definition walks to the
// predecessors; at a merge it adds a block parameter and later appends the
// incoming value to every predecessor's branch (unless the merge is sealed
// and its predecessors' definitions, found a few steps up, are one value:
// then that value, with no parameter). Loop headers are read before
// they are sealed; their parameters are completed when the loop ends.
// Shortcuts for locals that a construct never assigns (a definition counter
// tells): a read at its merge goes straight to the block the construct began
// in, and a loop header's parameter for such a local becomes an alias of the
// value entering the loop; either way no trivial parameter is made and
// completed only to be removed.
//
//   SsaBuilder ssa(&f, &b, local_types);
//   ssa.DefineVar(0, v);          // local.set 0 in the current block
//   Value x = ssa.UseVar(0);      // local.get 0
//   ...
//   ssa.Finish();                 // branches get the parameters' arguments
//
// Storage: the definitions are a dense table, one row of locals per block,
// while that stays small (blocks x locals below kMaxDenseDefs); beyond, a
// hash map keyed by (block, local). Predecessor edges and the parameters
// waiting for a block to be sealed are linked lists in flat arrays, so a
// block costs no allocation of its own. The arguments completed parameters
// add to branches are collected and written once, by Finish: appending them
// one by one would move each branch's arguments in the shared value pool
// every time.
//
// Invariant: no recursion on input — reads walk single-predecessor chains in a
// loop and resolve new parameters through a worklist.
// Invariant: a block parameter added for a local is appended after the block's
// explicit parameters, and every edge into the block gets its argument
// appended in the same order.
// Invariant: after Finish no block parameter is trivial (Braun et al.'s
// tryRemoveTrivialPhi): one whose incoming values are all the same value or
// the parameter itself is made an alias of that value and removed with its
// arguments, to a fixed point. This covers the blocks' explicit parameters
// too. Operands that name a removed parameter are left to resolve through
// its alias (Function::Resolve), as after an optimisation pass.
#ifndef RUNTIME_TRANSLATOR_SSA_BUILDER_H_
#define RUNTIME_TRANSLATOR_SSA_BUILDER_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "runtime/ir/ir.h"

namespace wasm {

class SsaBuilder {
 public:
  SsaBuilder(ir::Function* f, ir::FunctionBuilder* b, absl::Span<const ir::Type> var_types) {
    Reset(f, b, var_types);
  }
  // Unusable until Reset.
  SsaBuilder() = default;

  // Starts over on another function, keeping the buffers' memory (up to a
  // limit) so that translating many functions does not allocate each time.
  void Reset(ir::Function* f, ir::FunctionBuilder* b, absl::Span<const ir::Type> var_types);

  // Records that `pred`'s terminator `branch` jumps to `block`.
  void AddEdge(ir::Block pred, ir::Inst branch, ir::Block block);
  // All predecessors of `block` are known: completes its pending parameters.
  void SealBlock(ir::Block block);
  // SealBlock for a loop header (given to NoteEntry), at the loop's end. A
  // parameter the header got for a local that the loop never assigns (no
  // DefineVar since NoteEntry) would pass that local's value around
  // unchanged: it becomes an alias of the value entering the loop instead,
  // with no reads along the back edges (which could only add more such
  // parameters).
  void SealLoop(ir::Block header);
  // `block` (a merge or a loop header) is reached only from the code
  // translated from now on, which starts in the current block: a read at
  // `block` of a local not defined since finds the value it has here.
  void NoteEntry(ir::Block block) {
    BlockState& s = State(block);
    s.created_at = def_clock_;
    s.entry = b_->current().index;
  }
  // The translator is about to emit into `block`: when it is sealed with one
  // predecessor, copies that predecessor's definitions, which reads in
  // `block` would otherwise find by walking to it one local at a time.
  void EnterBlock(ir::Block block) {
    if (block.index < blocks_.size() && blocks_[block.index].sealed &&
        blocks_[block.index].num_edges == 1 && !sparse_) {
      CopyDefsFromPredecessor(block);
    }
  }
  bool HasPredecessors(ir::Block block) const {
    return block.index < blocks_.size() && blocks_[block.index].num_edges > 0;
  }

  void DefineVar(uint32_t var, ir::Value v) {
    last_def_[var] = ++def_clock_;
    Write(var, b_->current(), v);
  }
  void DefineVarIn(uint32_t var, ir::Block block, ir::Value v) {
    last_def_[var] = ++def_clock_;
    Write(var, block, v);
  }
  ir::Value UseVar(uint32_t var) {
    // Most often defined in the current block already.
    const ir::Value v = Lookup(var, b_->current());
    return v.valid() ? v : UseVarSlow(var);
  }

  // Appends the arguments that completed parameters pass to the branches
  // (until then they are kept aside). Call once, when the function is done.
  void Finish();

 private:
  static constexpr uint32_t kNone = 0xffffffffu;
  // Above this many (block, local) entries the definitions go to a hash map.
  static constexpr size_t kMaxDenseDefs = size_t{1} << 22;
  // The first size of blocks_.
  static constexpr size_t kMinBlocks = 16;

  struct BlockState {
    uint32_t first_edge = kNone;  // into edges_, in the order added
    uint32_t last_edge = kNone;
    uint32_t num_edges = 0;
    uint32_t first_incomplete = kNone;  // into incomplete_, in the order created
    uint32_t last_incomplete = kNone;
    bool sealed = false;
    // NoteEntry's: def_clock_ then, and the block then current (else kNone).
    uint32_t created_at = 0;
    uint32_t entry = kNone;
  };
  struct Edge {
    ir::Block pred;
    ir::Inst branch;
    // The branch's block call to the block when it has exactly one (the
    // usual case), else kNone: then each such call gets the arguments.
    uint32_t call;
    uint32_t next;  // the block's next edge, or kNone
  };
  struct PendingParam {
    ir::Block block;
    uint32_t var;
    ir::Value param;
    // A loop header's parameter for a local the loop does not assign (see
    // SealLoop): it takes the value entering the loop, as an alias.
    bool invariant = false;
  };
  // A parameter of an unsealed block, completed by SealBlock.
  struct Incomplete {
    PendingParam param;
    uint32_t next;  // the block's next one, or kNone
  };
  // An argument to append to a block call in Finish.
  struct EdgeArg {
    uint32_t call;  // into Function::block_calls
    ir::Value value;
  };

  BlockState& State(ir::Block b) {
    if (b.index >= blocks_.size()) GrowBlocks(b.index);
    return blocks_[b.index];
  }
  // Makes room for block `index` and the blocks the function has room for
  // (the translator reserves them up front), so that blocks_ does not grow
  // one block at a time. Entries past the function's blocks stay as new
  // (no edges, not sealed), as for a block not created yet.
  void GrowBlocks(uint32_t index);
  ir::Value Lookup(uint32_t var, ir::Block block) const {
    if (block.index < rows_) return dense_defs_[size_t{block.index} * num_vars_ + var];
    return sparse_ ? LookupSparse(var, block) : ir::Value();
  }
  ir::Value LookupSparse(uint32_t var, ir::Block block) const;
  void Write(uint32_t var, ir::Block block, ir::Value v) {
    if (block.index < rows_) {
      dense_defs_[size_t{block.index} * num_vars_ + var] = v;
    } else {
      WriteSlow(var, block, v);
    }
  }
  void WriteSlow(uint32_t var, ir::Block block, ir::Value v);
  ir::Value UseVarSlow(uint32_t var);
  static uint64_t Key(uint32_t var, ir::Block block) {
    return (static_cast<uint64_t>(block.index) << 32) | var;
  }
  void GrowRows(uint32_t min_rows);
  void CopyDefsFromPredecessor(ir::Block block);
  // Adds a parameter for `var` to `block`, making room for a few locals'
  // parameters at once rather than growing the list one at a time.
  ir::Value NewParam(uint32_t var, ir::Block block) {
    std::vector<ir::Value>& params = f_->block(block).params;
    if (params.size() == params.capacity()) {
      const size_t room = num_vars_ < 16 ? num_vars_ : 16;
      params.reserve(params.size() + (params.size() > room ? params.size() : room));
    }
    return b_->AppendBlockParam(block, var_types_[var]);
  }
  ir::Value Read(uint32_t var, ir::Block block);
  void ResolvePending();
  // The value every edge into the sealed block `s` passes for `var` when
  // they all pass the same one, found close by; else an invalid Value.
  ir::Value CommonIncoming(uint32_t var, const BlockState& s) const;
  // Appends the arguments collected in edge_args_ to their block calls.
  void WriteEdgeArgs();
  // Finish's last step: removes the trivial parameters (see the header).
  void RemoveTrivialParams();

  ir::Function* f_ = nullptr;
  ir::FunctionBuilder* b_ = nullptr;
  std::vector<ir::Type> var_types_;
  uint32_t num_vars_ = 0;
  // Definitions are numbered from 1 in order; last_def_[var] is the number
  // of var's latest (0: none).
  uint32_t def_clock_ = 0;
  bool resolving_ = false;  // in ResolvePending
  std::vector<uint32_t> last_def_;
  // Definitions: dense_defs_[block * num_vars_ + var] for blocks below rows_
  // (none once sparse_), else sparse_defs_[Key(var, block)].
  std::vector<ir::Value> dense_defs_;
  uint32_t rows_ = 0;
  bool sparse_ = false;
  absl::flat_hash_map<uint64_t, ir::Value> sparse_defs_;
  std::vector<BlockState> blocks_;  // by block index
  std::vector<Edge> edges_;
  std::vector<Incomplete> incomplete_;
  std::vector<PendingParam> worklist_;
  std::vector<EdgeArg> edge_args_;  // in the order they were added
  std::vector<uint32_t> call_next_;   // Finish's scratch, by block call
  // RemoveTrivialParams' scratch: the blocks with parameters and branches
  // into them, each with its range of incoming_calls_.
  struct ParamBlock {
    ir::Block block;
    uint32_t calls_begin;
    uint32_t calls_end;
    bool changed;
  };
  std::vector<ParamBlock> param_blocks_;
  std::vector<uint32_t> incoming_calls_;  // into Function::block_calls
};

}  // namespace wasm

#endif  // RUNTIME_TRANSLATOR_SSA_BUILDER_H_
