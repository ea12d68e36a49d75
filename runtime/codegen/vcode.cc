#include "runtime/codegen/vcode.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wasm::codegen {

VReg VCode::NewVReg(x64::RegClass cls) {
  vreg_class_.push_back(cls);
  return VReg(static_cast<uint32_t>(vreg_class_.size() - 1));
}

std::string MachBlock::name() const {
  if (edge_number == UINT32_MAX) return absl::StrCat("block", ir_block);
  return absl::StrCat("edge", edge_number, "_to_block", ir_block);
}

uint32_t VCode::NewBlock(x64::Label label, uint32_t ir_block, bool edge) {
  const uint32_t b = static_cast<uint32_t>(blocks_.size());
  MachBlock& mb = blocks_.emplace_back(arena_.get());
  mb.label = label;
  mb.ir_block = ir_block;
  if (edge) mb.edge_number = b;
  return b;
}

MachInst& VCode::Append(uint32_t b, MachInst mi) {
  blocks_[b].insts.push_back(std::move(mi));
  return blocks_[b].insts.back();
}

void VCode::AddParallelMove(uint32_t b, const std::vector<MoveOp>& moves) {
  if (moves.empty()) return;
  MachInst mi;
  mi.kind = MachInst::Kind::kParallelMove;
  mi.moves_begin = static_cast<uint32_t>(moves_.size());
  mi.moves_count = static_cast<uint32_t>(moves.size());
  moves_.insert(moves_.end(), moves.begin(), moves.end());
  Append(b, std::move(mi));
}

std::string VRegName(VReg v) { return v.valid() ? absl::StrCat("%", v.index) : "%none"; }

namespace {

std::string PrintInst(const VCode& code, const MachInst& mi) {
  using Kind = MachInst::Kind;
  std::string s;
  if (mi.trap) absl::StrAppend(&s, "[trap ", TrapKindName(*mi.trap), "] ");
  switch (mi.kind) {
    case Kind::kJmp:
      return absl::StrCat(s, "jmp L", mi.label.id());
    case Kind::kJcc:
      return absl::StrCat(s, "j", x64::CondName(mi.cond), " L", mi.label.id());
    case Kind::kBind:
      return absl::StrCat("L", mi.label.id(), ":");
    case Kind::kJumpTable:
      return absl::StrCat("jump table L", mi.label.id());
    case Kind::kRet:
      return absl::StrCat(s, "ret ", mi.extra_uses.ToString());
    case Kind::kParallelMove: {
      std::vector<std::string> parts;
      for (const MoveOp& m : code.Moves(mi)) {
        parts.push_back(absl::StrCat(VRegName(m.dst), " <- ", VRegName(m.src)));
      }
      return absl::StrCat("parallel_move ", absl::StrJoin(parts, ", "));
    }
    case Kind::kMovExternal:
      return absl::StrCat("movabs ", x64::RegName(mi.inst.operand(0).reg() ? *mi.inst.operand(0).reg()
                                                                          : x64::Reg()),
                          ", sym", mi.symbol);
    case Kind::kInst:
      break;
  }
  absl::StrAppend(&s, x64::ToString(mi.inst));
  std::vector<std::string> ops;
  int k = 0;
  x64::ForEachRegOperand(mi.inst, [&](const x64::RegOperand& r) {
    if (r.fixed) return;
    const VReg v = k < kMaxVRegOperands ? mi.vregs[k] : VReg();
    ++k;
    if (v.valid()) ops.push_back(absl::StrCat(x64::AccessName(r.access), " ", VRegName(v)));
  });
  if (!ops.empty()) absl::StrAppend(&s, "  ; ", absl::StrJoin(ops, ", "));
  if (!mi.extra_uses.empty()) absl::StrAppend(&s, "  uses ", mi.extra_uses.ToString());
  if (!mi.extra_defs.empty()) absl::StrAppend(&s, "  clobbers ", mi.extra_defs.ToString());
  return s;
}

}  // namespace

std::string PrintVCode(const VCode& code) {
  std::string out;
  for (uint32_t b = 0; b < code.num_blocks(); ++b) {
    const MachBlock& mb = code.block(b);
    std::vector<std::string> succs;
    for (uint32_t s : mb.succs) succs.push_back(code.block(s).name());
    absl::StrAppend(&out, mb.name(), " (L", mb.label.id(), ") -> [", absl::StrJoin(succs, ", "),
                    "]:\n");
    for (const MachInst& mi : mb.insts) absl::StrAppend(&out, "    ", PrintInst(code, mi), "\n");
  }
  return out;
}

}  // namespace wasm::codegen
