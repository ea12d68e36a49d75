;; Imports a host-created table and fills it from an element segment.
(module
  (import "js" "tbl" (table 2 funcref))
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (elem (i32.const 0) $one $two)
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
)
