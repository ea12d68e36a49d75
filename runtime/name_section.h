// The "name" custom section: function and local names for backtraces and
// dumps. The spec makes custom sections' contents non-binding, so a broken
// name section is dropped whole, never an error.
#ifndef RUNTIME_NAME_SECTION_H_
#define RUNTIME_NAME_SECTION_H_

#include "runtime/module.h"

namespace wasm {

// Fills module.names from the first custom section called "name", if any and
// if it decodes; otherwise leaves module.names empty.
void DecodeNameSection(Module& module);

}  // namespace wasm

#endif  // RUNTIME_NAME_SECTION_H_
