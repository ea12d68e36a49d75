// The IR's builder, text form, CFG / dominators and verifier.
#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/ir/cfg.h"
#include "runtime/ir/ir.h"
#include "runtime/ir/verifier.h"

namespace wasm::ir {
namespace {

using ::testing::HasSubstr;

// max(a, b) with a diamond: block0 -> block1 | block2 -> block3(result).
Function Diamond() {
  Function f(Signature{{Type::kI32, Type::kI32}, {Type::kI32}});
  f.name = "max";
  FunctionBuilder b(&f);
  const Block entry = b.CreateBlock();
  const Block then_block = b.CreateBlock();
  const Block else_block = b.CreateBlock();
  const Block join = b.CreateBlock();
  const Value x = b.AppendBlockParam(entry, Type::kI32);
  const Value y = b.AppendBlockParam(entry, Type::kI32);
  const Value r = b.AppendBlockParam(join, Type::kI32);
  b.SwitchToBlock(entry);
  const Value c = b.Icmp(Cond::kSgt, x, y);
  b.BrIf(c, then_block, {}, else_block, {});
  b.SwitchToBlock(then_block);
  const Value xs[] = {x};
  b.Jump(join, xs);
  b.SwitchToBlock(else_block);
  const Value ys[] = {y};
  b.Jump(join, ys);
  b.SwitchToBlock(join);
  const Value rs[] = {r};
  b.Return(rs);
  return f;
}

TEST(IrTest, PrintsTheTextForm) {
  EXPECT_EQ(PrintFunction(Diamond()),
            "function %max(i32, i32) -> i32 {\n"
            "block0(v0: i32, v1: i32):\n"
            "    v3 = icmp.i32 sgt v0, v1\n"
            "    brif v3, block1, block2\n"
            "block1:\n"
            "    jump block3(v0)\n"
            "block2:\n"
            "    jump block3(v1)\n"
            "block3(v2: i32):\n"
            "    return v2\n"
            "}\n");
}

TEST(IrTest, PrintsEveryFormat) {
  Function f(Signature{{Type::kI32}, {}});
  FunctionBuilder b(&f);
  const Block entry = b.CreateBlock();
  const Block exit = b.CreateBlock();
  const Value a = b.AppendBlockParam(entry, Type::kI32);
  b.SwitchToBlock(entry);
  const Value k = b.Iconst(Type::kI32, 0xffffffff);
  const Value l = b.Load(Type::kI64, MemFlags{1, true}, a, 16);
  b.Store(MemFlags{2, false}, a, k, 4);
  const Value fl = b.F64const(0x3ff0000000000000ull);
  const Value s = b.Select(Type::kF64, k, fl, fl);
  b.GlobalSet(2, b.GlobalGet(Type::kI64, 1));
  const Type two[] = {Type::kI32, Type::kF64};
  const Value args[] = {a, s};
  b.Call(5, args, two);
  b.CallIndirect(3, 0, a, {}, {});
  b.TrapIf(a, 2);
  (void)l;
  const Block targets[] = {exit, exit};
  b.BrTable(a, targets);
  b.SwitchToBlock(exit);
  b.Trap(0);
  EXPECT_EQ(PrintFunction(f),
            "function %f(i32) {\n"
            "block0(v0: i32):\n"
            "    v1 = iconst.i32 -1\n"
            "    v2 = load.i64.s8 v0+16\n"
            "    store.i32.w16 v0+4, v1\n"
            "    v3 = f64const 0x3ff0000000000000\n"
            "    v4 = select.f64 v1, v3, v3\n"
            "    v5 = global_get.i64 g1\n"
            "    global_set g2, v5\n"
            "    v6, v7 = call f5(v0, v4)\n"
            "    call_indirect type3, table0, v0()\n"
            "    trap_if v0, #2\n"
            "    br_table v0, [block1], block1\n"
            "block1:\n"
            "    trap #0\n"
            "}\n");
  EXPECT_TRUE(VerifyFunction(f).ok()) << VerifyFunction(f);
}

TEST(IrTest, DominatorsOfADiamondAndALoop) {
  const Function f = Diamond();
  ControlFlowGraph cfg(f);
  EXPECT_EQ(cfg.ReversePostOrder().size(), 4u);
  EXPECT_EQ(cfg.Idom(Block(3)), Block(0));
  EXPECT_TRUE(cfg.Dominates(Block(0), Block(3)));
  EXPECT_FALSE(cfg.Dominates(Block(1), Block(3)));
  EXPECT_EQ(cfg.Predecessors(Block(3)).size(), 2u);

  // block0 -> block1 (loop header) <-> block2; block1 -> block3.
  Function loop(Signature{{Type::kI32}, {}});
  FunctionBuilder b(&loop);
  const Block b0 = b.CreateBlock(), b1 = b.CreateBlock(), b2 = b.CreateBlock(), b3 = b.CreateBlock();
  const Value n = b.AppendBlockParam(b0, Type::kI32);
  b.SwitchToBlock(b0);
  b.Jump(b1, {});
  b.SwitchToBlock(b1);
  b.BrIf(n, b2, {}, b3, {});
  b.SwitchToBlock(b2);
  b.Jump(b1, {});
  b.SwitchToBlock(b3);
  b.Return({});
  ControlFlowGraph lcfg(loop);
  EXPECT_EQ(lcfg.Idom(b2), b1);
  EXPECT_EQ(lcfg.Idom(b3), b1);
  EXPECT_TRUE(lcfg.Dominates(b1, b2));
  EXPECT_TRUE(VerifyFunction(loop).ok());
}

TEST(IrTest, GraphAfterDroppingUnreachableBlocksEqualsARecomputedOne) {
  // block0 -> block1 -> block3; block2 (unreachable) -> block1, block3.
  Function f(Signature{{Type::kI32}, {}});
  FunctionBuilder b(&f);
  const Block b0 = b.CreateBlock(), b1 = b.CreateBlock(), b2 = b.CreateBlock(), b3 = b.CreateBlock();
  const Value n = b.AppendBlockParam(b0, Type::kI32);
  b.SwitchToBlock(b0);
  b.Jump(b1, {});
  b.SwitchToBlock(b2);
  b.BrIf(n, b1, {}, b3, {});
  b.SwitchToBlock(b1);
  b.Jump(b3, {});
  b.SwitchToBlock(b3);
  b.Return({});
  ControlFlowGraph cfg(f);
  EXPECT_FALSE(cfg.IsReachable(b2));
  EXPECT_EQ(cfg.Predecessors(b1).size(), 2u);
  f.layout.erase(std::find(f.layout.begin(), f.layout.end(), b2));
  cfg.DropUnreachableEdges();
  const ControlFlowGraph fresh(f);
  for (Block x : {b0, b1, b2, b3}) {
    EXPECT_THAT(cfg.Predecessors(x), ::testing::ElementsAreArray(fresh.Predecessors(x)));
    EXPECT_THAT(cfg.Successors(x), ::testing::ElementsAreArray(fresh.Successors(x)));
    EXPECT_EQ(cfg.Idom(x), fresh.Idom(x));
  }
  EXPECT_THAT(cfg.ReversePostOrder(), ::testing::ElementsAreArray(fresh.ReversePostOrder()));
  // Computing in two steps gives the same graph as Compute.
  ControlFlowGraph split;
  split.ComputeOrder(f);
  split.ComputeDominators();
  for (Block x : {b0, b1, b3}) {
    EXPECT_EQ(split.Idom(x), fresh.Idom(x));
    EXPECT_THAT(split.DomChildren(x), ::testing::ElementsAreArray(fresh.DomChildren(x)));
    EXPECT_TRUE(split.Dominates(b0, x));
  }
}

TEST(IrTest, GraphAfterRemovingAnEdgeEqualsARecomputedOne) {
  // The diamond's brif becomes a jump to its then block: the else block is
  // unreachable and the join's dominator changes.
  Function f = Diamond();
  ControlFlowGraph cfg(f);
  const Block entry = f.layout[0];
  const Inst branch = f.Terminator(entry);
  const Block then_block = f.Targets(branch)[0].block;
  const Block else_block = f.Targets(branch)[1].block;
  InstData& d = f.inst(branch);
  d.op = IrOpcode::kJump;
  d.targets_count = 1;
  d.args_count = 0;
  cfg.RemoveEdge(entry, else_block);
  cfg.RecomputeOrder(f);
  cfg.ComputeDominatorTree();
  const ControlFlowGraph fresh(f);
  EXPECT_FALSE(cfg.IsReachable(else_block));
  EXPECT_THAT(cfg.ReversePostOrder(), ::testing::ElementsAreArray(fresh.ReversePostOrder()));
  for (uint32_t i = 0; i < f.blocks.size(); ++i) {
    const Block x(i);
    EXPECT_THAT(cfg.Predecessors(x), ::testing::ElementsAreArray(fresh.Predecessors(x)));
    EXPECT_THAT(cfg.Successors(x), ::testing::ElementsAreArray(fresh.Successors(x)));
    EXPECT_THAT(cfg.DomChildren(x), ::testing::ElementsAreArray(fresh.DomChildren(x)));
    EXPECT_EQ(cfg.Idom(x), fresh.Idom(x));
    EXPECT_EQ(cfg.IsReachable(x), fresh.IsReachable(x));
    // Without the numbering, Dominates walks the idom chain.
    for (uint32_t j = 0; j < f.blocks.size(); ++j) {
      EXPECT_EQ(cfg.Dominates(x, Block(j)), fresh.Dominates(x, Block(j)));
    }
  }
  EXPECT_EQ(cfg.Idom(f.Targets(f.Terminator(then_block))[0].block), then_block);
}

TEST(VerifierTest, AcceptsWellFormedFunctions) {
  EXPECT_TRUE(VerifyFunction(Diamond()).ok()) << VerifyFunction(Diamond());
}

TEST(VerifierTest, RejectsAUseNotDominatedByItsDefinition) {
  Function f = Diamond();
  // Make block2 jump with a value defined only in block1's path: redefine
  // block1 to compute v and block2 to use it.
  FunctionBuilder b(&f);
  const Block extra = b.CreateBlock();
  b.SwitchToBlock(extra);  // unreachable block: not checked for dominance
  b.Return(std::vector<Value>{Value(0)});
  EXPECT_TRUE(VerifyFunction(f).ok());

  Function g(Signature{{Type::kI32}, {Type::kI32}});
  FunctionBuilder gb(&g);
  const Block e = gb.CreateBlock(), t = gb.CreateBlock(), el = gb.CreateBlock();
  const Value p = gb.AppendBlockParam(e, Type::kI32);
  gb.SwitchToBlock(e);
  gb.BrIf(p, t, {}, el, {});
  gb.SwitchToBlock(t);
  const Value only_in_t = gb.Iconst(Type::kI32, 1);
  gb.Return(std::vector<Value>{only_in_t});
  gb.SwitchToBlock(el);
  gb.Return(std::vector<Value>{only_in_t});
  const absl::Status s = VerifyFunction(g);
  EXPECT_THAT(std::string(s.message()), HasSubstr("does not dominate"));
}

TEST(VerifierTest, RejectsTypeAndArityErrors) {
  Function f(Signature{{Type::kI32, Type::kF32}, {Type::kI32}});
  FunctionBuilder b(&f);
  const Block e = b.CreateBlock();
  const Value i = b.AppendBlockParam(e, Type::kI32);
  const Value x = b.AppendBlockParam(e, Type::kF32);
  b.SwitchToBlock(e);
  const Value bad = b.Binary(IrOpcode::kIadd, Type::kI32, i, x);
  b.Return(std::vector<Value>{bad});
  EXPECT_THAT(std::string(VerifyFunction(f).message()),
              HasSubstr("inst0 (iadd): operand v1 is f32, expected i32"));

  Function g(Signature{{}, {Type::kI32}});
  FunctionBuilder gb(&g);
  const Block ge = gb.CreateBlock();
  gb.SwitchToBlock(ge);
  gb.Return({});
  EXPECT_THAT(std::string(VerifyFunction(g).message()), HasSubstr("returns 0 values"));

  Function h(Signature{{}, {}});
  FunctionBuilder hb(&h);
  const Block he = hb.CreateBlock();
  hb.SwitchToBlock(he);
  hb.Iconst(Type::kI32, 1);
  EXPECT_THAT(std::string(VerifyFunction(h).message()), HasSubstr("does not end in a terminator"));
}

TEST(FunctionTest, AliasesResolveInUsesAndPrinting) {
  Function f = Diamond();
  // Replace v0 by v1 everywhere: block1 now jumps with v1.
  f.ReplaceUses(Value(0), Value(1));
  EXPECT_THAT(PrintFunction(f), HasSubstr("block1:\n    jump block3(v1)"));
  f.ResolveAllAliases();
  EXPECT_EQ(f.CallArgs(f.Targets(f.Terminator(Block(1)))[0])[0], Value(1));
}

TEST(FunctionTest, DefiningInstRemoveInstAndCountUses) {
  Function f = Diamond();
  // v3 = icmp in block0 is inst0; v0 is a parameter.
  EXPECT_EQ(f.DefiningInst(Value(3)), Inst(0));
  EXPECT_FALSE(f.DefiningInst(Value(0)).valid());
  std::vector<uint32_t> uses = CountUses(f);
  EXPECT_EQ(uses[0], 2u);  // icmp, jump argument
  EXPECT_EQ(uses[2], 1u);  // return
  EXPECT_EQ(uses[3], 1u);  // brif
  // Uses of an alias count for the value it stands for.
  f.ReplaceUses(Value(1), Value(0));
  uses = CountUses(f);
  EXPECT_EQ(uses[0], 4u);
  EXPECT_EQ(uses[1], 0u);
  EXPECT_EQ(f.DefiningInst(Value(1)), Inst());  // resolves to v0, a parameter

  Function g(Signature{{}, {}});
  FunctionBuilder b(&g);
  const Block e = b.CreateBlock();
  b.SwitchToBlock(e);
  const Value k = b.Iconst(Type::kI32, 7);
  b.Return({});
  g.RemoveInst(g.DefiningInst(k));
  EXPECT_FALSE(g.inst(Inst(0)).block.valid());
  EXPECT_EQ(g.block(e).insts, std::vector<Inst>{Inst(1)});
  g.RemoveInst(Inst(0));  // removing twice is harmless
  EXPECT_EQ(PrintFunction(g), "function %f() {\nblock0:\n    return\n}\n");
}

}  // namespace
}  // namespace wasm::ir
