;; A trap three calls deep. The import shifts the defined functions' indices:
;; div_helper is function 1, middle 2, run 3.
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func $div_helper (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32)
    (call $div_helper (local.get 0) (i32.const 0)))
  (func $run (export "run") (param i32) (result i32)
    (i32.add (call $middle (local.get 0)) (i32.const 1)))
)
