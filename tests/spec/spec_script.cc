// Parses wast2json's JSON into a Script: Protobuf's JSON parser turns the text
// into a google::protobuf::Struct, and the code here checks and converts each
// command. Every error names the source, the command's line and the field.
#include "tests/spec/spec_script.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "runtime/status_macros.h"

namespace wasm::spec {
namespace {

namespace pb = ::google::protobuf;

constexpr absl::string_view kCanonicalNan = "nan:canonical";
constexpr absl::string_view kArithmeticNan = "nan:arithmetic";

// Where we are, for error messages: "<source>:<line>: <command>: <what>".
class Context {
 public:
  Context(absl::string_view source, int line, absl::string_view command)
      : source_(source), line_(line), command_(command) {}

  absl::Status Error(absl::string_view what) const {
    std::string location =
        line_ > 0 ? absl::StrCat(source_, ":", line_, ": ") : absl::StrCat(source_, ": ");
    if (!command_.empty()) absl::StrAppend(&location, command_, ": ");
    return absl::InvalidArgumentError(absl::StrCat(location, what));
  }

 private:
  absl::string_view source_;
  int line_;
  absl::string_view command_;
};

const pb::Value* Find(const pb::Struct& object, absl::string_view key) {
  auto it = object.fields().find(std::string(key));
  return it == object.fields().end() ? nullptr : &it->second;
}

absl::StatusOr<std::optional<std::string>> OptionalString(const pb::Struct& object,
                                                          absl::string_view key,
                                                          const Context& context) {
  const pb::Value* value = Find(object, key);
  if (value == nullptr) return std::optional<std::string>();
  if (value->kind_case() != pb::Value::kStringValue) {
    return context.Error(absl::StrCat("\"", key, "\" is not a string"));
  }
  return std::optional<std::string>(value->string_value());
}

absl::StatusOr<std::string> RequiredString(const pb::Struct& object, absl::string_view key,
                                           const Context& context) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(object, key, context));
  if (!value.has_value()) return context.Error(absl::StrCat("missing \"", key, "\""));
  return *std::move(value);
}

absl::StatusOr<const pb::Struct*> RequiredObject(const pb::Struct& object, absl::string_view key,
                                                 const Context& context) {
  const pb::Value* value = Find(object, key);
  if (value == nullptr) return context.Error(absl::StrCat("missing \"", key, "\""));
  if (value->kind_case() != pb::Value::kStructValue) {
    return context.Error(absl::StrCat("\"", key, "\" is not an object"));
  }
  return &value->struct_value();
}

// A missing list reads as empty: wast2json leaves out nothing it lists, but an
// absent "args" or "expected" has only one sensible meaning.
absl::StatusOr<const pb::ListValue*> OptionalList(const pb::Struct& object, absl::string_view key,
                                                  const Context& context) {
  static const pb::ListValue* const kEmpty = new pb::ListValue();
  const pb::Value* value = Find(object, key);
  if (value == nullptr) return kEmpty;
  if (value->kind_case() != pb::Value::kListValue) {
    return context.Error(absl::StrCat("\"", key, "\" is not a list"));
  }
  return &value->list_value();
}

// "line" is a JSON number, which Struct keeps as a double.
absl::StatusOr<int> ReadLine(const pb::Struct& command, const Context& context) {
  const pb::Value* value = Find(command, "line");
  if (value == nullptr) return context.Error("missing \"line\"");
  if (value->kind_case() != pb::Value::kNumberValue) {
    return context.Error("\"line\" is not a number");
  }
  double line = value->number_value();
  if (!(line >= 1 && line <= std::numeric_limits<int>::max()) ||
      line != static_cast<double>(static_cast<int>(line))) {
    return context.Error(absl::StrCat("\"line\" is not a positive integer: ", line));
  }
  return static_cast<int>(line);
}

absl::StatusOr<ValueType> ParseValueType(absl::string_view name, const Context& context,
                                         absl::string_view where) {
  if (name == "i32") return ValueType::kI32;
  if (name == "i64") return ValueType::kI64;
  if (name == "f32") return ValueType::kF32;
  if (name == "f64") return ValueType::kF64;
  if (name == "v128") return ValueType::kV128;
  if (name == "funcref") return ValueType::kFuncRef;
  if (name == "externref") return ValueType::kExternRef;
  return context.Error(absl::StrCat(where, ": unknown value type \"", name, "\""));
}

