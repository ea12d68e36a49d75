;; Imports another instance's function (linking across worker processes).
(module
  (import "lib" "div" (func $div (param i32 i32) (result i32)))
  (func (export "half") (param i32) (result i32)
    (call $div (local.get 0) (i32.const 2)))
)
