;; call_indirect into lib.wat's table. The imported function makes dispatch
;; function 1 and app_main function 2.
(module
  (import "lib" "boom" (func $lib_boom (param i32) (result i32)))
  (import "lib" "table" (table 2 funcref))
  (type $t (func (param i32) (result i32)))
  (func $dispatch (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func $app_main (export "main") (param i32) (result i32)
    (i32.add (call $dispatch (local.get 0)) (i32.const 1)))
)
