;; Passive, active and declarative segments, two tables and a memory, for
;; the builtins.
(module
  (import "env" "ext" (global $ext externref))
  (memory 1 2)
  (table $t0 4 8 funcref)
  (table $t1 4 externref)
  (func $a)
  (func $b)
  (func $c)
  (elem $passive funcref (ref.func $a) (ref.null func) (ref.func $b) (ref.func $c))
  (elem $active (table $t0) (i32.const 0) func $c)
  (elem $declared declare func $a)
  (elem $ext_seg externref (ref.null extern) (ref.null extern))
  (data $hello "hello")
  (data $active_data (i32.const 16) "xy")
)
