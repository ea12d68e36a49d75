// Assembler: instructions in, position-independent machine code out, with
// labels, short/long branch selection, a constant pool, trap sites and
// relocations for the loader.
//
//   Assembler a;
//   Label loop = a.NewLabel(), done = a.NewLabel();
//   a.Emit(Form::kXor32RM, kRax, kRax);              // sum = 0
//   a.Emit(Form::kTest64MR, kRdi, kRdi);
//   a.J(Cond::kE, done);                             // rel8 or rel32, chosen at Finish
//   a.Bind(loop);
//   a.Emit(Form::kAdd64RM, kRax, kRdi);
//   a.Emit(Form::kSub64MI8, kRdi, Imm(1));
//   a.J(Cond::kNe, loop);
//   a.Bind(done);
//   a.Emit(Form::kRet);
//   absl::StatusOr<AssembledCode> code = a.Finish();
//
// ## Branch relaxation
// Emit() encodes an instruction immediately into a byte vector that holds
// everything EXCEPT the "items" whose size depends on the final layout: the
// relaxable branches (Jmp / J) and alignment padding (Align). Each item, label,
// trap site, fix-up and relocation remembers its position as a pair
//   (fixed: offset in that byte vector, items_before: number of items before it)
// so that its final offset is  fixed + (sum of the sizes of the first
// items_before items).  Finish() then iterates to a fixed point:
//   1. every branch starts short (rel8, 2 bytes);
//   2. compute the layout from the current sizes (padding recomputed from the
//      position each time);
//   3. every short branch whose displacement does not fit in int8 becomes long
//      (jmp rel32: 5 bytes, jcc rel32: 6 bytes);
//   4. repeat from 2 until a pass changes nothing.
// Branches only ever grow, so this ends after at most (number of branches + 1)
// passes (in practice 2 or 3). The last pass changed nothing, so its layout is
// the final one, and in it every short branch fits.
//
// Invariant: a short branch is emitted only if its displacement, computed on
//   the final layout, fits in int8 (the fixed point above guarantees it).
// Invariant: every recorded offset (labels, trap sites, relocations, fix-up
//   fields) is translated through the same final layout, so all of them are
//   correct after relaxation.
// Invariant: the constant pool follows the code, starts 16-byte aligned, and
//   holds 16-, 8- then 4-byte entries, so each is naturally aligned (andps with
//   a memory operand needs 16). The code must be loaded at a 16-aligned address.
//
// Emit() with an explicit rel8/rel32 form (Form::kJmpRel8, {label}) is NOT
// relaxed: it keeps its size, and Finish() fails if a rel8 does not reach.
#ifndef RUNTIME_X64_ASSEMBLER_H_
#define RUNTIME_X64_ASSEMBLER_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/x64/encode.h"
#include "runtime/x64/inst.h"
#include "runtime/vm/code_registry.h"
#include "runtime/vm/trap.h"
#include "runtime/x64/regs.h"

namespace wasm::x64 {

// Trap sites use the runtime's TrapKind and TrapSite (vm/trap.h,
// vm/code_registry.h), so AssembledCode::traps registers as it is.
using ::wasm::TrapKind;
using ::wasm::TrapSite;

// A place in the code the loader must patch with an external address.
struct Relocation {
  enum class Kind : uint8_t {
    // int32 at `offset` = symbol address + addend - (code base + offset).
    kPcRel32,
    // uint64 at `offset` = symbol address.
    kAbs64,
  };
  uint32_t offset;
  ExternalSymbol symbol;
  Kind kind;
  int32_t addend;  // kPcRel32: -(bytes from the field to the instruction end)
};


struct AssembledCode {
  // Instructions, then (if there are constants) int3 padding to 16 and the pool.
  std::vector<uint8_t> bytes;
  uint32_t code_size = 0;               // the instructions end here
  std::vector<Relocation> relocations;  // in offset order
  std::vector<TrapSite> traps;          // in offset order
};

class Assembler {
 public:
  Assembler() = default;
  Assembler(const Assembler&) = delete;
  Assembler& operator=(const Assembler&) = delete;