absl::StatusOr<LaneType> ParseLaneType(absl::string_view name, const Context& context,
                                       absl::string_view where) {
  if (name == "i8") return LaneType::kI8;
  if (name == "i16") return LaneType::kI16;
  if (name == "i32") return LaneType::kI32;
  if (name == "i64") return LaneType::kI64;
  if (name == "f32") return LaneType::kF32;
  if (name == "f64") return LaneType::kF64;
  return context.Error(absl::StrCat(where, ": unknown lane type \"", name, "\""));
}

// Whether a NaN pattern may stand for a value of this width: float values of
// expected results only.
enum class NanAllowed : bool { kNo, kYes };

// Parses one unsigned decimal bit pattern of `bit_width` bits, or a NaN
// pattern when allowed.
absl::StatusOr<Bits> ParseBits(absl::string_view text, int bit_width, NanAllowed nan_allowed,
                               const Context& context, absl::string_view where) {
  if (text == kCanonicalNan || text == kArithmeticNan) {
    if (nan_allowed == NanAllowed::kNo) {
      return context.Error(
          absl::StrCat(where, ": \"", text, "\" is only allowed for an expected float"));
    }
    return Bits{0, text == kCanonicalNan ? NanPattern::kCanonical : NanPattern::kArithmetic};
  }
  // SimpleAtoi accepts a sign and surrounding spaces; wast2json writes neither.
  uint64_t bits = 0;
  bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == text.npos;
  if (!digits_only || !absl::SimpleAtoi(text, &bits)) {
    return context.Error(
        absl::StrCat(where, ": \"", text, "\" is not an unsigned ", bit_width, "-bit decimal"));
  }
  if (bit_width < 64 && bits >> bit_width != 0) {
    return context.Error(absl::StrCat(where, ": ", text, " does not fit in ", bit_width, " bits"));
  }
  return Bits{bits, NanPattern::kNone};
}

int LaneBits(LaneType type) {
  switch (type) {
    case LaneType::kI8: return 8;
    case LaneType::kI16: return 16;
    case LaneType::kI32:
    case LaneType::kF32: return 32;
    case LaneType::kI64:
    case LaneType::kF64: return 64;
  }
  return 32;
}

bool IsFloatLane(LaneType type) { return type == LaneType::kF32 || type == LaneType::kF64; }

// Whether a value may leave out "value" (only its type matters).
enum class ValueRequired : bool { kNo, kYes };
// Whether the value is an expected result (NaN patterns allowed).
enum class Role : bool { kArgument, kExpected };

