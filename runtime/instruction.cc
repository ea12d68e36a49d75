#include "runtime/instruction.h"

#include "runtime/limits.h"
#include "runtime/status_macros.h"

namespace wasm {

absl::Status InstructionReader::ReadBlockType(BlockType* out) {
  uint8_t b;
  if (!r_->Peek(&b)) return r_->EndError();
  if (b == 0x40) {
    r_->Skip(1).IgnoreError();
    out->kind = BlockType::Kind::kEmpty;
    return absl::OkStatus();
  }
  if (IsValTypeByte(b)) {
    r_->Skip(1).IgnoreError();
    out->kind = BlockType::Kind::kValue;
    out->value = static_cast<ValType>(b);
    return absl::OkStatus();
  }
  const size_t at = r_->offset();
  int64_t index;
  RETURN_IF_ERROR(r_->ReadS33(&index));
  if (index < 0) return r_->MalformedAt(at, "malformed value type");
  out->kind = BlockType::Kind::kTypeIndex;
  out->type_index = static_cast<uint32_t>(index > 0xffffffff ? 0xffffffff : index);
  return absl::OkStatus();
}

absl::Status InstructionReader::ReadMemArg(Instruction* out) {
  RETURN_IF_ERROR(r_->ReadU32(&out->align));
  return r_->ReadU32(&out->mem_offset);
}

absl::Status InstructionReader::ReadZeroByte() {
  uint8_t b = 0;
  RETURN_IF_ERROR(r_->ReadU8(&b));
  if (b != 0) return r_->MalformedAt(r_->offset() - 1, "zero byte expected");
  return absl::OkStatus();
}

absl::Status InstructionReader::ReadRefType(ValType* out) {
  uint8_t b = 0;
  RETURN_IF_ERROR(r_->ReadU8(&b));
  if (b != 0x70 && b != 0x6f) return r_->MalformedAt(r_->offset() - 1, "malformed reference type");
  *out = static_cast<ValType>(b);
  return absl::OkStatus();
}

absl::Status InstructionReader::Next(Instruction* out) {
  out->offset = static_cast<uint32_t>(r_->offset());
  uint8_t byte = 0;
  RETURN_IF_ERROR(r_->ReadU8(&byte));
  if (byte == kPrefixFC) {
    uint32_t sub;
    RETURN_IF_ERROR(r_->ReadU32(&sub));
    out->op = static_cast<Opcode>(0xfc00 | (sub > 0xff ? 0xff : sub));
    switch (out->op) {
#define WASM_FC_UNARY_OP(name, code, text, result, operand) case Opcode::k##name:
#include "runtime/opcodes.def"
        return absl::OkStatus();
      case Opcode::kMemoryInit:
        RETURN_IF_ERROR(r_->ReadU32(&out->index));
        return ReadZeroByte();
      case Opcode::kDataDrop:
      case Opcode::kElemDrop:
      case Opcode::kTableGrow:
      case Opcode::kTableSize:
      case Opcode::kTableFill:
        return r_->ReadU32(&out->index);
      case Opcode::kMemoryCopy:
        RETURN_IF_ERROR(ReadZeroByte());
        return ReadZeroByte();
      case Opcode::kMemoryFill:
        return ReadZeroByte();
      case Opcode::kTableInit:  // elemidx, then tableidx
      case Opcode::kTableCopy:  // dst tableidx, then src tableidx
        RETURN_IF_ERROR(r_->ReadU32(&out->index));
        return r_->ReadU32(&out->index2);
      default:
        return r_->MalformedAt(out->offset, "illegal opcode");
    }
  }
  out->op = static_cast<Opcode>(byte);
  switch (out->op) {
#define WASM_BINARY_OP(name, code, text, result, operand) case Opcode::k##name:
#define WASM_UNARY_OP(name, code, text, result, operand) case Opcode::k##name:
#include "runtime/opcodes.def"
    case Opcode::kUnreachable:
    case Opcode::kNop:
    case Opcode::kElse:
    case Opcode::kEnd:
    case Opcode::kReturn:
    case Opcode::kDrop:
    case Opcode::kSelect:
    case Opcode::kRefIsNull:
      return absl::OkStatus();
#define WASM_LOAD_OP(name, code, text, result, align) case Opcode::k##name:
#define WASM_STORE_OP(name, code, text, value, align) case Opcode::k##name:
#include "runtime/opcodes.def"
      return ReadMemArg(out);
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf:
      return ReadBlockType(&out->block);
    case Opcode::kBr:
    case Opcode::kBrIf:
    case Opcode::kCall:
    case Opcode::kLocalGet:
    case Opcode::kLocalSet:
    case Opcode::kLocalTee:
    case Opcode::kGlobalGet:
    case Opcode::kGlobalSet:
    case Opcode::kTableGet:
    case Opcode::kTableSet:
    case Opcode::kRefFunc:
      return r_->ReadU32(&out->index);
    case Opcode::kBrTable: {
      uint32_t count;
      RETURN_IF_ERROR(r_->ReadU32(&count));
      if (count > kMaxBrTableTargets) {
        return r_->Malformed("br_table has too many targets (implementation limit 65520)");
      }
      if (count > r_->remaining()) return r_->EndError();  // each target takes >= 1 byte
      targets_.resize(count + 1);
      for (uint32_t i = 0; i <= count; ++i) RETURN_IF_ERROR(r_->ReadU32(&targets_[i]));
      out->targets = absl::MakeConstSpan(targets_);
      return absl::OkStatus();
    }
    case Opcode::kCallIndirect:  // typeidx, then tableidx
      RETURN_IF_ERROR(r_->ReadU32(&out->index));
      return r_->ReadU32(&out->index2);
    case Opcode::kSelectT: {
      uint32_t count;
      RETURN_IF_ERROR(r_->ReadU32(&count));
      // Only one result type is valid; more is a validation error, reported
      // by the validator, so we remember the count in index.
      out->index = count;
      if (count > r_->remaining()) return r_->EndError();
      for (uint32_t i = 0; i < count; ++i) {
        uint8_t t = 0;
        RETURN_IF_ERROR(r_->ReadU8(&t));
        if (!IsValTypeByte(t)) return r_->MalformedAt(r_->offset() - 1, "malformed value type");
        if (i == 0) out->type = static_cast<ValType>(t);
      }
      return absl::OkStatus();
    }
    case Opcode::kMemorySize:
    case Opcode::kMemoryGrow:
      return ReadZeroByte();
    case Opcode::kI32Const: {
      int32_t v = 0;
      RETURN_IF_ERROR(r_->ReadS32(&v));
      out->bits = static_cast<uint64_t>(static_cast<int64_t>(v));
      return absl::OkStatus();
    }
    case Opcode::kI64Const: {
      int64_t v = 0;
      RETURN_IF_ERROR(r_->ReadS64(&v));
      out->bits = static_cast<uint64_t>(v);
      return absl::OkStatus();
    }
    case Opcode::kF32Const: {
      uint32_t v = 0;
      RETURN_IF_ERROR(r_->ReadFixed32(&v));
      out->bits = v;
      return absl::OkStatus();
    }
    case Opcode::kF64Const:
      return r_->ReadFixed64(&out->bits);
    case Opcode::kRefNull:
      return ReadRefType(&out->type);
    default:
      return r_->MalformedAt(out->offset, "illegal opcode");
  }
}

}  // namespace wasm
