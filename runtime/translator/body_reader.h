// Decoding the instructions of an already validated function body.
//
// InstructionReader (instruction.h) checks every byte and reports errors
// through absl::Status; the translator reads bodies that ValidateModule has
// accepted, so it decodes them again with no checks at all: LEB128 without
// length limits, no end-of-input tests, opcodes assumed known. Same
// Instruction as InstructionReader (the fields the translator uses).
//
//   BodyReader r(module.bytes.data(), body.code_offset, &targets_scratch);
//   Instruction in;
//   r.Next(&in);          // call only while the body has instructions left
//
// BlockTypeParams / BlockTypeResults: a block type's types, for the
// translator and the baseline compiler alike.
//
// Invariant: the bytes are a body (or a prefix of one) that validated; on
// anything else the result is unspecified (but reads stay within the
// instructions' encoded lengths, so a valid body is never overrun).
#ifndef RUNTIME_TRANSLATOR_BODY_READER_H_
#define RUNTIME_TRANSLATOR_BODY_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/types/span.h"
#include "runtime/instruction.h"
#include "runtime/module.h"
#include "runtime/opcode.h"

namespace wasm {

// A block type's parameter and result types (for a validated body: a type
// index is in range). Spans into `m` or a static table.
inline absl::Span<const ValType> BlockTypeParams(const Module& m, const BlockType& bt) {
  if (bt.kind == BlockType::Kind::kTypeIndex) return m.types[bt.type_index].params;
  return {};
}
inline absl::Span<const ValType> BlockTypeResults(const Module& m, const BlockType& bt) {
  static constexpr ValType kSingle[] = {ValType::kI32, ValType::kI64, ValType::kF32,
                                        ValType::kF64, ValType::kFuncRef, ValType::kExternRef};
  switch (bt.kind) {
    case BlockType::Kind::kEmpty: return {};
    case BlockType::Kind::kValue:
      for (const ValType& t : kSingle) {
        if (t == bt.value) return absl::Span<const ValType>(&t, 1);
      }
      return {};
    case BlockType::Kind::kTypeIndex: return m.types[bt.type_index].results;
  }
  return {};
}

class BodyReader {
 public:
  // Reads from bytes[offset]; `targets` holds br_table's labels (reused from
  // one body to the next).
  BodyReader(const uint8_t* bytes, size_t offset, std::vector<uint32_t>* targets)
      : base_(bytes), p_(bytes + offset), targets_(targets) {}

  ABSL_ATTRIBUTE_ALWAYS_INLINE void Next(Instruction* out) {
    out->offset = static_cast<uint32_t>(p_ - base_);
    const uint8_t byte = *p_++;
    out->op = static_cast<Opcode>(byte);
    switch (out->op) {
      case Opcode::kLocalGet:
      case Opcode::kLocalSet:
      case Opcode::kLocalTee:
      case Opcode::kBr:
      case Opcode::kBrIf:
      case Opcode::kCall:
      case Opcode::kGlobalGet:
      case Opcode::kGlobalSet:
      case Opcode::kTableGet:
      case Opcode::kTableSet:
      case Opcode::kRefFunc:
        out->index = U32();
        return;
      case Opcode::kI32Const:
        out->bits = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(Signed())));
        return;
      case Opcode::kI64Const:
        out->bits = Signed();
        return;
      case Opcode::kF32Const: {
        uint32_t v;
        std::memcpy(&v, p_, 4);
        p_ += 4;
        out->bits = v;
        return;
      }
      case Opcode::kF64Const:
        std::memcpy(&out->bits, p_, 8);
        p_ += 8;
        return;
#define WASM_LOAD_OP(name, code, text, result, align) case Opcode::k##name:
#define WASM_STORE_OP(name, code, text, value, align) case Opcode::k##name:
#include "runtime/opcodes.def"
        out->align = U32();
        out->mem_offset = U32();
        return;
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf:
        ReadBlockType(&out->block);
        return;
      case Opcode::kBrTable: {
        const uint32_t count = U32();
        targets_->resize(count + 1);
        uint32_t* t = targets_->data();
        for (uint32_t i = 0; i <= count; ++i) t[i] = U32();
        out->targets = absl::MakeConstSpan(*targets_);
        return;
      }
      case Opcode::kCallIndirect:
        out->index = U32();
        out->index2 = U32();
        return;
      case Opcode::kSelectT: {
        const uint32_t count = U32();  // 1 in a valid body
        out->index = count;
        if (count > 0) out->type = static_cast<ValType>(p_[0]);
        p_ += count;
        return;
      }
      case Opcode::kMemorySize:
      case Opcode::kMemoryGrow:
        ++p_;  // reserved zero byte
        return;
      case Opcode::kRefNull:
        out->type = static_cast<ValType>(*p_++);
        return;
      default:
        break;
    }
    if (byte == kPrefixFC) {
      NextFC(out);
      return;
    }
    // Everything else has no immediates.
  }

  // The byte the next Next() starts at (a look-ahead at the next opcode).
  const uint8_t* position() const { return p_; }

 private:
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint32_t U32() {
    uint32_t b = *p_++;
    if (b < 0x80) return b;
    uint32_t v = b & 0x7f;
    for (int shift = 7;; shift += 7) {
      b = *p_++;
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  // A signed LEB128 of up to 64 bits, sign-extended to 64 bits.
  uint64_t Signed() {
    uint64_t v = 0;
    int shift = 0;
    uint8_t b;
    do {
      b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) v |= ~uint64_t{0} << shift;
    return v;
  }
  void ReadBlockType(BlockType* out) {
    const uint8_t b = *p_;
    if (b == 0x40) {
      ++p_;
      out->kind = BlockType::Kind::kEmpty;
    } else if ((b & 0xc0) == 0x40) {  // a one-byte negative s33: a value type
      ++p_;
      out->kind = BlockType::Kind::kValue;
      out->value = static_cast<ValType>(b);
    } else {  // a non-negative s33 (one byte or more): a type index
      out->kind = BlockType::Kind::kTypeIndex;
      out->type_index = static_cast<uint32_t>(Signed());
    }
  }
  void NextFC(Instruction* out) {
    const uint32_t sub = U32();
    out->op = static_cast<Opcode>(0xfc00 | sub);
    switch (out->op) {
      case Opcode::kMemoryInit:
        out->index = U32();
        ++p_;  // reserved zero byte
        return;
      case Opcode::kDataDrop:
      case Opcode::kElemDrop:
      case Opcode::kTableGrow:
      case Opcode::kTableSize:
      case Opcode::kTableFill:
        out->index = U32();
        return;
      case Opcode::kMemoryCopy:
        p_ += 2;
        return;
      case Opcode::kMemoryFill:
        ++p_;
        return;
      case Opcode::kTableInit:
      case Opcode::kTableCopy:
        out->index = U32();
        out->index2 = U32();
        return;
      default:  // the saturating conversions: no immediates
        return;
    }
  }

  const uint8_t* const base_;
  const uint8_t* p_;
  std::vector<uint32_t>* targets_;
};

}  // namespace wasm

#endif  // RUNTIME_TRANSLATOR_BODY_READER_H_
