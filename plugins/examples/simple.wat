;; MDN "Using the WebAssembly JavaScript API": simple.wat.
(module
  (func $i (import "my_namespace" "imported_func") (param i32))
  (func (export "exported_func")
    i32.const 42
    call $i))
