// Test-only helpers that assemble WebAssembly binaries byte by byte, so unit
// tests can state exactly the bytes they feed the decoder.
//
//   Bytes type = Concat({Leb(1), {0x60, 0x00, 0x01, 0x7f}});   // () -> (i32)
//   std::vector<uint8_t> wasm = ModuleBytes({Section(1, type)});
#ifndef RUNTIME_TESTING_WASM_BUILDER_H_
#define RUNTIME_TESTING_WASM_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace wasm::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes Leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
  return out;
}

inline Bytes SLeb(int64_t v) {
  Bytes out;
  bool more = true;
  while (more) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
    if (more) b |= 0x80;
    out.push_back(b);
  }
  return out;
}

inline Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes Name(const std::string& s) {
  return Concat({Leb(s.size()), Bytes(s.begin(), s.end())});
}

// A vector: its element count, then the elements.
inline Bytes Vec(std::initializer_list<Bytes> items) {
  Bytes out = Leb(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}

inline Bytes Section(uint8_t id, const Bytes& contents) {
  return Concat({{id}, Leb(contents.size()), contents});
}

inline Bytes ModuleBytes(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A function type: params -> results (value type bytes).
inline Bytes FuncTypeBytes(const Bytes& params, const Bytes& results) {
  return Concat({{0x60}, Leb(params.size()), params, Leb(results.size()), results});
}

// A code-section entry: local groups (count, type) and instruction bytes
// (the final `end` is not added).
inline Bytes Body(std::initializer_list<std::pair<uint32_t, uint8_t>> locals, const Bytes& code) {
  Bytes inner = Leb(locals.size());
  for (const auto& [count, type] : locals) {
    Bytes c = Leb(count);
    inner.insert(inner.end(), c.begin(), c.end());
    inner.push_back(type);
  }
  inner.insert(inner.end(), code.begin(), code.end());
  return Concat({Leb(inner.size()), inner});
}

// A module with one function of type `params -> results` whose body is
// `code` (which must include its final 0x0b), plus optional extra sections
// placed in order by the caller through `before_code` / `after_code`.
inline Bytes OneFunctionModule(const Bytes& params, const Bytes& results, const Bytes& code,
                               std::initializer_list<std::pair<uint32_t, uint8_t>> locals = {},
                               const Bytes& middle_sections = {}) {
  return Concat({ModuleBytes({Section(1, Vec({FuncTypeBytes(params, results)})),
                              Section(3, Vec({Leb(0)}))}),
                 middle_sections, Section(10, Vec({Body(locals, code)}))});
}

}  // namespace wasm::testing

#endif  // RUNTIME_TESTING_WASM_BUILDER_H_
