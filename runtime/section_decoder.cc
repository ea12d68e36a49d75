#include "runtime/section_decoder.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/errors.h"
#include "runtime/instruction.h"
#include "runtime/limits.h"
#include "runtime/name_section.h"
#include "runtime/status_macros.h"

namespace wasm {
namespace {

constexpr uint32_t kMagic = 0x6d736100;  // "\0asm"
constexpr uint32_t kVersion = 1;

// Position of each non-custom section in the required order (the data count
// section sits between element and code).
int SectionOrder(uint8_t id) {
  switch (id) {
    case kTypeSection: return 1;
    case kImportSection: return 2;
    case kFunctionSection: return 3;
    case kTableSection: return 4;
    case kMemorySection: return 5;
    case kGlobalSection: return 6;
    case kExportSection: return 7;
    case kStartSection: return 8;
    case kElementSection: return 9;
    case kDataCountSection: return 10;
    case kCodeSection: return 11;
    case kDataSection: return 12;
    default: return 0;
  }
}

}  // namespace

absl::Status CheckModuleSize(uint64_t size) {
  if (size > kMaxModuleBytes) {
    return MalformedError(0, "module too large (implementation limit 1 GiB)");
  }
  return absl::OkStatus();
}

absl::Status DecodePreamble(absl::Span<const uint8_t> bytes) {
  Reader r(bytes, 0, std::min(bytes.size(), kPreambleBytes), /*whole_module=*/true);
  uint32_t magic, version;
  if (r.remaining() < 4) return MalformedError(0, "unexpected end");
  RETURN_IF_ERROR(r.ReadFixed32(&magic));
  if (magic != kMagic) return MalformedError(0, "magic header not detected");
  if (r.remaining() < 4) return MalformedError(4, "unexpected end");
  RETURN_IF_ERROR(r.ReadFixed32(&version));
  if (version != kVersion) return MalformedError(4, "unknown binary version");
  return absl::OkStatus();
}

absl::Status SectionDecoder::ReadCount(Reader& r, uint32_t limit, absl::string_view what,
                                      uint32_t* count) {
  const size_t at = r.offset();
  RETURN_IF_ERROR(r.ReadU32(count));
  if (*count > limit) {
    return MalformedError(at, absl::StrCat("too many ", what, ": ", *count,
                                           " (implementation limit ", limit, ")"));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::ReadValType(Reader& r, ValType* out) {
  uint8_t b = 0;
  RETURN_IF_ERROR(r.ReadU8(&b));
  if (!IsValTypeByte(b)) return r.MalformedAt(r.offset() - 1, "malformed value type");
  *out = static_cast<ValType>(b);
  return absl::OkStatus();
}

absl::Status SectionDecoder::ReadRefType(Reader& r, ValType* out) {
  uint8_t b = 0;
  RETURN_IF_ERROR(r.ReadU8(&b));
  if (b != 0x70 && b != 0x6f) return r.MalformedAt(r.offset() - 1, "malformed reference type");
  *out = static_cast<ValType>(b);
  return absl::OkStatus();
}

absl::Status SectionDecoder::ReadLimits(Reader& r, bool is_memory, Limits* out) {
  const size_t at = r.offset();
  uint8_t flags = 0;
  RETURN_IF_ERROR(r.ReadU8(&flags));
  // 0: min; 1: min max; with threads, memories also take 3: shared min max
  // (2, shared without a maximum, is decodable but invalid).
  const uint8_t allowed = is_memory ? 0x03 : 0x01;
  if (flags & ~allowed) {
    return r.MalformedAt(at, flags >= 0x80 ? "integer representation too long"
                                           : "integer too large");
  }
  uint32_t v;
  RETURN_IF_ERROR(r.ReadU32(&v));
  out->min = v;
  if (flags & 1) {
    RETURN_IF_ERROR(r.ReadU32(&v));
    out->max = v;
  }
  out->shared = (flags & 2) != 0;
  return absl::OkStatus();
}

absl::Status SectionDecoder::ReadTableType(Reader& r, TableType* out) {
  RETURN_IF_ERROR(ReadRefType(r, &out->elem_type));
  return ReadLimits(r, /*is_memory=*/false, &out->limits);
}

absl::Status SectionDecoder::ReadGlobalType(Reader& r, GlobalType* out) {
  RETURN_IF_ERROR(ReadValType(r, &out->type));
  uint8_t mut = 0;
  RETURN_IF_ERROR(r.ReadU8(&mut));
  if (mut > 1) return r.MalformedAt(r.offset() - 1, "malformed mutability");
  out->mutability = static_cast<Mutability>(mut);
  return absl::OkStatus();
}

// Constant expressions: the valid ones are one instruction and `end`. Anything
// else is framed here (decoded up to its `end`, so malformed bytes are found
// now, as in the reference interpreter) and marked kComplex for the validator.
absl::Status SectionDecoder::ReadConstExpr(Reader& r, ConstExpr* out) {
  out->offset = static_cast<uint32_t>(r.offset());
  InstructionReader in(&r);
  Instruction instr;
  int depth = 0;
  int count = 0;
  bool simple = true;
  for (;;) {
    RETURN_IF_ERROR(in.Next(&instr));
    if (instr.op == Opcode::kEnd) {
      if (depth == 0) break;
      --depth;
    } else if (instr.op == Opcode::kBlock || instr.op == Opcode::kLoop || instr.op == Opcode::kIf) {
      if (++depth > static_cast<int>(kMaxControlDepth)) {
        return r.MalformedAt(instr.offset, "constant expression nested too deeply");
      }
    }
    if (++count > 1) { simple = false; continue; }
    switch (instr.op) {
      case Opcode::kI32Const: out->op = ConstExpr::Op::kI32Const; out->type = ValType::kI32; break;
      case Opcode::kI64Const: out->op = ConstExpr::Op::kI64Const; out->type = ValType::kI64; break;
      case Opcode::kF32Const: out->op = ConstExpr::Op::kF32Const; out->type = ValType::kF32; break;
      case Opcode::kF64Const: out->op = ConstExpr::Op::kF64Const; out->type = ValType::kF64; break;
      case Opcode::kRefNull: out->op = ConstExpr::Op::kRefNull; out->type = instr.type; break;
      case Opcode::kRefFunc: out->op = ConstExpr::Op::kRefFunc; out->type = ValType::kFuncRef; break;
      case Opcode::kGlobalGet: out->op = ConstExpr::Op::kGlobalGet; break;  // type set by validator
      default: simple = false; break;
    }
    out->bits = instr.bits;
    out->index = instr.index;
  }
  if (!simple || count != 1) out->op = ConstExpr::Op::kComplex;
  out->size = static_cast<uint32_t>(r.offset() - out->offset);
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeTypes(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxTypes, "types", &count));
  m_->types.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t form = 0;
    RETURN_IF_ERROR(r.ReadU8(&form));
    if (form != 0x60) return r.MalformedAt(r.offset() - 1, "malformed function type");
    FuncType type;
    uint32_t n;
    RETURN_IF_ERROR(ReadCount(r, kMaxFunctionParams, "parameters", &n));
    if (n > r.remaining()) return r.EndError();
    type.params.resize(n);
    for (ValType& t : type.params) RETURN_IF_ERROR(ReadValType(r, &t));
    RETURN_IF_ERROR(ReadCount(r, kMaxFunctionResults, "results", &n));
    if (n > r.remaining()) return r.EndError();
    type.results.resize(n);
    for (ValType& t : type.results) RETURN_IF_ERROR(ReadValType(r, &t));
    m_->types.push_back(std::move(type));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::CheckFunctionCount(Reader& r) {
  if (m_->functions.size() > kMaxFunctions) {
    return r.Malformed(absl::StrCat("too many functions (implementation limit ", kMaxFunctions, ")"));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeImports(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxImports, "imports", &count));
  for (uint32_t i = 0; i < count; ++i) {
    Import imp;
    RETURN_IF_ERROR(r.ReadName(&imp.module));
    RETURN_IF_ERROR(r.ReadName(&imp.name));
    uint8_t kind = 0;
    RETURN_IF_ERROR(r.ReadU8(&kind));
    switch (kind) {
      case 0:
        imp.kind = ExternKind::kFunc;
        RETURN_IF_ERROR(r.ReadU32(&imp.func_type));
        m_->functions.push_back(imp.func_type);
        ++m_->num_imported_functions;
        RETURN_IF_ERROR(CheckFunctionCount(r));
        break;
      case 1:
        imp.kind = ExternKind::kTable;
        RETURN_IF_ERROR(ReadTableType(r, &imp.table));
        m_->tables.push_back(imp.table);
        ++m_->num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::kMemory;
        RETURN_IF_ERROR(ReadLimits(r, /*is_memory=*/true, &imp.memory.limits));
        m_->memories.push_back(imp.memory);
        ++m_->num_imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::kGlobal;
        RETURN_IF_ERROR(ReadGlobalType(r, &imp.global));
        m_->globals.push_back(Global{imp.global, ConstExpr{}});
        ++m_->num_imported_globals;
        break;
      default:
        return r.MalformedAt(r.offset() - 1, "malformed import kind");
    }
    m_->imports.push_back(std::move(imp));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeFunctions(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxFunctions, "functions", &count));
  declared_functions_ = count;
  if (count > r.remaining()) return r.EndError();  // each index takes >= 1 byte
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t type_index;
    RETURN_IF_ERROR(r.ReadU32(&type_index));
    m_->functions.push_back(type_index);
  }
  return CheckFunctionCount(r);
}

absl::Status SectionDecoder::DecodeTables(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxTables, "tables", &count));
  for (uint32_t i = 0; i < count; ++i) {
    TableType t;
    RETURN_IF_ERROR(ReadTableType(r, &t));
    m_->tables.push_back(t);
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeMemories(Reader& r) {
  uint32_t count;
  // The count limit is a validation rule ("multiple memories"), so decode any
  // count the bytes can hold.
  RETURN_IF_ERROR(ReadCount(r, kMaxTables, "memories", &count));
  for (uint32_t i = 0; i < count; ++i) {
    MemoryType t;
    RETURN_IF_ERROR(ReadLimits(r, /*is_memory=*/true, &t.limits));
    m_->memories.push_back(t);
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeGlobals(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxGlobals, "globals", &count));
  for (uint32_t i = 0; i < count; ++i) {
    Global g;
    RETURN_IF_ERROR(ReadGlobalType(r, &g.type));
    RETURN_IF_ERROR(ReadConstExpr(r, &g.init));
    m_->globals.push_back(g);
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeExports(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxExports, "exports", &count));
  for (uint32_t i = 0; i < count; ++i) {
    Export e;
    RETURN_IF_ERROR(r.ReadName(&e.name));
    uint8_t kind = 0;
    RETURN_IF_ERROR(r.ReadU8(&kind));
    if (kind > 3) return r.MalformedAt(r.offset() - 1, "malformed export kind");
    e.kind = static_cast<ExternKind>(kind);
    RETURN_IF_ERROR(r.ReadU32(&e.index));
    m_->exports.push_back(std::move(e));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeStart(Reader& r) {
  uint32_t index;
  RETURN_IF_ERROR(r.ReadU32(&index));
  m_->start = index;
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeElements(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxElemSegments, "element segments", &count));
  for (uint32_t i = 0; i < count; ++i) {
    ElemSegment seg;
    seg.byte_offset = static_cast<uint32_t>(r.offset());
    uint32_t flags;
    RETURN_IF_ERROR(r.ReadU32(&flags));
    if (flags > 7) return r.MalformedAt(seg.byte_offset, "malformed elements segment kind");
    // Bit 0: passive or declarative (else active); bit 1: explicit table index
    // (active) or declarative (non-active); bit 2: elements are expressions.
    const bool non_active = flags & 1;
    const bool bit1 = flags & 2;
    const bool exprs = flags & 4;
    seg.mode = !non_active ? SegmentMode::kActive
               : bit1      ? SegmentMode::kDeclarative
                           : SegmentMode::kPassive;
    if (!non_active) {
      if (bit1) RETURN_IF_ERROR(r.ReadU32(&seg.table_index));
      RETURN_IF_ERROR(ReadConstExpr(r, &seg.offset));
    }
    // Flags 0 and 4 have neither element kind nor type: funcref.
    if (non_active || bit1) {
      if (exprs) {
        RETURN_IF_ERROR(ReadRefType(r, &seg.elem_type));
      } else {
        uint8_t elemkind = 0;
        RETURN_IF_ERROR(r.ReadU8(&elemkind));
        if (elemkind != 0) return r.MalformedAt(r.offset() - 1, "malformed element kind");
      }
    }
    uint32_t n;
    RETURN_IF_ERROR(ReadCount(r, kMaxElemSegmentLength, "elements in a segment", &n));
    if (n > r.remaining()) return r.EndError();
    seg.elements.resize(n);
    for (ConstExpr& e : seg.elements) {
      if (exprs) {
        RETURN_IF_ERROR(ReadConstExpr(r, &e));
      } else {
        e.offset = static_cast<uint32_t>(r.offset());
        e.op = ConstExpr::Op::kRefFunc;
        e.type = ValType::kFuncRef;
        RETURN_IF_ERROR(r.ReadU32(&e.index));
      }
    }
    m_->elems.push_back(std::move(seg));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeDataCount(Reader& r) {
  uint32_t count;
  RETURN_IF_ERROR(r.ReadU32(&count));
  m_->data_count = count;
  return absl::OkStatus();
}

absl::Status SectionDecoder::BeginCode(Reader& r) {
  const size_t at = r.offset();
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxFunctions, "function bodies", &count));
  saw_code_section_ = true;
  if (count != declared_functions_) {
    return MalformedError(at, "function and code section have inconsistent lengths");
  }
  // Bounded: declared_functions_ was checked against the function section's bytes.
  m_->bodies.resize(count);
  return absl::OkStatus();
}

absl::Status SectionDecoder::CheckBodySize(uint32_t defined_index, size_t offset, uint32_t size,
                                           size_t section_end) const {
  if (size > section_end - offset) {
    return MalformedError(offset, "unexpected end of section or function");
  }
  if (size > kMaxFunctionBodyBytes) {
    return MalformedError(offset, absl::StrCat("function body too large: ", size,
                                               " bytes (implementation limit ",
                                               kMaxFunctionBodyBytes, ")"),
                          m_->num_imported_functions + defined_index);
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeBody(uint32_t defined_index, size_t offset, uint32_t size) {
  FunctionBody& body = m_->bodies[defined_index];
  body.range = ByteRange{static_cast<uint32_t>(offset), size};
  Reader br(m_->bytes, offset, offset + size);
  br.set_function(m_->num_imported_functions + defined_index);
  uint32_t groups;
  RETURN_IF_ERROR(br.ReadU32(&groups));
  if (groups > br.remaining()) return br.EndError();  // each group takes >= 2 bytes
  uint64_t total = 0;
  body.locals.reserve(groups);
  for (uint32_t g = 0; g < groups; ++g) {
    LocalDecl decl;
    RETURN_IF_ERROR(br.ReadU32(&decl.count));
    total += decl.count;
    if (total > 0xffffffffull) return br.Malformed("too many locals");
    RETURN_IF_ERROR(ReadValType(br, &decl.type));
    if (decl.count > 0) body.locals.push_back(decl);
  }
  if (total > kMaxFunctionLocals) {
    return br.Malformed(absl::StrCat("too many locals: ", total, " (implementation limit ",
                                     kMaxFunctionLocals, ")"));
  }
  body.num_locals = static_cast<uint32_t>(total);
  body.code_offset = static_cast<uint32_t>(br.offset());
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeCode(Reader& r) {
  RETURN_IF_ERROR(BeginCode(r));
  for (uint32_t i = 0; i < m_->bodies.size(); ++i) {
    uint32_t size;
    RETURN_IF_ERROR(r.ReadU32(&size));
    RETURN_IF_ERROR(CheckBodySize(i, r.offset(), size, r.end()));
    RETURN_IF_ERROR(DecodeBody(i, r.offset(), size));
    RETURN_IF_ERROR(r.Skip(size));
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeData(Reader& r) {
  const size_t at = r.offset();
  uint32_t count;
  RETURN_IF_ERROR(ReadCount(r, kMaxDataSegments, "data segments", &count));
  saw_data_section_ = true;
  if (m_->data_count.has_value() && *m_->data_count != count) {
    return MalformedError(at, "data count and data section have inconsistent lengths");
  }
  for (uint32_t i = 0; i < count; ++i) {
    DataSegment seg;
    seg.byte_offset = static_cast<uint32_t>(r.offset());
    uint32_t flags;
    RETURN_IF_ERROR(r.ReadU32(&flags));
    if (flags > 2) return r.MalformedAt(seg.byte_offset, "malformed data segment kind");
    seg.mode = flags == 1 ? SegmentMode::kPassive : SegmentMode::kActive;
    if (flags == 2) RETURN_IF_ERROR(r.ReadU32(&seg.memory_index));
    if (flags != 1) RETURN_IF_ERROR(ReadConstExpr(r, &seg.offset));
    uint32_t size;
    RETURN_IF_ERROR(r.ReadU32(&size));
    if (size > r.remaining()) return r.Malformed("unexpected end of section or function");
    seg.bytes = ByteRange{static_cast<uint32_t>(r.offset()), size};
    RETURN_IF_ERROR(r.Skip(size));
    m_->datas.push_back(seg);
  }
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeCustom(Reader& r) {
  CustomSection section;
  RETURN_IF_ERROR(r.ReadName(&section.name));
  section.contents = ByteRange{static_cast<uint32_t>(r.offset()),
                               static_cast<uint32_t>(r.remaining())};
  RETURN_IF_ERROR(r.Skip(r.remaining()));
  m_->customs.push_back(std::move(section));
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeSection(uint8_t id, Reader& r) {
  switch (id) {
    case kCustomSection: return DecodeCustom(r);
    case kTypeSection: return DecodeTypes(r);
    case kImportSection: return DecodeImports(r);
    case kFunctionSection: return DecodeFunctions(r);
    case kTableSection: return DecodeTables(r);
    case kMemorySection: return DecodeMemories(r);
    case kGlobalSection: return DecodeGlobals(r);
    case kExportSection: return DecodeExports(r);
    case kStartSection: return DecodeStart(r);
    case kElementSection: return DecodeElements(r);
    case kDataCountSection: return DecodeDataCount(r);
    case kCodeSection: return DecodeCode(r);
    case kDataSection: return DecodeData(r);
  }
  return r.Malformed("malformed section id");
}

absl::Status SectionDecoder::ReadSectionHeader(Reader& r, uint8_t* id, uint32_t* size) const {
  const size_t section_start = r.offset();
  RETURN_IF_ERROR(r.ReadU8(id));
  if (*id > kDataCountSection) return MalformedError(section_start, "malformed section id");
  return r.ReadU32(size);
}

absl::Status SectionDecoder::CheckOrder(uint8_t id, size_t section_start) {
  if (id == kCustomSection) return absl::OkStatus();
  const int order = SectionOrder(id);
  if (order <= last_order_) {
    return MalformedError(section_start, "unexpected content after last section");
  }
  last_order_ = order;
  return absl::OkStatus();
}

absl::Status SectionDecoder::DecodeSectionContents(uint8_t id, size_t begin, size_t end) {
  Reader sr(m_->bytes, begin, end);
  RETURN_IF_ERROR(DecodeSection(id, sr));
  if (!sr.AtEnd()) return MalformedError(sr.offset(), "section size mismatch");
  return absl::OkStatus();
}

absl::Status SectionDecoder::Finish() {
  const size_t size = m_->bytes.size();
  if (declared_functions_ != 0 && !saw_code_section_) {
    return MalformedError(size, "function and code section have inconsistent lengths");
  }
  if (m_->data_count.has_value() && *m_->data_count != 0 && !saw_data_section_) {
    return MalformedError(size, "data count and data section have inconsistent lengths");
  }
  DecodeNameSection(*m_);
  CollectDeclaredFunctionRefs();
  return absl::OkStatus();
}

void SectionDecoder::CollectDeclaredFunctionRefs() {
  std::vector<bool>& refs = m_->declared_func_refs;
  refs.assign(m_->functions.size(), false);
  auto mark = [&](const ConstExpr& e) {
    if (e.op == ConstExpr::Op::kRefFunc && e.index < refs.size()) refs[e.index] = true;
  };
  for (const Global& g : m_->globals) mark(g.init);
  for (const ElemSegment& seg : m_->elems) {
    for (const ConstExpr& e : seg.elements) mark(e);
  }
  for (const Export& e : m_->exports) {
    if (e.kind == ExternKind::kFunc && e.index < refs.size()) refs[e.index] = true;
  }
}

}  // namespace wasm