absl::StatusOr<Value> ParseValue(const pb::Value& json, Role role, ValueRequired required,
                                 const Context& context, absl::string_view where) {
  if (json.kind_case() != pb::Value::kStructValue) {
    return context.Error(absl::StrCat(where, " is not an object"));
  }
  const pb::Struct& object = json.struct_value();
  Value value;
  ASSIGN_OR_RETURN(std::string type_name, RequiredString(object, "type", context));
  ASSIGN_OR_RETURN(value.type, ParseValueType(type_name, context, where));
  const pb::Value* payload = Find(object, "value");
  if (payload == nullptr) {
    if (required == ValueRequired::kYes) {
      return context.Error(absl::StrCat(where, ": missing \"value\""));
    }
    value.unspecified = true;
    return value;
  }

  if (value.type == ValueType::kV128) {
    ASSIGN_OR_RETURN(std::string lane_name, RequiredString(object, "lane_type", context));
    ASSIGN_OR_RETURN(value.lane_type, ParseLaneType(lane_name, context, where));
    if (payload->kind_case() != pb::Value::kListValue) {
      return context.Error(absl::StrCat(where, ": v128 \"value\" is not a list"));
    }
    const pb::ListValue& lanes = payload->list_value();
    int count = LaneCount(value.lane_type);
    if (lanes.values_size() != count) {
      return context.Error(absl::StrCat(where, ": ", lane_name, " v128 has ", lanes.values_size(),
                                        " lanes, expected ", count));
    }
    NanAllowed nan_allowed = role == Role::kExpected && IsFloatLane(value.lane_type)
                                 ? NanAllowed::kYes
                                 : NanAllowed::kNo;
    for (int i = 0; i < count; ++i) {
      std::string lane_where = absl::StrCat(where, ".value[", i, "]");
      const pb::Value& lane = lanes.values(i);
      if (lane.kind_case() != pb::Value::kStringValue) {
        return context.Error(absl::StrCat(lane_where, " is not a string"));
      }
      ASSIGN_OR_RETURN(Bits bits, ParseBits(lane.string_value(), LaneBits(value.lane_type),
                                            nan_allowed, context, lane_where));
      value.lanes.push_back(bits);
    }
    return value;
  }

  if (payload->kind_case() != pb::Value::kStringValue) {
    return context.Error(absl::StrCat(where, ": \"value\" is not a string"));
  }
  const std::string& text = payload->string_value();
  switch (value.type) {
    case ValueType::kI32:
    case ValueType::kI64: {
      int width = value.type == ValueType::kI32 ? 32 : 64;
      ASSIGN_OR_RETURN(value.scalar, ParseBits(text, width, NanAllowed::kNo, context, where));
      break;
    }
    case ValueType::kF32:
    case ValueType::kF64: {
      int width = value.type == ValueType::kF32 ? 32 : 64;
      NanAllowed nan_allowed = role == Role::kExpected ? NanAllowed::kYes : NanAllowed::kNo;
      ASSIGN_OR_RETURN(value.scalar, ParseBits(text, width, nan_allowed, context, where));
      break;
    }
    case ValueType::kFuncRef:
    case ValueType::kExternRef:
      if (text == "null") {
        value.is_null = true;
      } else {
        ASSIGN_OR_RETURN(value.scalar, ParseBits(text, 64, NanAllowed::kNo, context, where));
      }
      break;
    case ValueType::kV128: break;  // handled above
  }
  return value;
}

absl::StatusOr<std::vector<Value>> ParseValues(const pb::Struct& object, absl::string_view key,
                                               Role role, ValueRequired required,
                                               const Context& context,
                                               absl::string_view where_prefix) {
  ASSIGN_OR_RETURN(const pb::ListValue* list, OptionalList(object, key, context));
  std::vector<Value> values;
  values.reserve(list->values_size());
  for (int i = 0; i < list->values_size(); ++i) {
    std::string where = absl::StrCat(where_prefix, key, "[", i, "]");
    ASSIGN_OR_RETURN(Value value, ParseValue(list->values(i), role, required, context, where));
    values.push_back(std::move(value));
  }
  return values;
}

absl::StatusOr<Action> ParseAction(const pb::Struct& command, const Context& context) {
  ASSIGN_OR_RETURN(const pb::Struct* object, RequiredObject(command, "action", context));
  Action action;
  ASSIGN_OR_RETURN(std::string type, RequiredString(*object, "type", context));
  if (type == "invoke") {
    action.type = Action::Type::kInvoke;
  } else if (type == "get") {
    action.type = Action::Type::kGet;
  } else {
    return context.Error(absl::StrCat("unknown action type \"", type, "\""));
  }
  ASSIGN_OR_RETURN(action.module, OptionalString(*object, "module", context));
  ASSIGN_OR_RETURN(action.field, RequiredString(*object, "field", context));
  if (action.type == Action::Type::kInvoke) {
    ASSIGN_OR_RETURN(action.args, ParseValues(*object, "args", Role::kArgument, ValueRequired::kYes,
                                              context, "action."));
  }
  return action;
}

// Module files are opened relative to the .json file's folder, so a name must
// not reach outside it.
absl::StatusOr<std::string> ParseFilename(const pb::Struct& command, const Context& context) {
  ASSIGN_OR_RETURN(std::string filename, RequiredString(command, "filename", context));
  if (filename.empty() || filename == "." || filename == ".." ||
      filename.find('/') != filename.npos || filename.find('\0') != filename.npos) {
    return context.Error(absl::StrCat("\"filename\" is not a plain file name: \"", filename, "\""));
  }
  return filename;
}

