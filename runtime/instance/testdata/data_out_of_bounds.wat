;; The second data segment is partially out of bounds; the first stays
;; applied to the imported memory, nothing of the second is written.
(module
  (import "M" "mem" (memory 1))
  (data (i32.const 100) "hi")
  (data (i32.const 65535) "zz")
)
