;; Imports a function exported by another instance in the same worker.
(module
  (import "calc" "add" (func $add (param i32 i32) (result i32)))
  (func (export "add3") (param i32 i32 i32) (result i32)
    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
)
