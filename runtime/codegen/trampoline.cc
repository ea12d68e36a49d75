// Trampolines between the array-call convention and the native wasm ABI
// (abi.h). Declared in emit.h.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/codegen/abi.h"
#include "runtime/codegen/emit.h"
#include "runtime/translator/translator.h"

namespace wasm::codegen {

using x64::Form;
using x64::Imm;
using x64::Mem;

namespace {

std::vector<ir::Type> IrTypes(const std::vector<ValType>& types) {
  std::vector<ir::Type> out;
  for (ValType t : types) out.push_back(IrType(t));
  return out;
}

void Enter(x64::Assembler& as) {
  as.Emit(Form::kPush64O, x64::kRbp);
  as.Emit(Form::kMov64RM, x64::kRbp, x64::kRsp);
  as.Emit(Form::kPush64O, x64::kRbx);
  as.Emit(Form::kPush64O, x64::kR12);
}

void Leave(x64::Assembler& as) {
  as.Emit(Form::kLea64RM, x64::kRsp, Mem(x64::kRbp, -16));
  as.Emit(Form::kPop64O, x64::kR12);
  as.Emit(Form::kPop64O, x64::kRbx);
  as.Emit(Form::kPop64O, x64::kRbp);
  as.Emit(Form::kRet);
}

void SubRsp(x64::Assembler& as, uint32_t bytes) {
  if (bytes > 0) as.Emit(x64::NarrowImmediate(x64::Inst(Form::kSub64MI, {x64::kRsp, Imm(bytes)})));
}

uint32_t RoundUp16(uint32_t n) { return (n + 15) & ~15u; }

}  // namespace

void EmitArrayEntryTrampoline(const FuncType& type, x64::Label callee, x64::Assembler& as) {
  const std::vector<ir::Type> params = IrTypes(type.params), results = IrTypes(type.results);
  const CallConv cc = ComputeCallConv(params, results);
  Enter(as);  // rsp is 16-aligned here
  SubRsp(as, RoundUp16(8 * cc.stack_slots));
  as.Emit(Form::kMov64RM, x64::kRbx, x64::kRsi);  // rbx = args_and_results
  for (size_t k = 0; k < params.size(); ++k) {
    const Mem src(x64::kRbx, static_cast<int32_t>(8 * k));
    const ir::Type t = params[k];
    if (!cc.params[k].in_reg()) {
      as.Emit(Form::kMov64RM, x64::kRax, src);
      as.Emit(Form::kMov64MR, Mem(x64::kRsp, static_cast<int32_t>(8 * cc.params[k].stack_slot)),
              x64::kRax);
      continue;
    }
    const x64::Reg r = cc.params[k].reg;
    switch (t) {
      case ir::Type::kI32: as.Emit(Form::kMov32RM, r, src); break;  // zero-extends
      case ir::Type::kI64: as.Emit(Form::kMov64RM, r, src); break;
      case ir::Type::kF32: as.Emit(Form::kMovssRM, r, src); break;
      default: as.Emit(Form::kMovsdRM, r, src); break;
    }
  }
  if (cc.has_results_out) as.Emit(Form::kMov64RM, x64::kRsi, x64::kRbx);  // results in place
  as.Call(callee);  // rdi = vmctx, untouched
  if (results.size() == 1) {
    switch (results[0]) {
      case ir::Type::kI32:
      case ir::Type::kI64: as.Emit(Form::kMov64MR, Mem(x64::kRbx), x64::kRax); break;
      case ir::Type::kF32:
        as.Emit(Form::kMovdMR, x64::kRax, x64::kXmm0);  // zero-extended bit pattern
        as.Emit(Form::kMov64MR, Mem(x64::kRbx), x64::kRax);
        break;
      default: as.Emit(Form::kMovsdMR, Mem(x64::kRbx), x64::kXmm0); break;
    }
  } else {
    // The callee stored f32 results as 4 bytes: clear the slots' upper halves.
    for (size_t k = 0; k < results.size(); ++k) {
      if (results[k] != ir::Type::kF32) continue;
      const Mem slot(x64::kRbx, static_cast<int32_t>(8 * k));
      as.Emit(Form::kMov32RM, x64::kRax, slot);
      as.Emit(Form::kMov64MR, slot, x64::kRax);
    }
  }
  Leave(as);
}

void EmitNativeToArrayTrampoline(const FuncType& type, x64::Assembler& as) {
  const std::vector<ir::Type> params = IrTypes(type.params), results = IrTypes(type.results);
  const CallConv cc = ComputeCallConv(params, results);
  const size_t slots = std::max<size_t>(1, std::max(params.size(), results.size()));
  Enter(as);
  SubRsp(as, RoundUp16(static_cast<uint32_t>(8 * slots)));
  as.Emit(Form::kMov64RM, x64::kR12, kFuncRefReg);               // r12 = FuncRef*
  if (cc.has_results_out) as.Emit(Form::kMov64RM, x64::kRbx, x64::kRsi);  // rbx = results_out
  for (size_t k = 0; k < params.size(); ++k) {
    const Mem dst(x64::kRsp, static_cast<int32_t>(8 * k));
    const ir::Type t = params[k];
    if (!cc.params[k].in_reg()) {
      as.Emit(Form::kMov64RM, kScratchGpr0,
              Mem(x64::kRbp, 16 + 8 * static_cast<int32_t>(cc.params[k].stack_slot)));
      as.Emit(Form::kMov64MR, dst, kScratchGpr0);
      continue;
    }
    const x64::Reg r = cc.params[k].reg;
    switch (t) {
      case ir::Type::kI32:
      case ir::Type::kI64: as.Emit(Form::kMov64MR, dst, r); break;
      case ir::Type::kF32:
        as.Emit(Form::kMovdMR, kScratchGpr0, r);
        as.Emit(Form::kMov64MR, dst, kScratchGpr0);
        break;
      default: as.Emit(Form::kMovsdMR, dst, r); break;
    }
  }
  as.Emit(Form::kMov64RM, x64::kRsi, x64::kRsp);  // rdi: the callee's vmctx, as passed
  as.Emit(Form::kCallM, Mem(x64::kR12, kFuncRefArrayEntry));
  if (results.size() == 1) {
    const Mem src(x64::kRsp, 0);
    switch (results[0]) {
      case ir::Type::kI32: as.Emit(Form::kMov32RM, x64::kRax, src); break;
      case ir::Type::kI64: as.Emit(Form::kMov64RM, x64::kRax, src); break;
      case ir::Type::kF32: as.Emit(Form::kMovssRM, x64::kXmm0, src); break;
      default: as.Emit(Form::kMovsdRM, x64::kXmm0, src); break;
    }
  } else {
    for (size_t k = 0; k < results.size(); ++k) {
      const int32_t off = static_cast<int32_t>(8 * k);
      as.Emit(Form::kMov64RM, kScratchGpr0, Mem(x64::kRsp, off));
      as.Emit(Form::kMov64MR, Mem(x64::kRbx, off), kScratchGpr0);
    }
  }
  Leave(as);
}

}  // namespace wasm::codegen