absl::StatusOr<CommandType> ParseCommandType(absl::string_view name, const Context& context) {
  static constexpr CommandType kAll[] = {
      CommandType::kModule,           CommandType::kRegister,
      CommandType::kAction,           CommandType::kAssertReturn,
      CommandType::kAssertTrap,       CommandType::kAssertExhaustion,
      CommandType::kAssertMalformed,  CommandType::kAssertInvalid,
      CommandType::kAssertUnlinkable, CommandType::kAssertUninstantiable,
  };
  for (CommandType type : kAll) {
    if (CommandTypeName(type) == name) return type;
  }
  return context.Error(absl::StrCat("unknown command type \"", name, "\""));
}

absl::StatusOr<Command> ParseCommand(const pb::Value& json, absl::string_view source, int index) {
  Context top(source, 0, "");
  if (json.kind_case() != pb::Value::kStructValue) {
    return top.Error(absl::StrCat("commands[", index, "] is not an object"));
  }
  const pb::Struct& object = json.struct_value();
  Command command;
  // The line comes first so that every later error can name it.
  ASSIGN_OR_RETURN(command.line,
                   ReadLine(object, Context(source, 0, absl::StrCat("commands[", index, "]"))));
  Context at_line(source, command.line, "");
  ASSIGN_OR_RETURN(std::string type_name, RequiredString(object, "type", at_line));
  ASSIGN_OR_RETURN(command.type, ParseCommandType(type_name, at_line));
  Context context(source, command.line, CommandTypeName(command.type));

  // Braces around each case: ASSIGN_OR_RETURN declares a local.
  switch (command.type) {
    case CommandType::kModule: {
      ASSIGN_OR_RETURN(command.filename, ParseFilename(object, context));
      ASSIGN_OR_RETURN(command.name, OptionalString(object, "name", context));
      break;
    }
    case CommandType::kRegister: {
      ASSIGN_OR_RETURN(command.name, OptionalString(object, "name", context));
      ASSIGN_OR_RETURN(command.as, RequiredString(object, "as", context));
      break;
    }
    case CommandType::kAction:
    case CommandType::kAssertReturn: {
      ASSIGN_OR_RETURN(command.action, ParseAction(object, context));
      // A bare action lists its result types without values.
      ValueRequired required =
          command.type == CommandType::kAssertReturn ? ValueRequired::kYes : ValueRequired::kNo;
      ASSIGN_OR_RETURN(command.expected,
                       ParseValues(object, "expected", Role::kExpected, required, context, ""));
      break;
    }
    case CommandType::kAssertTrap:
    case CommandType::kAssertExhaustion: {
      ASSIGN_OR_RETURN(command.action, ParseAction(object, context));
      ASSIGN_OR_RETURN(command.text, RequiredString(object, "text", context));
      ASSIGN_OR_RETURN(command.expected, ParseValues(object, "expected", Role::kExpected,
                                                     ValueRequired::kNo, context, ""));
      break;
    }
    case CommandType::kAssertMalformed:
    case CommandType::kAssertInvalid:
    case CommandType::kAssertUnlinkable:
    case CommandType::kAssertUninstantiable: {
      ASSIGN_OR_RETURN(command.filename, ParseFilename(object, context));
      ASSIGN_OR_RETURN(command.text, RequiredString(object, "text", context));
      ASSIGN_OR_RETURN(std::optional<std::string> form,
                       OptionalString(object, "module_type", context));
      // wast2json always writes module_type; a missing one can only mean binary.
      if (!form.has_value() || *form == "binary") {
        command.module_form = ModuleForm::kBinary;
      } else if (*form == "text") {
        command.module_form = ModuleForm::kText;
      } else {
        return context.Error(absl::StrCat("unknown module_type \"", *form, "\""));
      }
      break;
    }
  }
  return command;
}

}  // namespace