  // ---- Labels and control flow ----
  Label NewLabel();
  // Binds `label` to the current position (the next instruction emitted).
  // Binding a label twice is an error (reported by Finish).
  void Bind(Label label);
  // jmp / jcc to a label, short or long as relaxation decides.
  void Jmp(Label target);
  void J(Cond cond, Label target);
  // call rel32 to a label in this code.
  void Call(Label target);
  // call rel32 to a runtime helper; Relocation kPcRel32 (the loader places
  // helpers within +-2 GiB or patches in a veneer).
  void CallExternal(ExternalSymbol symbol);
  // movabs dst, <address of symbol>; Relocation kAbs64. For "call dst".
  void MovExternalAddress(Reg dst, ExternalSymbol symbol);
  // A label for `symbol`, which is outside this code (another function of the
  // module, compiled on its own): never bound here; a call rel32 or a RIP-
  // relative operand naming it becomes a kPcRel32 Relocation to `symbol`
  // at Finish. One label per symbol (asking twice gives the same label).
  // Branches (Jmp / J) and jump table entries to it are errors.
  Label ExternalLabel(ExternalSymbol symbol);
  // A 4-byte jump table entry: label `target` minus label `table` (+ addend).
  void JumpTableEntry(Label target, Label table, int32_t addend = 0);

  // ---- Instructions ----
  // Encodes `inst` as it is (its form decides its size). An Inst that fails
  // CheckOperands, or names an unknown label, makes Finish() fail.
  // (The usual instruction, with no pc-relative field, is encoded here
  // inline; the rest is EmitRest's.)
  void Emit(const Inst& inst) {
    EncodedFields e;
    const bool encoded = !finished_ && EncodeTo(inst, Room(kMaxInstSize), &e);
    if (encoded && e.pcrel_offset < 0) {
      code_size_ += e.size;
      return;
    }
    EmitRest(inst, encoded, e);
  }
  // Emit for a plain form (FormInfo::plain) from its operands given apart,
  // as x64::EncodePlainTo takes them: no Inst needed (and no narrowing of
  // the immediate: `f` is the form encoded). False, having emitted nothing,
  // if they do not fit the form (Emit an Inst of them to fail with the
  // reason).
  bool EmitPlain(const FormInfo& f, Reg reg, Reg rm_reg, const Mem* rm_mem, int64_t imm = 0) {
    if (finished_) return false;
    const int size = EncodePlainTo(f, reg, rm_reg, rm_mem, imm, Room(kMaxInstSize));
    code_size_ += static_cast<size_t>(size);
    return size != 0;
  }
  // The register allocator's 64-bit copies, encoded without an Inst or the
  // form table (they are the commonest instructions a function gets):
  // exactly the bytes of Emit(Form::kMov64RM, {dst, src}) for class kGpr, of
  // Emit(Form::kMovapsRM, {dst, src}) for kXmm; of a load
  // Emit(kMov64RM / kMovsdRM, {dst, Mem(base, disp)}); of a store
  // Emit(kMov64MR / kMovsdMR, {Mem(base, disp), src}). Registers of another
  // class go to Emit, which reports them.
  void MovRegReg(RegClass cls, Reg dst, Reg src);
  void MovLoad(RegClass cls, Reg dst, Reg base, int32_t disp);
  void MovStore(RegClass cls, Reg base, int32_t disp, Reg src);
  template <typename... Ops>
  void Emit(Form form, const Ops&... ops) {
    Emit(Inst(form, {Operand(ops)...}));
  }
  // dst = value, shortest encoding: mov r32, imm32 (zero-extends) when the
  // value fits in 32 unsigned bits, else mov r64, simm32, else movabs.
  void MovImm(Reg dst, int64_t value);
  // Pads with multi-byte nops to a multiple of `alignment` (a power of two,
  // at most 64). The padding is recomputed during relaxation.
  void Align(int alignment);

  // Bytes emitted so far outside the relaxable items (branches, padding),
  // and a 4-byte little-endian write at such an offset: a field patched
  // once its value is known (the baseline compiler's frame size, known only
  // after the body). Before Finish only.
  size_t FixedSize() const { return code_size_; }
  void PatchInt32(size_t at, int32_t value) {
    if (at + 4 <= code_size_) std::memcpy(code_.get() + at, &value, 4);
  }

  // ---- Data ----
  // Constant-pool entries, deduplicated by size and bytes; address them as
  // Mem::Rip(ref). Values are little-endian, as in memory.
  ConstantRef Constant32(uint32_t bits);
  ConstantRef Constant64(uint64_t bits);
  ConstantRef Constant128(uint64_t low, uint64_t high);
  ConstantRef ConstantF32(float value);
  ConstantRef ConstantF64(double value);

