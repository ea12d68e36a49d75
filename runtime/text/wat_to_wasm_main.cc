// wat_to_wasm FILE.wat OUT.wasm: the text parser as a command-line tool (a
// debugging aid, like wabt's wat2wasm without validation). Exit 1 on error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "runtime/text/wat.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: wat_to_wasm FILE.wat OUT.wasm\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<uint8_t>> wasm = wasm::text::ParseWatModule(text.str());
  if (!wasm.ok()) {
    std::cerr << argv[1] << ":" << wasm.status().message() << "\n";
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(wasm->data()), static_cast<std::streamsize>(wasm->size()));
  return out ? 0 : 1;
}