absl::StatusOr<Script> ParseScript(absl::string_view json, absl::string_view source) {
  pb::Struct root;
  auto parsed = pb::util::JsonStringToMessage(pb::StringPiece(json.data(), json.size()), &root);
  if (!parsed.ok()) {
    // A top level that is not an object also lands here.
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": invalid JSON: ", std::string(parsed.message())));
  }
  Context top(source, 0, "");
  Script script;
  ASSIGN_OR_RETURN(std::optional<std::string> source_filename,
                   OptionalString(root, "source_filename", top));
  script.source_filename = source_filename.value_or("");
  const pb::Value* commands = Find(root, "commands");
  if (commands == nullptr) return top.Error("missing \"commands\"");
  if (commands->kind_case() != pb::Value::kListValue)
    return top.Error("\"commands\" is not a list");
  const pb::ListValue& list = commands->list_value();
  script.commands.reserve(list.values_size());
  for (int i = 0; i < list.values_size(); ++i) {
    ASSIGN_OR_RETURN(Command command, ParseCommand(list.values(i), source, i));
    script.commands.push_back(std::move(command));
  }
  return script;
}

absl::string_view CommandTypeName(CommandType type) {
  switch (type) {
    case CommandType::kModule: return "module";
    case CommandType::kRegister: return "register";
    case CommandType::kAction: return "action";
    case CommandType::kAssertReturn: return "assert_return";
    case CommandType::kAssertTrap: return "assert_trap";
    case CommandType::kAssertExhaustion: return "assert_exhaustion";
    case CommandType::kAssertMalformed: return "assert_malformed";
    case CommandType::kAssertInvalid: return "assert_invalid";
    case CommandType::kAssertUnlinkable: return "assert_unlinkable";
    case CommandType::kAssertUninstantiable: return "assert_uninstantiable";
  }
  return "?";
}

absl::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kI32: return "i32";
    case ValueType::kI64: return "i64";
    case ValueType::kF32: return "f32";
    case ValueType::kF64: return "f64";
    case ValueType::kV128: return "v128";
    case ValueType::kFuncRef: return "funcref";
    case ValueType::kExternRef: return "externref";
  }
  return "?";
}

absl::string_view LaneTypeName(LaneType type) {
  switch (type) {
    case LaneType::kI8: return "i8";
    case LaneType::kI16: return "i16";
    case LaneType::kI32: return "i32";
    case LaneType::kI64: return "i64";
    case LaneType::kF32: return "f32";
    case LaneType::kF64: return "f64";
  }
  return "?";
}

int LaneCount(LaneType type) { return 128 / LaneBits(type); }

namespace {

std::string BitsToString(const Bits& bits, bool is_float) {
  switch (bits.nan) {
    case NanPattern::kCanonical: return std::string(kCanonicalNan);
    case NanPattern::kArithmetic: return std::string(kArithmeticNan);
    case NanPattern::kNone: break;
  }
  // Float bit patterns read best in hex; integers in decimal, as in the .wast.
  return is_float ? absl::StrCat("0x", absl::Hex(bits.bits)) : absl::StrCat(bits.bits);
}

}  // namespace

std::string ValueToString(const Value& value) {
  std::string out = absl::StrCat(ValueTypeName(value.type), ":");
  if (value.unspecified) return absl::StrCat(out, "?");
  switch (value.type) {
    case ValueType::kI32:
    case ValueType::kI64: return absl::StrCat(out, BitsToString(value.scalar, false));
    case ValueType::kF32:
    case ValueType::kF64: return absl::StrCat(out, BitsToString(value.scalar, true));
    case ValueType::kFuncRef:
    case ValueType::kExternRef:
      return absl::StrCat(out, value.is_null ? "null" : absl::StrCat(value.scalar.bits));
    case ValueType::kV128: {
      bool is_float = IsFloatLane(value.lane_type);
      return absl::StrCat(out, LaneTypeName(value.lane_type), "x", value.lanes.size(), "[",
                          absl::StrJoin(value.lanes, " ",
                                        [is_float](std::string* s, const Bits& bits) {
                                          s->append(BitsToString(bits, is_float));
                                        }),
                          "]");
    }
  }
  return out;
}

}  // namespace wasm::spec
