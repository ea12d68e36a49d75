// Test helpers: the modules of testdata/*.wat (compiled to wasm at build
// time by wat2wasm, see BUILD), decoded and validated.
//
//   absl::StatusOr<std::shared_ptr<const Module>> m = CompileTestModule("exporter");
//   ASSERT_TRUE(m.ok()) << m.status();
#ifndef RUNTIME_INSTANCE_TEST_UTIL_H_
#define RUNTIME_INSTANCE_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/module.h"

namespace wasm::testing {

// testdata/<name>.wat, compiled. NotFound for an unknown name.
absl::StatusOr<std::shared_ptr<const Module>> CompileTestModule(const std::string& name);

}  // namespace wasm::testing

#endif  // RUNTIME_INSTANCE_TEST_UTIL_H_