  // ---- Metadata ----
  // The next instruction emitted may trap with `kind`: records its offset.
  // Call it immediately before that instruction (not before a Bind or Align).
  void RecordTrap(TrapKind kind);

  // Lays out, relaxes and patches. Fails with the first error seen (invalid
  // operands, unknown / unbound / twice-bound label, rel8 out of range).
  // Call once.
  absl::StatusOr<AssembledCode> Finish();
  // After a successful Finish: where `label` ended up (0 if never bound).
  uint32_t LabelOffset(Label label) const;

 private:
  // A position before relaxation; see the file comment.
  struct Pos {
    uint32_t fixed;
    uint32_t items_before;
  };
  struct Item {
    enum class Kind : uint8_t { kJmp, kJcc, kAlign };
    Kind kind;
    Cond cond;          // kJcc
    bool is_long;       // kJmp / kJcc: relaxed to rel32
    uint8_t alignment;  // kAlign
    uint32_t fixed;     // where it goes in code_
    uint32_t label;     // kJmp / kJcc target
  };
  struct Fixup {
    enum class Kind : uint8_t { kLabelPcRel, kConstantPcRel, kLabelDelta };
    Kind kind;
    uint8_t size;    // 1 or 4 bytes
    uint8_t to_end;  // bytes from the field to the end of its instruction
    Pos field;
    uint32_t target;      // label id or constant id
    uint32_t base_label;  // kLabelDelta
    int32_t addend;
  };
  struct PendingRelocation {
    Pos field;
    ExternalSymbol symbol;
    Relocation::Kind kind;
    int32_t addend;
  };
  struct Constant {
    uint8_t size;
    uint8_t bytes[16];
  };

  Pos Here() const;
  // Emit's rest: `inst` failed to encode (!encoded), or was encoded as `e`
  // at the end of the code with a pc-relative field (a fixup or relocation).
  void EmitRest(const Inst& inst, bool encoded, const EncodedFields& e);
  void Fail(absl::Status status);
  bool CheckLabel(Label label);
  // Encodes and appends; false (and Fail) on error.
  bool EncodeAndAppend(const Inst& inst, EncodedFields* e, Pos* start);
  ConstantRef AddConstant(int size, const uint8_t* bytes);
  // Item sizes under the current relaxation state -> prefix sums of sizes.
  void Layout(std::vector<uint32_t>* prefix) const;
  static uint32_t Offset(Pos p, const std::vector<uint32_t>& prefix);
  int ItemSize(const Item& item, uint32_t start) const;

  // Room for `n` more bytes at the end of the code: where they go.
  uint8_t* Room(size_t n) {
    if (code_capacity_ - code_size_ < n) Grow(n);
    return code_.get() + code_size_;
  }
  void Grow(size_t n);

  // Everything but the items: the first code_size_ bytes of code_ (which
  // grows ahead, in big steps, uninitialised: only written bytes are read).
  std::unique_ptr<uint8_t[]> code_;
  size_t code_capacity_ = 0;
  size_t code_size_ = 0;
  std::vector<Item> items_;
  std::vector<Pos> label_pos_;
  std::vector<bool> label_bound_;
  absl::flat_hash_map<uint32_t, uint32_t> external_labels_;  // symbol id -> label id
  // Label id -> its symbol id for external labels, -1 for others; only as
  // long as the highest external label id (a table, not a hash map: Bind and
  // Finish ask about every label and fixup).
  std::vector<int64_t> label_symbol_;
  bool any_external_ = false;
  // The symbol of external label `id`, or -1.
  int64_t LabelSymbol(uint32_t id) const {
    return id < label_symbol_.size() ? label_symbol_[id] : -1;
  }
  std::vector<Fixup> fixups_;
  std::vector<PendingRelocation> relocations_;
  std::vector<std::pair<Pos, TrapKind>> traps_;
  std::vector<Constant> constants_;
  absl::flat_hash_map<std::string, uint32_t> constant_ids_;
  absl::Status first_error_;
  bool finished_ = false;
  std::vector<uint32_t> final_label_offsets_;
};

}  // namespace wasm::x64

#endif  // RUNTIME_X64_ASSEMBLER_H_
