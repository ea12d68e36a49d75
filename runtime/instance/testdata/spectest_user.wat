;; Imports everything the spectest module provides, with the types the
;; testsuite uses.
(module
  (import "spectest" "print" (func))
  (import "spectest" "print_i32" (func (param i32)))
  (import "spectest" "print_i64" (func (param i64)))
  (import "spectest" "print_f32" (func (param f32)))
  (import "spectest" "print_f64" (func (param f64)))
  (import "spectest" "print_i32_f32" (func (param i32 f32)))
  (import "spectest" "print_f64_f64" (func (param f64 f64)))
  (import "spectest" "global_i32" (global i32))
  (import "spectest" "global_i64" (global i64))
  (import "spectest" "global_f32" (global f32))
  (import "spectest" "global_f64" (global f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2))
)
