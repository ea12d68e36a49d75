;; Empty active segments exactly at the end of a table and a memory are in
;; bounds.
(module
  (memory 1)
  (table 10 funcref)
  (elem (i32.const 10))
  (data (i32.const 65536) "")
)
