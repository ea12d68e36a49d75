// What the parser knows about the module being parsed: the $id of every
// index space, the type section (explicit types, then the implicit ones that
// type uses add, in order of appearance), and the parsing of types and type
// uses, shared by module fields and instructions.
//
//   ModuleContext context;
//   ASSIGN_OR_RETURN(uint32_t f, context.space(Space::kFunc).Add(&id_token, "func"));
//   ASSIGN_OR_RETURN(uint32_t callee, context.ParseIndex(cursor, Space::kFunc));
//   ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor, context, ParamIds::kAllowed));
//   ASSIGN_OR_RETURN(FuncType sig, TypeUseSignature(context, use));
//   uint32_t type_index = TypeUseIndex(context, use, sig);   // may add an implicit type
#ifndef RUNTIME_TEXT_CONTEXT_H_
#define RUNTIME_TEXT_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/text/cursor.h"
#include "runtime/text/lexer.h"
#include "runtime/types.h"

namespace wasm::text {

enum class Space : uint8_t { kType, kFunc, kTable, kMemory, kGlobal, kElem, kData };
inline constexpr int kSpaceCount = 7;

// The indices and $ids of one index space (also used for locals).
class NameTable {
 public:
  // Allocates the next index, named by `id` when it is a kId token (else
  // unnamed). "duplicate <what> $x" if the name is taken.
  absl::StatusOr<uint32_t> Add(const Token* id, absl::string_view what);
  std::optional<uint32_t> Find(const std::string& name) const;
  uint32_t count() const { return count_; }
  // Every named index with its $id (the "$" included), by index.
  std::vector<std::pair<uint32_t, std::string>> Named() const;

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  uint32_t count_ = 0;
};

class ModuleContext {
 public:
  NameTable& space(Space s) { return spaces_[static_cast<int>(s)]; }
  const NameTable& space(Space s) const { return spaces_[static_cast<int>(s)]; }

  // Reads an index of `s`: a u32 or a known $id ("unknown <space> $x").
  absl::StatusOr<uint32_t> ParseIndex(Cursor& cursor, Space s) const;

  const std::vector<FuncType>& types() const { return types_; }
  // An explicit `(type (func ...))`, in text order (pass 1).
  void AddExplicitType(FuncType type);
  // The smallest index of a type equal to `type`, appending it as an
  // implicit type if there is none.
  uint32_t FindOrAddType(const FuncType& type);

  // Set when memory.init or data.drop occurs: the module then gets a
  // DataCount section (as wabt writes it).
  bool uses_data_count = false;

 private:
  static std::string Key(const FuncType& type);

  NameTable spaces_[kSpaceCount];
  std::vector<FuncType> types_;
  absl::flat_hash_map<std::string, uint32_t> type_index_;  // Key -> smallest index
};

absl::string_view SpaceName(Space s);

// Value types: i32 i64 f32 f64 funcref externref (v128 is refused: no SIMD).
bool AtValType(const Cursor& cursor);
absl::StatusOr<ValType> ParseValType(Cursor& cursor);
// funcref / externref.
absl::StatusOr<ValType> ParseRefType(Cursor& cursor);
// `func` / `extern` (ref.null's immediate) as the reference type.
absl::StatusOr<ValType> ParseHeapType(Cursor& cursor);

// `(param $x? t*)*` and `(result t*)*`; param $ids are refused unless allowed.
enum class ParamIds : uint8_t { kRefused, kAllowed };
struct TypeUse {
  const Token* at = nullptr;           // where the type use starts, for errors
  std::optional<uint32_t> index;       // `(type x)`
  bool has_inline = false;             // any (param) or (result)
  FuncType sig;                        // the inline part
  std::vector<const Token*> param_ids; // per inline param: its $id or null
};
absl::StatusOr<TypeUse> ParseTypeUse(Cursor& cursor, const ModuleContext& context, ParamIds ids);
// Parses `(param ...)* (result ...)*` into `sig` (a type definition's body).
absl::Status ParseParamsAndResults(Cursor& cursor, ParamIds ids, FuncType& sig,
                                   std::vector<const Token*>* param_ids);

// The function type a type use denotes: the referenced type (which the inline
// part, if any, must equal: "inline function type"), or the inline one.
absl::StatusOr<FuncType> TypeUseSignature(const ModuleContext& context, const TypeUse& use);
// Its type index: the referenced one, or the first equal type (implicit
// types are added when there is none).
uint32_t TypeUseIndex(ModuleContext& context, const TypeUse& use, const FuncType& sig);

}  // namespace wasm::text

#endif  // RUNTIME_TEXT_CONTEXT_H_
