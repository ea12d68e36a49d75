;; The second element segment is out of bounds (9 + 2 > 10): the first stays
;; applied to the imported table, and the data segment is never applied.
(module
  (import "M" "tab" (table 10 funcref))
  (import "M" "mem" (memory 1))
  (func $f)
  (elem (i32.const 7) $f)
  (elem (i32.const 9) $f $f)
  (data (i32.const 0) "zz")
)
