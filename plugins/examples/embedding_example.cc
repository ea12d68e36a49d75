#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "host/api/errors.h"
#include "host/api/instance.h"

using namespace wasm::api;

int main(int argc, char** argv) {
  if (argc != 2) return std::cerr << "usage: embedding_example FILE.wasm\n", 2;
  std::ifstream file(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(file), {});
  absl::StatusOr<Module> module = Module::Compile(bytes);  // decoded + validated here
  if (!module.ok()) return std::cerr << module.status() << "\n", 1;

  ImportObject imports;  // a host function: runs in this process when wasm calls it
  imports.Define("env", "log", Function::Host(wasm::FuncType{{wasm::ValType::kI32}, {}},
      [](absl::Span<const Value> args) -> absl::StatusOr<std::vector<Value>> {
        std::cout << "wasm says " << args[0].i32() << "\n";
        return std::vector<Value>{};
      }));
  // The instance runs in its own seccomp-confined worker process.
  absl::StatusOr<Instance> instance = Instance::Instantiate(*module, imports);
  if (!instance.ok()) return std::cerr << instance.status() << "\n", 1;

  absl::StatusOr<Function> run = instance->GetFunction("run");
  absl::StatusOr<std::vector<Value>> results = run.ok() ? (*run)({Value::I32(21)}) : run.status();
  if (!results.ok()) {
    return std::cerr << ErrorClassName(GetErrorClass(results.status())) << ": "
                     << results.status().message() << "\n", 1;
  }
  std::cout << "run(21) = " << (*results)[0].i32() << "\n";  // 42
}
